"""A development set of real pictures: UI icons rendered to PNG, garments labelled by eye.

    python -m benchmarks.dev_set build [--out DIR]    # npm ci, render, write manifest.csv
    python -m benchmarks.dev_set sheets [--out DIR]   # contact sheets for labelling by eye
    python -m benchmarks.dev_set outliers [--out DIR] # non-garment icons to train on

Sources: only the @iconify-json icon sets pinned in benchmarks/dev_set/package.json (SETS
below). Every other icon, emoji or clip-art set, emoji fonts included, is held out by the
project owner: never download, view, train, tune or calibrate on any of them.

Each icon's SVG body is wrapped with its set's view box, padded by PAD on each side (an
uploaded icon has a margin), and rendered by Debian's `rsvg-convert` at SIZE px in every
STYLE: black glyph on white, white glyph on near-black, and a mid-tone colour on white
(grey levels other than full ink). `manifest.csv` has one row per PNG: file, source set,
icon name, style, label (a Fashion-MNIST class name or `not_a_garment`) and split.

Splits, by source: HELD_OUT_SOURCES (`fluent`, `solar`, `tabler`, `la`) are
`held_out_source`, never to be used for tuning, so that figures on them say how the app
does on icon styles it has never seen; every other set is `dev`.

Variants: where a set ships one glyph in several near-identical strokes (rounded, sharp,
duotone, Fluent's sizes), only a filled and an outlined one are kept (DROP_VARIANTS,
distinct_glyphs), so that no glyph counts many times.

Garments: icons whose name holds a garment word (GARMENT_WORDS) and no word of a badge or
of another thing (MODIFIER_WORDS: briefcase-clock, bag-off, person-dress, shoe-prints are
left out) are candidates. Each was looked at on a contact sheet (`sheets`) and labelled in
benchmarks/dev_set/labels.csv (set, icon, label), `reject` where it is no clear
Fashion-MNIST garment. Labels go by the picture, not the name. The rules:
- T-shirt/top: T-shirts, polos, sports jerseys (short sleeves or none).
- Shirt: a shirt with a collar and a button line (ri's folded shirt included); a
  long-sleeved top without either would be Pullover. Coat: a long-sleeved garment open
  down the front (jacket, blazer). A sleeveless vest or gilet is rejected.
- Dress: dresses and gowns; a skirt alone is rejected (no such class).
- Bag: handbags, totes, shopping bags with handles, backpacks, briefcases, and suitcases
  drawn as a case with a top handle and no wheels (mdi's wallet-travel is drawn so);
  rejected: luggage on wheels or with a pull handle, wallets, a paper sack.
- Sneaker: lace-up sports or casual shoes, football boots with studs included. Sandal:
  sandals, flip-flops (a pair counts) and high heels, which Fashion-MNIST files there.
  Ankle boot: boots to the ankle or higher. A formal shoe or ballet flats are rejected.
- Rejected too: a garment with marks beside its outline (ri's t-shirt-air), hangers,
  the sport of polo, and anything else matched by name that is not a garment.
The sets hold no trousers, pullovers, coats or dresses that pass these rules.

Non-garments: NON_GARMENTS_PER_SET icons from each set, chosen by a seeded hash of their
names, leaving out any name with a garment or accessory word (AMBIGUOUS_WORDS: hats,
gloves, socks, jewellery, glasses, people...): those are neither garments nor clearly
not, so they are not used. Contact sheets of the whole sample were checked by eye; what
looked like clothing or a bag there is in AMBIGUOUS_WORDS too.

Outliers to train on (`outliers`): the next OUTLIERS_PER_SET icons of each `dev` set in
the same seeded order, after the ones measured, black on white, for outlier exposure
(fashion_cnn.training.outliers). Never an icon of a held-out source, never one measured.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from fashion_cnn.common.config import CLASS_NAMES

HERE = Path(__file__).parent / "dev_set"
NODE_MODULES = HERE / "node_modules"
LABELS = HERE / "labels.csv"
DEFAULT_OUT = HERE / "build"
SHEETS = HERE / "sheets"
SETS = (
    "mdi",
    "material-symbols",
    "ic",
    "tabler",
    "fa6-solid",
    "fa6-regular",
    "bi",
    "carbon",
    "ri",
    "solar",
    "la",
    "uil",
    "fluent",
)
HELD_OUT = "held_out_source"  # the split of a source nothing is trained, tuned or calibrated on
HELD_OUT_SOURCES = ("fluent", "solar", "tabler", "la")
NOT_A_GARMENT, REJECT = "not_a_garment", "reject"
SIZE = 256
PAD = 0.125  # margin on each side, as a share of the icon's longest edge
STYLES = {  # name: (glyph colour, background colour)
    "black_on_white": ("#000000", "#ffffff"),
    "white_on_dark": ("#ffffff", "#1e1e1e"),
    "colour_on_white": (None, "#ffffff"),  # glyph colour from PALETTE, seeded per icon
}
# Pictures with colours of their own (benchmarks/own_set/colour/), rendered as drawn, on
# this background or, where None, on a transparent one.
AS_DRAWN_STYLES = {"as_drawn_on_white": "#ffffff", "as_drawn_transparent": None}
PALETTE = ("#d32f2f", "#1976d2", "#388e3c", "#f57c00", "#7b1fa2", "#607d8b", "#c2185b")
NON_GARMENTS_PER_SET = 64
OUTLIERS_PER_SET = 400
DEFAULT_OUTLIERS = HERE / "outliers"
SEED = 25

# Name words (whole hyphen-separated words) that make an icon a garment candidate.
GARMENT_WORDS = {
    "shirt", "tshirt", "t-shirt", "polo", "blouse", "tank-top", "sweater", "pullover",
    "hoodie", "jumper", "sweatshirt", "cardigan", "apparel", "checkroom", "clothes",
    "clothing", "dress", "gown", "skirt", "coat", "jacket", "blazer", "parka", "trench",
    "raincoat", "vest", "kimono", "pants", "trousers", "jeans", "shorts", "sandal",
    "sandals", "flip-flop", "flip-flops", "slipper", "slippers", "shoe", "shoes",
    "sneaker", "sneakers", "trainer", "boot", "boots", "heel", "heels", "footwear", "bag",
    "bags", "handbag", "purse", "tote", "backpack", "backpack2", "backpack3", "backpack4",
    "briefcase", "briefcase-2", "suitcase", "suitcase2", "luggage", "baggage", "wallet",
}  # fmt: skip
# Also left out of the non-garments: accessories and what shows clothing or people.
AMBIGUOUS_WORDS = GARMENT_WORDS | {
    "hat", "cap", "caps", "glove", "gloves", "mitten", "sock", "socks", "tie", "bowtie",
    "scarf", "belt", "watch", "glasses", "sunglasses", "eyeglasses", "ring", "necklace",
    "jewelry", "jewel", "diamond", "gem", "crown", "helmet", "hanger", "wardrobe",
    "closet", "dresser", "laundry", "iron", "tailor", "sewing", "button", "zipper",
    "fashion", "uniform", "swimsuit", "bikini", "person", "people", "account", "user",
    "human", "man", "woman", "men", "women", "child", "baby", "face", "body", "mannequin",
    "shop", "store", "shopping", "cart", "basket", "umbrella", "money", "underwear",
    "styler", "wearables", "snowshoeing", "flippers", "shirtsinbulk",
    # Seen on the non-garments' sheets: a fedora, eyewear, a glove, bags' shapes, a watch.
    "redhat", "goggles", "mitts", "toolbox", "cases", "moneybag", "smartwatch",
}  # fmt: skip
# A garment word beside one of these names a badge, a crossed-out glyph or another thing
# (briefcase-clock, bag-off, person-dress, shoe-prints): such icons are left out.
MODIFIER_WORDS = {
    "off", "plus", "minus", "check", "checked", "checkmark", "x", "edit", "search", "add",
    "remove", "download", "upload", "clock", "eye", "account", "arrow", "tag", "question",
    "dismiss", "pause", "play", "percent", "speed", "discount", "exclamation", "heart",
    "smile", "music", "cross", "slash", "dash", "medical", "meal", "person", "document",
    "folder", "laptop", "mail", "navigation", "phone", "receipt", "truck", "no", "inactive",
    "claim", "volume", "cart", "deposit", "rack", "print", "prints", "giftcard",
    "membership", "money", "credit", "patches", "burst", "half", "walking", "flatbed",
    "bookmark", "leave", "blood", "iv", "mower", "water", "lines", "account-balance",
    "hanger", "child", "standing",
}  # fmt: skip
# Near-duplicate variants of one glyph (rounded, sharp, duotone...): dropped.
DROP_VARIANTS = {
    "material-symbols": r"-(rounded|sharp)$",
    "ic": r"^(round|sharp|twotone)-",
    "solar": r"-(bold-duotone|broken|line-duotone|outline)$",
}
FLUENT_NAME = re.compile(r"^(.*)-(\d+)-(filled|regular|light|color)$")
FLUENT_SIZE = 24  # of a Fluent glyph's sizes, the one nearest this is kept


@dataclass(frozen=True)
class Icon:
    source: str  # the icon set, e.g. "mdi"
    name: str
    svg: str  # a whole SVG document, glyph in currentColor


def load_set(source: str, modules: Path = NODE_MODULES) -> dict[str, Icon]:
    """Every visible icon of one installed set, as whole SVG documents.

    Iconify's defaults: a 16x16 box at 0,0, unless the set or the icon says otherwise."""
    data = json.loads((modules / "@iconify-json" / source / "icons.json").read_text())
    icons = {}
    for name, icon in data["icons"].items():
        if icon.get("hidden"):
            continue
        box = [icon.get(k, data.get(k, d)) for k, d in (("left", 0), ("top", 0))]
        box += [icon.get(k, data.get(k, 16)) for k in ("width", "height")]
        icons[name] = Icon(source, name, svg_document(icon["body"], *box))
    return icons


