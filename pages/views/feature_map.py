"""Feature map of the test set: a section of Explore errors."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn import config
from fashion_cnn.charts import feature_map_figure, image_grid
from fashion_cnn.data import FashionMNIST
from fashion_cnn.feature_map import pca_2d, selected_images
from fashion_cnn.predict import Predictor, cached_outputs, release_free_memory

SHOWN = 30


@st.cache_resource(show_spinner="Placing the 10,000 test images on a map…", max_entries=4)
def test_map(model_key: str, _model: Predictor, _images: np.ndarray) -> np.ndarray:
    coords = pca_2d(cached_outputs(_model, _images, "features"))
    release_free_memory()  # the pass's and the projection's buffers (~50 MB)
    return coords


def feature_map_section(model: Predictor, data: FashionMNIST, probs: np.ndarray) -> None:
    """The map, and the images a lasso, box or click picks from it."""
    st.subheader("Feature map of the test set")
    st.caption(
        "Each dot is a test image, placed by the 128 numbers the CNN computes just before "
        "its answer (their two main directions, by PCA); colour is the true class, crosses "
        "are mistakes. Images the CNN finds alike sit close. Lasso or box a region to see "
        "its images; click one dot to open it."
    )
    coords = test_map(model.key, model, data.x_test)
    event = st.plotly_chart(
        feature_map_figure(coords, data.y_test, probs.argmax(axis=1)),
        key="explore_feature_map",
        on_select="rerun",
        selection_mode=("points", "box", "lasso"),
        config={"displayModeBar": True, "modeBarButtonsToRemove": ["toImage"]},
    )
    chosen = selected_images(event.selection) if event else []
    if not chosen:
        st.info("Select a region of the map (lasso or box) to see the images in it.")
        return
    if len(chosen) == 1:
        index = chosen[0]
        st.page_link(
            "pages/classify.py",
            label=f"Open test image #{index} in Classify (prediction, Grad-CAM, inside the CNN)",
            icon="🔎",
            query_params={"image": str(index)},
        )
    wrong = int((probs[chosen].argmax(axis=1) != data.y_test[chosen]).sum())
    st.caption(
        f"{len(chosen):,} images selected, {wrong:,} of them mistakes"
        + (f"; the first {SHOWN} shown." if len(chosen) > SHOWN else ".")
    )
    shown = chosen[:SHOWN]
    counts = np.bincount(data.y_test[chosen], minlength=config.NUM_CLASSES)
    classes = ", ".join(f"{config.CLASS_NAMES[k]} {n}" for k, n in enumerate(counts) if n)
    st.image(
        image_grid(data.x_test[shown], columns=10, scale=2, gap=4),
        caption=f"True classes of the selection: {classes}",
    )
