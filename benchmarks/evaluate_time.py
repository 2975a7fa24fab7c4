"""Time to classify all 10,000 test images in a fresh process, cold and warm.

    python -m benchmarks.evaluate_time [--keras]

The app's path: ONNX Runtime on the exported model. With --keras, also the traced Keras
function the app used before (TensorFlow import excluded), and the ratio.
"""

from __future__ import annotations

import argparse
import os
import time

start = time.perf_counter()
from fashion_cnn.common.data import load_fashion_mnist  # noqa: E402
from fashion_cnn.serving.evaluation import evaluate_probabilities  # noqa: E402
from fashion_cnn.serving.predictor import load_bundled  # noqa: E402


def keras_pass(images) -> float:
    """Seconds for the old path's first pass: load, trace, 10,000 images 1,000 at a time."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    from fashion_cnn.training.model import load_model

    begin = time.perf_counter()
    model = load_model()
    spec = tf.TensorSpec([None, 28, 28, 1], tf.float32)
    traced = tf.function(lambda x: model(x, training=False), input_signature=[spec])
    x = images[..., None].astype("float32")
    for i in range(0, len(x), 1000):
        traced(tf.constant(x[i : i + 1000])).numpy()
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keras", action="store_true", help="also time the old Keras path")
    args = parser.parse_args()
    imported = time.perf_counter()
    data = load_fashion_mnist()
    loaded_data = time.perf_counter()
    predictor = load_bundled()
    ready = time.perf_counter()
    metrics = evaluate_probabilities(predictor.probabilities(data.x_test), data.y_test)
    cold = time.perf_counter()
    predictor.probabilities(data.x_test)
    warm = time.perf_counter()
    print(f"import ONNX Runtime and the package  {imported - start:5.2f} s")
    print(f"load dataset                         {loaded_data - imported:5.2f} s")
    print(f"load the exported model              {ready - loaded_data:5.2f} s")
    accuracy = metrics["accuracy"]
    print(f"10,000 images, first pass            {cold - ready:5.2f} s  ({accuracy:.2%})")
    print(f"10,000 images, second pass           {warm - cold:5.2f} s")
    print(f"cold: model load + first pass        {cold - loaded_data:5.2f} s")
    if args.keras:
        old = keras_pass(data.x_test)
        print(f"Keras: model load + trace + pass     {old:5.2f} s")
        print(f"Keras / ONNX Runtime, cold           {old / (cold - loaded_data):5.1f}x")


if __name__ == "__main__":
    main()
