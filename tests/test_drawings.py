"""Drawn training garments: what the Draw tab feeds the CNN, made from the training split."""

from __future__ import annotations

import numpy as np

from fashion_cnn.training.drawings import drawing_inputs, render
from fashion_cnn.ui.shapes import class_shapes


def test_rendered_outline_is_a_canvas_export(real_data):
    rgba = render(real_data.x_train[0], np.random.default_rng(0))
    assert rgba.shape == (280, 280, 4) and rgba.dtype == np.uint8
    assert (rgba[..., :3] == 255).all() and 0 < (rgba[..., 3] > 0).mean() < 0.6


def test_drawn_inputs_look_like_the_garments_silhouettes(real_data):
    images, labels = drawing_inputs(real_data.x_train[:60], real_data.y_train[:60], 40, seed=1)
    assert images.shape[1:] == (28, 28) and len(images) == len(labels) >= 38
    # Each drawn input overlaps the silhouette of a garment of its class, once both are
    # trimmed and scaled the same way: compare with the class's mean silhouette.
    silhouettes = real_data.x_train[:2000] > 25
    overlaps = []
    for image, label in zip(images, labels, strict=True):
        mean = silhouettes[real_data.y_train[:2000] == label].mean(axis=0) > 0.5
        drawn = image > 100
        overlaps.append((drawn & mean).sum() / max((drawn | mean).sum(), 1))
    assert np.median(overlaps) > 0.5


def test_class_shapes_shown_as_drawing_guidance_are_read_as_their_class(real_data):
    from PIL import Image

    from fashion_cnn.serving.predictor import load_bundled
    from fashion_cnn.serving.preprocess import preprocess

    shapes = class_shapes(real_data.x_train, real_data.y_train)
    assert shapes.shape == (10, 28, 28) and set(np.unique(shapes)) == {0, 255}
    drawn = []
    for shape in shapes:  # drawn large on the canvas, as the page invites
        big = Image.fromarray(shape).resize((224, 224), Image.Resampling.BILINEAR)
        rgba = np.zeros((280, 280, 4), np.uint8)
        rgba[..., :3] = 255  # white strokes, drawn in the alpha channel
        rgba[28:252, 28:252, 3] = np.asarray(big.point(lambda v: 255 * (v > 127)))
        drawn.append(preprocess(rgba, "drawing").image)
    assert (load_bundled().probabilities(np.stack(drawn)).argmax(axis=1) == np.arange(10)).all()
