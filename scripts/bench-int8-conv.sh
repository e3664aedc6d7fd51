#!/usr/bin/env bash
# Times Mien's int8 convolution kernels against oneDNN's (Debian's
# libdnnl-dev 2.6.3) on expression-net's shapes, one thread, side by side in
# one program (scripts/bench_int8_conv.c). Installs libdnnl-dev if missing.
#
#   bash scripts/bench-int8-conv.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg -s libdnnl-dev > /dev/null 2>&1; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libdnnl-dev
fi
out="${TMPDIR:-/tmp}/mien-bench-int8-conv"
cc -O3 -std=c11 -D_POSIX_C_SOURCE=200809L -ISources/CMienQuant/include -ISources/CMienFloat/include \
    scripts/bench_int8_conv.c Sources/CMienQuant/mien_qconv.c Sources/CMienFloat/mien_fconv.c \
    -o "$out" -ldnnl -lm
OMP_NUM_THREADS=1 DNNL_VERBOSE=0 "$out" "${1:-15}"
