"""The models the API serves, by name: the bundled CNN (which reads image files with the
CNN for drawings, as the pages do) and the CNN for drawings on its own. Each runs through a
`Predictor` (the one runner of the pages and the command line) behind a `Batcher`, in the
server's model process (fashion_cnn.api.model_process)."""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from fashion_cnn.api.batching import MAX_BATCH, Batcher
from fashion_cnn.api.model_process import ModelProcess, load_predictors
from fashion_cnn.common import config
from fashion_cnn.common.contract import FEATURES, PROBABILITIES, ModelFileError, bundled_files
from fashion_cnn.common.priority import PAGE_RUNS
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.serving.process import cores

VERSION = "1"
PIXELS, IMAGE = "pixels", "image"
LABEL, VERDICT, HINT = "label", "verdict", "hint"
DEFAULT_OUTPUTS = (PROBABILITIES, LABEL, VERDICT)
RECHECK_SECONDS = 1.0  # how often the model files are looked at for a retrained model
# Settings from the environment: variable -> (name, default, least, factor to the unit
# used). A queue of 0 would refuse every request.
# Threads: ONNX Runtime's per model call; one runs the call in the model process's own
# thread (at its lower priority), and suits replicas of one worker per core; 0 takes every
# core. Parts: the model calls a large batch runs as, at once; 0: the cores over
# `threads`. Set it in a container limited to fewer cores than its machine has.
SETTINGS = {
    "FASHION_CNN_API_MAX_BATCH": ("max_batch", MAX_BATCH, 1, 1),
    "FASHION_CNN_API_MAX_WAIT_MS": ("max_wait", 0.0, 0, 1e-3),
    "FASHION_CNN_API_MAX_QUEUED": ("max_queued", 4096, 1, 1),
    "FASHION_CNN_API_THREADS": ("threads", 1, 0, 1),
    "FASHION_CNN_API_PARTS": ("parts", 0, 0, 1),
}


def settings_from_environment() -> dict:
    """The API's settings; ValueError, in one line, for a value that is not one."""
    settings = {}
    for variable, (name, default, least, factor) in SETTINGS.items():
        text = os.environ.get(variable, "").strip()
        try:
            value = type(default)(text) if text else default
        except ValueError:
            value = -1
        if not least <= value < math.inf:  # nan and inf too: a batch would wait for ever
            kind = "whole number" if isinstance(default, int) else "number"
            raise ValueError(f"{variable} must be a {kind} of {least} or more, not {text!r}")
        settings[name] = value * factor
    if not settings["parts"]:
        settings["parts"] = cores() // settings["threads"] if settings["threads"] else 1
    return settings


@dataclass
class ServedModel:
    name: str
    predictor: Predictor  # its metadata; its batches run in `process`
    batcher: Batcher
    process: ModelProcess

    def metadata(self) -> dict:
        """The protocol's model metadata: what goes in and what comes out."""
        size, classes = config.IMAGE_SIZE, config.NUM_CLASSES
        return {
            "name": self.name,
            "versions": [VERSION],
            "platform": "onnxruntime_onnx",
            "inputs": [
                {"name": PIXELS, "datatype": "FP32", "shape": [-1, size, size, 1]},
                {"name": IMAGE, "datatype": "BYTES", "shape": [-1]},
            ],
            "outputs": [
                {"name": PROBABILITIES, "datatype": "FP32", "shape": [-1, classes]},
                {"name": LABEL, "datatype": "BYTES", "shape": [-1]},
                {"name": VERDICT, "datatype": "BYTES", "shape": [-1]},
                {"name": HINT, "datatype": "BYTES", "shape": [-1]},
                {
                    "name": FEATURES,
                    "datatype": "FP32",
                    "shape": [-1, self.predictor.feature_count],
                },
            ],
        }


def files_signature() -> tuple:
    """What the loaded models depend on: each model file's path, time and size."""
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in bundled_files())


class ModelStore:
    """Loads the models on the first request that needs them, in a worker thread, and
    again when their files change (a retrained model), as the pages do. A failed load (a
    model file missing, say) is tried again by the next request."""

    def __init__(self):
        self.on_batch: Callable[[int], None] | None = None  # the metrics' (api_routes)
        self.settings = settings_from_environment()  # a bad value stops the server's start
        self.served: dict[str, ServedModel] | None = None
        self.signature: tuple | None = None
        self.checked = 0.0
        self.lock = threading.Lock()
        self.retiring: set[asyncio.Task] = set()
        self.replaced: list[ServedModel] = []  # replaced by a load, not yet stopped

    def load_now(self) -> dict[str, ServedModel]:
        try:
            return self.load_if_changed()
        except OSError as exc:  # a file unreadable or gone mid-replace: 503, tried again
            raise ModelFileError(f"cannot read {exc.filename}: {exc.strerror}") from None

    def load_if_changed(self) -> dict[str, ServedModel]:
        with self.lock:
            signature = files_signature()
            if self.served is None or signature != self.signature:
                threads, parts = int(self.settings["threads"]), int(self.settings["parts"])
                batching = {k: v for k, v in self.settings.items() if k not in ("threads", "parts")}
                process = ModelProcess(threads, parts)  # the models run there
                self.replaced += (self.served or {}).values()
                self.served = {
                    name: ServedModel(
                        name,
                        p,
                        Batcher(
                            partial(process.classify, name),
                            self.on_batch,
                            PAGE_RUNS.idle,
                            **batching,
                        ),
                        process,
                    )
                    for name, p in load_predictors(threads).items()
                }
                self.signature = signature
            self.checked = time.monotonic()
            return self.served

    async def models(self) -> dict[str, ServedModel]:
        """The served models by name (ModelFileError when they cannot be loaded). Models a
        new load replaced stop once their queued images have run."""
        served = self.served
        if served is not None and time.monotonic() - self.checked < RECHECK_SECONDS:
            return served
        self.checked = time.monotonic()  # one request looks at the files; the rest go on
        fresh = await asyncio.to_thread(self.load_now)
        with self.lock:  # what this and any load at the same time replaced, taken once
            replaced, self.replaced = self.replaced, []
        if replaced:
            retiring = asyncio.create_task(self.retire(replaced))
            self.retiring.add(retiring)  # kept until done: the loop holds tasks weakly
            retiring.add_done_callback(self.retiring.discard)
        return fresh

    @staticmethod
    async def retire(replaced: list[ServedModel]) -> None:
        """Stop replaced models once the images queued for them have run."""
        try:
            for old in replaced:
                old.batcher.close()
            await asyncio.gather(*(old.batcher.stopped() for old in replaced))
        finally:
            for process in {id(old.process): old.process for old in replaced}.values():
                process.close()
