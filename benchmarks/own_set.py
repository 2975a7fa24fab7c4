"""Sets of hand-drawn pictures: garments of every class, and other things.

    python -m benchmarks.own_set build [--out DIR]    # render, write manifest.csv
    python -m benchmarks.own_set sheets [--out DIR]   # contact sheets, for checking by eye

Every SVG here was drawn by hand for this project as path data, nothing taken, traced or
imitated from an icon set, emoji set, font or clip art. Each Fashion-MNIST class has its
designs (a hoodie and a crew sweater, jeans and wide trousers, a tote and a backpack...),
drawn upright from the front, shoes and boots from the side; the other designs are
everyday objects, animals, food, plants, tools, buildings and vehicles (no hat, glove,
sock, scarf, belt, jewellery, person, hanger, shoe or bag). Seven folders (SETS):

- benchmarks/own_set/svg/ (source `own`): icons in a 24x24 view box, glyph in
  currentColor, DESIGNS_PER_CLASS designs of each class and NON_GARMENTS others, each as
  a filled silhouette with its details (collar, button line, seams, laces) cut out and as
  an outline: `<slug>-<n>-filled.svg` and `-outline.svg`, slug a class's (SLUGS), or
  `other-<object>-filled.svg` for the rest. Rendered in every dev_set STYLE.
- benchmarks/own_set/colour/ (source `own_colour`): pictures with colours of their own in
  a 64x64 view box, COLOUR_DESIGNS_PER_CLASS designs of each class and COLOUR_NON_GARMENTS
  others, each as an emoji-like picture (fill colours, a dark outline, a highlight or
  shadow, details in colour) and as a quick doodle (wobbly strokes in one or two pen
  colours, no fill of the whole shape): `<slug>-<n>-emoji.svg` and `-doodle.svg`, or
  `other-<object>-emoji.svg`. Rendered as drawn, on white and on a transparent ground
  (dev_set.AS_DRAWN_STYLES).
- benchmarks/own_set/sketch/ (source `own_sketch`): the same for SKETCH_DESIGNS_PER_CLASS
  designs of each class and SKETCH_NON_GARMENTS others, each as a flat-design
  illustration (solid fills and gradients, no outline, details in other colours) and as
  a marker sketch (wobbly strokes in two or three pens, hatching, gaps and overshoots):
  `<slug>-<n>-flat.svg` and `-sketch.svg`, or `other-<object>-flat.svg`.
- benchmarks/own_set/shaded/ (source `own_shaded`): the styles the sketch set's figures
  showed to be read worst, drawn anew: SHADED_DESIGNS_PER_CLASS
  designs of each class and SHADED_NON_GARMENTS others, each as a flat-design
  illustration in gradients (`-gradient`) and as a pen sketch shaded by hatching
  (`-hatched`).
- benchmarks/own_set/mixed/ (source `own_mixed`): MIXED_DESIGNS_PER_CLASS designs of each
  class and MIXED_NON_GARMENTS others, each as a die-cut sticker with a drop shadow
  (`-sticker`), pixel art (`-pixel`), a watercolour with a pencil line (`-watercolour`)
  and a chalk drawing on a blackboard (`-chalk`).
- benchmarks/own_set/craft/ (source `own_craft`): CRAFT_DESIGNS_PER_CLASS designs of each
  class and CRAFT_NON_GARMENTS others, each as a fashion designer's technical flat (thin
  even lines, dashed stitching: `-technical`), a child's wax-crayon drawing (`-crayon`),
  a neon sign on a dark wall (`-neon`) and a block print with carved lines (`-linocut`),
  each on its own ground (paper, a wall), so rendered once.
- benchmarks/own_set/fresh/ (source `own_fresh`): FRESH_DESIGNS_PER_CLASS designs of each
  class and FRESH_NON_GARMENTS others, each as cross-stitch or satin embroidery on linen or
  aida, most in a hoop (`-stitch`), white or pale-cyan lines on blue grid paper with
  dimension lines (`-blueprint`), a collage of torn and cut coloured paper with drop
  shadows on card (`-papercut`) and a loose blue ballpoint sketch of repeated strokes on
  ruled notebook paper (`-ballpoint`), each on its own ground, so rendered once. Written
  by benchmarks/own_set/fresh_src/make_fresh.py from outlines drawn as path data in
  fresh_src/designs.py, one outline per design rendered four ways.

No set is calibrated on. The craft and fresh sets are held out (split `held_out_source`):
each drawn by a helper who never ran the app on it, in styles of no other set, and nothing
was trained or tuned on it, so their figures say how the app reads garments drawn apart
from every source it learned or was tuned on. The other five are development sets (split
`development`): the icons, the colour, sketch and mixed sets were held out until their
misreadings led to a change (benchmarks.md says which). Four of them, TRAINED_ON, are
also what the CNN for drawings and icons learns from as they are
(fashion_cnn.training.pictures, which refuses a held-out source); the sketch set is what
its candidates are chosen on. `build`
renders each SVG as
benchmarks.dev_set does (rsvg-convert, SIZE px) into DIR/<source>/ and writes
DIR/manifest.csv in dev_set's format (label a class name or `not_a_garment`), for
`python -m benchmarks.real_pictures --dir DIR`.
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.dev_set import (
    AS_DRAWN_STYLES,
    FIELDS,
    HELD_OUT,
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
COLOUR_DIR = HERE / "colour"
SKETCH_DIR = HERE / "sketch"
SHADED_DIR = HERE / "shaded"
MIXED_DIR = HERE / "mixed"
CRAFT_DIR = HERE / "craft"
FRESH_DIR = HERE / "fresh"
DEFAULT_OUT = HERE / "build"
SHEETS = HERE / "sheets"
SOURCE, COLOUR_SOURCE, SKETCH_SOURCE = "own", "own_colour", "own_sketch"
SHADED_SOURCE, MIXED_SOURCE, CRAFT_SOURCE = "own_shaded", "own_mixed", "own_craft"
FRESH_SOURCE = "own_fresh"
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
COLOUR_DESIGNS_PER_CLASS, COLOUR_NON_GARMENTS = 4, 24
COLOUR_RENDERINGS = ("emoji", "doodle")
SKETCH_DESIGNS_PER_CLASS, SKETCH_NON_GARMENTS = 3, 12
SKETCH_RENDERINGS = ("flat", "sketch")
SHADED_DESIGNS_PER_CLASS, SHADED_NON_GARMENTS = 4, 16
SHADED_RENDERINGS = ("gradient", "hatched")
MIXED_DESIGNS_PER_CLASS, MIXED_NON_GARMENTS = 3, 12
MIXED_RENDERINGS = ("sticker", "pixel", "watercolour", "chalk")
CRAFT_DESIGNS_PER_CLASS, CRAFT_NON_GARMENTS = 3, 12
CRAFT_RENDERINGS = ("technical", "crayon", "neon", "linocut")
FRESH_DESIGNS_PER_CLASS, FRESH_NON_GARMENTS = 3, 12
FRESH_RENDERINGS = ("stitch", "blueprint", "papercut", "ballpoint")
DEVELOPMENT = "development"  # not dev_set's "dev": only TRAINED_ON sources are trained on
# The sources the CNN for drawings and icons learns from (--hand-drawn-sources, model.md);
# the sketch set stays what candidates are chosen on, the held-out sets what they are told by.
TRAINED_ON = (SOURCE, COLOUR_SOURCE, SHADED_SOURCE, MIXED_SOURCE)


def name_patterns(renderings: Sequence[str]) -> tuple[re.Pattern, re.Pattern]:
    """File stems of a garment (`<slug>-<n>-<rendering>`) and of another thing."""
    either = "|".join(renderings)
    return (
        re.compile(rf"^({'|'.join(SLUGS)})-(\d+)-({either})$"),
        re.compile(rf"^other-([a-z]+(?:-[a-z]+)*)-({either})$"),
    )


@dataclass(frozen=True)
class DrawnSet:
    """One folder of drawings: its source name and split, renderings, counts and styles."""

    source: str
    split: str  # DEVELOPMENT, or HELD_OUT where nothing was tuned on it
    folder: Path
    renderings: tuple[str, ...]
    designs_per_class: int
    non_garments: int
    styles: tuple[str, ...]


ICONS = DrawnSet(
    SOURCE, DEVELOPMENT, SVG_DIR, RENDERINGS, DESIGNS_PER_CLASS, NON_GARMENTS, tuple(STYLES)
)
COLOUR = DrawnSet(
    COLOUR_SOURCE,
    DEVELOPMENT,
    COLOUR_DIR,
    COLOUR_RENDERINGS,
    COLOUR_DESIGNS_PER_CLASS,
    COLOUR_NON_GARMENTS,
    tuple(AS_DRAWN_STYLES),
)
SKETCH = DrawnSet(
    SKETCH_SOURCE,
    DEVELOPMENT,
    SKETCH_DIR,
    SKETCH_RENDERINGS,
    SKETCH_DESIGNS_PER_CLASS,
    SKETCH_NON_GARMENTS,
    tuple(AS_DRAWN_STYLES),
)
SHADED = DrawnSet(
    SHADED_SOURCE,
    DEVELOPMENT,
    SHADED_DIR,
    SHADED_RENDERINGS,
    SHADED_DESIGNS_PER_CLASS,
    SHADED_NON_GARMENTS,
    tuple(AS_DRAWN_STYLES),
)
MIXED = DrawnSet(
    MIXED_SOURCE,
    DEVELOPMENT,
    MIXED_DIR,
    MIXED_RENDERINGS,
    MIXED_DESIGNS_PER_CLASS,
    MIXED_NON_GARMENTS,
    tuple(AS_DRAWN_STYLES),
)
CRAFT = DrawnSet(
    CRAFT_SOURCE,
    HELD_OUT,
    CRAFT_DIR,
    CRAFT_RENDERINGS,
    CRAFT_DESIGNS_PER_CLASS,
    CRAFT_NON_GARMENTS,
    ("as_drawn_on_white",),  # every picture has its own ground: a clear one would repeat it
)
FRESH = DrawnSet(
    FRESH_SOURCE,
    HELD_OUT,
    FRESH_DIR,
    FRESH_RENDERINGS,
    FRESH_DESIGNS_PER_CLASS,
    FRESH_NON_GARMENTS,
    ("as_drawn_on_white",),  # every picture has its own ground (fabric, paper, card)
)
SETS = (ICONS, COLOUR, SKETCH, SHADED, MIXED, CRAFT, FRESH)


def label_of(name: str, renderings: Sequence[str] = RENDERINGS) -> str:
    """A drawing's label from its file name: a class name, or NOT_A_GARMENT."""
    garment, other = name_patterns(renderings)
    if match := garment.match(name):
        return SLUGS[match.group(1)]
    if other.match(name):
        return NOT_A_GARMENT
    raise ValueError(f"{name}.svg: not <class slug>-<n>-<rendering> nor other-<object>-...")


