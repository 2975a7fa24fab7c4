"""Metrics against a hand-checked confusion matrix; filtering, sorting and paging mistakes."""

from __future__ import annotations

import numpy as np
import pytest

from fashion_cnn.serving.evaluation import (
    confusion_matrix,
    evaluate_probabilities,
    per_class_metrics,
)
from fashion_cnn.serving.mistakes import (
    find_mistakes,
    main_confusions,
    page_count,
    page_of,
    row_normalise,
)


def test_confusion_matrix_and_metrics_by_hand():
    y_true = np.array([0, 0, 0, 1, 1, 2])
    y_pred = np.array([0, 0, 1, 1, 2, 2])
    cm = confusion_matrix(y_true, y_pred, k=3)
    assert cm.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    m = per_class_metrics(cm)
    # class 0: precision 2/2, recall 2/3; class 1: 1/2, 1/2; class 2: 1/2, 1/1
    assert m["precision"] == [1.0, 0.5, 0.5]
    assert m["recall"] == pytest.approx([0.6667, 0.5, 1.0], abs=1e-4)
    assert m["f1"] == pytest.approx([0.8, 0.5, 0.6667], abs=1e-4)
    assert m["support"] == [3, 2, 1]


def test_metrics_of_an_empty_class_are_zero_not_nan():
    m = per_class_metrics(np.array([[3, 0], [0, 0]]))
    assert m["precision"] == [1.0, 0.0] and m["recall"] == [1.0, 0.0] and m["f1"] == [1.0, 0.0]


def test_evaluate_probabilities():
    probs = np.eye(10)[[0, 1, 2, 3]] * 0.9 + 0.01
    out = evaluate_probabilities(probs, np.array([0, 1, 2, 9]))
    assert out["accuracy"] == 0.75 and out["count"] == 4
    assert out["confusion_matrix"][9][3] == 1


@pytest.fixture
def probs_and_labels():
    probs = np.array(
        [
            [0.9, 0.1, 0.0],  # true 0, right
            [0.2, 0.8, 0.0],  # true 0 -> 1, conf .8
            [0.4, 0.6, 0.0],  # true 0 -> 1, conf .6
            [0.3, 0.0, 0.7],  # true 1 -> 2, conf .7
            [0.95, 0.05, 0.0],  # true 2 -> 0, conf .95
        ]
    )
    return probs, np.array([0, 0, 0, 1, 2])


def test_find_mistakes_sorted_both_ways(probs_and_labels):
    probs, y = probs_and_labels
    assert find_mistakes(probs, y).tolist() == [4, 1, 3, 2]
    assert find_mistakes(probs, y, most_confident_first=False).tolist() == [2, 3, 1, 4]


def test_find_mistakes_filters(probs_and_labels):
    probs, y = probs_and_labels
    assert find_mistakes(probs, y, true_class=0, predicted_class=1).tolist() == [1, 2]
    assert find_mistakes(probs, y, predicted_class=2).tolist() == [3]
    assert find_mistakes(probs, y, confidence=(0.65, 0.9)).tolist() == [1, 3]
    assert find_mistakes(probs, y, true_class=1, predicted_class=0).tolist() == []


def test_paging():
    items = np.arange(50)
    assert page_count(50, 24) == 3 and page_count(0, 24) == 1
    assert page_of(items, 3, 24).tolist() == [48, 49]
    assert page_of(items, 99, 24).tolist() == [48, 49]  # clamped to the last page
    assert page_of(items, 0, 24)[0] == 0


def test_row_normalise():
    rates = row_normalise(np.array([[3, 1], [0, 0]]))
    assert rates.tolist() == [[0.75, 0.25], [0.0, 0.0]]


def test_main_confusions_are_the_largest_off_diagonal_cells():
    cm = [[50, 0, 7], [2, 40, 0], [9, 7, 30]]  # the diagonal is never a confusion
    assert main_confusions(cm) == [(9, 2, 0), (7, 0, 2), (7, 2, 1)]
    assert main_confusions(np.diag([5, 5])) == []  # no mistakes: no link to an empty cell
