"""The bundled model honours its contract: the `.keras` file with plain Keras, and its
exported ONNX twin, which must answer as Keras does."""

from __future__ import annotations

import hashlib
import json
import os
import time

import numpy as np
import pytest

from fashion_cnn.common import config
from fashion_cnn.common.contract import (
    FEATURE_MAPS,
    FEATURES,
    PROBABILITIES,
    bundled_model_path,
    model_card_path,
    onnx_path,
    reading_path,
)
from fashion_cnn.serving.predictor import Predictor, load_bundled
from fashion_cnn.serving.verdict import FLAGGED
from fashion_cnn.training.export import conv_layers, conv_output_layer


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


def test_onnx_twin_sits_beside_the_keras_file(bundled):
    path, _ = bundled
    twin = onnx_path(path)
    assert twin.is_file() and twin.stat().st_size <= 3 * 1024 * 1024
    predictor = Predictor.load(twin)
    assert {PROBABILITIES, FEATURES, FEATURE_MAPS} <= set(predictor.outputs)
    convs = [layer.name for layer in conv_layers(bundled[1])]
    assert predictor.metadata["conv_outputs"] == convs and set(convs) <= set(predictor.outputs)


def test_exported_twin_matches_keras_on_the_test_set(bundled, real_data):
    _, model = bundled
    keras_probs = np.concatenate(
        [
            np.asarray(model(real_data.x_test[i : i + 1000, ..., None].astype("float32")))
            for i in range(0, len(real_data.x_test), 1000)
        ]
    )
    twin = Predictor(onnx_path(bundled[0]).read_bytes(), "twin")  # without its reading graph
    onnx_probs = twin.probabilities(real_data.x_test)
    assert (onnx_probs.argmax(axis=1) == keras_probs.argmax(axis=1)).all()
    assert np.abs(onnx_probs - keras_probs).max() <= 1e-4


@pytest.mark.parametrize("folder", ["", config.DRAWINGS_DIR])
def test_each_bundled_cnn_reads_through_its_int8_graph_made_from_its_twin(folder, real_data):
    """The reading graph: small, made from these weights, giving the twin's labels on the
    test images nearly always, and the accuracy its card states."""
    path = bundled_model_path(config.MODEL_DIR / folder)
    reading = reading_path(path)
    assert reading.is_file() and reading.stat().st_size <= 1024 * 1024
    served = Predictor.load(onnx_path(path))
    twin = Predictor(onnx_path(path).read_bytes(), "twin")
    assert served.quantized and not twin.quantized and served.key != twin.key
    probs, twin_probs = served.probabilities(real_data.x_test), twin.probabilities(real_data.x_test)
    assert np.mean(probs.argmax(axis=1) == twin_probs.argmax(axis=1)) >= 0.995
    assert np.abs(probs - twin_probs).max() <= 0.15
    card = json.loads(model_card_path(path).read_text())
    accuracy = np.mean(probs.argmax(axis=1) == real_data.y_test)
    assert abs(accuracy - card["test_accuracy"]) <= 1e-4
    assert card["reading_graph"]["bytes"] == reading.stat().st_size
    features = served.features(real_data.x_test[:64])
    assert np.abs(features - twin.features(real_data.x_test[:64])).max() > 0  # it is in use


def test_a_reading_graph_of_other_weights_is_not_used(caplog):
    """After a retrain that left an old reading graph beside the new twin: the twin reads."""
    bundled = bundled_model_path()
    drawings = bundled_model_path(config.MODEL_DIR / config.DRAWINGS_DIR)
    twin = onnx_path(drawings).read_bytes()
    stale = Predictor(twin, "retrained", reading=reading_path(bundled).read_bytes())
    assert not stale.quantized and "its reading graph is stale" in caplog.text
    images = np.random.default_rng(0).integers(0, 256, (8, 28, 28)).astype(np.uint8)
    expected = Predictor(twin, "twin").probabilities(images)
    assert np.array_equal(stale.probabilities(images), expected)
    torn = Predictor(twin, "torn", reading=reading_path(drawings).read_bytes()[:4000])
    assert not torn.quantized


