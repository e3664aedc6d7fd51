"""Runs yunet_reference.py (on Models/yunet_s.safetensors) and the yuface wheel
on the same real images and reports how far apart they are.

The wheel returns integers: (short)(score * 100), (short) of x, y, w, h and of
each landmark coordinate; convert_yunet.agreement says when our float32 values
agree with them. "max dist" is how far any of our floats lies outside the
interval that truncates to the wheel's integer (0 when all truncate to it).

Run from the repository root (needs ../shared/media):
    Models/.venv/bin/python Models/compare_yunet_wheel.py [--step N] [--json PATH]

Sources: every frame of the three videos (or every Nth), multi_face.jpg,
single_face.jpg, and two 1920x1080 images: multi_face.jpg tiled 3x3 and
WolfgangLanger_Pexels.mp4 frame 240, each resized with Pillow's bilinear
filter (the wheel is meant for images up to 960 px, but runs on larger ones).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

import media_frames
import safetensors_io
import yunet_reference as yunet
from convert_yunet import OUTPUT, agreement, import_yuface, wheel_faces

VIDEOS = ["WolfgangLanger_Pexels.mp4", "single_face.mp4", "no_face.mp4"]
IMAGES = ["multi_face.jpg", "single_face.jpg"]
FULL_HD = (1920, 1080)


def video_frames(name: str, step: int):
    """(frame index, [H, W, 3] uint8 RGB) of every step-th frame, decoded in one ffmpeg run."""
    path = media_frames.media_path(name)
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", path],
                           check=True, capture_output=True, text=True).stdout
    width, height = (int(v) for v in probe.strip().split(",")[:2])
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-sws_flags", "neighbor",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    data = subprocess.run(command, check=True, capture_output=True).stdout
    frames = np.frombuffer(data, np.uint8).reshape(-1, height, width, 3)
    for index in range(0, len(frames), step):
        yield index, frames[index]


def full_hd(rgb: np.ndarray) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(rgb).resize(FULL_HD, Image.BILINEAR))


def sources(step: int):
    """(group, label, RGB image) of everything compared."""
    for name in VIDEOS:
        for index, rgb in video_frames(name, step):
            yield name, f"{name}#{index}", rgb
    for name in IMAGES:
        rgb, _ = media_frames.decode_rgb(name)
        yield name, name, rgb
    multi, _ = media_frames.decode_rgb("multi_face.jpg")
    yield "1920x1080", "multi_face.jpg tiled 3x3", full_hd(np.tile(multi, (3, 3, 1)))
    frame, _ = media_frames.decode_rgb("WolfgangLanger_Pexels.mp4", 240)
    yield "1920x1080", "WolfgangLanger_Pexels.mp4#240 upscaled", full_hd(frame)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", type=int, default=1, help="compare every Nth video frame (default: all)")
    parser.add_argument("--json", help="also write the per-group summary here")
    args = parser.parse_args()

    yuface = import_yuface()
    weights, _ = safetensors_io.load(OUTPUT)
    groups: dict[str, dict] = {}
    problems = []
    seconds = {"ours": 0.0, "wheel": 0.0}
    for group, label, rgb in sources(args.step):
        start = time.perf_counter()
        faces, _ = yunet.detect(weights, rgb)
        seconds["ours"] += time.perf_counter() - start
        start = time.perf_counter()
        wheel = wheel_faces(yuface, rgb)
        seconds["wheel"] += time.perf_counter() - start
        row = agreement(faces, wheel)
        g = groups.setdefault(group, {"size": f"{rgb.shape[1]}x{rgb.shape[0]}", "images": 0, "wheel_faces": 0,
                                      "face_count_mismatches": 0, "values": 0, "exact": 0, "boundary": 0,
                                      "bad": 0, "max_interval_distance": 0.0})
        g["images"] += 1
        g["wheel_faces"] += row["wheel_faces"]
        g["face_count_mismatches"] += int(row["wheel_faces"] != row["our_faces"])
        for key in ("values", "exact", "boundary", "bad"):
            g[key] += row[key]
        g["max_interval_distance"] = max(g["max_interval_distance"], row["max_interval_distance"])
        if row["bad"] or row["wheel_faces"] != row["our_faces"]:
            problems.append((label, row, wheel, yunet.wheel_values(faces)[1]))

    print(f"{'source':28s} {'size':>9s} {'images':>6s} {'faces':>6s} {'count!=':>7s} {'values':>7s} "
          f"{'exact':>7s} {'+-1 at boundary':>15s} {'bad':>4s} {'max dist':>9s}")
    for group, g in groups.items():
        print(f"{group:28s} {g['size']:>9s} {g['images']:6d} {g['wheel_faces']:6d} {g['face_count_mismatches']:7d} "
              f"{g['values']:7d} {g['exact']:7d} {g['boundary']:15d} {g['bad']:4d} {g['max_interval_distance']:9.2g}")
    print(f"time: reference {seconds['ours']:.1f} s, wheel {seconds['wheel']:.1f} s")
    np.set_printoptions(precision=4, suppress=True, linewidth=160)
    for label, row, wheel, floats in problems[:10]:
        print(f"DISAGREES {label}: {row}\n  wheel {wheel.tolist()}\n  ours  {floats.tolist()}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"step": args.step, "groups": groups, "problems": len(problems)}, handle, indent=1)
            handle.write("\n")
    print(f"{len(problems)} image(s) disagree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
