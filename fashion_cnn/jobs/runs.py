"""Training runs as jobs of a Dask distributed cluster (no Streamlit, no TensorFlow here).

The web server holds one `Engine`: a Dask client of an embedded cluster (fashion_cnn.jobs.cluster,
started on the first run: `FASHION_CNN_WORKERS` worker processes, one run each at a time)
or of the cluster at `FASHION_CNN_SCHEDULER`. A run is one task, `train_task`, which starts
`fashion_cnn.training.job` in a child process and relays its messages. Everything a page
needs lives on the scheduler, so any web server of the cluster can show any run:

- task metadata `[RUNS_KEY, run_id]`: a plain dict of settings, state, progress, stop
  request and when a page last looked (see `Engine.submit`);
- a published dataset named run_id: the task's future, which keeps the result (test
  metrics, .keras and .onnx bytes) alive on its worker until the run expires.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection

from fashion_cnn.common.config import PROJECT_ROOT, RUN_ID_LENGTH, RUN_KEEP_SECONDS
from fashion_cnn.common.settings import AugmentSettings, TrainConfig

WORKERS_ENV = "FASHION_CNN_WORKERS"  # local worker processes: that many runs at once
SCHEDULER_ENV = "FASHION_CNN_SCHEDULER"  # a cluster's address; unset: embedded cluster
RUNS_KEY = "fashion_cnn_runs"
PACE_KEY = "fashion_cnn_pace"  # per architecture: [images/s, seconds to start], for the ETA
QUEUED_TIMEOUT = 60.0  # a queued run nobody looked at for this long is cancelled
UNWATCHED_TIMEOUT = 300.0  # a running run nobody watched for this long ends its epoch
KEEP_SECONDS = RUN_KEEP_SECONDS  # a finished run's result is kept this long
MAX_LIVE_RUNS = 50  # queued or running at once; more are refused, so memory stays bounded
MAX_POINTS = 400  # per-batch points kept per series; older ones are thinned
SMOOTHING = 0.9  # the per-batch line's moving average keeps 90% of itself per batch
MEASURE_SECONDS = 3.0  # of training after the first batch, before an ETA is given
PUBLISH_EVERY = 0.3  # seconds between progress updates on the scheduler
SEEN_EVERY = 2.0  # seconds between a web server's records of a look at the same run
DONE = ("finished", "stopped", "failed", "cancelled")


def is_run_id(text: str | None) -> bool:
    """Whether a link's value can name a run at all (and so is safe to show)."""
    return bool(text) and re.fullmatch(f"[0-9a-f]{{{RUN_ID_LENGTH}}}", text) is not None


# Dask settings of the embedded cluster; a cluster's scheduler needs the same (docs/serving.md).
ENGINE_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,  # a killed worker fails its run at once
    "distributed.scheduler.worker-saturation": 1.0,  # runs wait on the scheduler, in order
}


class EngineUnavailable(RuntimeError):
    """The cluster could not be started or reached; the message is one line."""


class QueueFull(RuntimeError):
    """Too many runs are queued or running; the message is one line."""


