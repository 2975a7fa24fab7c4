"""Training you can watch: each epoch's snapshot of fixed images, a matrix and filters."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fashion_cnn.common.data import FashionMNIST
from fashion_cnn.common.settings import QUICK_RUN
from fashion_cnn.training.fit import train
from fashion_cnn.training.snapshots import EpochSnapshots, strip_indices


def test_strip_takes_two_of_each_class_in_class_order():
    labels = np.array([3, 1, 1, 0, 3, 0, 2, 2, 1, *range(4, 10), *range(4, 10)])
    picked = strip_indices(labels)
    assert labels[picked].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, *np.repeat(range(4, 10), 2)]


def test_each_epoch_publishes_a_snapshot(real_data):
    snapshots = []
    held = FashionMNIST(
        real_data.x_train[:1000],
        real_data.y_train[:1000],
        real_data.x_test[:300],
        real_data.y_test[:300],
        source_dir=None,
    )
    watch = EpochSnapshots(held.x_test, held.y_test, snapshots.append)
    cfg = replace(QUICK_RUN, epochs=2, train_subset=0, warmup_epochs=0, augment=False)
    train(cfg, held, callbacks=[watch])
    assert [s["epoch"] for s in snapshots] == [1, 2]
    last = snapshots[-1]
    assert np.asarray(last["strip_probabilities"]).shape == (20, 10)
    assert last["strip_labels"] == np.repeat(range(10), 2).tolist()
    assert np.asarray(last["confusion"]).sum() == 300  # 20 strip + 280 others
    assert np.asarray(last["filters"]).shape == (16, 3, 3)
    assert snapshots[0]["filters"] != last["filters"]  # the filters learn
