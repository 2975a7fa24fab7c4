"""Training you can watch: what the network makes of fixed images after each epoch.

A Keras callback (training side) that, after each epoch, classifies a strip of 20 fixed
images (2 per class), builds a confusion matrix on a fixed set of up to 500 held-out
images, and copies the first layer's filters; it hands each snapshot, JSON-ready, to a
`publish` function (the engine's progress channel). About 500 forward passes an epoch.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from fashion_cnn.common import config
from fashion_cnn.serving.evaluation import confusion_matrix

STRIP_PER_CLASS = 2
MATRIX_IMAGES = 500  # the strip included


def strip_indices(labels: np.ndarray, per_class: int = STRIP_PER_CLASS) -> np.ndarray:
    """The first `per_class` images of each class, class by class."""
    return np.concatenate(
        [np.flatnonzero(labels == k)[:per_class] for k in range(config.NUM_CLASSES)]
    )


class EpochSnapshots(keras.callbacks.Callback):
    """After each epoch: the strip's probabilities, a confusion matrix, the first filters."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, publish: Callable[[dict], None]):
        super().__init__()
        strip = strip_indices(labels)
        self.strip = strip.tolist()
        self.strip_labels = labels[strip].tolist()
        rest = np.setdiff1d(np.arange(len(labels)), strip)[: MATRIX_IMAGES - len(strip)]
        self.x = np.concatenate([images[strip], images[rest]])[..., None].astype(np.float32)
        self.y = np.concatenate([labels[strip], labels[rest]])
        self.strip_count = len(strip)
        self.publish = publish

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training:  # Stop ended the epoch early: not a finished epoch
            return
        probs = np.asarray(self.model(self.x, training=False))
        conv = next(layer for layer in self.model.layers if type(layer).__name__ == "Conv2D")
        kernel = np.asarray(conv.get_weights()[0])[:, :, 0, :].transpose(2, 0, 1)
        self.publish(
            {
                "epoch": epoch + 1,
                "strip_probabilities": probs[: self.strip_count].round(4).tolist(),
                "strip_indices": self.strip,
                "strip_labels": self.strip_labels,
                "confusion": confusion_matrix(self.y, probs.argmax(axis=1)).tolist(),
                "filters": kernel.round(5).tolist(),
            }
        )
