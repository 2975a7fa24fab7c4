"""Batched prediction and the metrics shown on every page (pure NumPy)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fashion_cnn import config

Predictor = Callable[[np.ndarray], np.ndarray]


def make_predictor(model) -> Predictor:
    """A warmed tf.function: uint8 or float images (N, 28, 28[, 1]) in, probabilities out.

    `model.predict` costs tens of ms per call; a traced function a few.
    """
    import tensorflow as tf

    spec = tf.TensorSpec([None, config.IMAGE_SIZE, config.IMAGE_SIZE, 1], tf.float32)
    forward = tf.function(lambda x: model(x, training=False), input_signature=[spec])

    def predict(images: np.ndarray) -> np.ndarray:
        x = np.asarray(images, dtype=np.float32).reshape(
            -1, config.IMAGE_SIZE, config.IMAGE_SIZE, 1
        )
        return forward(tf.constant(x)).numpy()

    predict(np.zeros((1, config.IMAGE_SIZE, config.IMAGE_SIZE), np.float32))  # trace once now
    return predict


def predict_in_batches(
    predict: Predictor, images: np.ndarray, batch_size: int = 1000
) -> np.ndarray:
    """Probabilities for many images, `batch_size` at a time to bound memory."""
    parts = [predict(images[i : i + batch_size]) for i in range(0, len(images), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, config.NUM_CLASSES), np.float32)


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
