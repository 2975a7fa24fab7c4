"""A map of the test set: each image placed in 2-D by the CNN's penultimate features.

Two layouts: PCA, fast enough for any run's model on the spot, and t-SNE, which keeps
neighbours together far better but takes a minute or two, so it is made once, when the
bundled model is trained, and shipped beside it (`layout_path`, ~40 KB).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

TSNE = "t-SNE"
PCA = "PCA"


def pca_2d(features: np.ndarray) -> np.ndarray:
    """(N, 2): the features projected on their two main directions of variation (PCA).

    Fast enough to compute for any run's model on the spot (tens of ms for 10,000)."""
    centred = np.asarray(features, np.float32) - np.mean(features, axis=0, dtype=np.float32)
    # The covariance's eigenvectors (C x C), not an SVD of the N x C data: far less memory.
    _, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    coords = centred @ vectors[:, ::-1][:, :2]
    # A fixed orientation, so the same model always draws the same map.
    return (coords * np.sign(coords[np.abs(coords).argmax(axis=0), [0, 1]])).astype(np.float32)


def read_layout(path: Path, model_key: str) -> np.ndarray | None:
    """The coordinates saved for this model; None if there are none, they belong to other
    weights (a model retrained since), or the file is unreadable."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["model_key"]) != model_key:
                return None
            return saved["coords"].astype(np.float32)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def selected_images(selection: dict) -> list[int]:
    """Test-image indices of the points a lasso, box or click selected, in order."""
    found = []
    for point in selection.get("points", []):
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if data is not None:
            found.append(int(data))
    return sorted(set(found))
