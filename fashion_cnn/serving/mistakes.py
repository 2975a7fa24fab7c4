"""Selecting, sorting and paging the model's mistakes (pure NumPy)."""

from __future__ import annotations

import math

import numpy as np


def find_mistakes(
    probs: np.ndarray,
    y_true: np.ndarray,
    true_class: int | None = None,
    predicted_class: int | None = None,
    confidence: tuple[float, float] = (0.0, 1.0),
    most_confident_first: bool = True,
) -> np.ndarray:
    """Indices of misclassified images matching the filters, sorted by confidence."""
    y_pred = probs.argmax(axis=1)
    conf = probs.max(axis=1)
    keep = (y_pred != y_true) & (conf >= confidence[0]) & (conf <= confidence[1])
    if true_class is not None:
        keep &= y_true == true_class
    if predicted_class is not None:
        keep &= y_pred == predicted_class
    indices = np.flatnonzero(keep)
    order = np.argsort(-conf[indices] if most_confident_first else conf[indices], kind="stable")
    return indices[order]


def page_count(total: int, per_page: int) -> int:
    """Number of pages for `total` items; at least one, so an empty gallery has a page."""
    return max(1, math.ceil(total / per_page))


def page_of(items: np.ndarray, page: int, per_page: int) -> np.ndarray:
    """The items on 1-based `page`, clamped to the valid range."""
    page = min(max(1, page), page_count(len(items), per_page))
    return items[(page - 1) * per_page : page * per_page]


def row_normalise(cm: np.ndarray) -> np.ndarray:
    """Each row (a true class) divided by its total: the share of each prediction given
    the true class."""
    totals = cm.sum(axis=1, keepdims=True)
    return np.divide(cm, totals, out=np.zeros(cm.shape, float), where=totals > 0)


def main_confusions(cm: np.ndarray | list, count: int = 3) -> list[tuple[int, int, int]]:
    """The `count` largest off-diagonal cells as (images, true class, predicted class),
    largest first; cells with no image are left out."""
    cm = np.asarray(cm)
    off = np.where(np.eye(len(cm), dtype=bool), 0, cm)
    cells = np.argsort(-off, axis=None, kind="stable")[:count]
    return [(int(off.flat[c]), *map(int, divmod(c, len(cm)))) for c in cells if off.flat[c] > 0]
