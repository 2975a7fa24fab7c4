"""Fitting the verdict's out-of-distribution detector (fashion_cnn.serving.verdict) for a
model, on the training split only, and storing it in the model card."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from fashion_cnn.common.contract import model_card_path, read_model_card
from fashion_cnn.common.files import write_bytes_atomic
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.serving.verdict import GarmentDetector

HELD_OUT = 5000  # training images kept out of the fit, to set the threshold


def calibrate(
    features: Callable[[np.ndarray], np.ndarray], images: np.ndarray, labels: np.ndarray
) -> GarmentDetector:
    """A detector for a model, from its `features` of a split's images (the training
    split: the test split is never used to tune). A seeded share is held out."""
    order = np.random.default_rng(0).permutation(len(images))
    held, fitted = order[:HELD_OUT], order[HELD_OUT:]
    return GarmentDetector.fit(features(images[fitted]), labels[fitted], features(images[held]))


def calibrated_card(predictor, data) -> tuple[GarmentDetector, dict]:
    """A detector for `predictor` calibrated on the training split, and its model card
    block with the share of test images it calls not a garment."""
    detector = calibrate(predictor.features, data.x_train, data.y_train)
    test = detector.distances(predictor.features(data.x_test)) > detector.distance_above
    return detector, detector.as_card({"test_not_a_garment": round(float(test.mean()), 4)})


def write_detector(keras_path: Path, data) -> GarmentDetector:
    """Calibrate the detector of the model beside `keras_path` (through its exported twin)
    and store it, with the rate it gives, in the model card."""
    detector, block = calibrated_card(Predictor.load(keras_path), data)
    card = read_model_card(keras_path)
    card["verdict"] = block
    write_bytes_atomic(json.dumps(card, indent=1).encode(), model_card_path(keras_path))
    return detector
