"""The reading graph: an exported twin pruned to probabilities and features and quantised
to 8-bit integers, the graph every classification runs (fashion_cnn.serving.predictor).

Static quantisation by ONNX Runtime (QDQ, weights per channel), calibrated on training
images in the forms the model reads: product photos, and for a CNN trained on drawings
also drawn and styled garments. On this machine's CPU (AVX-512 VNNI) it reads 2.2-2.4
times the images per second of the float graph, with the same test accuracy
(docs/benchmarks.md). The float twin stays for what the app shows inside the CNN: its
convolutions' maps.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fashion_cnn.common.contract import FEATURES, INPUT, METADATA_KEY
from fashion_cnn.serving.predictor import READING_OUTPUTS, Predictor, pruned

# Min-max ranges over this many images; 2,048 gave 94.60% on the test split, 4,096 94.64%
# (the one choice made there: docs/benchmarks.md, the reading graph).
CALIBRATION_IMAGES = 4096
CALIBRATION_BATCH = 256


def calibration_images(data, drawn: bool, count: int = CALIBRATION_IMAGES) -> np.ndarray:
    """Training images to measure the activations' ranges on, seeded: photos only, or for a
    CNN that reads drawings (`drawn`) half photos, a quarter drawn, a quarter styled."""
    rng = np.random.default_rng(0)
    photos = data.x_train[rng.choice(len(data.x_train), count // 2 if drawn else count, False)]
    if not drawn:
        return photos
    from fashion_cnn.training.drawings import drawing_inputs
    from fashion_cnn.training.styles import style_inputs

    quarter = count // 4
    drawn_garments = drawing_inputs(data.x_train, data.y_train, quarter, seed=11)[0]
    styled = style_inputs(data.x_train, data.y_train, quarter, seed=12)[0]
    return np.concatenate([photos, drawn_garments, styled])


def reading_graph(onnx: bytes, data, drawn: bool, count: int = 0) -> bytes:
    """The reading graph of the twin `onnx`, calibrated on `count` (default
    CALIBRATION_IMAGES) training images in the forms it reads (`calibration_images`)."""
    return quantized(onnx, calibration_images(data, drawn, count or CALIBRATION_IMAGES))


@dataclass(frozen=True)
class ServedGraphs:
    """What the app runs of a Keras model, and how it did on the test split."""

    onnx: bytes  # the float twin
    reading: bytes  # the int8 reading graph
    metrics: dict  # the reading graph's test metrics (evaluate_probabilities)
    card_block: dict  # the model card's `reading_graph` (`reading_block`)


def served_graphs(model, data, drawn: bool, limit: int = 0, calibration: int = 0) -> ServedGraphs:
    """Export `model`'s twin, quantise it (`calibration` images, default
    CALIBRATION_IMAGES; `drawn`: a CNN that reads drawings) and measure both on the test
    split (`limit` > 0: its first `limit` images). Writes nothing."""
    from fashion_cnn.training.export import onnx_bytes
    from fashion_cnn.training.fit import evaluate_on_test

    onnx = onnx_bytes(model)
    reading = reading_graph(onnx, data, drawn, calibration)
    metrics = evaluate_on_test(onnx, data, limit, reading)
    return ServedGraphs(onnx, reading, metrics, reading_block(onnx, reading, data, limit))


def reading_block(onnx: bytes, reading: bytes, data, limit: int = 0) -> dict:
    """The model card's account of a reading graph: its size, its calibration and the
    twin's own test accuracy beside it (the card's `test_accuracy` is the reading graph's)."""
    x, y = (data.x_test[:limit], data.y_test[:limit]) if limit else (data.x_test, data.y_test)
    twin = Predictor(onnx, "twin").probabilities(x).argmax(axis=1)
    return {
        "bytes": len(reading),
        "format": "int8, QDQ, weights per channel (ONNX Runtime static quantisation)",
        "calibration_images": json.loads(metadata_of(reading))["calibration_images"],
        "twin_test_accuracy": round(float(np.mean(twin == y)), 4),
    }


def quantized(onnx: bytes, images: np.ndarray) -> bytes:
    """The twin `onnx` pruned to probabilities and features, quantised to int8 with ranges
    measured on `images` (N, 28, 28) uint8; its metadata is the twin's, plus the twin's
    SHA-256 (`quantized_from`), so a stale one is never run with newer weights."""
    import onnx as onnx_lib
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    x = np.asarray(images, np.float32)[..., None]

    class Batches(CalibrationDataReader):
        def __init__(self):
            self.batches = iter(
                [{INPUT: x[i : i + CALIBRATION_BATCH]} for i in range(0, len(x), CALIBRATION_BATCH)]
            )

        def get_next(self):
            return next(self.batches, None)

    with tempfile.TemporaryDirectory() as folder:
        source, ready, target = (Path(folder) / f"{n}.onnx" for n in ("float", "ready", "int8"))
        source.write_bytes(pruned(onnx, READING_OUTPUTS))
        quant_pre_process(str(source), str(ready), skip_symbolic_shape=True)  # shapes known
        classifier = after_features(onnx_lib.load(str(ready)).graph)  # its nodes, fused
        quantize_static(
            str(ready),
            str(target),
            Batches(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=classifier,
        )
        proto = onnx_lib.load(str(target))
    meta = json.loads(metadata_of(onnx))
    meta["quantized_from"] = hashlib.sha256(onnx).hexdigest()
    meta["calibration_images"] = len(x)
    del proto.metadata_props[:]
    entry = proto.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(meta)
    return proto.SerializeToString()


def after_features(graph) -> list[str]:
    """The nodes that make the probabilities from the features (the dense layer, softmax):
    left in float, so that the probabilities are the softmax of the features times the
    classifier's weights, as Inside the CNN and the reading of drawings compute them."""
    reached, names = {FEATURES}, []
    for node in graph.node:  # in topological order
        if reached.intersection(node.input):
            reached.update(node.output)
            names.append(node.name)
    return names


def metadata_of(onnx: bytes) -> str:
    """The app's metadata entry of an exported twin (JSON text)."""
    import onnx as onnx_lib

    proto = onnx_lib.load_from_string(onnx)
    return next(p.value for p in proto.metadata_props if p.key == METADATA_KEY)
