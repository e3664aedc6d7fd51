#!/usr/bin/env bash
# Bounded fuzzing with libFuzzer (Fuzz/README.md): builds the fuzz targets into
# .build-fuzz/ (MIEN_FUZZ=1, -sanitize=fuzzer), then runs each for SECONDS.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 60; TARGETs default to all of them (FuzzMedia,
# FuzzSafeTensors, FuzzJob, FuzzTimeline). Each target's corpus lives in
# .fuzz/corpus/TARGET (kept between runs, git-ignored), starting from the
# committed seeds in Fuzz/Seeds/KIND. A crash, a hang (over FUZZ_TIMEOUT
# seconds for one input, default 10) or an input that needs more than
# FUZZ_RSS_MB of memory (default 2048) is saved in .fuzz/crashes/TARGET/ and
# reported; the script then exits 1. Logs are in .fuzz/logs/.
#
# Environment: FUZZ_SANITIZERS (default "fuzzer"; "fuzzer,address" adds
# AddressSanitizer, about 2x slower), FUZZ_WORK (default .fuzz),
# FUZZ_SCRATCH (default .build-fuzz), FUZZ_SKIP_BUILD=1 to reuse a build.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
all_targets=(FuzzMedia FuzzSafeTensors FuzzJob FuzzTimeline)
targets=("$@")
if [ "$#" -eq 0 ]; then targets=("${all_targets[@]}"); fi
work="${FUZZ_WORK:-.fuzz}"
scratch="${FUZZ_SCRATCH:-.build-fuzz}"
sanitizers="${FUZZ_SANITIZERS:-fuzzer}"
timeout="${FUZZ_TIMEOUT:-10}"
rss="${FUZZ_RSS_MB:-2048}"

# The committed seed folder, the largest input tried and the dictionary of each target.
seeds_of() { case "$1" in FuzzMedia) echo media ;; FuzzSafeTensors) echo safetensors ;; FuzzJob) echo job ;; FuzzTimeline) echo timeline ;; *) return 1 ;; esac; }
max_len_of() { case "$1" in FuzzMedia) echo 16384 ;; FuzzTimeline) echo 8192 ;; *) echo 4096 ;; esac; }

for target in "${targets[@]}"; do
    seeds_of "$target" > /dev/null || { echo "fuzz.sh: unknown target $target (known: ${all_targets[*]})" >&2; exit 2; }
done

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
    for target in "${targets[@]}"; do
        echo "== building $target ($sanitizers)"
        MIEN_FUZZ=1 swift build --scratch-path "$scratch" -c release \
            -Xswiftc "-sanitize=$sanitizers" --product "$target"
    done
fi
bin="$(MIEN_FUZZ=1 swift build --scratch-path "$scratch" -c release --show-bin-path)"

# Swift's own crash reporter would take the signal of a trap before libFuzzer,
# which then never writes the input out: leave crashes to libFuzzer.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
mkdir -p "$work/logs"
failed=()
summary=()
for target in "${targets[@]}"; do
    kind="$(seeds_of "$target")"
    corpus="$work/corpus/$target"
    crashes="$work/crashes/$target"
    log="$work/logs/$target.log"
    mkdir -p "$corpus" "$crashes"
    dict=()
    if [ -f "Fuzz/Dictionaries/$kind.dict" ]; then dict=("-dict=Fuzz/Dictionaries/$kind.dict"); fi
    echo "== fuzzing $target for $seconds s (corpus $corpus, seeds Fuzz/Seeds/$kind)"
    status=0
    "$bin/$target" "$corpus" "Fuzz/Seeds/$kind" "${dict[@]}" \
        -max_total_time="$seconds" -max_len="$(max_len_of "$target")" -timeout="$timeout" \
        -rss_limit_mb="$rss" -artifact_prefix="$crashes/" -print_final_stats=1 \
        > "$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    files="$(find "$corpus" -type f | wc -l)"
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        summary+=("$target: FAILED (exit $status) after ${runs:-?} executions; log $log")
        grep -E "^==[0-9]+==|Fatal error|SUMMARY|artifact|Test unit written" "$log" | tail -8 | sed 's/^/    /' >&2 || true
    else
        summary+=("$target: ${runs:-?} executions in $seconds s (${rate:-?}/s), corpus $files inputs, no crash")
    fi
done

echo "== fuzz summary"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz.sh: crashes in ${failed[*]}: inputs in $work/crashes/; reproduce with $bin/TARGET FILE" >&2
    exit 1
fi
