#!/usr/bin/env bash
# Runs training configs in the background at the lowest CPU priority
# (nice -n 19: builds, tests and everything else go first), one after the
# other, each resuming from its committed checkpoint, and pauses them around
# benchmarks.
#
#   bash Models/training/background.sh start CONFIG.yaml [CONFIG.yaml ...]
#                                                 # in turn; a finished run is skipped,
#                                                 # a failed one stops the queue
#   bash Models/training/background.sh status     # running or paused, which config, the last epoch line
#   bash Models/training/background.sh pause      # SIGSTOP: no CPU at all (before a benchmark)
#   bash Models/training/background.sh continue   # SIGCONT
#   bash Models/training/background.sh stop       # SIGTERM; --resume goes on from the last finished epoch
#
# The log goes to Models/.cache/trainer.log (git-ignored). Each run's figures
# are in Models/training/runs/NAME/*.json and its checkpoints in
# Models/training/checkpoints/NAME/ (commit both when you stop working).
# TRAINER_CACHE and TRAINER_COMMAND override the log folder and the command
# that takes "--config FILE --resume" (the script's own tests use both).
set -euo pipefail
cd "$(dirname "$0")/../.."

cache=${TRAINER_CACHE:-Models/.cache}
trainer=${TRAINER_COMMAND:-/usr/bin/python3 -u -m Models.training.train}
pidfile=$cache/trainer.pid
logfile=$cache/trainer.log
mkdir -p "$cache"

# The queue runs in its own process group (setsid), whose id is in the pid
# file: pause, continue and stop signal the whole group, the trainer with it.
running_group() {
    [[ -f $pidfile ]] || return 1
    local group; group=$(cat "$pidfile")
    kill -0 -- "-$group" 2>/dev/null || return 1
    echo "$group"
}

case "${1:-}" in
    start)
        shift
        (($# > 0)) || { echo "usage: background.sh start CONFIG.yaml [CONFIG.yaml ...]" >&2; exit 2; }
        for config in "$@"; do
            [[ -f $config ]] || { echo "background.sh: no config $config" >&2; exit 1; }
        done
        if group=$(running_group); then echo "background.sh: a trainer is already running (group $group)" >&2; exit 1; fi
        rm -f "$pidfile"
        # shellcheck disable=SC2016  # expanded by the queue's own shell
        setsid nice -n 19 bash -c '
            echo $$ >"$1"                  # this shell leads the new process group
            trainer=$2; shift 2
            for config in "$@"; do
                echo "background.sh: queue: $config"
                $trainer --config "$config" --resume || {
                    status=$?; echo "background.sh: $config failed (exit $status); queue stopped"; exit "$status"; }
            done
            echo "background.sh: queue done"' queue "$pidfile" "$trainer" "$@" >>"$logfile" 2>&1 </dev/null &
        for _ in $(seq 50); do [[ -s $pidfile ]] && break; sleep 0.1; done
        echo "background.sh: started $* (group $(cat "$pidfile"), nice 19); log $logfile"
        ;;
    status)
        if group=$(running_group); then
            state=$(ps -o stat= -g "$group" | grep -c '^T' || true)
            ((state > 0)) && echo "paused (group $group)" || echo "running (group $group)"
        else
            echo "not running"
        fi
        [[ -f $logfile ]] && grep -E '^(background.sh: queue: |epoch|run |resuming|best|stopped)' "$logfile" | tail -n 2 || true
        ;;
    pause)
        group=$(running_group) || { echo "background.sh: no trainer running"; exit 0; }
        kill -STOP -- "-$group"; echo "paused (group $group)"
        ;;
    continue)
        group=$(running_group) || { echo "background.sh: no trainer running"; exit 0; }
        kill -CONT -- "-$group"; echo "continued (group $group)"
        ;;
    stop)
        group=$(running_group) || { echo "background.sh: no trainer running"; exit 0; }
        kill -CONT -- "-$group"; kill -TERM -- "-$group"
        echo "stopped (group $group); go on with: background.sh start CONFIG [CONFIG ...]"
        ;;
    *)
        sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
