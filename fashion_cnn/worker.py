"""Background training runs that a page can watch, stop and outlive (no Streamlit here).

A run trains in its own thread and writes progress into a lock-protected buffer; the page
polls `snapshot()`. A server-wide slot limit keeps a hosted demo from being overloaded.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import keras

from fashion_cnn.config import TrainConfig
from fashion_cnn.data import FashionMNIST
from fashion_cnn.export import onnx_bytes
from fashion_cnn.training import (
    StopWhenSet,
    TrainResult,
    evaluate_on_test,
    train,
)

MAX_POINTS = 400  # per-batch points kept per series; older ones are thinned


def _max_runs() -> int:
    return max(1, int(os.environ.get("FASHION_CNN_MAX_RUNS", "1")))


class RunSlots:
    """At most `limit` runs train at once across the whole server; the rest wait."""

    def __init__(self, limit: int):
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.waiting = 0

    def acquire(self, cancelled: threading.Event) -> bool:
        """Wait for a slot; False if `cancelled` is set first."""
        with self._lock:
            self.waiting += 1
        try:
            while not cancelled.is_set():
                if self._semaphore.acquire(timeout=0.2):
                    return True
            return False
        finally:
            with self._lock:
                self.waiting -= 1

    def release(self) -> None:
        self._semaphore.release()


SLOTS = RunSlots(_max_runs())


@dataclass
class Progress:
    """What the page shows; a copy, safe to read without the lock."""

    state: str = "queued"  # queued, running, evaluating, finished, stopped, failed
    epoch: int = 0  # epochs finished
    epochs: int = 0
    batch: int = 0  # batches finished in the current epoch
    batches: int = 0
    images_seen: int = 0
    elapsed: float = 0.0
    batch_points: list[tuple[float, float, float]] = field(default_factory=list)  # (x, loss, acc)
    epoch_logs: list[dict[str, float]] = field(default_factory=list)
    message: str = ""

    @property
    def images_per_second(self) -> float:
        return self.images_seen / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def fraction_done(self) -> float:
        total = self.epochs * self.batches
        return min(1.0, (self.epoch * self.batches + self.batch) / total) if total else 0.0

    @property
    def eta_seconds(self) -> float | None:
        done = self.fraction_done
        return self.elapsed * (1 - done) / done if done > 0 else None


class LiveProgress(keras.callbacks.Callback):
    """Feeds a TrainingRun's buffer, and keeps the weights of each finished epoch."""

    def __init__(self, run: TrainingRun):
        super().__init__()
        self.run = run
        self.last_epoch_weights: list | None = None

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        self.run._record_batch(
            batch + 1, float(logs.get("loss", 0)), float(logs.get("accuracy", 0))
        )

    def on_epoch_end(self, epoch, logs=None):
        if self.run.stop_requested.is_set():
            return  # Keras ends a stopped epoch early; it is not a finished epoch
        self.last_epoch_weights = self.model.get_weights()
        self.run._record_epoch({k: float(v) for k, v in (logs or {}).items()})


class TrainingRun:
    """One background training run: start(), stop(), snapshot()."""

    def __init__(self, cfg: TrainConfig, data: FashionMNIST, slots: RunSlots = SLOTS):
        self.cfg, self.data, self.slots = cfg, data, slots
        self.stop_requested = threading.Event()
        self._lock = threading.Lock()
        self._progress = Progress(epochs=cfg.epochs)
        self._started = 0.0
        self._thread = threading.Thread(target=self._work, daemon=True, name="training-run")
        self.result: TrainResult | None = None
        self.test_metrics: dict | None = None
        self.model_file: bytes | None = None  # the .keras file, for downloading
        self.onnx_file: bytes | None = None  # its exported twin, for the pages and download

    def start(self) -> TrainingRun:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_requested.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def done(self) -> bool:
        return self.snapshot().state in ("finished", "stopped", "failed")

    def snapshot(self) -> Progress:
        with self._lock:
            p = self._progress
            if p.state in ("running", "evaluating"):
                p.elapsed = time.perf_counter() - self._started
            return replace(p, batch_points=list(p.batch_points), epoch_logs=list(p.epoch_logs))

    def _update(self, **changes) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self._progress, name, value)

    def _record_batch(self, batch: int, loss: float, accuracy: float) -> None:
        with self._lock:
            p = self._progress
            p.batch = batch
            p.images_seen += self.cfg.batch_size
            p.batch_points.append((p.epoch + batch / max(p.batches, 1), loss, accuracy))
            if len(p.batch_points) > MAX_POINTS:
                p.batch_points = p.batch_points[::2]  # thin evenly, keep the newest

    def _record_epoch(self, logs: dict[str, float]) -> None:
        with self._lock:
            p = self._progress
            p.epoch += 1
            p.batch = 0
            p.epoch_logs.append({"epoch": p.epoch, **logs})

    def _work(self) -> None:
        if not self.slots.acquire(self.stop_requested):
            self._update(state="stopped", message="Cancelled while waiting for a free slot.")
            return
        try:
            self._train()
        except Exception as exc:  # surfaces on the page instead of dying silently
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self._update(state="failed", message=f"Training failed: {first_line[:300]}")
        finally:
            self.slots.release()

    def _train(self) -> None:
        cfg = self.cfg
        n_images = cfg.train_subset or len(self.data.x_train)
        n_train = n_images - int(n_images * cfg.validation_split)  # as split_training_data
        self._update(state="running", batches=-(-n_train // cfg.batch_size))
        self._started = time.perf_counter()
        live = LiveProgress(self)
        result = train(cfg, self.data, callbacks=[live, StopWhenSet(self.stop_requested)])
        if self.stop_requested.is_set():
            if live.last_epoch_weights is None:
                self._update(state="stopped", message="Stopped before the first epoch ended.")
                return
            result.model.set_weights(live.last_epoch_weights)
            kept = self.snapshot().epoch
            result.history = {k: v[:kept] for k, v in result.history.items()}
            result.epochs_completed = kept
        self._update(state="evaluating")
        self.onnx_file = onnx_bytes(result.model)
        self.test_metrics = evaluate_on_test(self.onnx_file, self.data)
        self.model_file = model_bytes(result.model)
        self.result = result
        stopped = self.stop_requested.is_set()
        self._update(
            state="stopped" if stopped else "finished",
            message=f"Stopped; kept the weights of epoch {result.epochs_completed}."
            if stopped
            else f"Finished {result.epochs_completed} epochs.",
        )


def model_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a .keras file, for a download button."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.read_bytes()