def svg_document(body: str, left: float, top: float, width: float, height: float) -> str:
    """The body in a square view box with a PAD margin, centred, SIZE px."""
    side = max(width, height) * (1 + 2 * PAD)
    x, y = left + (width - side) / 2, top + (height - side) / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' viewBox="{x:g} {y:g} {side:g} {side:g}" width="{SIZE}" height="{SIZE}">'
        f"{body}</svg>"
    )


def words(name: str) -> set[str]:
    """The name's hyphen-separated words and adjacent pairs ("t-shirt", "flip-flops")."""
    parts = name.split("-")
    return set(parts) | {f"{a}-{b}" for a, b in pairwise(parts)}


def distinct_glyphs(icons: Iterable[Icon]) -> list[Icon]:
    """One filled and one outlined variant per glyph, so no glyph counts many times.

    Fluent ships each glyph in several sizes (and light or colour versions): the filled
    and regular ones nearest FLUENT_SIZE are kept."""
    kept, fluent = [], {}
    for icon in icons:
        drop = DROP_VARIANTS.get(icon.source)
        if icon.source == "fluent" and (match := FLUENT_NAME.match(icon.name)):
            stem, size, style = match.groups()
            if style in ("filled", "regular"):
                fluent.setdefault((stem, style), []).append(
                    (abs(int(size) - FLUENT_SIZE), -int(size), icon)
                )
        elif drop is None or not re.search(drop, icon.name):
            kept.append(icon)
    return kept + [min(group, key=lambda t: t[:2])[2] for group in fluent.values()]


