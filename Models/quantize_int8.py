"""The numerics of expression-net's int8 form: the operations both kinds of
network share (batch-norm folding, weight and activation quantization,
requantization, calibration of a scale) and the ``dense`` network's folded
float32 and quantized forms. The ``ds`` network's forms are in
``quantize_int8_ds.py``; ``quantize_expression_net.py`` calibrates, measures
and writes the files.

Needs torch and numpy only (no safetensors), so that the unit tests run on
Debian's Python.

Notation of the ds scheme (the dense scheme is the special case z = 0):

    quantize(x, s, z) = clamp(round_half_even(clamp(x / s, -256, 256)) + z, 0, 255)     x / s in float32
    bytes(y, z)       = clamp(round_half_even(clamp(y, -256, 256)) + z, 0, 255)          y in float32
    y                 = fma(float32(acc), m[c], o[c])                                      acc: exact int sum
    m[c] = float32(float32(s_in * s_w[c]) / s_out),  o[c] = float32(b[c] / s_out)         (float output: s_out = 1)
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

EPSILON = 1e-5
#: What the dense scheme is, in the calibration file (quantize_int8_ds.SCHEME is the ds one's).
SCHEME = ("uint8 activations (zero point 0), int8 weights symmetric per output channel, int32 "
          "accumulation; stem, squeeze-excitation, residual add, pool and head in float32 "
          "(Models/quantize_expression_net.py)")
#: Zero point of a "signed" activation (a depthwise conv's output, no ReLU).
SIGNED_ZERO = 128
#: Quantization levels above the zero point: the clip of an unsigned
#: (zero point 0) activation maps to 255, of a signed one to 127.
UNSIGNED_LEVELS, SIGNED_LEVELS = 255, 127


# ---------------------------------------------------------------- shared operations

def fold(conv_bn) -> tuple[torch.Tensor, torch.Tensor]:
    """conv (no bias) + BatchNorm as one float32 weight and bias, as Mien's
    BatchNorm.folded computes them: scale = gamma / sqrt(var + eps),
    w' = w * scale, b' = beta - mean * scale."""
    conv, bn = conv_bn[0], conv_bn[1]
    scale = bn.weight.detach() / torch.sqrt(bn.running_var.detach() + EPSILON)
    w = conv.weight.detach() * scale[:, None, None, None]
    b = bn.bias.detach() - bn.running_mean.detach() * scale
    return w.float().contiguous(), b.float().contiguous()


def squeeze_excite(module, x: torch.Tensor) -> torch.Tensor:
    """Squeeze-excitation in float32 (``nn.Identity``: none)."""
    if isinstance(module, torch.nn.Identity):
        return x
    s = x.mean((2, 3), keepdim=True)
    return x * torch.sigmoid(module.fc2(torch.relu(module.fc1(s))))


def quantize_weight(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per output channel (a depthwise weight [C,1,3,3] too): (int8
    values as float, float32 scales s_w = max|w[c]| / 127, 1 for a zero channel)."""
    scale = (w.abs().flatten(1).max(1).values / 127).float()
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    q = torch.clamp(torch.round(w / scale[:, None, None, None]), -127, 127)   # torch.round: half to even
    return q, scale


def quantize_activation(x: torch.Tensor, scale: float) -> torch.Tensor:
    """The dense scheme's uint8 quantization: clamp(round(x / s), 0, 255) (= quantize(x, s, 0))."""
    return torch.clamp(torch.round(x / np.float32(scale)), 0, 255)


def quantize(x: torch.Tensor, scale: float, zero: int) -> torch.Tensor:
    """Bytes (as float) of float32 ``x``: clamp(round_half_even(clamp(x / s, -256, 256)) + z, 0, 255)."""
    return to_bytes(x.float() / np.float32(scale), zero)


