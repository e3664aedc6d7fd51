"""Train the expression classifier from one config file.

    /usr/bin/python3 -m Models.training.train --config Models/training/configs/smoke.yaml

(run from the repository root). Writes ``Models/training/runs/<config name>/``:
``<run id>.json`` (config, environment, model size, every epoch's figures)
and ``best.pt`` (the checkpoint with the best PublicTest accuracy; git-ignored).
PublicTest is used for model selection only.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
import yaml
from torch.utils.data import DataLoader

from . import data as D
from .losses import class_weights, classification_loss, distillation_loss, mixup
from .model import build_model, check_budget

RUNS = Path(__file__).resolve().parent / "runs"


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def build_optimizer(model, cfg: dict):
    """``optim.name``: ``sgd`` (Nesterov momentum) or ``adamw``. No weight decay on
    biases and BatchNorm (1-D parameters)."""
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": cfg["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}]
    if cfg["name"] == "sgd":
        return torch.optim.SGD(groups, lr=cfg["lr"], momentum=cfg.get("momentum", 0.9), nesterov=True)
    if cfg["name"] == "adamw":
        return torch.optim.AdamW(groups, lr=cfg["lr"], betas=tuple(cfg.get("betas", (0.9, 0.999))))
    raise ValueError(f"optim.name: unknown optimizer {cfg['name']!r} (sgd, adamw)")


def warmup_cosine(total_steps: int, warmup_steps: int, min_ratio: float):
    """LR multiplier per step: linear 0 -> 1 over the warm-up, then cosine to ``min_ratio``."""
    def f(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        t = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))
    return f


@torch.no_grad()
def evaluate(model, loader, device) -> dict:
    """PublicTest accuracy without and with horizontal-flip TTA (mean of the two
    softmaxes), and the per-class accuracy of the TTA predictions."""
    model.eval()
    correct = correct_tta = 0
    per_class = torch.zeros(len(D.CLASSES), 2, dtype=torch.long)   # [class, (correct, total)]
    for x, y in loader:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        with torch.autocast(device.type, enabled=device.type == "cuda"):
            p = model(x).float().softmax(1)
            p_tta = (p + model(x.flip(3)).float().softmax(1)) / 2
        correct += (p.argmax(1) == y).sum().item()
        hit = p_tta.argmax(1) == y
        correct_tta += hit.sum().item()
        per_class[:, 0] += torch.bincount(y[hit], minlength=len(D.CLASSES)).cpu()
        per_class[:, 1] += torch.bincount(y, minlength=len(D.CLASSES)).cpu()
    n = len(loader.dataset)
    return {"acc": correct / n, "acc_tta": correct_tta / n,
            "per_class_acc_tta": {c: round(a / max(1, t), 4) for c, (a, t) in zip(D.CLASSES, per_class.tolist())}}


def load_teacher(cfg: dict, device):
    """The distillation hook: a teacher is one of our own checkpoints (``best.pt``
    of another run), rebuilt from the model config stored in it."""
    ckpt = torch.load(cfg["teacher"], map_location="cpu")
    teacher = build_model(ckpt["config"]["model"])
    teacher.load_state_dict(ckpt["model"])
    return teacher.to(device).eval()


def git_commit() -> str:
    """HEAD's commit, with ``+dirty`` when Models/training has uncommitted changes
    (then the log does not name the code that ran)."""
    here = Path(__file__).parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              cwd=here, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "."],
                               capture_output=True, text=True, cwd=here, check=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True, type=Path, help="YAML experiment config")
    ap.add_argument("--device", default=None, help="override: cpu or cuda (default: cuda when present)")
    args = ap.parse_args(argv)
    cfg = yaml.safe_load(args.config.read_text())
    name = args.config.stem
    seed_everything(cfg["seed"])
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cpu" and cfg.get("threads"):
        torch.set_num_threads(cfg["threads"])
    torch.backends.cudnn.benchmark = device.type == "cuda"

    # Data: train for training, PublicTest for evaluation / model selection.
    dcfg, size = cfg["data"], cfg["model"].get("input_size", 48)
    tr_x, tr_y, _ = D.load_split("train")
    va_x, va_y, _ = D.load_split("publictest")
    if dcfg.get("train_subset"):
        keep = D.stratified_subset(tr_y, dcfg["train_subset"], cfg["seed"])
        tr_x, tr_y = tr_x[keep], tr_y[keep]
    if dcfg.get("val_subset"):
        keep = D.stratified_subset(va_y, dcfg["val_subset"], cfg["seed"])
        va_x, va_y = va_x[keep], va_y[keep]
    train_set = D.FERDataset(tr_x, tr_y, D.build_augment(cfg.get("augment", {}), size))
    val_set = D.FERDataset(va_x, va_y, D.build_eval_transform(size))
    workers = dcfg.get("workers", 0)
    loader_gen = torch.Generator().manual_seed(cfg["seed"])
    train_loader = DataLoader(train_set, batch_size=dcfg["batch_size"], shuffle=True, drop_last=True,
                              num_workers=workers, generator=loader_gen, pin_memory=device.type == "cuda",
                              persistent_workers=workers > 0,
                              worker_init_fn=lambda w: seed_everything(cfg["seed"] * 1000 + w))
    val_loader = DataLoader(val_set, batch_size=dcfg.get("eval_batch_size", 512), num_workers=workers,
                            pin_memory=device.type == "cuda")

    model = build_model(cfg["model"]).to(device)
    params, macs = check_budget(model, size)
    ocfg, lcfg = cfg["optim"], cfg.get("loss", {})
    optimizer = build_optimizer(model, ocfg)
    steps_per_epoch = len(train_loader)
    total = cfg["epochs"] * steps_per_epoch
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_cosine(
        total, int(ocfg.get("warmup_epochs", 0) * steps_per_epoch), ocfg.get("min_lr_ratio", 0.0)))
    scaler = torch.cuda.amp.GradScaler(enabled=device.type == "cuda" and cfg.get("amp", True))
    weight = class_weights(D.class_counts(tr_y), lcfg.get("class_weights"))
    weight = weight.to(device) if weight is not None else None
    smoothing = lcfg.get("label_smoothing", 0.0)
    mix = cfg.get("mixup", {})
    mix_rng = np.random.default_rng(cfg["seed"] + 1)
    dist = cfg.get("distill", {}) or {}
    teacher = load_teacher(dist, device) if dist.get("teacher") else None

    run_id = time.strftime("%Y%m%d-%H%M%S")
    out = RUNS / name
    out.mkdir(parents=True, exist_ok=True)
    log = {"run": run_id, "config_name": name, "config": cfg, "git_commit": git_commit(),
           "env": {"python": platform.python_version(), "torch": torch.__version__, "device": str(device),
                   "gpu": torch.cuda.get_device_name() if device.type == "cuda" else None,
                   "threads": torch.get_num_threads(), "host_cpus": os.cpu_count()},
           "data": {"train": len(train_set), "val": len(val_set), "classes": list(D.CLASSES)},
           "model": {"params": params, "macs": macs, "input_size": size},
           "epochs": [], "best": None}
    log_path = out / f"{run_id}.json"
    print(f"run {name}/{run_id}: {len(train_set)} train, {len(val_set)} PublicTest, device {device}")

    best = -1.0
    start = time.time()
    for epoch in range(1, cfg["epochs"] + 1):
        model.train()
        t0, seen, loss_sum = time.time(), 0, 0.0
        for x, y in train_loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            use_mix = mix.get("alpha", 0) > 0 and mix_rng.random() < mix.get("prob", 1.0)
            y_b, lam = y, 1.0
            if use_mix:
                x, y, y_b, lam = mixup(x, y, mix["alpha"], mix_rng)
            with torch.autocast(device.type, enabled=scaler.is_enabled()):
                logits = model(x)
                loss = classification_loss(logits.float(), y, y_b, lam, weight, smoothing)
                if teacher is not None:
                    with torch.no_grad():
                        t_logits = teacher(x).float()
                    w = dist.get("weight", 0.7)
                    loss = (1 - w) * loss + w * distillation_loss(logits.float(), t_logits,
                                                                  dist.get("temperature", 4.0))
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            if ocfg.get("grad_clip"):
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), ocfg["grad_clip"])
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
            seen += x.shape[0]
            loss_sum += loss.item() * x.shape[0]
        train_s = time.time() - t0
        metrics = evaluate(model, val_loader, device)
        row = {"epoch": epoch, "lr": optimizer.param_groups[0]["lr"], "train_loss": round(loss_sum / seen, 5),
               "val_acc": round(metrics["acc"], 5), "val_acc_tta": round(metrics["acc_tta"], 5),
               "per_class_acc_tta": metrics["per_class_acc_tta"], "train_s": round(train_s, 1),
               "epoch_s": round(time.time() - t0, 1)}
        log["epochs"].append(row)
        score = metrics["acc_tta"] if cfg.get("select_on_tta", True) else metrics["acc"]
        if score > best:
            best = score
            log["best"] = {"epoch": epoch, "val_acc": row["val_acc"], "val_acc_tta": row["val_acc_tta"]}
            torch.save({"model": model.state_dict(), "config": cfg, "epoch": epoch, "classes": list(D.CLASSES),
                        "val_acc": row["val_acc"], "val_acc_tta": row["val_acc_tta"]}, out / "best.pt")
        log["total_s"] = round(time.time() - start, 1)
        log_path.write_text(json.dumps(log, indent=1) + "\n")   # rewritten every epoch: a killed run keeps its log
        print(f"epoch {epoch}/{cfg['epochs']}: loss {row['train_loss']:.4f}  PublicTest {row['val_acc']:.4f}  "
              f"flip-TTA {row['val_acc_tta']:.4f}  lr {row['lr']:.2e}  {row['epoch_s']:.0f}s", flush=True)
    print(f"best epoch {log['best']['epoch']}: PublicTest {log['best']['val_acc']:.4f}, "
          f"flip-TTA {log['best']['val_acc_tta']:.4f}; log {log_path.relative_to(RUNS.parents[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
