"""The three MTCNN networks (P-Net, R-Net, O-Net) as data, and a small torch
module that runs such a description.

The description is what goes into the safetensors metadata for the Swift port,
and the torch module built from it is checked against facenet-pytorch's own
PNet/RNet/ONet classes, so the description cannot drift from the original.
Layer names are the facenet-pytorch attribute names, so the parameters keep
their state-dict names (conv1.weight, prelu1.weight, dense4.bias, ...).
"""

from __future__ import annotations


def _conv(name, src, cin, cout, k):
    return {"name": name, "type": "Conv2d", "inputs": [src],
            "config": {"in_channels": cin, "out_channels": cout, "kernel_size": [k, k],
                       "stride": [1, 1], "padding": [0, 0], "bias": True},
            "weights": [f"{name}.weight", f"{name}.bias"]}


def _prelu(name, src, n):
    return {"name": name, "type": "PReLU", "inputs": [src], "config": {"num_parameters": n},
            "weights": [f"{name}.weight"]}


def _pool(name, src, k, s):
    return {"name": name, "type": "MaxPool2d", "inputs": [src],
            "config": {"kernel_size": [k, k], "stride": [s, s], "padding": [0, 0], "ceil_mode": True},
            "weights": []}


def _linear(name, src, fin, fout):
    return {"name": name, "type": "Linear", "inputs": [src],
            "config": {"in_features": fin, "out_features": fout, "bias": True},
            "weights": [f"{name}.weight", f"{name}.bias"]}


def _softmax(name, src):
    return {"name": name, "type": "Softmax", "inputs": [src], "config": {"dim": 1}, "weights": []}


def _flatten(name, src):
    return {"name": name, "type": "PermuteFlatten", "inputs": [src],
            "config": {"permute": [0, 3, 2, 1]}, "weights": []}


PNET_LAYERS = [
    _conv("conv1", "input", 3, 10, 3), _prelu("prelu1", "conv1", 10), _pool("pool1", "prelu1", 2, 2),
    _conv("conv2", "pool1", 10, 16, 3), _prelu("prelu2", "conv2", 16),
    _conv("conv3", "prelu2", 16, 32, 3), _prelu("prelu3", "conv3", 32),
    _conv("conv4_1", "prelu3", 32, 2, 1), _softmax("softmax4_1", "conv4_1"),
    _conv("conv4_2", "prelu3", 32, 4, 1),
]

RNET_LAYERS = [
    _conv("conv1", "input", 3, 28, 3), _prelu("prelu1", "conv1", 28), _pool("pool1", "prelu1", 3, 2),
    _conv("conv2", "pool1", 28, 48, 3), _prelu("prelu2", "conv2", 48), _pool("pool2", "prelu2", 3, 2),
    _conv("conv3", "pool2", 48, 64, 2), _prelu("prelu3", "conv3", 64),
    _flatten("flatten", "prelu3"),
    _linear("dense4", "flatten", 576, 128), _prelu("prelu4", "dense4", 128),
    _linear("dense5_1", "prelu4", 128, 2), _softmax("softmax5_1", "dense5_1"),
    _linear("dense5_2", "prelu4", 128, 4),
]

ONET_LAYERS = [
    _conv("conv1", "input", 3, 32, 3), _prelu("prelu1", "conv1", 32), _pool("pool1", "prelu1", 3, 2),
    _conv("conv2", "pool1", 32, 64, 3), _prelu("prelu2", "conv2", 64), _pool("pool2", "prelu2", 3, 2),
    _conv("conv3", "pool2", 64, 64, 3), _prelu("prelu3", "conv3", 64), _pool("pool3", "prelu3", 2, 2),
    _conv("conv4", "pool3", 64, 128, 2), _prelu("prelu4", "conv4", 128),
    _flatten("flatten", "prelu4"),
    _linear("dense5", "flatten", 1152, 256), _prelu("prelu5", "dense5", 256),
    _linear("dense6_1", "prelu5", 256, 2), _softmax("softmax6_1", "dense6_1"),
    _linear("dense6_2", "prelu5", 256, 4),
    _linear("dense6_3", "prelu5", 256, 10),
]

CONVENTIONS = {
    "tensors": "NCHW activations; Conv2d weight [out, in, kh, kw] (OIHW), bias [out]; "
               "Linear weight [out, in] (y = x W^T + b); PReLU weight [C], one slope per channel (dim 1)",
    "Conv2d": "stride 1, no padding: out = in - k + 1",
    "PReLU": "y = x if x >= 0 else weight[c] * x",
    "MaxPool2d": "no padding, ceil_mode: out = ceil((in - k) / s) + 1 (a last window that would start "
                 "at or past the input edge is dropped; it never happens for these nets); windows that run "
                 "past the edge take the max over the cells inside",
    "PermuteFlatten": "x.permute(0, 3, 2, 1) then flatten: [N, C, H, W] -> [N, W*H*C] with index "
                      "(w * H + h) * C + c (the Caffe/TF weight order the port kept)",
    "Softmax": "over dim 1 (the 2 classes: [non-face, face]; the face probability is index 1)",
    "preprocessing": "RGB uint8 -> float32 (x - 127.5) * 0.0078125",
}

