"""Train the expression classifier from one config file.

    /usr/bin/python3 -m Models.training.train --config Models/training/configs/smoke.yaml

(run from the repository root). Writes ``Models/training/runs/<config name>/``
``<run id>.json`` (config, environment, model size, every epoch's figures),
and ``Models/training/checkpoints/<config name>/``: ``last.pt`` (everything
``--resume`` needs) and ``best.pt`` (the weights of the best PublicTest epoch).
Both checkpoints are committed to the repository so that a run outlives the
machine it runs on; each is replaced in place after every epoch. PublicTest is
used for model selection only.
"""
from __future__ import annotations

import argparse
import hashlib
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

from . import data as D
from .config import load_config
from .losses import class_weights, classification_loss, distillation_loss, mixup
from .model import build_model, check_budget

RUNS = Path(__file__).resolve().parent / "runs"
CHECKPOINTS = Path(__file__).resolve().parent / "checkpoints"
#: The size a committed checkpoint must stay under (every commit of it stays in history).
CHECKPOINT_LIMIT_BYTES = 15 * 1024 * 1024


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


def prepare(x: torch.Tensor, size: int, device, channels_last: bool) -> torch.Tensor:
    """A [0,1] float batch at the model's input size, on ``device``, in its memory format."""
    if size != x.shape[-1]:
        x = torch.nn.functional.interpolate(x, size=(size, size), mode="bilinear", antialias=True,
                                            align_corners=False)
    x = x.to(device, non_blocking=True)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


@torch.no_grad()
def evaluate(model, images, labels, size: int, device, channels_last: bool = False,
             batch_size: int = 512) -> dict:
    """PublicTest accuracy without and with horizontal-flip TTA (mean of the two
    softmaxes), and the per-class accuracy of the TTA predictions. Always in
    float32, the precision Mien's Swift engine runs the model in."""
    model.eval()
    correct = correct_tta = 0
    per_class = torch.zeros(len(D.CLASSES), 2, dtype=torch.long)   # [class, (correct, total)]
    for x, y in D.batches(images, labels, batch_size, None, drop_last=False):
        x, y = prepare(x, size, device, channels_last), y.to(device)
        p = model(x).float().softmax(1)
        p_tta = (p + model(x.flip(3)).float().softmax(1)) / 2
        correct += (p.argmax(1) == y).sum().item()
        hit = p_tta.argmax(1) == y
        correct_tta += hit.sum().item()
        per_class[:, 0] += torch.bincount(y[hit], minlength=len(D.CLASSES)).cpu()
        per_class[:, 1] += torch.bincount(y, minlength=len(D.CLASSES)).cpu()
    n = len(labels)
    return {"acc": correct / n, "acc_tta": correct_tta / n,
            "per_class_acc_tta": {c: round(a / max(1, t), 4) for c, (a, t) in zip(D.CLASSES, per_class.tolist())}}


def float32_weights(state: dict) -> dict:
    """A state dict with every floating tensor in float32 (a ``checkpoint_half``
    checkpoint stores float16 weights)."""
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def load_teacher(cfg: dict, device):
    """The distillation hook: a teacher is one of our own checkpoints (``best.pt``
    of another run), rebuilt from the model config stored in it, its weights in
    float32 whatever the checkpoint stored (``checkpoint_half``: float16)."""
    ckpt = torch.load(cfg["teacher"], map_location="cpu")
    teacher = build_model(ckpt["config"]["model"])
    teacher.load_state_dict(float32_weights(ckpt["model"]))
    return teacher.float().to(device).eval()


