#!/usr/bin/env bash
# One command from a fresh Debian 12 machine with the Swift toolchain:
# installs what is missing, builds Mien in release mode, and runs the main job
# (mien analyze) on the bundled sample with the embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "setup: building (release)"
swift build -c release
echo "setup: running the main job on the bundled sample (Jobs/samples/astronaut.mp4)"
.build/release/mien analyze --fps 5 --smooth ema:0.5 Jobs/samples/astronaut.mp4 --out output/sample
echo "setup: first record of output/sample/astronaut.timeline.jsonl:"
head -n 1 output/sample/astronaut.timeline.jsonl
echo "setup: done; the binary is .build/release/mien, the sample's timeline and meta file are in output/sample/"
