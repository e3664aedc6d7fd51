"""The int8 fixtures of Mien's Swift parity tests: each small random network
of ``make_test_models.py`` (``ds`` and ``dense``) quantized as
``Models/quantize_int8_ds.py`` and ``Models/quantize_int8.py`` describe, its
activation scales calibrated (method ``max``) on 64 synthetic faces, and the
exact (float64) integer simulation's outputs on the float fixture's 8 faces.

    Models/.venv/bin/python -m Models.training.make_test_int8

(run from the repository root; ``make_test_models`` runs it too). Writes, for
each fixture NAME:

    Models/reference/expression_net_NAME_test.int8.json
        the scales in the format of Models/expression_net.int8.json (mien-expression-net-int8)
    Models/reference/expression_net_NAME_test_int8_reference.safetensors
        faces [8,48,48] uint8 (those of expression_net_NAME_test_reference.safetensors),
        stem_q [8,C,48,48] uint8 (the stem's output bytes, NCHW), logits and probabilities [8,7] float32

All are deterministic. ``tests/test_int8_fixtures.py`` checks that the
committed files are what this makes (with Debian's Python: no safetensors).
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import torch

from Models.quantize_int8 import calibrate, collect_taps, reference_tensors
from Models.quantize_int8_ds import KINDS
from . import data as D
from . import make_test_models as M

METHOD = "max"
CALIBRATION_SEED = M.SEED + 1
#: 3 fixed images and 61 noises: 64 calibration faces.
CALIBRATION_NOISES = 61


def scales_path(fixture: M.Fixture) -> Path:
    return M.REFERENCE / f"expression_net_{fixture.name}_test.int8.json"


def outputs_path(fixture: M.Fixture) -> Path:
    return M.REFERENCE / f"expression_net_{fixture.name}_test_int8_reference.safetensors"


def calibration_faces() -> torch.Tensor:
    """64 uint8 faces [64,1,48,48]: ``data.synthetic_faces(CALIBRATION_SEED, 61)``."""
    images, _ = D.synthetic_faces(CALIBRATION_SEED, CALIBRATION_NOISES)
    return torch.from_numpy(np.stack(images)[:, None])


def folded(fixture: M.Fixture):
    """The fixture network with batch norms folded (``FoldedDS`` or ``Folded``, by ``KINDS``)."""
    return KINDS[fixture.config["block"]][0](M.random_model(fixture))


def scales(fixture: M.Fixture = M.DS) -> dict[str, float]:
    """The fixture network's activation scales, calibrated with ``METHOD`` on ``calibration_faces``."""
    torch.set_num_threads(1)
    network = folded(fixture)
    return calibrate(network, collect_taps(network, calibration_faces()), METHOD)


def quantized(activation_scales: dict[str, float], fixture: M.Fixture = M.DS):
    """The fixture network's exact (float64) int8 simulation (``QuantizedDS`` or ``Quantized``)."""
    return KINDS[fixture.config["block"]][1](folded(fixture), activation_scales)


def scales_file(activation_scales: dict[str, float], fixture: M.Fixture = M.DS) -> dict:
    """The content of the fixture's scales file."""
    return {
        "format": "mien-expression-net-int8",
        "weights": fixture.weights.name,
        "weights_sha256": hashlib.sha256(fixture.weights.read_bytes()).hexdigest(),
        "weights_provenance": fixture.provenance,
        "scheme": KINDS[fixture.config["block"]][3],
        "calibration": {"method": METHOD, "split": "synthetic faces (training/data.py synthetic_faces)",
                        "images": len(calibration_faces()), "seed": CALIBRATION_SEED,
                        "selection": f"a flat gray, a ramp, a checkerboard and {CALIBRATION_NOISES} uniform noises, "
                                     "the k-th box-blurred over 2k+1 pixels"},
        "activation_scales": activation_scales,
    }


def outputs(q, fixture: M.Fixture = M.DS) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The tensors and metadata of the fixture's int8 reference."""
    faces, labels = M.faces()
    return reference_tensors(q, faces), {
        "faces": json.dumps(labels), "made_by": "Models/training/make_test_int8.py",
        "weights": fixture.weights.name, "scales": scales_path(fixture).name}


def main() -> int:
    from Models import safetensors_io                 # needs the safetensors package (Models/.venv)
    for fixture in M.FIXTURES:
        activation_scales = scales(fixture)
        scales_path(fixture).write_text(json.dumps(scales_file(activation_scales, fixture), indent=2) + "\n")
        tensors, metadata = outputs(quantized(activation_scales, fixture), fixture)
        safetensors_io.save(tensors, str(outputs_path(fixture)), metadata)
        print(f"wrote {scales_path(fixture).name} and {outputs_path(fixture).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
