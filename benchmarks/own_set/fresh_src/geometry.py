"""Outlines for the fresh set: paths written by hand as SVG-like path data, parsed into
segments that can be mirrored, reversed, sampled into points or written back as path data.

A Shape is a list of closed or open subpaths; a subpath is a list of segments, each
(kind, points) with kind "L" (2 points), "Q" (3) or "C" (4), in a 64x64 view box."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

Pt = tuple[float, float]
Seg = tuple[str, list[Pt]]


@dataclass
class Sub:
    segs: list[Seg]
    closed: bool = True


@dataclass
class Part:
    """One piece of a drawing: a region ("fill"), a line ("line") or dots ("dot")."""

    kind: str
    subs: list[Sub] = field(default_factory=list)
    tone: str = "main"
    dots: list[tuple[float, float, float]] = field(default_factory=list)
    fine: bool = False  # a small detail (ribbing): left out where paper is too coarse


TOKEN = re.compile(r"[MLQCHVZ]|-?\d*\.?\d+")


def parse(d: str) -> list[Sub]:
    """Absolute M, L, H, V, Q, C and Z only."""
    tokens = TOKEN.findall(d)
    subs: list[Sub] = []
    cur: Pt = (0.0, 0.0)
    start: Pt = cur
    cmd = ""
    i = 0

    def nums(k: int) -> list[float]:
        nonlocal i
        out = [float(t) for t in tokens[i : i + k]]
        i += k
        return out

    while i < len(tokens):
        if tokens[i] in "MLQCHVZ":
            cmd = tokens[i]
            i += 1
        if cmd == "M":
            x, y = nums(2)
            cur = start = (x, y)
            subs.append(Sub([], closed=False))
            cmd = "L"
        elif cmd == "L":
            x, y = nums(2)
            subs[-1].segs.append(("L", [cur, (x, y)]))
            cur = (x, y)
        elif cmd == "H":
            (x,) = nums(1)
            subs[-1].segs.append(("L", [cur, (x, cur[1])]))
            cur = (x, cur[1])
        elif cmd == "V":
            (y,) = nums(1)
            subs[-1].segs.append(("L", [cur, (cur[0], y)]))
            cur = (cur[0], y)
        elif cmd == "Q":
            a, b, x, y = nums(4)
            subs[-1].segs.append(("Q", [cur, (a, b), (x, y)]))
            cur = (x, y)
        elif cmd == "C":
            a, b, c, e, x, y = nums(6)
            subs[-1].segs.append(("C", [cur, (a, b), (c, e), (x, y)]))
            cur = (x, y)
        elif cmd == "Z":
            if math.dist(cur, start) > 1e-6:
                subs[-1].segs.append(("L", [cur, start]))
            subs[-1].closed = True
            cur = start
    return subs


def mirror_pt(p: Pt, axis: float = 32.0) -> Pt:
    return (2 * axis - p[0], p[1])


def mirror_sub(sub: Sub) -> Sub:
    return Sub([(k, [mirror_pt(p) for p in pts]) for k, pts in sub.segs], sub.closed)


def reverse_sub(sub: Sub) -> Sub:
    return Sub([(k, pts[::-1]) for k, pts in reversed(sub.segs)], sub.closed)


def half(d: str) -> list[Sub]:
    """A symmetric outline from its right half, drawn from the centre line at the top round
    the right side to the centre line at the bottom."""
    (sub,) = parse(d)
    back = reverse_sub(mirror_sub(sub))
    segs = sub.segs + back.segs
    return [Sub(segs, closed=True)]


def both(subs: list[Sub]) -> list[Sub]:
    """The subpaths and their mirror images."""
    return subs + [mirror_sub(s) if not s.closed else reverse_sub(mirror_sub(s)) for s in subs]


def flip(parts: list[Part]) -> list[Part]:
    """A drawing mirrored left to right (a shoe's toe to the other side)."""
    out = []
    for p in parts:
        subs = [reverse_sub(mirror_sub(s)) if s.closed else mirror_sub(s) for s in p.subs]
        dots = [(64 - x, y, r) for x, y, r in p.dots]
        out.append(Part(p.kind, subs, p.tone, dots, p.fine))
    return out


def ellipse(cx: float, cy: float, rx: float, ry: float | None = None) -> list[Sub]:
    ry = rx if ry is None else ry
    k = 0.5523
    p = [(cx + rx, cy), (cx, cy + ry), (cx - rx, cy), (cx, cy - ry)]
    segs = []
    for j in range(4):
        a, b = p[j], p[(j + 1) % 4]
        ta = (-(a[1] - cy) / ry * rx, (a[0] - cx) / rx * ry)  # the tangent there
        tb = (-(b[1] - cy) / ry * rx, (b[0] - cx) / rx * ry)
        segs.append(
            (
                "C",
                [
                    a,
                    (a[0] + k * ta[0], a[1] + k * ta[1]),
                    (b[0] - k * tb[0], b[1] - k * tb[1]),
                    b,
                ],
            )
        )
    return [Sub(segs, closed=True)]


def rrect(x: float, y: float, w: float, h: float, r: float) -> list[Sub]:
    d = (
        f"M{x + r} {y} L{x + w - r} {y} Q{x + w} {y} {x + w} {y + r} L{x + w} {y + h - r} "
        f"Q{x + w} {y + h} {x + w - r} {y + h} L{x + r} {y + h} Q{x} {y + h} {x} {y + h - r} "
        f"L{x} {y + r} Q{x} {y} {x + r} {y} Z"
    )
    return parse(d)


def seg_points(kind: str, pts: list[Pt], step: float) -> list[Pt]:
    """Points along one segment (without its first), about `step` apart."""
    length = sum(math.dist(a, b) for a, b in itertools.pairwise(pts))
    n = max(1, math.ceil(length / step))
    out = []
    for j in range(1, n + 1):
        t = j / n
        if kind == "L":
            (a, b) = pts
            out.append((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
        elif kind == "Q":
            a, c, b = pts
            u = 1 - t
            out.append(
                (
                    u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
                    u * u * a[1] + 2 * u * t * c[1] + t * t * b[1],
                )
            )
        else:
            a, c1, c2, b = pts
            u = 1 - t
            out.append(
                (
                    u**3 * a[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t**3 * b[0],
                    u**3 * a[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t**3 * b[1],
                )
            )
    return out


def points(sub: Sub, step: float = 0.7) -> list[Pt]:
    """The subpath as points; a closed one ends where it began."""
    if not sub.segs:
        return []
    out = [sub.segs[0][1][0]]
    for kind, pts in sub.segs:
        out += seg_points(kind, pts, step)
    return out


def band(d: str, width: float, step: float = 0.8) -> list[Sub]:
    """A strip `width` wide along the (open) centre line `d`: a strap, a handle."""
    out = []
    for sub in parse(d):
        pts = points(sub, step)
        left, right = [], []
        for j, p in enumerate(pts):
            a = pts[max(j - 1, 0)]
            b = pts[min(j + 1, len(pts) - 1)]
            dx, dy = b[0] - a[0], b[1] - a[1]
            norm = math.hypot(dx, dy) or 1.0
            nx, ny = -dy / norm * width / 2, dx / norm * width / 2
            left.append((p[0] + nx, p[1] + ny))
            right.append((p[0] - nx, p[1] - ny))
        ring = left + right[::-1]
        segs = [("L", [a, b]) for a, b in itertools.pairwise(ring)]
        segs.append(("L", [ring[-1], ring[0]]))
        out.append(Sub(segs, closed=True))
    return out


def num(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def to_d(subs: list[Sub]) -> str:
    """Path data for the subpaths."""
    out = []
    for sub in subs:
        if not sub.segs:
            continue
        a = sub.segs[0][1][0]
        text = [f"M{num(a[0])} {num(a[1])}"]
        last = ""
        for kind, pts in sub.segs:
            coords = " ".join(f"{num(x)} {num(y)}" for x, y in pts[1:])
            text.append(coords if kind == last == "L" else f"{kind}{coords}")
            last = kind
        if sub.closed:
            text.append("Z")
        out.append("".join(t if t[0].isalpha() else " " + t for t in text))
    return "".join(out)


def poly_d(pts: list[Pt], closed: bool = False) -> str:
    """A polyline as compact path data (relative moves after the first point)."""
    if not pts:
        return ""
    rounded = [(round(x, 1), round(y, 1)) for x, y in pts]
    text = [f"M{num(rounded[0][0])} {num(rounded[0][1])}l"]
    prev = rounded[0]
    parts = []
    for p in rounded[1:]:
        dx, dy = round(p[0] - prev[0], 1), round(p[1] - prev[1], 1)
        if dx == 0 and dy == 0:
            continue
        parts.append(f"{num(dx)} {num(dy)}")
        prev = p
    if not parts:
        return ""
    body = " ".join(parts).replace(" -", "-")
    return text[0] + body + ("z" if closed else "")
