#!/usr/bin/env bash
# Checks a finished training run the way Mien would ship it, without touching
# the shipped model files: exports its best.pt into a model folder of its own
# (the shipped detectors and classifiers copied beside it), calibrates its
# int8 form, runs Swift's `mien eval --compare expression-net
# expression-net:int8` on FER-2013 PublicTest in that folder, and prints
# PyTorch's figures next to Swift's. Fails (exit 1) where they differ by more
# than 0.1 points, the issue's bar. Then the shipped expression-net against
# the run's (`mien eval --compare expression-net expression-net
# --compare-models OUT_DIR`): both accuracies, the paired difference and
# McNemar's test, saved as OUT_DIR/against-shipped.txt.
#
#   bash Models/training/check_run.sh ds-long              # folder Models/.cache/check/ds-long
#   bash Models/training/check_run.sh ds-long /tmp/ds-long # another folder
#   METHODS=p99.999 bash Models/training/check_run.sh ds-long   # one calibration method (quicker)
#
# Needs Models/.venv (bash Models/setup.sh), the FER-2013 cache the trainer
# unpacks (Models/.cache/fer2013/publictest); it builds (or brings up to date)
# the release mien. The shipped files stay as they are; to ship the
# run, export and quantize into Models/ itself (Models/training/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

name=${1:?usage: check_run.sh CONFIG_NAME [OUT_DIR]}
out=${2:-Models/.cache/check/$name}
checkpoint=Models/training/checkpoints/$name/best.pt
dataset=Models/.cache/fer2013/publictest
python=Models/.venv/bin/python
[[ -f $checkpoint ]] || { echo "check_run.sh: no $checkpoint (has the run $name started?)" >&2; exit 1; }
[[ -d $dataset ]] || { echo "check_run.sh: no $dataset; a training run unpacks it (Models/training/README.md)" >&2; exit 1; }
[[ -x $python ]] || { echo "check_run.sh: no $python; run bash Models/setup.sh first" >&2; exit 1; }

mien=.build/release/mien
swift build -c release --product mien   # incremental: a stale binary would check old Swift code
mkdir -p "$out/reference"
cp Models/*.safetensors Models/*.int8.json "$out/"
cp Models/reference/* "$out/reference/"
# A copy: the trainer may replace best.pt while this runs.
cp "$checkpoint" "$out/best.pt"
checkpoint=$out/best.pt

echo "== export Models/training/checkpoints/$name/best.pt -> $out"
"$python" -m Models.training.export --checkpoint "$checkpoint" --out-dir "$out"
echo "== int8 calibration"
# shellcheck disable=SC2086  # METHODS is a list of words
"$python" -m Models.quantize_expression_net --weights "$out/expression_net.safetensors" --out-dir "$out" \
    ${METHODS:+--methods $METHODS}
echo "== mien eval --compare expression-net expression-net:int8 (Swift, $out)"
MIEN_MODELS=$out "$mien" eval --dataset "$dataset" --compare expression-net expression-net:int8 --json >"$out/eval.json"

/usr/bin/python3 - "$checkpoint" "$out" <<'PY'
import json, sys
from pathlib import Path
import torch

checkpoint, out = sys.argv[1], Path(sys.argv[2])
ckpt = torch.load(checkpoint, map_location="cpu")
int8 = json.loads((out / "expression_net.int8.json").read_text())
swift = json.loads((out / "eval.json").read_text())
rows = [("float32", ckpt["val_acc"], swift["a"]["accuracy"]),
        ("int8", int8["publictest"]["int8_simulated"], swift["b"]["accuracy"])]
print(f"\n{checkpoint}: epoch {ckpt['epoch']}, {swift['n']} PublicTest images")
print(f"{'':8} {'PyTorch':>9} {'Swift':>9} {'points':>7}")
worst = 0.0
for label, torch_acc, swift_acc in rows:
    diff = (swift_acc - torch_acc) * 100
    worst = max(worst, abs(diff))
    print(f"{label:8} {torch_acc:9.2%} {swift_acc:9.2%} {diff:+7.2f}")
print("(PyTorch float32: train.py's evaluation of best.pt; int8: quantize_expression_net.py's exact simulation)")
if worst > 0.1:
    sys.exit(f"check_run.sh: PyTorch and Swift differ by {worst:.2f} points (> 0.1)")
print("agree within 0.1 points")
PY
echo
echo "== mien eval --compare expression-net expression-net --compare-models $out (A: the shipped model, B: the run)"
"$mien" eval --dataset "$dataset" --compare expression-net expression-net --compare-models "$out" | tee "$out/against-shipped.txt"
