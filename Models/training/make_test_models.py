"""Two small ExpressionNets with random weights, one of each block kind Mien
builds, and PyTorch's outputs for them: the fixtures of Mien's Swift parity
tests, so that the Swift side of a kind is checked whichever kind ships.

    Models/.venv/bin/python -m Models.training.make_test_models

(run from the repository root). Writes, for each fixture NAME (``ds``, ``dense``):

    Models/reference/expression_net_NAME_test.safetensors            weights and metadata, as export.py writes them
    Models/reference/expression_net_NAME_test_reference.safetensors  8 synthetic uint8 faces, the network's input,
                                                                     logits, probabilities, stem and last block of face 0

and then the int8 fixtures of ``make_test_int8.py`` (which also runs alone):

    Models/reference/expression_net_NAME_test.int8.json              activation scales (calibrated on synthetic faces)
    Models/reference/expression_net_NAME_test_int8_reference.safetensors
                                                                     the 8 faces, the int8 simulation's stem bytes,
                                                                     logits and probabilities

Each network has a strided block with a 1x1 shortcut, an identity block,
squeeze-excitation and pruned inner widths (``inner_widths``), with
batch-norm statistics drawn at random so that folding them is checked too;
the ``ds`` one also its depthwise-separable stem. Every file is deterministic
(seeded; ``safetensors_io`` writes the same bytes).
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import data as D
from .model import build_model, count_params_macs

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
SEED = 20_261_206


@dataclass(frozen=True)
class Fixture:
    """One test network: its name (its block kind) and its model config."""
    name: str
    config: dict

    @property
    def weights(self) -> Path:
        return REFERENCE / f"expression_net_{self.name}_test.safetensors"

    @property
    def outputs(self) -> Path:
        return REFERENCE / f"expression_net_{self.name}_test_reference.safetensors"

    @property
    def provenance(self) -> str:
        return (f"random weights (seed {SEED}) from Models/training/make_test_models.py "
                f"(fixture '{self.name}'): a test fixture, not a classifier")


#: The fixtures: a ds network and a dense (ResNet basic block) one.
DS = Fixture("ds", {"block": "ds", "stem": 8, "widths": [16, 24], "depths": [1, 2], "strides": [2, 2], "se": True,
                    "inner_widths": [12, 16, 24], "input_size": 48})
DENSE = Fixture("dense", {"block": "dense", "stem": 8, "widths": [16, 24], "depths": [1, 2], "strides": [2, 2],
                          "se": True, "inner_widths": [12, 16, 20], "input_size": 48})
FIXTURES = (DS, DENSE)


def random_model(fixture: Fixture = DS) -> torch.nn.Module:
    """The fixture's network with seeded weights and batch-norm statistics, in eval mode."""
    torch.manual_seed(SEED)
    model = build_model(fixture.config)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0, 0.2)
                module.running_mean.normal_(0, 0.2)
                module.running_var.uniform_(0.5, 2.0)
    return model.eval()


def faces() -> tuple[np.ndarray, list[str]]:
    """8 uint8 48x48 images: a flat gray, a ramp, a checkerboard and 5 noises (``data.synthetic_faces``)."""
    images, labels = D.synthetic_faces(SEED, 5)
    return np.stack(images), labels


@torch.no_grad()
def write(fixture: Fixture) -> None:
    """The fixture's weight file and PyTorch's outputs."""
    from Models import safetensors_io                 # needs the safetensors package (Models/.venv)
    from .export import architecture, reference_tensors, weights
    model = random_model(fixture)
    params, macs = count_params_macs(model, fixture.config["input_size"])
    safetensors_io.save(weights(model), str(fixture.weights), {
        "format": "mien-expression-net",
        "architecture": json.dumps(architecture(fixture.config)),
        "classes": ",".join(D.CLASSES),
        "preprocessing": "48x48 gray, x / 255 in [0, 1]; the network computes (x - 0.5) / 0.25 first",
        "provenance": fixture.provenance,
        "flip_averaging": "false",
        "parameters": str(params),
        "multiply_adds": str(macs),
        "licence": "MIT, like the rest of Mien",
    })
    images, labels = faces()
    safetensors_io.save(reference_tensors(model, images), str(fixture.outputs), {
        "model": fixture.weights.name, "torch": torch.__version__, "faces": json.dumps(labels),
        "input": "the network's input after (x / 255 - 0.5) / 0.25, [8,1,48,48]"})
    print(f"wrote {fixture.weights.name} ({params:,} parameters, {macs:,} multiply-adds) and {fixture.outputs.name}")


def main() -> int:
    for fixture in FIXTURES:
        write(fixture)
    from . import make_test_int8
    return make_test_int8.main()


if __name__ == "__main__":
    sys.exit(main())
