"""A small residual CNN for 48x48 (or 64x64) gray faces: depthwise-separable
(``ds``) or dense (``dense``) residual blocks with squeeze-excitation, or
ResNet basic blocks with CBAM (``cbam``, the distillation teacher); and an
analytic count of its parameters and multiply-adds.

Shapes for the default widths (32, 64, 128, 256) at 48x48:
  stem   conv3x3 s1 1->32          [N,1,48,48]  -> [N,32,48,48]
  stage1 blocks, first stride 2    [N,32,48,48] -> [N,64,24,24]
  stage2                           -> [N,128,12,12]
  stage3                           -> [N,256,6,6]
  head   global avg pool, dropout, linear 256->7
"""
from __future__ import annotations

import torch
from torch import nn

#: The issue's budget for one face.
MAX_PARAMS = 1_200_000
MAX_MACS = 100_000_000


def conv_bn_act(cin: int, cout: int, k: int = 1, stride: int = 1, groups: int = 1, act: bool = True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class SqueezeExcite(nn.Module):
    """Channel gating: global average -> fc (reduce) -> ReLU -> fc -> sigmoid."""

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        hidden = max(8, channels // reduction)
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)                    # [N,C,H,W] -> [N,C,1,1]
        s = torch.sigmoid(self.fc2(torch.relu(self.fc1(s))))
        return x * s


class CBAM(nn.Module):
    """Convolutional Block Attention Module (Woo et al. 2018): a channel gate,
    then a spatial gate, each multiplied into the features.

    Channel attention: the average- and the max-pooled descriptor of each
    channel go through one shared MLP (1x1 convs C -> C/r -> C, ReLU between;
    r = 16, at least 8 hidden units like ``SqueezeExcite``); the two outputs are
    summed and squashed: ``x * sigmoid(mlp(avg(x)) + mlp(max(x)))``.
    Spatial attention: the channel-wise mean and max maps of that result,
    stacked as 2 channels, go through one 7x7 conv (2 -> 1, padding 3, no bias,
    as in the paper's formula) and a sigmoid, multiplied into every channel.
    """

    def __init__(self, channels: int, reduction: int = 16, kernel: int = 7):
        super().__init__()
        hidden = max(8, channels // reduction)
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)
        self.spatial = nn.Conv2d(2, 1, kernel, padding=kernel // 2, bias=False)

    def forward(self, x):
        # Both descriptors side by side through the shared MLP in one call:
        # [N,C,1,1] avg, [N,C,1,1] max -> [N,C,1,2] -> [N,hidden,1,2] -> [N,C,1,2]
        d = torch.cat([x.mean((2, 3), keepdim=True), x.amax((2, 3), keepdim=True)], 3)
        d = self.fc2(torch.relu(self.fc1(d)))
        x = x * torch.sigmoid(d.sum(3, keepdim=True))                     # [N,C,1,1] gate
        s = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)  # [N,C,H,W] -> [N,2,H,W]
        return x * torch.sigmoid(self.spatial(s))                         # [N,1,H,W] gate


class Residual(nn.Module):
    """A residual block around ``body``: body -> [SE] -> [CBAM] -> + shortcut ->
    ReLU. The shortcut is identity, or a strided 1x1 conv + BN when the shape
    changes. An attention that is off is an ``nn.Identity`` (no state-dict
    entries, so the names of networks without CBAM did not change when it came)."""

    def __init__(self, body: nn.Module, cin: int, cout: int, stride: int, se: bool, cbam: bool = False):
        super().__init__()
        self.body = body
        self.se = SqueezeExcite(cout) if se else nn.Identity()
        self.cbam = CBAM(cout) if cbam else nn.Identity()
        self.shortcut = (nn.Identity() if stride == 1 and cin == cout
                         else conv_bn_act(cin, cout, 1, stride, act=False))
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.cbam(self.se(self.body(x))) + self.shortcut(x))


