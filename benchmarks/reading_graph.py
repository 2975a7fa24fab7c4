"""The int8 reading graph against the float twin it was made from, for each bundled CNN.

    python -m benchmarks.reading_graph [--seconds 1.5]

Prints, on the 10,000 test images, each graph's accuracy, how often the two give the same
label and their largest difference in a probability; then images per second on one
thread at batch sizes 1, 6 (a drawing's views), 32 and 256, and the ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import onnxruntime as ort

from fashion_cnn.common import config
from fashion_cnn.common.contract import PROBABILITIES, bundled_model_path, onnx_path
from fashion_cnn.common.data import load_fashion_mnist
from fashion_cnn.serving.predictor import Predictor

BATCHES = (1, 6, 32, 256)


def images_per_second(session: ort.InferenceSession, x: np.ndarray, seconds: float) -> float:
    """Images (N, 28, 28) a second through `session`'s probabilities, `len(x)` a run."""
    feed = {"pixels": x[..., None].astype(np.float32)}
    session.run([PROBABILITIES], feed)  # warm up
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        session.run([PROBABILITIES], feed)
        runs += 1
    return runs * len(x) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.5, help="per timing")
    args = parser.parse_args()
    data = load_fashion_mnist()
    for folder in ("", config.DRAWINGS_DIR):
        path = onnx_path(bundled_model_path(config.MODEL_DIR / folder))
        served = Predictor.load(path, threads=1)
        twin = Predictor(path.read_bytes(), "twin", threads=1)
        if not served.quantized:
            print(f"{path}: no reading graph beside it; run `python -m fashion_cnn export`")
            continue
        p, q = served.probabilities(data.x_test), twin.probabilities(data.x_test)
        print(
            f"{path.stem}: test accuracy int8 {np.mean(p.argmax(1) == data.y_test):.2%}, "
            f"float {np.mean(q.argmax(1) == data.y_test):.2%}; same label "
            f"{np.mean(p.argmax(1) == q.argmax(1)):.2%}; max |dp| {np.abs(p - q).max():.3f}"
        )
        for batch in BATCHES:
            x = data.x_test[:batch]
            sessions = (served.reading_session, twin.reading_session)
            fast, slow = (images_per_second(s, x, args.seconds) for s in sessions)
            print(
                f"  batch {batch:3d}, one thread: int8 {fast:6.0f} images/s, "
                f"float {slow:6.0f}: {fast / slow:.2f}x"
            )


if __name__ == "__main__":
    main()
