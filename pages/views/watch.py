"""Watch it learn: a section of the Train page's live view, fed by the per-epoch snapshots
of fashion_cnn.training.snapshots."""

from __future__ import annotations

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.data import FashionMNIST
from fashion_cnn.jobs.runs import Progress
from fashion_cnn.serving.inside import to_gray
from fashion_cnn.ui.charts import confusion_scatter, framed, image_grid, png_bytes
from pages.views.shared import dataset_or_stop

SHOWN_WRONG = 4  # mistakes named under the strip; early epochs have a dozen


@st.cache_data(show_spinner=False, max_entries=16)
def strip_png(
    run_id: str, epoch: int, indices: tuple, predicted: tuple, _data: FashionMNIST
) -> bytes:
    """The 20 fixed test images, each framed green when classified right, red when not: a
    column per class, its two images one above the other (in one row of 20, a phone showed
    each at 18 px)."""
    indices = np.asarray(indices)
    tiles = framed(_data.x_test[indices], np.asarray(predicted) == _data.y_test[indices])
    per_class = len(tiles) // config.NUM_CLASSES  # the strip lists them class by class
    by_row = np.concatenate([np.arange(k, len(tiles), per_class) for k in range(per_class)])
    return png_bytes(image_grid(tiles[by_row], config.NUM_CLASSES, scale=2, gap=0))


def watch_it_learn(run_id: str, progress: Progress) -> None:
    """After each epoch: 20 test images as the network now sees them, the confusion matrix
    of any epoch, and the first layer's filters."""
    if not st.toggle("🔬 Watch it learn", key="train_watch", help="Updated after each epoch"):
        return
    snapshot = progress.snapshot
    if not snapshot:
        st.caption("After the first epoch: 20 test images (never trained on), as it sees them.")
        return
    probs = np.asarray(snapshot["strip_probabilities"])
    guesses = probs.argmax(axis=1)
    labels = np.asarray(snapshot["strip_labels"])
    wrong = [
        f"{config.CLASS_NAMES[t]} seen as {config.CLASS_NAMES[g]}"
        for t, g in zip(labels, guesses, strict=True)
        if t != g
    ]
    listed = "; ".join(wrong[:SHOWN_WRONG]) + (
        f" and {len(wrong) - SHOWN_WRONG} more" if len(wrong) > SHOWN_WRONG else ""
    )
    st.image(
        strip_png(
            run_id,
            snapshot["epoch"],
            tuple(snapshot["strip_indices"]),
            tuple(guesses),
            dataset_or_stop(),
        ),
        caption=f"After epoch {snapshot['epoch']}: {len(labels) - len(wrong)} of {len(labels)} "
        f"right (green frame; a column per class, {config.CLASS_NAMES[0]} to "
        f"{config.CLASS_NAMES[-1]}); wrong: {listed or 'none'}",
    )
    confusions = progress.confusions
    left, right = st.columns([3, 2])
    with left:
        epoch = len(confusions)
        if len(confusions) > 1:
            epoch = st.slider(
                "Confusion matrix after epoch",
                1,
                len(confusions),
                len(confusions),
                key="train_watch_epoch",
            )
        st.plotly_chart(
            confusion_scatter(np.array(confusions[epoch - 1]), False, size=360),
            key="train_watch_matrix",
            config={"displayModeBar": False},
        )
        st.caption(f"500 test images after epoch {epoch}: rows true, columns predicted.")
    with right:
        filters = np.stack([to_gray(f, symmetric=True) for f in snapshot["filters"]])
        st.image(
            image_grid(filters, 8, 10, 2),
            caption=f"The first layer's {len(filters)} filters after epoch {snapshot['epoch']} "
            "(grey 0, light +, dark −)",
        )
