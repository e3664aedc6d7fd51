#!/usr/bin/env bash
# A bounded load test of `mien serve` on loopback with wrk (Debian's wrk,
# scripts/install-deps.sh): starts a server on 127.0.0.1 (a free port) with a
# throwaway SQLite store, submits the bundled sample as a job, then runs wrk
# for SECONDS (default 15) on each of
#   POST /v1/predict     (a 480x270 JPEG frame of the sample, one face)
#   GET  /v1/jobs/{id}   (job status)
# and prints wrk's requests/s and latency percentiles (p99 among them).
# Traffic goes to 127.0.0.1 only; wrk stops by itself after SECONDS.
#
# Usage: bash scripts/load-test.sh [SECONDS]
# The mien binary: MIEN_BIN, else the newer of .build/release/mien and
# .build/debug/mien. Connections: PREDICT_CONNECTIONS (default 4),
# STATUS_CONNECTIONS (default 16).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-15}"
bin="${MIEN_BIN:-}"
if [[ -z "$bin" ]]; then
    # The newer of the two builds (an old release build may predate `serve`).
    bin="$(ls -t "$root/.build/release/mien" "$root/.build/debug/mien" 2>/dev/null | head -n 1 || true)"
fi
[[ -x "$bin" ]] || { echo "load-test: no mien binary (swift build -c release --product mien, or set MIEN_BIN)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "load-test: wrk is missing (bash scripts/install-deps.sh)" >&2; exit 1; }

work="$(mktemp -d)"
server=""
cleanup() {
    if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/in"
cp "$root/Jobs/samples/astronaut.mp4" "$work/in/"
ffmpeg -nostdin -loglevel error -ss 1 -i "$root/Jobs/samples/astronaut.mp4" -frames:v 1 "$work/frame.jpg"
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf %s "$token" > "$work/token"
echo "sha256:$(printf %s "$token" | sha256sum | cut -d' ' -f1) load-test" > "$work/tokens"

"$bin" serve --store "sqlite:$work/jobs.sqlite" --listen 127.0.0.1:0 --input-root "$work/in" \
    --tokens "$work/tokens" 2> "$work/serve.log" &
server=$!
url=""
for _ in $(seq 1 600); do
    url="$(sed -n 's/^listening on //p' "$work/serve.log" | head -n 1)"
    [[ -n "$url" ]] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$url" ]] || { echo "load-test: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
case "$url" in http://127.0.0.1:*) ;; *) echo "load-test: not a loopback address: $url" >&2; exit 1 ;; esac

job="$("$bin" submit --server "$url" --token-file "$work/token" --fps 5 astronaut.mp4 2>/dev/null)"

cat > "$work/predict.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "image/jpeg"
local f = io.open("$work/frame.jpg", "rb")
wrk.body = f:read("*all")
f:close()
LUA

echo "== mien serve ($bin) on $url; $(nproc) cores; $seconds s per route"
echo "== POST /v1/predict (480x270 JPEG, one face), ${PREDICT_CONNECTIONS:-4} connections"
wrk -t 2 -c "${PREDICT_CONNECTIONS:-4}" -d "${seconds}s" --timeout 30s --latency -s "$work/predict.lua" "$url/v1/predict"
echo "== GET /v1/jobs/$job (status), ${STATUS_CONNECTIONS:-16} connections"
wrk -t 2 -c "${STATUS_CONNECTIONS:-16}" -d "${seconds}s" --timeout 30s --latency -H "Authorization: Bearer $token" "$url/v1/jobs/$job"
