"""Pages first: one process serves the pages and the API, and a page's run, which a visitor
watches, goes before the API's work for the model. The entrypoint marks each run of a page
(`PAGE_RUNS.running`); a request for the model that arrives meanwhile, and the model's next
batch, each wait until no page runs (`PAGE_RUNS.idle`), for at most `GIVE_WAY_SECONDS`, so
that a long run (Explore's first pass over the test set) holds a request up by two such
waits at most. Callers waiting for their answers send no more requests, and the event loop,
the interpreter's lock and the cores are the page's (benchmarks.api_load, step 4).

The API's model threads also run at a lower CPU priority (`lower_priority`), so that the
event loop and the pages' scripts come first for the cores.

Streamlit reloads an edited module on the pages' next run: after editing this file,
restart the server, or the pages mark a new PAGE_RUNS that the API does not see."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

GIVE_WAY_SECONDS = 0.05
AFTER_RUN_SECONDS = 0.01  # the run's last messages (Streamlit sends them after it) go first
NICENESS = 10  # the API's model threads' priority below the server's (Linux: per thread)


class PageRuns:
    """The page runs under way in this process, and, per event loop, the future that their
    end sets (one for all the requests waiting in that loop)."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
        self.ends: dict[asyncio.AbstractEventLoop, asyncio.Future] = {}

    @contextmanager
    def running(self) -> Iterator[None]:
        """Marks a page's run (in its script thread)."""
        with self.lock:
            self.count += 1
        try:
            yield
        finally:
            with self.lock:
                self.count -= 1
                ends = {}
                if not self.count:
                    ends, self.ends = self.ends, {}
            for loop, end in ends.items():
                with suppress(RuntimeError):  # a loop that has closed
                    loop.call_soon_threadsafe(loop.call_later, AFTER_RUN_SECONDS, settle, end)

    async def idle(self, seconds: float = GIVE_WAY_SECONDS) -> None:
        """Return once no page runs, or after `seconds` (in an event loop)."""
        if not self.count:
            return
        loop = asyncio.get_running_loop()
        with self.lock:
            if not self.count:
                return
            end = self.ends.get(loop)
            if end is None:
                end = self.ends[loop] = loop.create_future()
        await asyncio.wait({end}, timeout=seconds)  # a timeout leaves `end` to the others


def settle(future: asyncio.Future) -> None:
    """The runs have ended: every request waiting on `future` goes on."""
    if not future.done():
        future.set_result(None)


PAGE_RUNS = PageRuns()  # this process's pages


def lower_priority() -> None:
    """Lower the calling thread's CPU priority (Linux, where priorities are per thread)."""
    if not sys.platform.startswith("linux"):
        return
    with suppress(OSError):
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, 19))
