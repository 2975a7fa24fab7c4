"""Time to classify all 10,000 test images, cold (fresh process) and warm.

python -m benchmarks.evaluate_time
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

start = time.perf_counter()
import tensorflow  # noqa: E402, F401

from fashion_cnn.data import load_fashion_mnist  # noqa: E402
from fashion_cnn.evaluation import (  # noqa: E402
    evaluate_probabilities,
    make_predictor,
    predict_in_batches,
)
from fashion_cnn.model import load_model  # noqa: E402


def main() -> None:
    imported = time.perf_counter()
    data = load_fashion_mnist()
    loaded_data = time.perf_counter()
    model = load_model()
    predict = make_predictor(model)
    ready = time.perf_counter()
    metrics = evaluate_probabilities(predict_in_batches(predict, data.x_test), data.y_test)
    cold = time.perf_counter()
    predict_in_batches(predict, data.x_test)
    warm = time.perf_counter()
    print(f"import TensorFlow            {imported - start:5.2f} s")
    print(f"load dataset                 {loaded_data - imported:5.2f} s")
    print(f"load model + trace           {ready - loaded_data:5.2f} s")
    print(
        f"10,000 images, first pass    {cold - ready:5.2f} s  (accuracy {metrics['accuracy']:.2%})"
    )
    print(f"10,000 images, second pass   {warm - cold:5.2f} s")
    print(f"cold total after import     {cold - imported:5.2f} s")


if __name__ == "__main__":
    main()
