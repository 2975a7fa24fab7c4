"""The web server's cost with the light runtime: cold first /classify, then memory after a
visitor has seen Home, Classify and Explore (all 10,000 test predictions made and cached).

    python -m benchmarks.server_memory

Starts the app on a free loopback port with an empty prediction cache, talks to it over
Streamlit's websocket protocol, and reads /proc: resident memory of the server's process
tree and whether any TensorFlow library is mapped into it. Ratios are to the figures the
TensorFlow path measured (issue 12: 734 MB, cold /classify 2.7 s).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.load_test import open_page, rss_mb
from fashion_cnn.common import config
from tests.live_app import running_app

TENSORFLOW_RSS_MB = 734.0
TENSORFLOW_COLD_CLASSIFY_S = 2.7


def tensorflow_mapped(pid: int) -> bool:
    """Whether any TensorFlow shared library is mapped into the process."""
    return "libtensorflow" in Path(f"/proc/{pid}/maps").read_text()


def main() -> None:
    from websockets.sync.client import connect

    with (
        tempfile.TemporaryDirectory() as cache,
        running_app(env={config.CACHE_ENV_VAR: cache}) as app,
        connect(app.websocket_url, subprotocols=["streamlit"], open_timeout=60) as ws,
    ):
        cold, error = open_page(ws, "classify", 120, "image=123")
        print(
            f"cold first run of /classify?image=123: {cold:.2f} s "
            f"({cold / TENSORFLOW_COLD_CLASSIFY_S:.2f}x the TensorFlow path); error {error}"
        )
        for page in ("", "explore"):
            seconds, error = open_page(ws, page, 120)
            print(f"/{page}: {seconds:.2f} s; error {error}")
        rss = rss_mb(app.pid)
        print(
            f"server process tree after Home, Classify and Explore: {rss:.0f} MB "
            f"({rss / TENSORFLOW_RSS_MB:.2f}x the TensorFlow path's {TENSORFLOW_RSS_MB:.0f} MB)"
        )
        print(f"TensorFlow library mapped: {tensorflow_mapped(app.pid)}")


if __name__ == "__main__":
    main()
