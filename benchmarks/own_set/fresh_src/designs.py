"""The fresh set's designs, drawn here as path data: 3 of each Fashion-MNIST class and 12
other things. Tops, trousers, dresses, coats and bags upright from the front, shoes and
boots from the side. Each design is a list of Parts in drawing order (later on top) and a
palette: a colour per tone, used by the renderings that have colour (stitch, papercut)."""

from __future__ import annotations

from collections.abc import Callable

from geometry import Part, band, both, ellipse, flip, half, parse, rrect


def fill(subs, tone="main"):
    return Part("fill", subs, tone)


def line(d, tone="dark", mirrored=False, fine=False):
    subs = parse(d)
    return Part("line", both(subs) if mirrored else subs, tone, fine=fine)


def dots(pts, r=0.8, tone="dark", mirrored=False):
    found = [(x, y, r) for x, y in pts]
    if mirrored:
        found += [(64 - x, y, r) for x, y in pts]
    return Part("dot", [], tone, found)


def ribs(x0, x1, y0, y1, gap=1.6, tone="dark"):
    """Short upright lines of knitted rib between x0 and x1."""
    d = " ".join(
        f"M{x0 + k * gap:.1f} {y0} L{x0 + k * gap:.1f} {y1}"
        for k in range(1, 99)
        if x0 + k * gap < x1 - 0.4
    )
    return line(d, tone, fine=True)


Design = tuple[list[Part], dict[str, str]]
DESIGNS: dict[str, Callable[[], Design]] = {}


def design(name):
    def register(f):
        DESIGNS[name] = f
        return f

    return register


# T-shirt/top ------------------------------------------------------------------------------


@design("tshirt-1")  # crew-neck tee
def tshirt_1():
    body = half("M32 10.5 Q37.5 10.5 39 4.5 L47 6.5 L59 18.5 L52.5 26 L46.5 21.5 L47 59 L32 59")
    return [
        fill(body),
        fill(half("M32 10.5 Q37.5 10.5 39 4.5 L41 5 Q39.5 13 32 13"), "accent"),
        line("M46.6 21.5 Q45.2 14 47 6.5", mirrored=True),
        line("M57 20.5 L50.8 27.7", mirrored=True),
        line("M17.2 56.2 L46.8 56.2"),
    ], {"main": "#d9473c", "accent": "#f2c14e", "dark": "#3a1a17"}


@design("tshirt-2")  # tank top
def tshirt_2():
    body = half("M32 21 Q39.5 20.5 40 4 L45.5 4 Q45 16.5 51.5 21 L50.5 60 L32 60")
    return [
        fill(body),
        fill(rrect(13.2, 34, 37.6, 5, 0.2), "accent"),
        fill(rrect(13.3, 44, 37.4, 5, 0.2), "accent"),
        line("M24 4 Q24.5 20 32 20 Q39.5 20 40 4"),
        line("M13.4 57.2 L50.6 57.2"),
    ], {"main": "#2f6fb3", "accent": "#f4efe1", "dark": "#13233d"}


@design("tshirt-3")  # boxy crop top, short sleeves, square neck
def tshirt_3():
    body = half("M32 21 L37 21 L37.5 13.5 L46 14.5 L60 26 L54 34.5 L47.5 29.5 L48 51 L32 51")
    return [
        fill(body),
        fill(half("M32 47 L48 47 L48 51 L32 51"), "accent"),
        line("M58.2 24.6 L52.4 33.1", mirrored=True),
        line("M27 13.5 L27 21 L37 21 L37 13.5"),
        line("M47.6 29.5 Q46.3 21 46 14.5", mirrored=True),
        ribs(16, 48, 47.4, 50.6),
    ], {"main": "#f2a7c0", "accent": "#7b3f8c", "dark": "#3c1d3f"}


# Trouser ----------------------------------------------------------------------------------


@design("trouser-1")  # straight jeans
def trouser_1():
    body = half("M32 5 L47 5 L49.5 59 L34.5 59 L32.4 25 L32 25")
    return [
        fill(body),
        fill(half("M32 5 L47 5 L47.2 9.5 L32 9.5"), "accent"),
        line("M39 9.5 Q40 15.8 47.5 17", mirrored=True),
        line("M32 9.5 L32 23 M35.5 9.5 L35.5 19 Q35.5 21.5 32.6 22.5"),
        line("M41 4.6 L41 10.6 M22.5 4.6 L22.5 10.6 M46 4.6 L46 10.6 M18 4.6 L18 10.6"),
        line("M34.7 56 L49.3 56", mirrored=True),
        dots([(32, 7.3)], 0.9, "extra"),
    ], {"main": "#3c5f93", "accent": "#2b4670", "dark": "#e8b64a", "extra": "#c9c9c9"}


@design("trouser-2")  # wide-leg pleated trousers
def trouser_2():
    body = half("M32 5 L45 5 L45.8 10 L57.5 60 L34 60 L32.4 28 L32 28")
    return [
        fill(body),
        fill(half("M32 5 L45 5 L45.5 9 L32 9"), "accent"),
        line("M38.5 9 L40 19 M42 9 L45.8 58.5", mirrored=True),
        line("M32 9 L32 24"),
        dots([(33.6, 7)], 0.8, "dark"),
    ], {"main": "#c8b084", "accent": "#8c6c3f", "dark": "#3b2d19"}


@design("trouser-3")  # joggers with cuffs and a drawstring
def trouser_3():
    body = half(
        "M32 5 L46 5 L46.3 10.5 Q49 18 48.6 26 L45.2 51 L45.5 58.5 L35.5 58.5 L35.6 51 "
        "L34.6 38 L32.3 27 L32 27"
    )
    return [
        fill(body),
        fill(half("M32 5 L46 5 L46.3 10.5 L32 10.5"), "accent"),
        fill(both(parse("M35.6 51.5 L45.2 51.5 L45.5 58.5 L35.5 58.5 Z")), "accent"),
        line("M31 10.5 Q30 15 28.5 18.5 M33 10.5 Q34.5 15 36.5 18", "extra"),
        line("M46.8 14 Q43.5 17 43.3 22.5", mirrored=True),
        line("M32 10.5 L32 22"),
        ribs(18, 46, 5.6, 9.9, 1.5),
        dots([(28.5, 18.6), (36.5, 18.1)], 0.75, "extra"),
    ], {"main": "#6d7a80", "accent": "#3f4a4f", "dark": "#1b2124", "extra": "#f2f2ee"}


