"""The Test image tab's picking: by number, by class or at random, and the address that
links to the image shown (/classify?image=N)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from pages.views.session import VISIT
from pages.views.shared import ANY_CLASS


def pick_random(labels: np.ndarray) -> None:
    """The random button's callback: a test image of the chosen class, or of any."""
    chosen = st.session_state.get("test_class", ANY_CLASS)
    pool = np.arange(len(labels))
    if chosen != ANY_CLASS:
        pool = np.flatnonzero(labels == config.CLASS_NAMES.index(chosen))
    st.session_state["test_index"] = int(np.random.default_rng().choice(pool))
    link_test_image()


def link_test_image(count: int | None = None) -> None:
    """The address links to the test image the visitor picked (a plain visit gets none,
    so that reloading it opens the Draw tab, not this one). A typed number out of the
    `count` images is brought into range, with a note."""
    typed = st.session_state["test_index"]
    if count is not None and not 0 <= typed < count:
        st.session_state["test_index"] = nearest(typed, count)
        st.session_state["test_range_note"] = (
            f"There is no test image {typed:,}: {numbered(count)}; showing image "
            f"{st.session_state['test_index']:,}."
        )
    index = str(st.session_state["test_index"])
    st.query_params["image"] = index
    st.session_state["classify_link"] = (st.session_state.get(VISIT), index)


def linked_test_index(text: str, count: int) -> int:
    """The test image a link's `?image=N` names; a number out of range brought into it, as
    a typed one is, and image 0 for what is not a number, each with a warning."""
    try:
        index = int(text)
    except ValueError:  # not a number, or one too long to parse
        st.warning(
            f"The link names test image {text[:20]!r}, which is not a number: showing image 0."
        )
        return 0
    if not 0 <= index < count:  # the text, cut: a number may have thousands of digits
        shown = nearest(index, count)
        st.warning(
            f"The link names test image {text[:20]!r}: {numbered(count)}; showing image {shown:,}."
        )
        return shown
    return index


def nearest(index: int, count: int) -> int:
    """The test image nearest to `index`, of `count` (a number typed or linked)."""
    return min(max(index, 0), count - 1)


def numbered(count: int) -> str:
    return f"they are numbered 0 to {count - 1:,}"