@dataclass
class Progress:
    """A run's progress as the page shows it; travels as a plain dict."""

    epoch: int = 0  # epochs finished
    epochs: int = 0
    batch: int = 0  # batches finished in the current epoch
    batches: int = 0
    images_seen: int = 0
    elapsed: float = 0.0
    batch_points: list = field(default_factory=list)  # (x, loss, accuracy), smoothed
    epoch_logs: list = field(default_factory=list)
    # The last epoch's snapshot (fashion_cnn.training.snapshots), without its matrix.
    snapshot: dict | None = None
    confusions: list = field(default_factory=list)  # each epoch's confusion matrix
    version: int = 0  # counts changes, so a page redraws its charts only when needed
    epoch_means: list = field(default_factory=lambda: [0.0, 0.0])  # Keras' last, this epoch
    trend: list = field(default_factory=lambda: [0.0, 0.0, 0.0])  # loss, accuracy, weight
    first_batch_at: float | None = None  # elapsed seconds when the first batch ended
    started_at: float | None = None  # wall-clock time (time.time()) when training began

    def elapsed_at(self, now: float) -> float:
        """Seconds of training by `now` (time.time()), for a live run's clock: `elapsed` is
        only as new as the last batch, and between epochs none comes for a second or more.
        `started_at` is the worker's clock: the embedded cluster shares this machine's, a
        real one's runs ahead by as much as its clock lags (synchronised clocks assumed).
        Never less than `elapsed`, should this machine's clock lag the worker's."""
        if self.started_at is None:
            return self.elapsed
        return max(self.elapsed, now - self.started_at)

    @property
    def images_per_second(self) -> float:
        return self.images_seen / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def fraction_done(self) -> float:
        total = self.epochs * self.batches
        return min(1.0, self.batches_done / total) if total else 0.0

    @property
    def batches_done(self) -> int:
        return self.epoch * self.batches + self.batch

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left at the pace since the first batch (loading and compiling come
        before it, and made early guesses far too long); None until MEASURE_SECONDS of
        that pace are measured."""
        if self.first_batch_at is None:
            return None
        span, done = self.elapsed - self.first_batch_at, self.batches_done - 1
        if span < MEASURE_SECONDS or done < 1:
            return None
        return max(0.0, (self.epochs * self.batches - self.batches_done) * span / done)

    def add_batch(
        self, batch: int, loss: float, accuracy: float, batch_size: int, elapsed: float = 0.0
    ) -> None:
        """Keras' logs after `batch` batches of this epoch: running means since the epoch
        began, so they jump back at each epoch's start. The batches since the last message
        are taken out of them and feed a moving average that runs across epochs."""
        if self.first_batch_at is None:
            self.first_batch_at = elapsed
        new = batch - self.batch
        if new <= 0:
            return  # nothing new: the training process sends each batch once
        means = [loss, accuracy]
        own = [
            (batch * m - self.batch * old) / new
            for m, old in zip(means, self.epoch_means, strict=True)
        ]
        keep = SMOOTHING**new
        self.trend = [
            keep * t + (1 - keep) * v for t, v in zip(self.trend, [*own, 1.0], strict=True)
        ]
        smoothed = [t / self.trend[2] for t in self.trend[:2]]  # the weight corrects the start
        self.epoch_means, self.batch = means, batch
        self.images_seen += new * batch_size
        self.batch_points.append((self.epoch + batch / max(self.batches, 1), *smoothed))
        if len(self.batch_points) > MAX_POINTS:
            self.batch_points = self.batch_points[::2]  # thin evenly, keep the newest
        self.version += 1

    def keep_epochs(self, count: int) -> None:
        """Forget what came after epoch `count`, whose weights a stopped run kept."""
        self.epoch, self.batch = count, 0
        self.batch_points = [p for p in self.batch_points if p[0] <= count]
        self.epoch_logs = self.epoch_logs[:count]
        self.confusions = self.confusions[:count]
        if self.snapshot and self.snapshot["epoch"] > count:
            self.snapshot = None
        self.version += 1

    def add_snapshot(self, snapshot: dict) -> None:
        self.confusions.append(snapshot.pop("confusion"))
        self.snapshot = snapshot
        self.version += 1

    def add_epoch(self, logs: dict[str, float]) -> None:
        self.epoch += 1
        self.batch = 0
        self.epoch_means = [0.0, 0.0]
        self.epoch_logs.append({"epoch": self.epoch, **logs})
        self.version += 1


@dataclass
class RunView:
    """What a page needs to draw one run."""

    run_id: str
    state: str  # queued, running, evaluating, finished, stopped, failed, cancelled
    message: str
    cfg: TrainConfig
    progress: Progress
    queue_position: int = 0  # 1: next to start; 0: not queued
    summary: dict | None = None  # test accuracy and confusion matrix of a finished run

    @property
    def done(self) -> bool:
        return self.state in DONE


def config_from_dict(values: dict) -> TrainConfig:
    augment = dict(values.get("augment_settings") or {})
    if "erase_area" in augment:
        augment["erase_area"] = tuple(augment["erase_area"])
    values = {**values, "augment_settings": AugmentSettings(**augment)}
    try:
        return TrainConfig(**values)
    except ValueError:  # an earlier version's run: early stopping without validation did nothing
        return TrainConfig(**{**values, "early_stopping": 0})


def one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def steady_pace(progress: Progress, images_at_first_batch: int) -> float:
    """Images per second since the first batch: compiling comes before it, and a short
    run's mean pace, that included, was a quarter of this."""
    span = progress.elapsed - (progress.first_batch_at or 0.0)
    images = progress.images_seen - images_at_first_batch
    return images / span if span > 0 and images > 0 else progress.images_per_second


