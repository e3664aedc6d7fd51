"""A small residual depthwise-separable CNN with squeeze-excitation for 48x48
(or 64x64) gray faces, and an analytic count of its parameters and
multiply-adds.

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


class Residual(nn.Module):
    """A residual block around ``body``: body -> [SE] -> + shortcut -> ReLU. The
    shortcut is identity, or a strided 1x1 conv + BN when the shape changes."""

    def __init__(self, body: nn.Module, cin: int, cout: int, stride: int, se: bool):
        super().__init__()
        self.body = body
        self.se = SqueezeExcite(cout) if se else nn.Identity()
        self.shortcut = (nn.Identity() if stride == 1 and cin == cout
                         else conv_bn_act(cin, cout, 1, stride, act=False))
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.se(self.body(x)) + self.shortcut(x))


class DSBlock(Residual):
    """Residual block of two depthwise-separable convolutions (Xception-like):
    dw3x3(stride) -> pw -> ReLU -> dw3x3 -> pw -> [SE] -> + shortcut -> ReLU.
    """

    def __init__(self, cin: int, cout: int, stride: int, se: bool):
        super().__init__(nn.Sequential(
            conv_bn_act(cin, cin, 3, stride, groups=cin, act=False),
            conv_bn_act(cin, cout, 1),
            conv_bn_act(cout, cout, 3, 1, groups=cout, act=False),
            conv_bn_act(cout, cout, 1, act=False),
        ), cin, cout, stride, se)


class ResBlock(Residual):
    """Residual block of two dense 3x3 convolutions (ResNet "basic" block):
    conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN -> [SE] -> + shortcut -> ReLU.
    At equal size a network of these trained about twice as fast on this
    project's CPU as one of ``DSBlock`` (718 against 380 images/s in bfloat16):
    oneDNN gets far less out of a depthwise multiply-add.
    """

    def __init__(self, cin: int, cout: int, stride: int, se: bool):
        super().__init__(nn.Sequential(conv_bn_act(cin, cout, 3, stride), conv_bn_act(cout, cout, 3, act=False)),
                         cin, cout, stride, se)


#: ``model.block`` -> block class.
BLOCKS = {"ds": DSBlock, "dense": ResBlock}


class ExpressionNet(nn.Module):
    """The classifier: stem, stages of residual blocks (``DSBlock`` or ``ResBlock``;
    each stage's first block has the stage's stride, 2 unless ``strides`` says), global average pooling, dropout, linear to 7
    classes in Mien's order. The ``ds`` stem is conv3x3 + depthwise-separable
    conv; the ``dense`` stem is a single conv3x3.

    Input is ``[N,1,S,S]`` in [0,1]; it is centred inside the model so the
    exported network takes the same [0,1] pixels Mien feeds it.
    """

    def __init__(self, stem: int = 32, widths=(64, 128, 256), depths=(2, 2, 2), strides=None,
                 se: bool = True, dropout: float = 0.2, num_classes: int = 7, block: str = "ds"):
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
        for width, depth, stride in zip(widths, depths, strides):
            for i in range(depth):
                blocks.append(BLOCKS[block](cin, width, stride if i == 0 else 1, se))
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
                         dropout=cfg.get("dropout", 0.2), block=cfg.get("block", "ds"))


def count_params_macs(model: nn.Module, input_size: int) -> tuple[int, int]:
    """Parameters and multiply-adds for one ``[1,1,S,S]`` face.

    MACs are counted analytically from each Conv2d's and Linear's output shape
    seen by forward hooks: conv = H_out*W_out*C_out*(C_in/groups)*kh*kw,
    linear = in*out. BatchNorm (folded at export), activations, pooling, the SE
    multiply and the residual adds are not counted (they are element-wise).
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


if __name__ == "__main__":
    for size, cfg in [(48, {}), (48, {"stem": 32, "widths": [64, 128, 256, 512], "depths": [1, 2, 2, 1]}),
                      (64, {}), (48, {"stem": 48, "widths": [96, 192, 384], "depths": [2, 3, 2]})]:
        print(size, cfg)
        try:
            check_budget(build_model(cfg), size)
        except AssertionError as e:
            print("  over budget:", e)
