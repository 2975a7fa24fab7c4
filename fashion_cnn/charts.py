"""Plotly figures and image montages the pages show (no Streamlit here)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from fashion_cnn import config

ACCENT = "#e4572e"
MUTED = "#9aa5b1"


def image_strip(images: np.ndarray, scale: int = 2, gap: int = 2) -> np.ndarray:
    """Images side by side on one uint8 row, enlarged by `scale`, separated by `gap` px."""
    tiles = [np.kron(np.asarray(im, np.uint8), np.ones((scale, scale), np.uint8)) for im in images]
    h = tiles[0].shape[0]
    spacer = np.full((h, gap), 255, np.uint8)
    parts = [p for tile in tiles for p in (tile, spacer)][:-1]
    return np.concatenate(parts, axis=1)


def probability_bars(probs: np.ndarray, height: int = 280) -> go.Figure:
    """All ten class probabilities, the top one highlighted."""
    top = int(np.argmax(probs))
    colors = [ACCENT if i == top else MUTED for i in range(len(probs))]
    fig = go.Figure(
        go.Bar(
            x=np.asarray(probs) * 100,
            y=list(config.CLASS_NAMES),
            orientation="h",
            marker_color=colors,
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
            text=[f"{p:.0%}" if p >= 0.01 else "" for p in probs],
            textposition="outside",
        )
    )
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=10, t=10, b=0),
        xaxis=dict(range=[0, 115], title="probability (%)", showgrid=False),
        yaxis=dict(autorange="reversed"),
        showlegend=False,
    )
    return fig


def heatmap_overlay(image: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """The grayscale image tinted red-yellow where the heatmap is strong (RGB uint8)."""
    gray = np.asarray(image, np.float32)[..., None].repeat(3, axis=2) / 255.0
    colour = np.stack([np.ones_like(heat), heat, np.zeros_like(heat)], axis=-1)
    alpha = 0.6 * heat[..., None]
    return ((gray * (1 - alpha) + colour * alpha) * 255).astype(np.uint8)


def enlarge(image: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour enlargement of an (H, W) or (H, W, C) image."""
    return np.asarray(image).repeat(scale, axis=0).repeat(scale, axis=1)
