"""Converts facenet-pytorch's MTCNN weights (pnet.pt, rnet.pt, onet.pt) to
safetensors, writes per-network reference vectors, checks the networks against
facenet-pytorch's own classes, and records what the full MTCNN cascade finds on
real images.

Run from the repository root:
    Models/.venv/bin/python Models/convert_mtcnn.py

Writes
    Models/mtcnn_pnet.safetensors, Models/mtcnn_rnet.safetensors, Models/mtcnn_onet.safetensors
    Models/reference/mtcnn_reference.safetensors
    Models/reference/mtcnn_cascade_reference.json   (needs ../shared/media)
"""

from __future__ import annotations

import io
import json
import os
import sys

import numpy as np
import torch
import safetensors_io
from torch.nn.functional import interpolate

import media_frames
import mtcnn_spec
import wheel_source as ws

NETS = ("pnet", "rnet", "onet")
SEED = 20_240_601
MIN_FACE_SIZE = 20
THRESHOLDS = [0.6, 0.7, 0.7]
FACTOR = 0.709
CASCADE_IMAGES = [("multi_face.jpg", None), ("single_face.jpg", None)]
CASCADE_VIDEO = "WolfgangLanger_Pexels.mp4"
CASCADE_VIDEO_FRAMES = [48, 240, 400]  # about 2.0 s (crying), 10.0 s and 16.7 s (laughing)
CASCADE_JSON = os.path.join(ws.REFERENCE_DIR, "mtcnn_cascade_reference.json")
REFERENCE = os.path.join(ws.REFERENCE_DIR, "mtcnn_reference.safetensors")


def member(net: str) -> str:
    return f"facenet_pytorch/data/{net}.pt"


def output_path(net: str) -> str:
    return os.path.join(ws.MODELS_DIR, f"mtcnn_{net}.safetensors")


def load_state_dict(net: str) -> tuple[dict[str, torch.Tensor], str]:
    data = ws.read_member(ws.FACENET_PYTORCH, member(net))
    state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    return dict(state), ws.sha256_bytes(data)


def normalise(pixels: torch.Tensor) -> torch.Tensor:
    """facenet-pytorch's input scaling of RGB values in [0, 255]."""
    return (pixels - 127.5) * 0.0078125


def import_facenet_pytorch():
    """facenet-pytorch 2.6.0 from the verified wheel, installed with --no-deps under .cache."""
    site = ws.install_no_deps(ws.FACENET_PYTORCH)
    if site not in sys.path:
        sys.path.insert(0, site)
    import facenet_pytorch  # noqa: WPS433

    expected = os.path.join(site, "facenet_pytorch")
    if os.path.dirname(os.path.abspath(facenet_pytorch.__file__)) != expected:
        raise SystemExit(f"imported facenet_pytorch from {facenet_pytorch.__file__}, expected {expected}")
    return facenet_pytorch


def random_pixels(rng: np.random.Generator, shape) -> torch.Tensor:
    return torch.from_numpy(rng.integers(0, 256, size=shape).astype(np.float32))


def crop_resized(rgb: np.ndarray, box, size: int) -> torch.Tensor:
    """[1, 3, size, size] pixels of an integer box, resized like the cascade does (area)."""
    x1, y1, x2, y2 = box
    patch = torch.from_numpy(rgb[y1:y2, x1:x2]).permute(2, 0, 1).unsqueeze(0).float()
    return interpolate(patch, size=(size, size), mode="area")


class StageRecorder:
    """Forward hooks that note what each network saw during one cascade run."""

    def __init__(self, mtcnn):
        self.pnet_sizes: list[list[int]] = []
        self.rnet_inputs = 0
        self.onet_inputs = 0
        self.handles = [
            mtcnn.pnet.register_forward_hook(lambda m, i, o: self.pnet_sizes.append(list(i[0].shape[2:]))),
            mtcnn.rnet.register_forward_hook(lambda m, i, o: self._add("rnet_inputs", i[0].shape[0])),
            mtcnn.onet.register_forward_hook(lambda m, i, o: self._add("onet_inputs", i[0].shape[0])),
        ]

    def _add(self, field: str, count: int) -> None:
        setattr(self, field, getattr(self, field) + int(count))

    def close(self) -> None:
        for handle in self.handles:
            handle.remove()


