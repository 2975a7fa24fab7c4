"""The IDX loader on tiny fixtures and, where installed, on the real dataset."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from fashion_cnn.common import config, data
from fashion_cnn.common.data import DatasetError, load_fashion_mnist, read_idx
from tests.conftest import write_fake_dataset


def test_loads_valid_files(tmp_path, small_counts):
    folder = write_fake_dataset(tmp_path, train=60, test=20)
    ds = load_fashion_mnist(folder)
    assert ds.x_train.shape == (60, 28, 28) and ds.x_test.shape == (20, 28, 28)
    assert ds.x_train.dtype == np.uint8 and list(ds.y_test[:3]) == [0, 1, 2]
    assert len(ds.sha256) == 4 and all(len(h) == 64 for h in ds.sha256.values())


def test_truncated_file_is_one_clear_line(tmp_path, small_counts):
    folder = write_fake_dataset(tmp_path, train=60, test=20)
    path = folder / config.IDX_FILES["test_images"]
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(DatasetError, match="truncated") as exc:
        load_fashion_mnist(folder)
    assert "\n" not in str(exc.value)


def test_cut_gzip_stream_is_reported(tmp_path, small_counts):
    folder = write_fake_dataset(tmp_path, train=60, test=20)
    path = folder / config.IDX_FILES["train_labels"]
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(DatasetError, match="not a readable gzip file"):
        load_fashion_mnist(folder)


def test_wrong_magic_number(tmp_path, small_counts):
    folder = write_fake_dataset(tmp_path, train=60, test=20)
    # Labels where images belong: a valid IDX file of the wrong kind.
    images = folder / config.IDX_FILES["train_images"]
    images.write_bytes((folder / config.IDX_FILES["train_labels"]).read_bytes())
    with pytest.raises(DatasetError, match="bad magic number"):
        load_fashion_mnist(folder)


def test_wrong_count(tmp_path, small_counts):
    folder = write_fake_dataset(tmp_path, train=50, test=20)
    with pytest.raises(DatasetError, match="holds 50 items, expected 60"):
        load_fashion_mnist(folder)


def test_missing_everywhere_names_the_places_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATASET_ENV_VAR, str(tmp_path / "nowhere"))
    monkeypatch.setattr(config, "DEBIAN_DATASET_DIR", tmp_path / "debian")
    monkeypatch.setattr(config, "KERAS_CACHE_DIR", tmp_path / "keras")
    with pytest.raises(DatasetError) as exc:
        load_fashion_mnist()
    message = str(exc.value)
    assert (
        str(tmp_path / "nowhere") in message and "apt-get install dataset-fashion-mnist" in message
    )


def test_env_var_is_searched_first(tmp_path, monkeypatch):
    folder = write_fake_dataset(tmp_path / "mine", train=60, test=20)
    monkeypatch.setenv(config.DATASET_ENV_VAR, str(folder))
    assert data.find_dataset_dir() == folder


def test_read_idx_rejects_non_28x28(tmp_path):
    from tests.conftest import write_idx

    path = tmp_path / "x.gz"
    write_idx(path, np.zeros((2, 32, 32), np.uint8), data.IMAGES_MAGIC)
    with pytest.raises(DatasetError, match="32x32"):
        read_idx(path, data.IMAGES_MAGIC)


def test_real_dataset(real_data):
    assert real_data.x_train.shape == (60_000, 28, 28)
    assert real_data.x_test.shape == (10_000, 28, 28)
    assert np.bincount(real_data.y_test).tolist() == [1000] * 10
    assert np.bincount(real_data.y_train).tolist() == [6000] * 10
    assert real_data.x_test.max() == 255 and real_data.x_test.min() == 0
