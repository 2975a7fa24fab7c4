"""Streamlit glue shared by the pages: cached data and models, the model picker.

Models run through fashion_cnn.serving.predictor on ONNX Runtime: no page imports TensorFlow."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common.contract import (
    ModelFileError,
    bundled_files,
    bundled_model_path,
    read_model_card,
)
from fashion_cnn.common.data import DatasetError, FashionMNIST, load_fashion_mnist
from fashion_cnn.serving.predictor import Classification, Predictor, load_bundled
from fashion_cnn.ui.charts import enlarge, per_class_markdown, png_bytes
from fashion_cnn.ui.wording import (
    drawings_model_story,
    drawings_model_summary,
    unusual_style_record,
)

BUNDLED = "Bundled CNN"
TRAINED_KEY = "trained_model"  # session_state: the Predictor of this session's last run
MODEL_CHOICE = "model_choice"  # the model picker's choice, one for every page
ALL_CLASSES = "All classes"  # Explore's class filters: no filter
ANY_CLASS = "any class"  # Classify's test image picker: no class chosen


PLAIN = (str, int, float, bool, list, tuple, dict, type(None))


def plain_values_are_not_dataframes() -> None:
    """Spare the server pandas (~80 MB) when a component gets only plain values.

    Streamlit 1.67 serialises a component's arguments (the drawing canvas's) by asking
    `is_dataframe_like` of each, and that imports pandas and pyarrow, even for a string or
    a number. A plain value is never a dataframe: answer for those without the import."""
    from streamlit.components.v2.bidi_component import serialization

    ask = serialization.is_dataframe_like
    if getattr(ask, "knows_plain_values", False):
        return

    def is_dataframe_like(value) -> bool:
        return False if isinstance(value, PLAIN) else ask(value)

    is_dataframe_like.knows_plain_values = True
    serialization.is_dataframe_like = is_dataframe_like


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


@st.cache_resource(show_spinner="Loading the bundled CNN…", max_entries=1)
def _bundled(files: tuple[tuple[str, float], ...]) -> Predictor:
    """The bundled CNN and its CNN for drawings, loaded once for the files they are read
    from as they are (`files`: each one's path and time): a retrain or a new card evicts
    the old ones."""
    return load_bundled()


def bundled_or_none() -> tuple[Predictor | None, str | None]:
    """The bundled model's exported twin, or None and a one-line reason."""
    try:
        return _bundled(tuple((str(p), p.stat().st_mtime) for p in bundled_files())), None
    except (ModelFileError, OSError) as exc:
        return None, str(exc)


def bundled_card() -> dict:
    try:
        return read_model_card(bundled_model_path())
    except ModelFileError:
        return {}


def drawings_model_caption() -> tuple[str, str] | None:
    """The CNN for drawings for a first visit and in full, or None when the app goes
    without it."""
    model, _ = bundled_or_none()
    if model is None or model.drawings_model is None:
        return None
    card = model.drawings_model.card
    try:
        return drawings_model_summary(card), drawings_model_story(card)
    except (KeyError, TypeError, ValueError):  # a card of another version: say nothing
        return None


def style_record() -> str | None:
    """How often a reading of an unusual style was right, from the card of the CNN for
    drawings and icons; None without one."""
    model, _ = bundled_or_none()
    if model is None or model.drawings_model is None:
        return None
    return unusual_style_record(model.drawings_model.card)


def pick_model() -> Predictor:
    """A radio between the bundled model and this session's trained one; stops if neither.

    One choice for every page (kept across pages by pages.views.session); "Use this model"
    on the Train page sets it to the run's model."""
    trained: Predictor | None = st.session_state.get(TRAINED_KEY)
    bundled, problem = bundled_or_none()
    options = ([BUNDLED] if bundled else []) + ([trained.name] if trained else [])
    if not options:
        st.error(f"No model to use: {problem}. Train one on the Train page.")
        st.stop()
    if st.session_state.get(MODEL_CHOICE) not in options:
        st.session_state[MODEL_CHOICE] = options[0]
    choice = options[0]
    if len(options) > 1:
        choice = st.radio(
            "Model",
            options,
            horizontal=True,
            key=MODEL_CHOICE,
            help="The CNN shipped with the app, or the one you trained this session",
        )
    return bundled if choice == BUNDLED else trained


@st.cache_data(show_spinner=False, max_entries=256)
def analyse(
    _model: Predictor, model_key: str, image: np.ndarray, in_views: bool = False
) -> tuple[Classification, np.ndarray]:
    """Prediction and Grad-CAM of one 28x28 image (a drawing or upload read in its views),
    cached per model: a rerun redoes only the images that changed (a stroke on the canvas,
    not the test image beside it)."""
    return _model.analyse(image, in_views)


@st.cache_data(show_spinner=False, max_entries=32)
def classify_uploads(_model: Predictor, model_key: str, images: np.ndarray) -> list[Classification]:
    """The readings of a visitor's uploads (in their views), cached per model: every
    stroke on the canvas reruns the page, and would read every kept upload again."""
    return _model.classify(images, True)


@st.cache_data(show_spinner=False, max_entries=64)
def thumbnail_png(image: np.ndarray, scale: int = 3) -> bytes:
    """A small PNG of a 28x28 image, enlarged without blurring (st.image would send JPEG)."""
    return png_bytes(enlarge(np.asarray(image, np.uint8), scale))


def per_class_table(per_class: dict[str, list]) -> None:
    """Precision, recall and F1 per class with its test-image count.

    A Markdown table, not st.dataframe: that one imports pandas, ~80 MB in every server."""
    st.markdown(per_class_markdown(per_class))