def pyramid_scales(height: int, width: int) -> list[float]:
    """The scales facenet-pytorch's detect_face uses (same arithmetic, in Python floats)."""
    m = 12.0 / MIN_FACE_SIZE
    minl = min(height, width) * m
    scales, scale = [], m
    while minl >= 12:
        scales.append(scale)
        scale *= FACTOR
        minl *= FACTOR
    return scales


def run_cascade(mtcnn, rgb: np.ndarray) -> dict:
    recorder = StageRecorder(mtcnn)
    try:
        boxes, probs, points = mtcnn.detect(rgb, landmarks=True)
    finally:
        recorder.close()
    if boxes is None:
        boxes, probs, points = np.zeros((0, 4)), np.zeros((0,)), np.zeros((0, 5, 2))
    scales = pyramid_scales(*rgb.shape[:2])
    expected_sizes = [[int(rgb.shape[0] * s + 1), int(rgb.shape[1] * s + 1)] for s in scales]
    if expected_sizes != recorder.pnet_sizes:
        raise SystemExit(f"pyramid mismatch: computed {expected_sizes}, P-Net saw {recorder.pnet_sizes}")
    return {
        "faces": len(boxes),
        "boxes_xyxy": [[float(v) for v in np.asarray(b, np.float32)] for b in boxes],
        "probabilities": [float(np.float32(p)) for p in probs],
        "landmarks_xy": [[[float(v) for v in np.asarray(pt, np.float32)] for pt in face] for face in points],
        "pyramid": [{"scale": s, "size_hw": hw} for s, hw in zip(scales, recorder.pnet_sizes)],
        "rnet_candidates": recorder.rnet_inputs,
        "onet_candidates": recorder.onet_inputs,
    }


def cascade_reference(facenet_pytorch) -> dict | None:
    if not os.path.isdir(media_frames.SHARED_MEDIA):
        print(f"note: {media_frames.SHARED_MEDIA} not found; cascade reference not written")
        return None
    mtcnn = facenet_pytorch.MTCNN(min_face_size=MIN_FACE_SIZE, thresholds=THRESHOLDS, factor=FACTOR,
                                  keep_all=True, device=torch.device("cpu"))
    mtcnn.eval()
    results = []
    frames = CASCADE_IMAGES + [(CASCADE_VIDEO, n) for n in CASCADE_VIDEO_FRAMES]
    for name, index in frames:
        rgb, info = media_frames.decode_rgb(name, index)
        info.update(run_cascade(mtcnn, rgb))
        results.append(info)
        where = name if index is None else f"{name} frame {index} ({info['frame_time_s']:.3f} s)"
        print(f"  cascade: {where}: {info['faces']} face(s), probs "
              f"{[round(p, 5) for p in info['probabilities']]}, "
              f"R-Net saw {info['rnet_candidates']}, O-Net saw {info['onet_candidates']}")
    return {
        "format": "mien-reference/1",
        "produced_by": f"facenet-pytorch {ws.FACENET_PYTORCH.version} MTCNN.detect(rgb_uint8_hwc, landmarks=True) "
                       f"with torch {torch.__version__}, CPU, float32",
        "source_wheel": ws.FACENET_PYTORCH.filename,
        "source_wheel_sha256": ws.FACENET_PYTORCH.sha256,
        "settings": {
            "min_face_size": MIN_FACE_SIZE,
            "thresholds": THRESHOLDS,
            "factor": FACTOR,
            "keep_all": True,
            "select_largest": True,
        },
        "notes": [
            "input: RGB uint8 [H, W, 3] decoded by decode_command (run inside shared/media); "
            "rgb24_sha256 is the sha256 of those H*W*3 bytes",
            "boxes_xyxy: [x1, y1, x2, y2] in input pixels as MTCNN.detect returns them (float32, may lie "
            "outside the image); order: largest box area first (select_largest=True)",
            "probabilities: O-Net face probability of each box",
            "landmarks_xy: 5 points [x, y]: left eye, right eye, nose, left mouth corner, right mouth corner "
            "(left/right as seen in the image)",
            "pyramid: every P-Net scale and the [height, width] it resized the image to "
            "(int(h * scale + 1), int(w * scale + 1)), area interpolation",
            "rnet_candidates / onet_candidates: how many boxes entered R-Net / O-Net",
            "tolerance_hint: boxes and landmarks within about 0.01 px and probabilities within 1e-5 "
            "for a float32 port given identical RGB input",
        ],
        "frames": results,
    }


