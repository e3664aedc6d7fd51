"""Tests of background.sh, the queue that runs training configs one after the
other at nice 19, with a stand-in trainer (TRAINER_COMMAND) whose behaviour
each fake config names (sleep N, or exit N) and a temporary log folder
(TRAINER_CACHE), so the real trainer and its log are never touched:

    /usr/bin/python3 -m unittest discover -s Models/training/tests -t .
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "background.sh"

#: Stand-in for train.py: records its arguments, then does what the config says.
FAKE_TRAINER = """#!/usr/bin/env bash
echo "$*" >>"$TRAINER_CACHE/calls"
action=$(cat "$2")
case $action in
    sleep*) echo "epoch 1/1: $2"; ${action} ;;
    exit*) echo "failing: $2"; ${action} ;;
esac
"""


class BackgroundQueueTests(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        trainer = self.dir / "fake-trainer"
        trainer.write_text(FAKE_TRAINER)
        trainer.chmod(0o755)
        self.env = dict(os.environ, TRAINER_CACHE=str(self.dir / "cache"), TRAINER_COMMAND=str(trainer))
        self.addCleanup(lambda: self.script("stop"))

    def config(self, name: str, action: str) -> str:
        path = self.dir / f"{name}.yaml"
        path.write_text(action)
        return str(path)

    def script(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(SCRIPT), *args], env=self.env, capture_output=True, text=True,
                              timeout=30)

    def log(self) -> str:
        path = self.dir / "cache" / "trainer.log"
        return path.read_text() if path.exists() else ""

    def calls(self) -> list[str]:
        path = self.dir / "cache" / "calls"
        return path.read_text().splitlines() if path.exists() else []

    def wait_for(self, text: str, seconds: float = 20) -> None:
        end = time.time() + seconds
        while text not in self.log():
            if time.time() > end:
                self.fail(f"no {text!r} in the log within {seconds} s:\n{self.log()}")
            time.sleep(0.05)

    def group_states(self) -> list[str]:
        group = (self.dir / "cache" / "trainer.pid").read_text().strip()
        out = subprocess.run(["ps", "-o", "stat=", "-g", group], capture_output=True, text=True).stdout
        return [s[0] for s in out.split()]

    def test_runs_the_configs_in_turn_each_resuming(self):
        a, b = self.config("a", "sleep 0"), self.config("b", "sleep 0")
        started = self.script("start", a, b)
        self.assertEqual(started.returncode, 0, started.stderr)
        self.wait_for("background.sh: queue done")
        self.assertEqual(self.calls(), [f"--config {a} --resume", f"--config {b} --resume"])
        self.assertLess(self.log().index(f"queue: {a}"), self.log().index(f"queue: {b}"))
        self.assertIn("not running", self.script("status").stdout)

    def test_a_failed_run_stops_the_queue(self):
        a, b = self.config("a", "exit 3"), self.config("b", "sleep 0")
        self.script("start", a, b)
        self.wait_for("queue stopped")
        self.assertIn(f"background.sh: {a} failed (exit 3); queue stopped", self.log())
        self.assertEqual(self.calls(), [f"--config {a} --resume"])

    def test_pause_continue_and_stop_reach_the_trainer(self):
        a, b = self.config("a", "sleep 60"), self.config("b", "sleep 0")
        self.script("start", a, b)
        self.wait_for("epoch 1/1")
        self.assertIn("running", self.script("status").stdout)
        self.assertIn("epoch 1/1", self.script("status").stdout)
        self.script("pause")
        self.assertEqual(set(self.group_states()), {"T"}, "every process of the queue stopped")
        self.assertIn("paused", self.script("status").stdout)
        self.script("continue")
        self.assertNotIn("T", self.group_states())
        self.script("stop")
        end = time.time() + 10
        while "not running" not in self.script("status").stdout:
            self.assertLess(time.time(), end, "the queue outlived stop")
            time.sleep(0.05)
        self.assertEqual(len(self.calls()), 1, "stop ends the queue, not only the current run")

    def test_refuses_a_missing_config_and_a_second_queue(self):
        missing = self.script("start", str(self.dir / "missing.yaml"))
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no config", missing.stderr)
        self.assertEqual(self.script("start").returncode, 2)
        a = self.config("a", "sleep 60")
        self.script("start", a)
        self.wait_for("epoch 1/1")
        second = self.script("start", a)
        self.assertEqual(second.returncode, 1)
        self.assertIn("already running", second.stderr)


if __name__ == "__main__":
    unittest.main()
