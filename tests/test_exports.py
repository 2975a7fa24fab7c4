"""Results to take away: the CSV text behind the pages' download buttons, read back with
the csv module as a spreadsheet would."""

from __future__ import annotations

import csv
import io

import numpy as np

from fashion_cnn.common import config
from fashion_cnn.serving.predictor import Classification
from fashion_cnn.serving.verdict import CONFIDENT, NOT_A_GARMENT, Verdict
from fashion_cnn.ui.exports import answers_csv, compare_csv, confusion_csv, per_class_csv
from tests.test_charts import finished_run


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_answers_name_each_file_with_its_class_verdict_and_probabilities():
    probs = np.full(10, 0.01, np.float32)
    probs[1] = 0.91
    trouser = Classification.from_probabilities(probs, Verdict(CONFIDENT, None))
    odd = Classification.from_probabilities(
        probs, Verdict(NOT_A_GARMENT, "It looks like nothing in Fashion-MNIST, a, b")
    )
    table = rows(
        answers_csv(
            [
                ("trouser, front.png", trouser, None),
                ("noise.png", odd, None),
                ("broken.png", None, "this is not an image file"),
            ]
        )
    )
    assert table[0] == ["file", "class", "confidence", "verdict", "note", *config.CLASS_NAMES]
    assert table[1][:5] == ["trouser, front.png", "Trouser", "0.9100", "confident", ""]
    assert [float(p) for p in table[1][5:]] == [float(f"{p:.4f}") for p in probs]
    assert table[2][3:5] == ["not a garment", "It looks like nothing in Fashion-MNIST, a, b"]
    assert table[3] == ["broken.png", "", "", "", "this is not an image file", *[""] * 10]


def test_confusion_matrix_has_a_row_per_true_class():
    cm = np.arange(100).reshape(10, 10)
    table = rows(confusion_csv(cm))
    assert table[0] == ["true \\ predicted", *config.CLASS_NAMES]
    assert table[7] == ["Shirt", *map(str, range(60, 70))]
    assert len(table) == 11


def test_per_class_metrics_keep_four_places_and_counts():
    per_class = {
        "precision": [0.5] * 10,
        "recall": [0.25] * 10,
        "f1": [1 / 3] * 10,
        "support": [1000] * 10,
    }
    table = rows(per_class_csv(per_class))
    assert table[0] == ["class", "precision", "recall", "f1", "test images"]
    assert table[10] == ["Ankle boot", "0.5000", "0.2500", "0.3333", "1000"]


def test_compared_runs_list_every_setting_and_the_epochs_they_ran():
    runs = [
        finished_run("aaaaaaaaaaaa", 4, 0.6843, epochs=4),
        finished_run("bbbbbbbbbbbb", 2, 0.7072, epochs=4, dropout=0.6),  # stopped early
    ]
    table = rows(compare_csv(runs))
    head = table[0]
    assert head[:3] == ["run", "epochs", "epochs planned"] and head[-1] == "test accuracy"
    assert "dropout" in head and "architecture" in head and "augmentation" in head
    first, second = (dict(zip(head, row, strict=True)) for row in table[1:])
    assert (first["run"], first["epochs"], first["epochs planned"]) == ("aaaaaaaaaaaa", "4", "4")
    assert (second["epochs"], second["dropout"], second["test accuracy"]) == ("2", "0.6", "0.7072")
    assert first["dropout"] == "0.2" and first["training images"] == "20,000"
