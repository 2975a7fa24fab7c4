"""Feature map of the test set: a section of Explore errors."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.contract import bundled_model_path, layout_path
from fashion_cnn.common.data import FashionMNIST
from fashion_cnn.serving.feature_map import PCA, TSNE, pca_2d, read_layout, selected_images
from fashion_cnn.serving.predictor import Predictor, cached_outputs, release_free_memory
from fashion_cnn.ui.charts import feature_map_figure, framed, image_grid

SHOWN = 30
HOW = {
    TSNE: "t-SNE, made when the model was trained, keeps images with alike features "
    "together; the gaps between groups mean little",
    PCA: "PCA, their two main directions of variation, quick to compute for any model; "
    "groups overlap more than they do in the CNN's own {count} dimensions",
}


@st.cache_resource(show_spinner="Placing the 10,000 test images on a map…", max_entries=4)
def pca_map(model_key: str, _model: Predictor, _images: np.ndarray) -> np.ndarray:
    coords = pca_2d(cached_outputs(_model, _images, "features"))
    release_free_memory()  # the pass's and the projection's buffers (~50 MB)
    return coords


@st.cache_resource(max_entries=4)
def tsne_map(model_key: str) -> np.ndarray | None:
    """The bundled model's shipped t-SNE layout, if it was made for these weights."""
    return read_layout(layout_path(bundled_model_path()), model_key)


def feature_map_section(model: Predictor, data: FashionMNIST, probs: np.ndarray) -> None:
    """The map, and the images a lasso, box or click picks from it."""
    st.subheader("Feature map of the test set")
    tsne = tsne_map(model.key)
    method = PCA
    if tsne is not None:
        method = st.radio("Layout", [TSNE, PCA], horizontal=True, key="explore_map_layout")
    st.caption(
        f"Each dot is a test image, placed by the {model.feature_count} numbers the CNN "
        f"computes just before its answer; the layout is "
        f"{HOW[method].format(count=model.feature_count)}. Colour is the true class, crosses are "
        "mistakes. Lasso or box a region to see its images; click one dot to open it."
    )
    coords = tsne if method == TSNE else pca_map(model.key, model, data.x_test)
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
    right = probs[shown].argmax(axis=1) == data.y_test[shown]
    st.image(
        image_grid(framed(data.x_test[shown], right), columns=10, scale=2, gap=4),
        caption=f"Green frame: classified right; red: a mistake. True classes of the "
        f"selection: {classes}",
    )
