"""Keras models: building a preset (fashion_cnn.common.architectures) and loading a file."""

from __future__ import annotations

from pathlib import Path

import keras
from keras import layers

from fashion_cnn.common import config
from fashion_cnn.common.architectures import ARCHITECTURES, DEFAULT_ARCHITECTURE
from fashion_cnn.common.contract import ModelFileError, bundled_model_path


def build_model(architecture: str = DEFAULT_ARCHITECTURE, dropout: float = 0.2):
    """A compiled-free Keras model: (N, 28, 28, 1) pixels 0-255 in, 10 probabilities out.

    No kernel regularizer: weight decay is the optimizer's (training.build_optimizer)."""
    arch = ARCHITECTURES[architecture]
    inputs = keras.Input((config.IMAGE_SIZE, config.IMAGE_SIZE, 1), name="pixels")
    x = layers.Rescaling(1.0 / 255.0, name="rescale")(inputs)
    for b, widths in enumerate(arch.blocks, start=1):
        for c, width in enumerate(widths, start=1):
            x = layers.Conv2D(
                width,
                3,
                padding="same",
                use_bias=False,
                name=f"block{b}_conv{c}",
            )(x)
            x = layers.BatchNormalization(momentum=0.9, name=f"block{b}_bn{c}")(x)
            x = layers.ReLU(name=f"block{b}_relu{c}")(x)
        if b < len(arch.blocks):
            x = layers.MaxPooling2D(name=f"block{b}_pool")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(config.NUM_CLASSES, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name=f"fashion_cnn_{architecture}")


def load_model(path: Path | None = None):
    """Load a `.keras` file safely (no arbitrary code); ModelFileError on any failure."""
    path = Path(path) if path is not None else bundled_model_path()
    if not path.is_file():
        raise ModelFileError(f"model file {path} not found; run `python train_model.py` to make it")
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad archive
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ModelFileError(f"could not load model {path.name}: {reason}") from None
