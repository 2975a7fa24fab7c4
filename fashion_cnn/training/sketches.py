"""Garments drawn from a few random measures, as icon makers draw them: tops from the
front with collars, button lines, cuffs, hoods and sleeves hanging or spread; trousers,
dresses and bags from the front; shoes from the side.

Fashion-MNIST's product photos show a shirt, a pullover or a coat as a photo's shades; an
icon tells them apart by its lines: a collar and a button line, ribbed cuffs and hem, a
hood, a long open front. Styled training garments (fashion_cnn.training.styles) keep the
photos' shapes and find their lines in the shades, so these sketches add the icon maker's
way. Details that name no class (cuffs, hem bands, pockets, prints) come by chance on tops
of every class, so that the CNN learns the ones that do. Each sketch is a grey shape
(light on black, SIDE px) with its seams a darker grey, ready for `styles.stylise`. Every
measure is drawn here; nothing comes from an icon set.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from fashion_cnn.common.config import CLASS_NAMES

SIDE = 112
Point = tuple[float, float]


class Sketch:
    """A canvas in unit coordinates (0-1, y down) with a fill level and a seam level."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.image = Image.new("L", (SIDE, SIDE), 0)
        self.draw = ImageDraw.Draw(self.image)
        self.fill = int(rng.integers(170, 256))
        self.seam = int(self.fill * rng.uniform(0.25, 0.55))
        self.pen = max(1, round(SIDE * rng.uniform(0.015, 0.035)))

    def px(self, points: list[Point]) -> list[Point]:
        return [(x * SIDE, y * SIDE) for x, y in points]

    def shape(self, points: list[Point], level: int | None = None) -> None:
        self.draw.polygon(self.px(points), fill=self.fill if level is None else level)

    def line(self, points: list[Point], width: float = 1.0) -> None:
        self.draw.line(
            self.px(points), fill=self.seam, width=round(self.pen * width), joint="curve"
        )

    def dot(self, centre: Point, radius: float, level: int | None = None) -> None:
        (x, y), r = self.px([centre])[0], radius * SIDE
        self.draw.ellipse([x - r, y - r, x + r, y + r], fill=self.seam if level is None else level)

    def ellipse(self, box: tuple[float, float, float, float], level: int | None = None) -> None:
        x0, y0, x1, y1 = (v * SIDE for v in box)
        self.draw.ellipse([x0, y0, x1, y1], fill=self.fill if level is None else level)

    def mirrored(self, points: list[Point]) -> list[Point]:
        """Left-side points and their mirror images on the right, as one outline."""
        return points + [(1 - x, y) for x, y in reversed(points)]

    def u(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))


def top(s: Sketch, sleeve: float, length: float) -> dict[str, float]:
    """A front-view body with two sleeves; `length` as a share of the picture's height,
    `sleeve` as a share of that length (0: none). Returns the measures that collars,
    buttons and cuffs are placed by."""
    half = s.u(0.17, 0.24)  # half the chest
    neck, top_y = s.u(0.05, 0.09), s.u(0.12, 0.2)
    hem_y = min(0.95, top_y + length)
    shoulder = (0.5 - half - s.u(0.0, 0.03), top_y + s.u(0.02, 0.05))
    armpit = (0.5 - half, shoulder[1] + s.u(0.14, 0.2))
    hem_half = half * s.u(0.9, 1.15)
    body = s.mirrored([(0.5 - neck, top_y), shoulder, armpit, (0.5 - hem_half, hem_y)])
    s.shape(body)
    if sleeve > 0:
        angle = np.radians(s.u(0, 65))  # from hanging straight down to spread out
        reach = sleeve * (hem_y - top_y) * s.u(0.8, 1.1)
        out = np.array([-np.sin(angle), np.cos(angle)]) * reach
        cuff = s.u(0.05, 0.08)
        across = np.array([np.cos(angle), np.sin(angle)]) * cuff
        end = np.array(shoulder) + out
        arm = [shoulder, tuple(end), tuple(end + across), armpit]
        s.shape(arm)
        s.shape([(1 - x, y) for x, y in arm])
        if s.rng.random() < 0.7:  # the seam where the sleeve joins
            s.line([shoulder, armpit], 0.7)
            s.line([(1 - shoulder[0], shoulder[1]), (1 - armpit[0], armpit[1])], 0.7)
        measures = {"cuff_x": float(end[0]), "cuff_y": float(end[1]), "angle": float(angle)}
        measures |= {"across_x": float(across[0]), "across_y": float(across[1])}
    else:
        measures = {}
    return measures | {"neck": neck, "top": top_y, "hem": hem_y, "half": hem_half}