def to_bytes(y: torch.Tensor, zero: int) -> torch.Tensor:
    """Bytes (as float) of a requantized float32 ``y``: clamp(round_half_even(clamp(y, -256, 256)) + z, 0, 255)."""
    return torch.clamp(torch.round(torch.clamp(y, -256, 256)) + zero, 0, 255)


def requantize(acc: torch.Tensor, multiplier: torch.Tensor, offset: torch.Tensor) -> torch.Tensor:
    """fma(float32(acc), m, o) rounded once to float32 (float64 holds the exact
    product and sum of these magnitudes), as Mien's kernels compute it."""
    acc32 = acc.to(torch.float32).to(torch.float64)
    y = acc32 * multiplier.double()[None, :, None, None] + offset.double()[None, :, None, None]
    return y.to(torch.float32)


def multiplier(s_in: float, s_w: torch.Tensor, s_out: float | None = None) -> torch.Tensor:
    """m[c] = float32(float32(s_in * s_w[c]) / s_out); float32(s_in * s_w[c]) for a float output."""
    m = (np.float32(s_in) * s_w).float()
    return m if s_out is None else (m / np.float32(s_out)).float()


def offset(b: torch.Tensor, s_out: float | None = None) -> torch.Tensor:
    """o[c] = float32(b[c] / s_out); b for a float output."""
    return b.float() if s_out is None else (b.float() / np.float32(s_out)).float()


def zero_point_offset(o: torch.Tensor, m: torch.Tensor, wq: torch.Tensor, zero: int) -> torch.Tensor:
    """The offset of a conv whose kernel sums q * w_q of inputs with zero point
    ``zero`` without subtracting it: o'[c] = float32(o[c] - float32(m[c] *
    float32(zero * sum_i w_q[c][i]))), each step in float32 as Mien computes it."""
    total = (wq.flatten(1).double().sum(1) * zero).to(torch.float32)     # exact: integers far below 2^53
    return (o.float() - (m.float() * total).float()).float()


# ---------------------------------------------------------------- calibration

def histogram_scale(values: np.ndarray, method: str, levels: int = UNSIGNED_LEVELS) -> float:
    """The scale (clip / ``levels``) of one activation for ``method``: ``max``,
    ``pNN.NN`` (that percentile of the values), or ``mse`` (the clip with the
    least mean squared quantization error over the values). An unsigned
    activation (levels 255) gives its values, a signed one (levels 127) their
    absolute values."""
    if method == "max":
        clip = float(values.max())
    elif method.startswith("p"):
        clip = float(np.percentile(values, float(method[1:])))
    elif method == "mse":
        top = float(values.max())
        sample = values[values > 0]
        best, clip = math.inf, top
        for c in np.linspace(top * 0.2, top, 81):
            s = c / levels
            err = float(np.mean((np.clip(np.round(sample / s), 0, levels) * s - sample) ** 2))
            if err < best:
                best, clip = err, float(c)
    else:
        raise ValueError(f"unknown calibration method {method!r}")
    return max(clip, 1e-8) / levels


def calibrate(folded, taps: dict[str, np.ndarray], method: str) -> dict[str, float]:
    """Every activation's scale of ``folded`` (``Folded`` or ``FoldedDS``) for
    ``method`` from ``collect_taps``'s values: signed ones (zero point 128)
    over 127 levels, unsigned ones over 255."""
    return {k: histogram_scale(taps[k], method, SIGNED_LEVELS if k in folded.signed_points else UNSIGNED_LEVELS)
            for k in folded.points()}


def collect_taps(folded, images: torch.Tensor, batch: int = 250) -> dict[str, np.ndarray]:
    """Each quantization point's float inputs over uint8 ``images`` [N,1,48,48]
    (absolute values for the signed points)."""
    taps: dict = {}
    for i in range(0, len(images), batch):
        folded.forward(images[i:i + batch], taps)
    return {k: np.concatenate(taps.pop(k)) for k in list(taps)}


