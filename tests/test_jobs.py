"""Training runs as jobs of a real Dask cluster: a scheduler and 2 worker processes, each
run in a training process of its own, on 2,000 real images (no mocks of the engine)."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from distributed import Client

from fashion_cnn.common.settings import QUICK_RUN, TrainConfig
from fashion_cnn.jobs import runs
from fashion_cnn.serving.predictor import Predictor

QUEUED_TIMEOUT = 3.0  # instead of a minute, so the test of a closed page is short


@pytest.fixture(scope="module")
def engine(real_data):
    """An embedded cluster of 2 workers, as FASHION_CNN_WORKERS=2 gives the web server."""
    engine = runs.Engine.start(workers=2, queued_timeout=QUEUED_TIMEOUT)
    yield engine
    engine.close()


def tiny_config(**changes) -> TrainConfig:
    """The Train page's first-visit run, cut to seconds."""
    short = dict(epochs=2, batch_size=64, train_subset=2000, augment=False, warmup_epochs=0)
    return replace(QUICK_RUN, **{**short, **changes})


def wait_for(condition, timeout: float = 120.0, every: float = 0.2):
    """Poll `condition` (as a page would) until it returns something true."""
    deadline = time.time() + timeout
    while not (value := condition()):
        assert time.time() < deadline, "timed out"
        time.sleep(every)
    return value


def views(engine, run_ids, watched=True):
    return [engine.view(run_id, watched=watched) for run_id in run_ids]


