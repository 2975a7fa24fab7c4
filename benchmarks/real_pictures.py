"""How the app reads real pictures: the development icon set, read as uploads are.

    python -m benchmarks.real_pictures [--dir DIR] [--csv FILE] [--reader FILE.onnx] [--write-card]

Reads every PNG of a set built by `python -m benchmarks.dev_set build` the way the Classify
page reads an upload (open_image, preprocess with kind "auto", the bundled predictor with
its CNN for drawings) and prints, per split (`dev`, `held_out_source`) and overall:
garments named right, garments called not a garment, non-garments flagged (unsure or not
a garment: neither "confident" nor "unusual style", which are clear readings), the AUROC
between garments and non-garments of the verdict's garment score (the energy of the CNN
for drawings and icons) and of the Mahalanobis distance from the product photos,
per-class and per-style figures, each verdict's count, and the time per picture. `--reader`
reads with another CNN for drawings and icons (a candidate) in place of model/drawings/.
`--write-card` stores the `held_out_source` figures in the card of model/drawings/ (not
with `--reader`), where the app reads them. A picture the app refuses as blank counts as
called not a garment (and as flagged). Figures only: no pass or fail.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from benchmarks import own_set
from benchmarks.dev_set import DEFAULT_OUT, HELD_OUT, NOT_A_GARMENT, read_manifest
from benchmarks.verdict_rates import auroc
from fashion_cnn.common.config import CLASS_NAMES
from fashion_cnn.common.contract import drawings_model_path, model_card_path, read_model_card
from fashion_cnn.common.files import write_bytes_atomic
from fashion_cnn.serving.predictor import (
    FEATURES,
    PROBABILITIES,
    Predictor,
    load_bundled,
)
from fashion_cnn.serving.preprocess import ImageInputError, open_image, preprocess
from fashion_cnn.serving.verdict import FLAGGED, KINDS, UNUSUAL_STYLE

REFUSED = "refused"  # the app's "nothing to classify": no reading at all
# For the card: held-out sources named on their own, and the rest of a set by its name.
SOURCE_NAMES = {
    own_set.CRAFT_SOURCE: "hand-drawn technical flats, crayon drawings, neon signs and linocuts",
    own_set.FRESH_SOURCE: (
        "hand-drawn embroidery, blueprints, paper collages and ballpoint sketches"
    ),
}
SET_NAMES = {"dev_set": "icons of held-out sets"}


@dataclass(frozen=True)
class Reading:
    file: str
    source: str
    style: str
    label: str  # the truth: a class name or NOT_A_GARMENT
    split: str
    predicted: str  # the top class, or "" when refused
    verdict: str  # one of the verdict's KINDS, or REFUSED
    kind: str  # photo or drawing, as preprocessing resolved "auto"; "" when refused
    distance: float  # the verdict's squared Mahalanobis distance; nan when refused
    score: float  # the verdict's garment score (energy); nan when refused or none
    seconds: float  # decoding, preprocessing and classification


def read_picture(predictor: Predictor, folder: Path, row: dict[str, str]) -> Reading:
    """One picture, read as an upload (the distance is computed after the clock stops)."""
    truth = {key: row[key] for key in ("file", "source", "style", "label", "split")}
    start = time.perf_counter()
    try:
        pre = preprocess(open_image((folder / row["file"]).read_bytes()), kind="auto")
    except ImageInputError:
        seconds = time.perf_counter() - start
        return Reading(
            **truth,
            predicted="",
            verdict=REFUSED,
            kind="",
            distance=np.nan,
            score=np.nan,
            seconds=seconds,
        )
    out = predictor.read(pre.image[None], in_views=True)
    verdict = predictor.judge(out, pre.image[None])[0].kind
    seconds = time.perf_counter() - start
    distance = float(predictor.detector.distances(out[FEATURES])[0])
    score = float(predictor.garment_scores(pre.image[None], in_views=True)[0])  # for all
    predicted = CLASS_NAMES[int(np.argmax(out[PROBABILITIES][0]))]
    return Reading(
        **truth,
        predicted=predicted,
        verdict=verdict,
        kind=pre.kind,
        distance=distance,
        score=score,
        seconds=seconds,
    )


def share(flags: Sequence[bool]) -> str:
    return f"{np.mean(flags):6.1%} ({sum(flags)}/{len(flags)})" if len(flags) else "     -"


def summary(readings: Sequence[Reading]) -> str:
    """Garments named right and called not a garment; non-garments flagged; AUROC."""
    garments = [r for r in readings if r.label != NOT_A_GARMENT]
    others = [r for r in readings if r.label == NOT_A_GARMENT]
    named = share([r.predicted == r.label for r in garments])
    rejected = share([r.verdict in (NOT_A_GARMENT, REFUSED) for r in garments])
    flagged = share([r.verdict in (*FLAGGED, REFUSED) for r in others])
    scores = []
    for measure in (lambda r: -r.score, lambda r: r.distance):  # higher: less a garment
        inside = np.array([measure(r) for r in garments if r.verdict != REFUSED])
        outside = np.array([measure(r) for r in others if r.verdict != REFUSED])
        usable = len(inside) and len(outside) and not np.isnan(inside).any()
        scores.append(f"{auroc(inside, outside):.3f}" if usable else "-")
    return f"{named:>16s} {rejected:>16s} {flagged:>17s} {scores[0]:>6s} {scores[1]:>6s}"


def per_class(readings: Sequence[Reading], splits: Sequence[str]) -> list[str]:
    """Per class: garments named right in each split and overall, and the usual mistake."""
    lines = []
    for name in CLASS_NAMES:
        these = [r for r in readings if r.label == name]
        if not these:
            continue
        groups = [[r for r in these if r.split == s] for s in splits] + [these]
        cells = "".join(f" {share([r.predicted == name for r in g]):>16s}" for g in groups)
        wrong = [r.predicted or REFUSED for r in these if r.predicted != name]
        common = Counter(wrong).most_common(1)[0][0] if wrong else "-"  # ties: first read
        lines.append(f"  {name:12s}{cells}  mostly wrong as: {common}")
    return lines


def report(readings: Sequence[Reading]) -> None:
    """Print every figure: per split, per style, per class, drawings' share, timing."""
    splits = sorted({r.split for r in readings})
    styles = list(dict.fromkeys(r.style for r in readings))  # a set's own, in build order
    garments = [r for r in readings if r.label != NOT_A_GARMENT]
    others = [r for r in readings if r.label == NOT_A_GARMENT]
    print(
        f"{len(readings)} pictures: {len(garments)} of garments, {len(others)} of other "
        f"things, in {len(styles)} styles"
    )
    columns = (
        "garments right",
        "called not garm.",
        "non-garm. flagged",
        "AUROC:",
        "score",
        "dist.",
    )
    pad = " " * 28
    print(f"{pad} {columns[0]:>16s} {columns[1]:>16s} {columns[2]:>17s}  {columns[3]}")
    print(f"{pad} {'':>16s} {'':>16s} {'':>17s} {columns[4]:>6s} {columns[5]:>6s}")
    groups = [(s, [r for r in readings if r.split == s]) for s in splits]
    held_out_sources = sorted({r.source for r in readings if r.split == HELD_OUT})
    if len(held_out_sources) > 1:
        groups += [
            (f"source {s}", [r for r in readings if r.source == s]) for s in held_out_sources
        ]
    groups += [("all", list(readings))]
    groups += [(f"style {s}", [r for r in readings if r.style == s]) for s in styles]
    for name, group in groups:
        print(f"  {name:26s} {summary(group)}")
    print("\nper class, garments named right:", *splits, "all", sep="  ")
    print(*per_class(readings, splits), sep="\n")
    present = [n for n in CLASS_NAMES if any(r.label == n for r in garments)]
    if present:  # a set of other things alone has none
        rates = [np.mean([r.predicted == n for r in garments if r.label == n]) for n in present]
        print(f"  mean over the {len(present)} classes present: {np.mean(rates):.1%}")
    outright = share([r.verdict in (NOT_A_GARMENT, REFUSED) for r in others])
    print(f"non-garments called not a garment outright (or refused as blank): {outright}")
    counts = Counter(r.verdict for r in others)
    print("non-garments' verdicts:", ", ".join(f"{k} {counts[k]}" for k in (*KINDS, REFUSED)))
    for split in splits:  # is a verdict's reading right as often as the verdict says?
        these = [r for r in garments if r.split == split]
        named = [
            f"{k} {sum(r.predicted == r.label for r in these if r.verdict == k)}"
            f"/{sum(r.verdict == k for r in these)}"
            for k in (*KINDS, REFUSED)
        ]
        print(f"{split} garments' verdicts, named right of each:", ", ".join(named))
    for name, group in (("garments", garments), ("non-garments", others)):
        drawn = share([r.kind == "drawing" for r in group])
        each = ", ".join(
            f"{s} {share([r.kind == 'drawing' for r in group if r.split == s]).strip()}"
            for s in splits
        )
        refused = sum(r.verdict == REFUSED for r in group)
        print(f"{name} read as drawings: {drawn} ({each}); refused as blank: {refused}")
    ms = np.array([r.seconds for r in readings]) * 1000
    print(
        "time per picture (decode, preprocess, classify with verdict): "
        f"p50 {np.median(ms):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms, mean {ms.mean():.2f} ms"
    )