def test_named_outputs_match_keras_layers(bundled, real_data):
    import keras

    _, model = bundled
    predictor = Predictor(onnx_path(bundled[0]).read_bytes(), "twin")  # not its int8 graph
    image = real_data.x_test[7]
    activations = predictor.activations(image)
    for conv in conv_layers(model):
        layer = conv_output_layer(model, conv)
        probe = keras.Model(model.inputs, layer.output)
        expected = np.asarray(probe(image[None, ..., None].astype("f4")))[0].transpose(2, 0, 1)
        got = activations[conv.name]  # channels first
        assert got.shape == expected.shape and np.abs(got - expected).max() <= 1e-3
    gap = keras.Model(model.inputs, model.get_layer("gap").output)
    expected = np.asarray(gap(real_data.x_test[:50, ..., None].astype("f4")))
    assert np.abs(predictor.features(real_data.x_test[:50]) - expected).max() <= 1e-4


def tf_gradcam(model, image: np.ndarray, class_index: int) -> np.ndarray:
    """The app's Grad-CAM before the light runtime: gradient of the class probability
    through TensorFlow, channel weights averaged, ReLU, bilinear resize, scaled 0-1."""
    import keras
    import tensorflow as tf

    probe = keras.Model(model.inputs, [model.get_layer("block3_relu2").output, model.output])
    x = tf.constant(image[None, ..., None].astype("float32"))
    with tf.GradientTape() as tape:
        maps, probs = probe(x, training=False)
        score = probs[0, class_index]
    weights = tf.reduce_mean(tape.gradient(score, maps), axis=(1, 2))
    heat = tf.nn.relu(tf.reduce_sum(maps * weights[:, None, None, :], axis=-1, keepdims=True))
    heat = tf.image.resize(heat, (28, 28), "bilinear")[0, ..., 0]
    return np.clip((heat / (tf.reduce_max(heat) + 1e-8)).numpy(), 0, 1)


def test_heatmaps_match_tensorflow_gradcam(bundled, real_data):
    """The closed form, on the float twin (the app weighs the maps by the probabilities of
    its int8 reading graph, a few hundredths apart)."""
    _, model = bundled
    predictor = Predictor(onnx_path(bundled[0]).read_bytes(), "twin")
    for index in range(0, 10_000, 500):  # 20 images of all classes
        image = real_data.x_test[index]
        result, heat = predictor.analyse(image)
        assert np.abs(heat - tf_gradcam(model, image, result.index)).max() <= 1e-3
        runner_up = int(np.argsort(result.probabilities)[-2])  # not only the top class
        expected = tf_gradcam(model, image, runner_up)
        assert np.abs(predictor.heatmap(image, runner_up) - expected).max() <= 1e-3


def test_gradcam_looks_at_the_garment(real_data):
    predictor = load_bundled()
    inside_minus_outside = []
    for image in real_data.x_test[:20]:
        _, heat = predictor.analyse(image)
        assert heat.shape == (28, 28) and heat.min() >= 0 and np.isclose(heat.max(), 1.0)
        garment = image > 20
        inside_minus_outside.append(heat[garment].mean() - heat[~garment].mean())
    assert np.median(inside_minus_outside) > 0.1


def test_bulk_outputs_are_cached_on_disk_together(real_data, tmp_path, monkeypatch):
    from fashion_cnn.serving.predictor import cached_outputs

    monkeypatch.setenv(config.CACHE_ENV_VAR, str(tmp_path))
    folder = tmp_path / "outputs"
    predictor = load_bundled()
    images = real_data.x_test[:300]
    probs = cached_outputs(predictor, images, "probabilities")
    names = sorted(p.name.split("-")[0] for p in folder.glob("*.npy"))
    assert names == ["features", "probabilities"]  # one pass kept both
    (folder / next(p.name for p in folder.glob("features-*"))).write_bytes(b"torn")
    features = cached_outputs(predictor, images, "features")  # unreadable: computed again
    assert features.shape == (300, 128) and np.allclose(probs, predictor.probabilities(images))
    assert np.allclose(cached_outputs(predictor, images, "features"), features)


