"""Unit tests of results.run_log_of, which export.py uses for the provenance:

    /usr/bin/python3 -m unittest discover -s Models/training/tests -t .
"""
from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path

from Models.training import results as E


class RunLogTests(unittest.TestCase):
    """The provenance of an export names the run's config and commit, wherever
    the checkpoint was copied to."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        self.runs = self.dir / "runs"
        (self.runs / "ds-long").mkdir(parents=True)
        self.log = {"run": "20261206-014631", "config_name": "ds-long", "git_commit": "abc123"}
        (self.runs / "ds-long" / "20261206-014631.json").write_text(json.dumps(self.log))

    def test_found_in_runs_by_the_run_id_from_a_copied_checkpoint(self):
        copied = self.dir / "elsewhere" / "best.pt"
        self.assertEqual(E.run_log_of(copied, {"run": "20261206-014631"}, self.runs), self.log)

    def test_found_beside_an_older_checkpoint(self):
        old = self.dir / "old-runs" / "dense"
        old.mkdir(parents=True)
        (old / "20261123-180633.json").write_text(json.dumps({"config_name": "dense"}))
        self.assertEqual(E.run_log_of(old / "best.pt", {"run": "20261123-180633"}, self.runs)["config_name"], "dense")

    def test_none_for_an_unknown_or_missing_run(self):
        self.assertEqual(E.run_log_of(self.dir / "best.pt", {"run": "19990101-000000"}, self.runs), {})
        self.assertEqual(E.run_log_of(self.dir / "best.pt", {}, self.runs), {})


if __name__ == "__main__":
    unittest.main()
