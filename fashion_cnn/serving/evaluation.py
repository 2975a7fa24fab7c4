"""The metrics shown on every page, from predictions (pure NumPy)."""

from __future__ import annotations

import numpy as np

from fashion_cnn.common import config


def confusion_matrix(
    y_true: np.ndarray, y_pred: np.ndarray, k: int = config.NUM_CLASSES
) -> np.ndarray:
    """Counts: rows are true classes, columns predicted classes."""
    return np.bincount(np.asarray(y_true) * k + np.asarray(y_pred), minlength=k * k).reshape(k, k)


def per_class_metrics(cm: np.ndarray) -> dict[str, list[float]]:
    """Precision, recall, F1 and support per class from a confusion matrix (0 where undefined)."""
    tp = np.diag(cm).astype(float)
    predicted = cm.sum(axis=0)
    actual = cm.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return {
        "precision": precision.round(4).tolist(),
        "recall": recall.round(4).tolist(),
        "f1": f1.round(4).tolist(),
        "support": actual.astype(int).tolist(),
    }


def evaluate_probabilities(probs: np.ndarray, y_true: np.ndarray) -> dict:
    """Accuracy, per-class metrics and confusion matrix, JSON-ready."""
    y_pred = probs.argmax(axis=1)
    cm = confusion_matrix(y_true, y_pred)
    return {
        "accuracy": round(float((y_pred == y_true).mean()), 4) if len(y_true) else 0.0,
        "count": len(y_true),
        "class_names": list(config.CLASS_NAMES),
        "per_class": per_class_metrics(cm),
        "confusion_matrix": cm.tolist(),
    }
