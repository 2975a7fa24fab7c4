"""A held-out set of hand-drawn pictures: garment icons of every class, and other things.

    python -m benchmarks.own_set build [--out DIR]    # render, write manifest.csv
    python -m benchmarks.own_set sheets [--out DIR]   # contact sheets, for checking by eye

Every SVG in benchmarks/own_set/svg/ was drawn by hand for this project: path data
composed in a 24x24 view box, glyph in currentColor, nothing taken, traced or imitated from
an icon set, emoji set, font or clip art. Each Fashion-MNIST class has DESIGNS_PER_CLASS
designs (a hoodie and a crew sweater, jeans and wide trousers, a tote and a backpack...),
drawn upright from the front, shoes and boots from the side; NON_GARMENTS other designs
are everyday objects, animals, food, tools, buildings and vehicles (no hat, glove, sock,
scarf, belt, jewellery, person, hanger, shoe or bag). Each design comes in two renderings:
a filled silhouette with its details (collar, button line, seams, laces) cut out, and an
outline. Names: `<slug>-<n>-filled.svg` and `-outline.svg`, slug a class's (SLUGS), or
`other-<object>-filled.svg` for the rest.

Held out: every picture's split is `held_out_source`. The set is never used for training,
tuning or calibration, so that figures on it say how the app reads garment icons drawn
apart from every source it learned or was tuned on. `build` renders each SVG as
benchmarks.dev_set does (rsvg-convert, SIZE px, every STYLE) into DIR/own/ and writes
DIR/manifest.csv in dev_set's format (source `own`, label a class name or
`not_a_garment`), for `python -m benchmarks.real_pictures --dir DIR`.
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections import Counter
from pathlib import Path

from benchmarks.dev_set import (
    FIELDS,
    NOT_A_GARMENT,
    STYLES,
    Icon,
    file_name,
    make_sheets,
    write_set,
)
from fashion_cnn.common.config import CLASS_NAMES

HERE = Path(__file__).parent / "own_set"
SVG_DIR = HERE / "svg"
DEFAULT_OUT = HERE / "build"
SHEETS = HERE / "sheets"
SOURCE, SPLIT = "own", "held_out_source"
SLUGS = {
    "tshirt": "T-shirt/top",
    "trouser": "Trouser",
    "pullover": "Pullover",
    "dress": "Dress",
    "coat": "Coat",
    "sandal": "Sandal",
    "shirt": "Shirt",
    "sneaker": "Sneaker",
    "bag": "Bag",
    "ankle-boot": "Ankle boot",
}
DESIGNS_PER_CLASS, NON_GARMENTS = 6, 20
RENDERINGS = ("filled", "outline")
GARMENT_NAME = re.compile(rf"^({'|'.join(SLUGS)})-(\d+)-({'|'.join(RENDERINGS)})$")
OTHER_NAME = re.compile(rf"^other-([a-z]+(?:-[a-z]+)*)-({'|'.join(RENDERINGS)})$")


def label_of(name: str) -> str:
    """A drawing's label from its file name: a class name, or NOT_A_GARMENT."""
    if match := GARMENT_NAME.match(name):
        return SLUGS[match.group(1)]
    if OTHER_NAME.match(name):
        return NOT_A_GARMENT
    raise ValueError(f"{name}.svg: not <class slug>-<n>-<rendering> nor other-<object>-...")


def load_drawings(folder: Path = SVG_DIR) -> list[tuple[Icon, str]]:
    """Every drawing with its label, by name; checks that each class has its designs,
    each in both renderings."""
    drawings = [
        (Icon(SOURCE, path.stem, path.read_text()), label_of(path.stem))
        for path in sorted(folder.glob("*.svg"))
    ]
    designs = Counter(label for icon, label in drawings if icon.name.endswith("-filled"))
    outlines = Counter(label for icon, label in drawings if icon.name.endswith("-outline"))
    wanted = dict.fromkeys(CLASS_NAMES, DESIGNS_PER_CLASS) | {NOT_A_GARMENT: NON_GARMENTS}
    if designs != wanted or outlines != wanted:
        raise ValueError(
            f"{folder}: designs per label {dict(designs)}, outlines "
            f"{dict(outlines)}; wanted {wanted} of each"
        )
    return drawings


def build(out: Path, folder: Path = SVG_DIR) -> list[dict[str, str]]:
    """Render every drawing in every style into `out`, with manifest.csv."""
    rows, jobs = [], []
    for icon, label in load_drawings(folder):
        for style in STYLES:
            name = file_name(icon, style)
            values = (name, SOURCE, icon.name, style, label, SPLIT)
            rows.append(dict(zip(FIELDS, values, strict=True)))
            jobs.append((icon, style, out / name))
    write_set(out, rows, jobs)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("build", "sheets"))
    parser.add_argument(
        "--out", type=Path, help=f"default: {DEFAULT_OUT} (build), {SHEETS} (sheets)"
    )
    args = parser.parse_args()
    if args.command == "sheets":
        out = args.out or SHEETS
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        icons = [icon for icon, _ in load_drawings()]
        print("sheets:", *map(str, make_sheets(icons, "own", out)), sep="\n  ")
        return
    out = args.out or DEFAULT_OUT
    rows = build(out)
    counts = Counter(row["label"] for row in rows if row["style"] == "black_on_white")
    for label, n in sorted(counts.items()):
        print(f"{SPLIT:16s} {label:14s} {n:4d} drawings")
    print(f"{len(rows)} pictures in {len(STYLES)} styles; manifest: {out / 'manifest.csv'}")


if __name__ == "__main__":
    main()