def teacher_identity(path: Path) -> dict:
    """What a distillation's teacher is: its file's SHA-256 and the run and
    epoch stored in it. A run keeps it in its log and resumes only with the
    same teacher, since a teacher's ``best.pt`` is rewritten while the teacher
    trains. An unfinished teacher (its ``last.pt`` beside it, short of its
    epochs) is refused: the student would learn from weights that change."""
    if not path.exists():
        raise SystemExit(f"distill.teacher {path}: no such checkpoint (train the teacher first; "
                         "keep its checkpoints until the students that learn from it are done)")
    ckpt = torch.load(path, map_location="cpu")
    last = path.parent / "last.pt"
    if last.exists():
        state = torch.load(last, map_location="cpu")
        if state["epoch"] < state["config"]["epochs"]:
            raise SystemExit(f"distill.teacher {path}: its run {state['log']['run']} is unfinished "
                             f"(epoch {state['epoch']} of {state['config']['epochs']}); finish it first")
    return {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "run": ckpt.get("run"), "epoch": ckpt.get("epoch")}


def config_logs(runs: Path, cfg: dict) -> list[tuple[Path, dict]]:
    """The logs in ``runs`` of runs of ``cfg``, with their contents, oldest
    first (run ids are start times). A run writes its log when it starts and
    after every epoch."""
    def start_order(path: Path):              # 20261207-110354, then 20261207-110354-2, -3 ... (same second)
        base, _, n = path.stem.partition("-")[2].partition("-")
        return path.stem.partition("-")[0], base, int(n) if n.isdigit() else 1

    found = []
    for path in sorted(runs.glob("*.json"), key=start_order):
        try:
            log = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if log.get("config") == cfg:
            found.append((path, log))
    return found


def is_finished(log: dict, cfg: dict) -> bool:
    """Whether the run of ``log`` went through all of ``cfg``'s epochs: its
    checkpoints may have been removed since (as they are once a run is
    exported), and ``--resume`` must not train it again from epoch 1 (see
    ``same_start``)."""
    return bool(log.get("epochs")) and log["epochs"][-1]["epoch"] >= cfg["epochs"]


def same_start(log: dict, starts: dict) -> bool:
    """Whether the run of ``log`` started from the weights ``starts``
    (``start_identities``) names: a run that started from other ones (its
    ``distill_teacher`` or ``init_from`` file had another SHA-256, as when the
    run it starts from was trained again) is not this one, so a retrained
    chain (``ds-long``, then ``ds-born`` from it) retrains it too. Logs that
    predate a field are taken as matching."""
    return all((log.get(key) or {}).get("sha256", now["sha256"]) == now["sha256"]
               for key, now in starts.items() if now is not None)


def start_identities(cfg: dict, teacher_id: dict | None) -> dict:
    """The files a fresh run of ``cfg`` starts from (``init_from``: path and
    SHA-256, None where the config has none or the file is missing) and
    learns from (``distill_teacher``: ``teacher_identity``)."""
    init = Path(cfg["init_from"]) if cfg.get("init_from") else None
    init_id = ({"path": str(init), "sha256": hashlib.sha256(init.read_bytes()).hexdigest()}
               if init is not None and init.exists() else None)
    return {"distill_teacher": teacher_id, "init_from": init_id}


