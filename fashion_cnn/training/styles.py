"""Pictures in the styles visitors bring, made from any grey shape (a training garment, a
letter, an icon), then read by the app's own preprocessing.

Visitors upload icons and emoji, not product photos: filled silhouettes in one colour,
outlines with the inner seams, cut-out seam lines, flat colour with a dark outline and
some shading, posterised tones, on white, dark, tinted or transparent grounds. Each
`STYLES` renderer makes one of these from a shape's grey levels, so that garments and the
non-garments of outlier exposure (fashion_cnn.training.outliers) come in the same styles,
and style alone tells the CNN nothing about which is which.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from scipy import ndimage

from fashion_cnn.common.config import CLASS_NAMES
from fashion_cnn.serving.preprocess import ImageInputError, preprocess

Colour = np.ndarray  # (3,) floats 0-255


def upscale(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A shape's grey levels at 72-160 px, turned a little and squeezed, as floats 0-255."""
    side = int(rng.integers(72, 161))
    size = (side, max(8, int(side * rng.uniform(0.85, 1.15))))
    image = Image.fromarray(np.asarray(gray, np.uint8)).resize(size, Image.Resampling.BICUBIC)
    image = image.rotate(float(rng.uniform(-8, 8)), Image.Resampling.BILINEAR, expand=True)
    return np.asarray(image, np.float32)


