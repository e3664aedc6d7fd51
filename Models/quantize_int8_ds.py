"""The int8 form of a ``ds`` (depthwise-separable) expression-net: its folded
float32 network, the exact integer scheme, and the QDQ module for ONNX.
Needs torch and numpy only.

The scheme (notation of ``quantize_int8.py``; every conv's weights folded with
its batch norm, then int8 symmetric per output channel, depthwise [C,1,3,3]
too; every activation byte tensor has one scale, named in quotes):

    stem           x0 = (pixels / 255 - 0.5) / 0.25; c = relu(conv3x3(x0)) in float32
                   q0 = quantize(c, "stem.conv", 0)
                   t  = depthwise(q0)               -> bytes, zero 128, "stem.depthwise"
                   stem output = pointwise(t)       -> bytes, zero 0, "stem" (the clamp is the ReLU)
    block k        (input bytes q_in, zero 0, scale s_in: "stem" or "block{k-1}.out")
                   t1   = depthwise1(q_in, stride) -> bytes, zero 128, "block{k}.depthwise1"
                   mid  = pointwise1(t1)           -> bytes, zero 0, "block{k}.mid" (ReLU)
                   t2   = depthwise2(mid)          -> bytes, zero 128, "block{k}.depthwise2"
                   body = pointwise2(t2)           -> float32 (s_out = 1)
                   skip = 1x1 strided shortcut conv of q_in -> float32 (s_out = 1), or
                          float32(q_in) * s_in for an identity shortcut
                   y = relu(se(body) + skip) in float32 -> quantize(y, "block{k}.out", 0),
                   except the last block's y, which the float32 mean and linear head read

    depthwise      3x3, pad 1, stride 1 or 2, on bytes with zero point 0:
                   acc[c] = sum over the taps inside the image of q * w_q[c][tap]
                   (a padded tap is a real zero and adds nothing)
    pointwise      1x1 on bytes with zero point 128: acc[c] = sum_i q_i * w_q[c][i], the zero
                   point NOT subtracted; its share comes off the offset (``zero_point_offset``):
                   o'[c] = float32(o[c] - float32(m[c] * float32(128 * sum_i w_q[c][i])))
    every conv     y = fma(float32(acc), m[c], o[c] or o'[c]), m and o as ``quantize_int8.py``
                   says, then bytes(y, z_out) or kept as float32

Signed activations (zero point 128) are calibrated on their absolute values,
scale = clip / 127; unsigned ones on their values, scale = clip / 255.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from Models.quantize_int8 import SCHEME as DENSE_SCHEME, Folded, QDQModule, Quantized
from Models.quantize_int8 import (SIGNED_ZERO, fake_quantize_activation, fake_quantize_weight, fold, multiplier,
                                  offset, quantize, quantize_weight, requantize, squeeze_excite, tap, to_bytes,
                                  zero_point_offset)

#: The JSON's ``scheme`` text for a ds network.
SCHEME = ("uint8 activations: zero point 128 for each depthwise conv's output (stem.depthwise, blockK.depthwise1, "
          "blockK.depthwise2; scale = clip of |x| / 127), zero point 0 elsewhere (scale = clip / 255); int8 weights "
          "symmetric per output channel (depthwise too), int32 accumulation; a pointwise conv sums q * w without "
          "the zero point, whose share 128 * sum(w) * m comes off its float32 offset; stem conv3x3, "
          "squeeze-excitation, residual add, pool and head in float32 (Models/quantize_int8_ds.py)")

#: The convolutions of a ds block, in order (``DSBlock.body``'s four conv + BN).
BLOCK_LAYERS = ("depthwise1", "pointwise1", "depthwise2", "pointwise2")


def depthwise_conv(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None = None, stride: int = 1) -> torch.Tensor:
    """3x3 depthwise convolution (weight [C,1,3,3]), padding 1."""
    return F.conv2d(x, w, b, stride=stride, padding=1, groups=w.shape[0])


class FoldedDS:
    """A ds expression-net with batch norms folded: the float32 network Mien runs."""

    def __init__(self, model):
        self.stem = {"conv": fold(model.stem[0]), "depthwise": fold(model.stem[1]), "pointwise": fold(model.stem[2])}
        self.blocks = []
        for block in model.blocks:
            entry = {name: fold(layer) for name, layer in zip(BLOCK_LAYERS, block.body)}
            entry["stride"] = block.body[0][0].stride[0]
            entry["shortcut"] = None if isinstance(block.shortcut, torch.nn.Identity) else fold(block.shortcut)
            entry["se"] = block.se
            self.blocks.append(entry)
        self.fc = (model.fc.weight.detach().float(), model.fc.bias.detach().float())
        self.signed_points = frozenset(n for n in self.points() if ".depthwise" in n)

    @torch.no_grad()
    def forward(self, pixels: torch.Tensor, taps: dict | None = None) -> torch.Tensor:
        """Logits of uint8 faces [N,1,48,48]; ``taps`` collects each quantization
        point's float input (absolute values for the signed ones)."""
        x = (pixels.float() / 255 - 0.5) / 0.25
        x = torch.relu(F.conv2d(x, *self.stem["conv"], padding=1))
        tap(taps, "stem.conv", x)
        x = depthwise_conv(x, *self.stem["depthwise"])
        tap(taps, "stem.depthwise", x, signed=True)
        x = torch.relu(F.conv2d(x, *self.stem["pointwise"]))
        tap(taps, "stem", x)
        for k, b in enumerate(self.blocks):
            name = f"block{k + 1}"
            t1 = depthwise_conv(x, *b["depthwise1"], stride=b["stride"])
            tap(taps, f"{name}.depthwise1", t1, signed=True)
            mid = torch.relu(F.conv2d(t1, *b["pointwise1"]))
            tap(taps, f"{name}.mid", mid)
            t2 = depthwise_conv(mid, *b["depthwise2"])
            tap(taps, f"{name}.depthwise2", t2, signed=True)
            body = squeeze_excite(b["se"], F.conv2d(t2, *b["pointwise2"]))
            skip = x if b["shortcut"] is None else F.conv2d(x, *b["shortcut"], stride=b["stride"])
            x = torch.relu(body + skip)
            if k + 1 < len(self.blocks):
                tap(taps, f"{name}.out", x)
        return F.linear(x.mean((2, 3)), *self.fc)

    def points(self) -> list[str]:
        """The activation scales' names, in network order."""
        names = ["stem.conv", "stem.depthwise", "stem"]
        for k in range(len(self.blocks)):
            names += [f"block{k + 1}.depthwise1", f"block{k + 1}.mid", f"block{k + 1}.depthwise2"]
            if k + 1 < len(self.blocks):
                names.append(f"block{k + 1}.out")
        return names


