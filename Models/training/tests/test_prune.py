"""Unit tests of prune.py on tiny synthetic networks:

    /usr/bin/python3 -m unittest discover -s Models/training/tests -t .
"""
from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import torch

from Models.training import prune as P
from Models.training import train as T
from Models.training.config import load_config
from Models.training.model import build_model, count_params_macs
from Models.training.tests.test_training import CONFIGS, images, run_train, tiny_config

SIZE = 24
#: One tiny network of each kind that prune.py handles; strides and widths mixed.
TINY = {
    "ds": {"block": "ds", "stem": 8, "widths": [16, 32, 48], "depths": [2, 1, 1], "strides": [1, 2, 2],
           "se": True, "dropout": 0.0},
    "dense": {"block": "dense", "stem": 8, "widths": [16, 32, 48], "depths": [1, 2, 1], "strides": [1, 2, 2],
              "se": True, "dropout": 0.0},
    "cbam": {"block": "cbam", "stem": 8, "widths": [16, 32], "depths": [1, 1], "strides": [1, 2], "dropout": 0.0},
}


def trained_like(cfg: dict, seed: int = 0):
    """A network of ``cfg`` in eval mode with random weights and BatchNorm
    statistics (not the identity BatchNorm of a fresh network)."""
    torch.manual_seed(seed)
    model = build_model(cfg)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
    return model.eval()


def faces(n: int = 4) -> torch.Tensor:
    return torch.nn.functional.interpolate(images(n).float() / 255, size=(SIZE, SIZE), mode="bilinear")


