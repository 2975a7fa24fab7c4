"""The shapes the CNN knows: each class's average silhouette, shown beside the canvas."""

from __future__ import annotations

import numpy as np

from fashion_cnn.common.config import SILHOUETTE_LEVEL


def class_shapes(images: np.ndarray, labels: np.ndarray, per_class: int = 2000) -> np.ndarray:
    """Each class's average silhouette: the pixels inside the garment in at least half of
    its first `per_class` training images. (10, 28, 28) uint8, white on black."""
    shapes = [
        (images[labels == k][:per_class] > SILHOUETTE_LEVEL).mean(axis=0) >= 0.5
        for k in range(int(labels.max()) + 1)
    ]
    return (np.stack(shapes) * 255).astype(np.uint8)