# Pullover ---------------------------------------------------------------------------------


@design("pullover-1")  # crew-neck sweater
def pullover_1():
    body = half(
        "M32 9.5 Q37.5 9.5 38.5 4.5 L46 6 Q52.5 8 54.5 16 L60 50 L60.6 56.5 L54 57 "
        "L53.5 51 L48.7 24 L47.8 52 L48 58.5 L32 58.5"
    )
    return [
        fill(body),
        fill(both(parse("M53.5 51 L60 50 L60.6 56.5 L54 57 Z")), "accent"),
        fill(half("M32 52 L47.8 52 L48 58.5 L32 58.5"), "accent"),
        fill(half("M32 9.5 Q37.5 9.5 38.5 4.5 L40.6 5.1 Q39.6 12 32 12"), "accent"),
        line("M48.6 24 Q47 14 46 6", mirrored=True),
        ribs(16, 48, 52.5, 58),
        line("M25 30 L27 32 L29 30 L31 32 L33 30 L35 32 L37 30 L39 32", "accent"),
    ], {"main": "#2e7d6b", "accent": "#e7d7a8", "dark": "#10302a"}


@design("pullover-2")  # hoodie without a zip
def pullover_2():
    body = half(
        "M32 2 Q43.5 2 44.5 10.5 L50 10.5 Q55.5 12 56.5 19.5 L60.5 50.5 L61 57 L54.5 57.5 "
        "L54 51.5 L49 27 L48.5 52.5 L48.8 59 L32 59"
    )
    return [
        fill(body),
        fill(
            parse("M32 5 Q39.5 5 39.5 11.5 Q38.5 16 32 18 Q25.5 16 24.5 11.5 Q24.5 5 32 5 Z"),
            "dark",
        ),
        fill(both(parse("M54 51.5 L60.5 50.5 L61 57 L54.5 57.5 Z")), "accent"),
        fill(half("M32 52.5 L48.5 52.5 L48.8 59 L32 59"), "accent"),
        line("M24 38 L40 38 L44.5 44 L44.5 52.5 L19.5 52.5 L19.5 44 Z"),
        line("M49 27 Q48 17 48.5 11", mirrored=True),
        line("M29.5 17.5 L28.8 28 M34.5 17.5 L35.2 28", "extra"),
        dots([(28.8, 28.4), (35.2, 28.4)], 0.8, "extra"),
    ], {"main": "#8a5bb5", "accent": "#5d3a80", "dark": "#2a1838", "extra": "#f4f0e8"}


@design("pullover-3")  # turtleneck with a cable down the front
def pullover_3():
    body = half(
        "M32 2 L38.5 2 L39 10.5 L46.5 11 Q53 12.5 55 20 L59.5 51 L59.8 57 L53.6 57 "
        "L53.2 51.8 L48.6 27 L48.2 52.5 L48.3 58.5 L32 58.5"
    )
    return [
        fill(body),
        fill(half("M32 2 L38.5 2 L39 10.5 L32 10.5"), "accent"),
        fill(both(parse("M53.2 51.8 L59.5 51 L59.8 57 L53.6 57 Z")), "accent"),
        fill(half("M32 52.5 L48.2 52.5 L48.3 58.5 L32 58.5"), "accent"),
        line("M25.3 6.2 L38.7 6.2"),
        line("M48.6 27 Q47.8 16 46.5 11", mirrored=True),
        line(
            "M29.5 14 Q34.5 17.5 29.5 21 Q24.5 24.5 29.5 28 Q34.5 31.5 29.5 35 Q24.5 38.5 29.5 42"
            " Q34.5 45.5 29.5 49",
            "dark",
        ),
        line(
            "M34.5 14 Q29.5 17.5 34.5 21 Q39.5 24.5 34.5 28 Q29.5 31.5 34.5 35 Q39.5 38.5 34.5 42"
            " Q29.5 45.5 34.5 49",
            "dark",
        ),
        ribs(15.7, 48.3, 53, 58),
    ], {"main": "#e9e2cf", "accent": "#c9bea0", "dark": "#6b5c3a"}


# Dress ------------------------------------------------------------------------------------


@design("dress-1")  # sleeveless A-line with a sash
def dress_1():
    body = half("M32 10 Q37 9.5 37.5 3 L42 3 Q42.2 11 44.2 15 L43 24 Q49 42 54 60 Q43 62.5 32 62.5")
    return [
        fill(body),
        fill(half("M32 22.5 L43.2 22.5 L43.1 26.5 L32 26.5"), "accent"),
        fill(
            parse("M30 26 L26 36 L29 36.5 L31.5 27 Z M34 26 L38.5 36 L35.5 36.8 L32.5 27 Z"),
            "accent",
        ),
        line("M36.5 30 L41.5 59.8 M40.5 29 L48 59", mirrored=True, tone="dark"),
        dots([(32, 24.5)], 1.3, "extra"),
    ], {"main": "#e1574a", "accent": "#2d2a5a", "dark": "#6e1f18", "extra": "#f0c75e"}


@design("dress-2")  # short puff sleeves, V neck, flared midi
def dress_2():
    body = half(
        "M32 14 L37.5 4 L44 5 Q50.5 5.5 51.5 11 Q52.5 16 49 16.5 L44.5 14.5 L42.5 25 "
        "Q50 41 57 59 Q45 62.5 32 62.5"
    )
    return [
        fill(body),
        fill(half("M32 41 L50.1 41 Q53.5 50 57 59 Q45 62.5 32 62.5"), "accent"),
        line("M21.4 25 Q32 26.5 42.6 25"),
        line("M44.3 15 Q45.5 9.5 44 5", mirrored=True),
        line("M35 28 L37 40 M40 27 L44.5 40", mirrored=True, fine=True),
        dots(
            [(26, 48), (32, 51), (38, 48), (23, 55), (29, 57.5), (35, 57.5), (41, 55), (44.5, 49)],
            0.75,
            "extra",
        ),
    ], {"main": "#4f9d69", "accent": "#f3e3b3", "dark": "#1e4229", "extra": "#d0503c"}


