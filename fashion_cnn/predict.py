"""Classify preprocessed images and phrase what the result means."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fashion_cnn import config
from fashion_cnn.evaluation import Predictor

UNSURE_BELOW = 0.5  # top probability under this: say the model is unsure
SPARSE_INK = 0.04  # under 4% of the 28x28 lit: too little shape to be a garment


@dataclass(frozen=True)
class Classification:
    index: int
    label: str
    confidence: float
    probabilities: np.ndarray

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(config.CLASS_NAMES[i], float(self.probabilities[i])) for i in order]

    def as_dict(self, k: int = 3) -> dict:
        return {
            "index": self.index,
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "top": [{"label": name, "probability": round(p, 4)} for name, p in self.top(k)],
        }


def classify(predict: Predictor, images: np.ndarray) -> list[Classification]:
    """One Classification per 28x28 image, in a single model call."""
    probs = predict(np.asarray(images, np.float32).reshape(-1, 28, 28))
    return [
        Classification(int(p.argmax()), config.CLASS_NAMES[int(p.argmax())], float(p.max()), p)
        for p in probs
    ]


def hint(result: Classification, image: np.ndarray) -> str | None:
    """A warning when the answer deserves little trust, else None."""
    if (np.asarray(image) > 40).mean() < SPARSE_INK:
        return "This hardly looks like a garment: very little shape reached the model."
    if result.confidence < UNSURE_BELOW:
        (first, p1), (second, p2) = result.top(2)
        return f"The model is unsure: {first} ({p1:.0%}) or {second} ({p2:.0%})."
    return None