class QuantizedDS:
    """The ds integer scheme of this module's docstring, in float64 (exact
    integer sums below 2^53) or float32 (fast; sums above 2^24 may lose their
    last bits). Bytes are held as float tensors of the values 0..255.
    ``weights`` maps a folded float32 weight to (its quantized values, the
    per-channel scales): ``quantize_weight``, or for a test the identity
    ``lambda w: (w, torch.ones(len(w)))``."""

    def __init__(self, folded: FoldedDS, scales: dict[str, float], dtype=torch.float64, weights=quantize_weight):
        self.f, self.s, self.dtype = folded, {k: np.float32(v) for k, v in scales.items()}, dtype
        self.stem = {name: weights(folded.stem[name][0]) for name in ("depthwise", "pointwise")}
        self.q = []
        for b in folded.blocks:
            entry = {name: weights(b[name][0]) for name in BLOCK_LAYERS}
            entry["shortcut"] = weights(b["shortcut"][0]) if b["shortcut"] is not None else None
            self.q.append(entry)

    def depthwise(self, q: torch.Tensor, layer, wq, s_in, s_out, stride: int = 1) -> torch.Tensor:
        """Depthwise conv of bytes ``q`` (zero point 0) -> bytes with zero point 128 at ``s_out``."""
        (w, s_w), b = wq, layer[1]
        acc = depthwise_conv(q.to(self.dtype), w.to(self.dtype), stride=stride)
        return to_bytes(requantize(acc, multiplier(s_in, s_w, s_out), offset(b, s_out)), SIGNED_ZERO)

    def pointwise(self, t: torch.Tensor, layer, wq, s_in, s_out=None) -> torch.Tensor:
        """1x1 conv of bytes ``t`` (zero point 128) -> bytes with zero point 0
        at ``s_out`` (the clamp is the ReLU), or float32 when ``s_out`` is None."""
        (w, s_w), b = wq, layer[1]
        acc = F.conv2d(t.to(self.dtype), w.to(self.dtype))
        m = multiplier(s_in, s_w, s_out)
        y = requantize(acc, m, zero_point_offset(offset(b, s_out), m, w, SIGNED_ZERO))
        return y if s_out is None else to_bytes(y, 0)

    def shortcut(self, q: torch.Tensor, b: dict, wq, s_in) -> torch.Tensor:
        """The block's shortcut in float32: the strided 1x1 conv of bytes ``q``
        (zero point 0), or float32(q) * s_in."""
        if wq is None:
            return q.float() * np.float32(s_in)
        (w, s_w), bias = wq, b["shortcut"][1]
        acc = F.conv2d(q.to(self.dtype), w.to(self.dtype), stride=b["stride"])
        return requantize(acc, multiplier(s_in, s_w), offset(bias))

    @torch.no_grad()
    def forward(self, pixels: torch.Tensor, trace: dict | None = None) -> torch.Tensor:
        """Logits of uint8 faces [N,1,48,48]; ``trace`` gets the stem's output bytes (``stem_q``)."""
        f, s = self.f, self.s
        x = (pixels.float() / 255 - 0.5) / 0.25
        c = torch.relu(F.conv2d(x, *f.stem["conv"], padding=1))
        q0 = quantize(c, s["stem.conv"], 0)
        t = self.depthwise(q0, f.stem["depthwise"], self.stem["depthwise"], s["stem.conv"], s["stem.depthwise"])
        xq = self.pointwise(t, f.stem["pointwise"], self.stem["pointwise"], s["stem.depthwise"], s["stem"])
        s_in = s["stem"]
        if trace is not None:
            trace["stem_q"] = xq
        n = len(f.blocks)
        for k, (b, q) in enumerate(zip(f.blocks, self.q)):
            name = f"block{k + 1}"
            s_d1, s_mid, s_d2 = s[f"{name}.depthwise1"], s[f"{name}.mid"], s[f"{name}.depthwise2"]
            t1 = self.depthwise(xq, b["depthwise1"], q["depthwise1"], s_in, s_d1, b["stride"])
            mid = self.pointwise(t1, b["pointwise1"], q["pointwise1"], s_d1, s_mid)
            t2 = self.depthwise(mid, b["depthwise2"], q["depthwise2"], s_mid, s_d2)
            body = squeeze_excite(b["se"], self.pointwise(t2, b["pointwise2"], q["pointwise2"], s_d2))
            y = torch.relu(body + self.shortcut(xq, b, q["shortcut"], s_in))
            if k + 1 < n:
                s_in = s[f"{name}.out"]
                xq = quantize(y, s_in, 0)
            else:
                x = y
        return F.linear(x.mean((2, 3)), *f.fc)


