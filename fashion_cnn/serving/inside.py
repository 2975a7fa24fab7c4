"""Inside the CNN: what each layer makes of one image, and which features voted for a class.

Everything comes from the exported model's named outputs and metadata (fashion_cnn.common.contract),
so it runs without TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fashion_cnn.common import config
from fashion_cnn.serving.predictor import Predictor

# One or two plain sentences per kind of step, for someone new to CNNs.
EXPLANATIONS = {
    "input": "The image as the network gets it: 28×28 brightness values, 0 (black) to 255.",
    "conv": (
        "Each map is one learned 3×3 filter slid over every position of the layer before: "
        "bright where the pattern it looks for is present. Batch normalisation then rescales "
        "each map, and ReLU sets its negative values to zero."
    ),
    "max_pool": "Max pooling keeps the strongest value of each 2×2 square: half the width "
    "and height, so later filters see a wider part of the garment.",
    "global_average": "Global average pooling turns each final map into one number, its "
    "mean: how much of that feature the whole image holds.",
    "dense": "The dense layer weighs those numbers into one score per class (a logit, in "
    "machine-learning terms): the higher, the likelier the class.",
    "softmax": "Softmax turns the ten scores into probabilities that add up to 100%.",
}


@dataclass(frozen=True)
class Step:
    """One step from input to answer, as the page shows it."""

    name: str
    kind: str
    shape: tuple[int, ...]
    maps: np.ndarray | None = None  # (C, H, W) activations, for the input and convolutions

    @property
    def explanation(self) -> str:
        return EXPLANATIONS[self.kind]

    @property
    def shape_text(self) -> str:
        return " × ".join(str(d) for d in self.shape)


def steps(predictor: Predictor, image: np.ndarray) -> list[Step]:
    """Input, each convolution (its maps) and pooling, then global average, dense, softmax."""
    activations = predictor.activations(image)
    size = config.IMAGE_SIZE
    found = [Step("input", "input", (size, size, 1), np.asarray(image, np.float32)[None])]
    for layer in predictor.metadata["layers"]:
        kind, name = layer["kind"], layer["name"]
        if kind == "conv":
            maps = activations[name]
            found.append(Step(name, "conv", (maps.shape[1], maps.shape[2], maps.shape[0]), maps))
        elif kind in ("max_pool", "global_average", "dense"):
            found.append(Step(name, kind, tuple(layer["shape"])))
    found.append(Step("softmax", "softmax", (config.NUM_CLASSES,)))
    return found


def most_active(maps: np.ndarray) -> np.ndarray:
    """Channel indices, the strongest mean activation first."""
    return np.argsort(maps.reshape(len(maps), -1).mean(axis=1))[::-1]


def channel_contributions(predictor: Predictor, features: np.ndarray, class_index: int):
    """Each final channel's share of a class's logit: its weight times its average
    activation. They add up to the logit minus the class's bias."""
    weights, _ = predictor.classifier
    return weights[:, class_index] * np.asarray(features, np.float32)


def logits(predictor: Predictor, features: np.ndarray) -> np.ndarray:
    """The ten class scores before softmax, from the penultimate features."""
    weights, bias = predictor.classifier
    return np.asarray(features, np.float32) @ weights + bias


def first_filters(predictor: Predictor) -> np.ndarray:
    """The first convolution's learned 3×3 filters, (C, 3, 3)."""
    return np.asarray(predictor.metadata["first_filters"], np.float32)


def to_gray(values: np.ndarray, symmetric: bool = False) -> np.ndarray:
    """Values scaled to uint8 for display: 0-max, or around a mid-grey zero if symmetric."""
    values = np.asarray(values, np.float32)
    if symmetric:
        top = max(float(np.abs(values).max()), 1e-8)
        return np.clip(127.5 + values / top * 127.5, 0, 255).astype(np.uint8)
    top = max(float(values.max()), 1e-8)
    return np.clip(values / top * 255.0, 0, 255).astype(np.uint8)
