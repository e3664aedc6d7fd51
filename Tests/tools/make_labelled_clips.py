#!/usr/bin/python3
"""Makes face-detection clips with known face boxes, for `mien bench detect`.

    /usr/bin/python3 Tests/tools/make_labelled_clips.py [OUT] [--seed N] [--media DIR] [--only NAME]...
    /usr/bin/python3 Tests/tools/make_labelled_clips.py [OUT] --check

OUT defaults to output/labelled-clips/ in the repository (git-ignored); DIR to
../shared/media beside the repository. Each clip is NAME.mp4 (H.264 yuv420p,
BT.709, CRF 18, 25 fps) and NAME.boxes.jsonl with one line per frame:

    {"frame": 7, "t": 0.28, "faces": [{"box": [x1, y1, x2, y2], "landmarks": [[x, y], ...] or null,
                                       "size": 31.27, "inside": 1.0}]}

Frames are made from copies of multi_face.jpg and single_face.jpg placed by
exact maps x -> s*x + tx, y -> s*y + ty and resampled with Lanczos, so a face's
box is its box in Tests/tools/face_boxes.json sent through the same map. A face
is listed when at least half its box lies in the frame; box is then cut to the
frame, size is the whole box's height and inside the fraction of its area in
the frame. manifest.json describes every clip. Same seed, same numpy, Pillow
and ffmpeg: same files.

Coordinates are frame pixels with (0, 0) the top-left corner of the top-left
pixel (a pixel's centre is at +0.5); t is frame / 25 in seconds.

--check reads OUT back: frame count, size, codec and pixel format against the
manifest, every JSONL line, and frames 0, middle and last decoded and set
against the same frames drawn again: each must have a PSNR of at least
MIN_PSNR and a higher one than the frames before and after it get (a dropped or
doubled frame would shift them). Making ends with the same check. Exit 1 on a
problem.
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_MEDIA = os.path.normpath(os.path.join(REPO, "..", "shared", "media"))
DEFAULT_OUT = os.path.join(REPO, "output", "labelled-clips")
FACE_BOXES = os.path.join(HERE, "face_boxes.json")
FPS = 25
CRF = 18
PAD = 16            # replicated edge pixels around every copy: scales down to 0.5 / PAD work
MIN_INSIDE = 0.5    # a face is listed when this much of its box is in the frame
MIN_PSNR = 34.0     # dB, a decoded frame against itself drawn again (CRF 18 gave 36.6 to 48)
MIRROR = [1, 0, 2, 4, 3]  # landmark order after a left-right flip (eyes and mouth corners swap)


class Source:
    """An image (a photo, or a crop, mirror or row of copies of one) and its faces in its own pixels."""

    def __init__(self, name, rgb, faces, origin=None):
        self.name = name
        self.origin = origin or name  # the photo in shared/media it comes from
        self.rgb = rgb  # [H, W, 3] uint8
        self.faces = faces  # [{"box": [x1, y1, x2, y2], "landmarks": [[x, y]] * 5 or None}]
        self.height, self.width = rgb.shape[:2]
        self._padded = None

    @property
    def padded(self):
        """The image with PAD replicated pixels on every side, for resampling right up to its edge."""
        if self._padded is None:
            self._padded = Image.fromarray(np.pad(self.rgb, ((PAD, PAD), (PAD, PAD), (0, 0)), mode="edge"))
        return self._padded

    def crop(self, name, x0, y0, x1, y1):
        """The part [x0, x1) x [y0, y1); fails if the cut passes through a face."""
        faces = []
        for f in self.faces:
            b = f["box"]
            if b[2] <= x0 or b[0] >= x1 or b[3] <= y0 or b[1] >= y1:
                continue
            if b[0] < x0 or b[1] < y0 or b[2] > x1 or b[3] > y1:
                raise ValueError("crop %s of %s cuts the face at %s" % ((x0, y0, x1, y1), self.name, b))
            faces.append(_moved(f, 1, -x0, -y0))
        return Source(name, self.rgb[y0:y1, x0:x1], faces, self.origin)

    def mirrored(self):
        """The image flipped left-right, with its faces flipped too."""
        w = self.width
        faces = [{"box": [w - f["box"][2], f["box"][1], w - f["box"][0], f["box"][3]],
                  "landmarks": None if f["landmarks"] is None
                  else [[w - f["landmarks"][k][0], f["landmarks"][k][1]] for k in MIRROR]}
                 for f in self.faces]
        return Source(self.name + " mirrored", self.rgb[:, ::-1], faces, self.origin)

    def row(self, mirrored):
        """Copies side by side, the k-th mirrored when mirrored[k]."""
        tiles = [self.mirrored() if m else self for m in mirrored]
        faces = [_moved(f, 1, k * self.width, 0) for k, t in enumerate(tiles) for f in t.faces]
        return Source("%s x%d" % (self.name, len(tiles)), np.concatenate([t.rgb for t in tiles], axis=1), faces,
                      self.origin)


def _moved(face, s, tx, ty):
    """A face sent through x -> s*x + tx, y -> s*y + ty."""
    b = face["box"]
    lm = face["landmarks"]
    return {"box": [s * b[0] + tx, s * b[1] + ty, s * b[2] + tx, s * b[3] + ty],
            "landmarks": None if lm is None else [[s * x + tx, s * y + ty] for x, y in lm]}


def load_photos(media):
    """multi_face.jpg and single_face.jpg as Sources with their boxes from face_boxes.json."""
    if not os.path.isdir(media):
        sys.exit("make_labelled_clips: media folder %s not found; the clips are made from its multi_face.jpg, "
                 "single_face.jpg and no_face.mp4 (pass --media DIR if it lies elsewhere)" % media)
    with open(FACE_BOXES) as f:
        photos = json.load(f)["photos"]
    out = {}
    for name, entry in photos.items():
        path = os.path.join(media, name)
        if not os.path.isfile(path):
            sys.exit("make_labelled_clips: %s not found in media folder %s" % (name, media))
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest != entry["sha256"]:
            sys.exit("make_labelled_clips: %s has sha256 %s, but %s holds boxes for %s"
                     % (path, digest, FACE_BOXES, entry["sha256"]))
        rgb = np.asarray(Image.open(path).convert("RGB"))
        faces = [{"box": f["box"], "landmarks": f["landmarks"]} for f in entry["faces"]]
        out[name] = Source(name, rgb, faces)
    return out


def texture(width, height, rng):
    """A neutral grey-beige wall: soft blotches at three scales and a little grain, nothing face-like."""
    grey = np.zeros((height, width), np.float32)
    for cell, amplitude in ((240, 9.0), (60, 5.0), (15, 3.0)):
        cols, rows = width // cell + 3, height // cell + 3
        noise = Image.fromarray(rng.standard_normal((rows, cols)).astype(np.float32), "F")
        grey += amplitude * np.asarray(noise.resize((cols * cell, rows * cell), Image.BICUBIC))[:height, :width]
    grey += 1.5 * rng.standard_normal((height, width)).astype(np.float32)
    rgb = np.array([138.0, 132.0, 121.0], np.float32) + grey[:, :, None] * np.array([1.0, 0.97, 0.9], np.float32)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def draw(frame, source, s, tx, ty):
    """Draws source onto frame [H, W, 3] through x -> s*x + tx, y -> s*y + ty.

    A frame pixel is the copy's when its centre falls inside the mapped image, so
    copies that meet edge to edge leave neither a gap nor an overlap. Pillow's
    resize with a box maps output pixel centre i + 0.5 to box_x0 + (i + 0.5) / s
    in the source: exactly the inverse of the map.
    """
    height, width = frame.shape[:2]
    x0, x1 = max(0, math.ceil(tx - 0.5)), min(width, math.ceil(tx + s * source.width - 0.5))
    y0, y1 = max(0, math.ceil(ty - 0.5)), min(height, math.ceil(ty + s * source.height - 0.5))
    if x1 <= x0 or y1 <= y0:
        return
    if 0.5 / s > PAD:
        raise ValueError("scale %.4f of %s is below 0.5 / PAD" % (s, source.name))
    box = ((x0 - tx) / s + PAD, (y0 - ty) / s + PAD, (x1 - tx) / s + PAD, (y1 - ty) / s + PAD)
    frame[y0:y1, x0:x1] = np.asarray(source.padded.resize((x1 - x0, y1 - y0), Image.LANCZOS, box=box))


class Copy:
    """A source placed in the world: world = a * source + (bx, by)."""

    def __init__(self, source, a, bx, by):
        self.source, self.a, self.bx, self.by = source, a, bx, by

    @property
    def rect(self):
        return (self.bx, self.by, self.bx + self.a * self.source.width, self.by + self.a * self.source.height)


class Scene:
    """Copies on a textured wall, filmed by a camera that pans, zooms or drifts.

    camera(u) gives (zoom, cx, cy) for u from 0 (first frame) to 1 (last);
    frame = zoom * (world - (cx, cy)) + (width / 2, height / 2).
    """

    def __init__(self, name, width, height, frames, copies, camera, motion, rng):
        self.name, self.width, self.height, self.frames = name, width, height, frames
        self.copies, self.camera, self.motion = copies, camera, motion
        self.sources = sorted({c.source.origin for c in copies})
        views = [self.view_rect(i) for i in range(frames)]
        x0 = math.floor(min(v[0] for v in views)) - 2
        y0 = math.floor(min(v[1] for v in views)) - 2
        x1 = math.ceil(max(v[2] for v in views)) + 2
        y1 = math.ceil(max(v[3] for v in views)) + 2
        self.wall = Copy(Source("wall", texture(x1 - x0, y1 - y0, rng), []), 1.0, x0, y0)

    def frame_map(self, i, copy):
        """(s, tx, ty) taking the copy's source pixels to frame i's pixels."""
        zoom, cx, cy = self.camera(i / (self.frames - 1))
        return (zoom * copy.a, zoom * (copy.bx - cx) + self.width / 2, zoom * (copy.by - cy) + self.height / 2)

    def view_rect(self, i):
        zoom, cx, cy = self.camera(i / (self.frames - 1))
        hw, hh = self.width / (2 * zoom), self.height / (2 * zoom)
        return (cx - hw, cy - hh, cx + hw, cy + hh)

    def render(self, i):
        frame = np.zeros((self.height, self.width, 3), np.uint8)
        for copy in [self.wall] + self.copies:
            draw(frame, copy.source, *self.frame_map(i, copy))
        return frame

    def faces(self, i):
        out = []
        for copy in self.copies:
            s, tx, ty = self.frame_map(i, copy)
            for face in copy.source.faces:
                out.extend(_listed(_moved(face, s, tx, ty), self.width, self.height))
        return sorted(out, key=lambda f: (f["box"][1], f["box"][0]))


def _listed(face, width, height):
    """The face as a JSONL entry, or nothing when less than MIN_INSIDE of its box is in the frame."""
    x1, y1, x2, y2 = face["box"]
    cx1, cy1, cx2, cy2 = max(x1, 0.0), max(y1, 0.0), min(x2, width), min(y2, height)
    inside = max(0.0, cx2 - cx1) * max(0.0, cy2 - cy1) / ((x2 - x1) * (y2 - y1))
    if inside < MIN_INSIDE:
        return []
    lm = face["landmarks"]
    return [{"box": [round(v, 2) for v in (cx1, cy1, cx2, cy2)],
             "landmarks": None if lm is None else [[round(x, 2), round(y, 2)] for x, y in lm],
             "size": round(y2 - y1, 2), "inside": round(inside, 3)}]


class VideoClip:
    """Frames of a video with no face in it, scaled, each frame once at FPS."""

    def __init__(self, name, path, width, height, motion):
        self.name, self.width, self.height, self.motion = name, width, height, motion
        self.sources = [os.path.basename(path)]
        if not os.path.isfile(path):
            sys.exit("make_labelled_clips: %s not found" % path)
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0",
                              "-vf", "scale=%d:%d:flags=lanczos+accurate_rnd" % (width, height),
                              "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             check=True, capture_output=True).stdout
        self.video = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
        self.frames = len(self.video)

    def render(self, i):
        return self.video[i]

    def faces(self, i):
        return []


def linear(start, end):
    """A camera moving at constant speed from start to end, each (zoom, cx, cy)."""
    return lambda u: tuple(a + (b - a) * u for a, b in zip(start, end))


def zooming(z0, z1, cx, cy):
    """A camera zooming at a constant rate (zoom multiplied by the same factor every frame)."""
    return lambda u: (z0 * (z1 / z0) ** u, cx, cy)


def pan_motion(kind, start, end, seconds, text):
    return {"kind": kind, "camera_start": [round(v, 3) for v in start],
            "camera_end": [round(v, 3) for v in end],
            "speed_px_per_s": round(math.hypot(end[1] - start[1], end[2] - start[2]) * start[0] / seconds, 1),
            "text": text}


def zoom_motion(z0, z1, cx, cy, text):
    return {"kind": "zoom", "camera_start": [z0, cx, cy], "camera_end": [z1, cx, cy], "text": text}


def pack(items, rng, gap, tries=4000):
    """Places rectangles at seeded random spots without overlap, biggest first.

    items: (source, a, (x0, y0, x1, y1)) with the region the copy must lie in.
    """
    placed = []
    for source, a, region in sorted(items, key=lambda it: -it[1] * it[1] * it[0].width * it[0].height):
        w, h = a * source.width, a * source.height
        for _ in range(tries):
            bx = rng.uniform(region[0], region[2] - w)
            by = rng.uniform(region[1], region[3] - h)
            if all(bx + w + gap <= r[0] or r[2] + gap <= bx or by + h + gap <= r[1] or r[3] + gap <= by
                   for r in (c.rect for c in placed)):
                placed.append(Copy(source, a, bx, by))
                break
        else:
            raise RuntimeError("no room for a %.0fx%.0f copy of %s" % (w, h, source.name))
    return placed


def face_height(source, which):
    heights = [f["box"][3] - f["box"][1] for f in source.faces]
    return which(heights)


def clips(photos, media, seed):
    """Every clip, by name: a function of the seed that builds it."""
    multi, single = photos["multi_face.jpg"], photos["single_face.jpg"]
    band = multi.crop("multi_face.jpg[band]", 170, 20, 835, 480)      # the five faces and a margin
    head = single.crop("single_face.jpg[head]", 110, 60, 460, 480)    # head and shoulders
    rng = lambda k: np.random.default_rng([seed, k])  # noqa: E731

    def classroom(name, k, zoom):
        # A 3x3 tiling of multi_face.jpg (checkerboard of mirrored tiles), the back rows
        # smaller like a classroom seen from the front: faces 25-35 px at the back, 33-45 at the front.
        rows = [multi.row([False, True, False]), multi.row([True, False, True])]
        front = 0.335
        copies, y = [], 0.0
        for r, k_row in enumerate((0.78, 0.89, 1.0)):
            a = front * k_row
            copies.append(Copy(rows[r % 2], a, -a * rows[0].width / 2, y))
            y += a * rows[0].height
        if not zoom:
            start, end = (1.0, -260.0, y / 2 - 30), (1.0, 260.0, y / 2 + 30)
            return Scene(name, 1920, 1080, 4 * FPS, copies, linear(start, end),
                         pan_motion("pan", start, end, 4, "camera pans right and a little down over the tiling"),
                         rng(k))
        camera = zooming(0.78, 1.35, 40.0, y / 2 + 10)
        return Scene(name, 1920, 1080, 5 * FPS, copies, camera,
                     zoom_motion(0.78, 1.35, 40.0, round(y / 2 + 10, 3),
                                 "camera zooms 1.73x into the tiling at a constant rate"), rng(k))

    def group(name, k):
        copies = [Copy(multi, 0.64, 0.0, 0.0)]  # faces 62-86 px
        start, end = (1.0, 200.0, 193.0), (1.0, 440.0, 233.0)
        return Scene(name, 1280, 720, 4 * FPS, copies, linear(start, end),
                     pan_motion("pan", start, end, 4, "camera pans right over the photo on a wall"), rng(k))

    def small_faces(name, k):
        r = rng(k)
        region = (30.0, 30.0, 1890.0, 1050.0)
        items = [(head, size / face_height(head, max), region) for size in (150, 112, 84, 63, 47, 35, 26, 20, 16)]
        items += [(band, size / face_height(band, min), region) for size in (16, 20, 25, 31, 39, 49, 64)]
        items = [(s.mirrored() if r.random() < 0.5 else s, a, reg) for s, a, reg in items]
        copies = pack(items, r, gap=20.0)
        start, end = (1.0, 946.0, 533.0), (1.0, 974.0, 547.0)
        return Scene(name, 1920, 1080, 4 * FPS, copies, linear(start, end),
                     pan_motion("drift", start, end, 4, "camera drifts 31 px down and right"), r)

    def mixed(name, k):
        r = rng(k)
        centre, whole = (250.0, 140.0, 1030.0, 580.0), (16.0, 16.0, 1264.0, 704.0)
        items = [(band, 30 / face_height(band, min), centre), (head, 94 / face_height(head, max), centre),
                 (head, 70 / face_height(head, max), centre)]
        items += [(head, size / face_height(head, max), whole) for size in (48, 33, 23, 16)]
        items = [(s.mirrored() if r.random() < 0.5 else s, a, reg) for s, a, reg in items]
        copies = pack(items, r, gap=16.0)
        return Scene(name, 1280, 720, 5 * FPS, copies, zooming(1.0, 1.6, 640.0, 360.0),
                     zoom_motion(1.0, 1.6, 640.0, 360.0, "camera zooms 1.6x into the frame centre"), r)

    return {
        "classroom-1080p-pan": lambda: classroom("classroom-1080p-pan", 1, zoom=False),
        "classroom-1080p-zoom": lambda: classroom("classroom-1080p-zoom", 2, zoom=True),
        "group-720p-pan": lambda: group("group-720p-pan", 3),
        "small-faces-1080p": lambda: small_faces("small-faces-1080p", 4),
        "mixed-720p": lambda: mixed("mixed-720p", 5),
        "no-face-720p": lambda: VideoClip("no-face-720p", os.path.join(media, "no_face.mp4"), 1280, 720,
                                          {"kind": "video", "text": "no_face.mp4's own motion, its 24 fps "
                                                                    "frames shown once each at 25 fps"}),
    }


def encoder(path, width, height):
    """ffmpeg reading rgb24 frames on stdin and writing H.264 yuv420p, BT.709, to path."""
    return ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "%sx%s" % (width, height),
            "-framerate", str(FPS), "-i", "-",
            "-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=lanczos+accurate_rnd,format=yuv420p",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", str(CRF), "-threads", "2",
            "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-movflags", "+faststart",
            "-f", "mp4", path]


def make(clip, out_dir, seed):
    """Writes NAME.mp4 and NAME.boxes.jsonl; returns the clip's manifest entry."""
    video, boxes = os.path.join(out_dir, clip.name + ".mp4"), os.path.join(out_dir, clip.name + ".boxes.jsonl")
    ffmpeg = subprocess.Popen(encoder(video + ".part", clip.width, clip.height), stdin=subprocess.PIPE)
    counts, sizes, partly = [], [], 0
    with open(boxes + ".part", "w") as lines:
        for i in range(clip.frames):
            ffmpeg.stdin.write(clip.render(i).tobytes())
            faces = clip.faces(i)
            counts.append(len(faces))
            sizes += [f["size"] for f in faces]
            partly += sum(1 for f in faces if f["inside"] < 1)
            lines.write(json.dumps({"frame": i, "t": round(i / FPS, 4), "faces": faces}) + "\n")
    ffmpeg.stdin.close()
    if ffmpeg.wait() != 0:
        sys.exit("make_labelled_clips: ffmpeg failed on %s (exit %d)" % (video, ffmpeg.returncode))
    os.replace(video + ".part", video)
    os.replace(boxes + ".part", boxes)
    return {"name": clip.name, "video": clip.name + ".mp4", "boxes": clip.name + ".boxes.jsonl",
            "width": clip.width, "height": clip.height, "fps": FPS, "frames": clip.frames,
            "duration_s": round(clip.frames / FPS, 4),
            "faces_per_frame": {"min": min(counts), "max": max(counts)},
            "face_size_px": {"min": min(sizes), "max": max(sizes)} if sizes else None,
            "faces_partly_outside": partly,
            "motion": clip.motion, "seed": seed, "sources": clip.sources}


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                          "stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames", "-of", "json",
                          path], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["streams"][0]


