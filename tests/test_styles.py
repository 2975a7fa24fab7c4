"""Training pictures in visitor styles (garments) and of other things (outlier exposure)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from fashion_cnn.common.config import NUM_CLASSES
from fashion_cnn.common.settings import TrainConfig
from fashion_cnn.serving.preprocess import preprocess
from fashion_cnn.training.outliers import outlier_inputs
from fashion_cnn.training.sketches import SIDE, sketches
from fashion_cnn.training.styles import STYLES, style_inputs, stylise


def overlap(image: np.ndarray, garment: np.ndarray) -> float:
    """Intersection over union of the two 28x28 shapes, once both are trimmed to their
    boxes and centred (as preprocessing does): how much of the garment's shape survived."""
    pre = preprocess(np.where(garment > 25, 255, 0).astype(np.uint8), "drawing").image
    a, b = image > 60, pre > 60
    return (a & b).sum() / max((a | b).sum(), 1)


@pytest.mark.parametrize("style", list(STYLES))
def test_every_style_keeps_the_garments_shape(real_data, style):
    rng = np.random.default_rng(3)
    scores = []
    for garment in real_data.x_train[:30]:
        picture = stylise(garment, rng, style)
        assert picture.mode in ("RGB", "RGBA") and min(picture.size) >= 72
        read = preprocess(picture, "auto").image
        scores.append(overlap(read, garment))
    assert np.median(scores) > 0.45, scores


def test_styles_vary_grounds_and_colours(real_data):
    rng = np.random.default_rng(0)
    pictures = [stylise(g, rng) for g in real_data.x_train[:60]]
    modes = {p.mode for p in pictures}
    corners = {np.asarray(p.convert("RGB"))[0, 0].tobytes() for p in pictures if p.mode == "RGB"}
    assert modes == {"RGB", "RGBA"}  # some on a transparent ground
    assert len(corners) > 20  # many grounds, not one white


def test_style_inputs_are_model_inputs_with_their_labels(real_data):
    images, labels = style_inputs(real_data.x_train[:40], real_data.y_train[:40], 30, seed=1)
    assert images.shape[1:] == (28, 28) and images.dtype == np.uint8
    assert len(images) == len(labels) >= 27
    assert set(labels) <= set(real_data.y_train[:40])


def test_sketches_draw_every_class_with_its_seams():
    shapes, labels = sketches(40, seed=0)
    assert shapes.shape == (40, SIDE, SIDE) and shapes.dtype == np.uint8
    assert list(labels) == [k % NUM_CLASSES for k in range(40)]
    assert np.array_equal(sketches(40, seed=0)[0], shapes)  # seeded
    assert len({s.tobytes() for s in shapes}) == 40  # each drawn from its own measures
    assert all((shape > 0).mean() > 0.05 and shape.max() >= 170 for shape in shapes)
    # Most have darker inner lines (collars, buttons, laces) for the styles' seams; a
    # plain T-shirt or tote may have none.
    assert sum(shape[shape > 0].min() < 150 for shape in shapes) >= 30


def test_a_style_pool_takes_its_sketches(real_data):
    from fashion_cnn.training.fit import picture_pools

    cfg = TrainConfig(style_share=0.4, style_pool=60, garment_icon_share=0, sketch_share=0.5)
    [(images, targets, share)] = picture_pools(
        cfg, real_data.x_train[:100], real_data.y_train[:100]
    )
    assert share == 0.4 and images.shape[1:] == (28, 28) and len(images) >= 57
    sketched = targets[-30:].argmax(axis=1)  # sketches are always readable: all 30 kept
    assert np.bincount(sketched, minlength=NUM_CLASSES).tolist() == [3] * NUM_CLASSES
    # Sketches only (the other sources' shares take all places): no photos to style.
    only = TrainConfig(style_share=0.4, style_pool=20, garment_icon_share=0, sketch_share=1)
    [(images, targets, _)] = picture_pools(only, real_data.x_train[:100], real_data.y_train[:100])
    assert len(images) == 20 and np.bincount(targets.argmax(axis=1)).tolist() == [2] * 10


def test_outliers_come_from_drawn_shapes_and_an_icon_folder(tmp_path):
    for k in range(4):  # dark glyphs on white, as benchmarks.dev_set outliers renders them
        icon = Image.new("L", (64, 64), 255)
        icon.paste(0, (8 + 4 * k, 8, 40 + 4 * k, 56))
        icon.save(tmp_path / f"icon{k}.png")
    drawn = outlier_inputs(40, seed=0)
    with_icons = outlier_inputs(40, seed=0, icons=tmp_path)
    for images in (drawn, with_icons):
        assert images.shape == (40, 28, 28) and images.dtype == np.uint8
        assert len({im.tobytes() for im in images}) == 40  # no two alike
    assert not np.array_equal(drawn, with_icons)


def test_missing_or_empty_sources_are_refused_in_one_line(tmp_path):
    from fashion_cnn.training.styles import development_garment_files

    with pytest.raises(ValueError, match="not found"):
        development_garment_files(tmp_path / "manifest.csv")
    (tmp_path / "manifest.csv").write_text("file,source,icon,style,label,split\n")
    with pytest.raises(ValueError, match="no `dev` garment icons"):
        development_garment_files(tmp_path / "manifest.csv")
    with pytest.raises(ValueError, match="no PNG icons"):
        outlier_inputs(5, seed=0, icons=tmp_path)
