"""YuNet-s, the face detector of libfacedetection (yuface 2023.5.1), in plain NumPy float32.

The network is data (LAYERS, stored as the `architecture` metadata of
yunet_s.safetensors); `forward` interprets it, `decode` turns the raw head
outputs into candidate faces and `detection_output` thresholds them and runs
the NMS the wheel runs. The constants below were read from the wheel's
libfacedetection.so (the arguments objectdetect_cnn passes to
detection_output and meshgrid) and confirmed against its output on real images
(compare_yunet_wheel.py).

Activations are [H, W, C] (HWC) float32 throughout.
"""

from __future__ import annotations

import numpy as np

STRIDES = (8, 16, 32)          # of the three head levels (fb1, fb2, fb3)
PAD_MULTIPLE = 32              # the image is zero-padded at the bottom and right to this
SCORE_THRESHOLD = 0.2          # candidates with sqrt(sigmoid(cls) * sigmoid(obj)) >= this
NMS_IOU = 0.45                 # a candidate is kept while its IoU with every kept face is <= this
TOP_K = 1000                   # best candidates that enter the NMS
KEEP_TOP_K = 512               # faces kept after it
LOGIT_CLAMP = 88.3762626647949  # logits are clamped to +-this before the sigmoid
HEADS = {"cls": 1, "obj": 1, "bbox": 4, "kps": 10}


# ---------------------------------------------------------------- the network as data

def _conv(name: str, source: str, cin: int, cout: int) -> dict:
    return {"name": name, "type": "Conv3x3Stride2", "inputs": [source],
            "config": {"in": cin, "out": cout, "relu": True},
            "weights": [f"{name}.weight", f"{name}.bias"]}


def _separable(prefix: str, source: str, cin: int, cout: int, relu: bool) -> list[dict]:
    """A pointwise conv (no activation) followed by a depthwise 3x3 conv (ReLU or not)."""
    return [
        {"name": f"{prefix}.pw", "type": "Pointwise", "inputs": [source],
         "config": {"in": cin, "out": cout, "relu": False},
         "weights": [f"{prefix}.pw.weight", f"{prefix}.pw.bias"]},
        {"name": f"{prefix}.dw", "type": "Depthwise3x3", "inputs": [f"{prefix}.pw"],
         "config": {"channels": cout, "relu": relu},
         "weights": [f"{prefix}.dw.weight", f"{prefix}.dw.bias"]},
    ]


def _pool(name: str, source: str) -> dict:
    return {"name": name, "type": "MaxPool2x2", "inputs": [source], "config": {}, "weights": []}


def _build_layers() -> list[dict]:
    layers = [_conv("backbone.model0.conv", "image", 3, 16)]
    layers += _separable("backbone.model0.dp", "backbone.model0.conv", 16, 16, relu=True)
    source = "backbone.model0.dp.dw"
    # (stage, max pool before it, [(in, out) of its two separable blocks])
    stages = [("model1", True, [(16, 16), (16, 32)]),
              ("model2", False, [(32, 32), (32, 64)]),
              ("model3", True, [(64, 64), (64, 64)]),   # fb1, stride 8
              ("model4", True, [(64, 64), (64, 64)]),   # fb2, stride 16
              ("model5", True, [(64, 64), (64, 64)])]   # fb3, stride 32
    for stage, pool, blocks in stages:
        if pool:
            layers.append(_pool(f"backbone.{stage}.pool", source))
            source = f"backbone.{stage}.pool"
        for i, (cin, cout) in enumerate(blocks, start=1):
            layers += _separable(f"backbone.{stage}.dp{i}", source, cin, cout, relu=True)
            source = f"backbone.{stage}.dp{i}.dw"

    # Top-down neck: the coarsest level first, each finer one adds the one above it.
    layers += _separable("neck.lateral.2", "backbone.model5.dp2.dw", 64, 64, relu=True)
    for level, fine in ((1, "backbone.model4.dp2.dw"), (0, "backbone.model3.dp2.dw")):
        add = f"neck.add.{level}"
        layers.append({"name": add, "type": "UpsampleAdd", "inputs": [f"neck.lateral.{level + 1}.dw", fine],
                       "config": {}, "weights": []})
        layers += _separable(f"neck.lateral.{level}", add, 64, 64, relu=True)

    for level in range(len(STRIDES)):
        for head, channels in HEADS.items():
            layers += _separable(f"head.{head}.{level}", f"neck.lateral.{level}.dw", 64, channels, relu=False)
    return layers


