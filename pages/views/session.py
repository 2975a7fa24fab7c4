"""What a visitor made on a page, kept when they go to another page and come back.

Streamlit forgets a widget's value at the end of any run that does not draw the widget,
so a visit to another page resets it. Settings survive through the entrypoint re-assigning
their keys every run (Streamlit keeps values set through st.session_state). The drawing and
the uploaded files cannot be set that way; the pages keep copies under keys no widget owns.
"""

from __future__ import annotations

import io

import numpy as np
import streamlit as st
from PIL import Image

from fashion_cnn.common.settings import form_fields
from fashion_cnn.serving.feature_map import TSNE
from fashion_cnn.ui.charts import png_bytes
from fashion_cnn.ui.wording import upload_labels
from pages.views.shared import ALL_CLASSES, ANY_CLASS, BUNDLED, MODEL_CHOICE
from pages.views.train_form import FORM_DEFAULTS, form_key

# Widgets whose values survive page changes. Each is drawn without a `value`/`index`
# argument (its default is set here) so that Streamlit does not warn about two defaults.
KEPT_WIDGETS = {
    "draw_stroke": 14,
    "draw_fill": True,
    "upload_kind": "auto",
    "explore_normalise": False,
    "explore_true": ALL_CLASSES,
    "explore_pred": ALL_CLASSES,
    "explore_sort": "Most confident",
    "explore_map_layout": TSNE,
    "test_index": 0,
    "test_class": ANY_CLASS,
    MODEL_CHOICE: BUNDLED,
    # The Train form: a visitor back from another page finds the settings they left.
    **{form_key(f.name): getattr(FORM_DEFAULTS, f.name) for f in form_fields()},
}
VISIT = "page_visit"  # (url path, count): changes each time the visitor arrives on a page
# [(canvas json, the drawing as PNG bytes)] after each stroke; (None, None): cleared. PNG:
# a drawing's raw pixels are 313 KB, its PNG a few KB, and a visitor keeps many.
STROKES = "draw_strokes"
DRAWING_SHOWN = "draw_initial"  # (visit, json) the canvas was opened with on this visit
CANVAS_GENERATION = "draw_generation"  # counts Undo and Clear presses: a new canvas each
UPLOADS = "upload_kept"  # [(name, bytes)] of the last files the visitor chose
UPLOAD_DETAIL = "upload_detail"  # the label (wording.upload_labels) of the file shown
KEPT_STROKES = 30  # Undo goes back this far


def keep_across_pages(url_path: str) -> None:
    """Called by the entrypoint before each run of a page."""
    state = st.session_state
    for key, default in KEPT_WIDGETS.items():
        state[key] = state.get(key, default)
    path, count = state.get(VISIT, (None, 0))
    if path != url_path:
        state[VISIT] = (url_path, count + 1)


def canvas_start() -> dict | None:
    """The drawing to open the canvas with: the last stroke's, fixed for the whole visit
    until Undo or Clear (a changed initial_drawing makes the canvas reload it)."""
    visit = st.session_state.get(VISIT)
    shown = st.session_state.get(DRAWING_SHOWN)
    if shown is None or shown[0] != visit:
        strokes = st.session_state.get(STROKES) or [(None, None)]
        shown = (visit, strokes[-1][0])
        st.session_state[DRAWING_SHOWN] = shown
    return shown[1]


def canvas_key() -> str:
    """The canvas's widget key: a new one for each Undo and Clear, so that the canvas
    reopens with the drawing it is given (its own undo history, and its toolbar's bin, went
    back to the drawing it had opened with) and no old canvas sends its strokes again."""
    return f"draw_canvas_{st.session_state.get(CANVAS_GENERATION, 0)}"


def take_stroke(json_data: dict | None, image_data: np.ndarray | None) -> np.ndarray | None:
    """Record what the canvas sent, if it is new, and return the drawing's RGBA pixels
    (None for a blank canvas). A canvas that has sent nothing yet shows the last stroke."""
    strokes = st.session_state.setdefault(STROKES, [])
    objects = (json_data or {}).get("objects") or []
    last = strokes[-1][0] if strokes else None
    if image_data is not None and objects != ((last or {}).get("objects") or []):
        strokes.append((json_data, png_bytes(image_data)) if objects else (None, None))
        del strokes[:-KEPT_STROKES]
    png = strokes[-1][1] if strokes else None
    return np.asarray(Image.open(io.BytesIO(png))) if png is not None else None


def new_canvas(drawing: dict | None) -> None:
    """Open a new canvas with `drawing` (None: blank)."""
    state = st.session_state
    state[DRAWING_SHOWN] = (state.get(VISIT), drawing)
    state[CANVAS_GENERATION] = state.get(CANVAS_GENERATION, 0) + 1


def undo_stroke() -> None:
    """on_click of Undo: the drawing as it was before the last stroke (or Clear)."""
    strokes = st.session_state.get(STROKES) or []
    if strokes:
        strokes.pop()
    new_canvas(strokes[-1][0] if strokes else None)


def clear_drawing() -> None:
    """on_click of Clear: a blank canvas; Undo brings the drawing back."""
    strokes = st.session_state.setdefault(STROKES, [])
    if strokes and strokes[-1][1] is not None:
        strokes.append((None, None))
    new_canvas(None)


def keep_uploads() -> None:
    """on_change of the file uploader: the visitor added or removed files. Details then
    show the first file added to those already there; after a removal, the file they
    showed, if it is still there (the details box holds a file's label, not a position
    that a removal shifts)."""
    before = upload_labels([name for name, _ in kept_uploads()])
    files = st.session_state.get("upload_files") or []
    st.session_state[UPLOADS] = [(f.name, f.getvalue()) for f in files]
    added = [label for label in upload_labels([f.name for f in files]) if label not in before]
    if before and added:
        st.session_state[UPLOAD_DETAIL] = added[0]


def kept_uploads() -> list[tuple[str, bytes]]:
    return st.session_state.get(UPLOADS, [])


def forget_uploads() -> None:
    st.session_state[UPLOADS] = []