class PruneTests(unittest.TestCase):
    def test_keep_fraction_one_is_the_same_network(self):
        for kind, cfg in TINY.items():
            with self.subTest(block=kind):
                model = trained_like(cfg)
                widths = P.plan(cfg, 1.0)
                self.assertEqual(widths, P.block_widths(cfg))
                pruned, pruned_cfg = P.prune(model, cfg, widths)
                self.assertEqual(count_params_macs(pruned, SIZE), count_params_macs(model, SIZE))
                with torch.no_grad():
                    self.assertTrue(torch.equal(pruned.eval()(faces()), model(faces())))

    def test_macs_reach_the_target_from_below(self):
        for kind, cfg in TINY.items():
            full = count_params_macs(build_model(cfg), SIZE)[1]
            for target in (0.75, 0.5):
                with self.subTest(block=kind, target=target):
                    keep, widths = P.keep_fraction(cfg, SIZE, target)
                    pruned, _ = P.prune(trained_like(cfg), cfg, widths)
                    ratio = count_params_macs(pruned, SIZE)[1] / full
                    self.assertLessEqual(ratio, target)
                    self.assertGreater(ratio, target - 0.03)
                    # one step further keeps more channels and passes the target
                    more = [n + 1 for n in widths]
                    self.assertGreater(P.macs_of(dict(cfg, inner_widths=more), SIZE) / full, target)
                    self.assertEqual(widths, P.plan(cfg, keep))

    def test_a_target_under_the_unprunable_part_is_refused(self):
        with self.assertRaisesRegex(ValueError, "one inner channel per block"):
            P.keep_fraction(TINY["ds"], SIZE, 0.05)

    def test_the_kept_filters_are_those_of_largest_l2_norm(self):
        for kind, cfg in TINY.items():
            with self.subTest(block=kind):
                model = trained_like(cfg)
                widths = P.plan(cfg, 0.5)
                pruned, _ = P.prune(model, cfg, widths)
                for old, new, n in zip(model.blocks, pruned.blocks, widths):
                    producer, depthwise, consumer = P.inner_layers(old)
                    w = old.body[producer][0].weight.detach()
                    norms = w.flatten(1).norm(dim=1)
                    kept = P.kept_channels(old, n)
                    dropped = sorted(set(range(len(norms))) - set(kept.tolist()))
                    self.assertEqual(len(kept), n)
                    self.assertGreaterEqual(norms[kept].min().item(), norms[dropped].max().item())
                    self.assertTrue(torch.equal(new.body[producer][0].weight, w[kept]))
                    self.assertTrue(torch.equal(new.body[producer][1].running_var, old.body[producer][1].running_var[kept]))
                    for layer in depthwise:
                        self.assertTrue(torch.equal(new.body[layer][0].weight, old.body[layer][0].weight[kept]))
                    self.assertTrue(torch.equal(new.body[consumer][0].weight, old.body[consumer][0].weight[:, kept]))

    def test_removing_channels_that_carry_nothing_changes_nothing(self):
        # Give the channels to be removed small filters and zero weights into the
        # consumer: the pruned network must compute what the original does, which
        # checks every index through BatchNorm, depthwise conv and consumer.
        for kind, cfg in TINY.items():
            with self.subTest(block=kind):
                model = trained_like(cfg, seed=1)
                widths = P.plan(cfg, 0.5)
                with torch.no_grad():
                    for block, n in zip(model.blocks, widths):
                        producer, _, consumer = P.inner_layers(block)
                        g = torch.Generator().manual_seed(n)
                        dead = torch.randperm(block.body[producer][0].out_channels, generator=g)[n:]
                        block.body[producer][0].weight[dead] *= 1e-3
                        block.body[consumer][0].weight[:, dead] = 0
                pruned, _ = P.prune(model, cfg, widths)
                with torch.no_grad():
                    a, b = model(faces()), pruned.eval()(faces())
                self.assertTrue(torch.allclose(a, b, atol=1e-5), (a - b).abs().max())
                self.assertLess(count_params_macs(pruned, SIZE)[1], count_params_macs(model, SIZE)[1])

    def test_the_written_checkpoint_builds_loads_and_fine_tunes(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            cfg["epochs"] = 1
            cfg["checkpoint_half"] = True                     # float16 weights are read too
            cfg["model"] = dict(TINY["ds"], input_size=48)
            source = run_train(cfg, tmp, "student") / "best.pt"
            out = tmp / "runs" / "student-p50"
            with mock.patch("builtins.print"):
                P.main(["--checkpoint", str(source), "--macs", "0.5", "--out", str(out)])
            ckpt = torch.load(out / "pruned.pt")
            model = build_model(ckpt["config"]["model"])
            model.load_state_dict(ckpt["model"])
            full = count_params_macs(build_model(cfg["model"]), 48)[1]
            self.assertEqual(ckpt["macs"], count_params_macs(model, 48)[1])
            self.assertTrue(0.47 < ckpt["macs"] / full <= 0.5, ckpt["macs"] / full)
            self.assertEqual(ckpt["config"]["model"]["inner_widths"], P.keep_fraction(cfg["model"], 48, 0.5)[1])

            tune = dict(ckpt["config"], init_from=str(out / "pruned.pt"), checkpoint_half=False)
            tuned = run_train(tune, tmp, "student-p50")
            log = json.loads(next(tuned.glob("*.json")).read_text())
            self.assertEqual(log["model"]["macs"], ckpt["macs"])
            self.assertEqual(len(log["epochs"]), 1)

    def test_the_fine_tuning_configs_have_the_pruned_widths(self):
        student = load_config(CONFIGS / "ds-long.yaml")["model"]
        for target, name in ((0.75, "ds-p75"), (0.5, "ds-p50")):
            with self.subTest(config=name):
                cfg = load_config(CONFIGS / f"{name}.yaml")
                self.assertEqual(cfg["model"]["inner_widths"], P.keep_fraction(student, 48, target)[1])
                self.assertEqual(cfg["init_from"], f"Models/training/checkpoints/{name}/pruned.pt")
                self.assertEqual({k: v for k, v in cfg["model"].items() if k != "inner_widths"}, student)


if __name__ == "__main__":
    unittest.main()
