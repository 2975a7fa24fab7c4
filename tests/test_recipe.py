"""A run's recipe in a link: settings to query parameters and back, bad values refused."""

from __future__ import annotations

from fashion_cnn.common.settings import TrainConfig
from fashion_cnn.ui.recipe import from_query, to_query

DEFAULTS = TrainConfig(architecture="tiny", epochs=5, optimizer="adam", learning_rate=3e-3)


def test_settings_round_trip_through_a_link():
    cfg = TrainConfig(
        architecture="studio",
        epochs=12,
        batch_size=256,
        learning_rate=0.01,
        augment=False,
        dropout=0.25,
        validation_split=0.1,
        train_subset=5000,
    )
    back, wrong, clashes = from_query(to_query(cfg), DEFAULTS)
    assert wrong == [] and clashes == []
    assert to_query(back) == to_query(cfg)
    assert back.augment is False and back.epochs == 12 and back.learning_rate == 0.01


def test_bad_values_are_named_and_keep_the_defaults():
    params = {
        "epochs": "9999",
        "learning_rate": "lots",
        "architecture": "resnet",
        "augment": "maybe",
        "batch_size": "100",
        "dropout": "0.3",
        "seed": "7",
    }
    cfg, wrong, _ = from_query(params, DEFAULTS)
    assert sorted(wrong) == [
        "architecture=resnet",
        "augmentation (augment=maybe)",
        "batch size (batch_size=100)",
        "epochs=9999",
        "learning rate (learning_rate=lots)",
    ]
    assert (cfg.epochs, cfg.learning_rate, cfg.architecture) == (5, 3e-3, "tiny")
    assert cfg.dropout == 0.3  # a good value in the same link still applies
    assert cfg.seed == DEFAULTS.seed  # not a form setting: links do not set it


def test_settings_that_cannot_train_together_are_named_not_raised():
    params = {"early_stopping": "3", "validation_split": "0.0", "epochs": "7"}
    cfg, wrong, clashes = from_query(params, DEFAULTS)  # DEFAULTS hold no validation share
    assert wrong == [] and len(clashes) == 1
    assert clashes[0].startswith(
        "early stopping patience (early_stopping) cannot train with the link's other settings"
    )
    assert "needs a validation share above 0" in clashes[0]
    assert cfg.early_stopping == 0 and cfg.epochs == 7
