"""What a visitor made on a page, kept when they go to another page and come back.

Streamlit forgets a widget's value at the end of any run that does not draw the widget,
so a visit to another page resets it. Settings survive through the entrypoint re-assigning
their keys every run (Streamlit keeps values set through st.session_state). The drawing and
the uploaded files cannot be set that way; the pages keep copies under keys no widget owns.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.serving.feature_map import TSNE
from pages.views.shared import BUNDLED, MODEL_CHOICE

# Widgets whose values survive page changes. Each is drawn without a `value`/`index`
# argument (its default is set here) so that Streamlit does not warn about two defaults.
KEPT_WIDGETS = {
    "draw_stroke": 14,
    "draw_fill": True,
    "upload_kind": "auto",
    "explore_normalise": False,
    "explore_true": "All classes",
    "explore_pred": "All classes",
    "explore_sort": "Most confident",
    "explore_map_layout": TSNE,
    "test_index": 0,
    "test_class": "any class",
    MODEL_CHOICE: BUNDLED,
}
VISIT = "page_visit"  # (url path, count): changes each time the visitor arrives on a page
DRAWING = "draw_kept"  # (canvas json, RGBA pixels) of the last stroke
DRAWING_SHOWN = "draw_initial"  # (visit, json) the canvas was opened with on this visit
CANVAS_GENERATION = "draw_generation"  # counts New drawing presses: a new canvas each time
UPLOADS = "upload_kept"  # [(name, bytes)] of the last files the visitor chose


def keep_across_pages(url_path: str) -> None:
    """Called by the entrypoint before each run of a page."""
    state = st.session_state
    for key, default in KEPT_WIDGETS.items():
        state[key] = state.get(key, default)
    path, count = state.get(VISIT, (None, 0))
    if path != url_path:
        state[VISIT] = (url_path, count + 1)


def canvas_start() -> dict | None:
    """The drawing to open the canvas with: the kept one, fixed for the whole visit (a
    changed initial_drawing makes the canvas reload it and forget its undo history)."""
    visit = st.session_state.get(VISIT)
    shown = st.session_state.get(DRAWING_SHOWN)
    if shown is None or shown[0] != visit:
        kept = st.session_state.get(DRAWING)
        strokes = kept and kept[0] and kept[0].get("objects")  # a cleared canvas has none
        shown = (visit, kept[0] if strokes else None)
        st.session_state[DRAWING_SHOWN] = shown
    return shown[1]


def forget_drawing() -> None:
    """on_click of "New drawing": the canvas reopens empty. Its toolbar's bin cannot do
    that for a canvas opened with a kept drawing: it goes back to the drawing it opened with.
    A canvas under a new key starts blank at once (the old one would send its strokes once
    more, and they would be classified and kept again)."""
    state = st.session_state
    state[DRAWING] = None
    state[DRAWING_SHOWN] = (state.get(VISIT), None)
    state[CANVAS_GENERATION] = state.get(CANVAS_GENERATION, 0) + 1


def canvas_key() -> str:
    """The canvas's widget key: one per New drawing press."""
    return f"draw_canvas_{st.session_state.get(CANVAS_GENERATION, 0)}"


def canvas_pixels(json_data: dict | None, image_data: np.ndarray | None) -> np.ndarray | None:
    """The drawing's RGBA pixels: the canvas's, kept for the next visit, or the kept ones
    while a reopened canvas shows the kept drawing and has sent nothing yet."""
    if image_data is not None:
        st.session_state[DRAWING] = (json_data, image_data)
        return image_data
    kept = st.session_state.get(DRAWING)
    return kept[1] if kept else None


def keep_uploads() -> None:
    """on_change of the file uploader: the visitor added or removed files."""
    files = st.session_state.get("upload_files") or []
    st.session_state[UPLOADS] = [(f.name, f.getvalue()) for f in files]


def kept_uploads() -> list[tuple[str, bytes]]:
    return st.session_state.get(UPLOADS, [])


def forget_uploads() -> None:
    st.session_state[UPLOADS] = []
