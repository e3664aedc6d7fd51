#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, builds, and
# runs every test. Suites that need ../shared (real media, FER-2013) skip with
# a message when it is absent. .venv-tools/ (scripts/tools-venv.sh) holds the
# pinned Python packages that check Deploy/ offline. A short libFuzzer pass
# over the fuzz targets follows the Swift tests; the training code's unit tests
# (synthetic data, Debian's PyTorch) run last.
set -euo pipefail
cd "$(dirname "$0")/.."
# Where ../shared exists its suites must run, not skip: MIEN_REQUIRE_SHARED=1 makes a missing file a failure.
if [ -d "${MIEN_SHARED:-../shared}" ]; then export MIEN_REQUIRE_SHARED=1; fi

bash scripts/install-deps.sh
bash scripts/tools-venv.sh
swift build --build-tests
swift test --skip-build
# A short fuzzing pass (Fuzz/README.md): each fuzz target for MIEN_FUZZ_SECONDS
# seconds (60 by default; 0 skips it) from the committed seeds; a crash fails the run.
if [ "${MIEN_FUZZ_SECONDS:-60}" != 0 ]; then bash scripts/fuzz.sh "${MIEN_FUZZ_SECONDS:-60}"; fi
/usr/bin/python3 -m unittest discover -s Models/training/tests -t .
