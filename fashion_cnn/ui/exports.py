"""Results a visitor takes away, as CSV text: the answers to their uploads, a confusion
matrix, per-class metrics and compared runs (no Streamlit here; the pages offer them as
downloads)."""

from __future__ import annotations

import csv
import io

import numpy as np

from fashion_cnn.common import config, settings
from fashion_cnn.serving.predictor import Classification
from fashion_cnn.ui.wording import setting_name, setting_text


def csv_text(header: list[str], rows: list[list]) -> str:
    """Rows under a header, as CSV (Excel and pandas read it as is)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def answers_csv(files: list[tuple[str, Classification | None, str | None]]) -> str:
    """One row per uploaded file (its name, the answer or why there is none): class,
    confidence, verdict, hint and all ten probabilities, rounded to 4 places."""
    rows = []
    for name, result, error in files:
        if result is None:
            rows.append([name, "", "", "", error or "", *[""] * config.NUM_CLASSES])
            continue
        rows.append(
            [
                name,
                result.label,
                f"{result.confidence:.4f}",
                result.verdict.kind.replace("_", " "),  # "not a garment"
                result.hint or "",
                *(f"{p:.4f}" for p in result.probabilities),
            ]
        )
    header = ["file", "class", "confidence", "verdict", "note", *config.CLASS_NAMES]
    return csv_text(header, rows)


def confusion_csv(cm: np.ndarray) -> str:
    """The confusion matrix as counts: a row per true class, a column per predicted one."""
    rows = [[name, *map(int, row)] for name, row in zip(config.CLASS_NAMES, cm, strict=True)]
    return csv_text(["true \\ predicted", *config.CLASS_NAMES], rows)


def per_class_csv(per_class: dict[str, list]) -> str:
    """Precision, recall and F1 per class with its test-image count."""
    rows = [
        [
            name,
            *(f"{per_class[k][i]:.4f}" for k in ("precision", "recall", "f1")),
            per_class["support"][i],
        ]
        for i, name in enumerate(config.CLASS_NAMES)
    ]
    return csv_text(["class", "precision", "recall", "f1", "test images"], rows)


def compare_csv(views: list) -> str:
    """Compared runs (RunViews, as fashion_cnn.ui.charts.compare_table takes them): each
    run's ID, epochs finished and planned, every setting and its test accuracy."""
    fields = [f for f in settings.form_fields() if f.name != "epochs"]
    header = ["run", "epochs", "epochs planned", *(setting_name(f) for f in fields)]
    rows = [
        [
            view.run_id,
            view.progress.epoch,
            view.cfg.epochs,
            *(setting_text(f, view.cfg) for f in fields),
            f"{view.summary['accuracy']:.4f}",
        ]
        for view in views
    ]
    return csv_text([*header, "test accuracy"], rows)
