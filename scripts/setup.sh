#!/usr/bin/env bash
# One command from a fresh Debian 12 machine with the Swift toolchain:
# installs what is missing, builds Mien in release mode, and runs the main job
# on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "setup: building (release)"
swift build -c release
echo "setup: running the main job on the bundled sample"
.build/release/mien probe Jobs/samples/sample.mp4
echo "setup: done; the binary is .build/release/mien"