class DSBlock(Residual):
    """Residual block of two depthwise-separable convolutions (Xception-like):
    dw3x3(stride) -> pw -> ReLU -> dw3x3 -> pw -> [SE] -> + shortcut -> ReLU.
    ``inner`` is the width between the two pointwise convs (``cout`` unless
    pruned: cin -> inner -> dw inner -> inner -> cout).
    """

    def __init__(self, cin: int, cout: int, stride: int, se: bool, inner: int | None = None):
        inner = inner or cout
        super().__init__(nn.Sequential(
            conv_bn_act(cin, cin, 3, stride, groups=cin, act=False),
            conv_bn_act(cin, inner, 1),
            conv_bn_act(inner, inner, 3, 1, groups=inner, act=False),
            conv_bn_act(inner, cout, 1, act=False),
        ), cin, cout, stride, se)


class ResBlock(Residual):
    """Residual block of two dense 3x3 convolutions (ResNet "basic" block):
    conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN -> [SE] -> + shortcut -> ReLU.
    At equal size a network of these trained about twice as fast on this
    project's CPU as one of ``DSBlock`` (718 against 380 images/s in bfloat16):
    oneDNN gets far less out of a depthwise multiply-add. ``inner`` is the
    width between the two convs (``cout`` unless pruned).
    """

    def __init__(self, cin: int, cout: int, stride: int, se: bool, inner: int | None = None, cbam: bool = False):
        inner = inner or cout
        super().__init__(nn.Sequential(conv_bn_act(cin, inner, 3, stride), conv_bn_act(inner, cout, 3, act=False)),
                         cin, cout, stride, se, cbam)


class CBAMBlock(ResBlock):
    """ResNet basic block with CBAM in place of squeeze-excitation (Woo et al.
    2018 put it where SE goes: on the residual branch, before the add):
    conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN -> CBAM -> + shortcut -> ReLU.
    ``se`` is not used: the block has CBAM's channel gate instead."""

    def __init__(self, cin: int, cout: int, stride: int, se: bool, inner: int | None = None):
        super().__init__(cin, cout, stride, False, inner, cbam=True)


#: ``model.block`` -> block class.
BLOCKS = {"ds": DSBlock, "dense": ResBlock, "cbam": CBAMBlock}


class ExpressionNet(nn.Module):
    """The classifier: stem, stages of residual blocks (``DSBlock``, ``ResBlock``
    or ``CBAMBlock``; each stage's first block has the stage's stride, 2 unless
    ``strides`` says), global average pooling, dropout, linear to 7 classes in
    Mien's order. The ``ds`` stem is conv3x3 + depthwise-separable conv; the
    ``dense`` and ``cbam`` stems are a single conv3x3 at full resolution.

    ``cbam`` with widths (32, 64, 128, 256), depths (2, 2, 2, 2) and strides
    (1, 2, 2, 2) is ResNet-18 at half width, except for its stem: ResNet-18's
    7x7 stride-2 conv and 3x3 stride-2 max pool would take a 48x48 face to
    12x12 before the first block and to 2x2 at the last stage, so the stem is
    a stride-1 conv3x3 and the stages run at 48, 24, 12 and 6 pixels.

    ``inner_widths`` (one per block, in order; ``None``: each block's own
    width) narrows the channels inside each block, between its first and last
    convolution: what ``prune.py`` removes.

    Input is ``[N,1,S,S]`` in [0,1]; it is centred inside the model so the
    exported network takes the same [0,1] pixels Mien feeds it.
    """

    def __init__(self, stem: int = 32, widths=(64, 128, 256), depths=(2, 2, 2), strides=None,
                 se: bool = True, dropout: float = 0.2, num_classes: int = 7, block: str = "ds",
                 inner_widths=None):
        super().__init__()
        if block not in BLOCKS:
            raise ValueError(f"model.block: unknown block {block!r} ({', '.join(BLOCKS)})")
        if block == "ds":
            self.stem = nn.Sequential(conv_bn_act(1, stem, 3), conv_bn_act(stem, stem, 3, groups=stem, act=False),
                                      conv_bn_act(stem, stem, 1))
        else:
            self.stem = conv_bn_act(1, stem, 3)
        blocks, cin = [], stem
        strides = tuple(strides) if strides is not None else (2,) * len(widths)
        if not len(widths) == len(depths) == len(strides):
            raise ValueError(f"model: widths, depths and strides differ in length ({widths}, {depths}, {strides})")
        inner = list(inner_widths) if inner_widths is not None else [None] * sum(depths)
        if len(inner) != sum(depths):
            raise ValueError(f"model.inner_widths: {len(inner)} widths for {sum(depths)} blocks (depths {depths})")
        for width, depth, stride in zip(widths, depths, strides):
            for i in range(depth):
                blocks.append(BLOCKS[block](cin, width, stride if i == 0 else 1, se, inner[len(blocks)]))
                cin = width
        self.blocks = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x):
        x = (x - 0.5) / 0.25
        x = self.blocks(self.stem(x))
        x = x.mean((2, 3))                                  # [N,C,h,w] -> [N,C]
        return self.fc(self.dropout(x))


