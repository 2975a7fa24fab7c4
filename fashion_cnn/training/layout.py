"""The t-SNE map of the test set that ships beside the bundled model: minutes of work
at training time, read by Explore's feature map (fashion_cnn.serving.feature_map)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from sklearn.manifold import TSNE as TSNEModel

from fashion_cnn.common.contract import layout_path, onnx_path
from fashion_cnn.common.files import write_bytes_atomic
from fashion_cnn.serving.predictor import Predictor


def tsne_2d(features: np.ndarray, seed: int = 0) -> np.ndarray:
    """(N, 2) by t-SNE (van der Maaten and Hinton 2008), scikit-learn's Barnes-Hut version:
    images with alike features stay neighbours. 1.5 minutes for 10,000 on 2 cores."""
    model = TSNEModel(2, perplexity=30, init="pca", random_state=seed)
    return model.fit_transform(np.asarray(features, np.float32)).astype(np.float32)


def write_layout(path: Path, coords: np.ndarray, model_key: str) -> None:
    """Save (N, 2) coordinates for the model whose Predictor.key is `model_key`, atomically.
    float16 is plenty for a picture and halves the file."""
    buffer = io.BytesIO()
    np.savez(buffer, coords=coords.astype(np.float16), model_key=model_key)
    write_bytes_atomic(buffer.getvalue(), path)


def write_test_layout(model_file: Path, images: np.ndarray, seed: int = 0) -> Path:
    """t-SNE of the test images' features under the model's exported twin, saved beside it."""
    model = Predictor.load(onnx_path(Path(model_file)))
    coords = tsne_2d(model.features(images), seed)
    path = layout_path(model_file)
    write_layout(path, coords, model.key)
    return path