def test_only_the_last_used_bulk_outputs_stay_on_disk(real_data, tmp_path, monkeypatch):
    from fashion_cnn.serving import predictor as module

    monkeypatch.setenv(config.CACHE_ENV_VAR, str(tmp_path))
    monkeypatch.setattr(module, "KEPT_OUTPUTS", 4)  # two image sets' worth
    folder = tmp_path / "outputs"
    (tmp_path / "features-old-model.npy").write_bytes(b"kept before outputs/ was made")
    predictor = load_bundled()
    sets = [real_data.x_test[i : i + 20] for i in (0, 20, 40)]

    def age(seconds: float) -> None:  # every file there now, as last used this long ago
        for path in folder.glob("*.npy"):
            os.utime(path, (time.time() - seconds, time.time() - seconds))

    module.cached_outputs(predictor, sets[0], "probabilities")
    age(300)
    module.cached_outputs(predictor, sets[1], "probabilities")
    kept = {p.name for p in folder.glob("*.npy")}
    assert len(kept) == 4 and not (tmp_path / "features-old-model.npy").exists()
    for path in folder.glob(f"*-{sets_key(sets[1])}.npy"):  # the second set: used later
        os.utime(path, (time.time() - 100, time.time() - 100))
    module.cached_outputs(predictor, sets[0], "features")  # used again: the newest
    module.cached_outputs(predictor, sets[2], "probabilities")  # the first not used goes
    now = {p.name for p in folder.glob("*.npy")}
    assert len(now) == 4 and len(now & kept) == 2
    assert f"probabilities-{predictor.key}-{sets_key(sets[0])}.npy" not in now
    assert f"features-{predictor.key}-{sets_key(sets[0])}.npy" in now


def sets_key(images: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]


def test_drawing_views_are_the_drawing_mirrored_and_moved_a_pixel():
    from fashion_cnn.serving.predictor import MOVES, drawing_views

    image = (np.arange(28 * 28).reshape(28, 28) % 250 + 1).astype(np.uint8)  # lit everywhere
    views = drawing_views(image)
    assert views.shape == (6, 28, 28) and views.dtype == image.dtype
    assert (views[0] == image).all() and (views[1] == image[:, ::-1]).all()
    for (dy, dx), view in zip(MOVES, views[2:], strict=True):
        expected = np.roll(image, (dy, dx), axis=(0, 1))
        # Moved, not wrapped round: the row or column it leaves is ground.
        expected[0 if dy == 1 else -1, :] *= dy == 0
        expected[:, 0 if dx == 1 else -1] *= dx == 0
        assert (view == expected).all(), (dy, dx)
    assert {(dy, dx) for dy, dx in MOVES} == {(0, 1), (0, -1), (1, 0), (-1, 0)}


def test_a_drawing_is_read_from_its_views_mean_logits(real_data):
    """By the CNN for drawings, checked against its own probabilities for each view: the
    mean of their logarithms differs from the mean logits by a constant, which softmax
    removes. Everything else is the bundled CNN's, its Grad-CAM too. 12 drawings make 72
    views, read through the pruned graph; Grad-CAM needs the whole one."""
    from benchmarks.input_accuracy import make_drawing
    from fashion_cnn.serving.predictor import drawing_views, softmax
    from fashion_cnn.serving.preprocess import preprocess

    predictor = load_bundled()
    rng = np.random.default_rng(3)
    images = np.stack(
        [preprocess(make_drawing(im, rng), "drawing").image for im in real_data.x_test[:24]]
    )
    in_views = [True, False] * 12
    results = predictor.classify(images, in_views)
    single = predictor.classify(images)
    reader = predictor.drawings_model
    assert reader is not None and reader.key != predictor.key
    for image, viewed, result, alone in zip(images, in_views, results, single, strict=True):
        if viewed:
            logs = np.log(reader.probabilities(drawing_views(image)))
            expected = softmax(logs.mean(axis=0, keepdims=True))[0]
            assert np.abs(result.probabilities - expected).max() < 1e-4
            read, heat = predictor.analyse(image, True)
            assert read.index == result.index
            assert np.abs(heat - predictor.heatmap(image, result.index)).max() < 1e-5
        else:
            assert np.abs(result.probabilities - alone.probabilities).max() < 1e-6
    assert not all(  # the views changed something
        np.allclose(r.probabilities, a.probabilities, atol=1e-3)
        for r, a, viewed in zip(results, single, in_views, strict=True)
        if viewed
    )


def test_a_drawings_verdict_distance_is_of_the_drawing_as_drawn():
    """The detector's threshold was set on single images: the views' mean features lie
    nearer every class, and would let shapes through that the drawing alone does not."""
    from benchmarks.ood_sets import pictures, shape
    from fashion_cnn.serving.predictor import drawing_views
    from fashion_cnn.serving.preprocess import preprocess

    predictor = load_bundled()
    detector = predictor.detector
    images = np.stack([preprocess(p, "drawing").image for p in pictures(shape, 120, seed=2)])
    far = np.flatnonzero(predictor.unlike_photos(predictor.features(images)))
    assert len(far) > 50
    read = predictor.classify(images, True)
    assert all(read[i].verdict.kind in FLAGGED for i in far)
    nearer = [  # shapes whose mean of views lies within the threshold: a verdict on it fails
        i
        for i in far
        if detector.distances(predictor.features(drawing_views(images[i])).mean(axis=0)[None])[0]
        <= detector.distance_above
    ]
    assert nearer, "no shape here tells the two apart: pick another seed"


