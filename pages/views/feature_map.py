"""Feature map of the test set: a section of Explore errors."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.contract import ModelFileError, bundled_model_path, layout_path
from fashion_cnn.common.data import FashionMNIST
from fashion_cnn.serving.feature_map import PCA, TSNE, pca_2d, read_layout, selected_images
from fashion_cnn.serving.mistakes import page_count, page_of
from fashion_cnn.serving.predictor import Predictor, cached_outputs, release_free_memory
from fashion_cnn.ui.charts import feature_map_figure
from fashion_cnn.ui.wording import plural
from pages.views.clicks import clicks_select
from pages.views.inspect import image_tiles, inspect_image

PER_PAGE = 24
OPENED = "explore_map_opened"  # (model, image) the last click opened: opened once
SELECTION = "explore_map_selection"  # (model, hash) of the selection shown
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
    """The bundled model's shipped t-SNE layout, if it was made for these weights (none
    when only a model trained this session is there)."""
    try:
        return read_layout(layout_path(bundled_model_path()), model_key)
    except ModelFileError:
        return None


def feature_map_section(model: Predictor, data: FashionMNIST, probs: np.ndarray) -> None:
    """The map, and the images a click, lasso or box picks from it."""
    st.subheader("Feature map of the test set")
    tsne = tsne_map(model.key)
    method = PCA
    if tsne is not None:
        method = st.radio("Layout", [TSNE, PCA], horizontal=True, key="explore_map_layout")
    st.caption(
        f"Each dot is a test image, placed by the {model.feature_count} numbers the CNN "
        f"computes just before its answer; the layout is "
        f"{HOW[method].format(count=model.feature_count)}. Colour is the true class, crosses are "
        "mistakes. Click a dot to inspect it, drag to zoom in; the tool bar's lasso and box "
        "show a region's images."
    )
    coords = tsne if method == TSNE else pca_map(model.key, model, data.x_test)
    clicks_select(["explore_feature_map"])
    event = st.plotly_chart(
        feature_map_figure(coords, data.y_test, probs.argmax(axis=1)),
        key="explore_feature_map",
        on_select="rerun",
        selection_mode=("points", "box", "lasso"),
        config={"displayModeBar": True, "modeBarButtonsToRemove": ["toImage"]},
    )
    chosen = selected_images(event.selection) if event else []
    if not chosen:
        st.info(
            "Click a dot to inspect its image. To see a region's images, pick **Lasso "
            "Select** or **Box Select** in the tool bar above the map and circle them."
        )
        return
    if len(chosen) == 1 and st.session_state.get(OPENED) != (model.key, chosen[0]):
        st.session_state[OPENED] = (model.key, chosen[0])
        inspect_image(chosen[0], model, data, probs)  # a click opens its dot at once
    selection_tiles(np.asarray(chosen), model, data, probs)


def selection_tiles(
    chosen: np.ndarray, model: Predictor, data: FashionMNIST, probs: np.ndarray
) -> None:
    """The selected images, a page at a time, each with an Inspect button."""
    if st.session_state.get(SELECTION) != (model.key, hash(chosen.tobytes())):
        st.session_state[SELECTION] = (model.key, hash(chosen.tobytes()))
        st.session_state["explore_map_page"] = 1  # a new selection starts on its first page
    wrong = int((probs[chosen].argmax(axis=1) != data.y_test[chosen]).sum())
    counts = np.bincount(data.y_test[chosen], minlength=config.NUM_CLASSES)
    classes = ", ".join(f"{config.CLASS_NAMES[k]} {n}" for k, n in enumerate(counts) if n)
    st.caption(
        f"{plural(len(chosen), 'image')} selected, {plural(wrong, 'mistake')} among them. "
        f"True classes: {classes}."
    )
    pages = page_count(len(chosen), PER_PAGE)
    page = (
        st.number_input(f"Page (of {pages})", 1, pages, key="explore_map_page", width=160)
        if pages > 1
        else 1
    )
    image_tiles(
        page_of(chosen, page, PER_PAGE),
        model,
        data,
        probs,
        key="explore_map_tiles",
        tile_key="map_tile",
        button_key="map_inspect",
    )