# --- In a worker process -----------------------------------------------------------------


class Relay:
    """Runs fashion_cnn.training.job in a child process and mirrors it on the scheduler:
    progress a few times a second, stop requests from pages, and the outcome."""

    def __init__(self, client, run_id: str, cfg: TrainConfig):
        self.client, self.run_id, self.cfg = client, run_id, cfg
        self.progress = Progress(epochs=cfg.epochs)
        self.started = self.spawned = time.time()  # `started`: when training begins
        self.start_seconds = 0.0  # to start the process and load the data
        self.images_at_first_batch = 0
        self.published_version = -1
        self.forwarded: set[str] = set()
        self.outcome: tuple | None = None
        self.training_ended: float | None = None

    def set(self, **values) -> None:
        for name, value in values.items():
            self.client.set_metadata([RUNS_KEY, self.run_id, name], value)

    def get(self, name: str, default=None):
        return self.client.get_metadata([RUNS_KEY, self.run_id, name], default)

    def run(self) -> dict:
        read_end, write_end = os.pipe()
        conn = Connection(read_end, writable=False)  # closes read_end, whatever happens
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), *sys.path])}
        try:
            try:
                child = subprocess.Popen(
                    [sys.executable, "-m", "fashion_cnn.training.job", str(write_end)],
                    stdin=subprocess.PIPE,
                    pass_fds=(write_end,),
                    cwd=PROJECT_ROOT,
                    env=env,
                )
            finally:
                os.close(write_end)  # the child's copy is the only one: its exit ends the pipe
            try:
                # A child that died at once reads no settings; its exit code says why.
                with contextlib.suppress(BrokenPipeError):
                    child.stdin.write(pickle.dumps(self.cfg))
                    child.stdin.flush()
                self.follow(conn, child)
            finally:
                with contextlib.suppress(BrokenPipeError):
                    child.stdin.close()
                child.wait()
        finally:
            conn.close()
        return self.finish(child.returncode)

    def follow(self, conn: Connection, child: subprocess.Popen) -> None:
        """Apply the child's messages until it closes the pipe; pass on pages' requests."""
        last_check = 0.0
        while True:
            try:
                if conn.poll(0.1):
                    self.apply(conn.recv())
            except EOFError:
                return
            if time.monotonic() - last_check >= PUBLISH_EVERY:
                last_check = time.monotonic()
                self.publish()
                self.follow_requests(child)

    def apply(self, message: tuple) -> None:
        kind, *values = message
        if kind == "batch":
            self.progress.add_batch(
                *values, batch_size=self.cfg.batch_size, elapsed=time.time() - self.started
            )
            self.images_at_first_batch = self.images_at_first_batch or self.progress.images_seen
        elif kind == "snapshot":
            self.progress.add_snapshot(values[0])
        elif kind == "epoch":
            self.progress.add_epoch(values[0])
            self.publish()  # epoch markers show at once
        elif kind == "running":
            self.progress.batches = values[0]["batches"]
            self.started = self.progress.started_at = time.time()
            self.start_seconds = self.started - self.spawned
            self.set(state="running", pid=values[0]["pid"])
        elif kind == "evaluating":
            self.publish()
            self.training_ended = time.time()  # speed and elapsed time are of training
            self.set(state="evaluating")
        else:  # "result" or "failed": the last message
            self.outcome = message

    def publish(self) -> None:
        """The progress, when it changed since the last time."""
        if self.progress.version != self.published_version:
            self.progress.elapsed = (self.training_ended or time.time()) - self.started
            self.set(progress=asdict(self.progress))
            self.published_version = self.progress.version

    def follow_requests(self, child: subprocess.Popen) -> None:
        """Stop after this batch if asked; after this epoch if nobody has been watching."""
        control = self.get("control")
        unwatched = time.time() - self.get("seen_at", time.time()) > self.get(
            "unwatched_timeout", UNWATCHED_TIMEOUT
        )
        request = "stop" if control == "stop" else "stop-epoch" if unwatched else None
        if request and request not in self.forwarded:
            self.forwarded.add(request)
            try:
                child.stdin.write(f"{request}\n".encode())
                child.stdin.flush()
            except OSError:
                pass  # the child has just ended; its exit says how
            if request == "stop-epoch":
                self.set(unwatched=True)

    def finish(self, returncode: int) -> dict:
        """Write the outcome on the scheduler; return the result's bytes as the task's."""
        kind, value = self.outcome or ("crashed", None)
        if kind == "result" and value["stopped"]:
            # The page shows what the kept weights saw: no batch of an epoch cut short.
            self.progress.keep_epochs(value["epochs_completed"])
        self.progress.elapsed = (self.training_ended or time.time()) - self.started
        self.set(progress=asdict(self.progress), ended_at=time.time())
        if kind == "failed":
            self.set(state="failed", message=value)
            return {}
        if kind == "crashed":
            how = "was killed (out of memory?)" if returncode == -9 else f"exited ({returncode})"
            self.set(state="failed", message=f"The training process {how}; start a new run.")
            return {}
        epochs = value["epochs_completed"]
        if not epochs:
            self.set(state="stopped", message="Stopped before the first epoch ended.")
            return {}
        if not value["stopped"]:
            message = f"Finished {epochs} epoch{'' if epochs == 1 else 's'}."
        elif self.get("unwatched"):
            message = f"Stopped after epoch {epochs}: nobody watched it for a while."
        else:
            message = f"Stopped; kept the weights of epoch {epochs}."
        metrics = value["test_metrics"]
        self.set(
            summary={k: metrics[k] for k in ("accuracy", "count", "confusion_matrix")},
            message=message,
        )
        p = self.progress
        pace = steady_pace(p, self.images_at_first_batch)
        start = self.start_seconds + (p.first_batch_at or 0.0)
        self.client.set_metadata([PACE_KEY, self.cfg.architecture], [pace, start])
        self.set(state="stopped" if value["stopped"] else "finished")
        return value