LAYERS = _build_layers()

CONVENTIONS = {
    "image": "[H, W, 3] RGB pixels as float32 0..255 (no mean, no scaling), zero-padded at the bottom and right "
             "to ceil(H/32)*32 x ceil(W/32)*32",
    "Conv3x3Stride2": "3x3 convolution, stride 2, zero padding 1 on every side; weight [out, in, 3, 3] "
                      "(in = R, G, B), bias [out]; ReLU when config.relu",
    "Pointwise": "1x1 convolution: y[h, w, o] = sum_i x[h, w, i] * weight[o, i] + bias[o]; weight [out, in]",
    "Depthwise3x3": "per channel 3x3 convolution, stride 1, zero padding 1: "
                    "y[h, w, c] = sum_{ky, kx} x[h + ky - 1, w + kx - 1, c] * weight[c, ky, kx] + bias[c]; "
                    "weight [C, 3, 3]; ReLU when config.relu",
    "MaxPool2x2": "2x2 max pool, stride 2 (sizes are always even here)",
    "UpsampleAdd": "nearest-neighbour x2 upsampling of inputs[0] (each value to a 2x2 block) plus inputs[1]",
    "batch_norm": "already folded into every conv's weight and bias by libfacedetection",
}


def architecture() -> dict:
    """The JSON stored as the `architecture` metadata of yunet_s.safetensors."""
    return {
        "format": "mien-architecture/1",
        "model": "yunet_s",
        "framework": "libfacedetection (C++, float32)",
        "data_format": "HWC",
        "input_shape": [None, None, 3],
        "input": "image",
        "pad_multiple": PAD_MULTIPLE,
        "conventions": CONVENTIONS,
        "layers": LAYERS,
        "outputs": [{"level": level, "stride": stride, "head": head, "channels": channels,
                     "layer": f"head.{head}.{level}.dw"}
                    for level, stride in enumerate(STRIDES) for head, channels in HEADS.items()],
        "decoding": decoding(),
    }


def decoding() -> dict:
    return {
        "priors": "for level l (stride s), cell (row, col): px = col * s, py = row * s (no half-pixel offset)",
        "box": "cx = bbox[0] * s + px, cy = bbox[1] * s + py, w = exp(bbox[2]) * s, h = exp(bbox[3]) * s; "
               "x1 = cx - w / 2, y1 = cy - h / 2, x2 = cx + w / 2, y2 = cy + h / 2",
        "landmarks": "point k = (kps[2k] * s + px, kps[2k + 1] * s + py); k = 0..4: the eye on the image's left, "
                     "the eye on the image's right, the nose tip, the mouth corner on the image's left, the one "
                     "on its right (for an upright face)",
        "score": "sqrt(sigmoid(clamp(cls)) * sigmoid(clamp(obj))), logits clamped to +-" + repr(LOGIT_CLAMP),
        "candidate_order": "level 0, 1, 2; within a level row-major (row, then col)",
        "score_threshold": SCORE_THRESHOLD,
        "score_threshold_rule": "score >= threshold",
        "sort": "stable sort by score, descending (ties keep candidate order)",
        "top_k": TOP_K,
        "nms_iou": NMS_IOU,
        "nms_rule": "greedy in sorted order: keep a candidate when its IoU with every face already kept is <= nms_iou; "
                    "IoU = inter / (area1 + area2 - inter) of the x1,y1,x2,y2 boxes, 0 when they do not overlap",
        "keep_top_k": KEEP_TOP_K,
        "wheel_integers": "the wheel returns (short)(score * 100), (short)x1, (short)y1, (short)(x2 - x1), "
                          "(short)(y2 - y1), (short) of each landmark coordinate: C truncation toward zero",
    }