def main() -> None:
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    wheel = ws.FACENET_PYTORCH
    license_text = ws.read_member(wheel, wheel.license_file).decode()
    if not license_text.startswith("MIT License"):
        raise SystemExit("facenet-pytorch's licence file is no longer the MIT licence; review provenance")

    ours, sizes = {}, {}
    for net in NETS:
        state, pt_sha = load_state_dict(net)
        module = mtcnn_spec.build_torch_module(net)
        expected_names = [name for name, _ in module.state_dict().items()]
        if list(state) != expected_names:
            raise SystemExit(f"{net}: state-dict names {list(state)} do not match the spec {expected_names}")
        module.load_state_dict(state, strict=True)
        ours[net] = module
        tensors = {name: np.ascontiguousarray(value.detach().cpu().numpy().astype(np.float32))
                   for name, value in state.items()}
        total = sum(int(v.size) for v in tensors.values())
        if total != mtcnn_spec.parameter_count(net):
            raise SystemExit(f"{net}: {total} parameters, the spec says {mtcnn_spec.parameter_count(net)}")
        metadata = {
            "format": "mien-weights/1",
            "model": f"mtcnn_{net}",
            "task": "MTCNN face detection (Zhang et al. 2016), as ported by facenet-pytorch",
            "source_package": wheel.package,
            "source_version": wheel.version,
            "source_wheel": wheel.filename,
            "source_wheel_sha256": wheel.sha256,
            "source_path_in_wheel": member(net),
            "source_file_sha256": pt_sha,
            "license": "MIT (facenet-pytorch wheel: facenet_pytorch-2.6.0.dist-info/LICENSE.md, "
                       "Copyright (c) 2019 Timothy Esler); weights ported from davidsandberg/facenet (MIT), "
                       "originally Kaipeng Zhang's MTCNN (MIT)",
            "layout": "PyTorch state-dict names and layouts: Conv2d weight OIHW, Linear weight [out, in]",
            "dtype": "float32",
            "parameter_count": str(total),
            "architecture": json.dumps(mtcnn_spec.architecture(net), separators=(",", ":")),
            "converter": "Models/convert_mtcnn.py",
        }
        safetensors_io.save(tensors, output_path(net), metadata=metadata)
        sizes[net] = (total, os.path.getsize(output_path(net)))
        print(f"{net}: {total:,} parameters -> {ws.git_relative(output_path(net))} ({sizes[net][1]:,} bytes)")
        for name, value in tensors.items():
            print(f"    {name:16s} {list(value.shape)}")

    # ---- per-network reference vectors -------------------------------------
    facenet_pytorch = import_facenet_pytorch()
    originals = {"pnet": facenet_pytorch.PNet(), "rnet": facenet_pytorch.RNet(), "onet": facenet_pytorch.ONet()}
    for module in originals.values():
        module.eval()

    inputs: dict[str, torch.Tensor] = {}
    inputs["pnet.input_12x12"] = random_pixels(rng, (1, 3, 12, 12))
    inputs["pnet.input_37x53"] = random_pixels(rng, (1, 3, 37, 53))
    crops_note = "random pixels"
    if os.path.isdir(media_frames.SHARED_MEDIA):
        rgb, _ = media_frames.decode_rgb("multi_face.jpg")
        image = torch.from_numpy(rgb).permute(2, 0, 1).unsqueeze(0).float()
        h, w = rgb.shape[:2]
        inputs["pnet.input_multi_face_scale0.1"] = interpolate(image, size=(int(h * 0.1 + 1), int(w * 0.1 + 1)),
                                                               mode="area")
        # Real crops: boxes of faces the cascade finds in multi_face.jpg, and background patches.
        mtcnn = facenet_pytorch.MTCNN(keep_all=True)
        boxes, _ = mtcnn.detect(rgb)
        faces = [[int(max(v, 0)) for v in b] for b in boxes[:3]]
        background = [[0, 0, 120, 120], [860, 560, 980, 660]]
        inputs["rnet.input"] = torch.cat([crop_resized(rgb, b, 24) for b in faces + background[:1]]
                                         + [random_pixels(rng, (2, 3, 24, 24))])
        inputs["onet.input"] = torch.cat([crop_resized(rgb, b, 48) for b in faces[:2] + background[1:]]
                                         + [random_pixels(rng, (1, 3, 48, 48))])
        crops_note = (f"rnet.input: faces {faces} then background {background[:1]} of multi_face.jpg, then 2 random; "
                      f"onet.input: faces {faces[:2]} then background {background[1:]}, then 1 random; "
                      "crops resized with interpolate(mode='area') as the cascade does")
    else:
        inputs["rnet.input"] = random_pixels(rng, (6, 3, 24, 24))
        inputs["onet.input"] = random_pixels(rng, (4, 3, 48, 48))

    reference: dict[str, np.ndarray] = {}
    identical = {}
    with torch.no_grad():
        for key, pixels in inputs.items():
            net = key.split(".")[0]
            x = normalise(pixels.float())
            mine = ours[net](x)
            theirs = originals[net](x)
            names = [o["name"] for o in mtcnn_spec.NETS[net]["outputs"]]
            same = all(torch.equal(a, b) for a, b in zip(mine, theirs))
            identical[key] = same
            if not same:
                worst = max(float((a - b).abs().max()) for a, b in zip(mine, theirs))
                raise SystemExit(f"{key}: reimplemented {net} differs from facenet-pytorch (max |diff| {worst})")
            stem = key.replace(".input", ".output")
            reference[key] = np.ascontiguousarray(x.numpy().astype(np.float32))
            for name, value in zip(names, mine):
                reference[f"{stem}.{name}"] = np.ascontiguousarray(value.numpy().astype(np.float32))
    print("reimplemented P/R/O-Net vs facenet_pytorch.PNet/RNet/ONet: bit-identical on all "
          f"{len(identical)} inputs (torch.equal)")

    description = {k: list(v.shape) for k, v in reference.items()}
    safetensors_io.save(reference, REFERENCE, metadata={
        "format": "mien-reference/1",
        "model": "mtcnn",
        "weights": "Models/mtcnn_pnet.safetensors, Models/mtcnn_rnet.safetensors, Models/mtcnn_onet.safetensors",
        "source_wheel": wheel.filename,
        "source_wheel_sha256": wheel.sha256,
        "produced_by": f"torch {torch.__version__} (CPU, float32), the modules of Models/mtcnn_spec.py with the "
                       "original state dicts; outputs equal (torch.equal) those of facenet_pytorch 2.6.0 "
                       "PNet/RNet/ONet on the same inputs",
        "naming": "<net>.input[_suffix] is the network input AFTER (x - 127.5) * 0.0078125, NCHW; "
                  "<net>.output[_suffix].<reg|prob|landmarks> are its outputs (prob = softmax, index 1 = face)",
        "shapes": json.dumps(description),
        "inputs": crops_note + "; pnet.input_12x12 / _37x53 random pixels; pnet.input_multi_face_scale0.1 is "
                               "multi_face.jpg resized to (int(h*0.1+1), int(w*0.1+1)) with mode='area'",
        "tolerance_hint": "float32; expect |diff| <= 1e-5 on prob and <= 1e-4 on reg/landmarks",
        "generator": "Models/convert_mtcnn.py",
        "seed": str(SEED),
    })
    print(f"wrote {ws.git_relative(REFERENCE)} ({os.path.getsize(REFERENCE):,} bytes)")
    for key, shape in description.items():
        print(f"    {key:40s} {shape}")

    # ---- the full cascade on real frames -----------------------------------
    cascade = cascade_reference(facenet_pytorch)
    if cascade is not None:
        with open(CASCADE_JSON, "w") as handle:
            json.dump(cascade, handle, indent=1)
            handle.write("\n")
        print(f"wrote {ws.git_relative(CASCADE_JSON)} ({os.path.getsize(CASCADE_JSON):,} bytes)")


if __name__ == "__main__":
    sys.exit(main())