NETS = {
    "pnet": {
        "title": "MTCNN P-Net (proposal, fully convolutional, 12x12 receptive field, stride 2)",
        "input_shape": [None, 3, None, None],
        "layers": PNET_LAYERS,
        "outputs": [{"name": "reg", "layer": "conv4_2", "shape": [None, 4, None, None]},
                    {"name": "prob", "layer": "softmax4_1", "shape": [None, 2, None, None]}],
        "forward_returns": "(reg, prob)",
    },
    "rnet": {
        "title": "MTCNN R-Net (refinement, 24x24 input)",
        "input_shape": [None, 3, 24, 24],
        "layers": RNET_LAYERS,
        "outputs": [{"name": "reg", "layer": "dense5_2", "shape": [None, 4]},
                    {"name": "prob", "layer": "softmax5_1", "shape": [None, 2]}],
        "forward_returns": "(reg, prob)",
    },
    "onet": {
        "title": "MTCNN O-Net (output, 48x48 input, with 5 landmarks)",
        "input_shape": [None, 3, 48, 48],
        "layers": ONET_LAYERS,
        "outputs": [{"name": "reg", "layer": "dense6_2", "shape": [None, 4]},
                    {"name": "landmarks", "layer": "dense6_3", "shape": [None, 10]},
                    {"name": "prob", "layer": "softmax6_1", "shape": [None, 2]}],
        "forward_returns": "(reg, landmarks, prob); landmarks are [x1..x5, y1..y5] relative to the box",
    },
}


def architecture(net: str) -> dict:
    spec = NETS[net]
    return {
        "format": "mien-architecture/1",
        "model": f"mtcnn_{net}",
        "framework": "pytorch",
        "title": spec["title"],
        "data_format": "NCHW",
        "input_shape": spec["input_shape"],
        "outputs": spec["outputs"],
        "forward_returns": spec["forward_returns"],
        "conventions": CONVENTIONS,
        "layers": spec["layers"],
    }


def build_torch_module(net: str):
    """A torch nn.Module that runs NETS[net]; parameters named as in facenet-pytorch."""
    from torch import nn

    spec = NETS[net]

    class SpecNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer_specs = spec["layers"]
            self.output_layers = [o["layer"] for o in spec["outputs"]]
            for layer in self.layer_specs:
                kind, c = layer["type"], layer["config"]
                if kind == "Conv2d":
                    module = nn.Conv2d(c["in_channels"], c["out_channels"], kernel_size=tuple(c["kernel_size"]),
                                       stride=tuple(c["stride"]), padding=tuple(c["padding"]), bias=c["bias"])
                elif kind == "PReLU":
                    module = nn.PReLU(c["num_parameters"])
                elif kind == "MaxPool2d":
                    module = nn.MaxPool2d(tuple(c["kernel_size"]), tuple(c["stride"]),
                                          padding=tuple(c["padding"]), ceil_mode=c["ceil_mode"])
                elif kind == "Linear":
                    module = nn.Linear(c["in_features"], c["out_features"], bias=c["bias"])
                elif kind == "Softmax":
                    module = nn.Softmax(dim=c["dim"])
                elif kind == "PermuteFlatten":
                    module = None
                else:
                    raise ValueError(kind)
                if module is not None:
                    self.add_module(layer["name"], module)

        def forward(self, x):
            values = {"input": x}
            for layer in self.layer_specs:
                (source,) = layer["inputs"]
                value = values[source]
                if layer["type"] == "PermuteFlatten":
                    value = value.permute(*layer["config"]["permute"]).contiguous()
                    value = value.view(value.shape[0], -1)
                else:
                    value = getattr(self, layer["name"])(value)
                values[layer["name"]] = value
            return tuple(values[name] for name in self.output_layers)

    module = SpecNet()
    module.eval()
    return module


def parameter_count(net: str) -> int:
    total = 0
    for layer in NETS[net]["layers"]:
        c = layer["config"]
        if layer["type"] == "Conv2d":
            total += c["out_channels"] * c["in_channels"] * c["kernel_size"][0] * c["kernel_size"][1] + c["out_channels"]
        elif layer["type"] == "Linear":
            total += c["out_features"] * c["in_features"] + c["out_features"]
        elif layer["type"] == "PReLU":
            total += c["num_parameters"]
    return total

