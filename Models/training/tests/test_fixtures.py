"""The committed fixtures of the Swift parity tests (a ds and a dense network)
are what make_test_models.py makes today (Debian's PyTorch, no safetensors package):

    /usr/bin/python3 -m unittest discover -s Models/training/tests -t .
"""
from __future__ import annotations

import json
import struct
import unittest

import numpy as np
import torch

from Models.training import make_test_models as M


def read_safetensors(path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Tensors (F32 and U8) and metadata of a safetensors file, read with numpy alone."""
    raw = path.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + size])
    metadata = header.pop("__metadata__", {})
    dtypes = {"F32": np.float32, "U8": np.uint8}
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        data = raw[8 + size + start:8 + size + end]
        tensors[name] = np.frombuffer(data, dtypes[entry["dtype"]]).reshape(entry["shape"])
    return tensors, metadata


class FixturesTest(unittest.TestCase):
    def test_weights_and_outputs_are_the_generators(self):
        for fixture in M.FIXTURES:
            with self.subTest(fixture=fixture.name):
                model = M.random_model(fixture)
                weights, metadata = read_safetensors(fixture.weights)
                state = {k: v.numpy() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
                self.assertEqual(sorted(state), sorted(weights))
                for name, value in state.items():
                    np.testing.assert_array_equal(value, weights[name], err_msg=name)
                arch = json.loads(metadata["architecture"])
                self.assertEqual((arch["block"], arch["inner_widths"]), (fixture.name, fixture.config["inner_widths"]))
                self.assertEqual(metadata["provenance"], fixture.provenance)
                outputs, _ = read_safetensors(fixture.outputs)
                faces, _ = M.faces()
                np.testing.assert_array_equal(faces, outputs["faces_uint8"])
                with torch.no_grad():
                    logits = model(torch.from_numpy(faces[:, None].astype(np.float32)).div_(255)).numpy()
                np.testing.assert_allclose(logits, outputs["logits"], rtol=0, atol=1e-5)


if __name__ == "__main__":
    unittest.main()