def train_task(run_id: str, cfg: TrainConfig) -> dict:
    """The Dask task of one run: {} or the result (metrics, model_file, onnx_file)."""
    from distributed import get_client

    client = get_client()
    if client.get_metadata([RUNS_KEY, run_id, "state"], None) != "queued":
        return {}  # cancelled, or a finished run's task recomputed after its worker died
    relay = Relay(client, run_id, cfg)
    relay.set(state="starting", started_at=time.time())
    if client.get_metadata([RUNS_KEY, run_id, "control"], None) == "stop":
        # A cancel began between the check and "starting" (it asks to stop first): the
        # run stays cancelled, not started to be stopped at its first batch.
        relay.set(state="cancelled", message="Cancelled before it began.", ended_at=time.time())
        return {}
    try:
        return relay.run()
    except Exception as exc:  # the page shows one line; the worker goes on serving
        relay.set(state="failed", message=f"Training failed: {one_line(exc)}", ended_at=time.time())
        return {}


# --- In the web server -------------------------------------------------------------------


@dataclass
class EmbeddedCluster:
    """`python -m fashion_cnn.jobs.cluster` run by this web server; it ends when we do."""

    process: subprocess.Popen
    address: str

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_embedded_cluster(workers: int, timeout: float = 60) -> EmbeddedCluster:
    """A scheduler and `workers` worker processes in a process of their own (spawned
    workers re-import the parent's main module, which in Streamlit is a page script)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fashion_cnn.jobs.cluster", "--workers", str(workers)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), *sys.path])},
    )
    lines: list[bytes] = []
    first_line = threading.Event()

    def read_all() -> None:
        """The address, then anything else the cluster's processes print, passed on to our
        stderr: a pipe nobody reads fills up and blocks whoever writes to it next."""
        lines.append(process.stdout.readline())
        first_line.set()
        for line in process.stdout:
            with contextlib.suppress(OSError, ValueError):  # reading on is what matters
                sys.stderr.write(line.decode(errors="replace"))

    threading.Thread(target=read_all, daemon=True).start()
    first_line.wait(timeout)
    address = lines[0].decode().strip() if lines else ""
    if not address.startswith("tcp://"):
        process.kill()
        process.wait()
        raise EngineUnavailable(f"the training cluster did not start within {timeout:.0f} s")
    return EmbeddedCluster(process, address)


class Engine:
    """The web server's handle on the cluster: submit, watch, stop and fetch runs."""

    def __init__(self, client, cluster=None, **timeouts: float):
        self.client, self.cluster = client, cluster
        self.queued_timeout = timeouts.get("queued_timeout", QUEUED_TIMEOUT)
        self.unwatched_timeout = timeouts.get("unwatched_timeout", UNWATCHED_TIMEOUT)
        self.keep_seconds = timeouts.get("keep_seconds", KEEP_SECONDS)
        self._futures: dict = {}
        self._results: OrderedDict[str, dict] = OrderedDict()  # the few last fetched
        self._seen: dict[str, float] = {}  # run -> when this server last recorded a look
        self._lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._housekeep_forever, daemon=True, name="runs-gc").start()

    @classmethod
    def start(
        cls, scheduler: str | None = None, workers: int = 1, connect_timeout: float = 10, **timeouts
    ) -> Engine:
        """Connect to `scheduler`, or start an embedded cluster of `workers` processes."""
        from distributed import Client

        cluster = None
        try:
            if not scheduler:
                cluster = start_embedded_cluster(workers)
                scheduler = cluster.address
            return cls(
                Client(scheduler, timeout=connect_timeout, set_as_default=False),
                cluster,
                **timeouts,
            )
        except Exception as exc:  # refused, timed out, workers that did not start: one line
            if cluster is not None:
                cluster.close()
            where = f"the cluster at {scheduler}" if scheduler else "the training workers"
            raise EngineUnavailable(f"Could not reach {where}: {one_line(exc)}") from exc

    def close(self) -> None:
        self._closed.set()
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def submit(self, cfg: TrainConfig) -> str:
        """Queue a run; its id names it everywhere (the page's link, the scheduler)."""
        from dask._task_spec import Task

        live = [r for r in self.records().values() if r["state"] not in DONE]
        if len(live) >= MAX_LIVE_RUNS:
            raise QueueFull(f"{len(live)} runs are waiting or training; try again later.")
        run_id, now = uuid.uuid4().hex[:RUN_ID_LENGTH], time.time()
        self.client.set_metadata(
            [RUNS_KEY, run_id],
            {
                "cfg": asdict(cfg),
                "state": "queued",
                "message": "",
                "submitted_at": now,
                "seen_at": now,
                "control": None,
                "queued_timeout": self.queued_timeout,
                "unwatched_timeout": self.unwatched_timeout,
                "progress": asdict(Progress(epochs=cfg.epochs)),
            },
        )
        key = f"train-{run_id}"
        # A data producer waits in the scheduler's queue until a worker is free; the
        # priority (earlier is higher) keeps that queue first come, first served.
        task = Task(key, train_task, run_id, cfg, _data_producer=True)
        future = self.client.get({key: task}, key, sync=False, priority=-int(now * 1000))
        self.client.publish_dataset(future, name=run_id)  # outlives this web server
        with self._lock:
            self._futures[run_id] = future
        return run_id

    def records(self) -> dict[str, dict]:
        runs = self.client.get_metadata([RUNS_KEY], {}) or {}
        return {run_id: r for run_id, r in runs.items() if r}

    def view(self, run_id: str, watched: bool = True) -> RunView | None:
        """The run as a page shows it, or None if unknown; `watched` counts as a look."""
        record = self.client.get_metadata([RUNS_KEY, run_id], None)
        if not record:
            return None
        if watched:
            self._mark_seen(run_id, record.get("queued_timeout", QUEUED_TIMEOUT))
        state, message = record["state"], record.get("message", "")
        if state not in DONE and (lost := self._worker_lost(run_id)):
            state, message = "failed", lost
        position = 0
        if state == "queued":
            queued = sorted(
                (r["submitted_at"], i) for i, r in self.records().items() if r["state"] == "queued"
            )
            ids = [i for _, i in queued]
            position = ids.index(run_id) + 1 if run_id in ids else 1
        return RunView(
            run_id,
            state,
            message,
            config_from_dict(record["cfg"]),
            Progress(**record["progress"]),
            position,
            record.get("summary"),
        )

    def _mark_seen(self, run_id: str, queued_timeout: float) -> None:
        """Record a look on the scheduler, at most every SEEN_EVERY seconds per run: three
        pages watching at one poll a second then cost the scheduler one write, not three."""
        now = time.monotonic()
        with self._lock:
            due = now - self._seen.get(run_id, -SEEN_EVERY) >= min(SEEN_EVERY, queued_timeout / 4)
            if due:
                self._seen[run_id] = now
        if due:
            self.client.set_metadata([RUNS_KEY, run_id, "seen_at"], time.time())

    def _future(self, run_id: str):
        with self._lock:
            future = self._futures.get(run_id)
        if future is None:
            future = self.client.get_dataset(run_id, default=None)
            if future is not None:
                with self._lock:
                    self._futures[run_id] = future
        return future

    def _worker_lost(self, run_id: str) -> str | None:
        """One line if the run's task failed outside the run (its worker was killed);
        recorded on the scheduler so that the run ends and expires like any other."""
        future = self._future(run_id)
        if future is None or future.status != "error":
            return None
        message = "The worker training this run stopped (killed or out of memory); start a new run."
        self.client.set_metadata([RUNS_KEY, run_id, "message"], message)
        self.client.set_metadata([RUNS_KEY, run_id, "ended_at"], time.time())
        self.client.set_metadata([RUNS_KEY, run_id, "state"], "failed")
        return message

    def stop(self, run_id: str) -> None:
        """A running run ends after its current batch; a queued one is cancelled."""
        self.client.set_metadata([RUNS_KEY, run_id, "control"], "stop")
        if self.client.get_metadata([RUNS_KEY, run_id, "state"], None) == "queued":
            self.cancel(run_id, "Cancelled while waiting in the queue.")

    def cancel(self, run_id: str, message: str) -> None:
        self.client.set_metadata([RUNS_KEY, run_id, "control"], "stop")
        self.client.set_metadata([RUNS_KEY, run_id, "message"], message)
        self.client.set_metadata([RUNS_KEY, run_id, "ended_at"], time.time())
        self.client.set_metadata([RUNS_KEY, run_id, "state"], "cancelled")
        future = self._future(run_id)
        if future is not None:
            future.cancel()

    def result(self, run_id: str) -> dict:
        """A finished run's result: test metrics, model_file (.keras), onnx_file bytes."""
        with self._lock:
            if run_id in self._results:
                self._results.move_to_end(run_id)
                return self._results[run_id]
        future = self._future(run_id)
        result = future.result(timeout=60) if future is not None else {}
        with self._lock:
            self._results[run_id] = result
            while len(self._results) > 4:
                self._results.popitem(last=False)
        return result

    def measured_speed(self, architecture: str) -> tuple[float, float] | None:
        """Images per second of the last run of `architecture` on this cluster once it
        trained, and the seconds it took to start (to its first batch)."""
        measured = self.client.get_metadata([PACE_KEY, architecture], None)
        return (float(measured[0]), float(measured[1])) if measured else None

    def housekeep(self) -> None:
        """Cancel queued runs nobody looks at; forget runs that ended long ago."""
        now = time.time()
        for run_id, record in self.records().items():
            state = record["state"]
            if state == "queued" and now - record["seen_at"] > record["queued_timeout"]:
                seconds = record["queued_timeout"]
                self.cancel(run_id, f"Cancelled: no page looked at it for {seconds:.0f} s.")
            elif state in DONE and now - record.get("ended_at", now) > self.keep_seconds:
                self.forget(run_id)
            elif state not in DONE:
                self._worker_lost(run_id)

    def forget(self, run_id: str) -> None:
        """Drop a run and its result everywhere (its metadata key stays, emptied). The
        result goes first, so a run no page can see any more holds no memory."""
        with contextlib.suppress(KeyError):
            self.client.unpublish_dataset(run_id)
        self.client.set_metadata([RUNS_KEY, run_id], None)
        with self._lock:
            self._futures.pop(run_id, None)
            self._results.pop(run_id, None)
            self._seen.pop(run_id, None)

    def _housekeep_forever(self, every: float = 2.0) -> None:
        while not self._closed.wait(every):
            try:
                self.housekeep()
            except Exception as exc:  # a cluster away for a moment: try again next time
                logging.getLogger(__name__).warning("housekeeping: %s", one_line(exc))


