"""Pictures that are not garments, made offline, to tune and test the "not a garment" verdict.

Each set yields RGB images as a visitor might upload them (the app's preprocessing turns
them into the CNN's 28x28 input): noise, gradients, geometric shapes, letters, digits and
symbols rendered from Debian's DejaVu fonts, synthetic textures, and test-split garments
turned 90 degrees. Seeded, so a set is the same each time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SIZE = 160


def noise(rng: np.random.Generator) -> Image.Image:
    """Uniform, Gaussian or blocky colour noise."""
    kind = rng.integers(3)
    if kind == 0:
        pixels = rng.integers(0, 256, (SIZE, SIZE, 3))
    elif kind == 1:
        pixels = np.clip(rng.normal(128, 60, (SIZE, SIZE, 3)), 0, 255)
    else:
        blocks = rng.integers(0, 256, (8, 8, 3)).astype(np.uint8)
        return Image.fromarray(blocks).resize((SIZE, SIZE), Image.Resampling.NEAREST)
    return Image.fromarray(pixels.astype(np.uint8))


def gradient(rng: np.random.Generator) -> Image.Image:
    """A linear or radial gradient between two random colours."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    if rng.random() < 0.5:
        angle = rng.uniform(0, 2 * np.pi)
        t = (x - 0.5) * np.cos(angle) + (y - 0.5) * np.sin(angle) + 0.5
    else:
        cx, cy = rng.uniform(0.2, 0.8, 2)
        t = np.hypot(x - cx, y - cy) * 1.5
    a, b = rng.integers(0, 256, (2, 3))
    pixels = a + np.clip(t, 0, 1)[..., None] * (b - a)
    return Image.fromarray(pixels.astype(np.uint8))


def shape(rng: np.random.Generator) -> Image.Image:
    """A circle, polygon, star or line, filled or outlined, dark on a light ground."""
    image = Image.new("RGB", (SIZE, SIZE), tuple(int(v) for v in rng.integers(220, 256, 3)))
    draw = ImageDraw.Draw(image)
    ink = tuple(int(v) for v in rng.integers(0, 90, 3))
    width = int(rng.integers(2, 12))
    fill = ink if rng.random() < 0.5 else None
    kind = rng.integers(4)
    c, r = SIZE / 2 + rng.uniform(-20, 20, 2), rng.uniform(30, 70)
    if kind == 0:
        draw.ellipse(
            [c[0] - r, c[1] - r * rng.uniform(0.5, 1), c[0] + r, c[1] + r], fill, ink, width
        )
    elif kind == 1:
        sides = int(rng.integers(3, 7))
        draw.regular_polygon((c[0], c[1], r), sides, float(rng.uniform(0, 90)), fill, ink, width)
    elif kind == 2:
        angles = np.linspace(0, 2 * np.pi, 11)[:-1] + rng.uniform(0, 1)
        radii = np.where(np.arange(10) % 2, r * 0.45, r)
        points = [
            (c[0] + q * np.cos(a), c[1] + q * np.sin(a)) for a, q in zip(angles, radii, strict=True)
        ]
        draw.polygon(points, fill, ink, width)
    else:
        ends = rng.uniform(15, SIZE - 15, 4)
        draw.line(list(ends), ink, width + 4)
    return image


def glyph(rng: np.random.Generator, characters: str) -> Image.Image:
    """One character in a DejaVu face, dark on a light ground, large."""
    fonts = sorted(FONT_DIR.glob("DejaVu*.ttf"))
    font = ImageFont.truetype(str(fonts[rng.integers(len(fonts))]), int(rng.integers(90, 140)))
    image = Image.new("RGB", (SIZE, SIZE), "white")
    text = characters[rng.integers(len(characters))]
    ImageDraw.Draw(image).text((SIZE / 2, SIZE / 2), text, "black", font, anchor="mm")
    return image


def texture(rng: np.random.Generator) -> Image.Image:
    """Stripes, a checkerboard, a sine pattern or blurred blobs, in grey."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    period = rng.uniform(6, 30)
    kind = rng.integers(4)
    if kind == 0:
        angle = rng.uniform(0, np.pi)
        pattern = np.sin((x * np.cos(angle) + y * np.sin(angle)) * 2 * np.pi / period) > 0
    elif kind == 1:
        pattern = ((x // period) + (y // period)) % 2
    elif kind == 2:
        pattern = np.sin(x / period * 3) * np.cos(y / period * 2) * 0.5 + 0.5
    else:
        blobs = rng.random((10, 10)).astype(np.float32)
        return Image.fromarray((blobs * 255).astype(np.uint8)).resize(
            (SIZE, SIZE), Image.Resampling.BICUBIC
        )
    return Image.fromarray((np.asarray(pattern, np.float32) * 255).astype(np.uint8))


def rotated_garments(x_test: np.ndarray) -> Callable[[np.random.Generator], Image.Image]:
    """A test-split garment turned 90 degrees, as a photo: dark on white."""

    def make(rng: np.random.Generator) -> Image.Image:
        image = np.rot90(x_test[rng.integers(len(x_test))], k=1 if rng.random() < 0.5 else 3)
        return Image.fromarray(255 - image).resize((112, 112), Image.Resampling.BICUBIC)

    return make


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
SYMBOLS = "@#%&*+=?!$§¶©®€£¥∑∞≈★☆♠♣♥♦☺☼♪"


def ood_sets(x_test: np.ndarray) -> dict[str, Callable[[np.random.Generator], Image.Image]]:
    """Each set's name and a function that makes one of its pictures."""
    return {
        "noise": noise,
        "gradients": gradient,
        "shapes": shape,
        "letters": lambda rng: glyph(rng, LETTERS),
        "digits": lambda rng: glyph(rng, DIGITS),
        "symbols": lambda rng: glyph(rng, SYMBOLS),
        "textures": texture,
        "garments turned 90°": rotated_garments(x_test),
    }


def pictures(make: Callable, count: int, seed: int) -> Iterator[Image.Image]:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield make(rng)
