"""Constants every process shares: class names, image geometry, paths."""

from __future__ import annotations

import os
from pathlib import Path

# Label order of the original dataset (Xiao, Rasul & Vollgraf 2017).
CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
NUM_CLASSES = len(CLASS_NAMES)
IMAGE_SIZE = 28
SILHOUETTE_LEVEL = 25  # a dataset pixel above this is part of the garment's shape

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = PROJECT_ROOT / "model"
DRAWINGS_DIR = "drawings"  # in MODEL_DIR: the bundled CNN fine-tuned for drawings and uploads
MODEL_CARD_SUFFIX = ".json"
# Results worth keeping across server restarts, such as a model's test-set predictions.
CACHE_ENV_VAR = "FASHION_CNN_CACHE"
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "fashion-cnn-studio"


def cache_dir() -> Path:
    """$FASHION_CNN_CACHE, else ~/.cache/fashion-cnn-studio."""
    return Path(os.environ.get(CACHE_ENV_VAR) or DEFAULT_CACHE_DIR)


# Where the four IDX files are looked for, after $FASHION_MNIST_DIR.
DATASET_ENV_VAR = "FASHION_MNIST_DIR"
DEBIAN_DATASET_DIR = Path("/usr/share/datasets/fashion-mnist")
KERAS_CACHE_DIR = Path.home() / ".keras" / "datasets" / "fashion-mnist"
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
TRAIN_COUNT = 60_000
TEST_COUNT = 10_000

# Runs (fashion_cnn.jobs) and what the pages say of them (fashion_cnn.ui.wording).
RUN_KEEP_SECONDS = 3600.0  # a finished run's result is kept this long
RUN_ID_LENGTH = 12  # hex digits of a uuid4
