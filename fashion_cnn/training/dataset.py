"""Fetching Fashion-MNIST with Keras where no copy is on disk: for setup and training
only, so that a web server without the dataset says how to install it instead of loading
Keras."""

from __future__ import annotations

from pathlib import Path

from fashion_cnn.common import config
from fashion_cnn.common.data import DatasetError, FashionMNIST, find_dataset_dir, load_fashion_mnist


def download_with_keras() -> bool:
    """Let keras.datasets fetch the files into its cache; False when that fails."""
    try:
        from keras.datasets import fashion_mnist  # seconds of TensorFlow start-up: only here

        fashion_mnist.load_data()
    except Exception:  # no network, no keras, a proxy error: all mean "not available"
        return False
    return all((config.KERAS_CACHE_DIR / n).is_file() for n in config.IDX_FILES.values())


def fetch_dataset_dir() -> Path:
    """The folder find_dataset_dir finds, else Keras' cache after a download (DatasetError
    when that fails too)."""
    try:
        return find_dataset_dir()
    except DatasetError:
        if download_with_keras():
            return config.KERAS_CACHE_DIR
        raise


def load_or_fetch() -> FashionMNIST:
    """The whole dataset, downloaded first where no copy is on disk."""
    return load_fashion_mnist(fetch_dataset_dir())