def candidates(icons: Iterable[Icon]) -> list[Icon]:
    """Garment candidates: distinct glyphs whose name holds a garment word, and no word
    of a badge or of another thing."""
    return [
        i
        for i in distinct_glyphs(icons)
        if words(i.name) & GARMENT_WORDS and not words(i.name) & MODIFIER_WORDS
    ]


def non_garments(icons: Iterable[Icon], count: int) -> list[Icon]:
    """A seeded sample of distinct glyphs whose name holds no garment or accessory word.

    Each icon's place is a hash of SEED and its name, so leaving one more word out swaps
    only the icons it names, and the rest of the sample stays as checked by eye."""
    pool = [i for i in distinct_glyphs(icons) if not words(i.name) & AMBIGUOUS_WORDS]
    return sorted(sorted(pool, key=sample_key)[:count], key=lambda i: i.name)


def training_outliers(icons: Iterable[Icon], count: int) -> list[Icon]:
    """Non-garments to train on: the `count` icons after the measured sample (non_garments)
    in the same seeded order."""
    pool = [i for i in distinct_glyphs(icons) if not words(i.name) & AMBIGUOUS_WORDS]
    return sorted(pool, key=sample_key)[NON_GARMENTS_PER_SET : NON_GARMENTS_PER_SET + count]


def write_outliers(out: Path, per_set: int = OUTLIERS_PER_SET, modules: Path = NODE_MODULES) -> int:
    """Render every `dev` set's training outliers black on white into out/SET/; returns
    how many. Labelled icons (garments and rejects) are never among them."""
    labels, jobs = read_labels(), []
    for source in (s for s in SETS if split_of(s) == "dev"):
        icons = load_set(source, modules)
        unlabelled = [i for i in icons.values() if (source, i.name) not in labels]
        (out / source).mkdir(parents=True, exist_ok=True)
        for icon in training_outliers(unlabelled, per_set):
            jobs.append((icon, "black_on_white", out / file_name(icon, "black_on_white")))
    render_all(jobs)
    return len(jobs)


