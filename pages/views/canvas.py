"""The Draw tab's parts around the canvas: its toolbar hidden, Undo, Clear and the PNG
under it, and the shapes the CNN knows beside it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.data import FashionMNIST
from fashion_cnn.ui.charts import image_grid, png_bytes
from fashion_cnn.ui.shapes import class_shapes
from pages.views.session import STROKES, clear_drawing, undo_stroke

CANVAS_SIZE = 280


# The canvas's own toolbar goes: its bin went back to a drawing the canvas reopened with,
# and its send button did nothing visible (the app reads every stroke). Undo and Clear
# under the canvas replace it. It lives in the component's shadow root, which no page CSS
# reaches, so a script adds the rule there, for each new canvas too.
HIDE_CANVAS_TOOLBAR = """<script>
(() => {
  if (window.fashionCnnHidesCanvasToolbar) return;
  window.fashionCnnHidesCanvasToolbar = setInterval(() => {
    const hosts = document.querySelectorAll(
      '[class*="st-key-draw_canvas"] [data-testid="stBidiComponentIsolated"]');
    for (const host of hosts) {
      const root = host.shadowRoot;
      if (root && !root.querySelector("style.hide-toolbar")) {
        const style = document.createElement("style");
        style.className = "hide-toolbar";
        style.textContent = ".dc-toolbar { display: none !important; }";
        root.appendChild(style);
      }
    }
  }, 100);
})();
</script>"""


def hide_canvas_toolbar() -> None:
    st.html(HIDE_CANVAS_TOOLBAR, unsafe_allow_javascript=True, width="content")


def drawing_controls(where, pixels: np.ndarray | None) -> None:
    """Undo, Clear and the drawing as a PNG, in one row under the canvas."""
    strokes = st.session_state.get(STROKES) or []
    with where.container(horizontal=True, gap="xsmall", key="draw_controls"):
        st.button("↶ Undo", key="draw_undo", on_click=undo_stroke, disabled=not strokes)
        st.button("🗑️ Clear", key="draw_clear", on_click=clear_drawing, disabled=pixels is None)
        st.download_button(
            "⬇ PNG",
            png_bytes(pixels) if pixels is not None else b"",
            file_name="drawing.png",
            mime="image/png",
            key="draw_download",
            on_click="ignore",
            disabled=pixels is None,
            help="Your drawing as a picture, to upload again or keep",
        )


def shapes_help(data: FashionMNIST, titled: bool = True) -> None:
    """Each class's average shape, and how to draw the ones the CNN mixes up."""
    if titled:
        st.markdown("**Shapes the CNN knows**")
    names = config.CLASS_NAMES
    st.image(
        class_shapes_png(data),
        caption=f"Top: {', '.join(names[:5])}. Bottom: {', '.join(names[5:])}.",
    )
    st.caption(
        "Each class's average shape in the training images. Draw garments from the front and "
        "shoes from the side: sneakers low and long, ankle boots taller. Pullovers, coats and "
        "shirts share one shape: on drawings they are the CNN's most common mix-ups."
    )


@st.cache_data(show_spinner=False)
def class_shapes_png(_data: FashionMNIST) -> bytes:
    """Each class's average silhouette in the training images, in two rows of five, on
    grey so that shapes touching their tile's edge stay apart."""
    shapes = np.pad(class_shapes(_data.x_train, _data.y_train), ((0, 0), (2, 2), (2, 2)))
    return png_bytes(image_grid(shapes, 5, gap=4, ground=128))
