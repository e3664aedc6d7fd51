"""Unit tests of Models/training on synthetic data (no FER-2013 needed):

    /usr/bin/python3 -m unittest discover -s Models/training/tests -t .

(from the repository root; needs Debian's python3-torch and python3-yaml).
"""
from __future__ import annotations

import hashlib
import json
import math
import struct
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import numpy as np
import torch
import yaml

from Models.training import data as D
from Models.training import train as T
from Models.training.config import load_config, merge
from Models.training.results import ablation_rows
from Models.training.losses import class_weights, classification_loss, distillation_loss, mixup
from Models.training.model import CBAM, MAX_MACS, MAX_PARAMS, build_model, check_budget, count_params_macs

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SHIPPED_WEIGHTS = Path(__file__).resolve().parents[2] / "expression_net.safetensors"


def images(n: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n, 1, 48, 48), dtype=torch.uint8, generator=g)


class BatchAugmentTests(unittest.TestCase):
    def test_off_is_identity(self):
        x = images(8).float() / 255
        out = D.BatchAugment({}, torch.Generator().manual_seed(0))(x)
        self.assertTrue(torch.equal(out, x))

    def test_same_seed_same_batch_and_range(self):
        cfg = dict(hflip=True, rotation=12, shift=0.1, scale=0.1, brightness=0.3, contrast=0.3, erasing=0.5)
        x = images(32).float() / 255
        a = D.BatchAugment(cfg, torch.Generator().manual_seed(3))(x)
        b = D.BatchAugment(cfg, torch.Generator().manual_seed(3))(x)
        c = D.BatchAugment(cfg, torch.Generator().manual_seed(4))(x)
        self.assertTrue(torch.equal(a, b))
        self.assertFalse(torch.equal(a, c))
        self.assertEqual(a.shape, x.shape)
        self.assertGreaterEqual(a.min().item(), 0.0)
        self.assertLessEqual(a.max().item(), 1.0)

    def test_flip_only_flips_some_images_exactly(self):
        x = images(64).float() / 255
        out = D.BatchAugment({"hflip": True}, torch.Generator().manual_seed(0))(x)
        flipped = [torch.equal(o, i.flip(2)) for o, i in zip(out, x)]
        kept = [torch.equal(o, i) for o, i in zip(out, x)]
        self.assertTrue(all(f or k for f, k in zip(flipped, kept)))
        self.assertTrue(10 < sum(flipped) < 54)

    def test_zero_warp_is_identity(self):
        # rotation/shift/scale of zero width: affine_grid + grid_sample must give the image back.
        x = images(4).float() / 255
        aug = D.BatchAugment({"rotation": 1e-9}, torch.Generator().manual_seed(0))
        self.assertLess((aug(x) - x).abs().max().item(), 1e-5)

    def test_erasing_blanks_a_rectangle_of_2_to_20_percent(self):
        x = torch.ones(200, 1, 48, 48)
        out = D.BatchAugment({"erasing": 1.0}, torch.Generator().manual_seed(0))(x)
        zeros = (out == 0).flatten(1).sum(1).float() / (48 * 48)
        self.assertTrue(bool((zeros > 0.005).all()), zeros.min())
        self.assertTrue(bool((zeros < 0.23).all()), zeros.max())
        for img in out[:20, 0]:                       # the zeros form one rectangle
            rows, cols = (img == 0).nonzero(as_tuple=True)
            box = img[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
            self.assertTrue(bool((box == 0).all()))


class BatchesTests(unittest.TestCase):
    def test_every_image_once_per_epoch(self):
        x, y = images(10), torch.arange(10)
        seen = torch.cat([b for _, b in D.batches(x, y, 3, torch.Generator().manual_seed(0), drop_last=False)])
        self.assertEqual(sorted(seen.tolist()), list(range(10)))
        kept = torch.cat([b for _, b in D.batches(x, y, 3, torch.Generator().manual_seed(0), drop_last=True)])
        self.assertEqual(len(kept), 9)
        xb, _ = next(D.batches(x, y, 4, None, drop_last=False))
        self.assertTrue(torch.equal(xb, x[:4].float() / 255))

    def test_stratified_subset_keeps_proportions(self):
        labels = torch.tensor([0] * 500 + [1] * 50 + [2] * 450 + [3, 4, 5, 6] * 10)
        keep = D.stratified_subset(labels, 104, seed=1)
        counts = torch.bincount(labels[keep], minlength=7).tolist()
        self.assertEqual(counts[:3], [50, 5, 45])
        self.assertTrue(all(c == 1 for c in counts[3:]))


class ModelTests(unittest.TestCase):
    def test_mac_count_of_a_known_network(self):
        model = build_model({"block": "dense", "stem": 4, "widths": [8], "strides": [2], "depths": [1], "se": False})
        params, macs = count_params_macs(model, 8)
        # stem 1->4 3x3 @8x8, conv1 4->8 3x3 s2 @4x4, conv2 8->8 3x3 @4x4, shortcut 4->8 1x1 s2 @4x4, fc 8->7
        want = 64 * 4 * 9 + 16 * 8 * 4 * 9 + 16 * 8 * 8 * 9 + 16 * 8 * 4 + 8 * 7
        self.assertEqual(macs, want)
        self.assertEqual(params, sum(p.numel() for p in model.parameters()))

    def test_every_shipped_config_is_within_budget(self):
        for path in sorted(CONFIGS.rglob("*.yaml")):
            cfg = load_config(path)
            if cfg.get("budget", True) is False:       # teachers for distillation only
                self.assertTrue(path.stem.startswith("teacher"), f"{path.name}: only teacher configs may turn the budget off")
                continue
            with self.subTest(config=path.name), mock.patch("builtins.print"):
                params, macs = check_budget(build_model(cfg["model"]), cfg["model"].get("input_size", 48))
                self.assertLessEqual(params, MAX_PARAMS)
                self.assertLessEqual(macs, MAX_MACS)

    def test_over_budget_is_refused(self):
        model = build_model({"block": "dense", "stem": 64, "widths": [128, 256, 512], "depths": [2, 2, 2]})
        with mock.patch("builtins.print"), self.assertRaises(AssertionError):
            check_budget(model, 48)
        with mock.patch("builtins.print"):
            params, _ = check_budget(model, 48, enforce=False)     # a teacher: sizes only
        self.assertGreater(params, MAX_PARAMS)

    def test_unknown_block_and_mismatched_lists_are_errors(self):
        with self.assertRaises(ValueError):
            build_model({"block": "vit"})
        with self.assertRaises(ValueError):
            build_model({"block": "dense", "widths": [8, 16], "depths": [1], "strides": [1, 2]})
        with self.assertRaisesRegex(ValueError, "inner_widths"):
            build_model({"block": "ds", "widths": [8, 16], "depths": [1, 2], "inner_widths": [4, 4]})

    def test_cbam_mac_count_of_a_known_network(self):
        model = build_model({"block": "cbam", "stem": 4, "widths": [8], "strides": [2], "depths": [1]})
        params, macs = count_params_macs(model, 8)
        # as the dense network above, plus CBAM on 8 channels at 4x4 (hidden max(8, 8 // 16) = 8):
        # shared MLP on the avg and max descriptors 2 * (8*8 + 8*8), spatial conv 2->1 7x7 @4x4
        want = (64 * 4 * 9 + 16 * 8 * 4 * 9 + 16 * 8 * 8 * 9 + 16 * 8 * 4 + 8 * 7
                + 2 * (8 * 8 + 8 * 8) + 16 * 2 * 49)
        self.assertEqual(macs, want)
        self.assertEqual(params, sum(p.numel() for p in model.parameters()))
        self.assertFalse(any(k.split(".")[2] == "se" for k in model.state_dict() if k.startswith("blocks.")))

    def test_cbam_matches_a_plain_reference(self):
        torch.manual_seed(0)
        cbam = CBAM(32).eval()
        x = torch.randn(3, 32, 7, 5)
        F = torch.nn.functional

        def mlp(d):                                   # [N,C,1,1] -> [N,C,1,1], the shared MLP
            return cbam.fc2(F.relu(cbam.fc1(d)))

        channel = torch.sigmoid(mlp(F.adaptive_avg_pool2d(x, 1)) + mlp(F.adaptive_max_pool2d(x, 1)))
        y = x * channel
        maps = torch.stack([y.mean(1), y.max(1).values], 1)                 # [N,2,H,W]
        want = y * torch.sigmoid(F.conv2d(maps, cbam.spatial.weight, padding=3))
        self.assertEqual(cbam.fc1.out_channels, 8)                          # max(8, 32 // 16)
        self.assertTrue(torch.allclose(cbam(x), want, atol=1e-6))

    def test_teacher_is_resnet18_at_half_width_with_cbam(self):
        cfg = load_config(CONFIGS / "teacher.yaml")
        self.assertIs(cfg["budget"], False)
        self.assertIs(cfg["checkpoint_half"], True)
        model = build_model(cfg["model"]).eval()
        sizes = []
        for block in model.blocks:
            self.assertEqual(type(block).__name__, "CBAMBlock")
            block.register_forward_hook(lambda m, i, o: sizes.append(tuple(o.shape[1:])))
        with mock.patch("builtins.print"):
            params, macs = check_budget(model, 48, enforce=False)
        self.assertEqual(sizes, [(32, 48, 48)] * 2 + [(64, 24, 24)] * 2 + [(128, 12, 12)] * 2 + [(256, 6, 6)] * 2)
        self.assertTrue(2_500_000 < params < 3_200_000, params)
        # float16 weights + bfloat16 momentum, 2 bytes each: last.pt within the 15 MB a committed checkpoint may take
        self.assertLess(2 * 2 * params, T.CHECKPOINT_LIMIT_BYTES)
        header = CONFIGS.joinpath("teacher.yaml").read_text().split("seed:")[0]
        self.assertIn(f"{params:,} parameters", header)
        self.assertIn(f"{macs / 1e6:.1f}M multiply-adds", header)

    def test_existing_networks_keep_their_state_dict_names_and_shapes(self):
        # sha256 of "name:shape" lines, recorded with model.py before CBAM and inner_widths came:
        # checkpoints of dense.yaml and of the depthwise-separable networks still load.
        recorded = {"dense.yaml": "4ca0fbe49232bb6ece3babf665f49d2873c5e9958d2ac13233d0cc998118c2a0",
                    "baseline.yaml": "cd00dd67a1be3a6c9ed6971a8e3e9e3b6e8728e5a3b0b019518a72c4391b007c"}
        for name, digest in recorded.items():
            state = build_model(load_config(CONFIGS / name)["model"]).state_dict()
            lines = "\n".join(f"{k}:{tuple(v.shape)}" for k, v in state.items())
            self.assertEqual(hashlib.sha256(lines.encode()).hexdigest(), digest, name)

    @unittest.skipUnless(SHIPPED_WEIGHTS.exists(), "no Models/expression_net.safetensors")
    def test_the_shipped_weights_still_load(self):
        raw = SHIPPED_WEIGHTS.read_bytes()
        n = struct.unpack("<Q", raw[:8])[0]
        header = json.loads(raw[8:8 + n])
        arch = json.loads(header.pop("__metadata__")["architecture"])
        tensors = {}
        for key, info in header.items():
            self.assertEqual(info["dtype"], "F32", key)
            start, end = info["data_offsets"]
            data = np.frombuffer(raw[8 + n + start:8 + n + end], dtype="<f4").reshape(info["shape"])
            tensors[key] = torch.from_numpy(data.copy())
        model = build_model(arch)
        missing, unexpected = model.load_state_dict(tensors, strict=False)
        self.assertEqual(unexpected, [])
        self.assertTrue(all(k.endswith("num_batches_tracked") for k in missing), missing)


class ConfigTests(unittest.TestCase):
    """``base:`` chains: overrides merge mapping by mapping; loops and missing
    bases are errors naming the file."""

    def write(self, folder: Path, name: str, text: str) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def test_merge_replaces_leaves_and_lists_and_keeps_the_rest(self):
        base = {"epochs": 60, "model": {"se": True, "widths": [1, 2], "stem": 4}, "mixup": {"alpha": 0.2}}
        got = merge(base, {"epochs": 20, "model": {"se": False, "widths": [3]}, "mixup": None})
        self.assertEqual(got, {"epochs": 20, "model": {"se": False, "widths": [3], "stem": 4}, "mixup": None})
        self.assertEqual(base["model"]["se"], True)                    # the base is not modified

    def test_base_chain_resolves_relative_to_each_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            self.write(tmp, "root.yaml", "seed: 0\nepochs: 60\nmodel: {se: true, stem: 8}\n")
            self.write(tmp, "sub/mid.yaml", "base: ../root.yaml\nepochs: 20\n")
            leaf = self.write(tmp, "sub/leaf.yaml", "base: mid.yaml\nmodel: {se: false}\n")
            self.assertEqual(load_config(leaf), {"seed": 0, "epochs": 20, "model": {"se": False, "stem": 8}})

    def test_loops_missing_bases_and_non_mappings_are_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            a = self.write(tmp, "a.yaml", "base: b.yaml\n")
            self.write(tmp, "b.yaml", "base: a.yaml\n")
            with self.assertRaisesRegex(ValueError, "loops"):
                load_config(a)
            missing = self.write(tmp, "m.yaml", "base: nowhere.yaml\n")
            with self.assertRaisesRegex(FileNotFoundError, "m.yaml"):
                load_config(missing)
            listing = self.write(tmp, "l.yaml", "- 1\n- 2\n")
            with self.assertRaisesRegex(ValueError, "l.yaml"):
                load_config(listing)


class ResultsTests(unittest.TestCase):
    def log(self, name: str, acc: float, tta: float, done: int = 20) -> dict:
        return {"config_name": name, "config": {"epochs": 20}, "epochs": [{}] * done,
                "model": {"params": 1000, "macs": 2e6}, "best": {"val_acc": acc, "val_acc_tta": tta}}

    def test_ablations_are_compared_with_short_and_unfinished_runs_left_out(self):
        logs = [self.log("dense", 0.9, 0.9), self.log("short", 0.60, 0.61), self.log("short-x", 0.595, 0.62),
                self.log("short-y", 0.7, 0.7, done=5)]
        rows = ablation_rows(logs)
        self.assertEqual(len(rows), 2)
        self.assertIn("| `short-x` | 1,000 | 2.0M | 59.50% | -0.50 | 62.00% | +1.00 |", rows[1])
        self.assertEqual(ablation_rows(logs[2:]), [])                  # no reference run: no table


class LossAndScheduleTests(unittest.TestCase):
    def test_class_weights(self):
        counts = torch.tensor([100, 25, 400, 100, 100, 100, 100])
        self.assertIsNone(class_weights(counts, "none"))
        w = class_weights(counts, "inverse_sqrt")
        self.assertAlmostEqual(w.mean().item(), 1.0, places=5)
        self.assertAlmostEqual((w[1] / w[0]).item(), 2.0, places=5)
        self.assertAlmostEqual((w[2] / w[0]).item(), 0.5, places=5)
        with self.assertRaises(ValueError):
            class_weights(counts, "square")

    def test_mixup_is_a_convex_blend_and_repeats(self):
        x, y = torch.randn(6, 1, 4, 4, generator=torch.Generator().manual_seed(0)), torch.arange(6)
        xa, ya, yb, lam = mixup(x, y, 0.4, np.random.default_rng(5))
        xb, _, yb2, lam2 = mixup(x, y, 0.4, np.random.default_rng(5))
        self.assertTrue(torch.equal(xa, xb) and torch.equal(yb, yb2) and lam == lam2)
        perm = yb  # labels are indices, so y_b is the permutation
        self.assertTrue(torch.allclose(xa, lam * x + (1 - lam) * x[perm]))
        logits = torch.randn(6, 7, generator=torch.Generator().manual_seed(1))
        blended = classification_loss(logits, y % 7, perm % 7, lam, None, 0.0)
        ce = torch.nn.functional.cross_entropy
        self.assertAlmostEqual(blended.item(), (lam * ce(logits, y % 7) + (1 - lam) * ce(logits, perm % 7)).item(), places=5)

    def test_distillation_is_zero_for_equal_logits_and_scaled_by_t_squared(self):
        g = torch.Generator().manual_seed(0)
        z = torch.randn(5, 7, generator=g)
        self.assertLess(abs(distillation_loss(z, z, 4.0).item()), 1e-5)   # float32 rounding, times T^2 = 16
        t = torch.randn(5, 7, generator=g)
        kl = torch.nn.functional.kl_div(z.log_softmax(1), t.softmax(1), reduction="batchmean")
        self.assertAlmostEqual(distillation_loss(z, t, 1.0).item(), kl.item(), places=5)

    def test_warmup_then_cosine(self):
        f = T.warmup_cosine(total_steps=110, warmup_steps=10, min_ratio=0.01)
        self.assertAlmostEqual(f(0), 0.1)
        self.assertAlmostEqual(f(9), 1.0)
        self.assertAlmostEqual(f(10), 1.0)
        self.assertAlmostEqual(f(60), 0.01 + 0.99 * 0.5, places=6)
        self.assertAlmostEqual(f(110), 0.01)
        self.assertTrue(all(f(s) >= f(s + 1) - 1e-12 for s in range(10, 110)))


def tiny_config() -> dict:
    cfg = load_config(CONFIGS / "smoke.yaml")
    cfg["epochs"] = 2
    cfg["threads"] = 1
    cfg["data"].update(batch_size=16, eval_batch_size=64, train_subset=None, val_subset=None)
    cfg["model"] = {"block": "dense", "input_size": 48, "stem": 4, "widths": [8, 8], "strides": [2, 2],
                    "depths": [1, 1], "se": True, "dropout": 0.1}
    return cfg


def run_train(cfg: dict, folder: Path, name: str, extra: list[str] = ()) -> Path:
    """``train.main`` on 64 synthetic training and 32 validation images; the
    folder of its log and checkpoints."""
    config = folder / f"{name}.yaml"
    config.write_text(yaml.safe_dump(cfg))
    splits = {"train": (images(64, 1), torch.arange(64) % 7, []), "publictest": (images(32, 2), torch.arange(32) % 7, [])}
    with mock.patch.object(D, "load_split", side_effect=lambda s: splits[s]), mock.patch("builtins.print"):
        T.main(["--config", str(config), "--runs", str(folder / "runs"),
                "--checkpoints", str(folder / "runs")] + list(extra))
    return folder / "runs" / name


class TrainLoopTests(unittest.TestCase):
    """The loop on 64 synthetic training and 32 validation images, with
    ``load_split`` replaced: a log, best.pt and last.pt come out, and a run
    stopped after epoch 1 and resumed ends exactly where an unbroken run does."""

    def run_train(self, cfg: dict, folder: Path, name: str, extra: list[str] = ()) -> Path:
        return run_train(cfg, folder, name, extra)

    def finished_without_checkpoints(self, cfg: dict, folder: Path) -> Path:
        """A finished run whose checkpoints were removed (as once it is exported): its log only."""
        run = self.run_train(cfg, folder, "run")
        for checkpoint in ("best.pt", "last.pt"):
            (run / checkpoint).unlink()
        return run

    def test_resume_continues_exactly(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            whole = self.run_train(cfg, tmp, "whole")
            self.assertTrue((whole / "best.pt").exists() and (whole / "last.pt").exists())
            log = json.loads(next(whole.glob("*.json")).read_text())
            self.assertEqual([e["epoch"] for e in log["epochs"]], [1, 2])
            self.assertTrue(all(0 <= e["val_acc"] <= 1 and math.isfinite(e["train_loss"]) for e in log["epochs"]))

            split = self.run_train(cfg, tmp, "split", extra=["--stop-after-epoch", "1"])
            self.assertEqual(torch.load(split / "last.pt")["epoch"], 1)
            self.run_train(cfg, tmp, "split", extra=["--resume"])
            a, b = torch.load(whole / "last.pt"), torch.load(split / "last.pt")
            self.assertEqual(b["epoch"], 2)
            for key, value in a["model"].items():
                self.assertTrue(torch.equal(value, b["model"][key]), key)
            log_split = json.loads(next(split.glob("*.json")).read_text())
            self.assertEqual([e["train_loss"] for e in log_split["epochs"]], [e["train_loss"] for e in log["epochs"]])
            self.assertEqual(len(log_split["resumed"]), 1)

    def test_distillation_from_a_teacher_checkpoint(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            teacher_cfg = tiny_config()
            teacher_cfg["epochs"] = 1
            teacher_cfg["budget"] = False
            teacher_cfg["model"]["widths"] = [16, 16]
            teacher = self.run_train(teacher_cfg, tmp, "teacher")
            student_cfg = tiny_config()
            student_cfg["epochs"] = 1
            student_cfg["distill"] = {"teacher": str(teacher / "best.pt"), "temperature": 4.0, "weight": 0.7}
            student = self.run_train(student_cfg, tmp, "student")
            log = json.loads(next(student.glob("*.json")).read_text())
            self.assertEqual(log["config"]["distill"]["teacher"], str(teacher / "best.pt"))
            self.assertTrue(math.isfinite(log["epochs"][0]["train_loss"]))
            # The distilled loss differs from the plain one on the same data and seed.
            plain_cfg = tiny_config()
            plain_cfg["epochs"] = 1
            plain = json.loads(next(self.run_train(plain_cfg, tmp, "plain").glob("*.json")).read_text())
            self.assertNotEqual(plain["epochs"][0]["train_loss"], log["epochs"][0]["train_loss"])

    def test_a_half_precision_teacher_loads_in_float32(self):
        # teacher.yaml saves checkpoint_half checkpoints: best.pt holds float16 weights.
        torch.manual_seed(0)
        model_cfg = {"block": "cbam", "stem": 4, "widths": [8, 16], "strides": [1, 2], "depths": [1, 1]}
        model = build_model(model_cfg).eval()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "best.pt"
            torch.save({"model": T.half(model.state_dict()), "config": {"model": model_cfg}}, path)
            teacher = T.load_teacher({"teacher": str(path)}, torch.device("cpu"))
        self.assertFalse(teacher.training)
        self.assertTrue(all(v.dtype == torch.float32 for v in teacher.state_dict().values() if v.is_floating_point()))
        rounded = build_model(model_cfg).eval()
        rounded.load_state_dict({k: v.half().float() if v.is_floating_point() else v
                                 for k, v in model.state_dict().items()})
        x = images(4).float() / 255
        with torch.no_grad():
            self.assertTrue(torch.equal(teacher(x), rounded(x)))
            self.assertTrue(torch.allclose(teacher(x), model(x), atol=1e-2))

    def test_init_from_starts_from_a_checkpoint_and_refuses_other_shapes(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            cfg["epochs"] = 1
            source = self.run_train(cfg, tmp, "source") / "best.pt"
            cfg["init_from"] = str(source)
            with mock.patch.object(T, "load_initial_weights", wraps=T.load_initial_weights) as hook:
                self.run_train(cfg, tmp, "tuned")
                self.run_train(cfg, tmp, "tuned", extra=["--resume"])    # finished: weights from last.pt, not again
            self.assertEqual(hook.call_count, 1)
            model = build_model(cfg["model"])
            T.load_initial_weights(model, source)
            for key, value in torch.load(source)["model"].items():
                self.assertTrue(torch.equal(model.state_dict()[key], value), key)
            cfg["model"]["widths"] = [8, 16]
            with self.assertRaisesRegex(SystemExit, "size mismatch"):
                self.run_train(cfg, tmp, "other")

    def test_half_precision_checkpoints_resume_within_noise(self):
        # checkpoint_half stores weights in float16 and the optimizer state in bfloat16:
        # half the bytes, and a
        # resumed run that stays close to an unbroken one (not bit for bit).
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            cfg["checkpoint_half"] = True
            whole = self.run_train(cfg, tmp, "whole")
            full = self.run_train(tiny_config(), tmp, "full")
            a = torch.load(whole / "last.pt")
            self.assertTrue(all(v.dtype == torch.float16 for v in a["model"].values() if v.is_floating_point()))
            moments = [v for s in a["optimizer"]["state"].values() for k, v in s.items() if k != "step"]
            self.assertTrue(moments and all(v.dtype == torch.bfloat16 for v in moments))
            b_full = torch.load(full / "last.pt")
            nbytes = lambda sd: sum(v.numel() * v.element_size() for v in sd.values() if v.is_floating_point())
            self.assertEqual(2 * nbytes(a["model"]), nbytes(b_full["model"]))
            self.assertEqual(torch.load(whole / "best.pt")["model"]["fc.weight"].dtype, torch.float16)

            split = self.run_train(cfg, tmp, "split", extra=["--stop-after-epoch", "1"])
            self.run_train(cfg, tmp, "split", extra=["--resume"])
            b = torch.load(split / "last.pt")
            self.assertEqual(b["epoch"], 2)
            for key, value in a["model"].items():
                if value.is_floating_point():
                    diff = (value.float() - b["model"][key].float()).abs().max().item()
                    self.assertLess(diff, 1e-2 * (1 + value.float().abs().max().item()), key)
            log_a = json.loads(next(whole.glob("*.json")).read_text())
            log_b = json.loads(next(split.glob("*.json")).read_text())
            self.assertEqual(log_a["epochs"][0]["train_loss"], log_b["epochs"][0]["train_loss"])
            self.assertAlmostEqual(log_a["epochs"][1]["train_loss"], log_b["epochs"][1]["train_loss"], delta=0.01)

    def test_a_finished_run_is_not_trained_again(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            run = self.run_train(cfg, tmp, "run")
            before = (run / "last.pt").stat().st_mtime_ns
            self.run_train(cfg, tmp, "run", extra=["--resume"])
            self.assertEqual((run / "last.pt").stat().st_mtime_ns, before)
            self.assertEqual(len(list(run.glob("*.json"))), 1)

    def test_a_finished_run_whose_checkpoints_were_removed_is_not_trained_again(self):
        # Models/training/README.md: remove a finished, exported run's checkpoints.
        # A queue that still lists its config must not train it again from epoch 1.
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            run = self.finished_without_checkpoints(cfg, tmp)
            self.run_train(cfg, tmp, "run", extra=["--resume"])
            self.assertFalse((run / "last.pt").exists())
            self.assertEqual(len(list(run.glob("*.json"))), 1)
            cfg["epochs"] = 3                      # another config: no finished log of it, so it starts
            self.run_train(cfg, tmp, "run", extra=["--resume"])
            self.assertTrue((run / "last.pt").exists())

    def test_a_retraining_stopped_in_its_first_epoch_is_not_skipped_on_resume(self):
        # Retraining over a committed, finished log, stopped before epoch 1 ended
        # (no last.pt yet): --resume starts that run again rather than taking the
        # old finished log as done.
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            run = self.finished_without_checkpoints(cfg, tmp)
            with mock.patch.object(T, "evaluate", side_effect=KeyboardInterrupt), \
                    self.assertRaises(KeyboardInterrupt):
                self.run_train(cfg, tmp, "run")
            logs = sorted(run.glob("*.json"))
            self.assertEqual(len(logs), 2)
            epochs = lambda path: len(json.loads(path.read_text())["epochs"])   # noqa: E731
            stopped = [path for path in logs if epochs(path) == 0]
            self.assertEqual(len(stopped), 1, "the log is written when the run starts")
            self.run_train(cfg, tmp, "run", extra=["--resume"])
            self.assertTrue((run / "last.pt").exists())
            self.assertEqual(sorted(run.glob("*.json")), logs, "the stopped run started again under its own id")
            self.assertEqual(epochs(stopped[0]), cfg["epochs"])
            before = (run / "last.pt").stat().st_mtime_ns
            self.run_train(cfg, tmp, "run", extra=["--resume"])        # now finished: skipped
            self.assertEqual((run / "last.pt").stat().st_mtime_ns, before)

    def test_a_finished_fine_tune_is_trained_again_when_its_start_was_retrained(self):
        # The one command of Models/training/README.md retrains a chain (ds-long,
        # then ds-born from it) whose finished logs are committed: --resume skips
        # a finished run only if it started from (and learnt from) the same files.
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            source_cfg = tiny_config()
            source = self.run_train(source_cfg, tmp, "source") / "best.pt"
            cfg = tiny_config()
            cfg["init_from"] = str(source)
            cfg["distill"] = {"teacher": str(source), "temperature": 4.0, "weight": 0.7}
            tuned = self.run_train(cfg, tmp, "tuned")
            log = json.loads(next(tuned.glob("*.json")).read_text())
            self.assertEqual(log["init_from"]["sha256"], hashlib.sha256(source.read_bytes()).hexdigest())
            for checkpoint in ("best.pt", "last.pt"):
                (tuned / checkpoint).unlink()
            self.run_train(cfg, tmp, "tuned", extra=["--resume"])       # the same start: finished, skipped
            self.assertFalse((tuned / "last.pt").exists())
            source_cfg["seed"] = 1                                      # the source trained again: other weights
            self.run_train(source_cfg, tmp, "source")
            self.run_train(cfg, tmp, "tuned", extra=["--resume"])
            self.assertTrue((tuned / "last.pt").exists())
            self.assertEqual(len(list(tuned.glob("*.json"))), 2)
            # A start file that is missing is named.
            cfg["init_from"] = str(tmp / "nowhere" / "pruned.pt")
            cfg["distill"] = {}
            with self.assertRaisesRegex(SystemExit, "nowhere/pruned.pt: no such checkpoint"):
                self.run_train(cfg, tmp, "pruned")

    def test_a_distilled_run_resumes_only_with_the_teacher_it_started_with(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            teacher_cfg = tiny_config()
            teacher_cfg.update(epochs=2, budget=False)
            teacher = self.run_train(teacher_cfg, tmp, "teacher", extra=["--stop-after-epoch", "1"])
            student_cfg = tiny_config()
            student_cfg["distill"] = {"teacher": str(teacher / "best.pt"), "temperature": 4.0, "weight": 0.7}
            with self.assertRaisesRegex(SystemExit, "unfinished"):
                self.run_train(student_cfg, tmp, "student")
            self.run_train(teacher_cfg, tmp, "teacher", extra=["--resume"])
            student = self.run_train(student_cfg, tmp, "student", extra=["--stop-after-epoch", "1"])
            log = json.loads(next(student.glob("*.json")).read_text())
            self.assertEqual(log["distill_teacher"]["sha256"],
                             hashlib.sha256((teacher / "best.pt").read_bytes()).hexdigest())
            teacher_cfg["seed"] = 1                # the teacher trained again: another best.pt
            for checkpoint in ("best.pt", "last.pt"):
                (teacher / checkpoint).unlink()
            self.run_train(teacher_cfg, tmp, "teacher")
            with self.assertRaisesRegex(SystemExit, "not the teacher this run started with"):
                self.run_train(student_cfg, tmp, "student", extra=["--resume"])

    def test_the_log_is_replaced_whole(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "run.json"
            T.write_text_atomically("first\n", path)
            with mock.patch.object(Path, "write_text", side_effect=OSError("disk full")):
                with self.assertRaises(OSError):
                    T.write_text_atomically("second\n", path)
            self.assertEqual(path.read_text(), "first\n")

    def test_resume_refuses_another_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cfg = tiny_config()
            self.run_train(cfg, tmp, "run")
            cfg["optim"]["lr"] *= 2
            with self.assertRaises(SystemExit):
                self.run_train(cfg, tmp, "run", extra=["--resume"])


if __name__ == "__main__":
    unittest.main()
