#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, builds, and
# runs every test. Suites that need ../shared (real media, FER-2013) skip with
# a message when it is absent. .venv-tools/ (scripts/tools-venv.sh) holds the
# pinned Python packages that check Deploy/ offline. The training code's unit
# tests (synthetic data, Debian's PyTorch) run last.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/tools-venv.sh
swift build --build-tests
swift test --skip-build
/usr/bin/python3 -m unittest discover -s Models/training/tests -t .
