"""The Upload tab's files: each read once (cached by its bytes), and shown as a grid of
tiles with their answers and verdicts."""

from __future__ import annotations

import streamlit as st

from fashion_cnn.serving.predictor import Classification
from fashion_cnn.serving.preprocess import Preprocessed, read_upload
from fashion_cnn.serving.verdict import NOT_A_GARMENT
from fashion_cnn.ui.charts import enlarge
from fashion_cnn.ui.wording import short_name
from pages.views.results import VERDICT_BADGES

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
                shown = short_name(name)
                full = f"`{name}`" if shown != name else ""  # the whole name, on hover
                st.markdown(
                    f"{tile_answer(reading)}  \n`{shown}`",
                    help="  \n".join(filter(None, (full, reading.hint))) or None,
                )


def tile_answer(reading: Classification) -> str:
    """A tile's answer in Markdown: the class first, or, for what is not a garment, the
    verdict first and the class in brackets (a bold "Pullover" over a red circle misled)."""
    answer = f"{reading.label} · {reading.confidence:.0%}"
    if reading.verdict.kind == NOT_A_GARMENT:
        return f"{VERDICT_BADGES[NOT_A_GARMENT]}  \n({answer})"
    badge = VERDICT_BADGES.get(reading.verdict.kind)
    return f"**{reading.label}** · {reading.confidence:.0%}" + (f"  \n{badge}" if badge else "")