def decode_frame(path, index, width, height):
    """Frame index of path as [H, W, 3] RGB, converted with the BT.709 matrix it was written with."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf",
                          "select=eq(n\\,%d),scale=in_color_matrix=bt709:in_range=tv:"
                          "flags=lanczos+accurate_rnd+full_chroma_int,format=rgb24" % index,
                          "-frames:v", "1", "-f", "rawvideo", "-"], check=True, capture_output=True).stdout
    if len(raw) != width * height * 3:
        return None
    return np.frombuffer(raw, np.uint8).reshape(height, width, 3)


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def check(out_dir, media):
    """Problems found reading out_dir back, one sentence each."""
    path = os.path.join(out_dir, "manifest.json")
    if not os.path.isfile(path):
        return ["%s not found; make the clips first" % path]
    with open(path) as f:
        manifest = json.load(f)
    problems = []
    builders = clips(load_photos(media), media, manifest["seed"]) if os.path.isdir(media) else None
    if builders is None:
        print("check: %s not found, so decoded frames are not compared with frames drawn again" % media)
    for entry in manifest["clips"]:
        before = len(problems)
        name, w, h, n = entry["name"], entry["width"], entry["height"], entry["frames"]
        video = os.path.join(out_dir, entry["video"])
        if not os.path.isfile(video):
            problems.append("%s: %s not found" % (name, video))
            continue
        got = probe(video)
        want = {"codec_name": "h264", "pix_fmt": "yuv420p", "width": w, "height": h,
                "r_frame_rate": "%d/1" % entry["fps"], "nb_read_frames": str(n)}
        problems += ["%s: %s is %s in the video, %s in the manifest" % (name, k, got.get(k), v)
                     for k, v in want.items() if got.get(k) != v]
        with open(os.path.join(out_dir, entry["boxes"])) as f:
            lines = [json.loads(line) for line in f]
        if len(lines) != n:
            problems.append("%s: %d JSONL lines for %d frames" % (name, len(lines), n))
        for i, line in enumerate(lines):
            faces = line["faces"]
            if line["frame"] != i or abs(line["t"] - i / entry["fps"]) > 1e-4:
                problems.append("%s: line %d has frame %s, t %s" % (name, i + 1, line["frame"], line["t"]))
            if not entry["faces_per_frame"]["min"] <= len(faces) <= entry["faces_per_frame"]["max"]:
                problems.append("%s: frame %d has %d faces, outside the manifest's range" % (name, i, len(faces)))
            for face in faces:
                x1, y1, x2, y2 = face["box"]
                if not (0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h and face["inside"] >= MIN_INSIDE):
                    problems.append("%s: frame %d: box %s is not in the %dx%d frame" % (name, i, face["box"], w, h))
        clip = builders[name]() if builders else None
        for i in (0, n // 2, n - 1):
            frame = decode_frame(video, i, w, h)
            if frame is None:
                problems.append("%s: frame %d did not decode to %dx%d RGB" % (name, i, w, h))
                continue
            if clip is None:
                continue
            own = psnr(frame, clip.render(i))
            nearest = max(psnr(frame, clip.render(j)) for j in (i - 1, i + 1) if 0 <= j < n)
            if own < MIN_PSNR or own < nearest:
                problems.append("%s: frame %d is %.1f dB from the frame drawn again and %.1f dB from a "
                                "neighbour (want >= %.0f and the nearer)" % (name, i, own, nearest, MIN_PSNR))
        print("check: %-22s %3d frames %dx%d %s" % (name, n, w, h, "ok" if len(problems) == before else "FAILED"))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default=DEFAULT_OUT, help="output folder (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the layouts and the wall (default 1)")
    parser.add_argument("--media", default=DEFAULT_MEDIA, help="shared/media folder (default %(default)s)")
    parser.add_argument("--only", action="append", metavar="NAME", help="make only this clip (repeatable)")
    parser.add_argument("--check", action="store_true", help="only check OUT against its manifest")
    args = parser.parse_args()
    if not args.check:
        builders = clips(load_photos(args.media), args.media, args.seed)
        names = args.only or list(builders)
        unknown = [n for n in names if n not in builders]
        if unknown:
            parser.error("no clip named %s; the clips are %s" % (", ".join(unknown), ", ".join(builders)))
        os.makedirs(args.out, exist_ok=True)
        entries, started = [], time.monotonic()
        for name in names:
            t0 = time.monotonic()
            entries.append(make(builders[name](), args.out, args.seed))
            print("made %-22s %3d frames, %d-%d faces, in %.1f s" % (
                name, entries[-1]["frames"], entries[-1]["faces_per_frame"]["min"],
                entries[-1]["faces_per_frame"]["max"], time.monotonic() - t0))
        with open(FACE_BOXES) as f:
            boxes_doc = json.load(f)
        manifest = {"made_by": "Tests/tools/make_labelled_clips.py", "seed": args.seed, "fps": FPS,
                    "encoder": " ".join(encoder("NAME.mp4", "W", "H")),
                    "face_boxes": "Tests/tools/face_boxes.json", "box_convention": boxes_doc["convention"],
                    "landmarks": boxes_doc["landmarks"],
                    "listed": "faces with at least %d%% of their box in the frame; box cut to the frame, "
                              "size the uncut box height, inside the fraction of its area in the frame"
                              % (MIN_INSIDE * 100),
                    "clips": entries}
        with open(os.path.join(args.out, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        print("made %d clips in %s in %.1f s" % (len(entries), args.out, time.monotonic() - started))
    problems = check(args.out, args.media)
    for p in problems:
        print("check: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
