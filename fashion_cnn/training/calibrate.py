"""Fitting the verdict's measures (fashion_cnn.serving.verdict) for a model, on the
training split only, and storing them in the model card: the distance from the product
photos (`GarmentDetector`) and, for a CNN trained with outlier exposure, the energy
thresholds of garment or not (`GarmentGate`)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from fashion_cnn.common.contract import model_card_path, read_model_card
from fashion_cnn.common.files import write_bytes_atomic
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.serving.preprocess import ImageInputError, open_image, preprocess
from fashion_cnn.serving.verdict import GATE_KEEPS, GarmentDetector, GarmentGate, energies
from fashion_cnn.training.styles import development_garment_files

HELD_OUT = 5000  # training images kept out of the fit, to set the threshold
GATE_SAMPLE = 3000  # training garments per form (as they are, drawn, styled) for the gate
UNSURE_KEEPS = 0.9  # of those garments above the gate's "perhaps not" threshold


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


def write_detector(keras_path: Path, data, icons: Path | None = None) -> GarmentDetector:
    """Calibrate the detector of the model beside `keras_path` (through its exported twin),
    and its gate if it was trained with outlier exposure, and store them, with the rates
    they give, in the model card; `icons`: a development set's manifest.csv for the gate
    (default: the one the model was trained with, where it is on disk)."""
    predictor = Predictor.load(keras_path)
    detector, block = calibrated_card(predictor, data)
    card = read_model_card(keras_path)
    card["verdict"] = block
    settings = card.get("training_settings", {})
    if settings.get("outlier_share"):  # it learned other things: its gate too
        trained_with = Path(settings.get("garment_icons") or "")
        icons = icons or (trained_with if trained_with.is_file() else None)
        card["garment_gate"] = calibrate_gate(predictor, data, icons)[1]
    write_bytes_atomic(json.dumps(card, indent=1).encode(), model_card_path(keras_path))
    return detector


def garment_energies(
    reader: Predictor, data, seed: int = 7, icons: Path | None = None
) -> dict[str, np.ndarray]:
    """The reader's energies of garments in the forms visitors bring: training garments as
    they are, drawn on the canvas and in icon styles (fresh renderings: a seed no training
    run uses), and with `icons` (a development set's manifest.csv) its `dev` garment icons,
    read as uploads are."""
    from fashion_cnn.training.drawings import drawing_inputs  # only the gate needs them
    from fashion_cnn.training.styles import stylise

    rng = np.random.default_rng(seed)
    picked = rng.choice(len(data.x_train), GATE_SAMPLE, replace=False)
    images, labels = data.x_train[picked], data.y_train[picked]
    drawn, _ = drawing_inputs(images, labels, GATE_SAMPLE, seed)
    forms = {
        "as_they_are": energies(reader.reader_logits(images, False)),
        "drawn": energies(reader.reader_logits(drawn, True)),
        "styled": read_energies(reader, [stylise(image, rng) for image in images]),
    }
    if icons:
        forms["development_icons"] = read_energies(reader, development_icons(Path(icons)))
    return forms


def development_icons(manifest: Path) -> list[Image.Image]:
    """The `dev` garment icons of a development set, in every style (never a held-out
    source)."""
    return [open_image(path.read_bytes()) for path, _ in development_garment_files(manifest)]


def read_energies(reader: Predictor, pictures: list) -> np.ndarray:
    """The reader's energies of pictures read as uploads are (unreadable ones left out)."""
    done = []
    for picture in pictures:
        with contextlib.suppress(ImageInputError):
            done.append(preprocess(picture, "auto"))
    if not done:
        return np.zeros(0)
    images = np.stack([pre.image for pre in done])
    return energies(reader.reader_logits(images, True))  # as every upload is read


def calibrate_gate(reader: Predictor, data, icons: Path | None = None) -> tuple[GarmentGate, dict]:
    """The gate of a CNN trained with outlier exposure: "not a garment" under the energy
    that GATE_KEEPS of the garments of every form stay above (see `garment_energies`),
    "perhaps not" under the one that UNSURE_KEEPS of them all, pooled, stay above; and
    its card block with the share of each form and of the test images under the first."""
    forms = {k: e for k, e in garment_energies(reader, data, icons=icons).items() if len(e)}
    not_below = min(float(np.quantile(e, 1 - GATE_KEEPS)) for e in forms.values())
    pooled = np.concatenate(list(forms.values()))
    gate = GarmentGate(not_below, max(not_below, float(np.quantile(pooled, 1 - UNSURE_KEEPS))))
    test = energies(reader.reader_logits(data.x_test, False)) < gate.not_a_garment_below
    rates = {
        f"{name}_not_a_garment": round(float(np.mean(e < not_below)), 4)
        for name, e in forms.items()
    }
    return gate, gate.as_card({"test_not_a_garment": round(float(test.mean()), 4), **rates})
