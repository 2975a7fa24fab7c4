"""Accuracy on synthetic product photos and canvas drawings made from the test split.

    python -m benchmarks.input_accuracy [--count 1000] [--seed 0] [--model PATH] [--reader PATH]

Photos: each test image negated (dark garment on a white backdrop), enlarged to a random
size, tinted, placed off-centre on a canvas of random aspect, some EXIF-rotated, saved as
JPEG, PNG or WebP; and each in a random colour on a coloured ground (one colour, two
blended, or a grey ramp), as JPEG. Drawings: each garment's silhouette, filled or as an
outline, drawn in white strokes at a random size and place on a 280x280 black or
transparent canvas.
Both go through the app's own preprocessing and the bundled model (or --model), read as
the app reads them (in six views, by the CNN for drawings and icons; see
`fashion_cnn.serving.predictor.Predictor.read`), by the model alone in its views, and from the
single 28x28 image. `--reader` puts another CNN for drawings and icons (a candidate .onnx
with its card) in place of model/drawings/.
"""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # only a bare .keras --model needs it

import numpy as np
from PIL import Image, ImageFilter

from fashion_cnn.common.data import load_fashion_mnist
from fashion_cnn.serving.predictor import Predictor, load_bundled
from fashion_cnn.serving.preprocess import ImageInputError, Preprocessed, open_image, preprocess


def make_photo(image: np.ndarray, rng: np.random.Generator) -> bytes:
    side = int(rng.integers(80, 400))
    garment = Image.fromarray(255 - image).resize((side, side), Image.Resampling.BICUBIC)
    # A coloured garment: each channel keeps its share of the darkness; white stays white.
    darkness = 255.0 - np.asarray(garment, np.float32)[..., None]
    rgb = (255.0 - darkness * rng.uniform(0.6, 1.0, 3)[None, None, :]).astype(np.uint8)
    w, h = int(side * rng.uniform(1.1, 2.5)), int(side * rng.uniform(1.1, 2.5))
    canvas = np.full((h, w, 3), rng.integers(235, 256), np.uint8)
    top, left = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
    canvas[top : top + side, left : left + side] = np.minimum(
        canvas[top : top + side, left : left + side], rgb
    )
    photo = Image.fromarray(canvas)
    fmt = str(rng.choice(["JPEG", "PNG", "WEBP"]))
    buf = io.BytesIO()
    if fmt == "JPEG" and rng.random() < 0.3:  # stored sideways, upright through EXIF
        exif = Image.Exif()
        exif[0x0112] = 8
        photo.transpose(Image.Transpose.ROTATE_270).save(
            buf, "JPEG", quality=85, exif=exif.tobytes()
        )
    else:
        photo.save(buf, fmt, quality=85)
    return buf.getvalue()


def make_coloured_photo(image: np.ndarray, rng: np.random.Generator) -> bytes:
    """The garment in one random colour, its grey levels kept as shading, off-centre on a
    coloured ground: one colour, a blend of two, or grey from 60 to 200 (a ground lit
    from one side), with a camera's grain; a JPEG. Garment and ground are at least 120
    apart in RGB, as a person would tell them apart."""
    side = int(rng.integers(80, 300))
    level = np.asarray(Image.fromarray(image).resize((side, side), Image.Resampling.BICUBIC))
    level = level[..., None] / 255.0
    colour, near, far = rng.uniform(0, 255, (3, 3))
    ground = str(rng.choice(["one colour", "two colours", "grey ramp"]))
    if ground == "grey ramp":
        near, far = np.full(3, 60.0), np.full(3, 200.0)
    elif ground == "one colour":
        far = near
    while min(np.linalg.norm(colour - near), np.linalg.norm(colour - far)) < 120:
        colour = rng.uniform(0, 255, 3)
    w, h = int(side * rng.uniform(1.1, 2.0)), int(side * rng.uniform(1.1, 2.0))
    across = rng.random() < 0.5
    t = np.linspace(0, 1, w)[None, :, None] if across else np.linspace(0, 1, h)[:, None, None]
    canvas = near + (far - near) * t * np.ones((h, w, 1)) + rng.normal(0, 4, (h, w, 1))
    top, left = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
    cover = np.clip(level / 0.15, 0, 1)  # the garment's edge, soft as in the dataset
    patch = canvas[top : top + side, left : left + side]
    patch[:] = cover * colour * (0.55 + 0.45 * level) + (1 - cover) * patch
    buf = io.BytesIO()
    Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=88)
    return buf.getvalue()


