"""Training pictures in visitor styles (garments) and of other things (outlier exposure)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

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


def hand_drawn_set(folder: Path) -> Path:
    """A built set's manifest.csv with a bag and a ball of a trained source, and a bag of a
    held-out one: dark shapes on white, and one on a clear ground."""
    rows = ["file,source,icon,style,label,split"]
    for name, source, label, split, clear in (
        ("bag.png", "mine", "Bag", "development", False),
        ("ball.png", "mine", "not_a_garment", "development", True),
        ("kept.png", "theirs", "Bag", "held_out_source", False),
    ):
        picture = Image.new("RGBA", (96, 96), (0, 0, 0, 0) if clear else (255, 255, 255, 255))
        draw = ImageDraw.Draw(picture)
        if label == "Bag":
            draw.rectangle((20, 34, 76, 80), fill=(150, 40, 30, 255))
            draw.arc((34, 14, 62, 50), 180, 360, fill=(150, 40, 30, 255), width=5)
        else:
            draw.ellipse((18, 18, 78, 78), fill=(30, 90, 160, 255))
        picture.save(folder / name)
        rows.append(f"{name},{source},{name[:-4]},as_drawn,{label},{split}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    return folder / "manifest.csv"


def test_hand_drawn_pictures_come_from_the_sources_asked_never_a_held_out_one(tmp_path):
    from fashion_cnn.training.pictures import OTHER, picture_files

    manifest = hand_drawn_set(tmp_path)
    files = picture_files(manifest, ["mine"])
    assert [(path.name, label) for path, label in files] == [("bag.png", 8), ("ball.png", OTHER)]
    with pytest.raises(ValueError, match="theirs: held out, never trained on"):
        picture_files(manifest, ["mine", "theirs"])
    with pytest.raises(ValueError, match="no pictures of yours"):
        picture_files(manifest, ["mine", "yours"])
    with pytest.raises(ValueError, match="not found"):
        picture_files(tmp_path / "missing.csv", ["mine"])


def test_a_varied_picture_keeps_its_own_ground_and_a_clear_one_gets_a_plain_one(tmp_path):
    from fashion_cnn.training.pictures import varied

    hand_drawn_set(tmp_path)
    rng = np.random.default_rng(0)
    for _ in range(12):
        with Image.open(tmp_path / "bag.png") as bag, Image.open(tmp_path / "ball.png") as ball:
            on_white, on_clear = varied(bag, rng), varied(ball, rng)
        rim = np.asarray(on_white)[[0, -1]].reshape(-1, 3)
        assert (rim == 255).all()  # turned on its own white, not on another ground
        rim = np.asarray(on_clear)[[0, -1]].reshape(-1, 3)
        assert (rim == rim[0]).all()  # one plain colour
        # Read as the app reads it: the bag or the ball, not a tilted tile of its ground.
        shape = preprocess(on_white, "auto").image
        assert 0.25 < (shape > 40).mean() < 0.9


def test_a_hand_drawn_pool_gives_garments_their_class_and_other_things_even_targets(tmp_path):
    from fashion_cnn.training.fit import picture_pools

    cfg = TrainConfig(
        hand_drawn=str(hand_drawn_set(tmp_path)),
        hand_drawn_sources="mine",
        hand_drawn_share=0.1,
        hand_drawn_pool=20,
    )
    [(images, targets, share)] = picture_pools(cfg, np.zeros((1, 28, 28)), np.zeros(1))
    assert share == 0.1 and images.shape == (20, 28, 28)
    bags = targets.argmax(axis=1) == 8
    assert 0 < bags.sum() < 20 and (targets[bags, 8] == 1).all()
    assert np.allclose(targets[~bags], 1 / NUM_CLASSES)
    with pytest.raises(ValueError, match="needs --hand-drawn and --hand-drawn-sources"):
        TrainConfig(hand_drawn_share=0.1)