def tap(taps: dict | None, name: str, x: torch.Tensor, signed: bool = False) -> None:
    """Collects a quantization point's float input for calibration (its absolute values when ``signed``)."""
    if taps is not None:
        x = x.detach().abs() if signed else x.detach()
        taps.setdefault(name, []).append(x.flatten().numpy().copy())


def reference_tensors(quantized, faces: np.ndarray) -> dict[str, np.ndarray]:
    """Swift's parity vectors for uint8 ``faces`` [N,48,48]: the faces, their
    uint8 stem output (NCHW) and the exact simulation's (``quantized`` in
    float64) logits and probabilities (float32)."""
    trace: dict = {}
    logits = quantized.forward(torch.from_numpy(faces[:, None]), trace).double()
    return {
        "faces": faces,
        "stem_q": trace["stem_q"].to(torch.uint8).numpy(),
        "logits": logits.float().numpy(),
        "probabilities": logits.softmax(1).float().numpy(),
    }


# ---------------------------------------------------------------- the dense network

class Folded:
    """The dense expression-net with batch norms folded: the float32 network Mien runs."""

    #: Activations with zero point 128 (none in the dense scheme).
    signed_points: frozenset = frozenset()

    def __init__(self, model):
        self.stem = fold(model.stem)
        self.blocks = []
        for block in model.blocks:
            conv1, conv2 = block.body[0], block.body[1]
            entry = {"conv1": fold(conv1), "conv2": fold(conv2),
                     "stride": conv1[0].stride[0],
                     "shortcut": None if isinstance(block.shortcut, torch.nn.Identity) else fold(block.shortcut),
                     "se": block.se}
            self.blocks.append(entry)
        self.fc = (model.fc.weight.detach().float(), model.fc.bias.detach().float())

    se = staticmethod(squeeze_excite)

    @torch.no_grad()
    def forward(self, pixels: torch.Tensor, taps: dict | None = None) -> torch.Tensor:
        """Logits of uint8 faces [N,1,48,48]; ``taps`` collects each quantization point's float input."""
        x = (pixels.float() / 255 - 0.5) / 0.25
        x = torch.relu(F.conv2d(x, *self.stem, padding=1))
        tap(taps, "stem", x)
        for k, b in enumerate(self.blocks):
            mid = torch.relu(F.conv2d(x, *b["conv1"], stride=b["stride"], padding=1))
            tap(taps, f"block{k + 1}.mid", mid)
            body = self.se(b["se"], F.conv2d(mid, *b["conv2"], padding=1))
            skip = x if b["shortcut"] is None else F.conv2d(x, *b["shortcut"], stride=b["stride"])
            x = torch.relu(body + skip)
            if k + 1 < len(self.blocks):
                tap(taps, f"block{k + 1}.out", x)
        return F.linear(x.mean((2, 3)), *self.fc)

    def points(self) -> list[str]:
        """The activation scales' names, in network order."""
        names = ["stem"]
        for k in range(len(self.blocks)):
            names.append(f"block{k + 1}.mid")
            if k + 1 < len(self.blocks):
                names.append(f"block{k + 1}.out")
        return names