def held_out_rates(held: Sequence[Reading]) -> dict[str, float]:
    """The figures of held-out pictures, for the model card."""
    garments = [r for r in held if r.label != NOT_A_GARMENT]
    others = [r for r in held if r.label == NOT_A_GARMENT]
    inside = np.array([-r.score for r in garments if r.verdict != REFUSED])
    outside = np.array([-r.score for r in others if r.verdict != REFUSED])
    styled = [r for r in garments if r.verdict == UNUSUAL_STYLE]
    return {
        "garments": len(garments),
        "non_garments": len(others),
        "garments_named_right": np.mean([r.predicted == r.label for r in garments]),
        "garments_not_a_garment": np.mean(
            [r.verdict in (NOT_A_GARMENT, REFUSED) for r in garments]
        ),
        "non_garments_flagged": np.mean([r.verdict in (*FLAGGED, REFUSED) for r in others]),
        "auroc": auroc(inside, outside),
        # Classify says how often a reading of an unusual style is right (a count each)
        "garments_unusual_style": len(styled),
        "garments_unusual_style_right": sum(r.predicted == r.label for r in styled),
    }


def card_groups(readings: Sequence[Reading], name: str) -> dict[str, tuple[str, list]]:
    """The held-out pictures of set `name` as the card keeps them: key -> (what they are,
    readings): each source of SOURCE_NAMES on its own, the rest together under `name`."""
    held = [r for r in readings if r.split == HELD_OUT]
    groups = {s: (title, [r for r in held if r.source == s]) for s, title in SOURCE_NAMES.items()}
    groups[name] = (SET_NAMES.get(name, name), [r for r in held if r.source not in SOURCE_NAMES])
    # Each kept group has garments and other things, so that every figure is a number.
    return {
        key: (title, group)
        for key, (title, group) in groups.items()
        if {r.label == NOT_A_GARMENT for r in group} == {True, False}
    }


