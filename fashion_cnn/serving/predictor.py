"""Run an exported CNN with ONNX Runtime: the one place that runs a model for the app.

Pages, the command line, the API and the benchmarks load a `Predictor` and ask it for
probabilities, classifications, heatmaps, features or activations. No TensorFlow here:
the training side exports each model's twin (fashion_cnn.training.export) and, for the
bundled models, its reading graph (fashion_cnn.training.quantize): the twin quantised to
int8, which every probability and feature comes from where it is there; the float twin
gives what the app shows inside the CNN (activations, the maps of Grad-CAM).
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import hashlib
import io
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

from fashion_cnn.common import config
from fashion_cnn.common.contract import (
    FEATURE_MAPS,
    FEATURES,
    INPUT,
    METADATA_KEY,
    PROBABILITIES,
    ModelFileError,
    bundled_model_path,
    drawings_model_path,
    onnx_path,
    read_model_card,
    reading_path,
    twin_is_current,
)
from fashion_cnn.common.data import sha256_of
from fashion_cnn.common.files import write_bytes_atomic
from fashion_cnn.serving.verdict import (
    UNSURE_BELOW,
    GarmentDetector,
    GarmentGate,
    Verdict,
    energies,
    verdicts,
)

BATCH_SIZE = 256  # ONNX Runtime's buffers grow with the batch; this keeps a process small
READING_OUTPUTS = (PROBABILITIES, FEATURES)  # what the reading graph gives
KEPT_OUTPUTS = 16  # files of bulk outputs kept on disk (`cached_outputs`)
PASS_FROM = 4096  # images: a pass this large (Explore's) gets a session with a memory arena
MOVES = ((0, 1), (0, -1), (1, 0), (-1, 0))  # a picture's views: one pixel each way
VIEWS = 2 + len(MOVES)  # as given, mirrored, and the moves
AS_GIVEN = "probabilities_as_given"  # `read`: this CNN's own, of the image as given
GARMENT_SCORE = "garment_score"  # `read`: the energy of the CNN for drawings and icons
IN_VIEWS = "in_views"  # `read`: which images were read in views (drawings and uploads)
UNLIKE_PHOTOS = "unlike_photos"  # `read`: far from the product photos, by the distance


@dataclass(frozen=True)
class Classification:
    index: int
    label: str
    confidence: float
    probabilities: np.ndarray
    verdict: Verdict
    features: np.ndarray | None = None  # the penultimate vector the verdict judged

    @classmethod
    def from_probabilities(
        cls, probs: np.ndarray, verdict: Verdict, features: np.ndarray | None = None
    ) -> Classification:
        index = int(np.argmax(probs))
        return cls(index, config.CLASS_NAMES[index], float(probs[index]), probs, verdict, features)

    @property
    def hint(self) -> str | None:
        return self.verdict.hint

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(config.CLASS_NAMES[i], float(self.probabilities[i])) for i in order]

    def as_dict(self, k: int = 3) -> dict:
        """The answer of `predict --json` and `/api/classify` (named `class_index`: in a
        batch, a bare `index` read as the file's position)."""
        return {
            "class_index": self.index,
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "verdict": self.verdict.kind,
            "hint": self.verdict.hint,
            "top": [{"label": name, "probability": round(p, 4)} for name, p in self.top(k)],
        }


def release_free_memory() -> None:
    """Hand freed heap memory back to the system (glibc only; elsewhere nothing to do).

    Without the arena, each batch's buffers are freed after the run, but glibc keeps the
    freed pages, and a server process would stay tens of MB larger after a bulk pass."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def inference_session(onnx: bytes, arena: bool = False, threads: int = 0) -> ort.InferenceSession:
    """An ONNX Runtime session on the CPU; ModelFileError for a file it cannot load.

    Without `arena`, buffers are freed after each run: a long-lived session's arena would
    keep its largest batch's buffers for the life of the process. Its threads do not spin
    waiting for work after a run: a drawing runs two sessions (the bundled CNN's, then the
    CNN for drawings'), and the first one's spinning threads would hold up the second."""
    options = ort.SessionOptions()
    options.enable_cpu_mem_arena = arena
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads  # 0: one per core
    try:
        return ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # ONNX Runtime raises its own types for a bad file
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise ModelFileError(f"could not load the exported model: {reason}") from None


def as_batch(images: np.ndarray) -> np.ndarray:
    """uint8 or float images (N, 28, 28[, 1]) or one (28, 28) as the graph's float input."""
    size = config.IMAGE_SIZE
    return np.asarray(images, np.float32).reshape(-1, size, size, 1)


def drawing_views(image: np.ndarray) -> np.ndarray:
    """A drawing or upload as given, mirrored, and moved one pixel each way: (6, 28, 28).

    Where a hand puts its strokes is loose, and the preprocessing's fit to 28 pixels moves
    an edge by a pixel or so: averaging the six readings gets more drawings right
    (`benchmarks.input_accuracy`), and more icons, illustrations and sketches
    (`benchmarks.real_pictures`). Garments in the dataset face either way, and the CNN
    was trained with flips."""
    size = config.IMAGE_SIZE
    image = np.asarray(image).reshape(size, size)
    padded = np.pad(image, 1)
    moved = [padded[1 - dy : 1 - dy + size, 1 - dx : 1 - dx + size] for dy, dx in MOVES]
    return np.stack([image, image[:, ::-1], *moved])


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, as the model's last layer computes it."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def pruned(onnx: bytes, outputs: Sequence[str]) -> bytes:
    """The graph with only `outputs` left: with every convolution a graph output, ONNX
    Runtime converts each one's memory layout back on every run, asked for or not, which
    makes a run several times slower."""
    import onnx as onnx_lib  # only where a pruned graph is made

    proto = onnx_lib.load_from_string(onnx)
    kept = [out for out in proto.graph.output if out.name in outputs]
    del proto.graph.output[:]
    proto.graph.output.extend(kept)
    return proto.SerializeToString()


class Predictor:
    """One exported CNN, loaded once and shared by every session (runs are thread-safe).

    `reading`: its reading graph (the twin quantised), which gives every probability and
    feature; one made from other weights than `onnx`'s is not used (logged). Without one,
    the twin pruned to those outputs reads."""

    def __init__(
        self,
        onnx: bytes,
        name: str,
        card: dict | None = None,
        threads: int = 0,
        reading: bytes | None = None,
    ):
        self.threads = threads  # ONNX Runtime's threads per run; 0: one per core
        self.session = inference_session(onnx, threads=threads)
        meta = self.session.get_modelmeta().custom_metadata_map
        if METADATA_KEY not in meta:
            raise ModelFileError("the ONNX file was not exported by this app (no metadata)")
        self.metadata: dict = json.loads(meta[METADATA_KEY])
        self.name = name
        self.card = card or {}
        if reading is not None and not made_from(reading, onnx):
            logging.getLogger(__name__).warning("%s: its reading graph is stale; not used", name)
            reading = None
        self.quantized = reading is not None
        self._onnx, self._reading = onnx, reading  # sessions of them are made on demand
        self.key = hashlib.sha256(onnx + (reading or b"")).hexdigest()[:16]  # the weights
        self.outputs = [o.name for o in self.session.get_outputs()]
        self.detector = GarmentDetector.from_card(self.card)
        self.gate = GarmentGate.from_card(self.card)
        self.drawings_model: Predictor | None = None  # the reader in its place (`read`)

    @property
    def reading_key(self) -> str:
        """Identifies what a classification depends on: these weights and the drawings CNN's."""
        return self.key + (self.drawings_model.key if self.drawings_model else "")

    def without_drawings_model(self) -> Predictor:
        """This CNN reading every image itself (a copy sharing its session)."""
        alone = copy.copy(self)
        alone.drawings_model = None
        return alone

    @classmethod
    def load(cls, path: Path, name: str | None = None, threads: int = 0) -> Predictor:
        """A `.onnx` file, or a `.keras` file through its exported twin (the bundled model
        with its CNN for drawings: `load_bundled`), with the reading graph beside it where
        there is one. A `.keras` file without an up-to-date twin needs `python -m
        fashion_cnn export` first (ModelFileError)."""
        path = Path(path)
        card = read_model_card(path)
        if path.suffix == ".keras" and path.is_file():
            if not twin_is_current(path):
                raise ModelFileError(
                    f"{path.name} has no up-to-date exported twin; run "
                    f"`python -m fashion_cnn export --model {path}` to make it"
                )
            path = onnx_path(path)
        if not path.is_file():
            raise ModelFileError(
                f"model file {path} not found; run `python -m fashion_cnn export` or "
                "`python train_model.py` to make it"
            )
        reading = reading_path(path)
        reading_bytes = reading.read_bytes() if reading.is_file() else None
        return cls(path.read_bytes(), name or path.stem, card, threads, reading_bytes)

    @cached_property
    def reading_graph(self) -> bytes:
        """The quantised graph, or the twin pruned to the same outputs."""
        return self._reading or pruned(self._onnx, READING_OUTPUTS)

    @cached_property
    def reading_session(self) -> ort.InferenceSession:
        """The reading graph, kept: classifications and the API's batches run here."""
        return inference_session(self.reading_graph, threads=self.threads)

    @cached_property
    def maps_session(self) -> ort.InferenceSession:
        """The twin pruned to the last convolution's maps, kept: Grad-CAM's."""
        return inference_session(pruned(self._onnx, [FEATURE_MAPS]), threads=self.threads)

    def bulk_session(self) -> ort.InferenceSession:
        """The reading graph for one large pass (tens of ms to make), dropped after it, so
        its memory arena (reused buffers: faster) lasts one pass."""
        return inference_session(self.reading_graph, arena=True, threads=self.threads)

    def run(self, images: np.ndarray, outputs: Sequence[str]) -> dict[str, np.ndarray]:
        """The named outputs for a batch of images, `BATCH_SIZE` at a time: probabilities
        and features from the reading graph, the convolutions' maps from the twin."""
        x = as_batch(images)
        if not len(x):  # the int8 graph crashes ONNX Runtime on an empty batch: shapes only
            return {k: v[:0] for k, v in self.run(np.zeros((1, *x.shape[1:])), outputs).items()}
        read = [name for name in outputs if name in READING_OUTPUTS]
        shown = [name for name in outputs if name not in READING_OUTPUTS]
        bulk = not shown and len(x) >= PASS_FROM
        out = {}
        for session, names in (
            (self.bulk_session() if bulk else self.reading_session, read),
            (self.maps_session if shown == [FEATURE_MAPS] else self.session, shown),
        ):
            if names:
                parts = [
                    session.run(names, {INPUT: x[i : i + BATCH_SIZE]})
                    for i in range(0, len(x), BATCH_SIZE)
                ]
                out |= {name: np.concatenate([p[i] for p in parts]) for i, name in enumerate(names)}
        if bulk:
            release_free_memory()
        return {name: out[name] for name in outputs}

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """(N, 10) class probabilities."""
        return self.run(images, [PROBABILITIES])[PROBABILITIES]

    def read(
        self, images: np.ndarray, in_views: bool | Sequence[bool], outputs: Sequence[str] = ()
    ) -> dict[str, np.ndarray]:
        """Probabilities, features and `outputs` per image. Every output is this CNN's, of
        the image as given, its own probabilities too (`AS_GIVEN`): the verdict's distance
        is calibrated on single images of this CNN. The reader (the CNN for drawings and
        icons, `drawings_model`; this one when there is none) gives the probabilities of
        each image `in_views` (a drawing or an upload: see `reader_logits`). Where it has
        a gate, it also gives the `GARMENT_SCORE` of those, of each other image unlike the
        product photos (by the distance) and of every image this CNN is unsure of (NaN for
        the rest: dataset images it reads with confidence, whose verdict the probabilities
        give, as without a gate). The other images keep this CNN's probabilities, as
        Explore shows them: of the test images unlike the product photos, this CNN names
        more right than the reader (288 and 273 of 345)."""
        x = as_batch(images)[..., 0]
        out = self.run(x, sorted({PROBABILITIES, FEATURES, *outputs}))
        out[AS_GIVEN] = out[PROBABILITIES].copy()
        viewed = np.broadcast_to(np.asarray(in_views, bool), len(x))
        out[IN_VIEWS] = viewed
        out[UNLIKE_PHOTOS] = self.unlike_photos(out[FEATURES])
        reader = self.drawings_model or self
        if reader.gate is None:  # no energy to score: the reader reads in views only
            scored = viewed
        else:
            unsure = out[PROBABILITIES].max(axis=1) < UNSURE_BELOW
            scored = viewed | out[UNLIKE_PHOTOS] | unsure
            out[GARMENT_SCORE] = np.full(len(x), np.nan, np.float32)
        if scored.any():
            logits = reader.reader_logits(x[scored], viewed[scored])
            out[PROBABILITIES][viewed] = softmax(logits[viewed[scored]])
            if reader.gate is not None:
                out[GARMENT_SCORE][scored] = energies(logits)
        return out

    def garment_scores(self, images: np.ndarray, in_views: bool | Sequence[bool]) -> np.ndarray:
        """(N,) the gate's energy of every image, whether `read` needs it or not (for
        measuring the gate); NaN without a gate."""
        reader = self.drawings_model or self
        x = as_batch(images)[..., 0]
        if reader.gate is None:
            return np.full(len(x), np.nan)
        return energies(reader.reader_logits(x, in_views))

    def unlike_photos(self, features: np.ndarray) -> np.ndarray:
        """(N,) bool: features far from every class of the product photos (the detector's
        distance); all False without a detector."""
        if self.detector is None:
            return np.zeros(len(features), bool)
        return self.detector.distances(features) > self.detector.distance_above

    def reader_logits(self, x: np.ndarray, in_views: bool | np.ndarray) -> np.ndarray:
        """(N, 10) logits of this CNN as a reader: each image `in_views`'s from its
        `drawing_views` (from the views' mean features, the same as their mean logits: one
        dense layer follows the pooling), every other image's from itself.

        Every drawing and upload is read in views, photos too: on pictures visitors bring
        (icons, illustrations, sketches) that names more garments right and flags more
        other things, and synthetic product photos read as well (docs/model.md). The
        dataset's own images are not."""
        viewed = np.broadcast_to(np.asarray(in_views, bool), len(x))
        weights, bias = self.classifier
        features = np.empty((len(x), self.feature_count), np.float32)
        if viewed.any():
            views = np.concatenate([drawing_views(im) for im in x[viewed]])
            features[viewed] = self.features(views).reshape(-1, VIEWS, len(weights)).mean(axis=1)
        if not viewed.all():
            features[~viewed] = self.features(x[~viewed])
        return features @ weights + bias

    def judge(self, out: dict[str, np.ndarray], images: np.ndarray) -> list[Verdict]:
        """The verdicts of `read`'s outputs (see fashion_cnn.serving.verdict)."""
        gate = (self.drawings_model or self).gate
        scores = out.get(GARMENT_SCORE)
        return verdicts(out[PROBABILITIES], images, out[UNLIKE_PHOTOS], scores, gate, out[IN_VIEWS])

    def classify(
        self, images: np.ndarray, in_views: bool | Sequence[bool] = False
    ) -> list[Classification]:
        """One Classification with its verdict per 28x28 image, in a single model call;
        drawings and uploads (`in_views`) are read in their views (see `read`)."""
        out = self.read(images, in_views)
        return [
            Classification.from_probabilities(p, v, f)
            for p, v, f in zip(
                out[PROBABILITIES], self.judge(out, images), out[FEATURES], strict=True
            )
        ]

    @cached_property
    def feature_count(self) -> int:
        """How many penultimate features the model computes (its last convolution's width)."""
        shape = next(o.shape for o in self.session.get_outputs() if o.name == FEATURES)
        return int(shape[-1])

    def features(self, images: np.ndarray) -> np.ndarray:
        """(N, C) penultimate feature vectors (after global average pooling)."""
        return self.run(images, [FEATURES])[FEATURES]

    def activations(self, image: np.ndarray) -> dict[str, np.ndarray]:
        """Each convolution's maps (C, H, W) for one image, input to output."""
        names = self.metadata["conv_outputs"]
        return {name: maps[0] for name, maps in self.run(image, names).items()}

    @cached_property
    def classifier(self) -> tuple[np.ndarray, np.ndarray]:
        """The dense layer's weights (C, 10) and bias (10,)."""
        m = self.metadata
        return (
            np.asarray(m["classifier_weights"], np.float32),
            np.asarray(m["classifier_bias"], np.float32),
        )

    def analyse(
        self, image: np.ndarray, in_views: bool = False
    ) -> tuple[Classification, np.ndarray]:
        """The classification of one image, its verdict and a heatmap of its top class, in
        one call; a drawing or upload (`in_views`) is read in its views (see `read`)."""
        out = self.read(image, in_views, [FEATURE_MAPS])
        verdict = self.judge(out, image)[0]
        result = Classification.from_probabilities(out[PROBABILITIES][0], verdict)
        # Grad-CAM is this CNN's: of its own probabilities, for the class the reading chose.
        return result, self.class_map(out[FEATURE_MAPS][0], out[AS_GIVEN][0], result.index)

    def heatmap(self, image: np.ndarray, class_index: int) -> np.ndarray:
        """28x28, scaled 0-1: where the image pushed the CNN towards `class_index`."""
        out = self.run(image, [PROBABILITIES, FEATURE_MAPS])
        return self.class_map(out[FEATURE_MAPS][0], out[PROBABILITIES][0], class_index)

    def class_map(self, maps: np.ndarray, probs: np.ndarray, class_index: int) -> np.ndarray:
        """Grad-CAM (Selvaraju et al. 2017) of a class's probability, in closed form.

        With global average pooling into one dense layer, the gradient of p_c with respect
        to channel k's maps is the same at every position: p_c (W[k, c] - sum_j p_j W[k, j])
        / (H W). The positive factor cancels in the scaling to 0-1, so the heatmap is the
        ReLU of the maps weighted by W[:, c] - W p, bilinearly resized to 28x28."""
        weights = self.classifier[0]
        channel_weights = weights[:, class_index] - weights @ probs
        heat = np.maximum(np.tensordot(channel_weights, maps, axes=1), 0).astype(np.float32)
        size = (config.IMAGE_SIZE, config.IMAGE_SIZE)
        heat = np.asarray(Image.fromarray(heat, "F").resize(size, Image.Resampling.BILINEAR))
        return np.clip(heat / (heat.max() + 1e-8), 0.0, 1.0)


def cached_outputs(predictor: Predictor, images: np.ndarray, output: str) -> np.ndarray:
    """One bulk output (probabilities, features) for a fixed image set, computed once per
    model file and kept on disk (keyed by the model's and the images' hashes), so a
    restarted server need not redo it. A miss computes every bulk output in the same pass
    and keeps each: Explore asks for both, one after the other. Only the `KEPT_OUTPUTS`
    last used stay: every model trained on the Train page and opened in Explore adds
    its own (up to 5 MB)."""
    images_key = hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]
    folder = config.cache_dir() / "outputs"

    def path(name: str) -> Path:
        return folder / f"{name}-{predictor.key}-{images_key}.npy"

    try:
        values = np.load(path(output), allow_pickle=False)
        if len(values) == len(images):
            with contextlib.suppress(OSError):  # last used now: kept longest
                os.utime(path(output))
            return values
    except (OSError, ValueError):
        pass  # not there yet, or unreadable: compute it again
    computed = predictor.run(images, sorted({*READING_OUTPUTS, output}))
    for name, values in computed.items():
        buffer = io.BytesIO()
        np.save(buffer, values)
        with contextlib.suppress(OSError):  # a read-only disk costs the next start this work
            write_bytes_atomic(buffer.getvalue(), path(name))
    keep_newest(folder, KEPT_OUTPUTS)
    return computed[output]


def keep_newest(folder: Path, count: int) -> None:
    """Delete all but the `count` most recently used files in `folder` (not the temporary
    files of writes under way), and the outputs kept beside the decoded dataset before
    they had a folder of their own."""
    with contextlib.suppress(OSError):  # another server pruning too, or a read-only disk
        files = sorted(folder.glob("[!.]*.npy"), key=lambda f: f.stat().st_mtime, reverse=True)
        earlier = [f for n in READING_OUTPUTS for f in folder.parent.glob(f"{n}-*.npy")]
        for old in files[count:] + earlier:
            old.unlink(missing_ok=True)


def made_from(reading: bytes, onnx: bytes) -> bool:
    """Whether a reading graph was quantised from the twin `onnx` (its metadata says so)."""
    import onnx as onnx_lib
    from google.protobuf.message import DecodeError

    try:
        props = onnx_lib.load_from_string(reading).metadata_props
        meta = json.loads(next((p.value for p in props if p.key == METADATA_KEY), "{}"))
    except (DecodeError, ValueError):
        return False
    return meta.get("quantized_from") == hashlib.sha256(onnx).hexdigest()


def load_drawings_model(threads: int = 0) -> tuple[Predictor | None, str | None]:
    """The CNN for drawings (model/drawings/), or None and a one-line reason: missing,
    unreadable, or fine-tuned from other weights than the bundled model's (a retrain)."""
    try:
        path = onnx_path(drawings_model_path())
        model = Predictor.load(path, name="CNN for drawings", threads=threads)
        start = (model.card.get("fine_tuned_from") or {}).get("sha256")
        if start != sha256_of(bundled_model_path()):
            return None, (
                "it was fine-tuned from other weights than the bundled model's; make it "
                "again (docs/model.md: The CNN for drawings)"
            )
        return model, None
    except (ModelFileError, OSError) as exc:
        return None, str(exc)


def load_bundled(drawings: bool = True, threads: int = 0) -> Predictor:
    """The CNN shipped in model/, through its exported twin, with the CNN for drawings
    when asked for and it loads (without it, the bundled one reads drawings and uploads
    too)."""
    path = onnx_path(bundled_model_path())
    predictor = Predictor.load(path, name="Bundled CNN", threads=threads)
    if drawings:
        predictor.drawings_model, problem = load_drawings_model(threads)
        if problem:  # the app goes on without it; whoever runs the server should know
            logging.getLogger(__name__).warning("no CNN for drawings: %s", problem)
    return predictor
