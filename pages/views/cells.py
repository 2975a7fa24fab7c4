"""The confusion matrix cell Explore errors' gallery shows, as its class filters name it:
from a link (/explore?true=Shirt&pred=Coat), from a click on the matrix, and back into the
address so that it can be shared."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.ui.charts import confusion_scatter
from pages.views.clicks import clicks_select
from pages.views.shared import ALL_CLASSES


def apply_cell_link() -> None:
    """A link such as /explore?true=Shirt&pred=T-shirt/top opens on that cell, once per
    session (the Train page's most common confusions link here)."""
    wanted = st.query_params.get("true"), st.query_params.get("pred")
    if st.session_state.get("explore_applied_link") == wanted or None in wanted:
        return
    st.session_state["explore_applied_link"] = wanted
    known = [name if name in config.CLASS_NAMES else ALL_CLASSES for name in wanted]
    st.session_state["explore_true"], st.session_state["explore_pred"] = known
    st.session_state["explore_page"] = 1
    unknown = [repr(name[:30]) for name in wanted if name not in config.CLASS_NAMES]
    if unknown:  # the other filter, if it names a class, still applies
        st.warning(
            f"{' and '.join(unknown)} in the link {'is' if len(unknown) == 1 else 'are'} "
            f"not a class name; {'that filter shows' if len(unknown) == 1 else 'both show'} "
            f"{ALL_CLASSES.lower()}."
        )


def link_cell(true_name: str, pred_name: str) -> None:
    """The address names the cell the gallery shows (?true=&pred=), so that it can be
    shared; without a cell it names none. apply_cell_link takes it as applied."""
    if ALL_CLASSES in (true_name, pred_name):
        wanted = (None, None)
        for name in ("true", "pred"):
            st.query_params.pop(name, None)
    else:
        wanted = (true_name, pred_name)
        st.query_params["true"], st.query_params["pred"] = wanted
    st.session_state["explore_applied_link"] = wanted


def chosen_cell() -> tuple[int, int] | None:
    """The matrix cell (true, predicted) the class filters name, if they name one."""
    names = st.session_state.get("explore_true"), st.session_state.get("explore_pred")
    if not all(name in config.CLASS_NAMES for name in names):
        return None
    return config.CLASS_NAMES.index(names[0]), config.CLASS_NAMES.index(names[1])


# The matrix is drawn twice, for a wide screen and for a phone's, and CSS shows the one
# that fits (Streamlit does not tell the script how wide the screen is). The container's
# wrapper is hidden, not the container: the page's gap around it would stay.
MATRICES = {"explore_matrix": False, "explore_matrix_narrow": True}  # key: narrow
NARROW_SCREEN = 640  # px: under this Streamlit stacks columns, and the narrow one shows
MATRIX_CSS = f"""<style>
@media (max-width: {NARROW_SCREEN - 0.02}px) {{
  [data-testid="stLayoutWrapper"]:has(> .st-key-explore_matrix_box) {{ display: none; }}
}}
@media (min-width: {NARROW_SCREEN}px) {{
  [data-testid="stLayoutWrapper"]:has(> .st-key-explore_matrix_narrow_box) {{ display: none; }}
}}
</style>"""


def matrix_charts(cm: np.ndarray, normalise: bool, chosen: tuple[int, int] | None) -> None:
    """The clickable confusion matrix, as wide as the column on a wide screen; on a phone,
    with short class names and larger numbers."""
    st.html(MATRIX_CSS)
    clicks_select(list(MATRICES), trace=0)  # the clickable points; the heatmap under them: 1
    for key, narrow in MATRICES.items():
        with st.container(key=f"{key}_box"):
            st.plotly_chart(
                confusion_scatter(cm, normalise, 420 if narrow else 520, chosen, narrow),
                key=key,
                on_select="rerun",
                selection_mode="points",
                config={"displayModeBar": False},
            )


def apply_matrix_click() -> None:
    """Copy a newly clicked matrix cell, of either matrix, into the class filters, before
    they are drawn. Each matrix keeps its last click: only a new one applies."""
    for key in MATRICES:
        selection = st.session_state.get(key, {}).get("selection", {})
        indices = selection.get("point_indices", [])
        if not indices:  # none, or a redrawn matrix's: the next click applies, even the same cell
            st.session_state.pop(f"{key}_applied", None)
            continue
        true_idx, pred_idx = divmod(int(indices[0]), config.NUM_CLASSES)  # row-major points
        if (true_idx, pred_idx) != st.session_state.get(f"{key}_applied"):
            st.session_state[f"{key}_applied"] = (true_idx, pred_idx)
            st.session_state["explore_true"] = config.CLASS_NAMES[true_idx]
            st.session_state["explore_pred"] = config.CLASS_NAMES[pred_idx]
            st.session_state["explore_page"] = 1


SORT_PARAM, PAGE_PARAM = "sort", "page"  # /explore?...&sort=least&page=3: the gallery shown
LEAST_FIRST = "Least confident"


def apply_gallery_link() -> None:
    """A link's sort and gallery page (?sort=least&page=3), once per link; after
    apply_cell_link, which starts a new cell on page 1. `clamped_page` keeps it in range."""
    wanted = st.query_params.get(SORT_PARAM), st.query_params.get(PAGE_PARAM)
    if st.session_state.get("explore_applied_gallery") == wanted:
        return
    st.session_state["explore_applied_gallery"] = wanted
    if wanted[0] == "least":
        st.session_state["explore_sort"] = LEAST_FIRST
    if wanted[1] and wanted[1].isdecimal() and len(wanted[1]) <= 6:
        st.session_state["explore_page"] = int(wanted[1])


def clamped_page(pages: int) -> None:
    """Keep the gallery's page within 1..`pages` before its box is drawn (a linked page, or
    one past the end once the filters leave fewer mistakes)."""
    page = st.session_state.get("explore_page", 1)
    st.session_state["explore_page"] = min(max(int(page), 1), pages)


def link_gallery(order: str, page: int) -> None:
    """The address names the sort and page where they are not the first ones, so that a
    shared link shows the same images; apply_gallery_link takes them as applied."""
    wanted = ("least" if order == LEAST_FIRST else None, str(page) if page > 1 else None)
    for name, value in zip((SORT_PARAM, PAGE_PARAM), wanted, strict=True):
        if value is None:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = value
    st.session_state["explore_applied_gallery"] = wanted
