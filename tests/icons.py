"""Icons drawn here for the tests: a garment and things that are not garments, as a
visitor might upload them (a dark glyph on white, 256 px, with a margin; one an outline
drawn in two pens, one a thin-lined sketch with hatching)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

SIDE = 256


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def tshirt_icon() -> Image.Image:
    """A filled T-shirt: short sleeves, a round neckline cut out."""
    image = Image.new("RGB", (SIDE, SIDE), "white")
    draw = ImageDraw.Draw(image)
    body = [(88, 40), (40, 70), (58, 118), (84, 108), (84, 216), (172, 216), (172, 108),
            (198, 118), (216, 70), (168, 40)]  # fmt: skip
    draw.polygon(body, fill="black")
    draw.chord((100, 16, 156, 64), 0, 180, fill="white")  # the neckline
    return image


def car_icon() -> Image.Image:
    """A filled car seen from the side: body, cabin with windows, two wheels."""
    image = Image.new("RGB", (SIDE, SIDE), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((28, 120, 228, 176), 14, fill="black")
    draw.polygon([(70, 122), (96, 76), (168, 76), (196, 122)], fill="black")
    draw.polygon([(88, 116), (104, 86), (128, 86), (128, 116)], fill="white")
    draw.polygon([(136, 116), (136, 86), (162, 86), (180, 116)], fill="white")
    for x in (76, 180):
        draw.ellipse((x - 26, 150, x + 26, 202), fill="white")
        draw.ellipse((x - 20, 156, x + 20, 196), fill="black")
    return image


def house_icon() -> Image.Image:
    """A filled house: a roof, walls, a door and a window cut out."""
    image = Image.new("RGB", (SIDE, SIDE), "white")
    draw = ImageDraw.Draw(image)
    draw.polygon([(128, 30), (30, 118), (226, 118)], fill="black")
    draw.rectangle((56, 110, 200, 226), fill="black")
    draw.rectangle((110, 160, 146, 226), fill="white")
    draw.rectangle((72, 132, 100, 160), fill="white")
    return image


def two_pen_doodle() -> Image.Image:
    """A T-shirt's outline in a blue pen, its neckline and hem in an orange one, with
    smoothed edges (drawn at 4x, then area-averaged, as a renderer smooths them)."""
    big = Image.new("RGB", (4 * SIDE, 4 * SIDE), "white")
    draw = ImageDraw.Draw(big)
    body = [(350, 160), (160, 280), (230, 470), (335, 430), (335, 860), (690, 860),
            (690, 430), (790, 470), (860, 280), (670, 160)]  # fmt: skip
    draw.line([*body, body[0]], fill=(21, 101, 192), width=28, joint="curve")
    draw.arc((400, 80, 620, 260), 0, 180, fill=(230, 81, 0), width=24)
    draw.line([(335, 800), (690, 800)], fill=(230, 81, 0), width=24)
    return big.resize((SIDE, SIDE), Image.Resampling.BOX)


def hatched_sketch() -> Image.Image:
    """A T-shirt sketched in a thin grey pen, its lower half hatched in a see-through pink
    pen (drawn at 4x, then area-averaged: hardly a pixel of either pen's own shade)."""
    big = Image.new("RGB", (4 * SIDE, 4 * SIDE), "white")
    draw = ImageDraw.Draw(big, "RGBA")
    body = [(350, 160), (160, 280), (230, 470), (335, 430), (335, 860), (690, 860),
            (690, 430), (790, 470), (860, 280), (670, 160)]  # fmt: skip
    for x in range(250, 900, 22):  # diagonal hatching, clipped to the body below
        draw.line([(x - 200, 860), (x, 560)], fill=(220, 80, 140, 150), width=5)
    draw.rectangle((0, 861, 4 * SIDE, 4 * SIDE), fill="white")
    draw.rectangle((0, 0, 334, 4 * SIDE), fill="white")
    draw.rectangle((691, 0, 4 * SIDE, 4 * SIDE), fill="white")
    draw.line([*body, body[0]], fill=(70, 70, 80), width=7, joint="curve")
    draw.arc((400, 80, 620, 260), 0, 180, fill=(70, 70, 80), width=6)
    return big.resize((SIDE, SIDE), Image.Resampling.BOX)
