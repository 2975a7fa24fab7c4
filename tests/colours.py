"""How far apart two colours look, in CIELAB units, to a viewer with common colour vision
and with deuteranopia or protanopia (the simulation matrices of Machado, Oliveira and
Fernandes, 2009, at full severity)."""

from __future__ import annotations

import numpy as np
from plotly.colors import hex_to_rgb, unlabel_rgb

DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]]
)
PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
VISIONS = {"common": np.eye(3), "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}


def to_rgb(colour: str) -> np.ndarray:
    """'#rrggbb' or 'rgb(r, g, b)' as three floats 0-255."""
    values = hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour)
    return np.asarray(values, float)


def linear(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255
    return np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)


def lab(linear_rgb: np.ndarray) -> np.ndarray:
    """Linear sRGB to CIELAB (D65)."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x, y, z = xyz @ linear_rgb / np.array([0.95047, 1.0, 1.08883])
    f = [np.cbrt(v) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str = "common") -> float:
    """CIE76 colour difference of `a` and `b` as a viewer with `vision` sees them."""
    seen = [np.clip(VISIONS[vision] @ linear(to_rgb(c)), 0, 1) for c in (a, b)]
    return float(np.linalg.norm(lab(seen[0]) - lab(seen[1])))