def neckline(s: Sketch, m: dict[str, float], depth: float) -> None:
    """A round or V neck cut into the body."""
    if s.rng.random() < 0.5:
        s.ellipse((0.5 - m["neck"], m["top"] - depth, 0.5 + m["neck"], m["top"] + depth), 0)
    else:
        s.shape(
            [
                (0.5 - m["neck"], m["top"] - 0.01),
                (0.5 + m["neck"], m["top"] - 0.01),
                (0.5, m["top"] + depth * 1.6),
            ],
            0,
        )


def cuffs(s: Sketch, m: dict[str, float]) -> None:
    """Bands across each sleeve's end (ribbing, shirt cuffs)."""
    back = s.u(0.03, 0.05)
    for side in (1, -1):
        x, y = m["cuff_x"], m["cuff_y"]
        ax, ay = m["across_x"], m["across_y"]
        dx, dy = np.sin(m["angle"]) * back, -np.cos(m["angle"]) * back
        points = [(x + dx, y + dy), (x + ax + dx, y + ay + dy)]
        if side < 0:
            points = [(1 - px, py) for px, py in points]
        s.line(points, 0.8)


def hem_band(s: Sketch, m: dict[str, float]) -> None:
    y = m["hem"] - s.u(0.04, 0.07)
    s.line([(0.5 - m["half"] + 0.01, y), (0.5 + m["half"] - 0.01, y)], 0.8)


def buttons(s: Sketch, x: float, y0: float, y1: float, count: int) -> None:
    for y in np.linspace(y0, y1, count):
        s.dot((x, float(y)), s.u(0.012, 0.02))


def collar(s: Sketch, m: dict[str, float]) -> None:
    """A shirt collar: two points turned down over the neck, outlined."""
    n, t = m["neck"], m["top"]
    drop = s.u(0.07, 0.11)
    for flip in (False, True):
        wing = [(0.5 - n - 0.01, t - 0.01), (0.5 - n * 0.7, t + drop), (0.5, t + drop * 0.45)]
        if flip:
            wing = [(1 - x, y) for x, y in wing]
        s.shape(wing)
        s.line([*wing, wing[0]], 0.6)


def extras(s: Sketch, m: dict[str, float], cuffed: float, banded: float) -> None:
    """Details any top may have, each by chance (so that none alone names the class):
    cuffs, a hem band, patch pockets, a zigzag print across the chest."""
    if "cuff_x" in m and s.rng.random() < cuffed:
        cuffs(s, m)
    if s.rng.random() < banded:
        hem_band(s, m)
    if s.rng.random() < 0.25:
        y, w = m["hem"] - s.u(0.15, 0.22), s.u(0.06, 0.09)
        for x in (0.5 - m["half"] * 0.75, 0.5 + m["half"] * 0.75 - w):
            s.line([(x, y), (x, y + w), (x + w, y + w), (x + w, y), (x, y)], 0.6)
    if s.rng.random() < 0.15:
        y = m["top"] + s.u(0.12, 0.2)
        xs = np.linspace(0.5 - m["half"] * 0.7, 0.5 + m["half"] * 0.7, int(s.rng.integers(4, 8)))
        s.line([(float(x), y + (0.03 if k % 2 else 0)) for k, x in enumerate(xs)], 0.6)