@design("dress-3")  # halter maxi with tiers
def dress_3():
    body = half(
        "M32 11.5 Q35.5 7 35.8 1.8 L38.5 1.8 Q38.8 9 42.5 12 L41 25 Q44 35 45.5 38 "
        "Q48 46 49.5 48.5 Q51.5 55 53 62.5 L32 62.5"
    )
    return [
        fill(body),
        fill(half("M32 38 L45.5 38 Q48 46 49.5 48.5 L32 48.5"), "accent"),
        fill(half("M32 48.5 L49.5 48.5 Q51.5 55 53 62.5 L32 62.5"), "extra"),
        line("M23 25 Q32 27 41 25"),
        line("M28 1.8 Q28.5 9 32 11.5"),
    ], {"main": "#f0b43c", "accent": "#e07a2e", "dark": "#5a3410", "extra": "#b8452a"}


# Coat -------------------------------------------------------------------------------------


@design("coat-1")  # long double-breasted coat with lapels
def coat_1():
    body = half(
        "M32 9 Q36 8.5 38 3 L46 5 Q53 7 54.5 15 L59 54 L59.5 59.5 L53 60 L52.8 55 "
        "L49 27 L49.3 62 L32 62"
    )
    return [
        fill(body),
        fill(
            both(parse("M38 3 L43 6.5 L39 12.5 L41.5 15 L33 28 L32 27 L32 9 Q36 8.5 38 3 Z")),
            "accent",
        ),
        fill(both(parse("M52.8 55 L59 54 L59.5 59.5 L53 60 Z")), "accent"),
        line("M49 27 Q47.5 14 46 5", mirrored=True),
        line("M33 28 L33 62"),
        line("M38.5 47 L46.5 47", mirrored=True),
        dots([(28, 32), (37, 32), (28, 40), (37, 40), (28, 48), (37, 48)], 1.0, "dark"),
    ], {"main": "#2d3c55", "accent": "#4d5f7d", "dark": "#c9a24a"}


@design("coat-2")  # zipped parka with a hood and flap pockets
def coat_2():
    body = half(
        "M32 1.5 Q44 1.5 45 10 L50 10.5 Q55.5 12 56.5 20 L60 54 L60.3 59.5 L54 60 "
        "L53.6 55 L49.5 29 L50 61 L32 61"
    )
    return [
        fill(body),
        fill(
            parse(
                "M32 4.5 Q40 4.5 40.2 11.5 Q39.5 16.5 32 18 Q24.5 16.5 23.8 11.5 Q24 4.5 32 4.5 Z"
            ),
            "dark",
        ),
        fill(
            parse(
                "M32 3 Q42 3 42 11.5 Q41 18.5 32 19.5 Q23 18.5 22 11.5 Q22 3 32 3 Z M32 4.5 "
                "Q40 4.5 40.2 11.5 Q39.5 16.5 32 18 Q24.5 16.5 23.8 11.5 Q24 4.5 32 4.5 Z"
            ),
            "extra",
        ),
        fill(both(parse("M36 40 L46 40 L46 43.5 L36 43.5 Z")), "accent"),
        line("M36 43.5 L36 53 L46 53 L46 43.5", mirrored=True),
        line("M32 19.5 L32 61"),
        line(
            "M31 21 L33 21 M31 24 L33 24 M31 27 L33 27 M31 30 L33 30 M31 33 L33 33 M31 36 L33 36"
            " M31 39 L33 39 M31 42 L33 42 M31 45 L33 45 M31 48 L33 48 M31 51 L33 51 M31 54 L33 54"
            " M31 57 L33 57",
            fine=True,
        ),
        line("M49.5 29 Q48.5 18 50 10.5", mirrored=True),
        line("M17.5 33 Q32 34.5 46.5 33"),
        dots([(41, 41.8)], 0.8, "dark", mirrored=True),
    ], {"main": "#6b7b3a", "accent": "#4d5a28", "dark": "#2b2f1a", "extra": "#d9c9a6"}


@design("coat-3")  # belted trench coat
def coat_3():
    body = half(
        "M32 9 Q36 8.5 37 3.5 L46 5.5 Q53 7.5 54.5 15 L59 51.5 L59.2 57 L53 57.5 "
        "L52.6 52 L49.2 26 L48.5 30 L53.5 62 L32 62"
    )
    return [
        fill(body),
        fill(
            both(parse("M37 3.5 L42.5 6 L38.5 11 L41 13.5 L33.5 24 L32 23 L32 9 Q36 8.5 37 3.5 Z")),
            "accent",
        ),
        fill(half("M32 26.5 L48.9 26.5 L48.6 30.5 L32 30.5"), "dark"),
        fill(rrect(36.5, 25.8, 4.6, 5.4, 0.6), "extra"),
        line("M37.8 27.3 L39.8 27.3 L39.8 29.7 L37.8 29.7 Z", "dark"),
        line("M46 5.5 L49 9 M52.5 46 L58.3 45.3", mirrored=True),
        line("M33.5 24 L33.5 26.5 M33.5 30.5 L34.5 62"),
        line("M41 36 L47 34.5", mirrored=True),
        dots([(29, 17), (37.5, 17), (29, 22), (37.5, 22), (37.5, 36), (37.8, 43)], 0.9, "dark"),
    ], {"main": "#c7a46c", "accent": "#b08c55", "dark": "#4a3418", "extra": "#2c2c2c"}


# Sandal -----------------------------------------------------------------------------------


@design("sandal-1")  # flat sandal with an ankle strap (toe to the left once flipped)
def sandal_1():
    parts = [
        fill(band("M9.5 48.8 L11 31", 3.0), "main"),
        fill(ellipse(17.5, 29.5, 8.5, 3.1) + ellipse(17.5, 29.7, 6.4, 1.3), "main"),
        fill(band("M25.2 31.2 Q27.5 40 31 48.3", 2.6), "main"),
        fill(band("M32.5 48.3 Q37 38 43 47.8", 3.0), "main"),
        fill(band("M45 47.8 Q51 37.5 58 47.2", 3.4), "main"),
        fill(
            parse(
                "M4 52 Q4 48.7 8.5 48.6 L56 47.2 Q61 47.2 61.2 50.5 Q61.2 54 56.5 54 "
                "L8.5 54.6 Q4 54.6 4 52 Z"
            ),
            "accent",
        ),
        line("M6 51.6 L59 50.6", "dark", fine=True),
        dots([(25.6, 31.3)], 1.1, "extra"),
    ]
    return flip(parts), {
        "main": "#a0522d",
        "accent": "#e9c46a",
        "dark": "#4a250f",
        "extra": "#d8d8d8",
        "stitch": "satin",
    }  # thin straps: satin


