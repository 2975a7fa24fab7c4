"""Is a classification confident, unsure, or not of a garment at all?

Out-of-distribution inputs are caught on the CNN's own penultimate features: the
Mahalanobis distance to the nearest class mean under one shared covariance (Lee et al.
2018, "A simple unified framework for detecting out-of-distribution samples"). The class
means and the whitening matrix are fitted on training images; the threshold is the
distance that a chosen share of held-out training images stays under. They live in the
model card, beside the rates they gave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fashion_cnn.common.config import CLASS_NAMES

CONFIDENT, UNSURE, NOT_A_GARMENT = "confident", "unsure", "not_a_garment"
UNSURE_BELOW = 0.5  # top probability under this: two or more classes are close
SPARSE_INK = 0.04  # under 4% of the 28x28 lit: too little shape to be a garment
INK_LEVEL = 40
KEEP_SHARE = 0.97  # of held-out training images under the distance threshold
SPARSE_HINT = "Not a garment, it seems: very little shape reached the model."
FAR_HINT = "Not a garment, it seems: it looks like none of the clothes the CNN learned from."


@dataclass(frozen=True)
class Verdict:
    kind: str  # CONFIDENT, UNSURE or NOT_A_GARMENT
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
        z = np.asarray(features, np.float64).reshape(len(features), -1) @ self.whitening
        gaps = z[:, None, :] - self.whitened_means[None, :, :]
        return np.einsum("nkc,nkc->nk", gaps, gaps).min(axis=1)

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


def verdicts(
    probabilities: np.ndarray,
    images: np.ndarray,
    features: np.ndarray | None = None,
    detector: GarmentDetector | None = None,
) -> list[Verdict]:
    """One verdict per classified image: not a garment when the 28x28 input holds too
    little shape or (with a detector) its features lie far from every class; otherwise
    confident or unsure by the probabilities."""
    if not len(probabilities):
        return []
    images = np.asarray(images).reshape(len(probabilities), -1)
    sparse = (images > INK_LEVEL).mean(axis=1) < SPARSE_INK
    far = np.zeros(len(probabilities), bool)
    if detector is not None and features is not None:
        far = detector.distances(features) > detector.distance_above
    return [
        Verdict(NOT_A_GARMENT, SPARSE_HINT)
        if is_sparse
        else Verdict(NOT_A_GARMENT, FAR_HINT)
        if is_far
        else judge_confidence(p)
        for p, is_sparse, is_far in zip(probabilities, sparse, far, strict=True)
    ]


def judge_confidence(probabilities: np.ndarray) -> Verdict:
    """Confident, or unsure when no class reaches UNSURE_BELOW (for any model)."""
    order = np.argsort(probabilities)[::-1]
    if probabilities[order[0]] >= UNSURE_BELOW:
        return Verdict(CONFIDENT, None)
    first, second = (f"{CLASS_NAMES[i]} ({probabilities[i]:.0%})" for i in order[:2])
    return Verdict(UNSURE, f"The model is unsure: {first} or {second}.")
