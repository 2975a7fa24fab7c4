"""The bundled model file honours its contract, loaded with plain Keras."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fashion_cnn import config
from fashion_cnn.model import bundled_model_path, model_card_path


@pytest.fixture(scope="module")
def bundled():
    import keras

    path = bundled_model_path()
    return path, keras.saving.load_model(path, safe_mode=True)


def test_exactly_one_small_keras_file_with_card(bundled):
    path, model = bundled
    assert [p.name for p in config.MODEL_DIR.glob("*.keras")] == [path.name]
    assert path.stat().st_size <= 3 * 1024 * 1024
    assert model.count_params() <= 300_000
    card = json.loads(model_card_path(path).read_text())
    assert card["class_names"] == list(config.CLASS_NAMES)
    assert card["parameters"] == model.count_params()
    for key in (
        "per_class",
        "confusion_matrix",
        "history",
        "training_settings",
        "training_seconds",
        "seed",
        "versions",
        "dataset_sha256",
        "command",
    ):
        assert card[key], key


def test_input_output_shapes_and_probabilities(bundled):
    _, model = bundled
    assert tuple(model.input_shape) == (None, 28, 28, 1)
    x = np.random.default_rng(0).integers(0, 256, (5, 28, 28, 1)).astype("float32")
    probs = np.asarray(model(x, training=False))
    assert probs.shape == (5, 10)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5) and (probs >= 0).all()


def test_accuracy_on_first_2000_test_images(bundled, real_data):
    _, model = bundled
    x = real_data.x_test[:2000, ..., None].astype("float32")  # raw 0-255 pixels
    probs = np.asarray(model(x, training=False))
    accuracy = (probs.argmax(axis=1) == real_data.y_test[:2000]).mean()
    assert accuracy >= 0.93, accuracy


def test_gradcam_looks_at_the_garment(bundled, real_data):
    from fashion_cnn.evaluation import make_predictor
    from fashion_cnn.explain import make_gradcam

    _, model = bundled
    predict, gradcam = make_predictor(model), make_gradcam(model)
    inside_minus_outside = []
    for image in real_data.x_test[:20]:
        heat = gradcam(image, int(predict(image).argmax()))
        assert heat.shape == (28, 28) and heat.min() >= 0 and np.isclose(heat.max(), 1.0)
        garment = image > 20
        inside_minus_outside.append(heat[garment].mean() - heat[~garment].mean())
    assert np.median(inside_minus_outside) > 0.1
