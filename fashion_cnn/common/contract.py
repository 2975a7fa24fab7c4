"""What every process agrees on about model files: where the bundled models live, the
model card beside each, and the exported ONNX twin's input and output names.

The training side writes these files (fashion_cnn.training); the serving side reads them
(fashion_cnn.serving.predictor)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from fashion_cnn.common import config

INPUT = "pixels"
PROBABILITIES = "probabilities"
FEATURES = "features"
FEATURE_MAPS = "feature_maps"
METADATA_KEY = "fashion_cnn"
ONNX_SUFFIX = ".onnx"
READING_SUFFIX = ".int8.onnx"  # the twin pruned and quantised: what classifications run


class ModelFileError(RuntimeError):
    """The model file is missing or unreadable; the message is one line meant for people."""


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


def onnx_path(keras_path: Path) -> Path:
    """The exported twin that sits beside a `.keras` file."""
    return Path(keras_path).with_suffix(ONNX_SUFFIX)


def reading_path(keras_path: Path) -> Path:
    """The reading graph beside a `.keras` file or its twin: fashion_cnn.int8.onnx."""
    return Path(keras_path).with_name(Path(keras_path).stem + READING_SUFFIX)


def layout_path(model_file: Path) -> Path:
    """Where a model's precomputed test-set map lives: fashion_cnn.keras -> .map.npz."""
    return Path(model_file).with_suffix(".map.npz")


def twin_is_current(keras_path: Path) -> bool:
    """Whether the `.keras` file's exported twin exists and is no older than it."""
    twin, source = onnx_path(keras_path), Path(keras_path)
    if not twin.is_file():
        return False
    return not source.is_file() or twin.stat().st_mtime >= source.stat().st_mtime


def drawings_model_path() -> Path:
    """The CNN for drawings' `.keras` file: the one in model/drawings/ (ModelFileError)."""
    return bundled_model_path(config.MODEL_DIR / config.DRAWINGS_DIR)


def bundled_files() -> list[Path]:
    """The files `load_bundled` reads (those there are): what a cache of it depends on."""
    files = [onnx_path(bundled_model_path())]
    with contextlib.suppress(ModelFileError):
        files.append(onnx_path(drawings_model_path()))
    files += [model_card_path(f) for f in files] + [reading_path(f) for f in files]
    files.append(bundled_model_path())
    return [f for f in files if f.is_file()]
