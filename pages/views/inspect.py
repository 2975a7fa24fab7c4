"""Test images as tiles with an Inspect button, and the dialog that button opens: Explore
errors' gallery of mistakes and its feature map's selection."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.data import FashionMNIST
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.ui.charts import enlarge, heatmap_overlay, image_strip, probability_bars
from fashion_cnn.ui.wording import reading_of, tile_caption, with_article
from pages.views.inside import inside_the_cnn
from pages.views.run_model import run_of_page
from pages.views.shared import thumbnail_png

TILE = 100  # px: three to a row on a phone, even beside a scrollbar; six on a laptop


@st.dialog("Inspect a test image", width="large")
def inspect_image(selected: int, model: Predictor, data: FashionMNIST, probs: np.ndarray) -> None:
    """One test image, large, over the page: the image, where the CNN looked, its ten
    probabilities, Inside the CNN, and training images of its true and predicted class."""
    true_idx, pred_idx = int(data.y_test[selected]), int(probs[selected].argmax())
    st.subheader(f"Test image #{selected}: {reading_of(true_idx, pred_idx)}")
    st.page_link(
        "pages/classify.py",
        label="Open it in Classify",
        icon="🎨",
        query_params={"image": str(selected)} | run_of_page(),  # the same model there
    )
    left, mid, right = st.columns([1, 1, 2])
    left.image(enlarge(data.x_test[selected], 7), caption="The image", clamp=True)
    heat = model.heatmap(data.x_test[selected], pred_idx)  # Grad-CAM of Explore's own reading
    mid.image(
        enlarge(heatmap_overlay(data.x_test[selected], heat), 7),
        caption=f"Where it saw {with_article(config.CLASS_NAMES[pred_idx])}",
    )
    right.plotly_chart(
        probability_bars(probs[selected]), key="explore_probs", config={"displayModeBar": False}
    )
    inside_the_cnn(model, data.x_test[selected], pred_idx, "explore")
    rng = np.random.default_rng(selected)
    shown = [("the predicted", pred_idx), ("the true", true_idx)]
    for label, cls in shown if true_idx != pred_idx else [("its", true_idx)]:
        examples = rng.choice(np.flatnonzero(data.y_train == cls), 8, replace=False)
        st.markdown(f"Training images of {label} class, **{config.CLASS_NAMES[cls]}**:")
        st.image(image_strip(data.x_train[examples], scale=3), clamp=True)


def image_tiles(
    indices: np.ndarray,
    model: Predictor,
    data: FashionMNIST,
    probs: np.ndarray,
    key: str,
    tile_key: str,
    button_key: str,
) -> None:
    """Test images as tiles in one wrapping row, each with its classes, confidence and an
    Inspect button that opens it over the page."""
    # One wrapping row: the order reads left to right, then top to bottom, on any width.
    with st.container(horizontal=True, gap="xsmall", key=key):
        for idx in indices:
            # Each tile as tall as its row, the button at its foot: captions of one line and
            # of two then leave the row's buttons in line.
            with st.container(
                width=TILE,
                height="stretch",
                gap="xsmall",
                vertical_alignment="distribute",
                key=f"{tile_key}_{idx}",
            ):
                true_idx, pred_idx = int(data.y_test[idx]), int(probs[idx].argmax())
                with st.container(gap="xsmall"):
                    st.image(thumbnail_png(data.x_test[idx]), width=84)
                    st.caption(tile_caption(true_idx, pred_idx, probs[idx].max()))
                if st.button("Inspect", key=f"{button_key}_{idx}"):
                    inspect_image(int(idx), model, data, probs)  # opens over the tiles