class Quantized:
    """The dense integer scheme (quantize_expression_net.py's docstring), in
    float64 (exact integer sums below 2^53) or float32 (fast; sums above 2^24
    may lose their last bits)."""

    def __init__(self, folded: Folded, scales: dict[str, float], dtype=torch.float64):
        self.f, self.s, self.dtype = folded, {k: np.float32(v) for k, v in scales.items()}, dtype
        self.q = []
        for b in folded.blocks:
            self.q.append({name: quantize_weight(b[name][0]) if b[name] is not None else None
                           for name in ("conv1", "conv2", "shortcut")})

    def conv(self, xq, wq, stride, padding):
        return F.conv2d(xq.to(self.dtype), wq.to(self.dtype), stride=stride, padding=padding)

    @torch.no_grad()
    def forward(self, pixels: torch.Tensor, trace: dict | None = None) -> torch.Tensor:
        x = (pixels.float() / 255 - 0.5) / 0.25
        x = torch.relu(F.conv2d(x, *self.f.stem, padding=1))
        xq, s_in = quantize_activation(x, self.s["stem"]), self.s["stem"]
        if trace is not None:
            trace["stem_q"] = xq
        n = len(self.f.blocks)
        for k, (b, q) in enumerate(zip(self.f.blocks, self.q)):
            s_mid = self.s[f"block{k + 1}.mid"]
            (w1, sw1), b1 = q["conv1"], b["conv1"][1]
            m1 = (np.float32(s_in) * sw1 / s_mid).float()
            o1 = (b1 / s_mid).float()
            mid = torch.clamp(torch.round(requantize(self.conv(xq, w1, b["stride"], 1), m1, o1)), 0, 255)
            (w2, sw2), b2 = q["conv2"], b["conv2"][1]
            body = requantize(self.conv(mid, w2, 1, 1), (np.float32(s_mid) * sw2).float(), b2)
            body = Folded.se(b["se"], body)
            if q["shortcut"] is None:
                skip = xq.float() * np.float32(s_in)
            else:
                (ws, sws), bs = q["shortcut"], b["shortcut"][1]
                skip = requantize(self.conv(xq, ws, b["stride"], 0), (np.float32(s_in) * sws).float(), bs)
            y = torch.relu(body + skip)
            if k + 1 < n:
                s_in = self.s[f"block{k + 1}.out"]
                xq = quantize_activation(y, s_in)
            else:
                x = y
        return F.linear(x.mean((2, 3)), *self.f.fc)


def fake_quantize_activation(x: torch.Tensor, scale: float, zero: int = 0) -> torch.Tensor:
    """uint8 fake quantization (QuantizeLinear + DequantizeLinear in ONNX) with zero point ``zero``."""
    return torch.fake_quantize_per_tensor_affine(x, float(scale), zero, 0, 255)


def fake_quantize_weight(w: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """Symmetric int8 per output channel fake quantization."""
    zero = torch.zeros(scale.shape[0], dtype=torch.int32)
    return torch.fake_quantize_per_channel_affine(w, scale, zero, 0, -128, 127)


class QDQModule(torch.nn.Module):
    """The dense int8 scheme with fake-quantize operations, which torch.onnx
    writes as QuantizeLinear/DequantizeLinear pairs (the QDQ format): pixels
    [N,1,48,48] in [0,1] -> probabilities [N,7]."""

    def __init__(self, quantized: Quantized):
        super().__init__()
        self.q = quantized

    act = staticmethod(fake_quantize_activation)
    weight = staticmethod(fake_quantize_weight)

    def forward(self, pixels):
        f, s = self.q.f, self.q.s
        x = (pixels - 0.5) / 0.25
        x = self.act(torch.relu(F.conv2d(x, *f.stem, padding=1)), s["stem"])
        n = len(f.blocks)
        for k, (b, q) in enumerate(zip(f.blocks, self.q.q)):
            (w1, sw1), b1 = q["conv1"], b["conv1"][1]
            w1f = self.weight(b["conv1"][0], sw1)
            mid = self.act(torch.relu(F.conv2d(x, w1f, b1, stride=b["stride"], padding=1)), s[f"block{k + 1}.mid"])
            (w2, sw2), b2 = q["conv2"], b["conv2"][1]
            body = Folded.se(b["se"], F.conv2d(mid, self.weight(b["conv2"][0], sw2), b2, padding=1))
            if q["shortcut"] is None:
                skip = x
            else:
                (ws, sws), bs = q["shortcut"], b["shortcut"][1]
                skip = F.conv2d(x, self.weight(b["shortcut"][0], sws), bs, stride=b["stride"])
            x = torch.relu(body + skip)
            if k + 1 < n:
                x = self.act(x, s[f"block{k + 1}.out"])
        return F.linear(x.mean((2, 3)), *f.fc).softmax(1)
