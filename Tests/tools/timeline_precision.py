#!/usr/bin/env python3
"""How many of the faces in Mien timelines are real faces, on labelled clips.

    /usr/bin/python3 Tests/tools/timeline_precision.py TIMELINES_DIR CLIPS_DIR

For every `NAME.timeline.jsonl` in TIMELINES_DIR with `NAME.boxes.jsonl` in
CLIPS_DIR (Tests/tools/make_labelled_clips.py), each timeline record is matched
to the labels of its frame (`frame`), faces in descending score order, each
taking the unmatched labelled face it overlaps most at IoU >= 0.5 (as `mien
bench detect` counts). Prints precision (timeline faces that are real faces)
and recall (labelled faces of the sampled frames that are in the timeline) per
clip and in total, and the `transient_faces` of each meta file.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def iou(a, b) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match(faces: list[tuple[list[float], float]], truth: list[list[float]]) -> int:
    """True positives: detections in score order take the best unmatched label at IoU >= 0.5."""
    taken = [False] * len(truth)
    found = 0
    for box, _ in sorted(faces, key=lambda f: -f[1]):
        best, best_iou = None, 0.5
        for i, t in enumerate(truth):
            if not taken[i] and iou(box, t) >= best_iou:
                best, best_iou = i, iou(box, t)
        if best is not None:
            taken[best] = True
            found += 1
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    timelines, clips = Path(argv[1]), Path(argv[2])
    total = {"faces": 0, "true": 0, "labelled": 0}
    rows = 0
    for timeline in sorted(timelines.glob("*.timeline.jsonl")):
        name = timeline.name[: -len(".timeline.jsonl")]
        labels_path = clips / f"{name}.boxes.jsonl"
        if not labels_path.exists():
            continue
        labels = {}
        for line in labels_path.read_text().splitlines():
            item = json.loads(line)
            labels[item["frame"]] = [f["box"] for f in item["faces"]]
        faces = true = labelled = 0
        for line in timeline.read_text().splitlines():
            record = json.loads(line)
            if record.get("frame") is None or record["frame"] not in labels:
                continue
            truth = labels[record["frame"]]
            found = [([f["box"][0], f["box"][1], f["box"][0] + f["box"][2], f["box"][1] + f["box"][3]], f["score"])
                     for f in record["faces"]]
            faces += len(found)
            true += match(found, truth)
            labelled += len(truth)
        meta = json.loads((timelines / f"{name}.meta.json").read_text())
        transient = meta["counts"].get("transient_faces", 0)
        print(f"{name}: {faces} faces, {true} real ({100 * true / max(1, faces):.2f}%), "
              f"{true} of {labelled} labelled found ({100 * true / max(1, labelled):.2f}%), {transient} transient left out")
        total["faces"] += faces
        total["true"] += true
        total["labelled"] += labelled
        rows += 1
    if rows == 0:
        print(f"no timeline in {timelines} has labels in {clips}", file=sys.stderr)
        return 1
    print(f"all: {total['faces']} faces, precision {100 * total['true'] / max(1, total['faces']):.2f}%, "
          f"recall {100 * total['true'] / max(1, total['labelled']):.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