def sample_key(icon: Icon) -> str:
    return hashlib.sha256(f"{SEED}/{icon.source}/{icon.name}".encode()).hexdigest()


def glyph_colour(icon: Icon, style: str) -> str:
    """The style's glyph colour; for colour_on_white, one from PALETTE fixed by the name."""
    colour = STYLES[style][0]
    if colour is None:
        colour = PALETTE[sum(map(ord, f"{icon.source}/{icon.name}")) % len(PALETTE)]
    return colour


def render(icon: Icon, style: str, path: Path) -> None:
    """The icon as a SIZE px PNG in `style`, by rsvg-convert (currentColor = the glyph); in
    one of AS_DRAWN_STYLES, with its own colours, on that style's background if any."""
    if style in AS_DRAWN_STYLES:
        svg, background = icon.svg, AS_DRAWN_STYLES[style]
    else:
        svg = icon.svg.replace("<svg ", f'<svg color="{glyph_colour(icon, style)}" ', 1)
        background = STYLES[style][1]
    ground = ["--background-color", background] if background else []
    subprocess.run(
        ["rsvg-convert", *ground, "-o", str(path)],
        input=svg.encode(),
        check=True,
        capture_output=True,
    )


def render_all(jobs: Iterable[tuple[Icon, str, Path]], workers: int = 2) -> None:
    """Render many icons; rsvg-convert runs in child processes, so threads suffice."""
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda job: render(*job), jobs))


def file_name(icon: Icon, style: str) -> str:
    return f"{icon.source}/{icon.name}.{style}.png"


