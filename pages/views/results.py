"""A classification as Classify shows it: the prediction and its verdict, the 28x28 input
beside Grad-CAM, the ten probabilities, the preprocessing steps, Inside the CNN."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.serving.predictor import Classification, Predictor
from fashion_cnn.serving.preprocess import Preprocessed
from fashion_cnn.serving.verdict import NOT_A_GARMENT, PERHAPS_NOT, UNUSUAL_STYLE
from fashion_cnn.ui.charts import (
    enlarge,
    framed_thumbnail,
    heatmap_overlay,
    png_bytes,
    probability_bars,
)
from fashion_cnn.ui.wording import (
    canvas_hint,
    prediction_headline,
    test_image_hint,
    views_detail,
    views_note,
)
from pages.views.inside import inside_the_cnn
from pages.views.shared import analyse, style_record

STEP_TILE = 90  # px: each preprocessing step (three to a row on a phone)


def show_prediction(result: Classification, truth: int | None = None, drawn: bool = False) -> None:
    """The class and confidence, the true label if known, and the verdict's hint (worded
    for a test image, or for a drawing on the canvas when `drawn`)."""
    headline, share = prediction_headline(
        result.label, result.confidence, result.verdict, truth is not None, drawn
    )
    st.metric("Prediction", headline, share, delta_color="off", delta_arrow="off")
    if truth is not None:  # a test image: a garment, whatever the verdict asks
        mark = "✅" if truth == result.index else "❌"
        st.markdown(f"{mark} True label: **{config.CLASS_NAMES[truth]}**")
        hint = test_image_hint(result.label, result.confidence, result.verdict.kind)
        if hint:
            st.warning(hint, icon="⚠️")
    elif result.verdict.kind == NOT_A_GARMENT:
        st.error(result.hint, icon="🚫")
    elif result.verdict.kind == UNUSUAL_STYLE:  # read clearly: a note, not a warning
        note = canvas_hint(result.hint) if drawn else result.hint
        st.info(" ".join(filter(None, [note, style_record()])), icon="🎨")
    elif result.hint:  # the upload grid's badge for it: the same icon
        icon = "❔" if result.verdict.kind == PERHAPS_NOT else "⚠️"
        st.warning(canvas_hint(result.hint) if drawn else result.hint, icon=icon)


def show_details(
    result: Classification,
    heat: np.ndarray,
    image: np.ndarray,
    key: str,
    note: tuple[str, str] | None = None,
) -> None:
    """The 28x28 input and Grad-CAM side by side, then all ten probabilities and `note`."""
    show_pictures(image, heat)
    show_probabilities(result, key, note)


def show_pictures(image: np.ndarray, heat: np.ndarray) -> None:
    """The 28x28 input beside Grad-CAM."""
    with st.container(horizontal=True, gap="small"):
        st.image(enlarge(image, 6), caption="What the model saw (28×28)", clamp=True)
        st.image(enlarge(heatmap_overlay(image, heat), 6), caption="Where it looked (Grad-CAM)")


def show_probabilities(
    result: Classification, key: str, note: tuple[str, str] | None = None
) -> None:
    """All ten probabilities, and under them `note`: a line, with more in its tooltip."""
    st.plotly_chart(
        probability_bars(result.probabilities),
        key=f"{key}_bars",
        config={"displayModeBar": False},
    )
    if note:
        st.caption(note[0], help=note[1])


def reading_note(
    model: Predictor, in_views: bool, kind: str | None = None, chosen: bool = False
) -> tuple[str, str] | None:
    """How a drawing or upload was read (by which CNN; an upload's `kind`: as a photo or a
    drawing, which its preprocessing steps show), in a line and its tooltip; nothing to say
    of a test image."""
    if not in_views:
        return None
    by_drawings_cnn = model.drawings_model is not None
    return views_note(by_drawings_cnn, kind, chosen), views_detail(by_drawings_cnn, kind, chosen)


def show_result(
    model: Predictor,
    image: np.ndarray,
    key: str,
    truth: int | None = None,
    upload_kind: str | None = None,
    kind_chosen: bool = False,
) -> None:
    """Prediction first (it comes first on a phone), then its details and inside view; an
    upload (`upload_kind`: read as a photo or a drawing, `kind_chosen` by the visitor or
    not) is read in its views."""
    in_views = upload_kind is not None
    result, heat = analyse(model, model.reading_key, image, in_views)
    # The pictures under the prediction, the probabilities beside both: with the pictures
    # on the right too, the prediction's column stood empty below its few lines.
    left, right = st.columns(2)
    with left:
        show_prediction(result, truth)
        show_pictures(image, heat)
    with right:
        show_probabilities(result, key, reading_note(model, in_views, upload_kind, kind_chosen))
    inside_the_cnn(model, image, result.index, key)


def show_steps(pre: Preprocessed, key: str) -> None:
    """Each preprocessing step as a framed tile of one size, in reading order."""
    with st.container(horizontal=True, gap="xsmall", key=key):
        for number, (name, image) in enumerate(pre.steps, 1):
            with st.container(width=STEP_TILE, gap=None):
                st.image(step_png(image), width=STEP_TILE)
                st.caption(f"{number}\\. {name}")  # escaped: not a Markdown list
    for note in pre.notes:
        st.caption(f"Note: {note}.")


@st.cache_data(show_spinner=False, max_entries=128)
def step_png(image: np.ndarray) -> bytes:
    return png_bytes(framed_thumbnail(image, STEP_TILE))
