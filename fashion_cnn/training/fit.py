"""Train a CNN on Fashion-MNIST and save it with its model card, atomically."""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from fashion_cnn.common import config
from fashion_cnn.common.architectures import ARCHITECTURES
from fashion_cnn.common.contract import model_card_path, onnx_path, read_model_card, reading_path
from fashion_cnn.common.data import FashionMNIST, sha256_of
from fashion_cnn.common.files import replace_durably, write_bytes_atomic
from fashion_cnn.common.settings import OPTIMIZERS, TrainConfig
from fashion_cnn.serving.evaluation import evaluate_probabilities
from fashion_cnn.training.augment import augment
from fashion_cnn.training.drawings import drawing_inputs
from fashion_cnn.training.export import onnx_bytes
from fashion_cnn.training.model import build_model, load_model

STATISTICS_SAMPLE = 1024  # training images that set batch norm's statistics


@dataclass
class TrainResult:
    model: keras.Model  # uncompiled, ready for inference and saving
    history: dict[str, list[float]]
    seconds: float
    epochs_completed: int


class StopWhenSet(keras.callbacks.Callback):
    """Ends training after the current batch once `event` is set (Stop, Ctrl-C)."""

    async_safe = True  # only reads an event: Keras need not wait for it between steps

    def __init__(self, event):
        super().__init__()
        self.event = event

    def on_train_batch_end(self, batch, logs=None):
        if self.event.is_set():
            self.model.stop_training = True


class BatchNormStatistics(keras.callbacks.Callback):
    """Sets each batch norm layer's statistics (the means and variances it uses outside
    training) from a fixed sample of training images, before each validation and after each
    epoch (a stopped one too), so every epoch's saved weights carry their own.

    Why: Keras keeps moving averages that start at mean 0 and variance 1 and forget that
    start by 10% a step, so after a short run they still hold much of it and the network
    answers at random outside training. Long runs barely change."""

    def __init__(self, images: np.ndarray, batch_size: int = 256):
        super().__init__()
        self.batches = [
            images[i : i + batch_size, ..., None].astype(np.float32)
            for i in range(0, len(images), batch_size)
        ]
        self.done = False

    def set_statistics(self) -> None:
        """The sample's mean of batch means and of batch variances (a cumulative average)."""
        norm = keras.layers.BatchNormalization
        layers = [layer for layer in self.model.layers if isinstance(layer, norm)]
        momentum = {layer.name: layer.momentum for layer in layers}
        for k, batch in enumerate(self.batches):
            for layer in layers:
                layer.momentum = k / (k + 1)  # the first batch replaces what was there
            self.model(batch, training=True)
        for layer in layers:
            layer.momentum = momentum[layer.name]
        self.done = True

    def on_epoch_begin(self, epoch, logs=None):
        self.done = False

    def on_test_begin(self, logs=None):
        if not self.done:
            self.set_statistics()

    def on_epoch_end(self, epoch, logs=None):
        self.on_test_begin()

    def on_train_end(self, logs=None):
        # Keras has just swapped in the averaged weights, whose statistics are not the
        # last step's.
        if getattr(self.model.optimizer, "use_ema", False):
            self.set_statistics()


class AugmentedBatches(keras.utils.PyDataset):
    """Shuffled, freshly augmented batches of targets (one-hot, or even for outliers) every
    epoch; each of `pools` (images, targets, share) takes its share of each epoch's places."""

    def __init__(self, images, labels, cfg: TrainConfig, rng: np.random.Generator, pools=()):
        super().__init__(workers=1, use_multiprocessing=False)
        self.images, self.labels, self.cfg, self.rng = images, labels, cfg, rng
        self.pools = pools
        self.on_epoch_end()

    def __len__(self) -> int:
        return int(np.ceil(len(self.images) / self.cfg.batch_size))

    def __getitem__(self, i: int):
        s = slice(i * self.cfg.batch_size, (i + 1) * self.cfg.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self) -> None:
        order = self.rng.permutation(len(self.images))
        images = self.images[order]
        targets = keras.utils.to_categorical(self.labels[order], config.NUM_CLASSES)
        if self.cfg.augment:
            images = augment(images, self.rng, self.cfg.augment_settings)
        draw, start = self.rng.random(len(images)), 0.0
        for pool_images, pool_targets, share in self.pools:
            swap = np.flatnonzero((draw >= start) & (draw < start + share))
            pick = self.rng.integers(0, len(pool_images), len(swap))
            images[swap], targets[swap] = pool_images[pick], pool_targets[pick]
            start += share
        self.x = images[..., None].astype(np.float32)
        self.y = targets


