"""Load Fashion-MNIST from the four original IDX files, with checks and clear errors."""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fashion_cnn.common import config
from fashion_cnn.common.files import write_atomic

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
FIX_HINT = (
    "install it with `sudo apt-get install dataset-fashion-mnist`, "
    f"or set ${config.DATASET_ENV_VAR} to a folder holding the four IDX .gz files"
)


class DatasetError(RuntimeError):
    """The dataset is missing or corrupt; the message is one line meant for people."""


@dataclass(frozen=True)
class FashionMNIST:
    """The dataset as uint8 arrays: images (N, 28, 28), labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source_dir: Path
    sha256: dict[str, str] = field(default_factory=dict)


def candidate_dirs() -> list[Path]:
    """Folders searched for the IDX files, in order."""
    dirs = []
    if os.environ.get(config.DATASET_ENV_VAR):
        dirs.append(Path(os.environ[config.DATASET_ENV_VAR]).expanduser())
    dirs += [config.DEBIAN_DATASET_DIR, config.KERAS_CACHE_DIR]
    return dirs


def read_idx(path: Path, magic: int, count: int | None = None) -> np.ndarray:
    """Read one gzipped IDX file, checking its magic number, count and size."""
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"{path} is not a readable gzip file ({exc}); {FIX_HINT}") from None
    ndim = magic & 0xFF
    header_len = 4 + 4 * ndim
    if len(raw) < header_len or int.from_bytes(raw[:4], "big") != magic:
        raise DatasetError(f"{path} is not an IDX file of the expected kind (bad magic number)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if ndim == 3 and shape[1:] != (config.IMAGE_SIZE, config.IMAGE_SIZE):
        raise DatasetError(f"{path} holds {shape[1]}x{shape[2]} images, expected 28x28")
    if count is not None and shape[0] != count:
        raise DatasetError(f"{path} holds {shape[0]} items, expected {count}")
    expected = int(np.prod(shape))
    if len(raw) - header_len != expected:
        raise DatasetError(
            f"{path} is truncated or padded: {len(raw) - header_len} bytes of data, "
            f"expected {expected}; {FIX_HINT}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_len).reshape(shape)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_dataset_dir() -> Path:
    """The first folder holding all four files (the training side can also download them:
    fashion_cnn.training.dataset)."""
    searched = candidate_dirs()
    for folder in searched:
        if all((folder / name).is_file() for name in config.IDX_FILES.values()):
            return folder
    looked = ", ".join(str(d) for d in searched)
    raise DatasetError(f"Fashion-MNIST not found (looked in {looked}); {FIX_HINT}")


def load_fashion_mnist(folder: Path | None = None) -> FashionMNIST:
    """Load and check the whole dataset from `folder`, or from the first place that has it."""
    folder = Path(folder) if folder is not None else find_dataset_dir()
    paths = {key: folder / name for key, name in config.IDX_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise DatasetError(f"missing {', '.join(missing)}; {FIX_HINT}")
    try:
        hashes = {key: sha256_of(path) for key, path in paths.items()}
    except OSError as exc:  # unreadable (permissions, a broken disk): one line, not a trace
        raise DatasetError(f"cannot read {exc.filename}: {exc.strerror}; {FIX_HINT}") from None
    x_train, x_test = (
        read_idx_mapped(paths[key], hashes[key], IMAGES_MAGIC, count)
        for key, count in (("train_images", config.TRAIN_COUNT), ("test_images", config.TEST_COUNT))
    )
    y_train = read_idx(paths["train_labels"], LABELS_MAGIC, config.TRAIN_COUNT)
    y_test = read_idx(paths["test_labels"], LABELS_MAGIC, config.TEST_COUNT)
    if y_train.max() >= config.NUM_CLASSES or y_test.max() >= config.NUM_CLASSES:
        raise DatasetError(f"labels in {folder} fall outside 0-{config.NUM_CLASSES - 1}")
    by_name = {config.IDX_FILES[key]: digest for key, digest in hashes.items()}
    return FashionMNIST(x_train, y_train, x_test, y_test, folder, by_name)


def read_idx_mapped(path: Path, digest: str, magic: int, count: int) -> np.ndarray:
    """read_idx, decompressed once into the cache and memory-mapped from there after.

    A web server then holds in memory only the images it has looked at: the 60,000
    training images (47 MB) are mostly read by training workers, not by the pages."""
    cached = config.cache_dir() / f"{path.name.removesuffix('.gz')}-{digest[:16]}.npy"
    try:
        images = np.load(cached, mmap_mode="r", allow_pickle=False)
        if images.shape == (count, config.IMAGE_SIZE, config.IMAGE_SIZE):
            return images
    except (OSError, ValueError):
        pass  # not cached yet, or unreadable: decode the IDX file again
    images = read_idx(path, magic, count)
    try:
        write_atomic(cached, lambda f: np.save(f, images))
        return np.load(cached, mmap_mode="r", allow_pickle=False)
    except OSError:  # a read-only disk: keep the decoded copy in memory
        return images
