"""Latency of one 280x280 canvas drawing: preprocessing plus prediction.

    python -m benchmarks.classify_latency [--runs 300]

Prints p50/p95 for the warmed tf.function path the app uses, and for model.predict.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from PIL import Image, ImageDraw

from fashion_cnn.evaluation import make_predictor
from fashion_cnn.model import load_model
from fashion_cnn.preprocess import preprocess
from tests.test_browser import TSHIRT  # the outline the browser test draws


def tshirt_drawing() -> np.ndarray:
    """An RGBA canvas export: a T-shirt outline in white strokes on transparent ground."""
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line(TSHIRT, fill=(255, 255, 255, 255), width=14, joint="curve")
    return np.asarray(canvas)


def percentiles(samples: list[float]) -> str:
    ms = np.array(samples) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms   p95 {np.percentile(ms, 95):6.2f} ms"


def time_it(fn, runs: int) -> list[float]:
    for _ in range(5):
        fn()  # warm up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    model = load_model()
    predict = make_predictor(model)
    drawing = tshirt_drawing()

    pre_only = time_it(lambda: preprocess(drawing, "drawing"), args.runs)
    fast = time_it(lambda: predict(preprocess(drawing, "drawing").image), args.runs)
    slow = time_it(
        lambda: model.predict(
            preprocess(drawing, "drawing").image[None, ..., None].astype("float32"), verbose=0
        ),
        max(50, args.runs // 5),
    )
    print(f"preprocessing only           {percentiles(pre_only)}")
    print(f"preprocess + tf.function     {percentiles(fast)}")
    print(f"preprocess + model.predict   {percentiles(slow)}")
    print(f"model.predict / tf.function  p50 ratio {np.median(slow) / np.median(fast):.1f}x")


if __name__ == "__main__":
    main()
