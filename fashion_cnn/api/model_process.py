"""The API's models run in a process of their own: `python -m fashion_cnn.api.model_process`,
started by the server (`ModelProcess`) on the first batch or readiness probe.

Why not a thread of the server: the event loop parses requests and writes answers in
Python, and a batch needs Python too, after ONNX Runtime's work (the verdict, the
results). In one process they take turns at the interpreter's lock: a batch done in ONNX
Runtime waited for the loop to give the lock up (up to the 5 ms switch interval), then
the loop for the batch, and under load both sat idle a third of the time
(docs/benchmarks.md, "The HTTP API"). Here each has an interpreter of its own: the loop
sends a batch down a pipe and reads the answers as it reads a socket, and the pages'
scripts never wait for the model's Python either.

The process reads frames on stdin and writes frames on stdout, in order, one answer per
batch: an 8-byte length, then a pickle (the server's own child: no one else writes
there). It runs below the server's CPU priority, so that the event loop and the pages
come first for the cores, and splits a large batch into parts that run at once, one per
thread. It ends when stdin closes: when the server replaces it or exits.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import pickle
import sys
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from fashion_cnn.common import config
from fashion_cnn.common.contract import ModelFileError, bundled_model_path, drawings_model_path
from fashion_cnn.common.priority import NICENESS
from fashion_cnn.serving.predictor import Classification, Predictor, load_bundled
from fashion_cnn.serving.process import one_blas_thread

PART_IMAGES = 32  # the fewest images of a batch's part: smaller batches run whole
HEADER = 8  # bytes of a frame's length
BATCH_SECONDS = 60.0  # a batch not answered by then: the process is stuck, and restarted
READ_LIMIT = 1 << 22  # bytes the server buffers from the process before it pauses reading
OK, MODEL_ERROR, BUG = "ok", "model", "bug"  # an answer's kinds

log = logging.getLogger(__name__)


@dataclass
class Child:
    """One run of the process, with the futures of the batches it has not answered yet."""

    process: asyncio.subprocess.Process
    unanswered: deque[asyncio.Future] = field(default_factory=deque)


class ModelProcess:
    """The served models' batches, run in the child process: started on the first batch or
    readiness probe, and again on the next after it stops (a killed process fails only the
    batches it had)."""

    def __init__(self, threads: int, parts: int):
        # The process's settings (models.SETTINGS) and the models' folder, as loaded here.
        self.child_args = [str(threads), str(parts), str(config.MODEL_DIR)]
        self.child: Child | None = None
        self.reader: asyncio.Task | None = None  # the child's answers (read_answers)
        self.starting = asyncio.Lock()
        self.closed = False

    async def classify(
        self, model: str, images: np.ndarray, in_views: np.ndarray
    ) -> list[Classification]:
        """`model`'s classifications of `images` (n, 28, 28); ModelFileError where it cannot
        load, its process stopped mid-batch, or did not answer within BATCH_SECONDS."""
        frame = pickle.dumps((model, images, in_views), pickle.HIGHEST_PROTOCOL)
        child = await self.started()
        done = asyncio.get_running_loop().create_future()
        # Answers are matched to batches by their order: the future and its frame go in
        # together, with nothing that can fail or wait between them.
        child.unanswered.append(done)
        try:
            child.process.stdin.writelines([len(frame).to_bytes(HEADER, "little"), frame])
        except (RuntimeError, OSError):  # its pipe is closed (uvloop says so): it just ended
            child.unanswered.remove(done)
            if self.child is child:
                self.child = None  # the next batch starts another
            raise ModelFileError("the model's process stopped; send the request again") from None
        with suppress(ConnectionError):  # the process died: its reader fails `done`
            await child.process.stdin.drain()
        try:
            async with asyncio.timeout(BATCH_SECONDS):
                return await done
        except TimeoutError:
            with suppress(ProcessLookupError):
                child.process.kill()  # its reader fails the other batches it held
            raise ModelFileError(
                f"the model did not answer within {BATCH_SECONDS:.0f} s; it was restarted"
            ) from None

    async def answering(self, model: str) -> None:
        """Return once the process, started now where none runs, has answered a one-image
        batch of `model`'s (ModelFileError where it cannot): a replica is ready when its
        model reads now, not when it last did (a process killed a moment ago still looks
        alive here), and its first caller does not wait for the process to start."""
        if self.closed:  # replaced by a retrain while a probe waited: the next asks the new
            return
        size = config.IMAGE_SIZE
        await self.classify(model, np.zeros((1, size, size), np.float32), np.zeros(1, bool))

    async def started(self) -> Child:
        """The running child, started first if there is none (ModelFileError once the
        models were replaced, or where it cannot start)."""
        async with self.starting:
            if self.closed:
                raise ModelFileError("the model was just replaced by a newer one; try again")
            if self.child is None:
                try:
                    process = await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        __name__,
                        *self.child_args,
                        stdin=asyncio.subprocess.PIPE,
                        stdout=asyncio.subprocess.PIPE,
                        env=importable_env(),
                        limit=READ_LIMIT,
                    )
                except OSError as exc:  # out of processes or memory: 503, tried again
                    raise ModelFileError(f"the model's process cannot start: {exc}") from None
                self.child = Child(process)
                self.reader = asyncio.create_task(self.read_answers(self.child))
            return self.child

    async def read_answers(self, child: Child) -> None:
        """Each answer to its batch, in order, until the process ends."""
        try:
            while True:
                size = int.from_bytes(await child.process.stdout.readexactly(HEADER), "little")
                kind, value = pickle.loads(await child.process.stdout.readexactly(size))
                done = child.unanswered.popleft()
                if done.done():  # cancelled: the server is stopping
                    continue
                if kind == OK:
                    done.set_result(value)
                else:
                    error = ModelFileError if kind == MODEL_ERROR else RuntimeError
                    done.set_exception(error(value))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            if self.child is child:
                self.child = None
            stopped = ModelFileError("the model's process stopped; send the request again")
            for done in child.unanswered:
                if not done.done():
                    done.set_exception(stopped)
            with suppress(ProcessLookupError):
                child.process.kill()
            # Reaped here, on a closing loop too: else its pipes outlive the loop.
            with suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await child.process.wait()
        if not self.closed:  # replaced models' processes end as they should
            log.warning("the API's model process ended (exit status %s)", child.process.returncode)

    def close(self) -> None:
        """End the process once it has answered the batches sent (the models were replaced;
        their batchers have stopped)."""
        self.closed = True
        if self.child is not None:
            self.child.process.stdin.close()


def importable_env() -> dict[str, str]:
    """The server's environment, with this project's folder on the child's import path
    (a server started from another folder found it through its script's folder)."""
    paths = [str(config.PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


# --- The child process -------------------------------------------------------------------


def load_predictors(threads: int = 1) -> dict[str, Predictor]:
    """The bundled CNN (first), and the CNN for drawings when it loads, named by their
    files."""
    bundled = load_bundled(threads=threads)
    found = {bundled_model_path().stem: bundled}
    if bundled.drawings_model is not None:
        found[drawings_model_path().stem] = bundled.drawings_model
    return found


def classified(
    pool: ThreadPoolExecutor,
    parts: int,
    predictor: Predictor,
    images: np.ndarray,
    in_views: np.ndarray,
) -> list[Classification]:
    """`predictor.classify`, a large batch in up to `parts` at once, one per thread of
    `pool`."""
    parts = max(1, min(parts, len(images) // PART_IMAGES))
    if parts == 1:  # here: handing a small batch to a thread and back cost 0.1-0.4 ms of CPU
        return predictor.classify(images, in_views)
    bounds = np.linspace(0, len(images), parts + 1).astype(int)
    runs = [
        pool.submit(predictor.classify, images[a:b], in_views[a:b])
        for a, b in itertools.pairwise(bounds)
    ]
    return [result for run in runs for result in run.result()]


def answer(
    predictors: dict[str, Predictor], pool: ThreadPoolExecutor, parts: int, frame: bytes
) -> tuple[str, object]:
    """The answer to one batch's frame."""
    model, images, in_views = pickle.loads(frame)
    if model not in predictors:  # the files changed since the server loaded them: 503
        return MODEL_ERROR, f"{model} is not among the models found ({', '.join(predictors)})"
    try:
        return OK, classified(pool, parts, predictors[model], images, in_views)
    except Exception:  # a bug: logged in full; the server answers 500
        log.exception("model process: batch of %s", model)
        return BUG, "the model's run failed"


def read_frame(stream: BinaryIO) -> bytes | None:
    header = stream.read(HEADER)
    if len(header) < HEADER:
        return None
    return stream.read(int.from_bytes(header, "little"))


def serve(frames_in: BinaryIO, frames_out: BinaryIO, threads: int, parts: int) -> None:
    """Answer frames until stdin closes. The models load at the start, so that the first
    batch does not wait for them; where they cannot, each batch tries again."""
    predictors: dict[str, Predictor] | None = None
    with suppress(ModelFileError, OSError):
        predictors = load_predictors(threads)
    with ThreadPoolExecutor(parts, "model") as pool:
        while (frame := read_frame(frames_in)) is not None:
            try:
                predictors = predictors or load_predictors(threads)
                reply = answer(predictors, pool, parts, frame)
            except (ModelFileError, OSError) as exc:  # a file gone mid-replace: 503
                reply = MODEL_ERROR, str(exc)
            data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
            frames_out.write(len(data).to_bytes(HEADER, "little") + data)
            frames_out.flush()


def lower_priority() -> None:
    """This process below the server's CPU priority: its threads made from now on (they
    inherit it) and those its imports made already (Linux: priorities are per thread)."""
    niceness = os.nice(NICENESS)
    tasks = Path("/proc/self/task")
    for task in tasks.iterdir() if tasks.is_dir() else ():
        with suppress(OSError):  # a thread that has just ended
            os.setpriority(os.PRIO_PROCESS, int(task.name), niceness)


def main() -> None:
    frames_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr, not into the frames
    lower_priority()
    one_blas_thread()
    logging.basicConfig(level=logging.WARNING)
    with suppress(KeyboardInterrupt, BrokenPipeError):
        threads, parts = map(int, sys.argv[1:3])
        config.MODEL_DIR = Path(sys.argv[3])
        serve(sys.stdin.buffer, frames_out, threads, parts)


if __name__ == "__main__":
    main()
