"""Is a classification confident, in an unusual style, unsure, perhaps not of a garment,
or not of a garment at all?

Two questions, two measures, each calibrated on training and development data only:
- Does the picture look like the product photos the bundled CNN learned from? The
  Mahalanobis distance of its penultimate features to the nearest class mean under one
  shared covariance (Lee et al. 2018), fitted on training images (`GarmentDetector`).
  Drawings, icons and emoji mostly do not, garments or not: the distance measures style.
- Does it show a garment at all? The CNN for drawings and icons was trained with outlier
  exposure (Hendrycks et al. 2019: even probabilities on pictures of other things), so the
  energy of its logits, logsumexp (Liu et al. 2020), is low where it sees no garment
  (`GarmentGate`).
A drawing or upload unlike the product photos is read by the CNN for drawings and icons,
whose clear answers on such pictures are mostly right (on the held-out sets, 125 of 127
garments): its verdict says "unusual style", not "unsure", with a hint that says why. A
dataset image as far is unsure (the bundled CNN reads it, and less often right). A weak
energy says "perhaps not a garment"; "not a garment" needs it weaker still. The fitted
thresholds live in the model cards, beside the rates they gave; the fixed ones are the
constants below, which a card records only as the values it was calibrated with (editing
them there changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from fashion_cnn.common.config import CLASS_NAMES

CONFIDENT, UNSURE, NOT_A_GARMENT = "confident", "unsure", "not_a_garment"
UNUSUAL_STYLE = "unusual_style"  # read clearly, in a style unlike the product photos
PERHAPS_NOT = "perhaps_not_a_garment"  # a weak garment score: read, with that doubt
KINDS = (CONFIDENT, UNUSUAL_STYLE, UNSURE, PERHAPS_NOT, NOT_A_GARMENT)  # from the most sure
FLAGGED = (UNSURE, PERHAPS_NOT, NOT_A_GARMENT)  # not given as a garment with confidence
UNSURE_BELOW = 0.5  # top probability under this: two or more classes are close
SPARSE_INK = 0.04  # under 4% of the 28x28 lit: too little shape to be a garment
INK_LEVEL = 40
KEEP_SHARE = 0.97  # of held-out training images under the distance threshold
SPARSE_HINT = "Not a garment, it seems: very little shape reached the model."
FAR_HINT = "Not a garment, it seems: it looks like none of the clothes the CNN learned from."
# True of a dataset image too (the API's `pixels`): about 3% lie as far (KEEP_SHARE);
# Classify words a test image's doubt its own way (ui.wording.test_image_hint).
STYLE_GUESS = " (an unusual photo, a drawing, an icon?)"  # what the picture may be
STYLE_HINT = (
    "It looks unlike most of the product photos the CNN learned from" + STYLE_GUESS + ": take "
    "{reading} with care."
)
STYLE_NOTE = (
    "It looks unlike most of the product photos the CNN learned from" + STYLE_GUESS + ": the "
    "CNN for drawings and icons read it."
)
LOW_ENERGY_HINT = "Not a garment, it seems: the CNN sees no garment it knows in it."
# The reading's share is of the garment classes only: high beside a weak score ("Bag (69%)")
MAYBE_HINT = (
    "Perhaps not a garment: the CNN sees little of any garment it knows in it; if it is one, "
    "{reading}."
)
GATE_KEEPS = 0.99  # of styled, drawn and plain training garments above the threshold


@dataclass(frozen=True)
class Verdict:
    kind: str  # one of KINDS
    hint: str | None  # one line saying why; None when confident


@dataclass(frozen=True)
class GarmentDetector:
    """Mahalanobis distance on penultimate features, and the verdict's thresholds."""

    whitened_means: np.ndarray  # (10, C): class means times the whitening matrix
    whitening: np.ndarray  # (C, C): W with W W^T = inverse shared covariance
    distance_above: float  # squared distance from which an input is not a garment

    @classmethod
    def fit(cls, features: np.ndarray, labels: np.ndarray, held_out: np.ndarray) -> GarmentDetector:
        """Class means and shared covariance from `features`; the threshold from the
        distances of `held_out` features (other images of the same split)."""
        features = np.asarray(features, np.float64)
        means = np.stack([features[labels == k].mean(axis=0) for k in np.unique(labels)])
        centred = features - means[labels]
        covariance = centred.T @ centred / len(features)
        covariance += np.eye(len(covariance)) * 1e-6 * np.trace(covariance) / len(covariance)
        whitening = np.linalg.cholesky(np.linalg.inv(covariance))
        detector = cls(means @ whitening, whitening, float("inf"))
        threshold = float(np.quantile(detector.distances(held_out), KEEP_SHARE))
        return cls(detector.whitened_means, whitening, threshold)

    def distances(self, features: np.ndarray) -> np.ndarray:
        """(N,) squared Mahalanobis distance of each feature vector to its nearest class."""
        width = len(self.whitening)  # not -1: an empty batch has no width to infer
        z = np.asarray(features, np.float64).reshape(len(features), width) @ self.whitening
        means = self.whitened_means  # |z - m|^2 = |z|^2 - 2 z.m + |m|^2: matrix products
        squared = (z * z).sum(axis=1)[:, None] - 2 * z @ means.T + (means * means).sum(axis=1)
        return np.maximum(squared.min(axis=1), 0.0)

    def as_card(self, rates: dict | None = None) -> dict:
        """JSON-ready, for the model card."""
        return {
            "method": "Mahalanobis distance on penultimate features (Lee et al. 2018)",
            "distance_above": round(self.distance_above, 4),
            "unsure_below": UNSURE_BELOW,
            "sparse_ink_below": SPARSE_INK,
            "keep_share": KEEP_SHARE,
            "whitened_means": self.whitened_means.round(6).tolist(),
            "whitening": self.whitening.round(7).tolist(),
            "rates": rates or {},
        }

    @classmethod
    def from_card(cls, card: dict) -> GarmentDetector | None:
        """The detector a model card describes, or None where it has none."""
        block = card.get("verdict")
        if not block:
            return None
        return cls(
            np.asarray(block["whitened_means"], np.float64),
            np.asarray(block["whitening"], np.float64),
            float(block["distance_above"]),
        )


