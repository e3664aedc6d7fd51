"""Seconds per training step of a config's network: 128 random 48x48 faces,
forward, loss, backward and a Nesterov SGD step, channels-last, 2 threads,
in bfloat16 autocast and in float32, 3 warm-up steps then the mean of 10.

    /usr/bin/python3 -m Models.training.bench_step Models/training/configs/ds-long.yaml [more configs]

Pause the background trainer first (``background.sh pause``). The "What is
left, in CPU time" figures of Models/training/README.md come from it; run it
again with ``ATEN_CPU_CAPABILITY=avx512`` set to compare PyTorch's AVX-512 kernels.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import torch

from .config import load_config
from .model import build_model


def seconds_per_step(config: Path, precision: str, steps: int = 10, warmup: int = 3) -> float:
    """Mean seconds of one training step of ``config``'s network in ``precision`` (bf16 or fp32)."""
    torch.manual_seed(0)
    model = build_model(load_config(config)["model"]).to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    x = torch.randn(128, 1, 48, 48).to(memory_format=torch.channels_last)
    y = torch.randint(0, 7, (128,))

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
            loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def main(argv=None) -> int:
    configs = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    if not configs:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    torch.set_num_threads(2)
    capability = os.environ.get("ATEN_CPU_CAPABILITY", "default")
    for config in configs:
        for precision in ("bf16", "fp32"):
            print(f"{config.stem:12} {precision}  ATen {capability:8} {seconds_per_step(config, precision):.3f} s a step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
