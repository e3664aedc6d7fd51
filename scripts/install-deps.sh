#!/usr/bin/env bash
# Installs the Debian 12 packages Mien needs to build, run and test:
# FFmpeg's libraries (video input), OpenBLAS (CNN matrix work), libjpeg
# (`mien eval` decodes grayscale JPEGs as Pillow does), pkg-config
# (how SwiftPM finds them), the ffmpeg/ffprobe commands (test fixtures and
# the decode benchmark's reference) and Python's jsonschema (the timeline
# schema validator the tests run, Tests/tools/validate_timeline.py, with
# /usr/bin/python3), python3-venv (for .venv-tools/, scripts/tools-venv.sh)
# and the PostgreSQL server (the job store tests start a throwaway one from
# /usr/lib/postgresql/*/bin), and Debian's CPU PyTorch, PyYAML and Pillow
# (Models/training/data.py decodes PNGs with it) for the unit tests of the
# classifier's training code (Models/training/tests), Chromium (headless:
# the test that opens `mien report`'s page and takes a screenshot of it), and
# wrk (the bounded loopback load test of `mien serve`, scripts/load-test.sh),
# and procps (`ps`: Models/training/background.sh's status and its tests).
# Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(pkg-config libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libopenblas-dev libjpeg62-turbo-dev ffmpeg
          python3 python3-jsonschema python3-venv postgresql python3-torch python3-yaml python3-pil chromium wrk procps)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all Debian packages present"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
