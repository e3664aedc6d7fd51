"""The int8 fixture of Mien's Swift parity test for ``ds`` networks: the small
random network of ``make_ds_test_model.py`` quantized as
``Models/quantize_int8_ds.py`` describes, its activation scales calibrated
(method ``max``) on 64 synthetic faces, and the exact (float64) integer
simulation's outputs on the float fixture's 8 faces.

    Models/.venv/bin/python -m Models.training.make_ds_test_int8

(run from the repository root; ``make_ds_test_model`` runs it too). Writes

    Models/reference/expression_net_ds_test.int8.json
        the scales in the format of Models/expression_net.int8.json (mien-expression-net-int8)
    Models/reference/expression_net_ds_test_int8_reference.safetensors
        faces [8,48,48] uint8 (those of expression_net_ds_test_reference.safetensors),
        stem_q [8,C,48,48] uint8 (the stem's output bytes, NCHW), logits and probabilities [8,7] float32

Both are deterministic. ``tests/test_ds_int8_fixture.py`` checks that the
committed files are what this makes (with Debian's Python: no safetensors).
"""
from __future__ import annotations

import hashlib
import json
import sys

import numpy as np
import torch

from Models.quantize_int8 import calibrate, collect_taps, reference_tensors
from Models.quantize_int8_ds import SCHEME, FoldedDS, QuantizedDS
from . import data as D
from . import make_ds_test_model as M

SCALES = M.REFERENCE / "expression_net_ds_test.int8.json"
OUTPUTS = M.REFERENCE / "expression_net_ds_test_int8_reference.safetensors"
METHOD = "max"
CALIBRATION_SEED = M.SEED + 1
#: 3 fixed images and 61 noises: 64 calibration faces.
CALIBRATION_NOISES = 61


def calibration_faces() -> torch.Tensor:
    """64 uint8 faces [64,1,48,48]: ``data.synthetic_faces(CALIBRATION_SEED, 61)``."""
    images, _ = D.synthetic_faces(CALIBRATION_SEED, CALIBRATION_NOISES)
    return torch.from_numpy(np.stack(images)[:, None])


def scales() -> dict[str, float]:
    """The fixture network's activation scales, calibrated with ``METHOD`` on ``calibration_faces``."""
    torch.set_num_threads(1)
    folded = FoldedDS(M.random_model())
    return calibrate(folded, collect_taps(folded, calibration_faces()), METHOD)


def quantized(activation_scales: dict[str, float]) -> QuantizedDS:
    """The fixture network's exact (float64) int8 simulation."""
    return QuantizedDS(FoldedDS(M.random_model()), activation_scales)


def scales_file(activation_scales: dict[str, float]) -> dict:
    """The content of ``SCALES``."""
    return {
        "format": "mien-expression-net-int8",
        "weights": M.WEIGHTS.name,
        "weights_sha256": hashlib.sha256(M.WEIGHTS.read_bytes()).hexdigest(),
        "weights_provenance": M.PROVENANCE,
        "scheme": SCHEME,
        "calibration": {"method": METHOD, "split": "synthetic faces (training/data.py synthetic_faces)",
                        "images": len(calibration_faces()), "seed": CALIBRATION_SEED,
                        "selection": f"a flat gray, a ramp, a checkerboard and {CALIBRATION_NOISES} uniform noises, "
                                     "the k-th box-blurred over 2k+1 pixels"},
        "activation_scales": activation_scales,
    }


def outputs(q: QuantizedDS) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The tensors and metadata of ``OUTPUTS``."""
    faces, labels = M.faces()
    return reference_tensors(q, faces), {
        "faces": json.dumps(labels), "made_by": "Models/training/make_ds_test_int8.py",
        "weights": M.WEIGHTS.name, "scales": SCALES.name}


def main() -> int:
    from Models import safetensors_io                 # needs the safetensors package (Models/.venv)
    activation_scales = scales()
    SCALES.write_text(json.dumps(scales_file(activation_scales), indent=2) + "\n")
    tensors, metadata = outputs(quantized(activation_scales))
    safetensors_io.save(tensors, str(OUTPUTS), metadata)
    print(f"wrote {SCALES.name} and {OUTPUTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
