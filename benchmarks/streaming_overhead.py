"""Cost of streaming progress out of a training process: the same fit with and without
the callbacks a run on the Train page has: train_job.PipeProgress sending every batch down
a pipe (drained as the worker's relay does) and watch.EpochSnapshots classifying 500 fixed
test images after each epoch.

    python -m benchmarks.streaming_overhead [--architecture tiny] [--images 20000] [--rounds 3]

Runs alternate in one process (plain, live, plain, live, ...) so drift hits both alike.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import threading
from multiprocessing import Pipe

import numpy as np

from fashion_cnn.config import TrainConfig
from fashion_cnn.data import load_fashion_mnist
from fashion_cnn.train_job import PipeProgress
from fashion_cnn.training import train
from fashion_cnn.watch import EpochSnapshots


def drain(conn) -> None:
    """Read messages until the sender closes, as jobs.Relay does."""
    try:
        while True:
            conn.recv()
    except EOFError:
        pass


def live_fit(cfg: TrainConfig, data) -> float:
    """Seconds of one fit that streams every batch and each epoch's snapshot down a pipe."""
    reader, writer = Pipe(duplex=False)
    thread = threading.Thread(target=drain, args=(reader,), daemon=True)
    thread.start()
    watch = EpochSnapshots(data.x_test, data.y_test, lambda snap: writer.send(("snapshot", snap)))
    live = PipeProgress(writer, threading.Event(), threading.Event())
    seconds = train(cfg, data, [watch, live]).seconds
    writer.close()
    thread.join()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--architecture", default="tiny")
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = load_fashion_mnist()
    cfg = TrainConfig(
        architecture=args.architecture,
        epochs=args.epochs,
        optimizer="adam",
        learning_rate=3e-3,
        train_subset=args.images,
        warmup_epochs=0,
    )
    train(TrainConfig(**{**cfg.__dict__, "epochs": 1, "train_subset": 2000}), data)  # warm-up
    plain, live = [], []
    for _ in range(args.rounds):
        plain.append(train(cfg, data).seconds)
        live.append(live_fit(cfg, data))
    p, q = np.median(plain), np.median(live)
    images = args.images * args.epochs
    print(f"{args.architecture}: {args.epochs} epochs x {args.images} images, {args.rounds} rounds")
    print(f"fit, no callbacks       median {p:6.2f} s  ({images / p:,.0f} images/s)  {plain}")
    print(f"fit, live streaming     median {q:6.2f} s  ({images / q:,.0f} images/s)  {live}")
    print(f"overhead                {100 * (q / p - 1):+.2f} %")


if __name__ == "__main__":
    main()
