"""Writes the fresh set's SVGs (benchmarks/own_set/fresh/) from the designs, each in four
renderings: cross-stitch or satin embroidery on fabric (`stitch`), white lines on blue
grid paper (`blueprint`), torn and cut coloured paper on card (`papercut`) and a blue
ballpoint sketch on lined notebook paper (`ballpoint`).

    python benchmarks/own_set/fresh_src/make_fresh.py

Deterministic: every random choice is seeded by the design's name."""

from __future__ import annotations

import itertools
import math
import random
import sys
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from designs import DESIGNS
from geometry import Part, num, points, poly_d, to_d

OUT = Path(__file__).parent.parent / "fresh"
HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="256" height="256">'
SYMMETRIC = ("tshirt", "trouser", "pullover", "dress", "coat", "shirt", "bag")


# Colours ----------------------------------------------------------------------------------


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def hexc(c) -> str:
    return "#" + "".join(f"{max(0, min(255, round(v))):02x}" for v in c)


def shade(hex_colour: str, k: float) -> str:
    """k < 0 darker, k > 0 lighter."""
    c = rgb(hex_colour)
    if k < 0:
        return hexc(v * (1 + k) for v in c)
    return hexc(v + (255 - v) * k for v in c)


def distance(a: str, b: str) -> float:
    return math.dist(rgb(a), rgb(b))


# Geometry on points -----------------------------------------------------------------------


def rings(part: Part, step: float = 0.7) -> list[np.ndarray]:
    return [np.array(points(s, step)) for s in part.subs]


