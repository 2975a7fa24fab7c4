"""Background training runs on tiny data, without Streamlit."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from fashion_cnn.config import TrainConfig
from fashion_cnn.data import FashionMNIST
from fashion_cnn.predict import Predictor
from fashion_cnn.worker import RunSlots, TrainingRun


@pytest.fixture(scope="module")
def tiny_data() -> FashionMNIST:
    """Learnable fake data: each class is a bright bar at its own angle, anywhere in the
    frame (the presets pool globally, so a class cannot be told by position alone)."""
    rng = np.random.default_rng(0)

    def make(n):
        y = np.arange(n, dtype=np.uint8) % 10
        x = rng.integers(0, 40, (n, 28, 28), dtype=np.uint8)
        for i, label in enumerate(y):
            angle = np.pi * label / 10
            cx, cy = rng.uniform(11, 17, 2)
            t = np.linspace(-9, 9, 40)
            cols = np.clip(np.round(cx + t * np.cos(angle)).astype(int), 0, 27)
            rows = np.clip(np.round(cy + t * np.sin(angle)).astype(int), 0, 27)
            x[i, rows, cols] = 250
        return x, y

    (xt, yt), (xs, ys) = make(600), make(200)
    return FashionMNIST(xt, yt, xs, ys, source_dir=None)


def tiny_config(**changes) -> TrainConfig:
    base = dict(
        architecture="tiny",
        epochs=3,
        batch_size=32,
        learning_rate=3e-3,
        optimizer="adam",
        augment=False,
        warmup_epochs=0,
        validation_split=0.1,
    )
    return TrainConfig(**{**base, **changes})


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.02)


def test_run_streams_progress_and_finishes(tiny_data):
    run = TrainingRun(tiny_config(), tiny_data, RunSlots(1)).start()
    run.join(120)
    p = run.snapshot()
    assert p.state == "finished", p.message
    assert p.epoch == 3 and len(p.epoch_logs) == 3
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(p.epoch_logs[0])
    assert len(p.batch_points) == 3 * p.batches  # one point per batch
    assert p.epoch_logs[-1]["loss"] < p.epoch_logs[0]["loss"]
    assert run.test_metrics["count"] == 200
    assert run.model_file.startswith(b"PK")  # a .keras file is a zip archive
    exported = Predictor(run.onnx_file, "trained").probabilities(tiny_data.x_test)
    assert exported.shape == (200, 10) and np.allclose(exported.sum(axis=1), 1, atol=1e-5)


def test_stop_ends_within_a_batch_and_keeps_finished_epochs(tiny_data):
    run = TrainingRun(tiny_config(epochs=50), tiny_data, RunSlots(1)).start()
    wait_until(lambda: run.snapshot().epoch >= 3 and run.snapshot().batch >= 3)
    epochs_done = run.snapshot().epoch
    run.stop()
    run.join(60)
    p = run.snapshot()
    assert p.state == "stopped"
    assert run.result.epochs_completed in (epochs_done, epochs_done + 1)
    assert len(run.result.history["loss"]) == run.result.epochs_completed < 50
    # The kept weights are those of the last finished epoch: after 3, they classify well.
    assert run.test_metrics["accuracy"] > 0.3


def test_error_in_training_reaches_the_page(tiny_data):
    run = TrainingRun(tiny_config(optimizer="rmsprop-typo"), tiny_data, RunSlots(1)).start()
    run.join(60)
    p = run.snapshot()
    assert p.state == "failed"
    assert "rmsprop-typo" in p.message and "\n" not in p.message


def test_concurrency_limit_queues_second_run(tiny_data):
    slots = RunSlots(1)
    first = TrainingRun(tiny_config(epochs=50), tiny_data, slots).start()
    wait_until(lambda: first.snapshot().state == "running")
    second = TrainingRun(tiny_config(epochs=1), tiny_data, slots).start()
    time.sleep(0.5)
    assert second.snapshot().state == "queued" and slots.waiting == 1
    first.stop()
    first.join(60)
    second.join(60)
    assert second.snapshot().state == "finished"


def test_cancel_while_queued(tiny_data):
    slots = RunSlots(1)
    blocker = threading.Event()
    assert slots.acquire(blocker)  # the only slot is taken
    run = TrainingRun(tiny_config(), tiny_data, slots).start()
    time.sleep(0.3)
    run.stop()
    run.join(10)
    assert run.snapshot().state == "stopped" and run.result is None
    slots.release()
