#!/usr/bin/python3
"""Checks mien output files against Jobs/schema/.

    /usr/bin/python3 Tests/tools/validate_timeline.py FILE...

FILE is a <name>.timeline.jsonl (every line against timeline-record.schema.json,
plus what JSON Schema cannot say: probs sum to 1 within 1e-3, emotion is the
arg-max of probs and confidence its value, t never decreases, faces are sorted
by track, each track at most once per line) or a <name>.meta.json (against
meta.schema.json, plus: the status counts add up to records; a timeline named
by the meta, when it lies beside it, has the counts the meta gives).

Prints `path:line: problem` for each problem (line 0 for a whole-file problem)
and exits 1 if there was any, 2 on bad usage or a missing jsonschema package.
Needs Debian's python3-jsonschema (scripts/install-deps.sh installs it).
"""
import json
import math
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_timeline: no jsonschema module in %s; run scripts/install-deps.sh "
             "(it installs python3-jsonschema)" % sys.executable)

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Jobs", "schema")
EMOTIONS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
SUM_TOLERANCE = 1e-3


def load_validator(name):
    with open(os.path.join(SCHEMA_DIR, name)) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_problems(validator, value):
    """One sentence per schema violation, naming where in the value it is."""
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        if error.context:  # "not valid under any of the given schemas": say why for the closest one
            error = jsonschema.exceptions.best_match(error.context)
        where = "/".join(str(p) for p in error.absolute_path)
        message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
        yield ("%s: %s" % (where, message)) if where else message


def probs_problems(probs, where):
    total = sum(probs.values())
    if abs(total - 1) > SUM_TOLERANCE:
        yield "%s: probs sum to %.6f, not 1 (tolerance %g)" % (where, total, SUM_TOLERANCE)


def face_problems(face, where):
    probs = face["probs"]
    yield from probs_problems(probs, where)
    # The first of equal maxima, in the order above, as the writer picks it.
    best = max(EMOTIONS, key=lambda e: (probs[e], -EMOTIONS.index(e)))
    if face["emotion"] != best:
        yield "%s: emotion is %s but the arg-max of probs is %s" % (where, face["emotion"], best)
    if face["confidence"] != probs[face["emotion"]]:
        yield "%s: confidence %r is not probs[%s] = %r" % (where, face["confidence"], face["emotion"],
                                                           probs[face["emotion"]])
    if "smoothed" in face:
        # smoothed.emotion is not checked against its probs: with hmm it is the Viterbi state.
        yield from probs_problems(face["smoothed"]["probs"], where + "/smoothed")


def check_timeline(path, report):
    validator = load_validator("timeline-record.schema.json")
    previous_t = None
    counts = {"records": 0, "faces": 0, "tracks": set()}
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, start=1):
            if not text.endswith("\n"):
                report(number, "line does not end with a newline (file cut off?)")
            if not text.strip():
                report(number, "empty line")
                continue
            try:
                record = json.loads(text)
            except ValueError as e:
                report(number, "not JSON: %s" % e)
                continue
            problems = list(schema_problems(validator, record))
            for problem in problems:
                report(number, problem)
            if problems:
                continue
            counts["records"] += 1
            t = record["t"]
            if previous_t is not None and t < previous_t:
                report(number, "t %r is earlier than the line before (%r)" % (t, previous_t))
            previous_t = t
            tracks = [face["track"] for face in record["faces"]]
            if tracks != sorted(tracks):
                report(number, "faces are not sorted by track: %s" % tracks)
            if len(set(tracks)) != len(tracks):
                report(number, "a track appears twice: %s" % tracks)
            for i, face in enumerate(record["faces"]):
                for problem in face_problems(face, "faces/%d" % i):
                    report(number, problem)
            counts["faces"] += len(tracks)
            counts["tracks"].update(tracks)
    if counts["records"] == 0:
        report(0, "no records")
    counts["tracks"] = len(counts["tracks"])
    return counts


def check_meta(path, report):
    validator = load_validator("meta.schema.json")
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
    except ValueError as e:
        report(0, "not JSON: %s" % e)
        return
    problems = list(schema_problems(validator, meta))
    for problem in problems:
        report(0, problem)
    if problems:
        return
    counts = meta["counts"]
    by_status = sum(counts[s] for s in ["ok", "damaged", "undecodable", "failed"])
    if by_status != counts["records"]:
        report(0, "counts: ok+damaged+undecodable+failed = %d, records = %d" % (by_status, counts["records"]))
    timeline = meta["timeline"] and os.path.join(os.path.dirname(path), meta["timeline"])
    if timeline and os.path.exists(timeline):
        found = check_timeline(timeline, lambda line, problem: None)
        for key in ["records", "faces", "tracks"]:
            if found[key] != counts[key]:
                report(0, "counts/%s is %d but %s has %d" % (key, counts[key], meta["timeline"], found[key]))


def main(paths):
    if not paths:
        sys.exit(__doc__)
    problem_count = 0
    for path in paths:
        def report(line, problem, path=path):
            nonlocal problem_count
            problem_count += 1
            print("%s:%d: %s" % (path, line, problem))
        try:
            if path.endswith(".timeline.jsonl"):
                check_timeline(path, report)
            elif path.endswith(".meta.json"):
                check_meta(path, report)
            else:
                report(0, "not a .timeline.jsonl or .meta.json file")
        except OSError as e:
            report(0, "cannot read: %s" % e.strerror)
    return 1 if problem_count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