def picture_pools(cfg: TrainConfig, images: np.ndarray, labels: np.ndarray) -> list[tuple]:
    """The pools a run swaps in (images, targets, share): drawn garments, garments in visitor
    styles, and non-garments with even targets (outlier exposure). Minutes each: every
    picture goes through the app's preprocessing."""
    from fashion_cnn.training.outliers import outlier_inputs  # only runs that use them
    from fashion_cnn.training.pictures import OTHER, picture_files, picture_inputs
    from fashion_cnn.training.sketches import sketches
    from fashion_cnn.training.styles import development_garments, style_inputs

    def one_hot(y: np.ndarray) -> np.ndarray:
        return keras.utils.to_categorical(y, config.NUM_CLASSES)

    def targets(y: np.ndarray) -> np.ndarray:
        """One-hot for garments, even over the classes for other things (label OTHER)."""
        out = np.full((len(y), config.NUM_CLASSES), 1 / config.NUM_CLASSES, np.float32)
        garments = y != OTHER
        out[garments] = one_hot(y[garments])
        return out

    pools, garment_icons = [], None
    if cfg.style_share > 0 and cfg.garment_icons:  # first: a wrong path fails at once
        garment_icons = development_garments(Path(cfg.garment_icons))
    if cfg.hand_drawn_share > 0:
        sources = [s.strip() for s in cfg.hand_drawn_sources.split(",") if s.strip()]
        hand_drawn = picture_files(Path(cfg.hand_drawn), sources)
    if cfg.outlier_share > 0 and cfg.outlier_icons and not Path(cfg.outlier_icons).is_dir():
        raise ValueError(f"--outlier-icons {cfg.outlier_icons}: no such folder")
    if cfg.drawing_share > 0:
        x, y = drawing_inputs(images, labels, min(cfg.drawing_pool, len(images)), seed=cfg.seed)
        pools.append((x, one_hot(y), cfg.drawing_share))
    if cfg.style_share > 0:
        from_icons = round(cfg.style_pool * cfg.garment_icon_share) if garment_icons else 0
        from_sketches = round(cfg.style_pool * cfg.sketch_share)
        photos = max(cfg.style_pool - from_icons - from_sketches, 0)
        parts = []  # each source that has places in the pool
        if photos:
            parts.append(style_inputs(images, labels, photos, seed=cfg.seed + 1))
        if from_icons:
            parts.append(style_inputs(*garment_icons, from_icons, seed=cfg.seed + 3))
        if from_sketches:
            drawn = sketches(from_sketches, seed=cfg.seed + 4)
            parts.append(style_inputs(*drawn, from_sketches, seed=cfg.seed + 5))
        x, y = (np.concatenate(part) for part in zip(*parts, strict=True))
        pools.append((x, one_hot(y), cfg.style_share))
    if cfg.hand_drawn_share > 0:
        x, y = picture_inputs(hand_drawn, cfg.hand_drawn_pool, seed=cfg.seed + 6)
        pools.append((x, targets(y), cfg.hand_drawn_share))
    if cfg.outlier_share > 0:
        icons = Path(cfg.outlier_icons) if cfg.outlier_icons else None
        x = outlier_inputs(cfg.outlier_pool, cfg.seed + 2, icons)
        pools.append((x, targets(np.full(len(x), OTHER)), cfg.outlier_share))
    return pools


