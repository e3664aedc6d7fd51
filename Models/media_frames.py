"""Decodes still images and single video frames to RGB24 with the ffmpeg command.

Same-size conversion uses swscale's nearest-neighbour flag, the flag Mien's
PixelConverter picks when it does not resize (SWS_POINT); the sha256 of the
RGB bytes goes into the references so a Swift test can tell whether its own
decode gave the very same pixels.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess

import numpy as np

SHARED_MEDIA = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "media"))


def media_path(name: str) -> str:
    return os.path.join(SHARED_MEDIA, name)


def _stream_size(path: str) -> tuple[int, int]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
         "-of", "json", path], check=True, capture_output=True, text=True).stdout
    stream = json.loads(out)["streams"][0]
    return int(stream["width"]), int(stream["height"])


def frame_time(path: str, frame_index: int) -> float:
    """Presentation time in seconds of the frame with this decode index."""
    # Every frame, in output (presentation) order; -read_intervals counts packets, not
    # frames, and gave frame 402's time for frame 400.
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
         "-of", "csv=p=0", path],
        check=True, capture_output=True, text=True).stdout
    times = [line.strip().rstrip(",") for line in out.splitlines() if line.strip()]
    return float(times[frame_index])


def ffmpeg_command(name: str, frame_index: int | None = None) -> list[str]:
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", name, "-sws_flags", "neighbor"]
    if frame_index is not None:
        command += ["-vf", f"select=eq(n\\,{frame_index})", "-fps_mode", "passthrough"]
    return command + ["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]


def decode_rgb(name: str, frame_index: int | None = None) -> tuple[np.ndarray, dict]:
    """[H, W, 3] uint8 RGB of a file in shared/media (frame_index for videos)."""
    path = media_path(name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} not found (shared/media is needed for this step)")
    width, height = _stream_size(path)
    command = ffmpeg_command(name, frame_index)
    data = subprocess.run(command, cwd=SHARED_MEDIA, check=True, capture_output=True).stdout
    if len(data) != width * height * 3:
        raise RuntimeError(f"{name}: got {len(data)} bytes, expected {width}x{height}x3")
    info = {
        "file": name,
        "width": width,
        "height": height,
        "decode_command": shlex.join(command),
        "rgb24_sha256": hashlib.sha256(data).hexdigest(),
    }
    if frame_index is not None:
        info["frame_index"] = frame_index
        info["frame_time_s"] = round(frame_time(path, frame_index), 6)
    return np.frombuffer(data, np.uint8).reshape(height, width, 3).copy(), info