def test_reading_drawings_in_their_views_gets_more_of_them_right(real_data):
    """Synthetic canvas drawings of test images (the benchmark's own drawing code). On
    these 2,000, the bundled CNN: 87.85% from the drawing alone, 88.05% in its views; the
    CNN for drawings and icons in its views: 88.35%. A retrained model must earn its views and its
    copy for drawings."""

    from benchmarks.input_accuracy import make_drawing
    from fashion_cnn.serving.preprocess import preprocess

    rng = np.random.default_rng(11)
    idx = rng.choice(len(real_data.x_test), 2000, replace=False)
    images = np.stack(
        [preprocess(make_drawing(im, rng), "drawing").image for im in real_data.x_test[idx]]
    )
    predictor, truth = load_bundled(), real_data.y_test[idx]
    alone = predictor.without_drawings_model()
    single = np.mean(predictor.probabilities(images).argmax(axis=1) == truth)
    views = np.mean([r.index for r in alone.classify(images, True)] == truth)
    read = np.mean([r.index for r in predictor.classify(images, True)] == truth)
    assert single < views < read, (single, views, read)


def test_the_cnn_for_drawings_is_a_fine_tuned_copy_with_its_card_and_twin(real_data):
    """model/drawings/ holds the bundled CNN fine-tuned on drawings: one small `.keras`
    file, its card naming where it came from, and its twin, which answers as Keras does."""
    import keras

    path = bundled_model_path(config.MODEL_DIR / config.DRAWINGS_DIR)
    model = keras.saving.load_model(path, safe_mode=True)
    assert path.stat().st_size <= 3 * 1024 * 1024 and model.count_params() <= 300_000
    card = json.loads(model_card_path(path).read_text())
    assert card["fine_tuned_from"]["model_file"] == bundled_model_path().name
    assert "--drawing-share" in card["command"] and card["training_settings"]["drawing_share"]
    twin = Predictor(onnx_path(path).read_bytes(), "twin")  # without its reading graph
    x = real_data.x_test[:500]
    keras_probs = np.asarray(model(x[..., None].astype("float32")))
    assert np.abs(twin.probabilities(x) - keras_probs).max() <= 1e-4
    assert load_bundled().drawings_model.key == Predictor.load(onnx_path(path)).key


@pytest.mark.parametrize(
    ("damage", "logged"),
    [
        ("missing", "expected exactly one .keras file"),
        ("torn twin", "could not load the exported model"),
        ("fine-tuned from other weights", "it was fine-tuned from other weights"),
    ],
)
def test_without_the_cnn_for_drawings_the_bundled_one_reads_them(
    damage, logged, monkeypatch, tmp_path, caplog
):
    """A missing or torn CNN for drawings, or one fine-tuned from the bundled model before
    a retrain: the app logs why and goes on, the bundled CNN reading drawings itself."""
    import shutil

    from fashion_cnn.serving.predictor import drawing_views, softmax

    for part in config.MODEL_DIR.glob(bundled_model_path().stem + ".*"):
        shutil.copy(part, tmp_path)
    if damage != "missing":
        shutil.copytree(config.MODEL_DIR / config.DRAWINGS_DIR, tmp_path / config.DRAWINGS_DIR)
    if damage == "torn twin":
        twin = onnx_path(bundled_model_path(tmp_path / config.DRAWINGS_DIR))
        twin.write_bytes(twin.read_bytes()[:5000])
    if damage == "fine-tuned from other weights":  # as after `python train_model.py`
        bundled = next(tmp_path.glob("*.keras"))
        bundled.write_bytes(bundled.read_bytes() + b"retrained")
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path)
    predictor = load_bundled()
    assert predictor.drawings_model is None and f"no CNN for drawings: {logged}" in caplog.text
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 8:20] = 200  # a filled block: drawn, though no garment
    read = predictor.classify(image, True)[0]
    features = predictor.features(drawing_views(image)).mean(axis=0, keepdims=True)
    weights, bias = predictor.classifier
    assert np.abs(read.probabilities - softmax(features @ weights + bias)[0]).max() < 1e-5