def statistics_sample(images: np.ndarray, pools=()) -> np.ndarray:
    """The images that set batch norm's statistics (`BatchNormStatistics`): the first
    `STATISTICS_SAMPLE` training images, each pool's share of them swapped for the pool's
    first images as each epoch swaps them, so that a model trained mostly on drawings is
    normalised by statistics of the inputs it trains on."""
    sample, start = images[:STATISTICS_SAMPLE].copy(), 0
    for pool_images, _, share in pools:
        count = min(round(len(sample) * share), len(pool_images))
        sample[start : start + count] = pool_images[:count]
        start += count
    return sample


def split_training_data(data: FashionMNIST, cfg: TrainConfig, rng: np.random.Generator):
    """A seeded subset of the training images, and the validation slice if asked for."""
    order = rng.permutation(len(data.x_train))
    if cfg.train_subset:
        order = order[: cfg.train_subset]
    n_val = int(len(order) * cfg.validation_split)
    train_idx, val_idx = order[n_val:], order[:n_val]
    return (data.x_train[train_idx], data.y_train[train_idx]), (
        data.x_train[val_idx],
        data.y_train[val_idx],
    )


def build_optimizer(cfg: TrainConfig, steps_per_epoch: int) -> keras.optimizers.Optimizer:
    """Linear warm-up to the learning rate, then cosine decay to zero; with
    `weight_averaging`, Keras' own moving average of the weights replaces them at the end."""
    total = max(1, cfg.epochs * steps_per_epoch)
    warmup = min(cfg.warmup_epochs * steps_per_epoch, total // 2)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=cfg.learning_rate / 10 if warmup else cfg.learning_rate,
        decay_steps=total - warmup,
        warmup_target=cfg.learning_rate if warmup else None,
        warmup_steps=warmup,
    )
    common = dict(
        weight_decay=cfg.weight_decay or None,
        use_ema=cfg.weight_averaging > 0,
        ema_momentum=cfg.weight_averaging or 0.99,
    )
    if cfg.optimizer == "sgd":
        return keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True, **common)
    if cfg.optimizer == "adam":
        return keras.optimizers.Adam(schedule, **common)
    raise ValueError(f"unknown optimizer {cfg.optimizer!r}; choose one of {OPTIMIZERS}")


def train(
    cfg: TrainConfig, data: FashionMNIST, callbacks: list | None = None, verbose: int = 0
) -> TrainResult:
    """Fit a fresh model; returns an uncompiled copy holding the final weights."""
    if cfg.architecture not in ARCHITECTURES:
        raise ValueError(
            f"unknown architecture {cfg.architecture!r}; choose one of {list(ARCHITECTURES)}"
        )
    keras.utils.set_random_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    (x_train, y_train), (x_val, y_val) = split_training_data(data, cfg, rng)
    pools = picture_pools(cfg, x_train, y_train)
    batches = AugmentedBatches(x_train, y_train, cfg, rng, pools)

    model = build_model(cfg.architecture, cfg.dropout)
    if cfg.init_from:  # fine-tuning: start from a trained model of the same architecture
        try:
            model.set_weights(load_model(Path(cfg.init_from)).get_weights())
        except ValueError as exc:
            raise ValueError(f"{cfg.init_from} is not a {cfg.architecture} model: {exc}") from None
    model.compile(
        optimizer=build_optimizer(cfg, len(batches)),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=cfg.label_smoothing),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
        jit_compile=cfg.jit_compile,
    )
    validation = None
    if len(x_val):
        validation = (
            x_val[..., None].astype(np.float32),
            keras.utils.to_categorical(y_val, config.NUM_CLASSES),
        )
    # First, so that what other callbacks see after an epoch uses the set statistics.
    sample = statistics_sample(x_train, pools)
    callbacks = [BatchNormStatistics(sample), *(callbacks or [])]
    if cfg.early_stopping and validation is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(patience=cfg.early_stopping, restore_best_weights=True)
        )

    start = time.perf_counter()
    history = model.fit(
        batches, epochs=cfg.epochs, validation_data=validation, callbacks=callbacks, verbose=verbose
    )
    seconds = time.perf_counter() - start
    # A fresh, uncompiled twin drops optimizer state, so the saved file stays small.
    inference = build_model(cfg.architecture, cfg.dropout)
    inference.set_weights(model.get_weights())
    epochs_done = len(history.history.get("loss", []))
    return TrainResult(inference, history.history, seconds, epochs_done)