def inside(pts: np.ndarray, polys: list[np.ndarray]) -> np.ndarray:
    """Even-odd inside test of points (N, 2) against closed rings."""
    result = np.zeros(len(pts), bool)
    x, y = pts[:, 0][:, None], pts[:, 1][:, None]
    for ring in polys:
        a, b = ring[:-1], ring[1:]
        ax, ay, bx, by = a[:, 0][None], a[:, 1][None], b[:, 0][None], b[:, 1][None]
        crosses = (ay > y) != (by > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = ax + (y - ay) * (bx - ax) / (by - ay)
        result ^= (np.sum(crosses & (x < xc), axis=1) % 2).astype(bool)
    return result


def edge_distance(pts: np.ndarray, polys: list[np.ndarray]) -> np.ndarray:
    best = np.full(len(pts), np.inf)
    for ring in polys:
        a, b = ring[:-1], ring[1:]
        ab = b - a
        length2 = np.maximum((ab**2).sum(1), 1e-9)
        ap = pts[:, None, :] - a[None]
        t = np.clip((ap * ab[None]).sum(2) / length2[None], 0, 1)
        closest = a[None] + t[..., None] * ab[None]
        best = np.minimum(best, np.sqrt(((pts[:, None, :] - closest) ** 2).sum(2)).min(1))
    return best


def visible_runs(pts: np.ndarray, covers: list[list[np.ndarray]], margin=0.35) -> list:
    """The stretches of a polyline not hidden under any of the regions `covers`."""
    if len(pts) < 2:
        return []
    hidden = np.zeros(len(pts), bool)
    for polys in covers:
        hidden |= inside(pts, polys) & (edge_distance(pts, polys) > margin)
    runs, cur = [], []
    for p, h in zip(pts, hidden, strict=True):
        if h:
            if len(cur) > 1:
                runs.append(np.array(cur))
            cur = []
        else:
            cur.append(p)
    if len(cur) > 1:
        runs.append(np.array(cur))
    return runs


def strokes(parts: list[Part], step: float) -> list[tuple[Part, np.ndarray, bool]]:
    """Every outline and line as visible polylines: (part, points, is an outline)."""
    fills = [(k, rings(p, 0.5)) for k, p in enumerate(parts) if p.kind == "fill"]
    out = []
    for k, part in enumerate(parts):
        if part.kind == "dot":
            continue
        covers = [polys for j, polys in fills if j > k]
        for sub in part.subs:
            pts = np.array(points(sub, step))
            for run in visible_runs(pts, covers):
                out.append((part, run, part.kind == "fill"))
    return out


def bbox(parts: list[Part]) -> tuple[float, float, float, float]:
    pts = [p for part in parts if part.kind == "fill" for r in rings(part, 1.0) for p in r]
    pts += [(x, y) for part in parts for x, y, _ in part.dots]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def turbulence(fid: str, freq: float, octaves: int, seed: int, matrix: str) -> str:
    return (
        f'<filter id="{fid}" filterUnits="userSpaceOnUse" x="0" y="0" width="64" height="64">'
        f'<feTurbulence type="fractalNoise" baseFrequency="{freq}" numOctaves="{octaves}" '
        f'seed="{seed}"/><feColorMatrix type="matrix" values="{matrix}"/></filter>'
    )


# Stitch -----------------------------------------------------------------------------------

FABRICS = ("#eee5d0", "#e4dcc8", "#dde5e6", "#e3e8d6", "#f1e4dc", "#46505c", "#e9e2d6", "#6e5a4b")
HOOPS = ("#c89b62", "#b98a55", "#d4ac74")
TABLES = ("#5b4636", "#3f4a52", "#6b5a4a", "#2f3a33")


def stitch(name: str, parts: list[Part], pal: dict[str, str], rnd: random.Random) -> str:
    idx = zlib.crc32(name.encode())
    c = (1.5, 1.6, 1.7)[idx % 3]
    satin = pal.get("stitch", ("cross", "satin", "cross")[idx % 3]) == "satin"
    hoop = idx % 4 != 3
    fabric = FABRICS[idx % len(FABRICS)]
    for k in range(len(FABRICS)):  # a fabric the main thread stands out on
        if distance(fabric, pal["main"]) > 90:
            break
        fabric = FABRICS[(idx + k + 1) % len(FABRICS)]
    outline = pal["dark"]
    if distance(outline, fabric) < 120:  # a thread that shows on this fabric
        threads = (pal["dark"], shade(pal["main"], -0.6), "#1c1a18", "#f6f1e4")
        outline = max(threads, key=lambda col: distance(col, fabric))
    defs, body = [], []
    dark_hole = shade(fabric, -0.22)
    if satin:
        defs.append(
            '<filter id="lift" filterUnits="userSpaceOnUse" x="0" y="0" width="64" height="64">'
            '<feGaussianBlur in="SourceAlpha" stdDeviation=".35"/><feOffset dx=".3" dy=".4"/>'
            '<feComponentTransfer><feFuncA type="linear" slope=".45"/></feComponentTransfer>'
            '<feMerge><feMergeNode/><feMergeNode in="SourceGraphic"/></feMerge></filter>'
        )
        defs.append(
            f'<pattern id="fab" width="0.8" height="0.8" patternUnits="userSpaceOnUse">'
            f'<rect width="0.8" height="0.8" fill="{fabric}"/>'
            f'<path d="M0 .2H.8M.6 0V.8" stroke="{shade(fabric, -0.08)}" stroke-width=".22"/>'
            f'<path d="M0 .6H.8" stroke="{shade(fabric, 0.25)}" stroke-width=".12"/></pattern>'
        )
    else:
        defs.append(
            f'<pattern id="fab" width="{c}" height="{c}" patternUnits="userSpaceOnUse">'
            f'<rect width="{c}" height="{c}" fill="{fabric}"/>'
            f'<path d="M0 {c / 2}H{c}M{c / 2} 0V{c}" stroke="{shade(fabric, 0.3)}" '
            f'stroke-width=".25"/>'
            f'<circle r=".2" fill="{dark_hole}"/><circle cx="{c}" r=".2" fill="{dark_hole}"/>'
            f'<circle cy="{c}" r=".2" fill="{dark_hole}"/>'
            f'<circle cx="{c}" cy="{c}" r=".2" fill="{dark_hole}"/></pattern>'
        )
    defs.append(turbulence("nz", 0.6, 3, idx % 97, "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 .5 -.12"))
    body.append('<rect width="64" height="64" fill="url(#fab)"/>')
    body.append('<rect width="64" height="64" filter="url(#nz)" opacity=".5"/>')
    fills = [p for p in parts if p.kind == "fill"]
    if satin:
        for k, part in enumerate(parts):
            if part.kind != "fill":
                continue
            colour = pal[part.tone]
            angle = rnd.choice((-60, -35, 35, 60, 80, 100))
            gap = rnd.uniform(5.5, 8)
            h, low, high = gap / 2, shade(colour, -0.32), shade(colour, 0.35)
            defs.append(
                f'<pattern id="s{k}" width="1.2" height="{gap:.2f}" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate({angle})"><rect width="1.2" height="{gap:.2f}" '
                f'fill="{low}"/><g fill="{colour}"><rect x=".06" y=".12" width=".5" '
                f'height="{gap - 0.24:.2f}" rx=".24"/><rect x=".66" y="{h + 0.12:.2f}" width=".5" '
                f'height="{h - 0.24:.2f}" rx=".24"/><rect x=".66" y="-{h:.2f}" width=".5" '
                f'height="{2 * h - 0.12:.2f}" rx=".24"/></g><g fill="{high}" opacity=".55">'
                f'<rect x=".2" y=".6" width=".13" height="{gap - 1.2:.2f}"/><rect x=".8" '
                f'y="{h + 0.6:.2f}" width=".13" height="{h - 1:.2f}"/><rect x=".8" y="0" '
                f'width=".13" height="{h - 0.6:.2f}"/></g></pattern>'
            )
            d = to_d(part.subs)
            body.append(
                f'<path d="{d}" fill="url(#s{k})" fill-rule="evenodd" filter="url(#lift)"/>'
            )
            body.append(
                f'<path d="{d}" fill="none" stroke="{outline}" stroke-width=".6" '
                f'stroke-dasharray="1.1 .3" stroke-linecap="round"/>'
            )
        for part in parts:
            if part.kind == "line":
                colour = pal[part.tone] if part.tone != "main" else shade(pal["main"], -0.3)
                body.append(
                    f'<path d="{to_d(part.subs)}" fill="none" stroke="{colour}" '
                    f'stroke-width="{0.42 if part.fine else 0.55}" stroke-dasharray="1.1 .3" '
                    f'stroke-linecap="round"/>'
                )
    else:
        n = math.ceil(64 / c)
        centres = np.array([((i + 0.5) * c, (j + 0.5) * c) for j in range(n) for i in range(n)])
        tone = np.full(len(centres), "", dtype=object)
        for part in fills:
            tone[inside(centres, rings(part, 0.5))] = part.tone
        for t in sorted({t for t in tone if t}):
            colour = pal[t]
            defs.append(
                f'<pattern id="x{t}" width="{c}" height="{c}" patternUnits="userSpaceOnUse">'
                f'<path d="M.25 .25L{c - 0.25} {c - 0.25}" stroke="{shade(colour, -0.22)}" '
                f'stroke-width=".62" stroke-linecap="round"/>'
                f'<path d="M{c - 0.25} .25L.25 {c - 0.25}" stroke="{colour}" stroke-width=".62" '
                f'stroke-linecap="round"/><path d="M{c - 0.45} .5L.5 {c - 0.45}" '
                f'stroke="{shade(colour, 0.35)}" stroke-width=".14" opacity=".7"/></pattern>'
            )
            cells = tone.reshape(n, n) == t
            runs = []
            for j in range(n):
                i = 0
                while i < n:
                    if cells[j, i]:
                        start = i
                        while i < n and cells[j, i]:
                            i += 1
                        runs.append(
                            f"M{num(start * c)} {num(j * c)}h{num((i - start) * c)}v{num(c)}"
                            f"h{num(-(i - start) * c)}z"
                        )
                    i += 1
            body.append(f'<path d="{"".join(runs)}" fill="url(#x{t})"/>')
        back = []
        for part, run, is_outline in strokes(parts, c * 0.7):
            colour = outline if is_outline else pal[part.tone]
            if not is_outline and part.tone == "main":
                colour = shade(pal["main"], -0.35)
            snapped = []
            for x, y in run:
                p = (round(x / c) * c, round(y / c) * c)
                if not snapped or p != snapped[-1]:
                    snapped.append(p)
            segs = []
            for a, b in itertools.pairwise(snapped):
                dx, dy = b[0] - a[0], b[1] - a[1]
                length = math.hypot(dx, dy)
                s = 0.13 / length
                segs.append(
                    f"M{a[0] + dx * s:.2f} {a[1] + dy * s:.2f}l{dx * (1 - 2 * s):.2f} "
                    f"{dy * (1 - 2 * s):.2f}"
                )
            back.append((colour, "".join(segs)))
        by_colour: dict[str, str] = {}
        for colour, d in back:
            by_colour[colour] = by_colour.get(colour, "") + d
        for colour, d in by_colour.items():
            body.append(
                f'<path d="{d.replace(" -", "-")}" fill="none" stroke="{colour}" '
                f'stroke-width=".55" stroke-linecap="round"/>'
            )
    for part in parts:
        if part.kind == "dot":
            colour = pal[part.tone]
            for x, y, r in part.dots:
                r = max(r * 0.85, 0.6)
                body.append(
                    f'<circle cx="{x}" cy="{y}" r="{r:.2f}" fill="{colour}" '
                    f'stroke="{shade(colour, -0.3)}" stroke-width=".2"/>'
                    f'<circle cx="{x - r * 0.3:.2f}" cy="{y - r * 0.3:.2f}" r="{r * 0.3:.2f}" '
                    f'fill="{shade(colour, 0.45)}"/>'
                )
    if hoop:
        wood = HOOPS[idx % len(HOOPS)]
        table = TABLES[idx % len(TABLES)]
        body.append(
            f'<path d="M0 0H64V64H0ZM32 -12.6A44.6 44.6 0 1 0 32 76.6A44.6 44.6 0 1 0 32 -12.6Z"'
            f' fill="{table}" fill-rule="evenodd"/>'
            f'<circle cx="32" cy="32" r="41.1" fill="none" stroke="#000" stroke-opacity=".25" '
            f'stroke-width="1.6"/>'
            f'<circle cx="32" cy="32" r="42.4" fill="none" stroke="{wood}" stroke-width="4.4"/>'
            f'<circle cx="32" cy="32" r="42.4" fill="none" stroke="{shade(wood, -0.35)}" '
            f'stroke-width=".25"/>'
            f'<circle cx="32" cy="32" r="43.6" fill="none" stroke="{shade(wood, 0.3)}" '
            f'stroke-width=".5"/>'
        )
    return "\n".join([HEAD, f"<defs>{''.join(defs)}</defs>", *body, "</svg>"])


# Blueprint --------------------------------------------------------------------------------

BLUES = ("#1c4d8c", "#18457f", "#205896", "#1a3f78")


def blueprint(name: str, parts: list[Part], pal: dict[str, str], rnd: random.Random) -> str:
    idx = zlib.crc32(name.encode())
    ground = BLUES[idx % len(BLUES)]
    ink = ("#eef7ff", "#bdefff")[idx % 2]
    tint = shade(ground, 0.1)
    defs = [
        f'<pattern id="g" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{ground}"/>'
        f'<path d="M2 0V8M4 0V8M6 0V8M0 2H8M0 4H8M0 6H8" stroke="#fff" stroke-opacity=".13" '
        f'stroke-width=".12"/><path d="M0 0V8M0 0H8" stroke="#fff" stroke-opacity=".3" '
        f'stroke-width=".2"/></pattern>',
        f'<pattern id="t" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{tint}"/>'
        f'<path d="M2 0V8M4 0V8M6 0V8M0 2H8M0 4H8M0 6H8" stroke="#fff" stroke-opacity=".13" '
        f'stroke-width=".12"/><path d="M0 0V8M0 0H8" stroke="#fff" stroke-opacity=".3" '
        f'stroke-width=".2"/></pattern>',
        turbulence("bl", 0.05, 2, idx % 89, "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 .7 -.25"),
    ]
    body = [
        '<rect width="64" height="64" fill="url(#g)"/>',
        '<rect width="64" height="64" filter="url(#bl)" opacity=".45"/>',
        f'<g fill="none" stroke="{ink}" stroke-linecap="round" stroke-linejoin="round">',
        '<rect x="1" y="1" width="62" height="62" stroke-width=".3"/>',
    ]
    x0, y0, x1, y1 = bbox(parts)
    if name.split("-")[0] in SYMMETRIC:
        body.append(
            f'<path d="M32 {max(1.6, y0 - 1.5):.1f}V{min(62.4, y1 + 1.5):.1f}" '
            f'stroke-width=".2" stroke-dasharray="2.4 .8 .4 .8"/>'
        )
    for k, part in enumerate(parts):
        d = to_d(part.subs)
        if part.kind == "fill":
            fill = "url(#t)" if part.tone == "main" else "url(#g)"
            body.append(f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke-width=".55"/>')
        elif part.kind == "line":
            w = ".25" if part.fine else ".36"
            dash = ' stroke-dasharray="1 .6"' if k % 3 == 2 and not part.fine else ""
            body.append(f'<path d="{d}" stroke-width="{w}"{dash}/>')
        else:
            for x, y, r in part.dots:
                body.append(
                    f'<circle cx="{x}" cy="{y}" r="{max(r * 0.8, 0.5):.2f}" fill="url(#g)" '
                    f'stroke-width=".3"/>'
                )
    arrows = []

    def dim_h(y: float, ext_from: float) -> None:
        body.append(
            f'<path d="M{x0:.1f} {ext_from:.1f}V{y + (0.8 if y > ext_from else -0.8):.1f}'
            f'M{x1:.1f} {ext_from:.1f}V{y + (0.8 if y > ext_from else -0.8):.1f}" '
            f'stroke-width=".15"/><path d="M{x0 + 1.2:.1f} {y:.1f}H{x1 - 1.2:.1f}" '
            f'stroke-width=".18"/>'
        )
        arrows.append(f"M{x0:.1f} {y:.1f}l1.4 -.45v.9z")
        arrows.append(f"M{x1:.1f} {y:.1f}l-1.4 -.45v.9z")

    def dim_v(x: float, ext_from: float) -> None:
        body.append(
            f'<path d="M{ext_from:.1f} {y0:.1f}H{x + (0.8 if x > ext_from else -0.8):.1f}'
            f'M{ext_from:.1f} {y1:.1f}H{x + (0.8 if x > ext_from else -0.8):.1f}" '
            f'stroke-width=".15"/><path d="M{x:.1f} {y0 + 1.2:.1f}V{y1 - 1.2:.1f}" '
            f'stroke-width=".18"/>'
        )
        arrows.append(f"M{x:.1f} {y0:.1f}l-.45 1.4h.9z")
        arrows.append(f"M{x:.1f} {y1:.1f}l-.45 -1.4h.9z")

    if y1 < 60.3:
        dim_h(y1 + 2.2, y1 + 0.6)
    elif y0 > 3.8:
        dim_h(y0 - 2.2, y0 - 0.6)
    if x0 > 4:
        dim_v(x0 - 2.2, x0 - 0.6)
    elif x1 < 60:
        dim_v(x1 + 2.2, x1 + 0.6)
    for cx, cy in ((2.6, 2.6), (61.4, 2.6), (2.6, 61.4), (61.4, 61.4)):
        body.append(f'<path d="M{cx - 1} {cy}h2M{cx} {cy - 1}v2" stroke-width=".2"/>')
    body.append("</g>")
    body.append(f'<path d="{"".join(arrows)}" fill="{ink}"/>')
    return "\n".join([HEAD, f"<defs>{''.join(defs)}</defs>", *body, "</svg>"])


# Papercut ---------------------------------------------------------------------------------

CARDS = (
    "#e9c46a",
    "#2a9d8f",
    "#f4f1de",
    "#cdb4db",
    "#a8dadc",
    "#c9ada7",
    "#3d405b",
    "#b7c4a0",
    "#f2cc8f",
    "#8d99ae",
)


def papercut(name: str, parts: list[Part], pal: dict[str, str], rnd: random.Random) -> str:
    idx = zlib.crc32(name.encode())
    options = [CARDS[(idx + k) % len(CARDS)] for k in range(4)]
    tones = {p.tone for p in parts if p.kind == "fill"} - {"dark"}
    card = max(options, key=lambda col: min(distance(col, pal[t]) for t in tones))
    seed = idx % 113
    defs = [
        '<filter id="sh" filterUnits="userSpaceOnUse" x="0" y="0" width="64" height="64">'
        '<feGaussianBlur in="SourceAlpha" stdDeviation=".55"/><feOffset dx=".55" dy=".75"/>'
        '<feComponentTransfer><feFuncA type="linear" slope=".5"/></feComponentTransfer>'
        '<feMerge><feMergeNode/><feMergeNode in="SourceGraphic"/></feMerge></filter>',
        f'<filter id="tr" filterUnits="userSpaceOnUse" x="0" y="0" width="64" height="64">'
        f'<feTurbulence type="fractalNoise" baseFrequency=".45" numOctaves="3" seed="{seed}"/>'
        f'<feDisplacementMap in="SourceGraphic" scale="1.3" xChannelSelector="R" '
        f'yChannelSelector="G"/></filter>',
        f'<filter id="fr" filterUnits="userSpaceOnUse" x="0" y="0" width="64" height="64">'
        f'<feTurbulence type="fractalNoise" baseFrequency=".8" numOctaves="2" seed="{seed + 7}"/>'
        f'<feDisplacementMap in="SourceGraphic" scale="2" xChannelSelector="R" '
        f'yChannelSelector="G"/></filter>',
        turbulence("gr", 0.9, 3, seed, "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 .45 -.16"),
    ]
    body = [f'<rect width="64" height="64" fill="{card}"/>']
    for part in parts:
        if part.kind == "fill":
            colour = pal[part.tone]
            d = to_d(part.subs)
            polys = rings(part, 1.0)
            xs = [p[0] for r in polys for p in r]
            ys = [p[1] for r in polys for p in r]
            area = sum(
                abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(r))) / 2
                for r in polys
            )
            perimeter = sum(math.dist(a, b) for r in polys for a, b in itertools.pairwise(r))
            thick = 2 * area / perimeter  # about the width of a strip
            big = min(max(xs) - min(xs), max(ys) - min(ys)) > 7 and thick > 2.2
            torn = big and (part.tone == "main" or idx % 2 == 0)
            if torn:
                body.append(
                    f'<g filter="url(#sh)"><path d="{d}" fill="#fbf8f0" stroke="#fbf8f0" '
                    f'stroke-width=".7" fill-rule="evenodd" filter="url(#fr)"/>'
                    f'<path d="{d}" fill="{colour}" fill-rule="evenodd" filter="url(#tr)"/></g>'
                )
            else:
                body.append(
                    f'<path d="{d}" fill="{colour}" fill-rule="evenodd" filter="url(#sh)"/>'
                )
        elif part.kind == "line" and part.tone == "dark":  # a fold or a pencilled seam
            body.append(
                f'<path d="{to_d(part.subs)}" fill="none" stroke="{shade(pal["main"], -0.45)}" '
                f'stroke-width=".4" stroke-opacity=".75" stroke-linecap="round"/>'
            )
        elif part.kind == "line" and not part.fine:
            colour = pal[part.tone]
            body.append(
                f'<path d="{to_d(part.subs)}" fill="none" stroke="{colour}" stroke-width=".9" '
                f'stroke-linejoin="round" filter="url(#sh)"/>'
            )
        elif part.kind == "dot":
            colour = pal[part.tone]
            circles = "".join(
                f'<circle cx="{x}" cy="{y}" r="{max(r, 0.7):.2f}"/>' for x, y, r in part.dots
            )
            body.append(f'<g fill="{colour}" filter="url(#sh)">{circles}</g>')
    body.append('<rect width="64" height="64" filter="url(#gr)" opacity=".35"/>')
    return "\n".join([HEAD, f"<defs>{''.join(defs)}</defs>", *body, "</svg>"])


