"""The API under load, in one run on one server: the figures of its targets, side by side.

    python -m benchmarks.api_load [--seconds 10] [--callers 64] [--page-rounds N]

Starts the app's server (pages and API) with a no-op route as `make run` serves it
(`streamlit run benchmarks/api_server.py`) on a loopback port and loads it with Debian's
`wrk` (make test's setup installs it):

1. one 28x28 tensor per request from `callers` connections, JSON and binary, against the
   no-op route with the same body: throughput ratio, latency percentiles, and the cores
   that the server, its model process and the rest used;
2. 256-image binary tensor requests from 4 connections, against a bare ONNX Runtime loop
   in this process over the same model (images/s ratio);
3. one 280x280 PNG upload to /api/classify at concurrency 1 (latency);
4. a Classify page rerun over Streamlit's websocket, idle and while `callers` load the API
   (p95 ratio); with `--page-rounds N`, this step alone, N times (its figure is noisy).

Loopback only; every load is bounded in time.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image
from websockets.sync.client import connect

from benchmarks.load_test import children, open_page, rss_mb
from benchmarks.reading_graph import images_per_second
from fashion_cnn.common.contract import bundled_model_path, onnx_path
from fashion_cnn.common.data import load_fashion_mnist
from fashion_cnn.serving.predictor import Predictor
from tests.live_app import running_app, wait_until_healthy

INFER = "/v2/models/fashion_cnn/infer"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}
LUA = """
local f = io.open("{body}", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
{headers}
"""


def tensor_request(images: np.ndarray, binary: bool) -> tuple[bytes, dict[str, str]]:
    """An inference request for uint8 images (n, 28, 28) and its headers."""
    spec = {"name": "pixels", "datatype": "UINT8", "shape": [len(images), 28, 28, 1]}
    if not binary:
        body = json.dumps({"inputs": [{**spec, "data": images.ravel().tolist()}]}).encode()
        return body, {"Content-Type": "application/json"}
    spec["parameters"] = {"binary_data_size": images.nbytes}
    head = json.dumps({"inputs": [spec]}).encode()
    headers = {"Content-Type": "application/octet-stream"}
    return head + images.tobytes(), {**headers, "Inference-Header-Content-Length": str(len(head))}


def wrk(url: str, body: bytes, headers: dict, connections: int, seconds: float) -> dict:
    """Requests/s and latency percentiles (ms) of `connections` keeping one request each in
    flight for `seconds`."""
    with tempfile.TemporaryDirectory() as folder:
        body_file, script = Path(folder) / "body", Path(folder) / "post.lua"
        body_file.write_bytes(body)
        lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
        script.write_text(LUA.format(body=body_file, headers=lines))
        threads = min(2, connections)
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{max(1, round(seconds))}s",
                "--latency",
                "-s",
                str(script),
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s|m)$", out, re.M):
        figures[f"p{pct}"] = float(value) * UNITS[unit]
    if "p99" not in figures:
        raise RuntimeError(f"wrk printed no latency percentiles:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non2xx"] = int(bad.group(1)) if bad else 0
    return figures


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cores_used(pid: int, load: Callable[[], dict]) -> tuple[dict, dict[str, float]]:
    """`load`'s figures, and the cores that the server, its children and the rest of the
    machine (wrk, mostly) used meanwhile, and how many stayed idle."""
    pids = {"server": [pid], "model process": children(pid)}
    before = {k: sum(map(cpu_seconds, v)) for k, v in pids.items()}
    idle_before, start = machine_idle_seconds(), time.perf_counter()
    figures = load()
    seconds = time.perf_counter() - start
    used = {k: (sum(map(cpu_seconds, v)) - before[k]) / seconds for k, v in pids.items()}
    used["idle"] = (machine_idle_seconds() - idle_before) / seconds
    used["the rest"] = len(os.sched_getaffinity(0)) - sum(used.values())  # wrk, steal...
    return figures, used


def machine_idle_seconds() -> float:
    """Seconds every core has spent idle since boot (/proc/stat's idle and iowait)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


def line(name: str, f: dict) -> str:
    return (
        f"{name:<34} {f['rps']:8.0f} req/s   p50 {f['p50']:6.2f} ms   p90 {f['p90']:6.2f} ms"
        f"   p99 {f['p99']:6.2f} ms   non-2xx {f['non2xx']}"
    )


def bare_onnx_images_per_second(images: np.ndarray, seconds: float = 5.0) -> float:
    """A plain ONNX Runtime session (its defaults: every core) over the graph the API
    reads with, the bundled model's reading graph: 256 images a run."""
    graph = Predictor.load(onnx_path(bundled_model_path())).reading_graph
    session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
    return images_per_second(session, images, seconds)


def page_reruns(ws_url: str, count: int) -> np.ndarray:
    """Seconds of `count` Classify page runs, each with another test image, in one session."""
    times = []
    with connect(ws_url, subprotocols=["streamlit"], open_timeout=60) as ws:
        open_page(ws, "classify", 120, "image=0")  # the session's first run
        for i in range(count):
            seconds, error = open_page(ws, "classify", 60, f"image={i + 1}")
            if error:
                raise RuntimeError(f"the Classify page failed: {error}")
            times.append(seconds)
    return np.array(times)


def page_rerun_ratio(url: str, request: tuple[bytes, dict], args: argparse.Namespace) -> None:
    """Prints a Classify page rerun's p95, idle and while `callers` load the API."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    idle = page_reruns(ws_url, args.reruns) * 1000
    answered = {}
    load = threading.Thread(
        target=lambda: answered.update(wrk(url + INFER, *request, args.callers, args.seconds * 3))
    )
    load.start()
    time.sleep(1)
    busy = page_reruns(ws_url, args.reruns) * 1000
    load.join()
    p95_idle, p95_busy = np.percentile(idle, 95), np.percentile(busy, 95)
    print(
        f"idle p50 {np.percentile(idle, 50):.1f} ms p95 {p95_idle:.1f} ms; "
        f"under load p50 {np.percentile(busy, 50):.1f} ms p95 {p95_busy:.1f} ms: "
        f"{p95_busy / p95_idle:.2f}x (target <= 2); the API meanwhile "
        f"{answered.get('rps', float('nan')):.0f} req/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--callers", type=int, default=64)
    parser.add_argument("--reruns", type=int, default=30)
    parser.add_argument(
        "--page-rounds", type=int, default=0, help="only step 4, this many times in a row"
    )
    args = parser.parse_args()
    data = load_fashion_mnist()
    with running_app(timeout=90, script="benchmarks/api_server.py") as server:
        url = server.url
        wait_until_healthy(url + "/v2/health/ready", 90)  # the models loaded
        one_json = tensor_request(data.x_test[:1], binary=False)
        one_binary = tensor_request(data.x_test[:1], binary=True)
        for body, headers in (one_json, one_binary):  # warm up every path
            wrk(url + INFER, body, headers, 4, 2)
        for round in range(args.page_rounds):
            print(
                f"4. a Classify page rerun, idle and under {args.callers} API callers ({round + 1})"
            )
            page_rerun_ratio(url, one_json, args)
        if args.page_rounds:
            return
        print(f"server memory after warm-up: {rss_mb(server.pid):.0f} MB")

        print(f"\n1. one 28x28 tensor per request, {args.callers} callers, {args.seconds:.0f} s")
        noop, noop_cores = cores_used(
            server.pid, lambda: wrk(url + "/noop", *one_json, args.callers, args.seconds)
        )
        json_infer = wrk(url + INFER, *one_json, args.callers, args.seconds)
        binary_infer, binary_cores = cores_used(
            server.pid, lambda: wrk(url + INFER, *one_binary, args.callers, args.seconds)
        )
        print(line("no-op route (same JSON body)", noop))
        print(line("infer, JSON tensor", json_infer))
        print(line("infer, binary tensor", binary_infer))
        print(
            f"throughput vs no-op: JSON {json_infer['rps'] / noop['rps']:.2f}, "
            f"binary {binary_infer['rps'] / noop['rps']:.2f} (target >= 0.50); "
            f"p99 JSON {json_infer['p99']:.1f} ms (target <= 50)"
        )
        for name, used in (("no-op route", noop_cores), ("infer, binary", binary_cores)):
            print(f"cores used by {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in used.items()))

        print("\n2. 256-image binary tensor requests, 4 callers")
        batch = wrk(url + INFER, *tensor_request(data.x_test[:256], True), 4, args.seconds)
        print(line("infer, 256 images", batch))
        bare = bare_onnx_images_per_second(data.x_test[:256])
        served = batch["rps"] * 256
        print(
            f"images/s: API {served:.0f}, bare ONNX Runtime loop {bare:.0f}: "
            f"{served / bare:.2f} (target >= 0.50)"
        )

        print("\n3. one 280x280 PNG upload at concurrency 1")
        buffer = io.BytesIO()
        Image.fromarray(255 - data.x_test[0]).resize((280, 280)).save(buffer, "PNG")
        upload = wrk(
            url + "/api/classify", buffer.getvalue(), {"Content-Type": "image/png"}, 1, args.seconds
        )
        print(line("/api/classify, one PNG", upload))
        print(f"p50 {upload['p50']:.2f} ms (target <= 10)")

        print(f"\n4. a Classify page rerun, idle and under {args.callers} API callers")
        page_rerun_ratio(url, one_json, args)
        print(f"\nserver memory at the end: {rss_mb(server.pid):.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
