"""The committed int8 fixtures of the Swift parity tests (a ds and a dense
network) are what make_test_int8.py makes today, and the int8 simulations
are sane (Debian's Python, no safetensors package):

    /usr/bin/python3 -m unittest discover -s Models/training/tests -t .
"""
from __future__ import annotations

import json
import unittest

import numpy as np
import torch

from Models.quantize_int8 import QDQModule, calibrate, collect_taps
from Models.quantize_int8_ds import FoldedDS, QDQModuleDS, QuantizedDS
from Models.training import make_test_int8 as Q
from Models.training import make_test_models as M
from Models.training.tests.test_fixtures import read_safetensors


def float_weights(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """No weight quantization: the float32 weights with scale 1."""
    return w, torch.ones(w.shape[0])


class Int8FixtureChecks:
    """The checks of one fixture's int8 files; a subclass names the fixture."""
    fixture: M.Fixture
    qdq_class: type

    @classmethod
    def setUpClass(cls):
        torch.set_num_threads(1)
        cls.scales = Q.scales(cls.fixture)
        cls.faces, _ = M.faces()
        cls.pixels = torch.from_numpy(cls.faces[:, None])
        with torch.no_grad():
            cls.float_logits = M.random_model(cls.fixture)(cls.pixels.float() / 255)

    def test_scales_are_the_generators(self):
        committed = json.loads(Q.scales_path(self.fixture).read_text())
        want = Q.scales_file(self.scales, self.fixture)
        self.assertEqual(sorted(committed["activation_scales"]), sorted(want["activation_scales"]))
        for name, value in want.pop("activation_scales").items():
            self.assertAlmostEqual(committed["activation_scales"][name], value, delta=value * 1e-6, msg=name)
        committed.pop("activation_scales")
        self.assertEqual(committed, want)

    def test_reference_is_the_generators(self):
        committed, metadata = read_safetensors(Q.outputs_path(self.fixture))
        want, want_metadata = Q.outputs(Q.quantized(self.scales, self.fixture), self.fixture)
        self.assertEqual(metadata, want_metadata)
        self.assertEqual(list(committed), list(want))
        np.testing.assert_array_equal(committed["faces"], self.faces)
        np.testing.assert_array_equal(committed["stem_q"], want["stem_q"])
        self.assertEqual(committed["stem_q"].shape, (8, self.fixture.config["stem"], 48, 48))
        for name in ("logits", "probabilities"):
            np.testing.assert_allclose(committed[name], want[name], rtol=0, atol=1e-6, err_msg=name)

    def test_int8_is_near_the_float_network(self):
        int8 = Q.quantized(self.scales, self.fixture).forward(self.pixels)
        np.testing.assert_allclose(int8.numpy(), self.float_logits.numpy(), rtol=0, atol=5e-3)

    def test_qdq_module_is_the_simulation(self):
        # The QDQ form computes in float: the integer scheme up to rounding at the quantization ties.
        q = Q.quantized(self.scales, self.fixture)
        with torch.no_grad():
            qdq = self.qdq_class(q)(self.pixels.float() / 255)
        np.testing.assert_allclose(qdq.numpy(), q.forward(self.pixels).softmax(1).numpy(), rtol=0, atol=1e-4)


class DSInt8FixtureTest(Int8FixtureChecks, unittest.TestCase):
    fixture = M.DS
    qdq_class = QDQModuleDS

    def test_simulation_with_float_weights_and_fine_scales_is_the_float_network(self):
        # The finest scales that clip nothing on these faces (their own maxima), weights unquantized:
        # what is left is the activations' rounding, 0.0015 here on logits up to 0.31.
        folded = FoldedDS(M.random_model(M.DS))
        fine = calibrate(folded, collect_taps(folded, self.pixels), "max")
        logits = QuantizedDS(folded, fine, weights=float_weights).forward(self.pixels)
        np.testing.assert_allclose(logits.numpy(), self.float_logits.numpy(), rtol=0, atol=3e-3)
        self.assertTrue(torch.equal(logits.argmax(1), self.float_logits.argmax(1)))


class DenseInt8FixtureTest(Int8FixtureChecks, unittest.TestCase):
    fixture = M.DENSE
    qdq_class = QDQModule


if __name__ == "__main__":
    unittest.main()
