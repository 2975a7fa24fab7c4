"""CNN architectures as named presets, and loading the bundled model file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fashion_cnn import config


@dataclass(frozen=True)
class Architecture:
    """A VGG-style stack: one tuple of conv widths per block, a max-pool between blocks,
    then global average pooling into one dense layer.

    That head is what lets the app explain any preset in closed form: class activation
    maps and each channel's share of a class score need only the dense layer's weights."""

    name: str
    description: str
    blocks: tuple[tuple[int, ...], ...]

    def summary(self) -> str:
        """The layer stack in one line, for people."""
        stages = [" → ".join(f"conv {w}" for w in widths) for widths in self.blocks]
        return (
            f"28×28×1 → {' → max-pool → '.join(stages)} → global average pool → dropout → "
            "dense 10 (softmax); each conv is 3×3 with batch norm and ReLU"
        )


ARCHITECTURES: dict[str, Architecture] = {
    arch.name: arch
    for arch in (
        Architecture(
            "tiny",
            "3 conv layers with batch norm, 24k parameters: trains in seconds",
            blocks=((16,), (32,), (64,)),
        ),
        Architecture(
            "studio",
            "6 conv layers with batch norm, 289k parameters: the bundled model",
            blocks=((32, 32), (64, 64), (128, 128)),
        ),
    )
}
DEFAULT_ARCHITECTURE = "studio"


class ModelFileError(RuntimeError):
    """The model file is missing or unreadable; the message is one line meant for people."""


def build_model(architecture: str = DEFAULT_ARCHITECTURE, dropout: float = 0.2):
    """A compiled-free Keras model: (N, 28, 28, 1) pixels 0-255 in, 10 probabilities out.

    No kernel regularizer: weight decay is the optimizer's (training.build_optimizer)."""
    import keras
    from keras import layers

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


def bundled_model_path(model_dir: Path | None = None) -> Path:
    """The one `.keras` file in `model_dir` (default: the project's model/ folder)."""
    model_dir = Path(model_dir or config.MODEL_DIR)
    files = sorted(model_dir.glob("*.keras"))
    if len(files) != 1:
        found = "none" if not files else ", ".join(f.name for f in files)
        raise ModelFileError(f"expected exactly one .keras file in {model_dir}, found {found}")
    return files[0]


def model_card_path(model_path: Path) -> Path:
    """The JSON model card that sits beside a model file."""
    return Path(model_path).with_suffix(config.MODEL_CARD_SUFFIX)


def read_model_card(model_path: Path) -> dict:
    """The model card as a dict; empty when there is none or it is unreadable."""
    try:
        return json.loads(model_card_path(model_path).read_text())
    except (OSError, ValueError):
        return {}


def load_model(path: Path | None = None):
    """Load a `.keras` file safely (no arbitrary code); ModelFileError on any failure."""
    import keras

    path = Path(path) if path is not None else bundled_model_path()
    if not path.is_file():
        raise ModelFileError(f"model file {path} not found; run `python train_model.py` to make it")
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad archive
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ModelFileError(f"could not load model {path.name}: {reason}") from None