class QDQModuleDS(torch.nn.Module):
    """The ds int8 scheme with fake-quantize operations (QuantizeLinear /
    DequantizeLinear pairs in ONNX; zero point 128 for the depthwise convs'
    outputs): pixels [N,1,48,48] in [0,1] -> probabilities [N,7]."""

    def __init__(self, quantized: QuantizedDS):
        super().__init__()
        self.q = quantized

    def conv(self, x, layer, wq, stride=1, depthwise=False):
        """The float conv of ``layer`` (folded weight, bias) with its weight fake-quantized at scales ``wq[1]``."""
        w = fake_quantize_weight(layer[0], wq[1])
        if depthwise:
            return depthwise_conv(x, w, layer[1], stride)
        return F.conv2d(x, w, layer[1], stride=stride)

    def forward(self, pixels):
        f, s, qs = self.q.f, self.q.s, self.q.stem
        act = fake_quantize_activation

        def signed(x, scale):
            return fake_quantize_activation(x, scale, SIGNED_ZERO)

        x = (pixels - 0.5) / 0.25
        x = act(torch.relu(F.conv2d(x, *f.stem["conv"], padding=1)), s["stem.conv"])
        x = signed(self.conv(x, f.stem["depthwise"], qs["depthwise"], depthwise=True), s["stem.depthwise"])
        x = act(torch.relu(self.conv(x, f.stem["pointwise"], qs["pointwise"])), s["stem"])
        n = len(f.blocks)
        for k, (b, q) in enumerate(zip(f.blocks, self.q.q)):
            name = f"block{k + 1}"
            t = signed(self.conv(x, b["depthwise1"], q["depthwise1"], b["stride"], True), s[f"{name}.depthwise1"])
            t = act(torch.relu(self.conv(t, b["pointwise1"], q["pointwise1"])), s[f"{name}.mid"])
            t = signed(self.conv(t, b["depthwise2"], q["depthwise2"], depthwise=True), s[f"{name}.depthwise2"])
            body = squeeze_excite(b["se"], self.conv(t, b["pointwise2"], q["pointwise2"]))
            skip = x if q["shortcut"] is None else self.conv(x, b["shortcut"], q["shortcut"], b["stride"])
            x = torch.relu(body + skip)
            if k + 1 < n:
                x = act(x, s[f"{name}.out"])
        return F.linear(x.mean((2, 3)), *f.fc).softmax(1)


#: Each network kind's int8 forms, by the architecture's ``block``: (folded
#: float32 network class, integer simulation class, QDQ module class, scheme
#: text for the calibration file). ``quantize_expression_net.py`` and the test
#: fixtures (``training/make_test_int8.py``) both choose by it.
KINDS = {"dense": (Folded, Quantized, QDQModule, DENSE_SCHEME), "ds": (FoldedDS, QuantizedDS, QDQModuleDS, SCHEME)}
