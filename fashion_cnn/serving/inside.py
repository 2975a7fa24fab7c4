"""Inside the CNN: what each layer makes of one image, and which features voted for a class.

Everything comes from the exported model's named outputs and metadata (fashion_cnn.common.contract),
so it runs without TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fashion_cnn.common import config
from fashion_cnn.serving.predictor import Predictor

# One or two plain sentences per kind of step, for someone new to CNNs; a convolution's
# and a pooling's are made per layer (`conv_explanation`, `pool_explanation`).
EXPLANATIONS = {
    "input": "The image as the network gets it: 28×28 brightness values, 0 (black) to 255.",
    "global_average": "Global average pooling turns each final map into one number, its "
    "mean: how much of that feature the whole image holds.",
    "dense": "The dense layer weighs those numbers into one score per class (a logit, in "
    "machine-learning terms): the higher, the likelier the class.",
    "softmax": "Softmax turns the ten scores into probabilities that add up to 100%.",
}


KERNEL = 3  # every preset's convolutions are 3×3, stride 1 (common.architectures)
NORMALISED = (
    " Batch normalisation then rescales each map, and ReLU sets its negative values to zero."
)


def conv_explanation(index: int, depth_in: int, depth: int, field: int) -> str:
    """The `index`th convolution (from 1) in words: what its filters weigh, and how much of
    the 28×28 input one of its values depends on (its receptive `field`, in pixels)."""
    sees = (
        "the whole image: features as large as the garment"
        if field >= config.IMAGE_SIZE
        else f"{field}×{field} pixels of the input"
    )
    if index == 1:
        return (
            f"Each of its {depth} maps is one learned {KERNEL}×{KERNEL} filter slid over the "
            "image: bright where its pattern (an edge, a corner, a patch of light) is. One "
            f"value sees {sees}." + NORMALISED
        )
    return (
        f"Each of its {depth} maps is one learned {KERNEL}×{KERNEL}×{depth_in} filter: it "
        f"weighs all {depth_in} maps of the layer before, so it finds patterns made of their "
        f"patterns. One value now sees {sees}. Then batch normalisation and ReLU, as after "
        "the 1st."
    )


def pool_explanation(size_in: int, size: int) -> str:
    factor = size_in // size
    return (
        f"Max pooling keeps the strongest value of each {factor}×{factor} square: "
        f"{size_in}×{size_in} becomes {size}×{size}, so the filters after it see a wider "
        "part of the garment for the same work."
    )


@dataclass(frozen=True)
class Step:
    """One step from input to answer, as the page shows it."""

    name: str
    kind: str
    shape: tuple[int, ...]
    maps: np.ndarray | None = None  # (C, H, W) activations, for the input and convolutions
    explanation: str = ""  # a sentence or two for someone new to CNNs

    @property
    def shape_text(self) -> str:
        return " × ".join(str(d) for d in self.shape)


def steps(predictor: Predictor, image: np.ndarray) -> list[Step]:
    """Input, each convolution (its maps) and pooling, then global average, dense, softmax.
    Each convolution's explanation says how far it sees: its receptive field grows by
    KERNEL - 1 input steps per convolution, and each pooling widens the step."""
    activations = predictor.activations(image)
    size = config.IMAGE_SIZE
    pixels = np.asarray(image, np.float32)[None]
    input_step = Step("input", "input", (size, size, 1), pixels, EXPLANATIONS["input"])
    found, depth, field, step = [input_step], 1, 1, 1
    for layer in predictor.metadata["layers"]:
        kind, name, shape = layer["kind"], layer["name"], tuple(layer["shape"])
        if kind == "conv":
            maps = activations[name]
            field += (KERNEL - 1) * step
            convs = sum(s.kind == "conv" for s in found) + 1
            said = conv_explanation(convs, depth, len(maps), field)
            found.append(Step(name, kind, (*maps.shape[1:], len(maps)), maps, said))
            depth, size = len(maps), maps.shape[1]
        elif kind == "max_pool":
            factor = size // shape[0]
            field, step = field + (factor - 1) * step, step * factor
            found.append(Step(name, kind, shape, explanation=pool_explanation(size, shape[0])))
            size = shape[0]
        elif kind in ("global_average", "dense"):
            found.append(Step(name, kind, shape, explanation=EXPLANATIONS[kind]))
    found.append(Step("softmax", "softmax", (config.NUM_CLASSES,), None, EXPLANATIONS["softmax"]))
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
