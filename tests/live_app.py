"""A real Streamlit server on loopback and Debian's Chromium: shared by tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ServerStartError(RuntimeError):
    """The app did not answer its health check in time."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LiveApp:
    url: str  # http://127.0.0.1:PORT
    pid: int

    @property
    def websocket_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/_stcore/stream"


@contextmanager
def running_app(
    env: dict[str, str] | None = None, timeout: float = 60, script: str = "streamlit_app.py"
) -> Iterator[LiveApp]:
    """`streamlit run SCRIPT` (by default the app: the pages and the API) on a free port."""
    port = free_port()
    args = ["-m", "streamlit", "run", script, "--server.headless=true"]
    args += [f"--server.port={port}", "--server.address=127.0.0.1"]
    args += ["--browser.gatherUsageStats=false"]
    with serving(args, port, "/_stcore/health", env, timeout) as app:
        yield app


@contextmanager
def running_api(env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[LiveApp]:
    """The API alone, as a replica runs it: `uvicorn fashion_cnn.api.asgi:api`."""
    port = free_port()
    args = ["-m", "uvicorn", "fashion_cnn.api.asgi:api", "--host", "127.0.0.1"]
    args += ["--port", str(port), "--no-access-log"]
    with serving(args, port, "/v2/health/live", env, timeout) as app:
        yield app


@contextmanager
def serving(
    args: list[str], port: int, health: str, env: dict[str, str] | None, timeout: float
) -> Iterator[LiveApp]:
    """Run `python ARGS` until leaving, once `health` answers on `port`."""
    server = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url + health, timeout)
        yield LiveApp(url, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def wait_until_healthy(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise ServerStartError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def served_in_this_process(app) -> Iterator[str]:
    """`app` on a uvicorn server in a thread of this process, on a free loopback port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    if not server.started:
        server.should_exit = True
        raise ServerStartError("the in-process server did not start within 30 s")
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