def make_drawing(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    side = int(rng.integers(120, 250))
    silhouette = np.pad((image > 20) * 255, 2).astype(np.uint8)  # room for a closed outline
    mask = Image.fromarray(silhouette).resize((side, side), Image.Resampling.BILINEAR)
    mask = mask.point(lambda v: 255 if v > 127 else 0)
    if rng.random() < 0.5:  # an outline, as people draw
        width = int(rng.integers(3, 7)) * 2 + 1
        mask = Image.fromarray(
            np.asarray(mask.filter(ImageFilter.MaxFilter(width)))
            - np.asarray(mask.filter(ImageFilter.MinFilter(width)))
        )
    canvas = np.zeros((280, 280), np.uint8)
    top, left = (int(v) for v in rng.integers(0, 280 - side + 1, 2))
    canvas[top : top + side, left : left + side] = np.asarray(mask)
    rgba = np.zeros((280, 280, 4), np.uint8)
    if rng.random() < 0.5:  # transparent ground, as a canvas export can be
        rgba[..., :3], rgba[..., 3] = 255, canvas
    else:
        rgba[..., :3], rgba[..., 3] = canvas[..., None], 255
    return rgba


def preprocessed(inputs, kind: str) -> tuple[list[Preprocessed], list[int]]:
    """What the app's preprocessing makes of each input, and which ones it accepted."""
    done, keep = [], []
    for i, item in enumerate(inputs):
        try:
            done.append(preprocess(open_image(item) if isinstance(item, bytes) else item, kind))
            keep.append(i)
        except ImageInputError:
            pass
    return done, keep


def accuracy(predictor: Predictor, inputs, labels, kind: str) -> tuple[float, float, float, int]:
    """Share right as the app reads them (in their views, by the CNN for drawings and icons
    when there is one), by the model alone in views, from the single image, and how many
    were refused (counted as wrong)."""
    done, keep = preprocessed(inputs, kind)
    images, truth = np.stack([p.image for p in done]), labels[keep]
    shares = [
        np.sum([r.index for r in reader.classify(images, True)] == truth) / len(labels)
        for reader in (predictor, predictor.without_drawings_model())
    ]
    single = predictor.probabilities(images).argmax(axis=1)
    return *shares, (single == truth).sum() / len(labels), len(labels) - len(keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, default=None, help="default: the bundled model")
    parser.add_argument("--reader", type=Path, help="another CNN for drawings and icons (.onnx)")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    data = load_fashion_mnist()
    idx = rng.choice(len(data.x_test), args.count, replace=False)
    x, y = data.x_test[idx], data.y_test[idx]
    predictor = load_bundled() if args.model is None else Predictor.load(args.model)
    if args.reader:
        predictor.drawings_model = Predictor.load(args.reader, name="candidate reader")
    base = np.mean([r.index for r in predictor.classify(x)] == y)  # as Explore reads them
    photos = accuracy(predictor, [make_photo(im, rng) for im in x], y, "auto")
    drawings = accuracy(predictor, [make_drawing(im, rng) for im in x], y, "drawing")
    coloured = accuracy(predictor, [make_coloured_photo(im, rng) for im in x], y, "auto")
    print(f"test images as they are     {base:.2%}  ({args.count} images, seed {args.seed})")
    if predictor.drawings_model:
        reader = predictor.drawings_model.name
        print(f"(drawings and photos read by {reader}; alone: by {predictor.name})")
    for name, (read, alone, single, refused) in (
        ("product photos", photos),
        ("canvas drawings", drawings),
        ("photos, coloured ground", coloured),
    ):
        print(
            f"synthetic {name:24s}{read:.2%}  (alone: {alone:.2%}; from the single image: "
            f"{single:.2%}; {refused} refused)"
        )


if __name__ == "__main__":
    main()