def evaluate_on_test(
    onnx: bytes, data: FashionMNIST, limit: int = 0, reading: bytes | None = None
) -> dict:
    """Test-set metrics of an exported model, as the app runs it (with its `reading`
    graph, where it has one); `limit` > 0: the first `limit` images."""
    from fashion_cnn.serving.predictor import Predictor

    x, y = (data.x_test[:limit], data.y_test[:limit]) if limit else (data.x_test, data.y_test)
    predictor = Predictor(onnx, "evaluated", reading=reading)
    return evaluate_probabilities(predictor.probabilities(x), y)


def save_model_atomic(model: keras.Model, path: Path) -> None:
    """Write to a hidden temporary folder beside `path`, then rename into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=".saving-", dir=path.parent))
    try:
        tmp_path = tmp_dir / path.name
        model.save(tmp_path)
        replace_durably(tmp_path, path)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def test_fields(metrics: dict) -> dict:
    """The model card's test figures, from `evaluate_probabilities`' metrics."""
    return {
        "test_accuracy": metrics["accuracy"],
        "test_count": metrics["count"],
        "per_class": metrics["per_class"],
        "confusion_matrix": metrics["confusion_matrix"],
    }


def build_model_card(
    result: TrainResult,
    cfg: TrainConfig,
    metrics: dict,
    data: FashionMNIST,
    model_path: Path,
    command: str = "",
) -> dict:
    """Everything a reader needs to trust and reproduce the model."""
    import onnxruntime
    import tensorflow as tf

    return {
        "model_file": Path(model_path).name,
        "file_bytes": Path(model_path).stat().st_size,
        "onnx_file": onnx_path(model_path).name,
        "onnx_bytes": onnx_path(model_path).stat().st_size,
        "architecture": cfg.architecture,
        "architecture_description": ARCHITECTURES[cfg.architecture].description,
        "parameters": int(result.model.count_params()),
        "class_names": list(config.CLASS_NAMES),
        **test_fields(metrics),
        "history": {k: [round(float(v), 5) for v in vals] for k, vals in result.history.items()},
        "epochs_completed": result.epochs_completed,
        "training_settings": asdict(cfg),
        "training_seconds": round(result.seconds, 1),
        "seed": cfg.seed,
        "command": command,
        "versions": {
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "onnxruntime": onnxruntime.__version__,
            "python": platform.python_version(),
        },
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "dataset_sha256": data.sha256,
        "fine_tuned_from": fine_tune_origin(cfg.init_from),
    }


def fine_tune_origin(init_from: str) -> dict | None:
    """What a fine-tuned model started from, as its model card told: None for a fresh run."""
    if not init_from:
        return None
    card = read_model_card(Path(init_from))
    keys = ("test_accuracy", "epochs_completed", "training_seconds", "command", "machine")
    return {
        "model_file": Path(init_from).name,
        "sha256": sha256_of(Path(init_from)),  # which weights: a retrain keeps the name
        **{k: card.get(k) for k in keys},
    }


def save_model_and_card(
    result: TrainResult,
    cfg: TrainConfig,
    metrics: dict,
    data: FashionMNIST,
    model_path: Path,
    command: str = "",
    onnx: bytes | None = None,
    extra: dict | None = None,
    reading: bytes | None = None,
) -> dict:
    """Save the model, its ONNX twin (`onnx`, or exported now) and its `reading` graph
    (where given; a stale one is removed), then its card with the `extra` blocks (the
    verdict's detector), each atomically; returns the card."""
    save_model_atomic(result.model, model_path)
    write_bytes_atomic(onnx or onnx_bytes(result.model), onnx_path(model_path))
    if reading is not None:
        write_bytes_atomic(reading, reading_path(model_path))
    else:
        reading_path(model_path).unlink(missing_ok=True)
    card = build_model_card(result, cfg, metrics, data, model_path, command) | (extra or {})
    write_bytes_atomic(json.dumps(card, indent=1).encode(), model_card_path(model_path))
    return card
