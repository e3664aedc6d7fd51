#!/usr/bin/env bash
# Makes .venv-tools/ at the repository root: a venv of Debian's
# /usr/bin/python3 with the pinned packages of Tests/tools/requirements.txt
# (kubernetes-validate, PyYAML, dockerfile-parse, schemathesis), for the tests' offline
# checks of Deploy/ (Tests/tools/validate_deploy.py) and of the HTTP API
# against Jobs/api/openapi.yaml (schemathesis), and pandas and duckdb,
# for the test that runs the README's examples of reading timelines and summaries. Safe to run again: it
# does nothing when the venv already holds what requirements.txt pins.
#
# Usage (from anywhere): bash scripts/tools-venv.sh
# Needs python3-venv (scripts/install-deps.sh installs it) and PyPI the
# first time, or whenever requirements.txt changes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-tools"
requirements="$root/Tests/tools/requirements.txt"

# A venv of another interpreter (pyenv's, say) is not the one the tests expect.
if [[ -x "$venv/bin/python" ]] && [[ "$(readlink -f "$venv/bin/python")" != "$(readlink -f /usr/bin/python3)" ]]; then
    echo "tools-venv: $venv does not use /usr/bin/python3; recreating it"
    rm -rf "$venv"
fi
if [[ ! -x "$venv/bin/python" ]]; then
    echo "tools-venv: creating $venv"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
fi

stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "tools-venv: packages already match Tests/tools/requirements.txt"
else
    echo "tools-venv: pip install -r Tests/tools/requirements.txt"
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements"
    "$venv/bin/python" -c "import kubernetes_validate, yaml, dockerfile_parse, pandas, duckdb, schemathesis"
    echo "$wanted" > "$stamp"
fi
