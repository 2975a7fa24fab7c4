"""Cost of streaming progress out of a training process: the same fit with and without
the callbacks a run on the Train page has: train_job.PipeProgress sending every batch down
a pipe (drained as the worker's relay does) and watch.EpochSnapshots classifying 500 fixed
test images after each epoch.

    python -m benchmarks.streaming_overhead [--rounds 5] [--architecture tiny]

Settings: the Train page's first-visit run (settings.QUICK_RUN). Two figures:
- time spent inside the callbacks' hooks, as a share of the fit (direct, steady);
- fit time with vs without them, alternating in one process (plain, live, plain, ...) so
  drift hits both alike (includes indirect costs, but on 2 shared cores it is noisy).
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import threading
import time
from dataclasses import replace
from multiprocessing import Pipe

import numpy as np

from fashion_cnn.common.data import load_fashion_mnist
from fashion_cnn.common.settings import QUICK_RUN, TrainConfig
from fashion_cnn.training.fit import train
from fashion_cnn.training.job import PipeProgress
from fashion_cnn.training.snapshots import EpochSnapshots

HOOKS = ("on_train_begin", "on_train_batch_end", "on_epoch_end")


def drain(conn) -> None:
    """Read messages until the sender closes, as fashion_cnn.jobs.runs.Relay does."""
    try:
        while True:
            conn.recv()
    except EOFError:
        pass


def timed(callback, spent: list[float]):
    """The callback, with the seconds its hooks take added to spent[0]."""
    for name in HOOKS:
        hook = getattr(callback, name)

        def wrapper(*args, _hook=hook, **kwargs):
            start = time.perf_counter()
            _hook(*args, **kwargs)
            spent[0] += time.perf_counter() - start

        setattr(callback, name, wrapper)
    return callback


def live_fit(cfg: TrainConfig, data) -> tuple[float, float]:
    """Seconds of one fit that streams every batch and each epoch's snapshot down a pipe,
    and the seconds spent inside those callbacks."""
    reader, writer = Pipe(duplex=False)
    thread = threading.Thread(target=drain, args=(reader,), daemon=True)
    thread.start()
    spent = [0.0]
    watch = EpochSnapshots(data.x_test, data.y_test, lambda snap: writer.send(("snapshot", snap)))
    live = PipeProgress(writer, threading.Event(), threading.Event())
    seconds = train(cfg, data, [timed(watch, spent), timed(live, spent)]).seconds
    writer.close()
    thread.join()
    return seconds, spent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--architecture", default=QUICK_RUN.architecture)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data = load_fashion_mnist()
    cfg = replace(QUICK_RUN, architecture=args.architecture)
    train(replace(cfg, epochs=1, train_subset=2000), data)  # warm-up
    plain, live, inside = [], [], []
    for _ in range(args.rounds):
        plain.append(train(cfg, data).seconds)
        seconds, spent = live_fit(cfg, data)
        live.append(seconds)
        inside.append(spent / seconds)
    p, q = np.median(plain), np.median(live)
    images = cfg.train_subset * (1 - cfg.validation_split) * cfg.epochs
    print(
        f"{cfg.architecture}: {cfg.epochs} epochs x {cfg.train_subset:,} images "
        f"({cfg.validation_split:.0%} validation), {args.rounds} rounds"
    )
    print(f"fit, no callbacks       median {p:6.2f} s  ({images / p:,.0f} images/s)  {plain}")
    print(f"fit, live streaming     median {q:6.2f} s  ({images / q:,.0f} images/s)  {live}")
    print(
        f"inside the callbacks    median {100 * np.median(inside):.2f} % of the fit  "
        f"{np.round(100 * np.array(inside), 2)}"
    )
    print(
        f"overhead, fit vs fit    {100 * (q / p - 1):+.2f} % (median), "
        f"{100 * (min(live) / min(plain) - 1):+.2f} % (best of each)"
    )


if __name__ == "__main__":
    main()
