"""Writes the JPEG fixtures of Tests/MienMediaTests/GrayJPEGTests.swift into
Tests/fixtures/jpeg/ with Pillow (Debian's python3-pil, on libjpeg62-turbo):

    /usr/bin/python3 Tests/tools/make_jpeg_fixtures.py

gray.jpg          a synthetic 48x40 grayscale JPEG (gradients, noise, a bright box), quality 75
gray.pillow.raw   its pixels as Pillow decodes them (what PyTorch's data pipeline sees), 1,920 bytes
color.jpg         a three-component JPEG of the same size (Mien leaves it to FFmpeg)
"""
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "jpeg"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261206)
    h, w = 40, 48
    y, x = np.mgrid[0:h, 0:w]
    box = np.where((abs(x - 24) < 9) & (abs(y - 18) < 7), 70, 0)
    gray = ((x * 4 + y * 2 + rng.integers(0, 40, (h, w)) + box) % 256).astype(np.uint8)
    Image.fromarray(gray, "L").save(OUT / "gray.jpg", quality=75)
    np.asarray(Image.open(OUT / "gray.jpg").convert("L")).tofile(OUT / "gray.pillow.raw")
    color = np.stack([gray, 255 - gray, gray // 2], -1).astype(np.uint8)
    Image.fromarray(color, "RGB").save(OUT / "color.jpg", quality=75)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