def contact_sheet(pictures: list[tuple[Path, str]], path: Path, columns: int = 8) -> None:
    """A grid of pictures, each captioned (for labelling by eye)."""
    from PIL import Image, ImageDraw, ImageFont  # only the sheets need drawing

    tile, caption = 128, 28
    rows = -(-len(pictures) // columns)
    sheet = Image.new("RGB", (columns * tile, rows * (tile + caption)), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(11)
    for k, (png, text) in enumerate(pictures):
        x, y = (k % columns) * tile, (k // columns) * (tile + caption)
        sheet.paste(Image.open(png).convert("RGB").resize((tile - 8, tile - 8)), (x + 4, y + 4))
        draw.rectangle((x + 4, y + 4, x + tile - 5, y + tile - 5), outline="#bbbbbb")
        for line, part in enumerate((text[:22], text[22:44])):
            draw.text((x + 4, y + tile + line * 12), part, fill="black", font=font)
    sheet.save(path)


def make_sheets(
    icons: list[Icon], prefix: str, out: Path, per_sheet: int = 48, style: str = "black_on_white"
) -> list[Path]:
    """Render `icons` in `style` (black on white) and tile them into numbered contact sheets."""
    tiles = out / "tiles"
    jobs = [(i, style, tiles / file_name(i, style)) for i in icons]
    for _, _, path in jobs:
        path.parent.mkdir(parents=True, exist_ok=True)
    render_all(jobs)
    captions = [(path, f"{i.source}/{i.name}") for i, _, path in jobs]
    sheets = []
    for start in range(0, len(captions), per_sheet):
        sheets.append(out / f"{prefix}-{start // per_sheet + 1:02d}.png")
        contact_sheet(captions[start : start + per_sheet], sheets[-1])
    return sheets


def npm_ci(folder: Path = HERE) -> None:
    """Install the pinned icon sets into folder/node_modules (from npm's cache when warm)."""
    if shutil.which("npm") is None:
        raise SystemExit("npm is not installed (Debian: apt-get install npm)")
    subprocess.run(
        ["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=folder,
        check=True,
    )


def read_labels(path: Path = LABELS) -> dict[tuple[str, str], str]:
    """(set, icon) -> a class name or REJECT, as decided by eye."""
    with path.open(newline="") as f:
        labels = {(row["set"], row["icon"]): row["label"] for row in csv.DictReader(f)}
    unknown = set(labels.values()) - set(CLASS_NAMES) - {REJECT}
    if unknown:
        raise ValueError(f"{path}: unknown labels {sorted(unknown)}")
    return labels


def split_of(source: str) -> str:
    return HELD_OUT if source in HELD_OUT_SOURCES else "dev"


def chosen(
    source: str, icons: dict[str, Icon], labels: dict[tuple[str, str], str], per_set: int
) -> Iterator[tuple[Icon, str]]:
    """The labelled garments of one set, then its seeded sample of non-garments (never
    an icon labelled, even as rejected)."""
    for (label_source, name), label in sorted(labels.items()):
        if label_source != source or label == REJECT:
            continue
        if name not in icons:
            raise ValueError(f"{LABELS.name}: {source}/{name} is not in the installed set")
        yield icons[name], label
    unlabelled = (i for i in icons.values() if (source, i.name) not in labels)
    for icon in non_garments(unlabelled, per_set):
        yield icon, NOT_A_GARMENT


FIELDS = ("file", "source", "icon", "style", "label", "split")


def build(
    out: Path,
    sources: Iterable[str] = SETS,
    per_set: int = NON_GARMENTS_PER_SET,
    modules: Path = NODE_MODULES,
    labels_path: Path = LABELS,
) -> list[dict[str, str]]:
    """Render the chosen icons of `sources` in every style into `out`, with manifest.csv."""
    labels, rows, jobs = read_labels(labels_path), [], []
    for source in sources:
        for icon, label in chosen(source, load_set(source, modules), labels, per_set):
            for style in STYLES:
                name = file_name(icon, style)
                rows.append(
                    dict(
                        zip(
                            FIELDS,
                            (name, source, icon.name, style, label, split_of(source)),
                            strict=True,
                        )
                    )
                )
                jobs.append((icon, style, out / name))
    write_set(out, rows, jobs)
    return rows


def write_set(out: Path, rows: list[dict[str, str]], jobs: list[tuple[Icon, str, Path]]) -> None:
    """Render `jobs` into a clean `out` (a rebuild leaves no PNG of older choices; a folder
    that is not a built set is never replaced) and write its manifest.csv of `rows`."""
    if out.exists():
        if not (out / "manifest.csv").exists() and any(out.iterdir()):
            raise SystemExit(f"{out} is not empty and holds no manifest.csv: not replacing it")
        shutil.rmtree(out)
    for folder in {path.parent for _, _, path in jobs}:
        folder.mkdir(parents=True, exist_ok=True)
    render_all(jobs)
    with (out / "manifest.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_manifest(folder: Path) -> list[dict[str, str]]:
    """The rows of a built set's manifest.csv."""
    with (folder / "manifest.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def sheets(out: Path) -> None:
    """Contact sheets of every unlabelled garment candidate (all of them if none is
    labelled yet) and of a sample of the non-garments, for checking by eye."""
    labels = read_labels() if LABELS.exists() else {}
    sets = {source: load_set(source) for source in SETS}
    fresh = [i for s in SETS for i in candidates(sets[s].values()) if (s, i.name) not in labels]
    picked = [i for s in SETS for i, label in chosen(s, sets[s], {}, NON_GARMENTS_PER_SET)]
    sample = np.random.default_rng(SEED).choice(len(picked), min(240, len(picked)), replace=False)
    out.mkdir(parents=True, exist_ok=True)
    made = make_sheets(fresh, "candidates", out) + make_sheets(
        [picked[k] for k in sorted(sample)], "non-garments", out
    )
    print(f"{len(fresh)} unlabelled candidates; sheets:", *map(str, made), sep="\n  ")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("build", "sheets", "outliers"))
    parser.add_argument(
        "--out",
        type=Path,
        help=f"default: {DEFAULT_OUT} (build), {SHEETS} (sheets), {DEFAULT_OUTLIERS} (outliers)",
    )
    parser.add_argument("--no-install", action="store_true", help="reuse node_modules as it is")
    args = parser.parse_args()
    if not args.no_install:
        npm_ci()
    if args.command == "sheets":
        sheets(args.out or SHEETS)
        return
    if args.command == "outliers":
        out = args.out or DEFAULT_OUTLIERS
        print(f"{write_outliers(out)} non-garment icons to train on, in {out}")
        return
    out = args.out or DEFAULT_OUT
    rows = build(out)
    counts = Counter(
        (row["split"], row["label"]) for row in rows if row["style"] == "black_on_white"
    )
    for (split, label), n in sorted(counts.items()):
        print(f"{split:16s} {label:14s} {n:4d} icons")
    print(f"{len(rows)} pictures in {len(STYLES)} styles; manifest: {out / 'manifest.csv'}")


if __name__ == "__main__":
    main()