@design("sandal-2")  # high-heeled strappy sandal, toe to the right
def sandal_2():
    return [
        fill(parse("M11 33 L14.5 34 L12.8 58 L10.6 58 Z"), "dark"),
        fill(
            parse(
                "M8.5 31.5 Q8 29.5 10.5 29.8 Q17 31.5 23 37 Q32 46 44 49.5 L56 50.5 "
                "Q61.5 51 61.5 54 Q61.5 56.8 57 56.8 L44 56.3 Q30 54 21 45.5 Q15 39.5 9.5 35 "
                "Q8.5 34 8.5 31.5 Z"
            ),
            "accent",
        ),
        fill(band("M10 30.5 Q11.5 23 12 17", 2.6), "main"),
        fill(ellipse(15.5, 15.3, 6.8, 2.4) + ellipse(15.5, 15.5, 4.9, 0.9), "main"),
        fill(band("M21.6 16.5 Q23.5 29 30 42.3", 1.8), "main"),
        fill(band("M45 50 Q50 40 58 50.5", 2.6), "main"),
        fill(band("M36 46.5 Q40 37 46 46", 2.0), "main"),
        dots([(21.8, 15.8)], 1.2, "extra"),
    ], {"main": "#c2185b", "accent": "#f3d2c1", "dark": "#3b0a1f", "extra": "#e9c46a"}


@design("sandal-3")  # sport sandal with a chunky sole and wide straps
def sandal_3():
    parts = [
        fill(band("M12.5 45 Q11 35 13 26", 4.6), "main"),
        fill(band("M9 25.5 Q21 24.5 28.5 36", 4.2), "main"),
        fill(band("M21 44.5 Q28 30 37 44.3", 5.0), "main"),
        fill(band("M41 44.3 Q48.5 33.5 57.5 44.3", 5.0), "main"),
        fill(
            parse(
                "M3.5 47 Q3.5 44 7 44 L57 43.2 Q62 43.2 62 47 L62 52 Q62 55.5 58.5 55.5 "
                "L7 56 Q3.5 56 3.5 52.5 Z"
            ),
            "accent",
        ),
        line("M4 49.6 L61.8 49.2"),
        line(
            "M6 56 L8 53.5 L10 56 M13 56 L15 53.5 L17 56 M20 56 L22 53.5 L24 56 M27 56 L29 53.5 "
            "L31 55.9 M34 55.9 L36 53.4 L38 55.9 M41 55.9 L43 53.4 L45 55.8 M48 55.8 L50 53.3 "
            "L52 55.8 M55 55.7 L57 53.3 L59 55.6",
            fine=True,
        ),
        fill(rrect(16, 23.2, 6, 3.8, 0.8), "extra"),
        fill(rrect(45.5, 35.3, 6, 3.6, 0.8), "extra"),
    ]
    return flip(parts), {
        "main": "#1f3b4d",
        "accent": "#8ecae6",
        "dark": "#0b1820",
        "extra": "#ff9f1c",
    }


# Shirt ------------------------------------------------------------------------------------


@design("shirt-1")  # long-sleeve button-down with a collar and pocket
def shirt_1():
    body = half(
        "M32 8.5 L34.5 3 L39 3 L46 5.5 Q52 7 53.5 15 L59 52 L59.3 57.5 L53.8 57.8 "
        "L53.2 52.5 L49 24.5 L48.6 55.5 Q48 59.5 43.5 59.5 Q38 57.5 32 58.5"
    )
    return [
        fill(body),
        fill(both(parse("M32.4 8.5 L34.5 3 L39 3 L40.2 6.5 L36.2 14.5 L32.4 10.8 Z")), "accent"),
        fill(both(parse("M53.2 52.5 L59 52 L59.3 57.5 L53.8 57.8 Z")), "accent"),
        line("M30.3 11.5 L30.3 58.6 M33.7 11.5 L33.7 58.6"),
        line("M37 20 L44 20 L44 27 L40.5 28.5 L37 27 Z"),
        line("M49 24.5 Q47.5 14 46 5.5", mirrored=True),
        dots(
            [(32, 17), (32, 24), (32, 31), (32, 38), (32, 45), (32, 52), (56.5, 55)], 0.75, "extra"
        ),
    ], {"main": "#9cc5e8", "accent": "#f7f7f2", "dark": "#1d3b5a", "extra": "#1d3b5a"}


@design("shirt-2")  # short-sleeve camp shirt with a print
def shirt_2():
    body = half("M32 17 L37.5 4 L46 6 L58.5 18 L52.8 27 L47 23 L47.5 58.5 L32 58.5")
    return [
        fill(body),
        fill(both(parse("M37.5 4 L42.2 5.2 L39.6 11.5 L41.2 13 L32.6 19.5 L32.2 17 Z")), "accent"),
        line("M32.6 19.5 L32.6 58.5 M30.2 18.5 L30.2 58.5"),
        line("M47 23 Q45.5 14 46 6", mirrored=True),
        dots([(31.4, 24), (31.4, 31), (31.4, 38), (31.4, 45), (31.4, 52)], 0.7, "dark"),
        dots(
            [
                (22, 24),
                (40, 28),
                (25, 35),
                (42, 39),
                (20, 46),
                (37, 50),
                (26, 54),
                (43, 55),
                (53.5, 20),
                (10.5, 20),
                (23, 14),
                (19.5, 30.5),
                (38, 18.5),
            ],
            1.05,
            "extra",
        ),
    ], {"main": "#2a9d8f", "accent": "#e9f5f2", "dark": "#0b3530", "extra": "#f4a261"}


