"""Training: seeded runs reproduce, and a failed save never replaces a good model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import keras
import numpy as np
import pytest

from fashion_cnn.common.settings import QUICK_RUN, AugmentSettings, TrainConfig
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.training.augment import augment
from fashion_cnn.training.export import onnx_bytes
from fashion_cnn.training.fit import (
    STATISTICS_SAMPLE,
    BatchNormStatistics,
    evaluate_on_test,
    save_model_atomic,
    split_training_data,
    train,
)

BatchNormalization = keras.layers.BatchNormalization


def small_config(seed: int) -> TrainConfig:
    return replace(QUICK_RUN, epochs=1, train_subset=2000, warmup_epochs=0, augment=True, seed=seed)


def test_seeded_runs_reproduce(real_data):
    runs = [
        Predictor(onnx_bytes(train(small_config(7), real_data).model), "run").probabilities(
            real_data.x_test[:2000]
        )
        for _ in range(2)
    ]
    np.testing.assert_allclose(runs[0], runs[1], atol=1e-4)  # the same model, on a CPU
    other = train(small_config(8), real_data).model
    assert not np.allclose(
        Predictor(onnx_bytes(other), "other").probabilities(real_data.x_test[:2000]),
        runs[0],
        atol=1e-2,
    )  # another seed: another model


def test_a_run_of_one_short_epoch_already_answers_well_above_chance(real_data):
    # 15 steps: batch norm's moving averages still held most of their start values and the
    # network answered at random outside training (11% on the test set, validation 9%).
    result = train(replace(QUICK_RUN, epochs=1, train_subset=2000), real_data)
    assert result.history["val_accuracy"][-1] > 0.3
    assert evaluate_on_test(onnx_bytes(result.model), real_data, 2000)["accuracy"] > 0.3


@pytest.mark.parametrize("epochs, stopped", [(1, False), (2, True)])
def test_a_stop_after_the_last_epoch_leaves_the_run_finished(real_data, epochs, stopped):
    """An unwatched run is asked to stop after its epoch; asked during the last one, or
    while it is evaluated, the run is complete and says so."""
    import contextlib
    import threading
    from multiprocessing import Pipe

    from fashion_cnn.training import job

    reader, writer = Pipe(duplex=False)

    def drain() -> None:  # the run's messages, read so that the pipe never fills
        with contextlib.suppress(EOFError, OSError):
            while True:
                reader.recv()

    draining = threading.Thread(target=drain)
    draining.start()
    stop_now, stop_epoch = threading.Event(), threading.Event()
    stop_epoch.set()  # asked before the first epoch ends
    cfg = replace(QUICK_RUN, epochs=epochs, train_subset=2000, warmup_epochs=0)
    try:
        result = job.run(cfg, writer, stop_now, stop_epoch)
    finally:
        writer.close()
        draining.join()
    assert result["epochs_completed"] == 1
    assert result["stopped"] is stopped


def test_weight_averaging_ends_with_the_average_and_its_own_statistics(real_data):
    cfg = replace(small_config(7), epochs=2)
    plain = train(cfg, real_data).model
    averaged = train(replace(cfg, weight_averaging=0.9), real_data).model
    # Same seed, same steps: only the averaging tells the two apart.
    first_kernel = next(i for i, w in enumerate(plain.weights) if "kernel" in w.path)
    assert not np.allclose(plain.get_weights()[first_kernel], averaged.get_weights()[first_kernel])
    # Its batch norm statistics are those of the averaged weights, not of the last step's.
    (x_train, _), _ = split_training_data(real_data, cfg, np.random.default_rng(cfg.seed))
    assert statistics_are_of(averaged, x_train[:STATISTICS_SAMPLE])
    assert evaluate_on_test(onnx_bytes(averaged), real_data, 2000)["accuracy"] > 0.3


def statistics_are_of(model: keras.Model, images: np.ndarray) -> bool:
    """Whether the model's batch norm statistics are those `images` give (it keeps those)."""
    norms = [layer for layer in model.layers if isinstance(layer, BatchNormalization)]
    kept = [(np.asarray(n.moving_mean), np.asarray(n.moving_variance)) for n in norms]
    recomputed = BatchNormStatistics(images)
    recomputed.set_model(model)
    recomputed.set_statistics()
    return bool(norms) and all(
        np.allclose(mean, n.moving_mean, rtol=1e-4, atol=1e-6)
        and np.allclose(variance, n.moving_variance, rtol=1e-4)
        for (mean, variance), n in zip(kept, norms, strict=True)
    )