def tshirt(s: Sketch) -> None:
    m = top(s, 0 if s.rng.random() < 0.2 else s.u(0.18, 0.32), s.u(0.55, 0.7))
    neckline(s, m, s.u(0.03, 0.06))
    extras(s, m, cuffed=0.3, banded=0.3)


def shirt(s: Sketch) -> None:
    long_sleeves = s.rng.random() < 0.8
    m = top(s, s.u(0.7, 0.95) if long_sleeves else s.u(0.2, 0.3), s.u(0.6, 0.78))
    collar(s, m)
    s.line([(0.5, m["top"] + 0.05), (0.5, m["hem"])], 0.6)
    buttons(s, 0.5 + s.u(0.015, 0.03), m["top"] + 0.1, m["hem"] - 0.06, int(s.rng.integers(3, 7)))
    if s.rng.random() < 0.5:  # a breast pocket
        x, y, w = 0.5 + s.u(0.06, 0.08), m["top"] + s.u(0.12, 0.18), s.u(0.06, 0.09)
        s.line([(x, y), (x, y + w), (x + w, y + w), (x + w, y)], 0.6)
    extras(s, m, cuffed=0.6 if long_sleeves else 0.2, banded=0.1)


def pullover(s: Sketch) -> None:
    m = top(s, s.u(0.75, 1.0), s.u(0.6, 0.75))
    if s.rng.random() < 0.35:  # a hoodie: hood, pouch pocket, strings
        n, t = m["neck"], m["top"]
        s.ellipse((0.5 - n * 1.9, t - s.u(0.09, 0.13), 0.5 + n * 1.9, t + s.u(0.07, 0.1)))
        s.ellipse((0.5 - n * 1.1, t - 0.03, 0.5 + n * 1.1, t + 0.06), s.seam)
        for x in (0.5 - n * 0.5, 0.5 + n * 0.5):
            s.line([(x, t + 0.06), (x, t + s.u(0.12, 0.18))], 0.5)
        y = m["hem"] - s.u(0.2, 0.26)
        w = m["half"] * s.u(0.5, 0.7)
        s.line(
            [
                (0.5 - w, m["hem"] - 0.07),
                (0.5 - w * 0.7, y),
                (0.5 + w * 0.7, y),
                (0.5 + w, m["hem"] - 0.07),
            ],
            0.6,
        )
    else:
        neck = s.rng.random()
        if neck < 0.4:  # a ribbed crew neck
            s.dot((0.5, m["top"]), m["neck"] * 1.05, s.seam)
            s.dot((0.5, m["top"] - 0.01), m["neck"] * 0.8, 0)
        elif neck < 0.6:  # a turtleneck
            n, t = m["neck"], m["top"]
            s.shape(
                [(0.5 - n, t - 0.08), (0.5 + n, t - 0.08), (0.5 + n, t + 0.02), (0.5 - n, t + 0.02)]
            )
            s.line([(0.5 - n, t + 0.02), (0.5 + n, t + 0.02)], 0.6)
        elif neck < 0.8:  # a V neck
            neckline(s, m, s.u(0.04, 0.07))
        else:  # a half zip
            s.line([(0.5, m["top"]), (0.5, m["top"] + s.u(0.12, 0.2))], 0.7)
        if s.rng.random() < 0.3:  # a knit pattern: rows across the chest
            for y in np.linspace(m["top"] + 0.15, m["top"] + 0.25, 2):
                s.line(
                    [(0.5 - m["half"] + 0.02, float(y)), (0.5 + m["half"] - 0.02, float(y))], 0.5
                )
    extras(s, m, cuffed=0.8, banded=0.8)


