"""Pictures of things that are not garments, for outlier exposure (Hendrycks et al. 2019):
the CNN learns to spread its probabilities evenly over the classes on them, so that its
confidence, and the energy of its logits (Liu et al. 2020), say when a picture shows no
garment.

Two kinds of source, each rendered in the visitor styles of fashion_cnn.training.styles
(so style says nothing about garment or not): shapes, letters, digits, symbols and
scribbles drawn here, and a folder of non-garment icons (`python -m benchmarks.dev_set
outliers` renders the development icon sets' other icons there; never a held-out set).
Textures and noise go in as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from fashion_cnn.serving.preprocess import ImageInputError, preprocess
from fashion_cnn.training.styles import icon_shapes, stylise

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SIDE = 112
SYMBOLS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZabdefghkmnpqrstwxyz&@#%$?!★♥♦♣♠☀☂☎✂✈⚓⚙♪♫☺⌘"


def blank() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (SIDE, SIDE), 0)
    return image, ImageDraw.Draw(image)


def glyph(rng: np.random.Generator) -> Image.Image:
    """A letter, digit or symbol in a DejaVu face (light on black)."""
    fonts = sorted(FONT_DIR.glob("DejaVu*.ttf"))
    image, draw = blank()
    if not fonts:  # no fonts installed: a shape instead
        return polygon(rng)
    font = ImageFont.truetype(str(fonts[rng.integers(len(fonts))]), int(rng.integers(60, 100)))
    draw.text((SIDE / 2, SIDE / 2), str(rng.choice(list(SYMBOLS))), 255, font, anchor="mm")
    return image


def polygon(rng: np.random.Generator) -> Image.Image:
    """A circle, a star or a polygon of five or more corners, filled or outlined."""
    image, draw = blank()
    corners = int(rng.choice([0, 5, 6, 8, 10, 12]))
    centre, radius = SIDE / 2, rng.uniform(25, 50)
    width = 0 if rng.random() < 0.5 else int(rng.integers(3, 12))
    if corners == 0:
        box = [
            centre - radius,
            centre - radius * rng.uniform(0.5, 1),
            centre + radius,
            centre + radius,
        ]
        draw.ellipse(box, 255 if not width else None, 255, width or 1)
        return image
    angles = np.linspace(0, 2 * np.pi, corners, endpoint=False) + rng.uniform(0, np.pi)
    radii = radius * np.where(np.arange(corners) % 2 & (rng.random() < 0.5), 0.45, 1.0)
    points = [
        (centre + r * np.cos(a), centre + r * np.sin(a)) for r, a in zip(radii, angles, strict=True)
    ]
    draw.polygon(points, 255 if not width else None, 255, width or 1)
    return image


def scribble(rng: np.random.Generator) -> Image.Image:
    """A few random strokes, as a quick hand makes when it draws no garment."""
    image, draw = blank()
    points = rng.uniform(10, SIDE - 10, (int(rng.integers(3, 9)), 2))
    draw.line([tuple(p) for p in points], 255, int(rng.integers(3, 12)), joint="curve")
    return image


def texture(rng: np.random.Generator) -> Image.Image:
    """Stripes, checks or blobs in two colours filling the frame (not stylised)."""
    y, x = np.mgrid[0:SIDE, 0:SIDE]
    period = rng.uniform(6, 30)
    pattern = [
        np.sin(x / period * 2 * np.pi + y * rng.uniform(-1, 1) / period) > 0,
        ((x // period).astype(int) + (y // period).astype(int)) % 2 == 0,
        rng.random((SIDE // 8, SIDE // 8)).repeat(8, 0).repeat(8, 1) > 0.5,
    ][rng.integers(3)]
    a, b = rng.integers(0, 256, (2, 3))
    return Image.fromarray(np.where(pattern[..., None], a, b).astype(np.uint8))


def noise(rng: np.random.Generator) -> Image.Image:
    """Colour noise (not stylised)."""
    return Image.fromarray(rng.integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8))


DRAWN: dict[str, Callable[[np.random.Generator], Image.Image]] = {
    "glyph": glyph,
    "polygon": polygon,
    "scribble": scribble,
}


def outlier_inputs(count: int, seed: int, icons: Path | None = None) -> np.ndarray:
    """`count` non-garment pictures as the CNN's 28x28 inputs (read by the app's
    preprocessing, kind "auto"): half drawn here, half icons from `icons` (all drawn here
    without it), one in ten a texture or noise."""
    rng = np.random.default_rng(seed)
    shapes = icon_shapes(sorted(Path(icons).glob("**/*.png"))) if icons else []
    if icons and not len(shapes):
        raise ValueError(f"no PNG icons in {icons}: run `python -m benchmarks.dev_set outliers`")
    out = []
    while len(out) < count:
        pick = rng.random()
        if pick < 0.1:
            picture = (texture if pick < 0.07 else noise)(rng)
        elif len(shapes) and pick < 0.55:
            picture = stylise(shapes[rng.integers(len(shapes))], rng)
        else:
            drawn = DRAWN[rng.choice(list(DRAWN))](rng)
            picture = stylise(np.asarray(drawn), rng)
        try:
            out.append(preprocess(picture, "auto").image)
        except ImageInputError:
            continue
    return np.stack(out)
