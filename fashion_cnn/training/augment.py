"""Vectorised NumPy augmentation of uint8 image batches (N, 28, 28)."""

from __future__ import annotations

import numpy as np

from fashion_cnn.common.settings import AugmentSettings


def random_shift(images: np.ndarray, rng: np.random.Generator, max_shift: int) -> np.ndarray:
    """Shift each image by up to `max_shift` pixels, filling with black."""
    n, h, w = images.shape
    padded = np.pad(images, ((0, 0), (max_shift, max_shift), (max_shift, max_shift)))
    dy = rng.integers(0, 2 * max_shift + 1, n)
    dx = rng.integers(0, 2 * max_shift + 1, n)
    rows = dy[:, None] + np.arange(h)[None, :]  # (n, h)
    cols = dx[:, None] + np.arange(w)[None, :]  # (n, w)
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def random_flip(images: np.ndarray, rng: np.random.Generator, prob: float) -> np.ndarray:
    flip = rng.random(len(images)) < prob
    out = images.copy()
    out[flip] = out[flip, :, ::-1]
    return out


def random_erase(
    images: np.ndarray, rng: np.random.Generator, prob: float, area: tuple[float, float]
) -> np.ndarray:
    """Replace one random rectangle per chosen image with noise."""
    n, h, w = images.shape
    target_area = rng.uniform(*area, n) * h * w
    aspect = np.exp(rng.uniform(np.log(0.3), np.log(3.3), n))
    eh = np.clip(np.sqrt(target_area * aspect), 1, h).astype(int)
    ew = np.clip(np.sqrt(target_area / aspect), 1, w).astype(int)
    top = rng.integers(0, h - eh + 1)
    left = rng.integers(0, w - ew + 1)
    r = np.arange(h)[None, :, None]
    c = np.arange(w)[None, None, :]
    inside = (
        (r >= top[:, None, None])
        & (r < (top + eh)[:, None, None])
        & (c >= left[:, None, None])
        & (c < (left + ew)[:, None, None])
    )
    inside &= (rng.random(n) < prob)[:, None, None]
    noise = rng.integers(0, 256, images.shape, dtype=np.uint8)
    return np.where(inside, noise, images)


def random_silhouette(images: np.ndarray, rng: np.random.Generator, prob: float) -> np.ndarray:
    """Turn chosen images into flat bright shapes, like a filled drawing."""
    chosen = rng.random(len(images)) < prob
    level = rng.integers(160, 256, len(images)).astype(np.uint8)[:, None, None]
    flat = np.where(images > 20, level, np.uint8(0))
    return np.where(chosen[:, None, None], flat, images)


def augment(images: np.ndarray, rng: np.random.Generator, s: AugmentSettings) -> np.ndarray:
    """All augmentations in turn; returns a new uint8 array."""
    out = random_shift(images, rng, s.max_shift) if s.max_shift else images
    out = random_flip(out, rng, s.flip_prob)
    out = random_silhouette(out, rng, s.silhouette_prob)
    return random_erase(out, rng, s.erase_prob, s.erase_area)
