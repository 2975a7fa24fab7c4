"""Pictures drawn by hand for the project (`python -m benchmarks.own_set build`), as they
are, for the CNN for drawings and icons to learn from.

The styled garments of fashion_cnn.training.styles are made from grey shapes, so they
never show what a hand-drawn picture has: texture, hatching, stickers' shadows, pixel
steps, a pen line over a wash. These pictures do. Each pool picture is one of them turned
a little, scaled, its colours swapped about and, where its ground is clear, laid on a
plain ground, then read by the app's own preprocessing. Only the sources asked for come
in, never a held-out one: the held-out sets stay what says how the app reads styles it
never saw.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from fashion_cnn.common.config import CLASS_NAMES
from fashion_cnn.serving.preprocess import ImageInputError, preprocess

OTHER = -1  # the label of a picture of something else (even targets: outlier exposure)
TRAINED_SPLIT = "development"  # own_set's split for sets that are not held out


def picture_files(manifest: Path, sources: Sequence[str]) -> list[tuple[Path, int]]:
    """The pictures of `sources` in a built set's manifest.csv, with class indices (OTHER
    for other things). ValueError, in one line, for a held-out source or none found."""
    manifest = Path(manifest)
    if not manifest.is_file():
        raise ValueError(f"{manifest} not found: run `python -m benchmarks.own_set build`")
    with manifest.open(newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["source"] in sources]
    if held_out := sorted({r["source"] for r in rows if r["split"] != TRAINED_SPLIT}):
        raise ValueError(f"{', '.join(held_out)}: held out, never trained on")
    if missing := sorted(set(sources) - {r["source"] for r in rows}):
        raise ValueError(f"{manifest}: no pictures of {', '.join(missing)}")
    return [
        (manifest.parent / r["file"], CLASS_NAMES.index(r["label"]))
        if r["label"] in CLASS_NAMES
        else (manifest.parent / r["file"], OTHER)
        for r in rows
    ]


def varied(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The picture turned up to 8 degrees, at 60-120% of its size, its colour channels in
    another order (a red shirt becomes a green or blue one), and on a plain ground where
    it has none (white, a tint or a dark colour): what changes from visitor to visitor."""
    rgba = image.convert("RGBA")
    # A picture with a ground of its own turns on that ground, not on a clear one.
    opaque = rgba.getchannel("A").getextrema()[0] == 255
    corner = rgba.getpixel((0, 0)) if opaque else (0, 0, 0, 0)
    side = max(8, round(max(rgba.size) * rng.uniform(0.6, 1.2)))
    rgba = rgba.resize((side, side), Image.Resampling.BICUBIC)
    turn = float(rng.uniform(-8, 8))
    rgba = rgba.rotate(turn, Image.Resampling.BICUBIC, expand=True, fillcolor=corner)
    r, g, b, a = rgba.split()
    order = [(r, g, b)[i] for i in rng.permutation(3)]
    rgba = Image.merge("RGBA", (*order, a))
    pick = rng.random()
    ground = (
        (255, 255, 255)
        if pick < 0.5
        else tuple(int(v) for v in rng.integers(200, 256, 3))
        if pick < 0.8
        else tuple(int(v) for v in rng.integers(0, 60, 3))
    )
    flat = Image.new("RGB", rgba.size, ground)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def picture_inputs(files: Sequence[tuple[Path, int]], count: int, seed: int):
    """`count` varied pictures (`varied`) as the CNN's 28x28 inputs, read by the app's
    preprocessing (kind "auto"), and their labels; unreadable ones are skipped."""
    rng = np.random.default_rng(seed)
    originals = []
    for path, _ in files:
        with Image.open(path) as image:
            originals.append(image.convert("RGBA"))
    out, kept = [], []
    for i in rng.choice(len(files), count, replace=count > len(files)):
        try:
            out.append(preprocess(varied(originals[i], rng), "auto").image)
            kept.append(files[i][1])
        except ImageInputError:
            continue
    return np.stack(out), np.array(kept, np.int16)