def write_text_atomically(text: str, path: Path) -> None:
    """``path``'s new text through a temporary file replaced in one step: a
    run stopped while it writes its log keeps the previous, whole log."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def load_initial_weights(model, path: Path) -> None:
    """``init_from``: start from the weights of a checkpoint (a pruned network
    written by ``prune.py``, or any ``best.pt``) instead of a random init. The
    config's model section must build the checkpoint's shapes; a mismatch is a
    ``SystemExit`` naming the file, the keys and both shapes."""
    ckpt = torch.load(path, map_location="cpu")
    try:
        model.load_state_dict(float32_weights(ckpt["model"]))
    except RuntimeError as e:
        raise SystemExit(f"init_from {path}: its weights do not fit the config's model section "
                         f"(model.inner_widths as prune.py printed?):\n{e}") from None


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


def autocast_for(device, cfg: dict):
    """Training precision: CUDA mixed precision with ``amp``; on the CPU bfloat16
    autocast with ``precision: bf16`` (weights, optimizer and BatchNorm stay
    float32; about 2x faster on CPUs with AVX512-BF16), else float32."""
    if device.type == "cuda":
        return torch.autocast("cuda", enabled=cfg.get("amp", True))
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.get("precision", "fp32") == "bf16")


def rng_state(gen: torch.Generator, mix_rng: np.random.Generator) -> dict:
    return {"torch": torch.get_rng_state(), "gen": gen.get_state(), "mix": mix_rng.bit_generator.state,
            "python": random.getstate(), "numpy": np.random.get_state()}


def restore_rng(state: dict, gen: torch.Generator, mix_rng: np.random.Generator) -> None:
    torch.set_rng_state(state["torch"])
    gen.set_state(state["gen"])
    mix_rng.bit_generator.state = state["mix"]
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])


def half(state, dtype=torch.float16):
    """``state`` (nested dicts, lists and tensors) with every float32 tensor in
    ``dtype``: a checkpoint of half the size. Loading casts back (``load_state_dict``
    of a module or an optimizer copies into the parameters' float32). Adam's
    ``step`` counters stay float32: float16 counts exactly only to 2,048."""
    if isinstance(state, torch.Tensor):
        return state.to(dtype) if state.dtype == torch.float32 else state
    if isinstance(state, dict):
        return {k: v if k == "step" else half(v, dtype) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(half(v, dtype) for v in state)
    return state


def half_checkpoint(model_state: dict, optimizer_state: dict) -> tuple[dict, dict]:
    """The weights in float16 (11 significant bits; weights never come near its
    range limits) and the optimizer state in bfloat16: momentum and Adam's second
    moments reach 1e-10 and below, where float16 would flush them to zero and a
    resumed Adam would take huge steps; bfloat16 has float32's range."""
    return half(model_state, torch.float16), half(optimizer_state, torch.bfloat16)


def save_atomically(obj, path: Path) -> int:
    """``torch.save`` to ``path`` through a temporary file replaced in one step
    (a run killed mid-write leaves the previous file); returns the size in bytes."""
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)
    size = path.stat().st_size
    if size > CHECKPOINT_LIMIT_BYTES:
        print(f"warning: {path} is {size / 2**20:.1f} MiB, over the {CHECKPOINT_LIMIT_BYTES / 2**20:.0f} MiB "
              "a committed checkpoint may take; set checkpoint_half: true in the config", file=sys.stderr)
    return size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True, type=Path, help="YAML experiment config")
    ap.add_argument("--device", default=None, help="override: cpu or cuda (default: cuda when present)")
    ap.add_argument("--resume", action="store_true",
                    help="continue the config's interrupted run from its last.pt (same log, same figures)")
    ap.add_argument("--stop-after-epoch", type=int, default=None, metavar="N",
                    help="stop once epoch N is done (last.pt kept: --resume goes on from there)")
    ap.add_argument("--runs", type=Path, default=RUNS, help="where the logs (<config name>/<run>.json) go")
    ap.add_argument("--checkpoints", type=Path, default=CHECKPOINTS,
                    help="where <config name>/last.pt and best.pt go (committed: a run outlives its machine)")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    name = args.config.stem
    seed_everything(cfg["seed"])
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cpu":
        torch.set_num_threads(cfg.get("threads") or os.cpu_count() or 1)
    torch.backends.cudnn.benchmark = device.type == "cuda"
    channels_last = bool(cfg.get("channels_last", False))

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
    gen = torch.Generator().manual_seed(cfg["seed"])          # shuffling and augmentation
    augment = D.BatchAugment(cfg.get("augment", {}), gen)
    batch_size = dcfg["batch_size"]

    model = build_model(cfg["model"]).to(device)
    params, macs = check_budget(model, size, enforce=cfg.get("budget", True))
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    ocfg, lcfg = cfg["optim"], cfg.get("loss", {})
    optimizer = build_optimizer(model, ocfg)
    steps_per_epoch = len(tr_y) // batch_size
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
    teacher_id = teacher_identity(Path(dist["teacher"])) if dist.get("teacher") else None
    teacher = load_teacher(dist, device) if dist.get("teacher") else None
    if teacher is not None and channels_last:
        teacher = teacher.to(memory_format=torch.channels_last)

    out, ckpt_dir = args.runs / name, args.checkpoints / name
    out.mkdir(parents=True, exist_ok=True)
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    halve = bool(cfg.get("checkpoint_half", False))
    first_epoch, best = 1, -1.0
    resuming = args.resume and (ckpt_dir / "last.pt").exists()
    starts = None if resuming else start_identities(cfg, teacher_id)   # a resumed run has last.pt's weights
    restart = None   # a run that stopped before its first epoch ended: started again under its own id
    if args.resume and not resuming:
        logs = config_logs(out, cfg)
        finished = [(path, log) for path, log in logs if is_finished(log, cfg)]
        done = next((path for path, log in finished if same_start(log, starts)), None)
        if logs and not is_finished(logs[-1][1], cfg):
            # The newest run has no last.pt (as when a fresh retraining is interrupted at
            # once): an older finished run is not what was asked for.
            newest, epochs = logs[-1][0].stem, len(logs[-1][1].get("epochs") or [])
            done, restart = None, newest if epochs == 0 else None
            why = (f" (the newest run {newest} stopped before its first epoch ended)" if epochs == 0 else
                   f" (the newest run {newest} stopped after epoch {epochs} and its last.pt is gone)")
        elif done is None and finished:
            why = f" (the finished run {finished[0][0].stem} started from other weights)"
        else:
            why = ""
        if done is not None:
            print(f"{name}: finished (log {done}; its checkpoints were removed); nothing to do")
            return 0
        print(f"--resume: no {ckpt_dir / 'last.pt'}; starting {name} from epoch 1{why}")
    if resuming:
        state = torch.load(ckpt_dir / "last.pt", map_location="cpu")
        if state["config"] != cfg:
            raise SystemExit(f"{ckpt_dir / 'last.pt'}: saved with a different config; not resuming")
        if state["epoch"] >= cfg["epochs"]:
            print(f"{name}/{state['log']['run']} already finished ({state['epoch']} epochs); nothing to do")
            return 0
        started_with = state["log"].get("distill_teacher")
        if started_with and teacher_id and started_with["sha256"] != teacher_id["sha256"]:
            raise SystemExit(f"{dist['teacher']}: not the teacher this run started with (run {started_with['run']} "
                             f"epoch {started_with['epoch']}; now run {teacher_id['run']} epoch {teacher_id['epoch']}); "
                             "not resuming")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        scaler.load_state_dict(state["scaler"])
        restore_rng(state["rng"], gen, mix_rng)
        first_epoch, best, log = state["epoch"] + 1, state["best_score"], state["log"]
        log.setdefault("resumed", []).append({"at_epoch": first_epoch, "git_commit": git_commit(),
                                              "time": time.strftime("%Y%m%d-%H%M%S")})
        print(f"resuming {name}/{log['run']} at epoch {first_epoch}")
    else:
        if cfg.get("init_from"):
            if starts["init_from"] is None:
                raise SystemExit(f"init_from {cfg['init_from']}: no such checkpoint (a pruned.pt is written by "
                                 "python -m Models.training.prune; a best.pt by its own run)")
            load_initial_weights(model, Path(cfg["init_from"]))
            print(f"initial weights from {cfg['init_from']}")
        started = run = restart or time.strftime("%Y%m%d-%H%M%S")
        n = 1
        while restart is None and (out / f"{run}.json").exists():   # a second run started in the same second keeps the first's log
            n += 1
            run = f"{started}-{n}"
        log = {"run": run, "config_name": name, "config": cfg, "git_commit": git_commit(),
               "env": {"python": platform.python_version(), "torch": torch.__version__, "device": str(device),
                       "gpu": torch.cuda.get_device_name() if device.type == "cuda" else None,
                       "threads": torch.get_num_threads(), "host_cpus": os.cpu_count()},
               "data": {"train": len(tr_y), "val": len(va_y), "classes": list(D.CLASSES)},
               "model": {"params": params, "macs": macs, "input_size": size}, "distill_teacher": teacher_id,
               "init_from": starts["init_from"],
               "epochs": [], "best": None, "total_s": 0.0}
    log_path = out / f"{log['run']}.json"
    if not log["epochs"]:   # a fresh start: its log says so at once (--resume must not skip it for an older finished run)
        write_text_atomically(json.dumps(log, indent=1) + "\n", log_path)
    print(f"run {name}/{log['run']}: {len(tr_y)} train, {len(va_y)} PublicTest, device {device}, "
          f"{torch.get_num_threads()} threads", flush=True)

    for epoch in range(first_epoch, cfg["epochs"] + 1):
        model.train()
        t0, seen, loss_sum = time.time(), 0, 0.0
        for x, y in D.batches(tr_x, tr_y, batch_size, gen, drop_last=True):
            x, y = prepare(augment(x), size, device, channels_last), y.to(device, non_blocking=True)
            use_mix = mix.get("alpha", 0) > 0 and mix_rng.random() < mix.get("prob", 1.0)
            y_b, lam = y, 1.0
            if use_mix:
                x, y, y_b, lam = mixup(x, y, mix["alpha"], mix_rng)
            with autocast_for(device, cfg):
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
        metrics = evaluate(model, va_x, va_y, size, device, channels_last, dcfg.get("eval_batch_size", 512))
        row = {"epoch": epoch, "lr": optimizer.param_groups[0]["lr"], "train_loss": round(loss_sum / seen, 5),
               "val_acc": round(metrics["acc"], 5), "val_acc_tta": round(metrics["acc_tta"], 5),
               "per_class_acc_tta": metrics["per_class_acc_tta"], "train_s": round(train_s, 1),
               "epoch_s": round(time.time() - t0, 1)}
        log["epochs"].append(row)
        score = metrics["acc_tta"] if cfg.get("select_on_tta", True) else metrics["acc"]
        if score > best:
            best = score
            log["best"] = {"epoch": epoch, "val_acc": row["val_acc"], "val_acc_tta": row["val_acc_tta"]}
            save_atomically({"model": half(model.state_dict()) if halve else model.state_dict(),
                             "config": cfg, "epoch": epoch,
                             "classes": list(D.CLASSES), "val_acc": row["val_acc"],
                             "val_acc_tta": row["val_acc_tta"], "run": log["run"]}, ckpt_dir / "best.pt")
        log["total_s"] = round(log["total_s"] + row["epoch_s"], 1)
        write_text_atomically(json.dumps(log, indent=1) + "\n", log_path)   # every epoch: a killed run keeps its log
        # Everything to continue exactly here (--resume); written after the log, replaced atomically.
        weights, optim_state = model.state_dict(), optimizer.state_dict()
        if halve:
            weights, optim_state = half_checkpoint(weights, optim_state)
        save_atomically({"model": weights, "optimizer": optim_state,
                         "scheduler": scheduler.state_dict(), "scaler": scaler.state_dict(),
                         "rng": rng_state(gen, mix_rng), "epoch": epoch, "best_score": best, "log": log,
                         "config": cfg}, ckpt_dir / "last.pt")
        print(f"epoch {epoch}/{cfg['epochs']}: loss {row['train_loss']:.4f}  PublicTest {row['val_acc']:.4f}  "
              f"flip-TTA {row['val_acc_tta']:.4f}  lr {row['lr']:.2e}  {row['epoch_s']:.0f}s", flush=True)
        if args.stop_after_epoch is not None and epoch >= args.stop_after_epoch and epoch < cfg["epochs"]:
            print(f"stopped after epoch {epoch} (--stop-after-epoch); continue with --resume")
            return 0
    print(f"best epoch {log['best']['epoch']}: PublicTest {log['best']['val_acc']:.4f}, "
          f"flip-TTA {log['best']['val_acc_tta']:.4f}; log {log_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
