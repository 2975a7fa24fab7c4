"""Training images that look like what the Draw tab feeds the CNN.

Each training garment's silhouette is drawn on a 280x280 canvas as people draw it (an
outline of a random stroke width, or a filled shape), slightly turned and squeezed, at a
random size and place, then passed through the app's own drawing preprocessing, so the
network learns the inputs it will be shown.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from fashion_cnn.common.config import SILHOUETTE_LEVEL
from fashion_cnn.serving.preprocess import ImageInputError, preprocess

CANVAS = 280


def render(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One garment drawn on a canvas: RGBA, white strokes on a transparent ground."""
    silhouette = Image.fromarray(np.pad((image > SILHOUETTE_LEVEL) * 255, 3).astype(np.uint8))
    silhouette = silhouette.rotate(float(rng.uniform(-8, 8)), Image.Resampling.BILINEAR)
    side = int(rng.integers(110, 260))
    size = (side, int(side * rng.uniform(0.85, 1.15)))
    mask = silhouette.resize(size, Image.Resampling.BILINEAR).point(lambda v: 255 * (v > 110))
    if rng.random() < 0.6:  # an outline: the shape's edge, drawn with a round-ish pen
        pen = int(rng.integers(2, 9)) * 2 + 1
        edge = np.asarray(mask) - np.asarray(mask.filter(ImageFilter.MinFilter(3)))
        mask = Image.fromarray(edge).filter(ImageFilter.MaxFilter(pen))
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    left = int(rng.integers(0, max(1, CANVAS - mask.width)))
    top = int(rng.integers(0, max(1, CANVAS - mask.height)))
    canvas.paste(mask.crop((0, 0, min(mask.width, CANVAS), min(mask.height, CANVAS))), (left, top))
    rgba = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    rgba[..., :3], rgba[..., 3] = 255, np.asarray(canvas)
    return rgba


def drawing_inputs(
    images: np.ndarray, labels: np.ndarray, count: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """`count` drawn garments from `images`, as the CNN's 28x28 inputs, with their labels."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(images), count, replace=count > len(images))
    out, kept = [], []
    for i in picked:
        try:
            out.append(preprocess(render(images[i], rng), "drawing").image)
            kept.append(i)
        except ImageInputError:  # a garment too faint to draw: skip it
            continue
    return np.stack(out), labels[np.array(kept)]


# END