def shape_mask(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The shape: every pixel above a low level, small specks and pinholes removed."""
    mask = levels > rng.uniform(15, 45)
    return ndimage.binary_opening(ndimage.binary_closing(mask, iterations=1), iterations=1)


def seams(levels: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Inner lines: the strongest changes of grey inside the shape (collars, button lines,
    pockets, soles), as thin lines."""
    smooth = ndimage.gaussian_filter(levels, 1.2)
    strength = np.hypot(ndimage.sobel(smooth, 0), ndimage.sobel(smooth, 1))
    inside = ndimage.binary_erosion(mask, iterations=3)
    if not inside.any():
        return inside
    lines = inside & (strength > np.quantile(strength[inside], rng.uniform(0.8, 0.93)))
    return thicken(lines, int(rng.integers(0, 2)))


def thicken(mask: np.ndarray, steps: int) -> np.ndarray:
    """Grow a mask by `steps` pixels (SciPy reads 0 iterations as "until nothing changes")."""
    return ndimage.binary_dilation(mask, iterations=steps) if steps > 0 else mask


def outline(mask: np.ndarray, width: int) -> np.ndarray:
    """The shape's edge, `width` pixels wide, inside the shape."""
    return mask & ~ndimage.binary_erosion(mask, iterations=width, border_value=0)


def colour(rng: np.random.Generator, dark: bool) -> Colour:
    """A grey or a colour; `dark`: one that shows on a light ground."""
    if rng.random() < 0.4:
        grey = rng.uniform(0, 120) if dark else rng.uniform(170, 255)
        return np.full(3, grey)
    hue = rng.uniform(0, 255, 3)
    return hue * rng.uniform(0.2, 0.6) if dark else np.minimum(hue + 60, 255)


def paint(shape: np.ndarray, layers: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """(H, W, 3) paint: each (mask, colour or per-pixel colours) over the last."""
    out = np.zeros((*shape, 3), np.float32)
    for where, paint_colour in layers:
        out[where] = paint_colour if paint_colour.ndim == 1 else paint_colour[where]
    return out


def flat(levels, mask, rng, ink) -> list:
    """One colour, as a filled glyph."""
    return [(mask, ink)]


def cut_seams(levels, mask, rng, ink) -> list:
    """A filled glyph whose inner lines are cut out to the ground (filled UI icons)."""
    return [(mask, ink), (seams(levels, mask, rng), None)]


def line_icon(levels, mask, rng, ink) -> list:
    """An outline of even width, with or without its inner lines (outlined UI icons)."""
    width = int(rng.integers(2, max(3, mask.shape[0] // 14)))
    lines = outline(mask, width)
    if rng.random() < 0.6:
        lines |= thicken(seams(levels, mask, rng), width // 3)
    return [(lines, ink)]


def emoji_like(levels, mask, rng, ink) -> list:
    """A bright fill shaded by the shape's own tones, a dark outline, maybe inner lines."""
    fill = colour(rng, dark=False)
    shade = 0.55 + 0.45 * np.clip(levels / max(float(levels.max()), 1.0), 0, 1)[..., None]
    dark = colour(rng, dark=True) * rng.uniform(0.2, 0.6)
    layers = [(mask, fill * shade), (outline(mask, int(rng.integers(1, 5))), dark)]
    if rng.random() < 0.5:
        layers.append((seams(levels, mask, rng), dark))
    return layers


def posterised(levels, mask, rng, ink) -> list:
    """Two to four flat tones between a colour and a lighter one (flat-shaded art)."""
    steps = int(rng.integers(2, 5))
    tone = np.floor(np.clip(levels / 256.0, 0, 0.999) * steps) / max(steps - 1, 1)
    light = colour(rng, dark=False)
    ramp = ink + (light - ink) * tone[..., None]
    return [(mask, ramp)]


STYLES: dict[str, Callable] = {
    "flat": flat,
    "cut_seams": cut_seams,
    "line_icon": line_icon,
    "emoji_like": emoji_like,
    "posterised": posterised,
}


def ground(rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """A background: white mostly, else dark, tinted or transparent; and if it is light."""
    pick = rng.random()
    if pick < 0.55:
        return np.full(3, rng.uniform(235, 255)), True
    if pick < 0.75:
        return np.full(3, rng.uniform(0, 45)), False
    if pick < 0.9:
        return rng.uniform(200, 255, 3), True
    return np.zeros(3), False  # with alpha 0 all round: transparent


def stylise(gray: np.ndarray, rng: np.random.Generator, style: str | None = None) -> Image.Image:
    """`gray` (light shape on black, any size) as a picture in a random or named style,
    with a margin, as a visitor might upload it (RGB, or RGBA on a transparent ground)."""
    levels = upscale(gray, rng)
    mask = shape_mask(levels, rng)
    back, light = ground(rng)
    ink = colour(rng, dark=light)
    layers = STYLES[style or rng.choice(list(STYLES))](levels, mask, rng, ink)
    pixels = paint(mask.shape, [(w, back if c is None else c) for w, c in layers])
    drawn = np.zeros(mask.shape, bool)
    for where, _ in layers:
        drawn |= where
    pixels[~drawn] = back
    margin = int(rng.integers(2, max(3, max(mask.shape) // 5)))
    pad = ((margin, margin), (margin, margin))
    rgb = np.stack([np.pad(pixels[..., c], pad, constant_values=back[c]) for c in range(3)], -1)
    picture = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    if light or back.any():
        return picture
    alpha = np.pad(drawn, pad).astype(np.uint8) * 255  # transparent ground
    return Image.fromarray(np.dstack([np.asarray(picture), alpha]), "RGBA")


def style_inputs(
    shapes: np.ndarray, labels: np.ndarray, count: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """`count` pictures of `shapes` in random styles, as the CNN's 28x28 inputs (read by the
    app's preprocessing, kind "auto"), with their labels; unreadable ones are skipped."""
    rng = np.random.default_rng(seed)
    out, kept = [], []
    for i in rng.choice(len(shapes), count, replace=count > len(shapes)):
        try:
            out.append(preprocess(stylise(shapes[i], rng), "auto").image)
            kept.append(i)
        except ImageInputError:
            continue
    return np.stack(out), labels[np.array(kept)]


def icon_shapes(files: Sequence[Path], side: int = 112) -> np.ndarray:
    """Icons drawn dark on a light ground (PNG files) as light shapes on black."""
    shapes = []
    for png in files:
        with Image.open(png) as image:
            shapes.append(np.asarray(ImageOps.invert(image.convert("L")).resize((side, side))))
    return np.stack(shapes) if shapes else np.zeros((0, side, side), np.uint8)


def development_garment_files(manifest: Path, style: str | None = None) -> list[tuple[Path, int]]:
    """The garment icons of a development set (`python -m benchmarks.dev_set build`: its
    manifest.csv), split `dev` only, in `style` or every style: files and class indices.
    Held-out sources never come in. ValueError, in one line, where there are none."""
    manifest = Path(manifest)
    if not manifest.is_file():
        raise ValueError(f"{manifest} not found: run `python -m benchmarks.dev_set build`")
    with manifest.open(newline="") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["split"] == "dev" and r["label"] in CLASS_NAMES and style in (None, r["style"])
        ]
    if not rows:
        raise ValueError(f"{manifest}: no `dev` garment icons (build the set first)")
    return [(manifest.parent / r["file"], CLASS_NAMES.index(r["label"])) for r in rows]


def development_garments(manifest: Path) -> tuple[np.ndarray, np.ndarray]:
    """The development set's `dev` garment icons, black on white, as shapes (light on
    black) and class indices."""
    files = development_garment_files(manifest, "black_on_white")
    shapes = icon_shapes([path for path, _ in files])
    return shapes, np.array([label for _, label in files], np.uint8)
