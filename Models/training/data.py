"""FER-2013 for training: extraction once into a cache, images held in memory as
uint8 tensors, labels in Mien's order, and the train-time augmentations.

The tarballs unpack to ``<split>/<class>/*.jpg`` (48x48 gray JPEGs, folders named
in alphabetical order). Mien's classifier outputs classes in the order of
``CLASSES`` below, so folder names are mapped by name, never by folder index.
"""
from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision import transforms as T

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
        saved = torch.load(tensor_cache)
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
    torch.save({"key": key, "images": images_t, "labels": labels, "names": names}, tensor_cache)
    return images_t, labels, names


def stratified_subset(labels: torch.Tensor, size: int, seed: int) -> torch.Tensor:
    """Indices of a class-proportional random subset of about ``size`` items (sorted)."""
    g = torch.Generator().manual_seed(seed)
    picked = []
    for c in range(len(CLASSES)):
        idx = (labels == c).nonzero().flatten()
        take = max(1, round(size * len(idx) / len(labels)))
        picked.append(idx[torch.randperm(len(idx), generator=g)[:take]])
    return torch.cat(picked).sort().values


def build_augment(cfg: dict, input_size: int):
    """Train-time augmentation from the ``augment`` config section.

    Acts on one ``[1,H,W]`` uint8 tensor and returns a float tensor in [0,1]
    (random erasing, which needs floats, comes last). Every key is optional;
    a missing or zero key turns its step off.
    """
    steps = []
    if input_size != 48:
        steps.append(T.Resize(input_size, antialias=True))
    if cfg.get("hflip", False):
        steps.append(T.RandomHorizontalFlip())
    rot, shift, scale = cfg.get("rotation", 0), cfg.get("shift", 0), cfg.get("scale", 0)
    if rot or shift or scale:
        steps.append(T.RandomAffine(
            degrees=rot,
            translate=(shift, shift) if shift else None,
            scale=(1 - scale, 1 + scale) if scale else None,
            interpolation=T.InterpolationMode.BILINEAR))
    bri, con = cfg.get("brightness", 0), cfg.get("contrast", 0)
    if bri or con:
        steps.append(T.ColorJitter(brightness=bri, contrast=con))
    steps.append(T.ConvertImageDtype(torch.float32))
    if cfg.get("erasing", 0):
        steps.append(T.RandomErasing(p=cfg["erasing"], scale=(0.02, 0.2), value=0))
    return T.Compose(steps)


def build_eval_transform(input_size: int):
    """Evaluation transform: resize if needed, then uint8 -> float in [0,1]."""
    steps = [T.Resize(input_size, antialias=True)] if input_size != 48 else []
    return T.Compose(steps + [T.ConvertImageDtype(torch.float32)])


class FERDataset(Dataset):
    """In-memory FER-2013 images with a per-item transform.

    Normalisation to zero mean is done by the model's first layer input
    (``(x - 0.5) / 0.25`` in ``model.py``), so the transform yields [0,1] floats.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, transform):
        assert images.dtype == torch.uint8 and images.ndim == 4, images.shape  # [N,1,48,48]
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int):
        return self.transform(self.images[i]), self.labels[i]


def class_counts(labels: torch.Tensor) -> torch.Tensor:
    """Images per class, in Mien's order."""
    return torch.bincount(labels, minlength=len(CLASSES))
