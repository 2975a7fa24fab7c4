"""Grad-CAM: which parts of the image pushed the CNN towards a class (Selvaraju et al. 2017)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fashion_cnn import config

HeatmapFn = Callable[[np.ndarray, int], np.ndarray]


def last_conv_layer_name(model) -> str:
    """The last layer whose output is still a spatial feature map."""
    for layer in reversed(model.layers):
        if len(layer.output.shape) == 4 and "pool" not in layer.name:
            return layer.name
    raise ValueError("the model has no convolutional feature map")


def make_gradcam(model) -> HeatmapFn:
    """A traced function: (28x28 image, class index) -> 28x28 heatmap scaled 0-1."""
    import keras
    import tensorflow as tf

    features = model.get_layer(last_conv_layer_name(model)).output
    probe = keras.Model(model.inputs, [features, model.outputs[0]])
    spec = tf.TensorSpec([1, config.IMAGE_SIZE, config.IMAGE_SIZE, 1], tf.float32)

    @tf.function(input_signature=[spec, tf.TensorSpec([], tf.int32)])
    def cam(x, class_index):
        with tf.GradientTape() as tape:
            maps, probs = probe(x, training=False)
            score = probs[0, class_index]
        grads = tape.gradient(score, maps)
        weights = tf.reduce_mean(grads, axis=(1, 2))  # one weight per channel
        heat = tf.nn.relu(tf.reduce_sum(maps * weights[:, None, None, :], axis=-1, keepdims=True))
        heat = tf.image.resize(heat, (config.IMAGE_SIZE,) * 2, "bilinear")[0, ..., 0]
        return tf.clip_by_value(heat / (tf.reduce_max(heat) + 1e-8), 0.0, 1.0)

    def heatmap(image: np.ndarray, class_index: int) -> np.ndarray:
        x = np.asarray(image, np.float32).reshape(1, config.IMAGE_SIZE, config.IMAGE_SIZE, 1)
        return cam(x, np.int32(class_index)).numpy()  # one call into the traced graph

    heatmap(np.zeros((config.IMAGE_SIZE, config.IMAGE_SIZE)), 0)  # trace once now
    return heatmap
