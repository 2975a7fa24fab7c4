"""The feature map of the test set: a stable projection, and selections naming images."""

from __future__ import annotations

import numpy as np

from fashion_cnn.charts import feature_map_figure
from fashion_cnn.feature_map import pca_2d, selected_images


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
