"""Pages first: one process serves the pages and the API, and a page's run, which a visitor
watches, goes before the API's requests for the model. The entrypoint marks each run of a
page (`PAGE_RUNS.running`); a request for the model that arrives meanwhile waits until no
page runs (`PAGE_RUNS.idle`), for at most `GIVE_WAY_SECONDS`, so that a long run (Explore's
first pass over the test set) holds the API up no longer than that. Callers waiting for
their answers send no more requests, and the event loop, the interpreter's lock and the
cores are the page's (benchmarks.api_load, step 4)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

GIVE_WAY_SECONDS = 0.05
AFTER_RUN_SECONDS = 0.01  # the run's last messages (Streamlit sends them after it) go first


class PageRuns:
    """The page runs under way in this process, and the requests waiting for their end."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
        self.waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

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
                woken, self.waiting = ([], self.waiting) if self.count else (self.waiting, [])
            for loop, future in woken:
                with contextlib.suppress(RuntimeError):  # a loop that has closed
                    loop.call_soon_threadsafe(loop.call_later, AFTER_RUN_SECONDS, wake, future)

    async def idle(self, seconds: float = GIVE_WAY_SECONDS) -> None:
        """Return once no page runs, or after `seconds` (in an event loop)."""
        if not self.count:
            return
        future = asyncio.get_running_loop().create_future()
        with self.lock:
            if not self.count:
                return
            self.waiting.append((asyncio.get_running_loop(), future))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await future


def wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


PAGE_RUNS = PageRuns()  # this process's pages
