"""L2-norm filter pruning of a trained ExpressionNet down to a fraction of its
multiply-adds, for fine-tuning with ``train.py``.

    /usr/bin/python3 -m Models.training.prune --checkpoint Models/training/checkpoints/ds-long/best.pt \\
        --macs 0.75 --out Models/training/checkpoints/ds-p75

(run from the repository root). Writes ``OUT/pruned.pt``: the pruned weights
and the checkpoint's config with ``model.inner_widths`` set to the pruned
shape; a config with the same ``model.inner_widths`` and
``init_from: OUT/pruned.pt`` fine-tunes it (``configs/ds-p75.yaml``).

What is pruned: in every residual block, the channels *inside* the block,
between its first and its last convolution (``ds``: the output of the first
pointwise conv, so also the depthwise conv and BatchNorms that follow it and
the input of the last pointwise conv; ``dense`` and ``cbam``: the output of
the first 3x3 conv, its BatchNorm and the input of the second). A block's
output width stays: it is added to the shortcut, and every block of a stage
(and its SE or CBAM gate) shares it, so pruning it would need one ranking
across the stage. Li et al. (2017, "Pruning filters for efficient ConvNets")
prune ResNets the same way, the first layer of each residual block only. The
stem, shortcuts, gates and classifier are kept whole: with one inner channel
per block ds-long would still do 17.4M of its 85.4M multiply-adds, so about
20% of the MACs is the floor there.

Which channels: in each block, those whose producing filters (the first
conv's weight rows, ``[C_inner, C_in*kh*kw]``) have the largest L2 norm; the
kept ones stay in their original order. How many: one keep fraction ``k``
for every block (a block of ``n`` inner channels keeps ``round(k*n)``, at
least 1), the largest ``k`` whose network is at or under the target MAC
fraction by ``count_params_macs``, found by bisection.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from torch import nn

from .model import DSBlock, ExpressionNet, ResBlock, build_model, count_params_macs
from .train import float32_weights

#: Per block kind, the positions in ``block.body`` of the conv_bn_act that
#: produces the inner channels, those that carry them channel by channel
#: (depthwise), and the conv that consumes them.
INNER = {DSBlock: (1, (2,), 3), ResBlock: (0, (), 1)}


def inner_layers(block: nn.Module) -> tuple[int, tuple[int, ...], int]:
    for kind, layers in INNER.items():
        if isinstance(block, kind):
            return layers
    raise TypeError(f"prune: no inner channels known for {type(block).__name__}")


def block_widths(model_cfg: dict) -> list[int]:
    """The inner width of every block, in order (``inner_widths``, else each block's own width)."""
    widths = [w for w, d in zip(model_cfg["widths"], model_cfg["depths"]) for _ in range(d)]
    return list(model_cfg.get("inner_widths") or widths)


def plan(model_cfg: dict, keep: float) -> list[int]:
    """Inner widths after keeping the fraction ``keep`` of every block's."""
    return [max(1, round(keep * n)) for n in block_widths(model_cfg)]


def macs_of(model_cfg: dict, input_size: int) -> int:
    return count_params_macs(build_model(model_cfg), input_size)[1]


def keep_fraction(model_cfg: dict, input_size: int, target: float, steps: int = 20) -> tuple[float, list[int]]:
    """The largest keep fraction (to 2**-steps) whose network has at most
    ``target`` times the MACs of ``model_cfg``'s, and its inner widths.
    ``ValueError`` when even one channel per block is over the target."""
    full = macs_of(model_cfg, input_size)
    goal = target * full
    seen: dict[tuple[int, ...], int] = {}

    def macs(keep: float) -> tuple[int, list[int]]:
        widths = plan(model_cfg, keep)
        if tuple(widths) not in seen:
            seen[tuple(widths)] = macs_of(dict(model_cfg, inner_widths=widths), input_size)
        return seen[tuple(widths)], widths

    if macs(1.0)[0] <= goal:
        return 1.0, plan(model_cfg, 1.0)
    if macs(0.0)[0] > goal:
        raise ValueError(f"prune: {target:.0%} of {full:,} MACs is under what the blocks' outer convolutions, "
                         f"stem and classifier alone take ({macs(0.0)[0]:,} with one inner channel per block)")
    lo, hi = 0.0, 1.0                          # macs(lo) <= goal < macs(hi)
    for _ in range(steps):
        mid = (lo + hi) / 2
        if macs(mid)[0] <= goal:
            lo = mid
        else:
            hi = mid
    return lo, plan(model_cfg, lo)


def filter_norms(conv: nn.Conv2d) -> torch.Tensor:
    """L2 norm of each output filter: ``[C_out, C_in/groups, kh, kw] -> [C_out]``."""
    return conv.weight.detach().flatten(1).norm(dim=1)


def kept_channels(block: nn.Module, n: int) -> torch.Tensor:
    """Indices of the ``n`` inner channels of ``block`` with the largest filter
    norms, in ascending order."""
    producer, _, _ = inner_layers(block)
    norms = filter_norms(block.body[producer][0])
    return norms.topk(n).indices.sort().values


def prune(model: ExpressionNet, model_cfg: dict, inner_widths: list[int]) -> tuple[ExpressionNet, dict]:
    """A network of ``model_cfg``'s shape with ``inner_widths`` inside its
    blocks and ``model``'s weights at the kept channels; and its model config.

    Per block, with ``idx`` the kept channels: every tensor of the producer
    conv_bn_act and of the depthwise ones after it (conv weight
    ``[C_inner, ...]``, BatchNorm weight, bias, running mean and variance
    ``[C_inner]``) keeps its rows ``idx``; the consumer conv's weight
    ``[C_out, C_inner, kh, kw]`` keeps its columns ``idx``. Everything else is
    copied as it is."""
    cfg = dict(model_cfg, inner_widths=list(inner_widths))
    pruned = build_model(cfg)
    state = model.state_dict()
    for b, (block, n) in enumerate(zip(model.blocks, inner_widths)):
        producer, depthwise, consumer = inner_layers(block)
        idx = kept_channels(block, n)
        for layer in (producer, *depthwise):
            prefix = f"blocks.{b}.body.{layer}."
            for key in [k for k in state if k.startswith(prefix) and not k.endswith("num_batches_tracked")]:
                state[key] = state[key][idx].clone()
        key = f"blocks.{b}.body.{consumer}.0.weight"
        state[key] = state[key][:, idx].clone()
    pruned.load_state_dict(state)
    return pruned, cfg


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", type=Path, required=True, help="best.pt of a train.py run")
    ap.add_argument("--macs", type=float, required=True, help="target fraction of the network's multiply-adds, e.g. 0.75")
    ap.add_argument("--out", type=Path, required=True, help="folder for pruned.pt")
    args = ap.parse_args(argv)
    if not 0 < args.macs <= 1:
        raise SystemExit(f"--macs {args.macs}: a fraction in (0, 1]")
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    cfg = ckpt["config"]
    size = cfg["model"].get("input_size", 48)
    model = build_model(cfg["model"])
    model.load_state_dict(float32_weights(ckpt["model"]))
    params, macs = count_params_macs(model, size)
    try:
        keep, widths = keep_fraction(cfg["model"], size, args.macs)
    except (ValueError, TypeError) as e:
        raise SystemExit(f"{args.checkpoint}: {e}") from None
    pruned, model_cfg = prune(model.eval(), cfg["model"], widths)
    p_params, p_macs = count_params_macs(pruned, size)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / "pruned.pt"
    torch.save({"model": pruned.state_dict(), "config": dict(cfg, model=model_cfg),
                "pruned_from": str(args.checkpoint), "source_epoch": ckpt.get("epoch"),
                "source_val_acc_tta": ckpt.get("val_acc_tta"), "classes": ckpt.get("classes"),
                "keep_fraction": keep, "params": p_params, "macs": p_macs}, out)
    print(f"{args.checkpoint}: {params:,} parameters, {macs:,} multiply-adds")
    print(f"{out}: {p_params:,} parameters, {p_macs:,} multiply-adds ({p_macs / macs:.1%} of the MACs; "
          f"every block keeps {keep:.3f} of its inner channels)")
    print(f"fine-tune with a config that has\n  init_from: {out}\n  model: {{inner_widths: {widths}}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