# ---------------------------------------------------------------- operators

def pad_image(rgb: np.ndarray) -> np.ndarray:
    """[H, W, 3] uint8 -> [H', W', 3] float32, zero-padded at the bottom/right to multiples of 32."""
    h, w, _ = rgb.shape
    ph, pw = -(-h // PAD_MULTIPLE) * PAD_MULTIPLE, -(-w // PAD_MULTIPLE) * PAD_MULTIPLE
    image = np.zeros((ph, pw, 3), np.float32)
    image[:h, :w] = rgb
    return image


def conv3x3_stride2(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """[H, W, Cin] (H, W even) -> [H/2, W/2, Cout]; weight [Cout, Cin, 3, 3]."""
    h, w, _ = x.shape
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    out = np.zeros((h // 2, w // 2, weight.shape[0]), x.dtype)
    for ky in range(3):
        for kx in range(3):
            window = padded[ky:ky + h:2, kx:kx + w:2]  # input pixel (2r + ky - 1, 2c + kx - 1)
            out += window @ weight[:, :, ky, kx].T   # [H/2, W/2, Cin] x [Cin, Cout]
    return out + bias


def pointwise(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return x @ weight.T + bias  # [H, W, Cin] x [Cin, Cout] -> [H, W, Cout]


def depthwise3x3(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """[H, W, C] -> [H, W, C]; weight [C, 3, 3], zero padding 1."""
    h, w, _ = x.shape
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    out = np.zeros_like(x)
    for ky in range(3):
        for kx in range(3):
            out += padded[ky:ky + h, kx:kx + w] * weight[:, ky, kx]
    return out + bias


def maxpool2x2(x: np.ndarray) -> np.ndarray:
    h, w, c = x.shape
    assert h % 2 == 0 and w % 2 == 0, x.shape
    return x.reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))


def upsample_add(coarse: np.ndarray, fine: np.ndarray) -> np.ndarray:
    up = coarse.repeat(2, axis=0).repeat(2, axis=1)
    assert up.shape == fine.shape, (coarse.shape, fine.shape)
    return up + fine


def forward(weights: dict[str, np.ndarray], rgb: np.ndarray, layers: list[dict] = LAYERS,
            dtype=np.float32) -> dict[str, np.ndarray]:
    """Every layer's output for one [H, W, 3] uint8 RGB image, by layer name ('image' is the padded input).

    layers: the architecture's layer list (the default, or the one read from a
    weight file's metadata); dtype: float32 like the wheel, float64 to check.
    """
    values = {"image": pad_image(rgb).astype(dtype)}
    for layer in layers:
        x = [values[name] for name in layer["inputs"]]
        w = [weights[name].astype(dtype, copy=False) for name in layer["weights"]]
        kind = layer["type"]
        if kind == "Conv3x3Stride2":
            y = conv3x3_stride2(x[0], *w)
        elif kind == "Pointwise":
            y = pointwise(x[0], *w)
        elif kind == "Depthwise3x3":
            y = depthwise3x3(x[0], *w)
        elif kind == "MaxPool2x2":
            y = maxpool2x2(x[0])
        elif kind == "UpsampleAdd":
            y = upsample_add(x[0], x[1])
        else:
            raise ValueError(f"{layer['name']}: unknown layer type {kind}")
        if layer["config"].get("relu"):
            y = np.maximum(y, 0)
        values[layer["name"]] = y.astype(dtype, copy=False)
    return values


def head_outputs(values: dict[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
    """Per level, the raw [H, W, C] outputs of the four heads."""
    return [{head: values[f"head.{head}.{level}.dw"] for head in HEADS} for level in range(len(STRIDES))]


# ---------------------------------------------------------------- decoding and NMS

def sigmoid(logits: np.ndarray) -> np.ndarray:
    v = np.clip(logits.astype(np.float32), -LOGIT_CLAMP, LOGIT_CLAMP)
    return np.float32(1) / (np.float32(1) + np.exp(-v))


def decode(heads: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """All candidates: scores [N], boxes [N, 4] (x1, y1, x2, y2), landmarks [N, 5, 2], in candidate order."""
    scores, boxes, landmarks = [], [], []
    for level, stride in enumerate(STRIDES):
        out = heads[level]
        rows, cols = out["cls"].shape[:2]
        s = np.float32(stride)
        px = (np.arange(cols, dtype=np.float32) * s)[None, :]   # [1, W]
        py = (np.arange(rows, dtype=np.float32) * s)[:, None]   # [H, 1]
        bbox = out["bbox"]
        cx = bbox[..., 0] * s + px
        cy = bbox[..., 1] * s + py
        w = np.exp(bbox[..., 2]) * s
        h = np.exp(bbox[..., 3]) * s
        half_w, half_h = w / np.float32(2), h / np.float32(2)
        boxes.append(np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=-1).reshape(-1, 4))
        kps = out["kps"].reshape(rows, cols, 5, 2)
        points = np.stack([kps[..., 0] * s + px[..., None], kps[..., 1] * s + py[..., None]], axis=-1)
        landmarks.append(points.reshape(-1, 5, 2))
        scores.append(np.sqrt(sigmoid(out["cls"][..., 0]) * sigmoid(out["obj"][..., 0])).reshape(-1))
    return {"scores": np.concatenate(scores).astype(np.float32),
            "boxes": np.concatenate(boxes).astype(np.float32),
            "landmarks": np.concatenate(landmarks).astype(np.float32)}


def _iou(box: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """IoU of one box with each kept box, in float32 like the C code."""
    ix1 = np.maximum(box[0], kept[:, 0])
    iy1 = np.maximum(box[1], kept[:, 1])
    ix2 = np.minimum(box[2], kept[:, 2])
    iy2 = np.minimum(box[3], kept[:, 3])
    iw, ih = ix2 - ix1, iy2 - iy1
    inter = iw * ih
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (kept[:, 2] - kept[:, 0]) * (kept[:, 3] - kept[:, 1])
    overlapping = (iw > 0) & (ih > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / (area + areas - inter)
    return np.where(overlapping, iou, np.float32(0))


def detection_output(candidates: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Threshold, sort, NMS and keep-top-k, as libfacedetection's detection_output."""
    scores, boxes = candidates["scores"], candidates["boxes"]
    passing = np.flatnonzero(scores >= np.float32(SCORE_THRESHOLD))
    order = passing[np.argsort(-scores[passing], kind="stable")][:TOP_K]
    kept: list[int] = []
    for index in order:
        if not kept or np.all(_iou(boxes[index], boxes[kept]) <= np.float32(NMS_IOU)):
            kept.append(int(index))
    kept = kept[:KEEP_TOP_K]
    return {"scores": scores[kept], "boxes": boxes[kept], "landmarks": candidates["landmarks"][kept],
            "candidate_index": np.asarray(kept, np.int64)}


def detect(weights: dict[str, np.ndarray], rgb: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(faces, every layer's output) for one [H, W, 3] uint8 RGB image."""
    values = forward(weights, rgb)
    return detection_output(decode(head_outputs(values))), values


def wheel_values(faces: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """What the wheel returns for these faces: ([N, 15] int64, [N, 15] float32 before the casts).

    The 15 values are score*100, x, y, w, h and 10 landmark coordinates; the
    wheel's C code casts each float32 to short, which truncates toward zero.
    """
    boxes = faces["boxes"]
    values = np.concatenate([
        (faces["scores"] * np.float32(100))[:, None],
        boxes[:, 0:2],
        boxes[:, 2:4] - boxes[:, 0:2],
        faces["landmarks"].reshape(-1, 10),
    ], axis=1)
    return np.trunc(values).astype(np.int64), values
