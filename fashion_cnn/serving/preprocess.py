"""Turn any photo or drawing into the 28x28 image the CNN expects, step by step.

Fashion-MNIST was made from product photos on white (Xiao, Rasul & Vollgraf 2017): trim the
borders, resize the longest edge to 28, sharpen, pad the short edge to centre the item,
negate, 8-bit grayscale. The same is done here to every input, and each step is kept so
the app can show it.
"""

from __future__ import annotations

import functools
import io
import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from PIL import Image, ImageFilter, ImageOps, ImageStat, UnidentifiedImageError
from scipy import ndimage

from fashion_cnn.common import config

Kind = Literal["auto", "photo", "drawing"]
KINDS: tuple[Kind, ...] = ("auto", "photo", "drawing")
FORMATS = "PNG, JPEG, WebP, GIF or BMP"  # what uploads may be, as the pages and API say
PILLOW_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")  # no other decoder is ever tried
MAX_PIXELS = 40_000_000  # well under Pillow's own bomb guard, which stays on
MAX_BYTES = 20 * 1024 * 1024
# A larger picture is shrunk to this first: the same 28x28 input at a fraction of the work
# (a 12-megapixel phone photo took 0.35 s from decoding to verdict at full size).
MAX_SIDE = 1024
# Steps are kept for display at most this size: a 40-megapixel upload's steps at full size
# would hold about 300 MB in the page's cache of uploads.
STEP_VIEW = 280
BLANK_LEVEL = 40  # a foreground that never rises this far above the background is blank
# Drawings are filled at this resolution: outlines read worse at less, no better at more.
WORK_SIZE = 112
# A quick hand's gap of up to twice these many pixels (of WORK_SIZE) is bridged: of the
# bridges whose fill is an outline's, the narrowest that fills nearly all (`fill_bridged`).
GAP_STEPS = (2, 4, 6, 8, 10, 12)
NEARLY_ALL = 0.8  # of the largest bridged fill: a narrower bridge's fill as good
# Strokes cover less than this share of what they enclose when they are an outline; a
# filled shape with a hole (a bag's handle, a sandal's straps) keeps its hole.
OUTLINE_INK_SHARE = 0.8
HOLE_SHARE = 0.35  # an enclosed region smaller than this share of the largest is a hole
# A shape drawn solid (a filled icon, a sticker, pixel art; `drawn_solid`) keeps what it
# encloses as holes: over SOLID_SHARE of its ink lies deeper than SOLID_DEPTH pixels (of
# WORK_SIZE; outline icons' under 0.2), its deepest over SOLID_RATIO of its stroke width.
SOLID_DEPTH, SOLID_SHARE, SOLID_RATIO = 6, 0.3, 0.75
HATCHING = 8  # more inner strokes or small holes than this: hatching, filled (seams are fewer)
INNER_LINE = 3  # stroke widths: an inner stroke this long or longer stays a line
# Inner lines over this share of the fill are shading, not seams: filled like the rest
# (an icon's collar, buttons and quilting reach about a quarter).
INNER_SHARE = 0.3
HIGH_DEPTH_MODES = ("I;16", "I;16B", "I;16L", "I", "F")  # grayscale beyond 8 bits
# Flat colours: a drawing in a few pens or fills has this share of its ink in its
# FLAT_SHADES commonest shades (most icons and doodles 0.75 and up); product photos stay
# under 0.6, their shades vary from pixel to pixel.
FLAT_SHADES, FLAT_SHARE = 4, 0.7
# The shade alone misses what stands out when the ground's colour shows this many times
# more than it (decided on a sample whose shorter side is GLANCE to 2 x GLANCE pixels).
MISSED_SHARE, GLANCE = 1.5, 64
EVEN_GRAIN = 10  # a ground this close to its colour, in the median, is even
GREY_SPREAD = 16  # channels within this of each other: grey


class ImageInputError(ValueError):
    """The input cannot be classified; the message is one line meant for people."""