_engine: Engine | None = None
_engine_lock = threading.Lock()
_last_failure: tuple[float, str] | None = None  # when the engine last failed to start, and why
RETRY_AFTER = 30.0  # seconds before a failed start is tried again: pages answer at once


def workers_wanted() -> int:
    """$FASHION_CNN_WORKERS worker processes for the embedded cluster (default 1)."""
    text = os.environ.get(WORKERS_ENV, "1")
    try:
        return max(1, int(text))
    except ValueError:
        raise EngineUnavailable(f"{WORKERS_ENV}={text!r} is not a number of workers") from None


def engine() -> Engine:
    """The web server's one engine, started on first use; EngineUnavailable if it can't."""
    global _engine, _last_failure
    with _engine_lock:
        if _engine is not None and _engine.cluster and _engine.cluster.process.poll() is not None:
            # The embedded cluster died (killed, out of memory): start a new one.
            with contextlib.suppress(Exception):
                _engine.close()
            _engine = None
        if _engine is None:
            if _last_failure and time.monotonic() - _last_failure[0] < RETRY_AFTER:
                raise EngineUnavailable(_last_failure[1])
            try:
                _engine = Engine.start(
                    os.environ.get(SCHEDULER_ENV) or None, workers_wanted(), connect_timeout=5
                )
            except EngineUnavailable as exc:
                _last_failure = (time.monotonic(), str(exc))
                raise
        return _engine


def engine_if_started() -> Engine | None:
    """The engine when one runs or a cluster is configured (then connecting), else None:
    an embedded cluster starts on the first run, not on a look at the page."""
    if _engine is None and not os.environ.get(SCHEDULER_ENV):
        return None
    return engine()
