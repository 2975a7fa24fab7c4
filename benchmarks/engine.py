"""Training as Dask jobs: throughput, watching cost, a burst of runs, web-server memory.

    python -m benchmarks.engine throughput [--rounds 5]   # in-thread vs in a worker
    python -m benchmarks.engine watched [--rounds 8]      # 0 vs 3 websocket pages watching
    python -m benchmarks.engine burst [--runs 20]         # 20 runs, some pages closed
    python -m benchmarks.engine memory [--sessions 10]    # web server RSS after sessions

Each prints its figures and ratios. Loopback only; tiny runs on the real dataset.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

from fashion_cnn.common.settings import QUICK_RUN, TrainConfig
from fashion_cnn.jobs import runs


def wait_done(engine: runs.Engine, run_id: str, watched: bool = True) -> runs.RunView:
    while not (view := engine.view(run_id, watched=watched)).done:
        time.sleep(0.5)
    return view


def fit_images_per_second(cfg: TrainConfig, seconds: float) -> float:
    return cfg.train_subset * (1 - cfg.validation_split) * cfg.epochs / seconds


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [pid], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(rounds: int) -> None:
    """Fit speed of the Train page's first-visit run in a thread of this process, as the
    web server trained before (with a progress callback on every batch, as it had), and as
    a job in a worker's training process (unwatched), alternating."""
    from multiprocessing import Pipe

    from benchmarks.streaming_overhead import drain
    from fashion_cnn.common.data import load_fashion_mnist
    from fashion_cnn.training.fit import train
    from fashion_cnn.training.job import PipeProgress

    def in_thread_fit() -> float:
        reader, writer = Pipe(duplex=False)
        reading = threading.Thread(target=drain, args=(reader,), daemon=True)
        reading.start()
        progress = PipeProgress(writer, threading.Event(), threading.Event())
        box: list[float] = []
        fit = threading.Thread(target=lambda: box.append(train(cfg, data, [progress]).seconds))
        fit.start()
        fit.join()
        writer.close()
        reading.join()
        return box[0]

    cfg = QUICK_RUN
    data = load_fashion_mnist()
    engine = runs.Engine.start(workers=1)
    in_thread, in_worker, wall = [], [], []
    train(replace(cfg, epochs=1, train_subset=2000), data)  # warm-up, as a server would be
    for _ in range(rounds):
        in_thread.append(fit_images_per_second(cfg, in_thread_fit()))
        start = time.perf_counter()
        run_id = engine.submit(cfg)
        wait_done(engine, run_id, watched=False)
        wall.append(round(time.perf_counter() - start, 1))
        in_worker.append(fit_images_per_second(cfg, engine.result(run_id)["seconds"]))
    engine.close()
    a, b = np.median(in_thread), np.median(in_worker)
    print(f"{cfg.architecture}, {cfg.epochs} epochs x {cfg.train_subset:,} images, {rounds} rounds")
    print(f"in a thread of this process  median {a:7,.0f} images/s  {np.round(in_thread)}")
    print(f"as a job in a worker         median {b:7,.0f} images/s  {np.round(in_worker)}")
    print(
        f"ratio worker / thread        {b / a:.3f} (median), "
        f"{max(in_worker) / max(in_thread):.3f} (best of each)"
    )
    print(f"job wall time, submit to result (process start, export, test set): {wall}")