def coat(s: Sketch) -> None:
    m = top(s, s.u(0.6, 0.85), s.u(0.65, 0.82))
    if s.rng.random() < 0.35:  # a zipped jacket: stand collar or hood, zip, quilting
        puffer(s, m)
        return
    n, t = m["neck"], m["top"]
    deep = t + s.u(0.15, 0.3)
    for flip in (False, True):  # lapels
        lapel = [(0.5 - n, t - 0.01), (0.5 - n - s.u(0.03, 0.06), t + 0.1), (0.5, deep)]
        if flip:
            lapel = [(1 - x, y) for x, y in lapel]
        s.line([*lapel], 0.8)
    s.shape([(0.5 - n * 0.6, t - 0.01), (0.5 + n * 0.6, t - 0.01), (0.5, deep)], 0)
    s.line([(0.5, deep), (0.5, m["hem"])], 0.7)
    count = int(s.rng.integers(2, 5))
    if s.rng.random() < 0.5:  # double-breasted
        for x in (0.5 - 0.05, 0.5 + 0.05):
            buttons(s, x, deep + 0.03, m["hem"] - 0.15, count)
    else:
        buttons(s, 0.5 + 0.025, deep + 0.03, m["hem"] - 0.1, count)
    if s.rng.random() < 0.4:  # a belt
        y = t + (m["hem"] - t) * s.u(0.45, 0.55)
        s.line([(0.5 - m["half"] + 0.01, y), (0.5 + m["half"] - 0.01, y)], 1.2)
    if s.rng.random() < 0.6:  # pocket flaps
        y = m["hem"] - s.u(0.15, 0.22)
        for x in (0.5 - m["half"] * 0.7, 0.5 + m["half"] * 0.25):
            s.line([(x, y), (x + m["half"] * 0.45, y)], 0.8)


def puffer(s: Sketch, m: dict[str, float]) -> None:
    n, t = m["neck"], m["top"]
    if s.rng.random() < 0.4:
        s.ellipse((0.5 - n * 1.9, t - s.u(0.09, 0.13), 0.5 + n * 1.9, t + s.u(0.07, 0.1)))
        s.ellipse((0.5 - n * 1.1, t - 0.03, 0.5 + n * 1.1, t + 0.06), s.seam)
    else:
        c = n * 1.2
        s.shape(
            [(0.5 - c, t - 0.06), (0.5 + c, t - 0.06), (0.5 + c, t + 0.03), (0.5 - c, t + 0.03)]
        )
    s.line([(0.5, t + 0.03), (0.5, m["hem"])], 0.8)
    if s.rng.random() < 0.6:
        for y in np.linspace(t + 0.12, m["hem"] - 0.06, int(s.rng.integers(3, 6))):
            s.line([(0.5 - m["half"] + 0.01, float(y)), (0.5 + m["half"] - 0.01, float(y))], 0.6)
    extras(s, m, cuffed=0.5, banded=0.3)


def trouser(s: Sketch) -> None:
    waist, top_y = s.u(0.15, 0.22), s.u(0.08, 0.14)
    hem_y, flare = s.u(0.88, 0.96), s.u(-0.02, 0.05)
    crotch, gap = top_y + s.u(0.22, 0.32), s.u(0.02, 0.05)
    left = [
        (0.5 - waist, top_y),
        (0.5 - waist - 0.03 - flare, hem_y),
        (0.5 - gap - s.u(0.09, 0.13), hem_y),
        (0.5 - gap, crotch),
        (0.5, crotch),
    ]
    s.shape(s.mirrored(left))
    s.line([(0.5 - waist, top_y + 0.05), (0.5 + waist, top_y + 0.05)], 0.7)
    s.line([(0.5, top_y + 0.05), (0.5, crotch - 0.02)], 0.6)
    if s.rng.random() < 0.6:  # pockets
        for flip in (False, True):
            pocket = [(0.5 - waist + 0.06, top_y + 0.05), (0.5 - waist + 0.01, top_y + 0.13)]
            s.line([(1 - x, y) for x, y in pocket] if flip else pocket, 0.6)