def write_rates(readings: Sequence[Reading], name: str) -> Path:
    """Store the held-out figures in the card of the CNN for drawings and icons, under
    its gate's `real_pictures` (see `card_groups`), in place of the set's earlier ones."""
    path = model_card_path(drawings_model_path())
    card = read_model_card(drawings_model_path())
    if "garment_gate" not in card:
        raise SystemExit(f"{path.name} has no garment gate: nothing to store the figures beside")
    groups = card_groups(readings, name)
    if not groups:
        raise SystemExit("no held-out pictures in this set: nothing to store")
    stored = card["garment_gate"].setdefault("real_pictures", {})
    for key in [k for k, v in stored.items() if v.get("set", k) == name]:
        del stored[key]
    for key, (title, held) in groups.items():
        rates = {
            k: v if isinstance(v, int) else round(float(v), 4)  # counts stay whole
            for k, v in held_out_rates(held).items()
        }
        stored[key] = {**rates, "pictures": title, "set": name}
    write_bytes_atomic(json.dumps(card, indent=1).encode(), path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_OUT, help="a built set (default: %(default)s)"
    )
    parser.add_argument("--csv", type=Path, help="also write every reading to this CSV file")
    parser.add_argument(
        "--reader", type=Path, help="another CNN for drawings and icons (.onnx, with its card)"
    )
    parser.add_argument(
        "--write-card",
        action="store_true",
        help="store the held-out figures in the card of the CNN for drawings and icons",
    )
    args = parser.parse_args()
    if not (args.dir / "manifest.csv").exists():
        raise SystemExit(f"no manifest.csv in {args.dir}: run `python -m benchmarks.dev_set build`")
    predictor = load_bundled()
    if args.reader:
        predictor.drawings_model = Predictor.load(args.reader, name="candidate reader")
    rows = read_manifest(args.dir)
    read_picture(predictor, args.dir, rows[0])  # warm the sessions up before timing
    readings = [read_picture(predictor, args.dir, row) for row in rows]
    report(readings)
    if args.write_card and not args.reader:
        name = args.dir.parent.name if args.dir.name == "build" else args.dir.name
        print(f"held-out figures written to {write_rates(readings, name)}")
    if args.csv:
        with args.csv.open("w", newline="") as f:
            writer = csv.DictWriter(f, list(asdict(readings[0])), lineterminator="\n")
            writer.writeheader()
            writer.writerows(asdict(r) for r in readings)


if __name__ == "__main__":
    main()