@design("shirt-3")  # blouse with a round collar and gathered cuffs
def shirt_3():
    body = half(
        "M32 9 Q36 9 37.5 4.5 L44 5 Q50.5 4.5 52 10.5 L58 47 Q60.5 50 58.5 52.5 L53.5 53 "
        "Q52 51 53 48.5 L48 24 L47.2 51 Q40 53.5 32 52.5"
    )
    return [
        fill(body),
        fill(
            both(parse("M32.3 9 Q36 9 37.5 4.5 L40.3 6 Q42.5 13.5 36 15.5 Q33 15.5 32.3 12 Z")),
            "accent",
        ),
        fill(both(parse("M53 48.5 L58 47 Q60.5 50 58.5 52.5 L53.5 53 Q52 51 53 48.5 Z")), "accent"),
        line("M48 24 Q46.5 13 44 5", mirrored=True),
        line("M32 15.5 L32 52.6"),
        line("M50 12 L51.5 14 M52 11 L53.8 13", mirrored=True, fine=True),
        dots([(32, 20), (32, 27), (32, 34), (32, 41), (32, 48)], 0.7, "dark"),
    ], {"main": "#f2b8c6", "accent": "#ffffff", "dark": "#8c3b52", "extra": "#8c3b52"}


# Sneaker ----------------------------------------------------------------------------------


@design("sneaker-1")  # low runner (toe to the left once flipped)
def sneaker_1():
    parts = [
        fill(
            parse(
                "M5 50 L5 39 Q5 31.5 9 30.5 Q14.5 33.5 20 31.5 L25 26 Q28 23.5 30.5 25.5 "
                "L33.5 28.5 Q44 35 55 38.5 Q61 40.5 61 46.5 L61 50 Z"
            )
        ),
        fill(parse("M14 45.5 Q30 45 47 37.2 L51.5 38.6 Q33 48.5 14 48.8 Z"), "accent"),
        fill(parse("M5 39 Q5 31.5 9 30.5 Q11 31.8 12.8 32.3 L12 42 L5 43 Z"), "accent"),
        fill(parse("M3.8 49.5 L62 49.5 Q62.5 55.5 58 56 L8 56.5 Q3.8 56.5 3.8 53 Z"), "extra"),
        line("M4.5 52.8 L61.8 52.8", fine=True),
        line("M29 26.5 L26.5 30.5 M33 29.5 L30 33 M37 32 L34 35.5 M41 34 L38.2 37.6"),
        dots([(26.5, 30.5), (30, 33), (34, 35.5), (38.2, 37.6)], 0.6, "dark"),
    ]
    return flip(parts), {
        "main": "#e63946",
        "accent": "#1d3557",
        "dark": "#1d1d1d",
        "extra": "#f1faee",
    }


@design("sneaker-2")  # canvas plimsoll with a toe cap, toe to the right
def sneaker_2():
    return [
        fill(
            parse("M6 48 Q5 38.5 9.5 36 Q16 38.2 22.5 35 L27 33 Q44 36.5 55.5 41.6 Q61 44 61 48 Z")
        ),
        fill(parse("M3.8 47 L62.2 47 Q63 55.5 58 56 L8 56 Q3.8 56 3.8 51 Z"), "extra"),
        fill(parse("M48.5 40.2 Q59 42 61.5 47.2 L47.5 47.2 Q46.5 43.5 48.5 40.2 Z"), "extra"),
        line("M4.2 51.2 L62.6 51.2", "accent"),
        line(
            "M27.5 34 L31 37.5 M31.5 35 L35 38.7 M35.5 36 L39 39.8 M39.5 37.2 L43 41 "
            "M28.5 37.2 L32 35 M32.5 38.4 L36 36.2 M36.5 39.6 L40 37.4"
        ),
        dots([(27.5, 34), (31.5, 35), (35.5, 36), (39.5, 37.2)], 0.55, "dark"),
    ], {"main": "#2b59c3", "accent": "#c1121f", "dark": "#111111", "extra": "#f5f1e6"}


@design("sneaker-3")  # retro jogger with a wavy midsole (toe to the left once flipped)
def sneaker_3():
    parts = [
        fill(
            parse(
                "M6 47 L6 36 Q6 30 10 29.5 Q15.5 32.5 21 30 L27 24.5 Q29.5 22.5 32 24.5 "
                "L35.5 28 Q46 34 56 37.5 Q61.5 40 61.5 45.5 L61.5 47 Z"
            )
        ),
        fill(
            parse("M6 47 L6 42.5 Q24 44.5 40 40.5 Q52 37.2 59.8 39.8 Q61.5 42.5 61.5 47 Z"),
            "accent",
        ),
        fill(parse("M6 36 Q6 30 10 29.5 Q12 30.7 14 31.2 Q16.5 37 15 43.6 L6 42.5 Z"), "accent"),
        fill(ellipse(22, 37.5, 3, 2.6), "extra"),
        fill(
            parse(
                "M4 46 L62.5 46 Q63.5 50 61 51.5 Q54 50 48 52.5 Q40 55.5 30 52.5 Q20 50 12 53"
                " Q4 55.5 4 50 Z"
            ),
            "extra",
        ),
        fill(
            parse(
                "M4.5 52.5 Q12 50.8 20 52 Q30 55.5 40 56 Q52 55 62 52.5 Q62.5 57.5 58 58 "
                "L9 58 Q4.5 58 4.5 52.5 Z"
            ),
            "dark",
        ),
        line("M30 25.5 L27.5 29.5 M34 29 L31 32.6 M38 31.5 L35 35.2"),
        dots([(27.5, 29.5), (31, 32.6), (35, 35.2)], 0.6, "dark"),
    ]
    return flip(parts), {
        "main": "#3d5a80",
        "accent": "#ee6c4d",
        "dark": "#293241",
        "extra": "#f2e8cf",
    }


# Bag --------------------------------------------------------------------------------------


@design("bag-1")  # handbag with a top handle and a flap
def bag_1():
    return [
        fill(
            parse("M17 27 Q17 6.5 32 6.5 Q47 6.5 47 27 L43 27 Q43 11 32 11 Q21 11 21 27 Z"), "dark"
        ),
        fill(
            parse(
                "M11 24 L53 24 Q56 24 56.5 27 L59 55 Q59.3 59 55 59 L9 59 Q4.7 59 5 55 "
                "L7.5 27 Q8 24 11 24 Z"
            )
        ),
        fill(
            parse(
                "M8.6 25 L55.4 25 Q56 26 56.2 28 L56.8 33 Q44 40 32 40 Q20 40 7.2 33 "
                "L7.8 28 Q8 26 8.6 25 Z"
            ),
            "accent",
        ),
        fill(rrect(29.5, 37.5, 5, 5, 1.2), "extra"),
        line("M8.6 53.5 L55.4 53.5", fine=True),
    ], {"main": "#7a3b2e", "accent": "#5a281e", "dark": "#3a1a12", "extra": "#e9c46a"}


