"""FER-2013 for training: extraction once into a cache, images held in memory as
uint8 tensors, labels in Mien's order, batching and the train-time augmentations.

The tarballs unpack to ``<split>/<class>/*.jpg`` (48x48 gray JPEGs, folders named
in alphabetical order). Mien's classifier outputs classes in the order of
``CLASSES`` below, so folder names are mapped by name, never by folder index.
"""
from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image

#: Mien's output order (the Swift side indexes its labels with this order).
CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "datasets" / "fer2013"
DEFAULT_CACHE = REPO_ROOT / "Models" / ".cache" / "fer2013"

#: split name -> (tarball, folder it unpacks to)
SPLITS = {
    "train": ("fer2013-train.tar.gz", "train"),
    "publictest": ("fer2013-publictest.tar.gz", "publictest"),
}


def extract(split: str, source: Path = DEFAULT_SOURCE, cache: Path = DEFAULT_CACHE) -> Path:
    """Unpack ``split``'s tarball into ``cache`` once; return the split's folder.

    A marker file written after a complete extraction makes later calls free and
    makes an interrupted extraction start again.
    """
    tarball, folder = SPLITS[split]
    out = cache / folder
    marker = cache / f".{folder}.done"
    if marker.exists():
        return out
    archive = source / tarball
    if not archive.exists():
        raise FileNotFoundError(f"FER-2013 split {split!r}: {archive} not found")
    cache.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            # Only plain files and folders below the split folder: no links, no '..'.
            parts = Path(member.name).parts
            if not parts or parts[0] != folder or ".." in parts or not (member.isfile() or member.isdir()):
                raise ValueError(f"{archive}: unexpected member {member.name!r}")
        tar.extractall(cache)
    marker.write_text("ok\n")
    return out


def load_split(split: str, source: Path = DEFAULT_SOURCE, cache: Path = DEFAULT_CACHE):
    """All images of ``split`` as ``(images [N,1,48,48] uint8, labels [N] int64, names)``.

    Decoding the JPEGs takes a while on a small CPU, so the decoded tensors are
    cached beside the extracted files (``<split>.pt``), keyed by file list.
    """
    root = extract(split, source, cache)
    files = []
    for label, name in enumerate(CLASSES):
        class_dir = root / name
        if not class_dir.is_dir():
            raise FileNotFoundError(f"FER-2013 split {split!r}: class folder {class_dir} missing")
        files += [(p, label) for p in sorted(class_dir.glob("*.jpg"))]
    key = hashlib.sha256("\n".join(f"{p.relative_to(root)}:{y}" for p, y in files).encode()).hexdigest()
    tensor_cache = cache / f"{split}.pt"
    if tensor_cache.exists():
        try:
            saved = torch.load(tensor_cache)
        except (RuntimeError, EOFError, OSError):       # cut short by an older, non-atomic write: decode again
            saved = {}
        if saved.get("key") == key:
            return saved["images"], saved["labels"], saved["names"]
    images = np.empty((len(files), 1, 48, 48), dtype=np.uint8)
    for i, (path, _) in enumerate(files):
        with Image.open(path) as im:
            im = im.convert("L")
            if im.size != (48, 48):
                raise ValueError(f"{path}: expected 48x48, got {im.size[0]}x{im.size[1]}")
            images[i, 0] = np.asarray(im)
    images_t = torch.from_numpy(images)
    labels = torch.tensor([y for _, y in files], dtype=torch.int64)
    names = [p.name for p, _ in files]
    partial = tensor_cache.with_name(tensor_cache.name + ".tmp")
    torch.save({"key": key, "images": images_t, "labels": labels, "names": names}, partial)
    os.replace(partial, tensor_cache)                   # a run killed while writing leaves no half file
    return images_t, labels, names


