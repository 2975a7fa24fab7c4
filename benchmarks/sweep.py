"""Compare training settings side by side: each in its own process, all at once.

    python -m benchmarks.sweep base='{}' lr01='{"learning_rate": 0.1}' \\
        e25='{"augment_settings": {"erase_prob": 0.25}}' seed43='{"seed": 43}'

Each NAME=JSON overrides fields of the bundled model's TrainConfig (and, nested, of its
AugmentSettings), trains on all 60,000 images and prints the test accuracy. A full run per
setting takes hours on 2 CPU cores; the bundled recipe was chosen on a lent GPU machine,
where Keras ran on JAX (`KERAS_BACKEND=jax XLA_PYTHON_CLIENT_PREALLOCATE=false`), eight
settings at once in about four minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import replace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def train_one(overrides: dict) -> dict:
    """Train with the overrides; test accuracy, final train accuracy and seconds."""
    from fashion_cnn.common.data import load_fashion_mnist
    from fashion_cnn.common.settings import AugmentSettings, TrainConfig
    from fashion_cnn.serving.evaluation import evaluate_probabilities
    from fashion_cnn.training.fit import train

    augment_settings = replace(AugmentSettings(), **overrides.pop("augment_settings", {}))
    # XLA on: without it the JAX backend runs every op eagerly, many times slower.
    cfg = replace(TrainConfig(jit_compile=True), augment_settings=augment_settings, **overrides)
    data = load_fashion_mnist()
    result = train(cfg, data)
    x_test = data.x_test[..., None].astype("float32")
    # One model.predict for all 10,000 images: evaluate_on_test exports to ONNX through
    # TensorFlow, which a sweep on the JAX backend does not load.
    probs = result.model.predict(x_test, batch_size=1000, verbose=0)
    return {
        "test_accuracy": evaluate_probabilities(probs, data.y_test)["accuracy"],
        "train_accuracy": float(result.history["accuracy"][-1]),
        "seconds": round(result.seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("settings", nargs="+", metavar="NAME=JSON")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child process: one setting, its result as one JSON line
        print(json.dumps(train_one(json.loads(args.settings[0]))), flush=True)
        return

    children = {}
    for spec in args.settings:
        name, _, overrides = spec.partition("=")
        try:  # fail here, not in a child, on a typo
            json.loads(overrides)
        except ValueError as exc:
            parser.error(f"{spec!r} is not NAME=JSON: {exc}")
        children[name] = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sweep", "--one", overrides],
            stdout=subprocess.PIPE,
            text=True,
        )
    print(f"{'setting':<16} {'test acc':>9} {'train acc':>9} {'seconds':>8}")
    for name, child in children.items():
        out, _ = child.communicate()
        if child.returncode:
            print(f"{name:<16} failed (exit {child.returncode})")
            continue
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{name:<16} {r['test_accuracy']:>9.2%} {r['train_accuracy']:>9.2%} "
            f"{r['seconds']:>8.0f}"
        )


if __name__ == "__main__":
    main()
