"""Prints the results table of every logged run (``runs/*/*.json``) as Markdown,
for Models/training/README.md, then the ablation table: each finished run of
``configs/ablations/`` against ``short`` (the shipped recipe at 20 epochs).

    /usr/bin/python3 -m Models.training.results
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

RUNS = Path(__file__).resolve().parent / "runs"


def run_log_of(checkpoint: Path, ckpt: dict, runs: Path = RUNS) -> dict:
    """The log of the run that wrote ``ckpt`` (its commit and config name), found
    by the run's id: in ``runs/<config>/`` since checkpoints live in
    ``checkpoints/<config>/``, beside the checkpoint in older runs; ``{}`` when
    there is none (a copied checkpoint, say)."""
    run_id = ckpt.get("run")
    if not run_id:
        return {}
    logs = sorted(runs.glob(f"*/{run_id}.json")) + sorted(checkpoint.parent.glob(f"{run_id}.json"))
    return json.loads(logs[-1].read_text()) if logs else {}


def finished(log: dict) -> bool:
    """Whether the run did every epoch its config planned."""
    return len(log["epochs"]) == log["config"]["epochs"]


def row(log: dict) -> str:
    epochs = log["epochs"]
    best = log.get("best") or {}
    planned = log["config"]["epochs"]
    done = len(epochs)
    env = log["env"]
    device = env["gpu"] if env.get("gpu") else f"CPU, {env['threads']} threads"
    precision = log["config"].get("precision", "fp32") if env["device"] == "cpu" else "amp"
    status = f"{done}" if finished(log) else f"{done} of {planned} (unfinished)"
    subset = log["config"]["data"].get("train_subset")
    if subset:
        status += f" on {log['data']['train']:,} images"
    minutes = log.get("total_s", 0) / 60
    return (f"| `{log['config_name']}` | {log['run']} | {device}, {precision} | {log['model']['params']:,} | "
            f"{log['model']['macs'] / 1e6:.1f}M | {status} | {best.get('epoch', '-')} | "
            f"{best.get('val_acc', float('nan')) * 100:.2f}% | {best.get('val_acc_tta', float('nan')) * 100:.2f}% | "
            f"{minutes:.0f} min |")


def ablation_rows(logs: list[dict]) -> list[str]:
    """One row per finished ablation run (config name ``short*``): best
    PublicTest accuracy, plain and with flip TTA, and the change against
    ``short``'s newest finished run in points."""
    done = [log for log in logs if log["config_name"].startswith("short")
            and finished(log) and log.get("best")]
    refs = [log for log in done if log["config_name"] == "short"]
    if not refs:
        return []
    ref = refs[-1]["best"]
    rows = []
    for log in done:
        best = log["best"]
        rows.append(f"| `{log['config_name']}` | {log['model']['params']:,} | {log['model']['macs'] / 1e6:.1f}M | "
                    f"{best['val_acc'] * 100:.2f}% | {(best['val_acc'] - ref['val_acc']) * 100:+.2f} | "
                    f"{best['val_acc_tta'] * 100:.2f}% | {(best['val_acc_tta'] - ref['val_acc_tta']) * 100:+.2f} |")
    return rows


def main() -> int:
    print("| config | run | device | params | MACs | epochs | best epoch | PublicTest | PublicTest, flip TTA | time |")
    print("| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    logs = [json.loads(path.read_text()) for path in sorted(RUNS.glob("*/*.json"), key=lambda p: p.stem)]
    for log in logs:
        print(row(log))
    ablations = ablation_rows(logs)
    if ablations:
        print()
        print("| ablation | params | MACs | PublicTest | change | flip TTA | change |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        print("\n".join(ablations))
    return 0


if __name__ == "__main__":
    sys.exit(main())