def build_model(cfg: dict) -> ExpressionNet:
    """The model from the ``model`` config section (keys as ``ExpressionNet``'s arguments)."""
    return ExpressionNet(stem=cfg.get("stem", 32), widths=tuple(cfg.get("widths", (64, 128, 256))),
                         depths=tuple(cfg.get("depths", (2, 2, 2))),
                         strides=cfg.get("strides"), se=cfg.get("se", True),
                         dropout=cfg.get("dropout", 0.2), block=cfg.get("block", "ds"),
                         inner_widths=cfg.get("inner_widths"))


def count_params_macs(model: nn.Module, input_size: int) -> tuple[int, int]:
    """Parameters and multiply-adds for one ``[1,1,S,S]`` face.

    MACs are counted analytically from each Conv2d's and Linear's output shape
    seen by forward hooks, once per call: conv = H_out*W_out*C_out*(C_in/groups)*kh*kw,
    linear = in*out. That includes the gates' convolutions: SE's two 1x1 convs
    on its 1x1 descriptor; CBAM's shared MLP on its average and max descriptors
    (one call on both side by side, so counted for both: 2 * 2*C*hidden) and
    its 7x7 spatial conv (H*W*2*49). BatchNorm (folded at export),
    activations, sigmoids, pooling (global and CBAM's channel-wise mean and
    max), the gate multiplies and the residual adds are not counted (they are
    element-wise or reductions).
    """
    macs = 0

    def hook(module, inputs, output):
        nonlocal macs
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            macs += output[0].numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Linear):
            macs += module.in_features * module.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, 1, input_size, input_size, device=next(model.parameters()).device))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    params = sum(p.numel() for p in model.parameters())
    return params, macs


def check_budget(model: nn.Module, input_size: int, enforce: bool = True) -> tuple[int, int]:
    """Print parameters and MACs and assert the issue's budget (unless
    ``enforce`` is off: a distillation teacher); returns both."""
    params, macs = count_params_macs(model, input_size)
    print(f"model: {params:,} parameters, {macs:,} multiply-adds per {input_size}x{input_size} face "
          f"(budget {MAX_PARAMS:,} / {MAX_MACS:,}{'' if enforce else ', not enforced: a teacher'})")
    if not enforce:
        return params, macs
    assert params <= MAX_PARAMS, f"{params:,} parameters > budget {MAX_PARAMS:,}"
    assert macs <= MAX_MACS, f"{macs:,} multiply-adds > budget {MAX_MACS:,}"
    return params, macs


#: teacher.yaml's network: ResNet-18 at half width with CBAM, stride-1 stem (over the budget on purpose).
RESNET18_CBAM = {"block": "cbam", "stem": 32, "widths": [32, 64, 128, 256], "depths": [2, 2, 2, 2],
                 "strides": [1, 2, 2, 2]}

if __name__ == "__main__":
    for size, cfg in [(48, {}), (48, {"stem": 32, "widths": [64, 128, 256, 512], "depths": [1, 2, 2, 1]}),
                      (64, {}), (48, {"stem": 48, "widths": [96, 192, 384], "depths": [2, 3, 2]}),
                      (48, RESNET18_CBAM)]:
        print(size, cfg)
        try:
            check_budget(build_model(cfg), size)
        except AssertionError as e:
            print("  over budget:", e)