@design("bag-2")  # tote with long handles
def bag_2():
    return [
        fill(band("M20 27 L21.5 9 Q32 2.5 42.5 9 L44 27", 2.8), "accent"),
        fill(parse("M8 25.5 L56 25.5 L54.5 60.5 L9.5 60.5 Z")),
        fill(band("M17 32.5 L18.2 12 Q32 4 45.8 12 L47 32.5", 3.2), "accent"),
        fill(parse("M8.5 25.5 L55.5 25.5 L55.2 30.5 L8.8 30.5 Z"), "accent"),
        fill(ellipse(32, 45, 9, 8), "extra"),
        line("M24 45 Q28 38 32 45 Q36 52 40 45", "dark"),
        dots([(17, 32.5), (47, 32.5)], 1.1, "dark"),
    ], {"main": "#efe6d2", "accent": "#264653", "dark": "#264653", "extra": "#e76f51"}


@design("bag-3")  # backpack
def bag_3():
    return [
        fill(band("M26.5 8 Q27 1.8 32 1.8 Q37 1.8 37.5 8", 2.4), "dark"),
        fill(
            band("M13.5 16 Q7.5 32 10.5 54", 3.4),
            "dark",
        ),
        fill(band("M50.5 16 Q56.5 32 53.5 54", 3.4), "dark"),
        fill(
            parse(
                "M14 16 Q14 6 32 6 Q50 6 50 16 L52 55.5 Q52 60.5 47.5 60.5 L16.5 60.5 "
                "Q12 60.5 12 55.5 Z"
            )
        ),
        fill(rrect(17, 35, 30, 21.5, 4), "accent"),
        line("M16 19 Q32 10.5 48 19"),
        line("M20 40.5 L44 40.5"),
        dots([(47.2, 17.7), (42.5, 40.5)], 0.9, "extra"),
    ], {"main": "#f4a300", "accent": "#d17a00", "dark": "#3d2a00", "extra": "#2b2b2b"}


# Ankle boot -------------------------------------------------------------------------------


@design("ankle-boot-1")  # chelsea boot (toe to the left once flipped)
def ankle_boot_1():
    parts = [
        fill(
            parse(
                "M9 8 L30 8 Q30.5 22 35 30 Q46 36.5 56 40 Q62 42.5 61.5 49 L61.5 51 L7 51 "
                "Q5 30 9 8 Z"
            )
        ),
        fill(parse("M17 8.2 L24.5 8.2 Q23.5 20 20.7 28 Q18 20 17 8.2 Z"), "accent"),
        fill(band("M9.6 8.3 Q9.2 4.5 12.2 4.5 Q14.8 4.6 14.5 8.3", 1.6), "accent"),
        fill(parse("M6.3 49.5 L62 49.5 L62 53.5 L16 53.5 L16 57.5 L6.3 57.5 Z"), "dark"),
        line("M30 8 Q30.5 22 35 30", fine=True),
    ]
    return flip(parts), {"main": "#6f4e37", "accent": "#2f2f2f", "dark": "#1b1b1b"}


@design("ankle-boot-2")  # block-heel lace-up bootie, toe to the right
def ankle_boot_2():
    return [
        fill(
            parse(
                "M12 6 L33 6 Q33 23 38 30.5 Q50 38 57 43.5 Q62 47.5 61.2 52.5 L61 55.5 "
                "L40 55.5 Q30 51 22 46.5 L17.5 46.5 L9.5 46.5 Q7.5 28 12 6 Z"
            )
        ),
        fill(parse("M9.5 46.5 L18 46.5 L17.5 57.5 L10 57.5 Z"), "dark"),
        fill(
            parse("M22 46.5 Q30 51 40 55.5 L61 55.5 L61 57.5 L40 57.5 Q29 53.5 21.5 48.5 Z"), "dark"
        ),
        fill(band("M31.5 6.5 Q31.5 21 36.5 30", 3.4), "accent"),
        line(
            "M29.5 9 L33.6 9.5 M29.8 13 L34 13.5 M30.3 17 L34.5 17.7 M31 21 L35.5 21.5 "
            "M32.2 25 L36.8 25"
        ),
        dots([(29.9, 9), (30.2, 13), (30.7, 17), (31.6, 21), (32.8, 25)], 0.55, "extra"),
    ], {"main": "#1f1f2e", "accent": "#3e3e5e", "dark": "#0c0c12", "extra": "#d4af37"}


@design("ankle-boot-3")  # work boot with a lug sole (toe to the left once flipped)
def ankle_boot_3():
    parts = [
        fill(
            parse(
                "M10 10 L31 9.5 Q33 10 33 14 Q34 24 39 30 Q52 34.5 58 37.5 Q63 40.5 62 47 "
                "L62 50 L7.5 50 Q6 30 10 10 Z"
            )
        ),
        fill(parse("M9.6 10 L31 9.5 Q33 10 33 14 L9.4 14.2 Z"), "accent"),
        fill(
            parse("M48 33.5 Q55 35.5 58 37.5 Q63 40.5 62 47 L62 50 L49 50 Q46 42 48 33.5 Z"),
            "accent",
        ),
        fill(parse("M6 48.5 L63 48.5 L63 54.5 Q62.5 57 60 57 L8.5 57 Q6 57 6 54.5 Z"), "dark"),
        line(
            "M8 57 L8 54.5 L11 54.5 L11 57 M14 57 L14 54.5 L17 54.5 L17 57 M20 57 L20 54.5 "
            "L23 54.5 L23 57 M40 57 L40 54.5 L43 54.5 L43 57 M46 57 L46 54.5 L49 54.5 L49 57 "
            "M52 57 L52 54.5 L55 54.5 L55 57 M58 57 L58 54.5 L61 54.5 L61 57",
            "extra",
            fine=True,
        ),
        line(
            "M32 14 L35 15.5 M31 17 L35.5 18.5 M31.5 20.5 L36 22 M32.5 24 L37 25.5 "
            "M34 27.5 L38.5 29"
        ),
        dots([(35.3, 15.6), (35.8, 18.6), (36.3, 22.1), (37.3, 25.6), (38.8, 29.1)], 0.6, "dark"),
    ]
    return flip(parts), {
        "main": "#b5763a",
        "accent": "#8a5526",
        "dark": "#2e1c0c",
        "extra": "#6b6b6b",
    }


