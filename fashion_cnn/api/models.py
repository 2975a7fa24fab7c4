"""The models the API serves, by name: the bundled CNN (which reads drawings with the CNN
for drawings, as the pages do) and the CNN for drawings on its own. Each runs through a
`Predictor` (the one runner of the pages and the command line) behind a `Batcher`."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from fashion_cnn.api.batching import Batcher
from fashion_cnn.common import config
from fashion_cnn.common.contract import (
    FEATURES,
    PROBABILITIES,
    bundled_model_path,
    drawings_model_path,
)
from fashion_cnn.serving.predictor import Predictor, load_bundled

VERSION = "1"
# How requests are batched (fashion_cnn.api.batching), each settable by the environment.
# ONNX Runtime's threads per model run of the API: one leaves the other cores to the pages
# and the event loop, and suits replicas of one worker per core; 0 takes every core.
THREADS_ENV = "FASHION_CNN_API_THREADS"
BATCH_SETTINGS = {  # variable: (Batcher argument, default, unit factor)
    "FASHION_CNN_API_MAX_BATCH": ("max_batch", 256, 1),
    "FASHION_CNN_API_MAX_WAIT_MS": ("max_wait", 0.0, 1e-3),
    "FASHION_CNN_API_MAX_QUEUED": ("max_queued", 4096, 1),
}
PIXELS, IMAGE = "pixels", "image"
LABEL, VERDICT, HINT = "label", "verdict", "hint"
DEFAULT_OUTPUTS = (PROBABILITIES, LABEL, VERDICT)


@dataclass
class ServedModel:
    name: str
    predictor: Predictor
    batcher: Batcher

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


def batch_settings() -> dict:
    """The Batcher's arguments, from the environment where it sets them."""
    settings = {}
    for variable, (name, default, unit) in BATCH_SETTINGS.items():
        value = type(default)(os.environ.get(variable) or default)
        settings[name] = value * unit if unit != 1 else value
    return settings


def load_predictors() -> dict[str, Predictor]:
    """The bundled CNN (first), and the CNN for drawings when it loads, named by their
    files."""
    bundled = load_bundled(threads=int(os.environ.get(THREADS_ENV) or 1))
    found = {bundled_model_path().stem: bundled}
    if bundled.drawings_model is not None:
        found[drawings_model_path().stem] = bundled.drawings_model
    return found


class ModelStore:
    """Loads the models once, on the first request that needs them, in a worker thread.
    A failed load (say, a model file missing) is tried again by the next request."""

    def __init__(
        self,
        load: Callable[[], dict[str, Predictor]] = load_predictors,
        on_batch: Callable[[int], None] | None = None,
    ):
        self.load, self.on_batch = load, on_batch
        self.served: dict[str, ServedModel] | None = None
        self.lock = threading.Lock()

    def load_now(self) -> dict[str, ServedModel]:
        with self.lock:
            if self.served is None:
                settings = batch_settings()
                self.served = {
                    name: ServedModel(name, p, Batcher(p.classify, self.on_batch, **settings))
                    for name, p in self.load().items()
                }
            return self.served

    async def models(self) -> dict[str, ServedModel]:
        """The served models by name (ModelFileError when they cannot be loaded)."""
        if self.served is not None:
            return self.served
        return await asyncio.to_thread(self.load_now)