def load_drawings(drawn: DrawnSet = ICONS, folder: Path | None = None) -> list[tuple[Icon, str]]:
    """Every drawing of a set (from `folder`, else the set's own) with its label, by name;
    checks that each class has its designs, each in both renderings."""
    folder = folder or drawn.folder
    drawings = [
        (Icon(drawn.source, path.stem, path.read_text()), label_of(path.stem, drawn.renderings))
        for path in sorted(folder.glob("*.svg"))
    ]
    counts = [
        Counter(label for icon, label in drawings if icon.name.endswith(f"-{rendering}"))
        for rendering in drawn.renderings
    ]
    wanted = dict.fromkeys(CLASS_NAMES, drawn.designs_per_class)
    wanted[NOT_A_GARMENT] = drawn.non_garments
    if any(count != wanted for count in counts):
        found = "; ".join(f"{r} {dict(c)}" for r, c in zip(drawn.renderings, counts, strict=True))
        raise ValueError(f"{folder}: drawings per label: {found}; wanted {wanted} of each")
    return drawings


def build(out: Path, sets: Sequence[DrawnSet] = SETS) -> list[dict[str, str]]:
    """Render every drawing of `sets` in each set's styles into `out`, with manifest.csv."""
    rows, jobs = [], []
    for drawn in sets:
        for icon, label in load_drawings(drawn):
            for style in drawn.styles:
                name = file_name(icon, style)
                values = (name, drawn.source, icon.name, style, label, drawn.split)
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
        made = []
        for drawn in SETS:
            icons = [icon for icon, _ in load_drawings(drawn)]
            made += make_sheets(icons, drawn.source, out, style=drawn.styles[0])
        print("sheets:", *map(str, made), sep="\n  ")
        return
    out = args.out or DEFAULT_OUT
    rows = build(out)
    for drawn in SETS:
        these = [row for row in rows if row["source"] == drawn.source]
        counts = Counter(row["label"] for row in these if row["style"] == drawn.styles[0])
        for label, n in sorted(counts.items()):
            print(f"{drawn.source:10s} {drawn.split:16s} {label:14s} {n:4d} drawings")
        print(f"{drawn.source}: {len(these)} pictures in {len(drawn.styles)} styles")
    print(f"{len(rows)} pictures; manifest: {out / 'manifest.csv'}")


if __name__ == "__main__":
    main()
