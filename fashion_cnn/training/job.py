"""One training run in a process of its own: `python -m fashion_cnn.training.job FD`.

A Dask worker (fashion_cnn.jobs.runs) starts one per run, so TensorFlow's memory goes back to
the system when the run ends, and the worker process itself never imports TensorFlow.

stdin: a pickled TrainConfig, then lines "stop" (after this batch) or "stop-epoch" (after
this epoch). The end of stdin means the worker is gone: the run ends at once, writing
nothing. File descriptor FD: pickled messages, see `PipeProgress` and `main`.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import threading
from multiprocessing.connection import Connection
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras

from fashion_cnn.common.data import load_fashion_mnist
from fashion_cnn.common.settings import TrainConfig
from fashion_cnn.training.export import onnx_bytes
from fashion_cnn.training.fit import StopWhenSet, evaluate_on_test, train
from fashion_cnn.training.snapshots import EpochSnapshots


class PipeProgress(keras.callbacks.Callback):
    """Sends ("batch", n, loss, accuracy), ("snapshot", snap) and ("epoch", logs) messages;
    keeps the weights of each finished epoch, and ends training after an epoch once
    `stop_epoch` is set. An epoch counts as finished here alone: its snapshot, held until
    then, is sent with its logs or dropped with them, so that a run stopped as an epoch
    ended shows the same epochs everywhere."""

    # Keras runs the batch hooks of async-safe callbacks on a thread pool, so the next step
    # starts without waiting for this one's numbers. The lock keeps each message whole;
    # a batch that a later one overtook is dropped, so the chart only moves forward.
    # (Keras waits for those threads before any epoch hook runs.)
    async_safe = True

    def __init__(self, conn: Connection, stop_now: threading.Event, stop_epoch: threading.Event):
        super().__init__()
        self.conn, self.stop_now, self.stop_epoch = conn, stop_now, stop_epoch
        self.last_epoch_weights: list | None = None
        self.epochs_finished = 0
        self.lock = threading.Lock()
        self.batches_sent = 0  # in this epoch
        self.held_snapshot: dict | None = None
        self.ended_early = False  # `stop_epoch` ended training before its last epoch

    def hold_snapshot(self, snapshot: dict) -> None:
        """EpochSnapshots' `publish`: the snapshot waits for its epoch's end."""
        self.held_snapshot = snapshot

    def on_epoch_begin(self, epoch, logs=None):
        self.batches_sent = 0
        self.held_snapshot = None

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        loss, accuracy = float(logs.get("loss", 0)), float(logs["accuracy"])
        with self.lock:
            if batch + 1 > self.batches_sent:
                self.batches_sent = batch + 1
                self.conn.send(("batch", batch + 1, loss, accuracy))

    def on_epoch_end(self, epoch, logs=None):
        if self.stop_now.is_set():
            return  # Keras ends a stopped epoch early; it is not a finished epoch
        self.last_epoch_weights = self.model.get_weights()
        self.epochs_finished += 1
        if self.held_snapshot is not None:
            self.conn.send(("snapshot", self.held_snapshot))
        self.conn.send(("epoch", {k: float(v) for k, v in (logs or {}).items()}))
        if self.stop_epoch.is_set():
            self.model.stop_training = True
            self.ended_early = epoch + 1 < self.params.get("epochs", 0)


def model_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a .keras file, for a download button."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.read_bytes()


def run(cfg: TrainConfig, conn: Connection, stop_now, stop_epoch) -> dict:
    """Train on this machine's copy of the dataset; the result as plain data and bytes."""
    data = load_fashion_mnist()
    n_train = cfg.images_per_epoch(len(data.x_train))
    conn.send(("running", {"batches": -(-n_train // cfg.batch_size), "pid": os.getpid()}))
    live = PipeProgress(conn, stop_now, stop_epoch)
    # The page's "watch it learn" views: test images, never trained on, classified after
    # each epoch (EpochSnapshots goes first: `live` sends its snapshot with the epoch's logs).
    watch = EpochSnapshots(data.x_test, data.y_test, live.hold_snapshot)
    result = train(cfg, data, callbacks=[watch, live, StopWhenSet(stop_now)])
    # Stop cut an epoch short: the run keeps the last whole epoch's weights. A stop that
    # came once training was over (during the evaluation) cut nothing: the run is whole,
    # with its averaged or early stopping's best weights.
    cut = live.epochs_finished < result.epochs_completed
    if cut:
        if live.last_epoch_weights is None:
            return {"epochs_completed": 0, "stopped": True}
        result.model.set_weights(live.last_epoch_weights)
        result.history = {k: v[: live.epochs_finished] for k, v in result.history.items()}
        result.epochs_completed = live.epochs_finished
    conn.send(("evaluating", None))
    onnx = onnx_bytes(result.model)
    return {
        "epochs_completed": result.epochs_completed,
        "stopped": cut or live.ended_early,
        "seconds": result.seconds,
        "history": result.history,
        "test_metrics": evaluate_on_test(onnx, data),
        "onnx_file": onnx,
        "model_file": model_bytes(result.model),
    }


def follow_stdin(stop_now: threading.Event, stop_epoch: threading.Event) -> None:
    """Stop requests from the worker; its end (the worker died) ends this process at once."""
    for line in sys.stdin.buffer:
        if line.strip() == b"stop":
            stop_now.set()
        elif line.strip() == b"stop-epoch":
            stop_epoch.set()
    os._exit(3)


def main(fd: int) -> int:
    conn = Connection(fd, readable=False)
    cfg: TrainConfig = pickle.load(sys.stdin.buffer)
    stop_now, stop_epoch = threading.Event(), threading.Event()
    threading.Thread(target=follow_stdin, args=(stop_now, stop_epoch), daemon=True).start()
    try:
        conn.send(("result", run(cfg, conn, stop_now, stop_epoch)))
        code = 0
    except Exception as exc:  # one line for the page instead of a traceback
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        conn.send(("failed", f"Training failed: {first_line[:300]}"))
        code = 1
    conn.close()
    return code


if __name__ == "__main__":
    status = main(int(sys.argv[1]))
    sys.stdout.flush()
    sys.stderr.flush()
    # No interpreter shutdown: the stdin thread blocks in a read that finalising would
    # trip over, and TensorFlow's teardown only costs time.
    os._exit(status)
