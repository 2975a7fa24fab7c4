"""Pages first: one process serves the pages and the API, and a page's run, which a visitor
watches, goes before the API's work for the model. The entrypoint marks each run of a page
(`PAGE_RUNS.running`); a request for the model that arrives meanwhile, and the model's next
batch, each wait until no page runs and the runs' messages have been sent to their browsers
(`PAGE_RUNS.idle`), for at most `GIVE_WAY_SECONDS`, so that a long run (Explore's first
pass over the test set) holds a request up by two such waits at most. Callers waiting for
their answers send no more requests, and the event loop, the interpreter's lock and the
cores are the page's (benchmarks.api_load, step 4).

The API's model process also runs at a lower CPU priority (`NICENESS`), so that the
event loop and the pages' scripts come first for the cores.

Streamlit reloads an edited module on the pages' next run: after editing this file,
restart the server, or the pages mark a new PAGE_RUNS that the API does not see."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

GIVE_WAY_SECONDS = 0.05
AFTER_RUN_SECONDS = 0.01  # without word of its delivery, a run's last messages' head start
SENDING_SECONDS = 1.0  # the longest a run's messages are waited for
POLL_SECONDS = 0.002  # how often a run's delivery is looked at
NICENESS = 10  # the API's model process's priority below the server's

Delivered = Callable[[], bool]  # whether a run's messages have all been sent to its browser


class PageRuns:
    """The page runs under way in this process, the ended runs whose messages are still on
    their way, and, per event loop, the future that their end sets (one for all the
    requests waiting in that loop)."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
        self.ends: dict[asyncio.AbstractEventLoop, asyncio.Future] = {}
        self.sending: list[tuple[float, Delivered]] = []  # (give up at, delivered)
        self.pollers: set[asyncio.Task] = set()

    @contextmanager
    def running(self, delivered: Delivered | None = None) -> Iterator[None]:
        """Marks a page's run (in its script thread) until it ends and `delivered` says its
        messages have been sent to the browser. Streamlit sends them one per turn of the
        event loop, the last ones after the script: released at the script's end, the API's
        requests made each turn several milliseconds long, and a page's last messages took
        up to 200 ms more (benchmarks.api_load, step 4). Without `delivered`, the requests
        wait AFTER_RUN_SECONDS more; with it, SENDING_SECONDS at most. `delivered` is called
        under the lock, from any thread: it must be quick and must not use PAGE_RUNS."""
        with self.lock:
            self.count += 1
        try:
            yield
        finally:
            with self.lock:
                self.count -= 1
                if delivered is not None:  # the list is pruned here too: pages alone call no idle()
                    now = time.monotonic()
                    self.sending = [(t, sent) for t, sent in self.sending if t > now]
                    self.sending.append((now + SENDING_SECONDS, delivered))
                ends = {}
                if not self.count:
                    ends, self.ends = self.ends, {}
            for loop, end in ends.items():
                with suppress(RuntimeError):  # a loop that has closed
                    loop.call_soon_threadsafe(self.settle_when_sent, end, delivered is None)

    def busy(self) -> bool:
        """Whether a page runs or an ended run's messages are still on their way."""
        return bool(self.count or (self.sending and self.unsent()))

    def unsent(self) -> bool:
        now = time.monotonic()
        with self.lock:
            self.sending = [(t, sent) for t, sent in self.sending if t > now and not sent()]
            return bool(self.sending)

    async def idle(self, seconds: float = GIVE_WAY_SECONDS) -> None:
        """Return once no page runs nor sends its last messages, or after `seconds` (in
        an event loop)."""
        if not self.busy():
            return
        loop = asyncio.get_running_loop()
        with self.lock:
            end = self.ends.get(loop)
            if end is None:
                end = self.ends[loop] = loop.create_future()
                if not self.count:  # only messages on their way: no run's end will settle it
                    self.settle_when_sent(end, grace=False)
        await asyncio.wait({end}, timeout=seconds)  # a timeout leaves `end` to the others

    def settle_when_sent(self, end: asyncio.Future, grace: bool) -> None:
        """Settle `end` once no page runs and the ended runs' messages are sent, or once no
        request waits on it any more (GIVE_WAY_SECONDS: each waited less). In `end`'s loop."""
        loop = asyncio.get_running_loop()

        async def poll() -> None:
            if grace:
                await asyncio.sleep(AFTER_RUN_SECONDS)
            give_up = loop.time() + GIVE_WAY_SECONDS
            while (self.count or self.unsent()) and loop.time() < give_up:
                await asyncio.sleep(POLL_SECONDS)
            with self.lock:
                if self.ends.get(loop) is end:
                    del self.ends[loop]
            settle(end)

        task = loop.create_task(poll())
        self.pollers.add(task)  # kept until done: the loop holds tasks weakly
        task.add_done_callback(self.pollers.discard)


def settle(future: asyncio.Future) -> None:
    """The runs have ended: every request waiting on `future` goes on."""
    if not future.done():
        future.set_result(None)


PAGE_RUNS = PageRuns()  # this process's pages
