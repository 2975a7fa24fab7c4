"""Concurrent visitors on the Classify page, over Streamlit's own websocket protocol.

    python -m benchmarks.load_test [--clients 10] [--rounds 5] [--page classify] [--training 2]

Starts the app on a free loopback port, warms it up, then lets each client visit the page
`rounds` times, each visit a new session with a link to a random test image (so each run
classifies an image the caches most likely have not seen, with its Grad-CAM and charts).
Prints errors, response-time percentiles and the server's resident memory. Loopback only,
bounded in count and time. With --training N, N long runs train meanwhile on a cluster of
N workers that the app is attached to (FASHION_CNN_SCHEDULER), as FASHION_CNN_WORKERS=N.
"""

from __future__ import annotations

import argparse
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from fashion_cnn.common.settings import QUICK_RUN
from fashion_cnn.jobs import runs
from tests.live_app import running_app

RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN

# A run long enough to outlast the load.
LONG_RUN = replace(QUICK_RUN, epochs=50)


def open_page(ws, page: str, timeout: float, query: str = "") -> tuple[float, str | None]:
    """Ask for one run of `page`; (seconds until it finished, error or None)."""
    msg = BackMsg()
    msg.rerun_script.page_name = page
    msg.rerun_script.query_string = query
    start = time.perf_counter()
    ws.send(msg.SerializeToString())
    error, predicted = None, False
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(ws.recv(timeout=timeout))
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            if element.WhichOneof("type") == "exception":
                error = element.exception.message.splitlines()[0]
            predicted |= element.WhichOneof("type") == "metric" and (
                element.metric.label == "Prediction"
            )
        elif kind == "page_not_found":
            error = "page not found"
        elif kind == "script_finished" and forward.script_finished == RERUN:
            continue  # a cold server's first run goes round through the entrypoint
        elif kind == "script_finished":
            if not predicted and page == "classify" and error is None:
                error = "the page showed no prediction"
            return time.perf_counter() - start, error


def client(url: str, page: str, rounds: int, timeout: float, times: list, errors: list) -> None:
    """`rounds` visits, each a new session opening a random test image by its link."""
    rng = np.random.default_rng()
    for _ in range(rounds):
        try:
            with connect(url, subprotocols=["streamlit"], open_timeout=timeout) as ws:
                query = f"image={rng.integers(10_000)}"
                seconds, error = open_page(ws, page, timeout, query)
                times.append(seconds)
                if error:
                    errors.append(error)
        except Exception as exc:  # a refused or dropped connection counts as an error
            errors.append(f"{type(exc).__name__}: {exc}")


def children(pid: int) -> list[int]:
    """The processes `pid` started (the API's model process, say), from every thread."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return [int(c) for task in tasks for c in (task / "children").read_text().split()]


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its children, in MB."""
    total = 0
    for p in [pid, *children(pid)]:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page", default="classify")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--training", type=int, default=0, help="runs training meanwhile")
    args = parser.parse_args()
    cluster = runs.start_embedded_cluster(args.training) if args.training else None
    env = {runs.SCHEDULER_ENV: cluster.address} if cluster else None
    with running_app(env=env) as app:
        url = app.websocket_url
        for page in ("", args.page):  # warm up: navigation, TensorFlow, model, dataset
            warm_times, warm_errors = [], []
            client(url, page, 1, args.timeout, warm_times, warm_errors)
        print(f"cold first run of /{args.page}: {warm_times[0]:.1f} s; errors {warm_errors}")
        print(f"server memory, model loaded: {rss_mb(app.pid):.0f} MB")
        engine, run_ids = None, []
        if cluster:
            engine = runs.Engine.start(cluster.address)
            run_ids = [engine.submit(LONG_RUN) for _ in range(args.training)]
            # until both train: a run is "running" while its process still loads TensorFlow
            while any(not engine.view(r).progress.images_seen for r in run_ids):
                time.sleep(0.5)
            print(f"{args.training} runs training on {args.training} workers")
        times, errors = [], []
        threads = [
            threading.Thread(
                target=client, args=(url, args.page, args.rounds, args.timeout, times, errors)
            )
            for _ in range(args.clients)
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.timeout * args.rounds)
        wall = time.perf_counter() - start
        ms = np.array(times) * 1000
        print(
            f"{args.clients} clients x {args.rounds} runs of /{args.page} in {wall:.1f} s: "
            f"{len(times)} done, {len(errors)} errors"
        )
        print(
            f"response time p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms"
        )
        print(f"server memory after the load: {rss_mb(app.pid):.0f} MB")
        for error in sorted(set(errors))[:5]:
            print(f"  error: {error}")
        if engine:
            views = [engine.view(r) for r in run_ids]
            print(
                "runs meanwhile: "
                + ", ".join(
                    f"{v.state} at epoch {v.progress.epoch}, "
                    f"{v.progress.images_per_second:,.0f} images/s"
                    for v in views
                )
            )
            for r in run_ids:
                engine.stop(r)
            engine.close()
    if cluster:
        cluster.close()


if __name__ == "__main__":
    main()
