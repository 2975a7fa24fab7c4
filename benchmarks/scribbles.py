"""Quick scribbles on the canvas, as a visitor draws with the mouse: one or a few wobbly
strokes per garment, an outline that may stop short of where it began.

    python -m benchmarks.scribbles [--each 6] [--seed 1]

Ten garment scribbles (one design per class) and twelve of other things (a house, a sun,
a car, a letter C...), each drawn `--each` times at a random size, place and stroke
width with a wobble, and with the outline's last stroke stopping 0, 5, 10, 15 or 20
units (of a 100-unit box) short of its start. Read as the canvas is read (preprocess as
a drawing, the bundled CNN with its CNN for drawings and icons, in views). Prints, per
gap: garments named right, called not a garment, and other things flagged (unsure or not
a garment). A development set: the gap bridging of `preprocess.fill_drawing` was chosen
on it. Figures only: no pass or fail.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
from PIL import Image, ImageDraw

from fashion_cnn.serving.predictor import load_bundled
from fashion_cnn.serving.preprocess import preprocess
from fashion_cnn.serving.verdict import FLAGGED, NOT_A_GARMENT

Strokes = list[list[tuple[float, float]]]


def ring(cx: float, cy: float, r: float, n: int = 16) -> list[tuple[float, float]]:
    return [(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n))
            for i in range(n + 1)]  # fmt: skip


GARMENTS: dict[str, Strokes] = {
    "T-shirt/top": [[(35, 15), (15, 30), (22, 45), (32, 40), (32, 90), (68, 90), (68, 40),
                     (78, 45), (85, 30), (65, 15), (50, 25), (35, 15)]],
    "Trouser": [[(30, 10), (70, 10), (75, 95), (58, 95), (50, 35), (42, 95), (25, 95), (30, 10)]],
    "Pullover": [[(38, 12), (15, 25), (8, 85), (22, 85), (28, 40), (30, 90), (70, 90), (72, 40),
                  (78, 85), (92, 85), (85, 25), (62, 12), (50, 20), (38, 12)]],
    "Dress": [[(40, 8), (60, 8), (62, 35), (80, 92), (20, 92), (38, 35), (40, 8)]],
    "Coat": [[(38, 8), (15, 22), (8, 92), (22, 92), (28, 45), (28, 95), (72, 95), (72, 45),
              (78, 92), (92, 92), (85, 22), (62, 8), (50, 30), (38, 8)], [(50, 30), (50, 95)]],
    "Sandal": [[(10, 75), (90, 75), (92, 85), (8, 85), (10, 75)], [(30, 75), (45, 50), (60, 75)],
               [(70, 75), (78, 55)]],
    "Shirt": [[(38, 10), (15, 25), (10, 88), (24, 88), (28, 40), (30, 92), (70, 92), (72, 40),
               (76, 88), (90, 88), (85, 25), (62, 10), (50, 22), (38, 10)], [(50, 22), (50, 92)],
              [(44, 10), (50, 22), (56, 10)]],
    "Sneaker": [[(8, 50), (40, 45), (60, 60), (92, 68), (92, 85), (8, 85), (8, 50)]],
    "Bag": [[(15, 40), (85, 40), (85, 92), (15, 92), (15, 40)], [(35, 40), (35, 15), (65, 15),
                                                                (65, 40)]],
    "Ankle boot": [[(35, 8), (62, 8), (62, 55), (92, 68), (92, 88), (30, 88), (35, 8)]],
}  # fmt: skip
OTHERS: dict[str, Strokes] = {
    "house": [[(15, 45), (50, 12), (85, 45), (85, 92), (15, 92), (15, 45)]],
    "house with a door": [[(15, 45), (50, 12), (85, 45), (85, 92), (15, 92), (15, 45)],
                          [(42, 92), (42, 65), (58, 65), (58, 92)]],
    "sun": [ring(50, 50, 22)] + [[(50 + 30 * math.cos(a), 50 + 30 * math.sin(a)),
                                  (50 + 45 * math.cos(a), 50 + 45 * math.sin(a))]
                                 for a in np.linspace(0, 2 * math.pi, 8, endpoint=False)],
    "tree": [[(50, 8), (85, 65), (15, 65), (50, 8)], [(44, 65), (44, 92), (56, 92), (56, 65)]],
    "car": [[(8, 70), (8, 50), (28, 48), (38, 30), (68, 30), (80, 48), (92, 52), (92, 70),
             (8, 70)], ring(28, 75, 9), ring(72, 75, 9)],
    "star": [[(50, 5), (61, 38), (95, 38), (67, 58), (78, 92), (50, 72), (22, 92), (33, 58),
              (5, 38), (39, 38), (50, 5)]],
    "heart": [[(50, 90), (12, 50), (12, 28), (30, 15), (50, 30), (70, 15), (88, 28), (88, 50),
               (50, 90)]],
    "fish": [[(10, 50), (35, 28), (65, 30), (82, 50), (65, 70), (35, 72), (10, 50)],
             [(82, 50), (95, 32), (95, 68), (82, 50)]],
    "smiley": [ring(50, 50, 40), ring(36, 38, 4, 8), ring(64, 38, 4, 8), [(32, 62), (50, 72),
                                                                          (68, 62)]],
    "cup": [[(20, 25), (70, 25), (65, 90), (25, 90), (20, 25)], [(70, 40), (88, 45), (85, 65),
                                                                (67, 70)]],
    "umbrella": [[(8, 50), (50, 10), (92, 50), (8, 50)], [(50, 50), (50, 85), (40, 92)]],
    "letter C": [[(80, 20), (55, 8), (25, 20), (12, 50), (25, 80), (55, 92), (80, 80)]],
}  # fmt: skip
GAPS = (0, 5, 10, 15, 20)  # units of the 100-unit box the first stroke stops short


def cut_short(points: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """The stroke with its last `gap` units of length taken off its end."""
    points = list(points)
    while gap > 0 and len(points) > 2:
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = math.dist((x0, y0), (x1, y1))
        if length > gap:
            keep = 1 - gap / length
            points[-1] = (x0 + (x1 - x0) * keep, y0 + (y1 - y0) * keep)
            break
        gap -= length
        points.pop()
    return points


def scribble(strokes: Strokes, gap: float, rng: np.random.Generator) -> np.ndarray:
    """A 280x280 canvas export (white on black) of `strokes`, wobbled; a closed first
    stroke stops `gap` units (along it) short of its start."""
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 255))
    draw = ImageDraw.Draw(canvas)
    scale = rng.uniform(1.6, 2.6)
    left, top = rng.uniform(10, 270 - 100 * scale, 2)
    for i, stroke in enumerate(strokes):
        points = [(x + rng.normal(0, 2.5), y + rng.normal(0, 2.5)) for x, y in stroke]
        closed = math.dist(stroke[0], stroke[-1]) < 1
        if i == 0 and closed:
            points = cut_short(points, gap)
        width = int(rng.integers(8, 20))
        draw.line([(left + x * scale, top + y * scale) for x, y in points], "white", width, "curve")
    return np.asarray(canvas)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--each", type=int, default=6, help="drawings per design and gap")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    predictor = load_bundled()
    print("gap   garments right   called not a garment   other things flagged")
    for gap in GAPS:
        rng = np.random.default_rng(args.seed)
        right = rejected = flagged = 0
        for designs, is_garment in ((GARMENTS, True), (OTHERS, False)):
            for label, strokes in designs.items():
                drawn = [scribble(strokes, gap, rng) for _ in range(args.each)]
                images = np.stack([preprocess(d, "drawing").image for d in drawn])
                for result in predictor.classify(images, True):
                    if is_garment:
                        right += result.label == label
                        rejected += result.verdict.kind == NOT_A_GARMENT
                    else:
                        flagged += result.verdict.kind in FLAGGED
        garments, others = len(GARMENTS) * args.each, len(OTHERS) * args.each
        print(
            f"{gap:3d}   {right / garments:14.1%}   {rejected / garments:20.1%}   "
            f"{flagged / others:20.1%}"
        )


if __name__ == "__main__":
    main()