def test_batch_norm_statistics_are_of_the_mix_of_drawings_a_run_trains_on(real_data):
    from fashion_cnn.training.drawings import drawing_inputs
    from fashion_cnn.training.fit import statistics_sample

    cfg = replace(small_config(5), train_subset=1500, drawing_share=0.5)
    model = train(cfg, real_data).model
    (x_train, y_train), _ = split_training_data(real_data, cfg, np.random.default_rng(cfg.seed))
    drawings, _ = drawing_inputs(x_train, y_train, len(x_train), seed=cfg.seed)  # the run's pool
    sample = statistics_sample(x_train, [(drawings, None, cfg.drawing_share)])
    half = STATISTICS_SAMPLE // 2
    assert (sample[:half] == drawings[:half]).all()
    assert (sample[half:] == x_train[half:STATISTICS_SAMPLE]).all()
    assert statistics_are_of(model, sample)
    assert not statistics_are_of(model, x_train[:STATISTICS_SAMPLE])  # the training images alone


def test_failed_save_keeps_the_good_file(tmp_path, monkeypatch, real_data):
    model = train(small_config(1), real_data).model
    path = tmp_path / "model.keras"
    save_model_atomic(model, path)
    good = path.read_bytes()

    def broken_save(self, filepath, *args, **kwargs):
        Path(filepath).write_bytes(b"half a model")
        raise KeyboardInterrupt  # as if the run were stopped mid-write

    monkeypatch.setattr(type(model), "save", broken_save)
    with pytest.raises(KeyboardInterrupt):
        save_model_atomic(model, path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]  # no temporary leftovers


def test_augmentation_keeps_shape_and_range():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (64, 28, 28), dtype=np.uint8)
    out = augment(images, rng, AugmentSettings())
    assert out.shape == images.shape and out.dtype == np.uint8
    assert not np.array_equal(out, images)
    shifted = augment(
        images,
        np.random.default_rng(1),
        AugmentSettings(flip_prob=0, erase_prob=0, silhouette_prob=0, max_shift=0),
    )
    assert np.array_equal(shifted, images)  # every augmentation off: unchanged


def test_each_pool_takes_its_share_of_each_epoch_with_its_targets():
    from fashion_cnn.training.fit import AugmentedBatches

    images = np.zeros((2000, 28, 28), np.uint8)
    labels = np.zeros(2000, np.uint8)
    drawings = (np.full((50, 28, 28), 200, np.uint8), np.eye(10)[np.full(50, 7)], 0.25)
    outliers = (np.full((30, 28, 28), 100, np.uint8), np.full((30, 10), 0.1), 0.15)
    cfg = TrainConfig(augment=False, batch_size=500)
    batches = AugmentedBatches(images, labels, cfg, np.random.default_rng(0), [drawings, outliers])
    for _ in range(2):  # a fresh draw each epoch
        top = batches.x.reshape(2000, -1).max(axis=1)
        drawn, other = top == 200, top == 100
        assert 0.2 < drawn.mean() < 0.3 and 0.1 < other.mean() < 0.2
        assert (batches.y[drawn].argmax(axis=1) == 7).all()
        assert np.allclose(batches.y[other], 0.1)  # outlier exposure: even targets
        assert (batches.y[~drawn & ~other].argmax(axis=1) == 0).all()
        batches.on_epoch_end()


def test_init_from_starts_at_the_given_weights(tmp_path, real_data):
    model = train(small_config(3), real_data).model
    path = tmp_path / "start.keras"
    model.save(path)
    again = replace(small_config(4), init_from=str(path), learning_rate=1e-9, train_subset=256)
    tuned = train(again, real_data).model
    # Learning rate ~0: the trainable weights stay those of the file (batch norm's moving
    # statistics still follow the new batches).
    for start, end in zip(model.trainable_weights, tuned.trainable_weights, strict=True):
        assert np.allclose(np.asarray(start), np.asarray(end), atol=1e-4)
    fresh = train(replace(again, init_from=""), real_data).model
    first = np.asarray(model.trainable_weights[0])
    assert not np.allclose(np.asarray(fresh.trainable_weights[0]), first)


def test_settings_are_declared_once_in_train_config():
    """train_model.py's flags come from TrainConfig: with none given, its defaults."""
    from dataclasses import replace

    import train_model
    from fashion_cnn.common.settings import TrainConfig, flag_fields, form_fields

    args = train_model.parse_args([])
    assert train_model.config_from_args(args) == replace(TrainConfig(), jit_compile=True)
    args = train_model.parse_args(["--learning-rate", "0.02", "--no-augment", "--epochs", "3"])
    cfg = train_model.config_from_args(args)
    assert (cfg.learning_rate, cfg.augment, cfg.epochs) == (0.02, False, 3)
    # Every form field is also a flag, and declares what the form needs to draw it.
    assert {f.name for f in form_fields()} <= {f.name for f in flag_fields()}
    for f in form_fields():
        assert {"label", "help", "kind"} <= set(f.metadata), f.name
        assert getattr(TrainConfig(), f.name) is not None
