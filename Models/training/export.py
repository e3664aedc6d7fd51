"""Exports a trained ExpressionNet for Mien: weights in safetensors, reference
vectors from PyTorch, and an ONNX model checked against onnxruntime.

    Models/.venv/bin/python -m Models.training.export --checkpoint Models/training/runs/dense/best.pt

(run from the repository root; Models/.venv has safetensors and onnxruntime).
Writes (into --out-dir instead of Models/ when given: the same names, reference/ below it)

    Models/expression_net.safetensors              weights by PyTorch name, batch norms unfolded,
                                                   metadata: architecture, classes, provenance
    Models/expression_net.onnx                     [N,1,48,48] in [0,1] -> probabilities [N,7]
                                                   (with --flip-averaging: the mean of the face's and
                                                   its mirror image's, as Mien then computes them)
    Models/reference/expression_net_reference.safetensors
                                                   16 uint8 faces, the model's inputs, logits,
                                                   probabilities and two intermediate outputs

and fails unless onnxruntime's probabilities match PyTorch's within 1e-5 on the
reference faces and give the same PublicTest predictions.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import torch

from Models import safetensors_io
from . import data as D
from .model import MAX_MACS, build_model, check_budget
from .results import run_log_of

MODELS = Path(__file__).resolve().parents[1]
WEIGHTS = MODELS / "expression_net.safetensors"
ONNX = MODELS / "expression_net.onnx"
REFERENCE = MODELS / "reference" / "expression_net_reference.safetensors"
SEED = 20_261_123
BATCH_NORM_EPSILON = 1e-5          # torch.nn.BatchNorm2d's default, used by every layer
ONNX_TOLERANCE = 1e-5


def load_checkpoint(path: Path):
    """The model of a ``train.py`` checkpoint, in eval mode, and the checkpoint."""
    ckpt = torch.load(path, map_location="cpu")
    model = build_model(ckpt["config"]["model"])
    model.load_state_dict(ckpt["model"])
    return model.eval(), ckpt


def architecture(model_cfg: dict) -> dict:
    """The ``architecture`` metadata Swift builds the network from."""
    arch = {"block": model_cfg.get("block", "ds"), "input_size": model_cfg.get("input_size", 48),
            "stem": model_cfg["stem"], "widths": list(model_cfg["widths"]),
            "strides": list(model_cfg.get("strides") or [2] * len(model_cfg["widths"])),
            "depths": list(model_cfg["depths"]), "se": bool(model_cfg.get("se", True)),
            "batch_norm_epsilon": BATCH_NORM_EPSILON}
    if model_cfg.get("inner_widths") is not None:
        arch["inner_widths"] = list(model_cfg["inner_widths"])      # a pruned network (Swift reads the tensors' shapes)
    return arch


def weights(model) -> dict[str, np.ndarray]:
    """Every float tensor of the state dict by name (BatchNorm's step counters left out)."""
    return {k: v.detach().float().numpy().copy() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")}


def model_from_weights(path: Path):
    """An ExpressionNet rebuilt from an exported safetensors file alone (for checks)."""
    from safetensors import safe_open
    with safe_open(str(path), "np") as f:
        meta = f.metadata()
        arch = json.loads(meta["architecture"])
        tensors = {k: torch.from_numpy(f.get_tensor(k)) for k in f.keys()}
    model = build_model(arch).eval()
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    return model, meta


def reference_faces(seed: int = SEED) -> tuple[np.ndarray, list[str]]:
    """16 uint8 48x48 faces: one PublicTest image per class (the first of each
    folder in name order), a flat gray, a horizontal ramp, a checkerboard, and
    6 uniform-noise images blurred to different degrees."""
    x, y, names = D.load_split("publictest")
    faces, labels = [], []
    for c, cls in enumerate(D.CLASSES):
        i = int((y == c).nonzero()[0])
        faces.append(x[i, 0].numpy())
        labels.append(f"PublicTest {cls}/{names[i]}")
    synthetic, synthetic_labels = D.synthetic_faces(seed, 6)
    return np.stack(faces + synthetic), labels + synthetic_labels


@torch.no_grad()
def reference_tensors(model, faces: np.ndarray, flip_averaged: bool = False) -> dict[str, np.ndarray]:
    """What a Swift parity test checks, for uint8 faces [N,48,48]: the faces,
    the network's input, logits, probabilities (and, with ``flip_averaged``,
    the probabilities averaged with the mirror image's), and the stem's and
    last block's outputs for face 0."""
    pixels = torch.from_numpy(faces[:, None].astype(np.float32)).div_(255)
    seen = {}
    hooks = [model.stem.register_forward_hook(lambda m, i, o: seen.__setitem__("stem", o)),
             model.blocks[-1].register_forward_hook(lambda m, i, o: seen.__setitem__("last_block", o))]
    logits = model(pixels)
    for hook in hooks:
        hook.remove()
    tensors = {
        "faces_uint8": faces,
        "input": ((pixels - 0.5) / 0.25).numpy(),
        "logits": logits.numpy(),
        "probabilities": logits.softmax(1).numpy(),
    }
    if flip_averaged:
        tensors["probabilities_flip_averaged"] = Deployed(model, True)(pixels).numpy()
    tensors["sample0.stem"] = seen["stem"][:1].numpy()
    tensors["sample0.last_block"] = seen["last_block"][:1].numpy()
    return tensors


class Deployed(torch.nn.Module):
    """The model as Mien runs it: softmax probabilities, averaged with the mirror
    image's when ``flip_averaging`` (as ``train.evaluate``'s flip TTA)."""

    def __init__(self, inner, flip_averaging: bool):
        super().__init__()
        self.inner, self.flip_averaging = inner, flip_averaging

    def forward(self, pixels):
        p = self.inner(pixels).softmax(1)
        if self.flip_averaging:
            p = (p + self.inner(pixels.flip(3)).softmax(1)) / 2
        return p


def export_onnx(deployed: Deployed, path: Path, size: int) -> None:
    """ONNX (opset 13) of the deployed model: input ``pixels`` [N,1,size,size]
    in [0,1], output ``probabilities`` [N,7] in ``classes`` order."""
    torch.onnx.export(deployed.eval(), torch.zeros(1, 1, size, size), str(path), opset_version=13,
                      input_names=["pixels"], output_names=["probabilities"],
                      dynamic_axes={"pixels": {0: "batch"}, "probabilities": {0: "batch"}},
                      do_constant_folding=True)


@torch.no_grad()
def check_onnx(model: Deployed, path: Path, faces: np.ndarray) -> dict:
    """onnxruntime against PyTorch: probabilities on ``faces`` within 1e-5, and the
    same arg-max on every PublicTest image. Returns the figures."""
    import onnxruntime as ort
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    pixels = faces[:, None].astype(np.float32) / 255
    want = model(torch.from_numpy(pixels)).numpy()
    got = session.run(["probabilities"], {"pixels": pixels})[0]
    worst = float(np.abs(got - want).max())
    if worst > ONNX_TOLERANCE:
        raise SystemExit(f"{path}: onnxruntime differs from PyTorch by {worst:.2e} > {ONNX_TOLERANCE}")
    x, y, _ = D.load_split("publictest")
    agree = correct = 0
    worst_all = 0.0
    for i in range(0, len(y), 512):
        px = x[i:i + 512].float().div_(255)
        p_torch = model(px)
        p_ort = session.run(["probabilities"], {"pixels": px.numpy()})[0]
        worst_all = max(worst_all, float(np.abs(p_ort - p_torch.numpy()).max()))
        agree += int((p_torch.argmax(1).numpy() == p_ort.argmax(1)).sum())
        correct += int((p_ort.argmax(1) == y[i:i + 512].numpy()).sum())
    if agree != len(y):
        raise SystemExit(f"{path}: onnxruntime and PyTorch disagree on {len(y) - agree} PublicTest images")
    return {"onnxruntime": ort.__version__, "max_abs_diff_reference": worst, "max_abs_diff_publictest": worst_all,
            "publictest_acc_onnxruntime": correct / len(y)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shown(path: Path) -> str:
    """``path`` relative to the repository when inside it."""
    try:
        return str(path.relative_to(MODELS.parent))
    except ValueError:
        return str(path)


@torch.no_grad()
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", type=Path, required=True, help="best.pt of a train.py run")
    ap.add_argument("--flip-averaging", action="store_true",
                    help="Mien (and the ONNX model) average each face's probabilities with its mirror image's")
    ap.add_argument("--out-dir", type=Path, default=MODELS,
                    help="model folder to write into (default Models/; a temporary one leaves the shipped files alone)")
    args = ap.parse_args(argv)
    weights_path, onnx_path = args.out_dir / WEIGHTS.name, args.out_dir / ONNX.name
    reference_path = args.out_dir / REFERENCE.relative_to(MODELS)
    model, ckpt = load_checkpoint(args.checkpoint)
    cfg = ckpt["config"]
    arch = architecture(cfg["model"])
    if arch["block"] not in ("dense", "ds"):
        raise SystemExit(f"{args.checkpoint}: block {arch['block']!r}; Mien's Swift side builds 'dense' and 'ds' only")
    if arch["input_size"] != 48:
        raise SystemExit(f"{args.checkpoint}: input size {arch['input_size']}; the export and Mien's aligner use 48x48")
    params, macs = check_budget(model, arch["input_size"])   # a teacher over the budget is not exported
    if args.flip_averaging and 2 * macs > MAX_MACS:          # the budget counts every view Mien runs
        raise SystemExit(f"{args.checkpoint}: with --flip-averaging {2 * macs:,} multiply-adds a face (two views of "
                         f"{macs:,}), over the budget of {MAX_MACS:,}")
    reference_path.parent.mkdir(parents=True, exist_ok=True)
    run_log = run_log_of(args.checkpoint, ckpt)
    config_name = run_log.get("config_name", args.checkpoint.parent.name)
    metadata = {
        "format": "mien-expression-net",
        "architecture": json.dumps(arch),
        "classes": ",".join(D.CLASSES),
        "preprocessing": "48x48 gray, x / 255 in [0, 1]; the network computes (x - 0.5) / 0.25 first",
        "provenance": (f"trained by Mien's Models/training (config {config_name}, run "
                       f"{ckpt.get('run', 'unknown')}, epoch {ckpt['epoch']}, commit {run_log.get('git_commit', 'unknown')}) "
                       "on the FER-2013 Training split; selected on PublicTest"),
        "flip_averaging": "true" if args.flip_averaging else "false",
        "publictest_accuracy": f"{ckpt['val_acc']:.5f}",
        "publictest_accuracy_flip_tta": f"{ckpt['val_acc_tta']:.5f}",
        "parameters": str(params),
        "multiply_adds": str(macs),
        "licence": ("weights: MIT, like the rest of Mien; trained on FER-2013 (Goodfellow et al. 2013, "
                    "ICML 2013 challenge data), whose images are for research use"),
    }
    safetensors_io.save(weights(model), str(weights_path), metadata)

    faces, labels = reference_faces()
    reference = reference_tensors(model, faces, flip_averaged=True)
    safetensors_io.save(reference, str(reference_path), {
        "model": WEIGHTS.name, "model_sha256": sha256(weights_path), "torch": torch.__version__,
        "faces": json.dumps(labels),
        "input": "the network's input after (x / 255 - 0.5) / 0.25, [16,1,48,48]",
        "sample0": "intermediate outputs of face 0 (stem: after conv+BN+ReLU; last_block: output of the last residual block)",
    })

    deployed = Deployed(model, args.flip_averaging)
    export_onnx(deployed, onnx_path, arch["input_size"])
    figures = check_onnx(deployed, onnx_path, faces)
    print(f"wrote {shown(weights_path)} ({params:,} parameters, {macs / 1e6:.1f}M multiply-adds), "
          f"{shown(reference_path)}, {shown(onnx_path)}")
    print(f"onnxruntime {figures['onnxruntime']}: max |p - p_torch| {figures['max_abs_diff_reference']:.2e} on the "
          f"reference faces, {figures['max_abs_diff_publictest']:.2e} over PublicTest; same prediction on all "
          f"3,589; PublicTest accuracy {figures['publictest_acc_onnxruntime']:.4f}"
          f"{' (flip averaging)' if args.flip_averaging else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