class Watcher(threading.Thread):
    """A remote browser over Streamlit's websocket protocol: opens /train?run=ID, then
    reruns the live-view fragment whenever the server asks (run_every), receiving every
    update, until stopped. Counts the polls the server answered."""

    def __init__(self, url: str, run_id: str):
        super().__init__(daemon=True)
        self.url, self.run_id = url, run_id
        self.polls = 0
        self.done = threading.Event()

    def send(self, ws, script_hash: str = "", fragment_id: str = "") -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.page_name = "train"
        msg.rerun_script.query_string = f"run={self.run_id}"
        msg.rerun_script.page_script_hash = script_hash
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.is_auto_rerun = bool(fragment_id)
        ws.send(msg.SerializeToString())

    def run(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        with connect(self.url, subprotocols=["streamlit"], max_size=None) as ws:
            self.send(ws)
            script_hash, fragment, interval, next_tick = "", "", 0.0, 0.0
            while not self.done.is_set():
                wait = max(0.01, next_tick - time.monotonic()) if fragment else 1.0
                try:
                    forward = ForwardMsg()
                    forward.ParseFromString(ws.recv(timeout=wait))
                except ConnectionClosed:
                    return  # the server went away at the end of the benchmark
                except TimeoutError:
                    if fragment and time.monotonic() >= next_tick:
                        self.send(ws, script_hash, fragment)
                        next_tick = time.monotonic() + interval
                    continue
                kind = forward.WhichOneof("type")
                if kind == "new_session":
                    script_hash = forward.new_session.page_script_hash
                elif kind == "auto_rerun":
                    fragment, interval = forward.auto_rerun.fragment_id, forward.auto_rerun.interval
                    next_tick = time.monotonic() + interval
                elif kind == "script_finished":
                    self.polls += 1


def watched(rounds: int, watchers: int = 3) -> None:
    """Fit speed of a run nobody watches vs one that `watchers` websocket clients watch
    through a web server attached to the same cluster; the server's CPU time per poll.
    The Train page's first-visit run (QUICK_RUN), as the in-thread comparison. Rounds go
    unwatched-watched, then watched-unwatched (ABBA), and each round gives one paired
    ratio: this machine's speed drifts by 20% over minutes, more than the effect."""
    from tests.live_app import running_app

    cfg = QUICK_RUN
    cluster = runs.start_embedded_cluster(1)
    engine = runs.Engine.start(cluster.address)
    speeds: dict[int, list[float]] = {0: [], watchers: []}
    per_poll = []
    with running_app(env={runs.SCHEDULER_ENV: cluster.address}) as app:
        Watcher(app.websocket_url, "none").start()  # warm the server up
        time.sleep(5)
        for round_ in range(rounds):
            for n in (0, watchers) if round_ % 2 == 0 else (watchers, 0):
                speed, note, polls_cpu = one_watched_run(engine, app, cfg, n)
                speeds[n].append(speed)
                if polls_cpu:
                    per_poll.append(polls_cpu)
                print(f"  round {round_ + 1}, {n} watching: {speed:,.0f} images/s; {note}")
    engine.close()
    cluster.close()
    a, b = np.median(speeds[0]), np.median(speeds[watchers])
    paired = np.array(speeds[watchers]) / np.array(speeds[0])
    print(f"{cfg.architecture}, {cfg.epochs} epochs x {cfg.train_subset:,} images, {rounds} rounds")
    print(f"unwatched                median {a:7,.0f} images/s  {np.round(speeds[0])}")
    print(
        f"watched by {watchers} websockets median {b:7,.0f} images/s  {np.round(speeds[watchers])}"
    )
    best = max(speeds[watchers]) / max(speeds[0])
    print(
        f"ratio watched / unwatched  {np.median(paired):.3f} (median of rounds' ratios "
        f"{np.round(paired, 3)}), {b / a:.3f} (medians), {best:.3f} (best of each)"
    )
    print(f"web server CPU time per live-view poll: median {np.median(per_poll):.1f} ms {per_poll}")


def machine_cpu() -> tuple[float, float]:
    """Seconds of CPU this machine has been busy, and stolen by the host, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def one_watched_run(engine: runs.Engine, app, cfg: TrainConfig, n: int) -> tuple:
    """Images/s of one run watched by n clients, a line on CPU use, ms of server CPU per poll."""
    run_id = engine.submit(cfg)
    clients = [Watcher(app.websocket_url, run_id) for _ in range(n)]
    for client in clients:
        client.start()
    while engine.view(run_id).state != "running":
        time.sleep(0.2)
    trainer = engine.client.get_metadata([runs.RUNS_KEY, run_id, "pid"])
    polls0 = sum(c.polls for c in clients)
    cpu0, t0 = cpu_seconds(app.pid), time.perf_counter()
    here0 = cpu_seconds(os.getpid())  # the clients, and this loop's checks
    (busy0, steal0), training0 = machine_cpu(), cpu_seconds(trainer)
    training = training0
    while engine.view(run_id).state == "running":
        with contextlib.suppress(OSError):  # it ends after training
            training = cpu_seconds(trainer)
        time.sleep(0.2)
    cpu, seconds = cpu_seconds(app.pid) - cpu0, time.perf_counter() - t0
    here = cpu_seconds(os.getpid()) - here0
    busy, steal = (a - b for a, b in zip(machine_cpu(), (busy0, steal0), strict=True))
    others = busy - (training - training0)
    polls = sum(c.polls for c in clients) - polls0
    wait_done(engine, run_id)
    for client in clients:
        client.done.set()
    note = (
        f"server CPU {cpu:.2f} s, clients and this benchmark {here:.2f} s, all but the "
        f"training {others:.2f} s, stolen by the host {steal:.2f} s, in {seconds:.1f} s"
    )
    if n:
        note = f"{polls} polls; {note}"
    speed = fit_images_per_second(cfg, engine.result(run_id)["seconds"])
    return speed, note, round(1000 * cpu / max(polls, 1), 1) if n else None


def burst(runs: int, closed_every: int = 4) -> None:
    """`runs` runs submitted at once from `runs` sessions; every `closed_every`-th page is
    closed at once (never looks again). Each run must end served or cancelled."""
    engine = runs.Engine.start(workers=2, queued_timeout=10)
    cfg = replace(QUICK_RUN, epochs=1, train_subset=2000, warmup_epochs=0)
    start = time.perf_counter()
    run_ids = [engine.submit(replace(cfg, seed=i)) for i in range(runs)]
    closed = set(run_ids[closed_every - 1 :: closed_every])
    peak = 0.0
    while True:
        views = [engine.view(r, watched=r not in closed) for r in run_ids]
        peak = max(peak, sum(rss_mb(p) for p in tree(engine.cluster.process.pid)))
        if all(v.done for v in views):
            break
        time.sleep(1)
    states = [v.state for v in views]
    print(f"{runs} runs at once on 2 workers, {len(closed)} of their pages closed at once")
    for state in sorted(set(states)):
        print(f"  {state}: {states.count(state)}")
    lost = runs - states.count("finished") - states.count("cancelled")
    print(f"  lost (neither finished nor cancelled): {lost}")
    print(f"all ended in {time.perf_counter() - start:.0f} s; cluster memory peak {peak:.0f} MB")
    time.sleep(3)
    workers = tree(engine.cluster.process.pid)
    print(
        f"cluster memory idle after the burst: {sum(rss_mb(p) for p in workers):.0f} MB "
        f"in {len(workers)} processes (scheduler, 2 workers, their helpers)"
    )
    engine.close()


def memory(sessions: int) -> None:
    """Web server RSS after `sessions` visitors each trained a tiny run and used it."""
    from playwright.sync_api import sync_playwright

    from tests.live_app import CHROMIUM, CHROMIUM_ARGS, running_app

    with running_app(env={runs.WORKERS_ENV: "1"}) as app, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(app.url)
        page.get_by_text("Fashion-MNIST CNN Studio").first.wait_for(timeout=90_000)
        page.close()
        print(f"web server after the home page: {rss_mb(app.pid):.0f} MB")
        for i in range(sessions):
            context = browser.new_context(viewport={"width": 1400, "height": 2000})
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{app.url}/train")
            page.get_by_role("spinbutton", name="Epochs").fill("1")
            subset = page.get_by_role("slider", name="Training images")
            subset.focus()
            subset.press("Home")
            page.get_by_role("button", name="Start training").click()
            page.get_by_text("Test accuracy").wait_for()
            page.get_by_role("button", name="Use this model").click()
            page.get_by_text("Your model is now available").wait_for()
            # In-app navigation keeps the session (a new page load would start a new one).
            page.get_by_role("link", name="Classify").click()
            page.get_by_text("Trained here").first.wait_for()
            context.close()
            print(f"after session {i + 1}: web server {rss_mb(app.pid):.0f} MB")
        browser.close()
        time.sleep(5)
        helpers = [p for p in tree(app.pid) if p != app.pid]
        print(f"web server RSS after {sessions} sessions: {rss_mb(app.pid):.0f} MB")
        print(f"cluster idle: {sum(rss_mb(p) for p in helpers):.0f} MB in {len(helpers)} processes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["throughput", "watched", "burst", "memory"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    if args.what == "throughput":
        throughput(args.rounds)
    elif args.what == "watched":
        watched(args.rounds)
    elif args.what == "burst":
        burst(args.runs)
    else:
        memory(args.sessions)


if __name__ == "__main__":
    main()