# Ballpoint --------------------------------------------------------------------------------

INKS = ("#1f3a93", "#24309a", "#1b2f7d", "#2a45a8")


def wobble(pts: np.ndarray, rnd: random.Random, amp: float) -> np.ndarray:
    """The line drawn again by hand: a slow drift sideways."""
    seg = np.diff(pts, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    s = np.concatenate([[0], np.cumsum(lengths)])
    normal = np.zeros_like(pts)
    tangent = np.vstack([seg, seg[-1:]])
    norm = np.maximum(np.hypot(tangent[:, 0], tangent[:, 1]), 1e-9)
    normal[:, 0], normal[:, 1] = -tangent[:, 1] / norm, tangent[:, 0] / norm
    off = np.zeros(len(pts))
    for wave in (7.0, 17.0, 41.0):
        off += amp * rnd.uniform(0.3, 1.0) * np.sin(s / wave * 2 * math.pi + rnd.uniform(0, 6.3))
    shift = np.array([rnd.uniform(-amp, amp), rnd.uniform(-amp, amp)]) * 0.6
    return pts + normal * off[:, None] + shift


def ballpoint(name: str, parts: list[Part], pal: dict[str, str], rnd: random.Random) -> str:
    idx = zlib.crc32(name.encode())
    ink = INKS[idx % len(INKS)]
    gap = (4.4, 4.8, 5.2)[idx % 3]
    first = 7.5 + (idx % 5) * 0.6
    margin = 7 + (idx % 4) * 0.8
    rules = "".join(f"M0 {first + k * gap:.2f}H64" for k in range(int((64 - first) / gap) + 1))
    defs = [
        turbulence("pp", 0.04, 2, idx % 71, "0 0 0 0 .55 0 0 0 0 .5 0 0 0 0 .35 0 0 0 .35 -.12"),
        f'<filter id="ink" filterUnits="userSpaceOnUse" x="0" y="0" width="64" height="64">'
        f'<feTurbulence type="fractalNoise" baseFrequency="1.3" numOctaves="2" seed="{idx % 61}"'
        f' result="n"/><feColorMatrix in="n" type="matrix" values="0 0 0 0 0 0 0 0 0 0 '
        f'0 0 0 0 0 0 0 0 -2.6 2.45" result="m"/><feComposite in="SourceGraphic" in2="m" '
        f'operator="in"/></filter>',
    ]
    body = [
        '<rect width="64" height="64" fill="#fbfaf4"/>',
        '<rect width="64" height="64" filter="url(#pp)"/>',
        f'<path d="{rules}" stroke="#8fb8e0" stroke-width=".26"/>',
        f'<path d="M{margin} 0V64" stroke="#e07070" stroke-width=".3"/>',
    ]
    if idx % 3 == 0:
        body.append(
            "".join(f'<circle cx="2.6" cy="{y}" r="1.5" fill="#e9e6dc"/>' for y in (12, 32, 52))
        )
    paths = []
    for part, run, is_outline in strokes(parts, 1.4):
        passes = 2 if is_outline or not part.fine else 1
        if is_outline and rnd.random() < 0.35:
            passes = 3
        for k in range(passes):
            pts = run
            if k > 0 and len(pts) > 8:  # the later passes go over part of the line
                a = rnd.randint(0, len(pts) // 3)
                b = rnd.randint(2 * len(pts) // 3, len(pts))
                pts = pts[a:b]
            if len(pts) > 3:  # overshoot at the ends
                head = pts[0] + (pts[0] - pts[1]) * rnd.uniform(0, 1.2)
                tail = pts[-1] + (pts[-1] - pts[-2]) * rnd.uniform(0, 1.2)
                pts = np.vstack([head, pts, tail])
            amp = 0.25 + 0.2 * k if not part.fine else 0.15
            drawn = wobble(pts, rnd, amp)
            paths.append(poly_d([tuple(p) for p in drawn]))
    for part in parts:
        if part.kind != "dot":
            continue
        for x, y, r in part.dots:
            r = max(r * 0.9, 0.55)
            loop = [
                (
                    x + r * math.cos(t) * rnd.uniform(0.9, 1.1),
                    y + r * math.sin(t) * rnd.uniform(0.9, 1.1),
                )
                for t in np.linspace(0, 2.4 * math.pi, 11)
            ]
            paths.append(poly_d(loop))
    body.append(
        f'<path d="{"".join(paths)}" fill="none" stroke="{ink}" stroke-width=".44" '
        f'stroke-opacity=".88" stroke-linecap="round" stroke-linejoin="round" '
        f'filter="url(#ink)"/>'
    )
    return "\n".join([HEAD, f"<defs>{''.join(defs)}</defs>", *body, "</svg>"])


RENDERINGS = {
    "stitch": stitch,
    "blueprint": blueprint,
    "papercut": papercut,
    "ballpoint": ballpoint,
}


def main() -> None:
    only = sys.argv[1:]
    OUT.mkdir(exist_ok=True)
    for name, make in DESIGNS.items():
        if only and not any(name.startswith(o) for o in only):
            continue
        parts, pal = make()
        for rendering, draw in RENDERINGS.items():
            rnd = random.Random(f"{name}/{rendering}")
            svg = draw(name, parts, pal, rnd)
            (OUT / f"{name}-{rendering}.svg").write_text(svg + "\n")
    print(f"{len(DESIGNS)} designs x {len(RENDERINGS)} renderings -> {OUT}")


if __name__ == "__main__":
    main()
