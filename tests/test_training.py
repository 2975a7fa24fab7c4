"""Training: seeded runs reproduce, and a failed save never replaces a good model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fashion_cnn.augment import AugmentSettings, augment
from fashion_cnn.config import TrainConfig
from fashion_cnn.export import onnx_bytes
from fashion_cnn.training import evaluate_on_test, save_model_atomic, train


def small_config(seed: int) -> TrainConfig:
    return TrainConfig(
        architecture="tiny",
        epochs=1,
        optimizer="adam",
        learning_rate=3e-3,
        train_subset=2000,
        warmup_epochs=0,
        seed=seed,
    )


def test_seeded_runs_reproduce(real_data):
    scores = [
        evaluate_on_test(onnx_bytes(train(small_config(7), real_data).model), real_data, 2000)
        for _ in range(2)
    ]
    assert abs(scores[0]["accuracy"] - scores[1]["accuracy"]) <= 0.003


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


def test_settings_are_declared_once_in_train_config():
    """train_model.py's flags come from TrainConfig: with none given, its defaults."""
    from dataclasses import replace

    import train_model
    from fashion_cnn.config import TrainConfig, flag_fields, form_fields

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
