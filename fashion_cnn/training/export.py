"""Export a Keras CNN to ONNX with named outputs, for the TensorFlow-free runtime.

The exported graph takes `pixels` (N, 28, 28, 1) float 0-255, as the `.keras` file does,
and gives, each by name, only what a caller asks for:

- `probabilities` (N, 10);
- `features` (N, C): the penultimate vector, after global average pooling;
- `feature_maps` (N, C, H, W): the last convolution's maps, for class activation maps;
- one output per convolution, named after it (`block1_conv1`, ...), channels first,
  after batch norm and ReLU: what the next layer sees.

The ONNX file's metadata carries what the runtime needs beyond the graph: the class
names, the layer table, the classifier's weights (CAM and channel contributions) and the
first convolution's filters. The `.keras` file stays the source of truth; TensorFlow is
needed here, never where the ONNX file is run.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from fashion_cnn.common import config
from fashion_cnn.common.contract import FEATURE_MAPS, FEATURES, INPUT, METADATA_KEY, PROBABILITIES
from fashion_cnn.common.files import write_bytes_atomic

OPSET = 17


def conv_layers(model) -> list:
    """The model's convolutions, input to output."""
    return [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]


def conv_output_layer(model, conv) -> object:
    """The layer whose output is the convolution's activation: its ReLU (after batch norm)."""
    relu = conv.name.replace("_conv", "_relu")
    names = {layer.name for layer in model.layers}
    return model.get_layer(relu) if relu in names else conv


def classifier_layer(model) -> object:
    """The final dense layer (global average pool -> dense is what CAM needs)."""
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    if len(dense) != 1 or not any(
        type(x).__name__ == "GlobalAveragePooling2D" for x in model.layers
    ):
        raise ValueError("only models ending in global average pooling -> one dense layer export")
    return dense[0]


def inspection_model(model):
    """The same weights with every output the app shows, convolutions channels first."""
    import keras
    from keras import layers

    outputs = {PROBABILITIES: model.output, FEATURES: model.get_layer("gap").output}
    convs = conv_layers(model)
    for conv in convs:
        activation = conv_output_layer(model, conv).output
        outputs[conv.name] = layers.Permute((3, 1, 2), name=f"{conv.name}_nchw")(activation)
    outputs[FEATURE_MAPS] = layers.Identity(name=FEATURE_MAPS)(outputs[convs[-1].name])
    probe = keras.Model(model.inputs, outputs, name=f"{model.name}_inspection")
    probe([np.zeros((1, config.IMAGE_SIZE, config.IMAGE_SIZE, 1), np.float32)])  # built
    return probe


def layer_table(model) -> list[dict]:
    """Each layer a visitor can see: name, kind and output shape (without the batch)."""
    kinds = {
        "Rescaling": "rescale",
        "Conv2D": "conv",
        "BatchNormalization": "batch_norm",
        "ReLU": "relu",
        "MaxPooling2D": "max_pool",
        "GlobalAveragePooling2D": "global_average",
        "Dropout": "dropout",
        "Dense": "dense",
        "InputLayer": "input",
    }
    return [
        {
            "name": layer.name,
            "kind": kinds.get(type(layer).__name__, type(layer).__name__),
            "shape": [int(d) for d in layer.output.shape[1:]],
        }
        for layer in model.layers
    ]


def metadata(model) -> dict:
    """What the runtime needs beyond the graph, JSON-ready."""
    dense = classifier_layer(model)
    weights, bias = (np.asarray(w, np.float64) for w in dense.get_weights())
    first = np.asarray(conv_layers(model)[0].get_weights()[0], np.float64)  # (3, 3, 1, C)
    return {
        "class_names": list(config.CLASS_NAMES),
        "model_name": model.name,
        "layers": layer_table(model),
        "conv_outputs": [conv.name for conv in conv_layers(model)],
        "classifier_weights": weights.round(7).tolist(),  # (C, 10)
        "classifier_bias": bias.round(7).tolist(),
        "first_filters": first[:, :, 0, :].transpose(2, 0, 1).round(6).tolist(),  # (C, 3, 3)
    }


def onnx_bytes(model) -> bytes:
    """The model as an ONNX file with named outputs and its metadata."""
    import tensorflow as tf
    import tf2onnx

    probe = inspection_model(model)
    spec = tf.TensorSpec((None, config.IMAGE_SIZE, config.IMAGE_SIZE, 1), tf.float32, INPUT)
    forward = tf.function(lambda pixels: probe([pixels], training=False), input_signature=[spec])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # tf2onnx and Keras' patch probe np.object
        from keras.src.export.tf2onnx_lib import patch_tf2onnx

        patch_tf2onnx()  # Keras' own fix for tf2onnx under NumPy 2, as model.export uses
        proto, _ = tf2onnx.convert.from_function(forward, input_signature=[spec], opset=OPSET)
    entry = proto.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(metadata(model))
    return proto.SerializeToString()


def export_onnx(model, path: Path) -> Path:
    """Write the ONNX twin of `model` to `path` atomically; returns the path."""
    write_bytes_atomic(onnx_bytes(model), path)
    return Path(path)
