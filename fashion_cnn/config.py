"""Constants shared by every stage: class names, paths, image geometry."""

from __future__ import annotations

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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = PROJECT_ROOT / "model"
MODEL_CARD_SUFFIX = ".json"

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
