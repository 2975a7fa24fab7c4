"""Micro-batching: images from many requests run through the model together.

Requests queue their images; a batch runs when it holds `max_batch` images or its first
image has waited `max_wait` seconds (0: as soon as the model is free, with what arrived
while it was busy), elsewhere (`classify`: the model's process), so the event loop (and
the pages served beside the API) never waits on the model, and throughput grows with the
number of callers while one caller's latency stays a few milliseconds. The queue is
bounded: past `max_queued` images a request is refused at once (HTTP 429).

`max_batch` is small (MAX_BATCH) so that the model and the event loop work at once: one
batch runs while the loop answers the last one's callers and reads the next requests.
With a cap of 256, 64 callers of one image each gathered into one batch, and the loop and
the model took turns (docs/benchmarks.md, "The HTTP API"). And two batches are sent at
once (IN_FLIGHT): the model starts the second the moment it ends the first, not once the
event loop has read the first's answers.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

from fashion_cnn.serving.predictor import Classification

MAX_BATCH = 32  # images of several requests run together (see above)
IN_FLIGHT = 2  # batches sent at once: the next waits in the model's pipe, not in the loop


class Overloaded(RuntimeError):
    """The queue is full; the message is one line for the caller."""


@dataclass
class Waiting:
    images: np.ndarray  # (n, 28, 28)
    in_views: np.ndarray  # (n,) bool: read in views (Predictor.read)
    done: asyncio.Future


Classify = Callable[[np.ndarray, np.ndarray], Awaitable[list[Classification]]]


class Batcher:
    def __init__(
        self,
        classify: Classify,
        on_batch: Callable[[int], None] | None = None,
        before_batch: Callable[[], Awaitable[None]] | None = None,
        max_batch: int = MAX_BATCH,
        max_wait: float = 0.0,
        max_queued: int = 4096,
        in_flight: int = IN_FLIGHT,
    ):
        self.classify, self.on_batch = classify, on_batch
        self.before_batch = before_batch  # must not raise: the queued requests wait on the batch
        self.max_batch, self.max_wait, self.max_queued = max_batch, max_wait, max_queued
        self.in_flight = in_flight
        self.waiting: deque[Waiting] = deque()
        self.queued = 0  # images waiting, for the bound and the metrics
        self.arrived: asyncio.Event | None = None
        self.worker: asyncio.Task | None = None
        self.closed = False

    async def run(self, images: np.ndarray, in_views: np.ndarray) -> list[Classification]:
        """The classifications of `images` (n, 28, 28), run with other requests' images."""
        if self.queued + len(images) > self.max_queued:
            raise Overloaded(f"the model's queue is full ({self.queued} images); try again")
        if self.closed:
            raise Overloaded("the model was just replaced by a newer one; try again")
        if self.worker is None or self.worker.done():  # started in the serving event loop
            self.arrived = asyncio.Event()
            self.worker = asyncio.get_running_loop().create_task(self.work())
        done = asyncio.get_running_loop().create_future()
        self.waiting.append(Waiting(images, in_views, done))
        self.queued += len(images)
        self.arrived.set()
        return await done

    def close(self) -> None:
        """Stop once the images queued now have run (the model was replaced)."""
        self.closed = True
        if self.arrived is not None:
            self.arrived.set()

    async def stopped(self) -> None:
        """Return once closed and every image queued has run."""
        if self.worker is not None:
            await self.worker

    async def work(self) -> None:
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(self.in_flight)
        sent: set[asyncio.Task] = set()
        while True:
            if not self.waiting:
                if self.closed:
                    await asyncio.gather(*sent)  # answered before the batcher stops
                    return
                self.arrived.clear()
                await self.arrived.wait()
                continue
            deadline = loop.time() + self.max_wait
            while self.queued < self.max_batch and loop.time() < deadline:
                self.arrived.clear()
                try:
                    await asyncio.wait_for(self.arrived.wait(), deadline - loop.time())
                except TimeoutError:
                    break
            await slots.acquire()  # the batch is made as late as it can be: a larger one
            if self.before_batch:  # e.g. a page's run, which goes first
                await self.before_batch()
            batch = loop.create_task(self.run_batch(self.take()))
            sent.add(batch)
            batch.add_done_callback(sent.discard)
            batch.add_done_callback(lambda _: slots.release())

    def take(self) -> list[Waiting]:
        """Requests in arrival order up to `max_batch` images (at least one request)."""
        batch, count = [], 0
        while self.waiting and (not batch or count + len(self.waiting[0].images) <= self.max_batch):
            item = self.waiting.popleft()
            batch.append(item)
            count += len(item.images)
        self.queued -= count
        return batch

    async def run_batch(self, batch: list[Waiting]) -> None:
        try:
            images = np.concatenate([w.images for w in batch])
            in_views = np.concatenate([w.in_views for w in batch])
            results = await self.classify(images, in_views)
            if self.on_batch:
                self.on_batch(len(images))
        except Exception as exc:  # each caller hears of it; the batcher goes on
            for w in batch:
                if not w.done.done():
                    w.done.set_exception(exc)
            return
        start = 0
        for w in batch:
            if not w.done.done():  # a caller that went away has cancelled its future
                w.done.set_result(results[start : start + len(w.images)])
            start += len(w.images)