def test_two_runs_at_once_a_third_queues_a_fourth_of_a_closed_page_is_cancelled(engine):
    # Two visitors, on two web servers of the same cluster, press Start within a second.
    other_server = runs.Engine(Client(engine.cluster.address, set_as_default=False))
    try:
        first = engine.submit(tiny_config())
        second = other_server.submit(tiny_config(seed=1))
        third = engine.submit(tiny_config(epochs=1))
        closed = engine.submit(tiny_config(epochs=1))  # its page is never looked at again
        unwanted = engine.submit(tiny_config(epochs=1))
        engine.stop(unwanted)  # the queued visitor's Cancel
        assert engine.view(unwanted).state == "cancelled"
        places = [v.queue_position for v in views(engine, [third, closed], watched=False)]
        assert 0 < places[0] < places[1]  # first come, first served
        running = ("running", "evaluating")

        def both_train_third_waits():
            a, b, c = views(engine, [first, second, third])
            return a.state in running and b.state in running and c.state == "queued" and c

        third_view = wait_for(both_train_third_waits)
        assert third_view.queue_position == 1
        # Nobody looked at `closed` for QUEUED_TIMEOUT seconds: cancelled, never trained.
        cancelled = wait_for(
            lambda: (v := engine.view(closed, watched=False)).state == "cancelled" and v, 30
        )
        assert "no page looked at it" in cancelled.message
        done = wait_for(lambda: all(v.done for v in views(engine, [first, second, third])))
        for run_id in (first, second, third):
            view = engine.view(run_id)
            assert view.state == "finished", view.message
            p = view.progress
            assert len(p.epoch_logs) == view.cfg.epochs
            assert len(p.batch_points) == view.cfg.epochs * p.batches  # one point per batch
            assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(p.epoch_logs[0])
            assert view.summary["count"] == 10_000
            # Watch it learn: one confusion matrix per epoch, the last epoch's strip.
            assert len(p.confusions) == view.cfg.epochs and sum(map(sum, p.confusions[0])) == 500
            assert p.snapshot["epoch"] == view.cfg.epochs
            assert np.asarray(p.snapshot["strip_probabilities"]).shape == (20, 10)
        assert done
        # The result travels back: a .keras file and its exported twin, which runs here.
        result = other_server.result(first)
        other_server.close()  # a web server that goes away (or restarts) ...
        assert engine.result(second)["test_metrics"]["count"] == 10_000  # ... loses no run
        assert result["model_file"].startswith(b"PK")  # a .keras file is a zip archive
        probs = Predictor(result["onnx_file"], "trained").probabilities(np.zeros((3, 28, 28)))
        assert probs.shape == (3, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
        pace, start = engine.measured_speed("tiny")  # what the form's estimate is based on
        assert pace > 0 and start > 0
    finally:
        other_server.close()


def test_stop_ends_within_a_batch_and_keeps_finished_epochs(engine):
    run_id = engine.submit(tiny_config(epochs=50))
    wait_for(lambda: (p := engine.view(run_id).progress).epoch >= 2 and p.batch >= 3)
    live = engine.view(run_id).progress
    epochs_done = live.epoch
    # The page's clock runs from when training began (on the worker), not from the last batch.
    assert live.started_at is not None and live.started_at < time.time()
    assert live.elapsed_at(time.time() + 5) >= live.elapsed + 4
    engine.stop(run_id)
    view = wait_for(lambda: (v := engine.view(run_id)).done and v, 60)
    assert view.state == "stopped" and view.message.startswith("Stopped; kept the weights")
    result = engine.result(run_id)
    assert result["epochs_completed"] in (epochs_done, epochs_done + 1)
    assert len(result["history"]["loss"]) == result["epochs_completed"] < 50
    # The kept weights are those of the last finished epoch: after 2, they classify well.
    assert view.summary["accuracy"] > 0.3
    # The page shows what those weights saw: their epochs, no batch of the epoch cut short.
    p, kept = view.progress, result["epochs_completed"]
    assert p.epoch == len(p.epoch_logs) == len(p.confusions) == p.snapshot["epoch"] == kept
    assert max(x for x, _, _ in p.batch_points) == kept


def process_gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists() or "(Z)" in Path(f"/proc/{pid}/stat").read_text()


def test_killed_worker_is_reported_in_one_line_and_other_runs_go_on(engine):
    victim, survivor = engine.submit(tiny_config(epochs=50)), engine.submit(tiny_config(epochs=50))
    wait_for(lambda: all(v.progress.batch >= 2 for v in views(engine, [victim, survivor])))
    key = f"train-{victim}"
    worker = next(w for w, keys in engine.client.processing().items() if key in keys)
    trainer_pid = engine.client.get_metadata([runs.RUNS_KEY, victim, "pid"])
    os.kill(engine.client.run(os.getpid)[worker], signal.SIGKILL)
    killed_at = time.time()
    view = wait_for(lambda: (v := engine.view(victim)).done and v, 30)
    assert time.time() - killed_at < 5
    assert view.state == "failed" and "\n" not in view.message
    assert "worker training this run stopped" in view.message
    wait_for(lambda: process_gone(trainer_pid), 10)  # no orphan trains on, unseen
    # The other run goes on training.
    before = engine.view(survivor).progress.images_seen
    wait_for(lambda: engine.view(survivor).progress.images_seen > before, 30)
    engine.stop(survivor)
    assert wait_for(lambda: (v := engine.view(survivor)).done and v, 60).state == "stopped"


def test_unreachable_cluster_is_one_line():
    with pytest.raises(runs.EngineUnavailable) as caught:
        runs.Engine.start("tcp://127.0.0.1:9", connect_timeout=2)
    assert "tcp://127.0.0.1:9" in str(caught.value) and "\n" not in str(caught.value)


def test_a_bad_number_of_workers_is_one_line(monkeypatch):
    monkeypatch.setenv(runs.WORKERS_ENV, "two")
    with pytest.raises(runs.EngineUnavailable) as caught:
        runs.workers_wanted()
    assert str(caught.value) == f"{runs.WORKERS_ENV}='two' is not a number of workers"


def test_unknown_run_is_none(engine):
    assert engine.view("no-such-run") is None


def test_unwatched_run_stops_after_its_epoch_and_expires(engine):
    engine.unwatched_timeout = 3.0  # instead of 5 minutes
    try:
        run_id = engine.submit(tiny_config(epochs=50))
    finally:
        engine.unwatched_timeout = runs.UNWATCHED_TIMEOUT
    # Looked at while it waits for a worker (an earlier test's run may still hold one), so
    # it is not cancelled as a queued run of a closed page; then nobody watches
    # (watched=False reads without counting as a look).
    wait_for(lambda: engine.view(run_id).state == "running", 120)
    view = wait_for(lambda: (v := engine.view(run_id, watched=False)).done and v, 120)
    assert view.state == "stopped" and "nobody watched" in view.message
    assert view.summary["accuracy"] > 0.3  # the finished epoch's model was kept and tested
    assert engine.result(run_id)["epochs_completed"] == view.progress.epoch >= 1
    engine.keep_seconds = 0.0  # instead of an hour
    try:
        wait_for(lambda: engine.view(run_id, watched=False) is None, 30)
    finally:
        engine.keep_seconds = runs.KEEP_SECONDS
    assert engine.client.get_dataset(run_id, default=None) is None  # the result is released


def keras_logs(values: list[float], per_epoch: int) -> list[tuple[int, float]]:
    """Per-batch values as Keras logs them: (batch in its epoch, running mean since the
    epoch began)."""
    logs = []
    for start in range(0, len(values), per_epoch):
        epoch = values[start : start + per_epoch]
        logs += [(n, float(np.mean(epoch[:n]))) for n in range(1, len(epoch) + 1)]
    return logs


def test_per_batch_line_runs_on_across_epochs_without_a_jump():
    per_epoch = 15
    losses = 2.0 * np.exp(-np.arange(3 * per_epoch) / 20)  # each batch's own loss
    p = runs.Progress(epochs=3, batches=per_epoch)
    for k, (n, mean) in enumerate(keras_logs(list(losses), per_epoch)):
        p.add_batch(n, mean, 1 - mean / 2, 64, elapsed=k)
        if n == per_epoch:
            p.add_epoch({"loss": mean})
    line = np.array([loss for _, loss, _ in p.batch_points])
    steps = -np.diff(line)
    assert (steps > 0).all()  # falling all along, as the losses do
    for boundary in (per_epoch - 1, 2 * per_epoch - 1):  # the step into the next epoch
        assert steps[boundary] < 1.5 * steps[boundary - 3 : boundary].mean(), steps
    # Messages that each cover several batches (Keras' threads skip some) make the same line.
    q = runs.Progress(epochs=3, batches=per_epoch)
    for k, (n, mean) in enumerate(keras_logs(list(losses), per_epoch)):
        if n % 3 == 0:
            q.add_batch(n, mean, 1 - mean / 2, 64, elapsed=k)
        if n == per_epoch:
            q.add_epoch({"loss": mean})
    assert q.images_seen == p.images_seen == 3 * per_epoch * 64
    assert abs(q.batch_points[-1][1] - p.batch_points[-1][1]) < 0.05


def test_a_run_recorded_with_early_stopping_but_no_validation_still_reads():
    from dataclasses import asdict

    from fashion_cnn.common.settings import TrainConfig

    record = {**asdict(TrainConfig()), "early_stopping": 3}  # no validation share
    assert runs.config_from_dict(record).early_stopping == 0  # what that run did


def test_the_pace_leaves_out_the_start():
    p = runs.Progress(epochs=1, batches=100)
    p.elapsed = 6.0  # starting the process, loading the data, compiling
    p.add_batch(1, 1.0, 0.5, 64, elapsed=6.0)
    for batch in range(2, 101):
        p.elapsed = 6.0 + (batch - 1) * 0.05
        p.add_batch(batch, 1.0, 0.5, 64, elapsed=p.elapsed)
    assert abs(runs.steady_pace(p, 64) - 64 / 0.05) < 1  # 1,280 images/s once it trains
    assert p.images_per_second < 600  # over the whole run, the start included


def test_eta_waits_for_the_pace_after_the_first_batch():
    p = runs.Progress(epochs=5, batches=100)
    p.add_batch(1, 2.3, 0.1, 64, elapsed=12.0)  # loading and compiling took 12 s
    p.elapsed = 12.0
    assert p.eta_seconds is None
    for n in range(2, 21):  # then 0.1 s a batch
        p.add_batch(n, 2.0, 0.2, 64, elapsed=12.0 + 0.1 * (n - 1))
    p.elapsed = 12.0 + 0.1 * 19
    assert p.eta_seconds is None  # 1.9 s measured: not yet
    for n in range(21, 51):
        p.add_batch(n, 2.0, 0.2, 64)
    p.elapsed = 12.0 + 0.1 * 49
    assert p.eta_seconds == pytest.approx(450 * 0.1)  # 450 batches left at 0.1 s each


def test_a_stopped_run_forgets_what_came_after_its_kept_epoch():
    p = runs.Progress(epochs=10, batches=4)
    for epoch in range(3):
        for n in range(1, 5):
            p.add_batch(n, 1.0, 0.5, 64)
        p.add_snapshot({"epoch": epoch + 1, "confusion": [[epoch]]})
        p.add_epoch({"loss": 1.0})
    p.add_batch(1, 1.0, 0.5, 64)  # the epoch that Stop cut short
    p.keep_epochs(2)  # the run kept epoch 2's weights
    assert p.epoch == len(p.epoch_logs) == len(p.confusions) == 2
    assert max(x for x, _, _ in p.batch_points) == 2
    assert p.snapshot is None  # epoch 3's strip is not epoch 2's


def test_the_clock_runs_on_between_epochs_and_says_what_the_run_does():
    """Between epochs no batch comes for a second or more: the clock runs on from the run's
    start, and the line says the epoch is being measured, then that the next is starting."""
    from fashion_cnn.ui.wording import run_position

    p = runs.Progress(epochs=3, batches=4, started_at=1000.0)

    def line(now: float) -> tuple[str, float]:
        return run_position(p.epoch, p.epochs, p.batch, p.batches), p.elapsed_at(now)

    for n in range(1, 4):
        p.add_batch(n, 1.0, 0.5, 64, elapsed=n)
    p.elapsed = 3.0  # as the relay published it
    assert line(1003.5) == ("Epoch 1/3 · batch 3/4", 3.5)
    p.add_batch(4, 1.0, 0.5, 64, elapsed=4.0)  # the epoch's last batch
    p.elapsed = 4.0
    assert line(1006.5) == ("Epoch 1/3 trained · measuring it on held-out images…", 6.5)
    p.add_epoch({"loss": 1.0})
    assert line(1008.0) == ("Epoch 1/3 done · starting epoch 2…", 8.0)
    p.add_batch(1, 1.0, 0.5, 64, elapsed=9.0)
    p.elapsed = 9.0
    assert line(1009.5) == ("Epoch 2/3 · batch 1/4", 9.5)
    for _ in range(2):
        for n in range(1, 5):
            p.add_batch(n, 1.0, 0.5, 64)
        p.add_epoch({"loss": 1.0})
    assert line(1020.0)[0] == "All 3 epochs trained · wrapping up…"
    # A web server whose clock lags the worker's never shows less than the worker measured.
    p.elapsed = 25.0
    assert p.elapsed_at(1010.0) == 25.0
    assert runs.Progress(elapsed=3.0).elapsed_at(1e9) == 3.0  # no start known: as measured