def dress(s: Sketch) -> None:
    top_y, waist_y = s.u(0.08, 0.15), s.u(0.35, 0.45)
    chest, waist, hem = s.u(0.1, 0.15), s.u(0.08, 0.12), s.u(0.22, 0.36)
    hem_y = s.u(0.85, 0.95)
    left = [
        (0.5 - chest * 0.6, top_y),
        (0.5 - chest, top_y + 0.08),
        (0.5 - waist, waist_y),
        (0.5 - hem, hem_y),
    ]
    s.shape(s.mirrored(left))
    s.shape(
        [
            (0.5 - chest * 0.4, top_y - 0.005),
            (0.5 + chest * 0.4, top_y - 0.005),
            (0.5, top_y + s.u(0.03, 0.08)),
        ],
        0,
    )
    if s.rng.random() < 0.5:
        s.line([(0.5 - waist, waist_y), (0.5 + waist, waist_y)], 0.8)
    if s.rng.random() < 0.4:  # short sleeves
        for flip in (False, True):
            arm = [
                (0.5 - chest * 0.6, top_y),
                (0.5 - chest - 0.08, top_y + 0.09),
                (0.5 - chest - 0.04, top_y + 0.14),
                (0.5 - chest, top_y + 0.1),
            ]
            s.shape([(1 - x, y) for x, y in arm] if flip else arm)
    if s.rng.random() < 0.4:  # folds of the skirt
        for k in (-1, 1):
            s.line(
                [(0.5 + k * waist * 0.5, waist_y + 0.05), (0.5 + k * hem * 0.5, hem_y - 0.02)], 0.5
            )


def side_shoe(s: Sketch, height: float) -> tuple[float, float, float, float]:
    """A shoe seen from the side, toe right (or left, mirrored later): its upper as tall as
    `height`; returns heel x, toe x, sole y and the top of the upper."""
    heel, toe = s.u(0.06, 0.14), s.u(0.86, 0.95)
    sole = s.u(0.7, 0.8)
    top_y = sole - height
    sole_h = s.u(0.04, 0.09)
    s.shape(
        [
            (heel, sole),
            (toe, sole),
            (toe + 0.02, sole + sole_h * 0.6),
            (toe - 0.03, sole + sole_h),
            (heel, sole + sole_h),
        ]
    )
    return heel, toe, sole, top_y


def sneaker(s: Sketch) -> None:
    heel, toe, sole, top_y = side_shoe(s, s.u(0.28, 0.4))
    opening = heel + s.u(0.15, 0.22)  # the dip of the ankle opening
    tongue = opening + s.u(0.06, 0.1)
    instep = sole - s.u(0.12, 0.17)
    upper = [
        (heel, sole),
        (heel - 0.01, top_y + 0.04),
        (heel + 0.05, top_y),
        (opening, top_y + s.u(0.06, 0.1)),
        (tongue, top_y + 0.01),
        (toe - 0.12, instep),
        (toe - 0.02, sole - 0.07),
        (toe, sole),
    ]
    s.shape(upper)
    s.line([(heel, sole), (toe, sole)], 0.8)
    for k in range(int(s.rng.integers(2, 5))):  # laces down the instep
        f = (k + 1) / 5
        x, y = tongue + (toe - 0.12 - tongue) * f, top_y + (instep - top_y) * f
        s.line([(x - 0.03, y + 0.015), (x + 0.03, y - 0.015)], 0.6)
    if s.rng.random() < 0.6:  # a stripe or swoosh on the side
        s.line([(heel + 0.08, sole - 0.05), (opening + 0.12, sole - 0.15)], 1.0)


def sandal(s: Sketch) -> None:
    heel, toe, sole, top_y = side_shoe(s, s.u(0.15, 0.3))
    if s.rng.random() < 0.4:  # a raised heel
        drop = s.u(0.1, 0.18)
        s.shape(
            [
                (heel, sole),
                (heel + 0.1, sole),
                (heel + 0.08, sole + drop),
                (heel + 0.02, sole + drop),
            ]
        )
    count = int(s.rng.integers(2, 5))
    for k in range(count):  # straps over an open foot: arches standing on the sole
        x0 = heel + 0.06 + k * (toe - heel - 0.1) / count
        x1 = x0 + (toe - heel - 0.1) / count * s.u(0.6, 0.9)
        rise = (sole - top_y) * s.u(0.5, 1.0)
        s.draw.arc(
            s.px([(x0, sole - rise), (x1, sole + rise)]),
            180,
            360,
            fill=s.fill,
            width=round(s.pen * s.u(1.5, 2.5)),
        )
    if s.rng.random() < 0.5:  # an ankle strap
        s.draw.arc(
            s.px([(heel - 0.02, top_y - 0.05), (heel + 0.14, sole + 0.05)]),
            180,
            300,
            fill=s.fill,
            width=round(s.pen * 1.5),
        )