# Other things -----------------------------------------------------------------------------


@design("other-penguin")
def penguin():
    return [
        fill(ellipse(24.5, 58.5, 5, 2.3), "accent"),
        fill(ellipse(39.5, 58.5, 5, 2.3), "accent"),
        fill(
            parse(
                "M32 3.5 Q44 3.5 45 17 Q52.5 31 50.5 47 Q48.5 58.5 32 58.5 Q15.5 58.5 13.5 47 "
                "Q11.5 31 19 17 Q20 3.5 32 3.5 Z"
            )
        ),
        fill(
            parse(
                "M32 14.5 Q39.5 14.5 40.5 23 Q45 35 43.5 46.5 Q41.5 55.5 32 55.5 "
                "Q22.5 55.5 20.5 46.5 Q19 35 23.5 23 Q24.5 14.5 32 14.5 Z"
            ),
            "extra",
        ),
        fill(parse("M17 24 Q8 34 8.5 45 Q13 40 16 33 Z"), "main"),
        fill(parse("M47 24 Q56 34 55.5 45 Q51 40 48 33 Z"), "main"),
        fill(parse("M28.8 16 L35.2 16 L32 20.8 Z"), "accent"),
        dots([(27.5, 11.5), (36.5, 11.5)], 1.2, "dark"),
    ], {"main": "#22303c", "accent": "#f4a261", "dark": "#101820", "extra": "#f7f7f2"}


@design("other-rabbit")  # sitting, from the side
def rabbit():
    return [
        fill(parse("M37 18 Q35 4 38.5 2.5 Q42 3 41.5 17 Z")),
        fill(parse("M41 18 Q43.5 5 47.5 5 Q50 7 45 19.5 Z")),
        fill(
            parse(
                "M14 58 Q6 57 7 47 Q8 33 22 28.5 Q31 26 35 24 Q34 15 42 14.5 Q51 14.5 52 23.5 "
                "Q52.5 30 46 32 Q44 37 44 43 Q46 51 48.5 53.5 Q50 57.5 46 58 Z"
            )
        ),
        fill(ellipse(9.5, 46, 4, 4), "extra"),
        fill(parse("M38.3 16 Q37 7 38.6 4.5 Q40.3 6 39.8 16 Z"), "accent"),
        line("M33 49 Q28 44 26 50 Q25 56 33 58"),
        dots([(46, 21.5)], 1.0, "dark"),
        dots([(51.7, 25.2)], 0.8, "accent"),
    ], {"main": "#a3866a", "accent": "#f1a7a9", "dark": "#2a1d12", "extra": "#f7f3ea"}


@design("other-pear")
def pear():
    return [
        fill(
            parse(
                "M32 10 Q39 10 40 20 Q41 27 47 34 Q53 42 50.5 51 Q47 60.5 32 60.5 "
                "Q17 60.5 13.5 51 Q11 42 17 34 Q23 27 24 20 Q25 10 32 10 Z"
            )
        ),
        fill(band("M32 11 Q31.5 6 29.5 2.5", 1.7), "dark"),
        fill(parse("M32.5 7.5 Q38 1.5 47 3 Q42.5 10 32.5 7.5 Z"), "accent"),
        line("M33 7 Q40 4.5 45 3.5", "dark", fine=True),
        fill(ellipse(22.5, 44, 2.6, 5), "extra"),
    ], {"main": "#b5c42f", "accent": "#3a7d2c", "dark": "#5a3a1a", "extra": "#e4ec9a"}


@design("other-cherries")
def cherries():
    return [
        fill(band("M20.5 41 Q24 25 39 6", 1.5), "dark"),
        fill(band("M44 44 Q43 24 39 6", 1.5), "dark"),
        fill(parse("M39.5 6.5 Q48 2 58 6.5 Q50 13 39.5 6.5 Z"), "accent"),
        fill(ellipse(20, 49, 11, 10.5)),
        fill(ellipse(44.5, 50, 11.5, 11)),
        fill(ellipse(15.5, 45, 2.4, 2), "extra"),
        fill(ellipse(40, 45.5, 2.4, 2), "extra"),
    ], {"main": "#b5172b", "accent": "#3f8f3a", "dark": "#4d3319", "extra": "#f3b0b6"}


@design("other-palm-tree")
def palm_tree():
    return [
        fill(parse("M4 62 Q12 50 32 50 Q52 50 60 62 Z"), "extra"),
        fill(parse("M30 54 Q33 36 30 19 L34.5 19 Q37.5 36 35.5 54 Z"), "dark"),
        line(
            "M30.8 24 L34.6 23.5 M31.3 29 L35.3 28.5 M31.6 34 L35.5 33.5 M31.6 39 L35.6 38.5 "
            "M31.3 44 L35.5 43.5 M30.9 49 L35.4 48.5",
            "main",
            fine=True,
        ),
        fill(parse("M32 18 Q20 8 5 14 Q16 13 31.5 20 Z")),
        fill(parse("M32.5 18 Q44 7 59 12 Q48 12.5 33 20.5 Z")),
        fill(parse("M32 19 Q17 19 10 33 Q20 24 32 21 Z")),
        fill(parse("M33 19 Q48 18 55 31 Q45 23 33 21 Z")),
        fill(parse("M32 18.5 Q29 8 35 2.5 Q33.5 10 33.5 18.5 Z")),
        fill(ellipse(30, 22.5, 2.3), "accent"),
        fill(ellipse(35, 22.8, 2.3), "accent"),
    ], {"main": "#2f8f46", "accent": "#5a3b1c", "dark": "#8a6239", "extra": "#e9d8a6"}


