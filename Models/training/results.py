"""Prints the results table of every logged run (``runs/*/*.json``) as Markdown,
for Models/training/README.md:

    /usr/bin/python3 -m Models.training.results
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

RUNS = Path(__file__).resolve().parent / "runs"


def row(log: dict) -> str:
    epochs = log["epochs"]
    best = log.get("best") or {}
    planned = log["config"]["epochs"]
    done = len(epochs)
    env = log["env"]
    device = env["gpu"] if env.get("gpu") else f"CPU, {env['threads']} threads"
    precision = log["config"].get("precision", "fp32") if env["device"] == "cpu" else "amp"
    status = f"{done}" if done == planned else f"{done} of {planned} (unfinished)"
    subset = log["config"]["data"].get("train_subset")
    if subset:
        status += f" on {log['data']['train']:,} images"
    minutes = log.get("total_s", 0) / 60
    return (f"| `{log['config_name']}` | {log['run']} | {device}, {precision} | {log['model']['params']:,} | "
            f"{log['model']['macs'] / 1e6:.1f}M | {status} | {best.get('epoch', '-')} | "
            f"{best.get('val_acc', float('nan')) * 100:.2f}% | {best.get('val_acc_tta', float('nan')) * 100:.2f}% | "
            f"{minutes:.0f} min |")


def main() -> int:
    print("| config | run | device | params | MACs | epochs | best epoch | PublicTest | PublicTest, flip TTA | time |")
    print("| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for path in sorted(RUNS.glob("*/*.json"), key=lambda p: p.stem):
        print(row(json.loads(path.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