def ankle_boot(s: Sketch) -> None:
    heel, toe, sole, top_y = side_shoe(s, s.u(0.4, 0.55))
    shaft = heel + s.u(0.28, 0.36)
    s.shape(
        [
            (heel, sole),
            (heel, top_y),
            (shaft, top_y),
            (shaft + 0.02, sole - 0.2),
            (toe - 0.06, sole - s.u(0.12, 0.18)),
            (toe, sole - 0.05),
            (toe, sole),
        ]
    )
    if s.rng.random() < 0.5:
        s.shape(
            [(heel, sole), (heel + 0.12, sole), (heel + 0.11, sole + 0.12), (heel, sole + 0.12)]
        )
    if s.rng.random() < 0.5:  # laces up the front
        for k in range(4):
            y = top_y + 0.05 + k * 0.06
            s.line([(shaft - 0.06, y), (shaft, y + 0.02)], 0.6)
    else:  # an elastic side panel
        s.line(
            [(heel + 0.1, top_y + 0.02), (heel + 0.14, sole - 0.12), (shaft - 0.04, top_y + 0.02)],
            0.7,
        )


def bag(s: Sketch) -> None:
    half, top_y, bottom = s.u(0.25, 0.38), s.u(0.35, 0.5), s.u(0.82, 0.92)
    taper = s.u(-0.06, 0.05)
    s.shape(
        [
            (0.5 - half + taper, top_y),
            (0.5 + half - taper, top_y),
            (0.5 + half, bottom),
            (0.5 - half, bottom),
        ]
    )
    handle = s.u(0.15, 0.3)
    grip = s.u(0.1, 0.25)
    s.draw.arc(
        s.px([(0.5 - grip, top_y - handle), (0.5 + grip, top_y + handle)]),
        180,
        360,
        fill=s.fill,
        width=round(s.pen * s.u(1.5, 3)),
    )
    if s.rng.random() < 0.5:  # a flap and clasp
        flap = top_y + (bottom - top_y) * s.u(0.3, 0.5)
        s.line(
            [(0.5 - half + taper, top_y + 0.01), (0.5, flap), (0.5 + half - taper, top_y + 0.01)],
            0.8,
        )
        s.dot((0.5, flap), 0.025)
    elif s.rng.random() < 0.5:  # a zip line
        s.line([(0.5 - half + 0.04, top_y + 0.05), (0.5 + half - 0.04, top_y + 0.05)], 0.6)


DRAWERS: dict[str, Callable[[Sketch], None]] = {
    "T-shirt/top": tshirt,
    "Trouser": trouser,
    "Pullover": pullover,
    "Dress": dress,
    "Coat": coat,
    "Sandal": sandal,
    "Shirt": shirt,
    "Sneaker": sneaker,
    "Bag": bag,
    "Ankle boot": ankle_boot,
}


def sketch(label: int, rng: np.random.Generator) -> np.ndarray:
    """One garment of class `label`, drawn from random measures: (SIDE, SIDE) uint8."""
    s = Sketch(rng)
    DRAWERS[CLASS_NAMES[label]](s)
    image = s.image
    if CLASS_NAMES[label] in ("Sandal", "Sneaker", "Ankle boot") and rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)  # toe to the left
    return np.asarray(image)


def sketches(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` sketched garments, classes in turn: shapes (count, SIDE, SIDE) and labels."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % len(CLASS_NAMES)
    return np.stack([sketch(int(y), rng) for y in labels]), labels.astype(np.uint8)