@design("other-shovel")
def shovel():
    return [
        fill(band("M23 9.5 L37 9.5", 2.6), "dark"),
        fill(band("M23.5 9.5 L27 17 M36.5 9.5 L33 17", 2.4), "dark"),
        fill(band("M30 17 L30 39", 3.4), "dark"),
        fill(parse("M26.5 37.5 L33.5 37.5 L33.5 41 Z M26.5 37.5 L26.5 41 L33.5 41 Z"), "accent"),
        fill(
            parse(
                "M19 42 Q19 39.5 22 39.5 L38 39.5 Q41 39.5 41 42 L41 50 Q41 57 30 62.5 "
                "Q19 57 19 50 Z"
            ),
            "main",
        ),
        line("M30 43 L30 57", "accent"),
    ], {"main": "#8d99ae", "accent": "#4a5568", "dark": "#8b5a2b"}


@design("other-paint-roller")
def paint_roller():
    return [
        fill(rrect(8, 6, 42, 13, 3)),
        fill(rrect(48.5, 8, 4, 9, 1.2), "accent"),
        fill(band("M52 12.5 L57 12.5 L57 25 L32 27 L32 35", 1.6), "accent"),
        fill(rrect(28.5, 34, 7, 27, 3.2), "dark"),
        fill(ellipse(32, 36.5, 3.5, 1.3), "accent"),
        line("M14 10 Q29 9 44 10.5 M13 15 Q30 16 45 14.5", "extra", fine=True),
    ], {"main": "#e9c46a", "accent": "#6c757d", "dark": "#3a86ff", "extra": "#c9a227"}


@design("other-barn")
def barn():
    return [
        fill(parse("M7 60 L7 31 L14 17 L32 7 L50 17 L57 31 L57 60 Z")),
        fill(
            parse(
                "M4 32 L13 15.5 L32 5 L51 15.5 L60 32 L57 32.5 L49 18.5 L32 9 L15 18.5 L7 32.5 Z"
            ),
            "extra",
        ),
        fill(rrect(21, 38, 22, 22, 0.5), "accent"),
        line("M21 38 L43 60 M43 38 L21 60 M32 38 L32 60", "extra"),
        fill(rrect(27, 20, 10, 9, 0.5), "accent"),
        line("M27 20 L37 29 M37 20 L27 29", "extra"),
    ], {"main": "#b23a2e", "accent": "#7a241c", "dark": "#3a0f0b", "extra": "#f3efe6"}


@design("other-tractor")
def tractor():
    return [
        fill(parse("M24 40 L24 26 L35 26 L35 36 L57 36 Q59 36 59 39 L59 47 L24 47 Z")),
        fill(
            parse("M16 40 L16 9 L37 9 L37 12 L34 12 L34 40 Z M19.5 13 L19.5 27 L31 27 L31 13 Z"),
            "main",
        ),
        fill(band("M48 36 L48 22", 2.2), "dark"),
        fill(ellipse(19, 46, 14), "dark"),
        fill(ellipse(19, 46, 6), "accent"),
        fill(ellipse(50.5, 52, 8.5), "dark"),
        fill(ellipse(50.5, 52, 3.6), "accent"),
    ], {"main": "#2a9d3a", "accent": "#f2c14e", "dark": "#1d1d1d"}


@design("other-helicopter")
def helicopter():
    return [
        fill(band("M4 9 L60 9", 1.8), "dark"),
        fill(band("M30 10 L30 16", 2.4), "dark"),
        fill(parse("M34 28 L58 24 L59 30 L34 36 Z")),
        fill(parse("M54 20 L60 18 L61.5 30 L57.5 31 Z"), "accent"),
        fill(parse("M10 31 Q10 16 28 16 Q42 16 42 31 Q42 44 26 44 Q10 44 10 31 Z")),
        fill(parse("M12 29 Q12.5 19 24 18.5 L24 31 L12 31 Z"), "extra"),
        fill(band("M8 54 L46 54 Q50 54 50.5 50.5", 2.2), "dark"),
        fill(band("M18 44 L16 54 M34 44 L36 54", 2.0), "dark"),
    ], {"main": "#e63946", "accent": "#a4161a", "dark": "#2b2d42", "extra": "#bde0fe"}


@design("other-padlock")
def padlock():
    return [
        fill(
            parse(
                "M17.5 30 L17.5 20 Q17.5 4.5 32 4.5 Q46.5 4.5 46.5 20 L46.5 30 L40.5 30 "
                "L40.5 20 Q40.5 10.5 32 10.5 Q23.5 10.5 23.5 20 L23.5 30 Z"
            ),
            "accent",
        ),
        fill(rrect(11, 28, 42, 32, 4)),
        fill(
            parse(
                "M32 37 Q35.5 37 35.5 40.5 Q35.5 42.5 33.6 43.5 L35 51 L29 51 L30.4 43.5 "
                "Q28.5 42.5 28.5 40.5 Q28.5 37 32 37 Z"
            ),
            "dark",
        ),
        line("M14 32 L50 32 M14 56 L50 56", "extra", fine=True),
    ], {"main": "#d4a017", "accent": "#a8a8a8", "dark": "#2b2b2b", "extra": "#f0d26a"}


@design("other-table-fan")
def table_fan():
    return [
        fill(parse("M14 60.5 Q14 55 24 54 L40 54 Q50 55 50 60.5 Z"), "dark"),
        fill(parse("M29.5 54 L30.5 38 L33.5 38 L34.5 54 Z"), "dark"),
        fill(ellipse(32, 24, 21.5)),
        fill(ellipse(32, 24, 19), "extra"),
        fill(
            parse(
                "M32 24 Q26 10 32 6.5 Q39 9 32 24 Z M32 24 Q47 19.5 48.5 26 Q45 32.5 32 24 Z "
                "M32 24 Q22 35 16.5 30 Q15.5 23 32 24 Z"
            ),
            "accent",
        ),
        line(
            "M32 5 L32 43 M13 24 L51 24 M18.6 10.6 L45.4 37.4 M45.4 10.6 L18.6 37.4",
            "main",
            fine=True,
        ),
        fill(ellipse(32, 24, 3.4), "dark"),
    ], {"main": "#4a90a4", "accent": "#f5f5f5", "dark": "#2e4756", "extra": "#cfe8ef"}
