"""The feature map of the test set: stable layouts, the shipped t-SNE file, and selections
naming images."""

from __future__ import annotations

import numpy as np
from sklearn.manifold import trustworthiness

from fashion_cnn.common.contract import bundled_model_path, layout_path
from fashion_cnn.serving.feature_map import pca_2d, read_layout, selected_images
from fashion_cnn.serving.predictor import load_bundled
from fashion_cnn.training.layout import tsne_2d, write_layout
from fashion_cnn.ui.charts import feature_map_figure


def test_pca_keeps_the_main_directions_and_a_fixed_orientation():
    rng = np.random.default_rng(0)
    features = rng.normal(0, 1, (500, 16)) * np.r_[10, 5, np.full(14, 0.1)]
    coords = pca_2d(features)
    assert coords.shape == (500, 2)
    assert np.corrcoef(coords[:, 0], features[:, 0])[0, 1] ** 2 > 0.99
    assert np.corrcoef(coords[:, 1], features[:, 1])[0, 1] ** 2 > 0.99
    assert np.allclose(pca_2d(features * 1.0), coords)  # the same map each time
    assert np.allclose(pca_2d(features[::-1])[::-1], coords, atol=1e-4)


def test_selection_names_test_images_from_their_customdata():
    y_true = np.array([0, 1, 1, 2, 0])
    fig = feature_map_figure(np.zeros((5, 2)), y_true, np.array([0, 1, 0, 2, 0]))
    by_class = {trace.name: list(trace.customdata) for trace in fig.data[:3]}
    assert by_class == {"T-shirt/top": [0, 4], "Trouser": [1, 2], "Pullover": [3]}
    # What Streamlit hands back for a lasso over points of two traces.
    selection = {
        "points": [
            {"curve_number": 1, "point_index": 1, "customdata": [2]},
            {"curve_number": 0, "point_index": 0, "customdata": 0},
            {"curve_number": 1, "point_index": 1, "customdata": [2]},
        ]
    }
    assert selected_images(selection) == [0, 2]
    assert selected_images({"points": []}) == [] and selected_images({}) == []


def test_legend_shows_each_class_as_a_dot_even_when_its_first_image_is_a_mistake():
    y_true, y_pred = np.array([0, 0, 0, 1]), np.array([3, 0, 3, 1])
    fig = feature_map_figure(np.zeros((4, 2)), y_true, y_pred)
    shirts = fig.data[0]
    assert list(shirts.customdata) == [1, 0, 2]  # the right answer first
    assert list(shirts.marker.symbol) == ["circle", "x", "x"]  # the legend takes the first


def test_tsne_keeps_groups_apart_that_pca_overlaps():
    # Ten groups, each apart from the others in 16 dimensions (an image's nearest
    # neighbours are of its group): two directions cannot hold them all apart (PCA), a
    # layout that keeps neighbours can (t-SNE).
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 30)
    features = rng.normal(0, 2, (10, 16))[labels] + rng.normal(0, 1, (300, 16))

    def same_group_neighbours(coords: np.ndarray) -> float:
        dist = np.linalg.norm(coords[:, None] - coords[None], axis=2)
        np.fill_diagonal(dist, np.inf)
        return float(np.mean(labels[dist.argsort(axis=1)[:, :5]] == labels[:, None]))

    assert same_group_neighbours(features) > 0.99
    tsne = tsne_2d(features, seed=0)
    assert tsne.shape == (300, 2) and tsne.dtype == np.float32
    assert same_group_neighbours(tsne) > 0.97
    assert same_group_neighbours(pca_2d(features)) < 0.85
    assert trustworthiness(features, tsne) > trustworthiness(features, pca_2d(features))


def test_layout_file_belongs_to_one_model(tmp_path):
    coords = np.random.default_rng(1).normal(0, 30, (50, 2)).astype(np.float32)
    path = tmp_path / "m.map.npz"
    write_layout(path, coords, "abc123")
    assert np.allclose(read_layout(path, "abc123"), coords, atol=0.05)
    assert read_layout(path, "another-model") is None  # retrained since: not its map
    assert read_layout(tmp_path / "missing.map.npz", "abc123") is None
    path.write_bytes(b"PK\x03\x04 not a zip at all")
    assert read_layout(path, "abc123") is None
    assert layout_path(tmp_path / "fashion_cnn.keras") == tmp_path / "fashion_cnn.map.npz"


def test_the_shipped_map_is_the_bundled_models():
    coords = read_layout(layout_path(bundled_model_path()), load_bundled().key)
    assert coords is not None, "run `python -m fashion_cnn map` after changing the model"
    assert coords.shape == (10_000, 2) and np.isfinite(coords).all()
