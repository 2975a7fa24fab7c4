"""Streamlit glue shared by the pages: cached data and models, the model picker."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from fashion_cnn import config
from fashion_cnn.charts import enlarge, png_bytes
from fashion_cnn.data import DatasetError, FashionMNIST, load_fashion_mnist
from fashion_cnn.evaluation import Predictor
from fashion_cnn.explain import HeatmapFn
from fashion_cnn.model import ModelFileError, bundled_model_path, read_model_card
from fashion_cnn.predict import Classification, classify

BUNDLED = "Bundled CNN"
TRAINED_KEY = "trained_model"  # session_state: the ModelHandle of this session's last run


@dataclass
class ModelHandle:
    """A loaded model with its traced predictor and Grad-CAM, ready for the pages."""

    name: str
    model: object  # a keras.Model; Keras is imported only where a model is loaded
    predict: Predictor
    gradcam: HeatmapFn
    key: str  # identifies the weights, for caching predictions


@st.cache_resource(show_spinner="Loading Fashion-MNIST…")
def _dataset() -> FashionMNIST:
    return load_fashion_mnist()


def dataset_or_stop() -> FashionMNIST:
    """The dataset, or a one-line error and a stopped page."""
    try:
        return _dataset()
    except DatasetError as exc:
        st.error(f"Dataset unavailable: {exc}")
        st.stop()


def make_handle(name: str, model, key: str) -> ModelHandle:
    from fashion_cnn.evaluation import make_predictor
    from fashion_cnn.explain import make_gradcam

    return ModelHandle(name, model, make_predictor(model), make_gradcam(model), key)


def freeze_long_lived_objects() -> None:
    """Exempt everything alive now (TensorFlow, Keras, the model) from garbage collection.

    After every rerun Streamlit runs a full collection, and a second one through Keras'
    clear_session; with TensorFlow's objects tracked they cost about 170 ms a rerun, most
    of a canvas stroke's. Frozen objects are skipped by those collections."""
    gc.collect()
    gc.freeze()


@st.cache_resource(show_spinner="Loading the bundled CNN…")
def _bundled(path: str, mtime: float) -> ModelHandle:
    from fashion_cnn.model import load_model

    handle = make_handle(BUNDLED, load_model(Path(path)), f"bundled:{path}:{mtime}")
    freeze_long_lived_objects()
    return handle


_bundled_file: tuple[str, float] | None = None  # the file behind _bundled's cached model


def bundled_or_none() -> tuple[ModelHandle | None, str | None]:
    """The bundled model, or None and a one-line reason.

    When model/ holds a new file, the old model is dropped and unfrozen first, so a
    server that outlives a retrain keeps one model in memory, not every one it loaded."""
    global _bundled_file
    try:
        path = bundled_model_path()
        file = (str(path), path.stat().st_mtime)
    except (ModelFileError, OSError) as exc:
        return None, str(exc)
    if _bundled_file not in (None, file):
        _bundled.clear()
        gc.unfreeze()
    _bundled_file = file
    try:
        return _bundled(*file), None
    except ModelFileError as exc:
        return None, str(exc)


def bundled_card() -> dict:
    try:
        return read_model_card(bundled_model_path())
    except ModelFileError:
        return {}


def pick_model(key: str) -> ModelHandle:
    """A radio between the bundled model and this session's trained one; stops if neither."""
    trained: ModelHandle | None = st.session_state.get(TRAINED_KEY)
    bundled, problem = bundled_or_none()
    options = ([BUNDLED] if bundled else []) + ([trained.name] if trained else [])
    if not options:
        st.error(f"No model to use: {problem}. Train one on the Train page.")
        st.stop()
    choice = options[0]
    if len(options) > 1:
        choice = st.radio(
            "Model",
            options,
            horizontal=True,
            key=key,
            help="The CNN shipped with the app, or the one you trained this session",
        )
    return bundled if choice == BUNDLED else trained


@st.cache_data(show_spinner=False, max_entries=256)
def analyse(
    _model: ModelHandle, model_key: str, image: np.ndarray
) -> tuple[Classification, np.ndarray]:
    """Prediction and Grad-CAM of one 28x28 image, cached per model: a rerun redoes only
    the images that changed (a stroke on the canvas, not the test image beside it)."""
    result = classify(_model.predict, image)[0]
    return result, _model.gradcam(image, result.index)


@st.cache_data(show_spinner=False, max_entries=64)
def thumbnail_png(image: np.ndarray, scale: int = 3) -> bytes:
    """A small PNG of a 28x28 image, enlarged without blurring (st.image would send JPEG)."""
    return png_bytes(enlarge(np.asarray(image, np.uint8), scale))


def per_class_table(per_class: dict[str, list], key: str) -> None:
    """Precision, recall and F1 per class with its test-image count, as a sortable table."""
    rate = st.column_config.NumberColumn(format="percent")
    st.dataframe(
        {
            "class": list(config.CLASS_NAMES),
            "precision": per_class["precision"],
            "recall": per_class["recall"],
            "F1": per_class["f1"],
            "test images": per_class["support"],
        },
        column_config={"precision": rate, "recall": rate, "F1": rate},
        hide_index=True,
        key=key,
    )