@dataclass(frozen=True)
class GarmentGate:
    """Garment or not, by the energy of the CNN for drawings and icons' logits."""

    not_a_garment_below: float  # energy under this: not a garment
    unsure_below: float  # under this: perhaps not one (unsure)

    def as_card(self, rates: dict | None = None) -> dict:
        return {
            "method": "energy (logsumexp of logits) after outlier exposure (Liu et al. 2020)",
            "not_a_garment_below": self.not_a_garment_below,  # unrounded: ties sit on it
            "unsure_below": self.unsure_below,
            "rates": rates or {},
        }

    @classmethod
    def from_card(cls, card: dict) -> GarmentGate | None:
        block = card.get("garment_gate")
        if not block:
            return None
        return cls(float(block["not_a_garment_below"]), float(block["unsure_below"]))


def energies(logits: np.ndarray) -> np.ndarray:
    """(N,) logsumexp of each row of logits: high where the CNN sees a garment it knows."""
    return logsumexp(logits, axis=1)


def verdicts(
    probabilities: np.ndarray,
    images: np.ndarray,
    far: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    gate: GarmentGate | None = None,
    viewed: np.ndarray | None = None,
) -> list[Verdict]:
    """One verdict per classified image. Not a garment when the 28x28 input holds too
    little shape. With a gate and its `scores` (energies; NaN where not measured): not a
    garment under its threshold; perhaps not one when the energy is weak; where it lies
    `far` from the product photos (the detector's distance, per image), an unusual style
    if it was `viewed` (a drawing or upload, read in views) and one class is clear, else
    unsure; otherwise confident or unsure by the probabilities. Without a gate, far from
    the product photos means not a garment."""
    if not len(probabilities):
        return []
    images = np.asarray(images).reshape(len(probabilities), -1)
    sparse = (images > INK_LEVEL).mean(axis=1) < SPARSE_INK
    far = np.zeros(len(probabilities), bool) if far is None else np.asarray(far, bool)
    if gate is None or scores is None:
        return [
            Verdict(NOT_A_GARMENT, SPARSE_HINT if is_sparse else FAR_HINT)
            if is_sparse or is_far
            else judge_confidence(p)
            for p, is_sparse, is_far in zip(probabilities, sparse, far, strict=True)
        ]
    viewed = np.broadcast_to(np.asarray(False if viewed is None else viewed, bool), len(far))
    return [
        gated(p, is_sparse, is_far, score, gate, in_views)
        for p, is_sparse, is_far, score, in_views in zip(
            probabilities, sparse, far, scores, viewed, strict=True
        )
    ]


def gated(
    probabilities: np.ndarray, sparse: bool, far: bool, score: float, gate, viewed: bool = False
) -> Verdict:
    """One verdict with the gate's energy (see `verdicts`); a NaN energy (not measured: a
    product photo the bundled CNN reads with confidence) leaves it to the probabilities."""
    reading = f"{CLASS_NAMES[int(np.argmax(probabilities))]} ({probabilities.max():.0%})"
    if sparse:
        return Verdict(NOT_A_GARMENT, SPARSE_HINT)
    if np.isnan(score):
        return judge_confidence(probabilities)
    if score < gate.not_a_garment_below:
        return Verdict(NOT_A_GARMENT, LOW_ENERGY_HINT)
    if score < gate.unsure_below:
        return Verdict(PERHAPS_NOT, MAYBE_HINT.format(reading=reading))
    if far and viewed and probabilities.max() >= UNSURE_BELOW:
        return Verdict(UNUSUAL_STYLE, STYLE_NOTE)
    if far and not viewed:
        return Verdict(UNSURE, STYLE_HINT.format(reading=reading))
    return judge_confidence(probabilities)


def judge_confidence(probabilities: np.ndarray) -> Verdict:
    """Confident, or unsure when no class reaches UNSURE_BELOW (for any model)."""
    order = np.argsort(probabilities)[::-1]
    if probabilities[order[0]] >= UNSURE_BELOW:
        return Verdict(CONFIDENT, None)
    first, second = (f"{CLASS_NAMES[i]} ({probabilities[i]:.0%})" for i in order[:2])
    return Verdict(UNSURE, f"The model is unsure: {first} or {second}.")
