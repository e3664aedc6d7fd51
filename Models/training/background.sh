#!/usr/bin/env bash
# Runs one training config in the background at the lowest CPU priority
# (nice -n 19: builds, tests and everything else go first), resuming from its
# committed checkpoint, and pauses it around benchmarks.
#
#   bash Models/training/background.sh start Models/training/configs/ds-long.yaml
#   bash Models/training/background.sh status     # running or paused, the last epoch line
#   bash Models/training/background.sh pause      # SIGSTOP: no CPU at all (before a benchmark)
#   bash Models/training/background.sh continue   # SIGCONT
#   bash Models/training/background.sh stop       # SIGTERM; --resume goes on from the last finished epoch
#
# The log goes to Models/.cache/trainer.log (git-ignored). The run's figures
# are in Models/training/runs/NAME/*.json and its checkpoints in
# Models/training/checkpoints/NAME/ (commit both when you stop working).
set -euo pipefail
cd "$(dirname "$0")/../.."

cache=Models/.cache
pidfile=$cache/trainer.pid
logfile=$cache/trainer.log
mkdir -p "$cache"

running_pid() {
    [[ -f $pidfile ]] || return 1
    local pid; pid=$(cat "$pidfile")
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

case "${1:-}" in
    start)
        config=${2:?usage: background.sh start CONFIG.yaml}
        [[ -f $config ]] || { echo "background.sh: no config $config" >&2; exit 1; }
        if pid=$(running_pid); then echo "background.sh: a trainer is already running (pid $pid)" >&2; exit 1; fi
        nohup nice -n 19 /usr/bin/python3 -u -m Models.training.train --config "$config" --resume \
            >>"$logfile" 2>&1 </dev/null &
        echo $! >"$pidfile"
        echo "background.sh: started $config (pid $!, nice 19); log $logfile"
        ;;
    status)
        if pid=$(running_pid); then
            state=$(awk '{print $3}' "/proc/$pid/stat")
            [[ $state == T ]] && echo "paused (pid $pid)" || echo "running (pid $pid)"
        else
            echo "not running"
        fi
        [[ -f $logfile ]] && grep -E '^(epoch|run|resuming|best|stopped)' "$logfile" | tail -n 1 || true
        ;;
    pause)
        pid=$(running_pid) || { echo "background.sh: no trainer running"; exit 0; }
        kill -STOP "$pid"; echo "paused (pid $pid)"
        ;;
    continue)
        pid=$(running_pid) || { echo "background.sh: no trainer running"; exit 0; }
        kill -CONT "$pid"; echo "continued (pid $pid)"
        ;;
    stop)
        pid=$(running_pid) || { echo "background.sh: no trainer running"; exit 0; }
        kill -CONT "$pid"; kill -TERM "$pid"; echo "stopped (pid $pid); resume with: background.sh start CONFIG"
        ;;
    *)
        sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