@dataclass
class Preprocessed:
    """The model's 28x28 input (uint8, light garment on black) and how it was made."""

    image: np.ndarray
    kind: Literal["photo", "drawing"]  # how it was made (a drawing's outlines are filled)
    steps: list[tuple[str, np.ndarray]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def decoded_pixels(data: bytes) -> int:
    """How many pixels `open_image` would decode from a file (a large JPEG at its reduced
    size), from its header alone; 0 for a file it would refuse."""
    try:
        with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:  # refused as too large, undecoded
                return 0
            reduced(image)
            return image.width * image.height
    except Exception:  # any file Pillow cannot read: open_image gives the reason
        return 0


def reduced(image: Image.Image) -> None:
    """A large JPEG set to decode at 1/2, 1/4 or 1/8 scale (the DCT's own), still over
    MAX_SIDE; any other picture as it is."""
    if image.format in ("JPEG", "MPO") and max(image.size) > 2 * MAX_SIDE:
        scale = MAX_SIDE / max(image.size)
        image.draft(image.mode, (round(image.width * scale), round(image.height * scale)))


def open_image(data: bytes) -> Image.Image:
    """Decode image bytes safely: first frame only, EXIF orientation applied."""
    if not data:
        raise ImageInputError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ImageInputError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    if data.lstrip()[:5].lower() in (b"<?xml", b"<svg ") or b"<svg" in data[:512].lower():
        raise ImageInputError("SVG drawings are not supported; export it as PNG first")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=PILLOW_FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise ImageInputError(
                    f"the image is too large ({image.width}×{image.height} pixels; up to "
                    f"{MAX_PIXELS // 1_000_000} megapixels): shrink it first"
                )
            image.seek(0)  # animated GIF/WebP: the first frame
            reduced(image)
            image.load()
            # A phone's MPO holds a preview or depth picture beside the photo: one frame.
            frames = getattr(image, "n_frames", 1) if image.format != "MPO" else 1
            image = ImageOps.exif_transpose(image)
            image.info["frames"] = frames  # for the note; the transposed copy lost the count
    except ImageInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError(
            f"the image is too large to open safely (up to {MAX_PIXELS // 1_000_000} "
            "megapixels): shrink it first"
        ) from None
    except UnidentifiedImageError:
        raise ImageInputError(f"this is not an image file the app can read ({FORMATS})") from None
    except (OSError, SyntaxError, ValueError, EOFError):  # Pillow's words name its insides
        raise ImageInputError("the image is damaged or truncated") from None
    return image


def read_upload(data: bytes, kind: Kind = "auto") -> tuple[Preprocessed | None, str | None]:
    """An uploaded file as the model's input, or None and the one-line reason it is not."""
    try:
        return preprocess(open_image(data), kind), None
    except ImageInputError as exc:
        return None, str(exc)


def to_gray_on_contrast(image: Image.Image) -> np.ndarray:
    """Float grayscale 0-255, any transparency composited onto a contrasting ground (see
    `on_contrast`)."""
    return on_contrast(image)[0]


def on_contrast(image: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """Float grayscale 0-255 and, for a picture with colour, its uint8 RGB (None for a grey
    one), with any transparency composited onto a contrasting ground.

    A canvas export may carry the drawing in the alpha channel only (white or even black
    strokes on a transparent ground), so transparent areas take the opposite shade of
    what is drawn. Pillow's C routines do the work: this runs on every canvas stroke.
    """
    if image.mode in HIGH_DEPTH_MODES:
        arr = np.asarray(image, dtype=np.float64)
        top = 65535.0 if arr.max() > 255 else 255.0
        return np.clip(arr / top * 255.0, 0, 255).astype(np.float32), None
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode not in ("RGBA", "LA", "PA", "RGBa", "La"):
        gray = np.asarray(image.convert("L"), dtype=np.float32)
        return gray, np.asarray(image.convert("RGB")) if in_colour(image) else None
    rgba = image.convert("RGBA")
    gray, alpha = rgba.convert("L"), rgba.getchannel("A")
    visible = alpha.point(lambda a: 255 if a > 127 else 0)
    drawn_is_light = visible.getbbox() is not None and (
        ImageStat.Stat(gray, mask=visible).mean[0] > 127
    )
    shade = 0 if drawn_is_light else 255
    gray = np.asarray(Image.composite(gray, Image.new("L", image.size, shade), alpha), np.float32)
    if not in_colour(rgba):  # a canvas's strokes: no colours to composite
        return gray, None
    ground = Image.new("RGB", image.size, (shade,) * 3)
    return gray, np.asarray(Image.composite(rgba.convert("RGB"), ground, alpha))


def in_colour(image: Image.Image) -> bool:
    """Whether a sample of the picture (its shorter side GLANCE to 2 x GLANCE pixels) has
    colour (a lossy file's grey may stray a few levels; a hidden pixel's colour counts,
    harmlessly)."""
    if image.mode in ("1", "L", "LA", "La", *HIGH_DEPTH_MODES):
        return False
    step = max(1, min(image.size) // GLANCE)
    size = (max(1, image.width // step), max(1, image.height // step))
    sample = np.asarray(image.resize(size, Image.Resampling.NEAREST).convert("RGB"), np.int16)
    # Channel by channel: NumPy reduces a last axis of three ten times slower.
    red, green, blue = sample[..., 0], sample[..., 1], sample[..., 2]
    spreads = (np.abs(red - green), np.abs(green - blue), np.abs(red - blue))
    return max(spread.max() for spread in spreads) >= GREY_SPREAD


def border_ring(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The outer ring of pixels, where the background shows: values, rows and columns."""
    rows, cols = ring_indices(*gray.shape)
    return gray[rows, cols], rows, cols


@functools.lru_cache(maxsize=8)  # a canvas sends the same size on every stroke
def ring_indices(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of an h x w image's outer ring, min(h, w) // 25 pixels wide."""
    ring = max(1, min(h, w) // 25)
    top_rows, top_cols = np.meshgrid(np.arange(ring), np.arange(w), indexing="ij")
    side_rows, side_cols = np.meshgrid(np.arange(h), np.arange(ring), indexing="ij")
    rows = np.concatenate([top_rows, top_rows + h - ring, side_rows, side_rows], axis=None)
    cols = np.concatenate([top_cols, top_cols, side_cols, side_cols + w - ring], axis=None)
    rows.flags.writeable = cols.flags.writeable = False  # shared by every caller
    return rows, cols


def ground_shade(gray: np.ndarray) -> tuple[float, tuple[np.ndarray, np.ndarray]]:
    """The background's median shade, and its shade at each pixel: a plane fitted to the
    outer ring, so a photo lit from one side loses all of its ground, not half of it.

    Ring pixels far from the median (the garment where it touches the frame) stay out of
    the fit. Returned as (1, w) and (h, 1) parts that add up by broadcasting."""
    h, w = gray.shape
    values, rows, cols = border_ring(gray)
    level = float(np.median(values))
    if np.ptp(values) < 1:  # an even ground, as a canvas's: nothing to fit
        return level, (np.full((1, w), level, np.float32), np.zeros((h, 1), np.float32))
    near = np.abs(values - level) < 40
    design = np.column_stack([np.ones(near.sum()), cols[near] / w, rows[near] / h])
    # The same least squares through its 3x3 normal equations: a tenth of the time on a
    # large picture's ring (lstsq on the design itself runs an SVD of thousands of rows).
    gram, moments = design.T @ design, design.T @ values[near].astype(np.float64)
    (base, across, down), *_ = np.linalg.lstsq(gram, moments)
    x = (base + across * np.arange(w) / w).astype(np.float32)[None, :]
    y = (down * np.arange(h) / h).astype(np.float32)[:, None]
    return level, (x, y)


def foreground(gray: np.ndarray, rgb: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
    """Light garment on black: inverted if the ground is light, the ground subtracted; and
    whether it was told from the ground by its distance from the ground's colour instead.

    Where the border shows an even ground and the shade misses most of what stands out,
    that distance is taken (for a grey picture, the shade's on either side of the
    ground's): a red shirt on a green cloth has the cloth's grey, and on a ground shading
    from dark to light a garment is lighter than one end, darker than the other. Noise, a
    pattern or a close-up that fills the frame have no even ground: their shade is kept."""
    level, (x, y) = ground_shade(gray)
    gap = gray - (x + y)
    fg = np.clip(-gap if level > 127 else gap, 0, 255)
    step = max(1, min(gray.shape) // GLANCE)  # decided on a sample: most pictures keep fg
    # A grey picture's distance is its shade's, on either side of the ground.
    seen = np.abs(gap[::step, ::step]) if rgb is None else ground_distance(rgb[::step, ::step])
    grain = float(np.median(border_ring(seen)[0]))  # the ground's own noise
    if grain < EVEN_GRAIN:
        missed = (seen - 2 * grain > BLANK_LEVEL).sum() > MISSED_SHARE * (
            fg[::step, ::step] > BLANK_LEVEL
        ).sum()
        if missed:
            distance = np.abs(gap) if rgb is None else ground_distance(rgb)
            grain = float(np.median(border_ring(distance)[0]))
            return np.clip(distance - 2 * grain, 0, 255), True
    return fg, False


def ground_distance(rgb: np.ndarray) -> np.ndarray:
    """How far each pixel lies from the ground's colour: the root mean square over the
    channels, each channel's ground a plane fitted as `ground_shade` fits it."""
    square = np.zeros(rgb.shape[:2], np.float32)
    for c in range(3):
        channel = rgb[..., c].astype(np.float32)
        _, (x, y) = ground_shade(channel)
        square += (channel - (x + y)) ** 2
    return np.sqrt(square / 3)


def looks_like_drawing(fg: np.ndarray, gray: np.ndarray) -> bool:
    """Mostly empty, and drawn rather than photographed: nearly all ink at one level (one
    pen, even through JPEG), or most of it in a few exact shades, as a drawing, icon or
    emoji in a few colours is rendered (a photo's shade changes from pixel to pixel)."""
    ink = fg > BLANK_LEVEL
    if not ink.any() or ink.mean() >= 0.6:
        return False
    levels = fg[ink]
    if (np.abs(levels - np.median(levels)) < 30).mean() > 0.9:
        return True
    # gray holds 0-255 (to_gray_on_contrast); a lossy file's noise hides the exact shades
    shades = np.bincount(gray[ink].astype(np.uint8), minlength=256)
    return np.sort(shades)[-FLAT_SHADES:].sum() > FLAT_SHARE * levels.size


def fill_enclosed(mask: np.ndarray) -> np.ndarray:
    """Fill every region of background not reachable from the border (closed outlines), as
    SciPy's binary_fill_holes does, by one labelling pass instead of repeated dilations."""
    regions, _ = ndimage.label(~mask)  # four-connected, as binary_fill_holes
    border = np.concatenate([regions[0], regions[-1], regions[:, 0], regions[:, -1]])
    return mask | ~chosen(regions, border)


def chosen(regions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Where `regions` (from ndimage.label) holds one of `labels`: np.isin, by a lookup
    table (one pass over the pixels instead of a sort)."""
    table = np.zeros(int(regions.max()) + 1, bool)
    table[labels] = True
    return table[regions]


def fill_inside(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The strokes with the garment's inside filled, and the enclosed holes left open.

    An outline encloses the garment's body, and sometimes smaller loops: a bag's handle,
    a sandal's straps. Enclosed regions at least HOLE_SHARE of the largest are body (a
    coat split by a drawn zip has two); smaller ones stay holes, as in the dataset, unless
    there are more than HATCHING of them: the gaps between the strokes of hatching."""
    regions, count = ndimage.label(fill_enclosed(ink) & ~ink)
    if not count:
        return ink, np.zeros_like(ink)
    sizes = np.bincount(regions.ravel())[1:]
    body = sizes >= HOLE_SHARE * sizes.max()
    if count - body.sum() > HATCHING:
        return ink | (regions > 0), np.zeros_like(ink)
    body = chosen(regions, np.flatnonzero(body) + 1)
    return ink | body, (regions > 0) & ~body


def blank_reason(gray: np.ndarray) -> str:
    """Why nothing stands out from the ground, for people: the image is blank, what it
    shows is on the other side of the ground's shade (a white cup on a beige table: the
    dataset's garments are darker than their white ground), it is a gradient, or what it
    shows is too faint."""
    if np.ptp(gray) < BLANK_LEVEL / 4:  # one shade, give or take a lossy file's noise
        return "nothing to classify: the image is blank"
    level, (x, y) = ground_shade(gray)
    stands_out = BLANK_LEVEL / 2  # a subject this far the other way would have been seen
    if level > 127 and (gray - (x + y)).max() >= stands_out:  # lighter than the ground
        return (
            "nothing to classify: nothing in it is darker than its light background (a "
            "light garment on a light ground? photograph it on a dark one)"
        )
    if level <= 127 and ((x + y) - gray).max() >= stands_out:
        return "nothing to classify: nothing in it is lighter than its dark background"
    if np.ptp(gray) >= BLANK_LEVEL:  # its shades span a range, but evenly, edge to edge
        return "nothing to classify: it shades evenly from edge to edge (a gradient?)"
    return "nothing to classify: nothing in it stands out from its background (too faint)"


def trim(fg: np.ndarray) -> np.ndarray:
    """Crop to the bounding box of the pixels clearly above the ground."""
    lit = fg > max(BLANK_LEVEL / 2, 0.1 * fg.max())
    rows, cols = np.flatnonzero(lit.any(axis=1)), np.flatnonzero(lit.any(axis=0))
    return fg[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def fit_and_centre(item: np.ndarray, kind: Literal["photo", "drawing"]) -> np.ndarray:
    """Longest edge to 28 keeping the aspect ratio, then centred on a 28x28 black square.

    Photos are shrunk with Lanczos and sharpened, as Fashion-MNIST was made. Flat drawings
    are area-averaged instead: 2 points better on the synthetic drawings benchmark.
    """
    size = config.IMAGE_SIZE
    h, w = item.shape
    scale = size / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    small = Image.fromarray(np.clip(item, 0, 255).astype(np.uint8))
    if kind == "photo":
        small = small.resize((new_w, new_h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        small = small.filter(ImageFilter.UnsharpMask(radius=1, percent=60, threshold=2))
    else:
        small = small.resize((new_w, new_h), Image.Resampling.BOX)
    canvas = np.zeros((size, size), np.uint8)
    top, left = (size - new_h) // 2, (size - new_w) // 2
    canvas[top : top + new_h, left : left + new_w] = np.asarray(small)
    return canvas


def display_input(image: Image.Image) -> np.ndarray:
    """The input as uint8 RGBA for the "Input" step. 16-bit and 32-bit grayscale is scaled
    the way to_gray_on_contrast reads it; Pillow's own convert clips it to near white."""
    if image.mode in HIGH_DEPTH_MODES:
        gray = to_gray_on_contrast(image).astype(np.uint8)
        return np.asarray(Image.fromarray(gray).convert("RGBA"))
    return np.asarray(image.convert("RGBA"))


def step_view(image: np.ndarray) -> np.ndarray:
    """A step as kept for display: its longest edge at most STEP_VIEW, the shape kept."""
    if max(image.shape[:2]) <= STEP_VIEW:
        return image
    view = Image.fromarray(image)
    view.thumbnail((STEP_VIEW, STEP_VIEW), Image.Resampling.BOX)  # alpha premultiplied
    return np.array(view)


def bounded(image: Image.Image) -> Image.Image:
    """The picture at most MAX_SIDE pixels a side: shrunk by a whole factor, averaging
    each block of pixels (Pillow's reduce, in C), transparency premultiplied so that no
    hidden colour bleeds in."""
    factor = -(-max(image.size) // MAX_SIDE)
    if factor <= 1:
        return image
    frames = image.info.get("frames")
    palette = "RGBA" if "transparency" in image.info else "RGB"
    widened = {"1": "L", "P": palette, "PA": "RGBA", "I;16": "I", "I;16B": "I", "I;16L": "I"}
    image = image.convert(widened[image.mode]) if image.mode in widened else image
    if image.mode in ("RGBA", "LA"):
        image = image.convert(image.mode[:-1] + "a").reduce(factor).convert(image.mode)
    else:
        image = image.reduce(factor)
    if frames:
        image.info["frames"] = frames
    return image


def preprocess(source: Image.Image | np.ndarray, kind: Kind = "auto") -> Preprocessed:
    """The whole pipeline; ImageInputError when there is nothing to classify."""
    if isinstance(source, np.ndarray):
        source = Image.fromarray(np.ascontiguousarray(source).copy())
    source = bounded(source)
    steps: list[tuple[str, np.ndarray]] = [("Input", step_view(display_input(source)))]
    gray, rgb = on_contrast(source)
    steps.append(("Grayscale", step_view(gray.astype(np.uint8))))
    fg, by_distance = foreground(gray, rgb)
    steps.append(("Light on black, ground removed", step_view(fg.astype(np.uint8))))
    if fg.max() < BLANK_LEVEL:
        raise ImageInputError(blank_reason(gray))
    item = trim(fg)
    # Stretch contrast so a pale or dim garment spans the full range, as in the dataset.
    item = item * (255.0 / max(float(np.percentile(item, 99.5)), 1.0))
    steps.append(("Trimmed to the item", step_view(np.clip(item, 0, 255).astype(np.uint8))))
    resolved = kind if kind != "auto" else ("drawing" if looks_like_drawing(fg, gray) else "photo")
    notes = []
    if by_distance and rgb is not None:
        notes.append(
            "the background was removed by each part's distance from its colour (lighter, "
            "darker or another hue): by shade alone, much of the picture would be lost"
        )
    elif by_distance:  # a grey picture
        notes.append(
            "the background was removed by each part's distance from its shade, lighter "
            "or darker: one way alone, much of the picture would be lost"
        )
    if source.info.get("frames", 1) > 1:
        notes.append(f"only the first of its {source.info['frames']} frames is classified")
    if resolved == "drawing":
        item, filled = fill_drawing(item)
        if filled:
            notes.append("closed outlines were filled, as the model knows garments as shapes")
            steps.append(("Outlines filled", step_view(item.astype(np.uint8))))
    image = fit_and_centre(item, resolved)
    steps.append(("28x28 model input", image))
    return Preprocessed(image, resolved, steps, notes)


def fill_drawing(item: np.ndarray) -> tuple[np.ndarray, bool]:
    """Strokes and the areas they enclose at full brightness, lines well inside cut out
    (`inner_lines`); True if anything was filled."""
    h, w = item.shape
    scale = WORK_SIZE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(np.clip(item, 0, 255).astype(np.uint8)).resize(size))
    ink = np.pad(small > BLANK_LEVEL, GAP_STEPS[-1] + 2)  # ground all round, once thickened
    if drawn_solid(ink):  # what it encloses is a hole, as the dataset shows a bag's handle
        return item, False
    enough = ink.sum() / OUTLINE_INK_SHARE  # filling must add more than holes in a shape
    filled, holes = fill_inside(ink)
    if filled.sum() <= enough:  # perhaps a quick hand left a gap
        filled, holes = fill_bridged(ink) or (filled, holes)
    if filled.sum() <= enough:
        return item, False
    width = stroke_width(ink)
    inner = inner_lines(ink, filled, width)
    # A stroke is centred on the edge it traces, so half of it lies outside the garment;
    # peeled from the outside only, so a handle keeps its hole and its strap (half a
    # stroke never reaches a hole the stroke encloses).
    peel = round(width / 2)
    thinner = erode(filled | holes, steps=peel) & ~holes if peel else filled
    if thinner.any():  # else a scribble of tiny loops: keep what there is
        filled = thinner
    return trim((filled & ~inner).astype(np.float32) * 255.0), True


def fill_bridged(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """`fill_inside` of the strokes with a gap bridged (`bridged`), or None. A fill counts
    only if it covers much more than the strokes (an outline's inside), not a real gap of
    a filled shape, such as between trouser legs. Of those, the narrowest bridge that
    fills nearly as much as the widest: a narrower one may close only the notches
    between long sleeves and the body, and leave the body open at the hem."""
    near = ndimage.distance_transform_cdt(~ink, metric="taxicab")  # = dilate's steps
    fills = []
    for steps in GAP_STEPS:
        joined = bridged(ink, near, steps)
        if joined is not None:
            filled, holes = fill_inside(joined)
            if filled.sum() > ink.sum() * 1.5:
                fills.append((filled, holes))
    if not fills:
        return None
    most = max(int(filled.sum()) for filled, _ in fills)
    return next(fill for fill in fills if fill[0].sum() >= NEARLY_ALL * most)


def bridged(ink: np.ndarray, near: np.ndarray, steps: int) -> np.ndarray | None:
    """The strokes with gaps of up to 2 x `steps` pixels bridged on their inner side, or
    None where that encloses nothing. The strokes thickened by `steps` (`near`: each
    pixel's taxicab distance to them, as `dilate` steps) enclose an inside; what of the
    thickening touches that inside (the bridge, the strokes' inner side) joins them.
    Unlike a closing (thicken, fill, thin), the outer side keeps its notches: a sleeve's
    armpit, a heel."""
    wide = near <= steps
    inside = fill_enclosed(wide) & ~wide
    if not inside.any():
        return None
    return ink | (wide & dilate(inside, steps + 1))


def drawn_solid(ink: np.ndarray) -> bool:
    """A shape drawn solid, not strokes: a large share of its ink lies deep, and its depth
    comes near its stroke width, as a blob's does (a pen's stroke, however thick, is only
    half its width deep: a 40 px outline on the canvas is strokes to fill)."""
    depth = ndimage.distance_transform_cdt(ink, metric="taxicab")  # steps of `erode`
    deep = (depth > SOLID_DEPTH).sum() > SOLID_SHARE * ink.sum()
    return deep and depth.max() > SOLID_RATIO * stroke_width(ink)


def inner_lines(ink: np.ndarray, filled: np.ndarray, width: float) -> np.ndarray:
    """Strokes well inside the filled outline and at least INNER_LINE stroke widths long (a
    collar, a button line, a zip): they stay lines cut into the fill, as a filled icon
    shows them. Filled in, a shirt, a pullover and a coat leave the same box of a
    silhouette. Smaller bits (a stroke's end poking in where a handle joins) are filled, and
    so is shading: inner strokes over INNER_SHARE of the fill, or more than HATCHING
    of them. `width`: the strokes'."""
    deep = ink & erode(filled, steps=round(width) + 1)
    regions, count = ndimage.label(deep)
    if not count:
        return deep
    sizes = np.bincount(regions.ravel())[1:]
    long = np.flatnonzero(sizes >= INNER_LINE * width**2) + 1
    lines = chosen(regions, long)
    if lines.sum() > INNER_SHARE * filled.sum() or len(long) > HATCHING:
        return np.zeros_like(lines)
    return lines


def stroke_width(ink: np.ndarray) -> float:
    """Mean width of the strokes in pixels: twice their area over their edge pixels."""
    edge = ink & ~erode(ink)
    return 2.0 * ink.sum() / max(int(edge.sum()), 1)


CROSS = ndimage.generate_binary_structure(2, 1)  # the four direct neighbours


def dilate(mask: np.ndarray, steps: int = 1) -> np.ndarray:
    """Grow a mask by `steps` pixels in the four directions."""
    return ndimage.binary_dilation(mask, CROSS, iterations=steps)


def erode(mask: np.ndarray, keep: np.ndarray | None = None, steps: int = 1) -> np.ndarray:
    """Shrink a mask by `steps` pixels, never removing pixels of `keep`."""
    # Outside the frame counts as mask, so the border itself is not eroded.
    inner = ndimage.binary_erosion(mask, CROSS, iterations=steps, border_value=1)
    return inner if keep is None else inner | keep
