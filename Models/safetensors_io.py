"""A byte-for-byte deterministic safetensors writer.

safetensors' own save_file keeps __metadata__ in a Rust HashMap, so the header
order (and so the file's sha256) changes from run to run. This writer lays the
header out in insertion order, then checks that the safetensors library reads
the file back to the very same tensors and metadata.
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np
from safetensors import safe_open

_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.uint8): "U8", np.dtype(np.int64): "I64"}


def save(tensors: dict[str, np.ndarray], path: str, metadata: dict[str, str]) -> None:
    header: dict[str, object] = {"__metadata__": {str(k): str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        if array.dtype not in _DTYPES:
            raise TypeError(f"{name}: dtype {array.dtype} not supported")
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _DTYPES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as handle:
        handle.write(struct.pack("<Q", len(encoded)))
        handle.write(encoded)
        for data in blobs:
            handle.write(data)
    os.replace(tmp, path)

    # Read back with the reference implementation.
    back, back_meta = load(path)
    if back_meta != header["__metadata__"] or list(back) != list(tensors):
        raise RuntimeError(f"{path}: metadata or names differ on read-back")
    for name, array in tensors.items():
        if back[name].shape != array.shape or not np.array_equal(back[name], array):
            raise RuntimeError(f"{path}: {name} differs on read-back")


def load(path: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Tensors (in file order) and metadata, read with the safetensors library."""
    with safe_open(path, framework="numpy") as handle:
        metadata = dict(handle.metadata() or {})
        names = list(handle.keys())
        tensors = {name: handle.get_tensor(name) for name in names}
    with open(path, "rb") as raw:
        (size,) = struct.unpack("<Q", raw.read(8))
        header = json.loads(raw.read(size))
    order = [k for k in header if k != "__metadata__"]
    return {name: tensors[name] for name in order}, metadata