def synthetic_faces(seed: int, noises: int) -> tuple[list[np.ndarray], list[str]]:
    """uint8 48x48 test images that need no data set: a flat gray, a horizontal
    ramp, a 6-pixel checkerboard, then ``noises`` uniform noises (seeded), the
    k-th box-blurred over ``2k+1`` pixels (the first not blurred)."""
    ramp = np.tile(np.linspace(0, 255, 48).round().astype(np.uint8), (48, 1))
    checker = ((np.indices((48, 48)).sum(0) // 6) % 2 * 255).astype(np.uint8)
    faces = [np.full((48, 48), 128, np.uint8), ramp, checker]
    labels = ["flat gray 128", "horizontal ramp 0..255", "6-pixel checkerboard"]
    rng = np.random.default_rng(seed)
    for k in range(noises):
        noise = torch.from_numpy(rng.uniform(0, 255, (1, 1, 48, 48)).astype(np.float32))
        if k:
            noise = torch.nn.functional.avg_pool2d(noise, 2 * k + 1, 1, k, count_include_pad=False)
        faces.append(noise[0, 0].round().clamp(0, 255).numpy().astype(np.uint8))
        labels.append(f"uniform noise, box blur {2 * k + 1}x{2 * k + 1}, seed {seed}")
    return faces, labels


def stratified_subset(labels: torch.Tensor, size: int, seed: int) -> torch.Tensor:
    """Indices of a class-proportional random subset of about ``size`` items (sorted)."""
    g = torch.Generator().manual_seed(seed)
    picked = []
    for c in range(len(CLASSES)):
        idx = (labels == c).nonzero().flatten()
        take = max(1, round(size * len(idx) / len(labels)))
        picked.append(idx[torch.randperm(len(idx), generator=g)[:take]])
    return torch.cat(picked).sort().values


def class_counts(labels: torch.Tensor) -> torch.Tensor:
    """Images per class, in Mien's order."""
    return torch.bincount(labels, minlength=len(CLASSES))


class BatchAugment:
    """Train-time augmentation from the ``augment`` config section (every key
    optional; a missing or zero key turns its step off), applied to a whole
    ``[N,1,S,S]`` float batch at once in the training process (no loader
    workers: on a 2-core machine they would take cores from the model).

    Per image, drawn from ``generator``: horizontal flip (p 0.5); one affine
    warp with rotation ±``rotation`` degrees, shift ±``shift`` of the size and
    scale 1 ± ``scale`` (bilinear, zeros outside, like torchvision's
    RandomAffine); brightness and contrast factors 1 ± value (contrast blends
    with the image's mean, like ColorJitter); random erasing with probability
    ``erasing`` of a rectangle of 2-20% of the area, aspect 0.3-3.3, set to 0.
    """

    def __init__(self, cfg: dict, generator: torch.Generator):
        self.cfg, self.g = cfg, generator

    def _uniform(self, n: int, low: float, high: float) -> torch.Tensor:
        return torch.rand(n, generator=self.g) * (high - low) + low

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        import torch.nn.functional as F
        cfg, n, size = self.cfg, x.shape[0], x.shape[-1]
        if cfg.get("hflip", False):
            flip = torch.rand(n, generator=self.g) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
        rot, shift, scale = cfg.get("rotation", 0), cfg.get("shift", 0), cfg.get("scale", 0)
        if rot or shift or scale:
            angle = self._uniform(n, -rot, rot) * (torch.pi / 180)
            s = self._uniform(n, 1 - scale, 1 + scale)
            tx, ty = self._uniform(n, -shift, shift) * 2, self._uniform(n, -shift, shift) * 2
            # affine_grid maps output coordinates to input ones: the inverse warp.
            cos, sin = torch.cos(angle) / s, torch.sin(angle) / s
            theta = torch.stack([torch.stack([cos, sin, -tx], 1), torch.stack([-sin, cos, -ty], 1)], 1)
            grid = F.affine_grid(theta, list(x.shape), align_corners=False)
            x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        bri, con = cfg.get("brightness", 0), cfg.get("contrast", 0)
        if bri:
            x = x * self._uniform(n, 1 - bri, 1 + bri)[:, None, None, None]
        if con:
            mean = x.mean((1, 2, 3), keepdim=True)
            c = self._uniform(n, 1 - con, 1 + con)[:, None, None, None]
            x = mean + c * (x - mean)
        x = x.clamp(0, 1)
        if cfg.get("erasing", 0):
            area = self._uniform(n, 0.02, 0.2) * size * size
            aspect = torch.exp(self._uniform(n, -1.2, 1.2))            # 0.3 .. 3.3
            h = (area * aspect).sqrt().round().clamp(1, size)
            w = (area / aspect).sqrt().round().clamp(1, size)
            top = (torch.rand(n, generator=self.g) * (size - h + 1)).floor()
            left = (torch.rand(n, generator=self.g) * (size - w + 1)).floor()
            on = torch.rand(n, generator=self.g) < cfg["erasing"]
            r = torch.arange(size, dtype=torch.float32)
            rows = (r[None] >= top[:, None]) & (r[None] < (top + h)[:, None])       # [N,S]
            cols = (r[None] >= left[:, None]) & (r[None] < (left + w)[:, None])
            mask = rows[:, :, None] & cols[:, None, :] & on[:, None, None]          # [N,S,S]
            x = x.masked_fill(mask[:, None], 0.0)
        return x


def batches(images: torch.Tensor, labels: torch.Tensor, batch_size: int, generator: torch.Generator | None,
            drop_last: bool):
    """``(float [B,1,S,S] in [0,1], labels)`` batches of in-memory uint8 images,
    shuffled by ``generator`` (``None``: in order)."""
    order = torch.randperm(len(labels), generator=generator) if generator is not None else torch.arange(len(labels))
    end = len(order) - len(order) % batch_size if drop_last else len(order)
    for i in range(0, end, batch_size):
        idx = order[i:i + batch_size]
        yield images[idx].float().div_(255), labels[idx]
