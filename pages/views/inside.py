"""Inside the CNN: one section that Classify and Explore show under a result."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.serving.inside import (
    Step,
    channel_contributions,
    first_filters,
    logits,
    most_active,
    steps,
    to_gray,
)
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.ui.charts import contribution_bars, enlarge, image_grid
from fashion_cnn.ui.wording import layer_output, layer_titles, which_way

SHOWN_MAPS = 6  # per layer, the most active first; all on request
TOP_CHANNELS = 8
LAYER_WIDTH = 96  # px: seven layers and two poolings fit the 820 px of a 1280 px window
POOL_WIDTH = 40  # px: a pooling between layers, as an arrow and the size it hands on
# Every heading in the row as tall as the tallest ("2nd convolution (block 1)" wraps to a
# line more than the 1st at this width), so that the maps start level.
ROW_CSS = """<style>
[class*="_inside_layers"] [data-testid="stCaptionContainer"] { min-height: 6lh; }
</style>"""


@st.cache_data(show_spinner=False, max_entries=32)
def layer_steps(_model: Predictor, model_key: str, image: np.ndarray) -> list[Step]:
    return steps(_model, image)


def titled(found: list[Step]) -> dict[str, str]:
    """Each step's plain name by its technical one."""
    titles = layer_titles([(s.name, s.kind) for s in found])
    return dict(zip([s.name for s in found], titles, strict=True))


def maps_image(maps: np.ndarray, channels: np.ndarray, columns: int) -> np.ndarray:
    scale = max(1, 56 // maps.shape[-1])  # every map shown about 56 px wide
    return image_grid(np.stack([to_gray(maps[c]) for c in channels]), columns, scale)


def inside_the_cnn(model: Predictor, image: np.ndarray, class_index: int, key: str) -> None:
    """Each layer's maps, the steps explained, one map up close, and why this class won."""
    if not st.toggle(
        "🔬 Inside the CNN", key=f"{key}_inside", help="How the network got to its answer"
    ):
        return
    found = layer_steps(model, model.key, image)
    title = titled(found)
    with_maps = [s for s in found if s.maps is not None]
    show_all = st.toggle(
        "Show every map", key=f"{key}_inside_all", help="Otherwise the most active of each layer"
    )
    st.caption(
        "From the input to the last convolution, each layer's feature maps, "
        "the most active first. Bright means the filter found its pattern there; "
        "→ pool marks where max pooling halves them. "
        "On a narrow screen, the row scrolls sideways to the last layers."
    )
    st.html(ROW_CSS)
    # One row on a phone too (it scrolls sideways): stacked, each tall column of maps
    # would stretch to the full width and the section would grow metres tall. Columns of
    # a fixed width: st.columns' are at least 128 px, and seven of them overflowed a
    # laptop's 820 px.
    with st.container(horizontal=True, wrap=False, gap="xsmall", key=f"{key}_inside_layers"):
        for step in found:
            if step.kind == "max_pool":  # where the maps shrink: 28×28 → 14×14
                with st.container(width=POOL_WIDTH, key=f"{key}_inside_{step.name}"):
                    st.caption(
                        f"→  \npool  \n{step.shape[0]}×{step.shape[1]}", help=step.explanation
                    )
            if step.maps is None:
                continue
            order = most_active(step.maps)[: None if show_all else SHOWN_MAPS]
            with st.container(width=LAYER_WIDTH, gap="xsmall"):
                st.caption(  # the plain name; the code's name and shape on hover
                    f"**{title[step.name]}**  \n{layer_output(step.kind, step.shape)}",
                    help=f"`{step.name}` in the code, {step.shape_text}",
                )
                st.image(maps_image(step.maps, order, 2 if show_all else 1), width="stretch")
    with st.expander("What happens at each step"):
        for step in found:
            st.markdown(
                f"**{title[step.name]}** (`{step.name}`, "
                f"{layer_output(step.kind, step.shape)}): {step.explanation}"
            )
    look_closer(model, with_maps, title, key)
    why_this_class(model, with_maps[-1], class_index, key)


def look_closer(model: Predictor, with_maps: list[Step], title: dict[str, str], key: str) -> None:
    """One map large, with the filter that made it where that filter is a picture."""
    st.markdown("**One map up close**")
    convs = with_maps[1:]
    left, right = st.columns(2)
    name = left.selectbox(
        "Layer",
        [s.name for s in convs],
        format_func=lambda n: f"{title[n]} · {n}",
        key=f"{key}_inside_layer",
    )
    step = next(s for s in convs if s.name == name)
    ranked = [int(c) for c in most_active(step.maps)]
    channel = left.selectbox(
        "Map (most active first)",
        ranked,
        format_func=lambda c: f"map {c}",
        key=f"{key}_inside_channel_{name}",
    )
    right.image(
        enlarge(to_gray(step.maps[channel]), max(1, 196 // step.maps.shape[-1])),
        caption=f"{title[name]}, map {channel}",
    )
    if step is convs[0]:
        kernel = to_gray(first_filters(model)[channel], symmetric=True)
        left.image(enlarge(kernel, 32), caption="Its 3×3 filter (grey is 0, light +, dark −)")
    else:
        depth = with_maps[with_maps.index(step) - 1].maps.shape[0]
        left.caption(f"Its filter is 3×3×{depth}: it weighs all {depth} maps of the layer before.")


def why_this_class(model: Predictor, last: Step, class_index: int, key: str) -> None:
    """Each final channel's vote for the winning class, and the maps of the strongest."""
    features = last.maps.reshape(len(last.maps), -1).mean(axis=1)  # global average pooling
    contributions = channel_contributions(model, features, class_index)
    score = logits(model, features)[class_index]
    name = config.CLASS_NAMES[class_index]
    own = int(np.argmax(logits(model, features)))
    if own == class_index:
        st.markdown(f"**Why {name}?**")
    else:  # the class is the reading of the picture's six views (a drawing, an upload)
        st.markdown(f"**What votes for {name}?**")
        this, reader = "the bundled CNN", "the CNN for drawings and icons"
        if model.drawings_model is None:  # a model trained here reads its own views
            this, reader = "this CNN", "the same CNN"
        st.caption(
            f"On this picture alone {this} scores {config.CLASS_NAMES[own]} higher: "
            f"{name} is the reading of {reader} in the picture's six views."
        )
    top = np.argsort(np.abs(contributions))[::-1][:TOP_CHANNELS]
    st.caption(
        f"The score for {name} ({score:.1f}) is the sum of each final map's average "
        "activation times its learned weight, plus a bias. These maps weigh most, "
        f"{which_way(contributions[top])}:"
    )
    left, right = st.columns([3, 2])
    left.plotly_chart(
        contribution_bars(contributions, top),
        key=f"{key}_inside_votes",
        config={"displayModeBar": False},
    )
    voters = [c for c in top if contributions[c] > 0][:4]
    if voters:
        right.image(
            maps_image(last.maps, np.array(voters), 2),
            caption="The strongest votes for it: " + ", ".join(f"map {c}" for c in voters),
        )
    with st.expander("The first layer's learned filters"):
        filters = np.stack([to_gray(f, symmetric=True) for f in first_filters(model)])
        st.image(image_grid(filters, 16, 12, 3), caption="3×3 each: grey is 0, light +, dark −")
