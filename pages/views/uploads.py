"""The Upload tab's files: each read once (cached by its bytes), and shown as a grid of
tiles with their answers and verdicts."""

from __future__ import annotations

import streamlit as st

from fashion_cnn.serving.predictor import Classification
from fashion_cnn.serving.preprocess import Preprocessed, read_upload
from fashion_cnn.ui.charts import enlarge
from fashion_cnn.ui.wording import tile_name, upload_tile_answer

UPLOAD_TILE = 120  # px: each upload in the grid


@st.cache_data(show_spinner=False, max_entries=256)
def preprocess_upload(data: bytes, kind: str) -> tuple[Preprocessed | None, str | None]:
    """Preprocessing of one uploaded file, cached by its bytes; (None, reason) on bad input."""
    return read_upload(data, kind)


def upload_grid(
    processed: list[tuple[str, Preprocessed | None, str | None]],
    results: dict[int, Classification],
) -> None:
    """Each readable upload as a tile (its 28x28 input, answer, verdict, name) in a
    wrapping row: left to right, top to bottom, on any screen width."""
    with st.container(horizontal=True, gap="small", key="upload_grid"):
        for i, reading in results.items():
            name, pre, _ = processed[i]
            with st.container(width=UPLOAD_TILE, gap=None, key=f"upload_item_{i}"):
                st.image(enlarge(pre.image, 4), clamp=True)
                answer = upload_tile_answer(reading.label, reading.confidence, reading.verdict)
                lines = tile_name(name)
                full = f"`{name}`" if "".join(lines) != name else ""  # the whole name, on hover
                st.markdown(
                    f"{answer}  \n" + "  \n".join(f"`{line}`" for line in lines),
                    help="  \n".join(filter(None, (full, reading.hint))) or None,
                )
