"""Plotly figures and image montages the pages show (no Streamlit here)."""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale

from fashion_cnn.common import config, settings
from fashion_cnn.serving.mistakes import row_normalise
from fashion_cnn.ui.wording import plural, setting_name, setting_text

ACCENT = "#e4572e"
MUTED = "#9aa5b1"
DIAGONAL = "#e8ecf0"


def image_strip(images: np.ndarray, scale: int = 2, gap: int = 2) -> np.ndarray:
    """Images side by side on one uint8 row, enlarged by `scale`, separated by `gap` px."""
    return image_grid(images, len(images), scale, gap)


def image_grid(
    images: np.ndarray, columns: int, scale: int = 2, gap: int = 2, ground: int = 255
) -> np.ndarray:
    """uint8 images (N, H, W) in rows of `columns`, enlarged by `scale`, `gap` px apart on
    a ground of shade `ground` (default white)."""
    images = np.asarray(images, np.uint8)
    n, h, w = images.shape[:3]  # (N, H, W, 3) colour images too
    rows = -(-n // columns)
    cell_h, cell_w = h * scale + gap, w * scale + gap
    shape = (rows * cell_h - gap, min(n, columns) * cell_w - gap, *images.shape[3:])
    grid = np.full(shape, ground, np.uint8)
    for i, image in enumerate(images):
        top, left = (i // columns) * cell_h, (i % columns) * cell_w
        grid[top : top + h * scale, left : left + w * scale] = enlarge(image, scale)
    return grid


RIGHT_FRAME, WRONG_FRAME = (46, 160, 67), (228, 87, 46)


def framed(images: np.ndarray, right: np.ndarray, border: int = 2) -> np.ndarray:
    """Grayscale images (N, H, W) as RGB tiles framed green where `right`, red where not."""
    n, h, w = images.shape
    tiles = np.empty((n, h + 2 * border, w + 2 * border, 3), np.uint8)
    tiles[:] = np.where(np.asarray(right)[:, None], RIGHT_FRAME, WRONG_FRAME)[:, None, None, :]
    tiles[:, border : border + h, border : border + w] = np.asarray(images, np.uint8)[..., None]
    return tiles


def contribution_bars(
    contributions: np.ndarray, channels: np.ndarray, height: int = 260
) -> go.Figure:
    """The channels that pushed a class's score most, up (positive) or down (negative)."""
    values = contributions[channels]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[f"map {c}" for c in channels],  # what Inside the CNN calls them
            orientation="h",
            marker_color=[ACCENT if v > 0 else MUTED for v in values],
            hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=10, t=10, b=0),
        xaxis=dict(title="contribution to the class score", zeroline=True),
        yaxis=dict(autorange="reversed"),
        showlegend=False,
    )
    return fig


# One colour per class from plotly's colour-blind-safe qualitative.Safe, ordered so that
# classes the map puts side by side (shirts and tops; the shoes; bags and ankle boots)
# differ most for every eye: at least 46 CIELAB units apart, also to a viewer with
# deuteranopia or protanopia (tests/test_charts.py measures it).
CLASS_COLOURS = [qualitative.Safe[i] for i in (7, 5, 6, 10, 9, 8, 4, 2, 3, 0)]


def feature_map_figure(
    coords: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, height: int = 520
) -> go.Figure:
    """Test images as WebGL points, one colour per true class, mistakes as crosses.
    Each point carries its test-image index, so a selection names the images."""
    fig = go.Figure()
    for k, name in enumerate(config.CLASS_NAMES):
        members = np.flatnonzero(y_true == k)
        # Right answers first: the legend shows a trace's first marker (a cross would say
        # "mistake"), and the crosses are drawn last, on top.
        members = members[np.argsort(y_pred[members] != k, kind="stable")]
        wrong = y_pred[members] != k
        fig.add_trace(
            go.Scattergl(
                x=coords[members, 0],
                y=coords[members, 1],
                mode="markers",
                name=name,
                customdata=members,
                marker=dict(
                    color=CLASS_COLOURS[k],
                    size=np.where(wrong, 7, 4),
                    symbol=np.where(wrong, "x", "circle"),
                    opacity=0.75,
                ),
                hovertemplate=f"#%{{customdata}} {name}<extra></extra>",
            )
        )
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=36, b=0),  # room for the tool bar above the points
        xaxis=dict(visible=False),
        yaxis=dict(visible=False, scaleanchor="x"),
        # Zoom, where a click selects one dot (in lasso mode Streamlit sends no click);
        # lasso and box are a click away in the tool bar.
        dragmode="zoom",
        # Under the map, so the map keeps the full width (on a phone too).
        legend=dict(itemsizing="constant", orientation="h", y=0, yanchor="top"),
    )
    return fig


def differing_settings(views: list) -> tuple[list, list]:
    """The Train form's fields whose shown values differ between the runs, and those alike
    (epochs aside: the table always shows how many each run finished)."""
    differ, alike = [], []
    for f in settings.form_fields():
        if f.name == "epochs":
            continue
        values = {setting_text(f, view.cfg) for view in views}
        (differ if len(values) > 1 else alike).append(f)
    return differ, alike


def run_label(view, differ: list) -> str:
    """A run's short id and epochs for the legend, with the one setting that sets it apart
    (a horizontal legend does not wrap: the table names several)."""
    label = f"{view.run_id[:6]}: {plural(view.progress.epoch, 'epoch')}"
    if len(differ) == 1:
        label += f", {setting_name(differ[0])} {setting_text(differ[0], view.cfg)}"
    return label


RUN_MARKERS = ("circle", "square", "diamond", "triangle-up", "star")  # one a compared run


def compare_chart(views: list, height: int = 320) -> go.Figure:
    """Each run's validation accuracy per epoch (training accuracy without validation).
    `views` oldest first, so that a run keeps its colour when a newer one joins (until the
    oldest leaves the last five)."""
    differ, _ = differing_settings(views)
    fig = go.Figure()
    validated = True
    for i, (view, colour) in enumerate(zip(views, qualitative.D3, strict=False)):  # hues
        logs = view.progress.epoch_logs
        key = "val_accuracy" if logs and "val_accuracy" in logs[0] else "accuracy"
        validated &= key == "val_accuracy"
        # Two runs with the same figures: each later, smaller marker leaves the earlier
        # one's rim in view, where same-sized dots hid a run.
        marker = dict(symbol=RUN_MARKERS[i % len(RUN_MARKERS)], size=max(14 - 3 * i, 5))
        fig.add_trace(
            go.Scatter(
                x=[log["epoch"] for log in logs],
                y=[100 * log[key] for log in logs],
                mode="lines+markers",
                line=dict(color=colour),
                marker=marker,
                name=run_label(view, differ) + ("" if key == "val_accuracy" else " (training)"),
            )
        )
    fig.update_layout(
        height=height,
        margin=dict(l=0, r=0, t=10, b=0),
        xaxis=dict(title="epoch", dtick=1),
        yaxis=dict(title="validation accuracy (%)" if validated else "accuracy (%)"),
        legend=dict(orientation="h", y=-0.25),
    )
    return fig


def compare_table(views: list) -> tuple[str, str]:
    """The settings that differ between runs against their test accuracy, as a Markdown
    table with the runs' links, and a line naming the settings they share. A run is named
    by the start of its ID, as in the chart's legend (the whole ID made the table wider
    than a phone), and its link keeps the others to compare with. `views` come oldest
    first, as compare_runs orders them; a link lists the others newest first, as the
    address does."""
    differ, alike = differing_settings(views)
    head = ["run", "epochs", *(setting_name(f) for f in differ), "test accuracy"]
    rows = ["| " + " | ".join(head) + " |", "| --- " * (len(head) - 1) + "| ---: |"]
    ids = [view.run_id for view in views]
    for view in views:
        done, planned = view.progress.epoch, view.cfg.epochs
        others = ",".join(run_id for run_id in reversed(ids) if run_id != view.run_id)
        cells = [f"[{view.run_id[:6]}](/train?run={view.run_id}&compare={others})"]
        cells += [str(done) if done == planned else f"{done} of {planned}"]
        cells += [setting_text(f, view.cfg) for f in differ]
        rows.append("| " + " | ".join([*cells, f"{view.summary['accuracy']:.2%}"]) + " |")
    shared = ", ".join(f"{setting_name(f)} {setting_text(f, views[0].cfg)}" for f in alike)
    return "\n".join(rows), f"Alike in all: {shared}." if shared else ""


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


def per_class_markdown(per_class: dict[str, list]) -> str:
    """Precision, recall and F1 per class with its test-image count, as a Markdown table.

    Where every class has as many test images (the whole test split: 1,000), the count is
    a line under the table, not a column: with it, the table was wider than a phone."""
    counts = per_class["support"]
    same = len(set(counts)) == 1
    rows = [
        "| class | precision | recall | F1 |" + ("" if same else " test images |"),
        "| --- | ---: | ---: | ---: |" + ("" if same else " ---: |"),
    ]
    for i, name in enumerate(config.CLASS_NAMES):
        precision, recall, f1 = (per_class[k][i] for k in ("precision", "recall", "f1"))
        count = "" if same else f" {counts[i]:,} |"
        rows.append(f"| {name} | {precision:.1%} | {recall:.1%} | {f1:.1%} |{count}")
    if same:
        rows.append(f"\n{counts[0]:,} test images of each class.")
    return "\n".join(rows)


def png_bytes(image: np.ndarray) -> bytes:
    """A uint8 (H, W), (H, W, 3) or (H, W, 4) image encoded as PNG."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image, np.uint8)).save(buf, "PNG")
    return buf.getvalue()


FRAME = (154, 160, 166)  # a mid grey: visible on white and on black
CHECKS = ((204, 208, 212), (236, 238, 240))  # light checks: where the image is transparent
PADDING = (222, 225, 228)  # plain light grey around an image of another shape than the tile


def framed_thumbnail(image: np.ndarray, size: int = 120) -> np.ndarray:
    """Any step image as a size x size RGB tile that shows on any page background.

    The image is scaled to fit (pixel-sharp when enlarged) and centred on plain light
    grey inside a 1-px grey frame, so a white item on white, a black square and a thin
    strip all show their true extent; transparent pixels show light checks (checks all
    round read as a transparent picture in a trial)."""
    from PIL import Image

    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        arr = np.repeat(arr[..., None], 3, axis=2)
    inner = size - 2
    tile = np.empty((inner, inner, 3), np.float32)
    tile[:] = PADDING
    h, w = arr.shape[:2]
    scale = inner / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resample = Image.Resampling.NEAREST if scale >= 1 else Image.Resampling.BOX
    small = np.asarray(
        Image.fromarray(np.ascontiguousarray(arr)).resize((new_w, new_h), resample), np.float32
    )
    top, left = (inner - new_h) // 2, (inner - new_w) // 2
    region = tile[top : top + new_h, left : left + new_w]
    if small.shape[2] == 4:  # composite onto the checks
        yy, xx = np.mgrid[0:new_h, 0:new_w]
        checks = np.where(((yy // 8 + xx // 8) % 2 == 0)[..., None], CHECKS[0], CHECKS[1])
        alpha = small[..., 3:] / 255.0
        region[:] = small[..., :3] * alpha + checks * (1 - alpha)
    else:
        region[:] = small
    framed = np.empty((size, size, 3), np.uint8)
    framed[:] = FRAME
    framed[1:-1, 1:-1] = np.round(tile).astype(np.uint8)
    return framed


def share_text(share: float) -> str:
    """'12%', or '<1%' for a share that is not zero but rounds to it."""
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


# A phone's matrix: with the full names on both axes, its cells were 24 px wide and the
# column names overlapped. These fit 30 px columns and 50 px of row names (the hover says
# the full names).
NARROW_NAMES = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat"]
NARROW_NAMES += ["Sandal", "Shirt", "Sneaker", "Bag", "Boot"]


def confusion_scatter(
    cm: np.ndarray,
    normalise: bool,
    size: int = 520,
    chosen: tuple[int, int] | None = None,
    narrow: bool = False,
) -> go.Figure:
    """The confusion matrix: coloured cells under clickable points (heatmaps send no
    selections); the `chosen` cell (true, predicted), whose images the gallery shows,
    framed. `narrow`: for a phone's width, with short class names, upright column names
    and larger numbers.

    Off-diagonal cells are coloured by how many errors they hold; the diagonal is grey so
    the mistakes stand out. Point i is the cell (true, predicted) = divmod(i, 10); trace 0
    holds the points, trace 1 the cells, each cell i in colour i of its colour scale.
    """

    names = NARROW_NAMES if narrow else list(config.CLASS_NAMES)
    rates = row_normalise(cm)
    values = rates if normalise else cm.astype(float)
    k = len(names)
    t, p = np.divmod(np.arange(k * k), k)
    off = t != p
    scale = values[t[off], p[off]].max() or 1.0
    hover, text = cell_texts(cm, normalise)
    shade = [0.0 if a == b else float(values[a, b] / scale) for a, b in zip(t, p, strict=True)]
    reds = sample_colorscale("OrRd", [0.04 + 0.96 * s for s in shade])  # one call: it is slow
    colours = [DIAGONAL if a == b else red for a, b, red in zip(t, p, reds, strict=True)]
    points = go.Scatter(
        x=[names[i] for i in p],
        y=[names[i] for i in t],
        mode="markers+text",
        # Invisible click targets, small enough not to overlap on a phone's narrow matrix.
        marker=dict(symbol="square", size=22, color="rgba(0,0,0,0)", line=dict(width=0)),
        text=text,
        textfont=dict(
            size=11 if narrow else 10, color=["white" if s > 0.6 else "#333" for s in shade]
        ),
        hovertext=hover,
        hoverinfo="text",
    )
    cells = go.Heatmap(
        x=names,
        y=names,
        z=np.arange(k * k).reshape(k, k),
        colorscale=[[i / (k * k - 1), c] for i, c in enumerate(colours)],
        zmin=0,
        zmax=k * k - 1,
        showscale=False,
        xgap=2,
        ygap=2,
        hoverinfo="skip",
    )
    fig = go.Figure([points, cells])  # heatmaps draw under scatter points whatever the order
    fig.update_layout(
        height=size,
        margin=dict(l=0, r=0, t=10, b=0),
        xaxis=dict(title="predicted", side="top", showgrid=False, tickangle=-90 if narrow else -40),
        yaxis=dict(title="true", autorange="reversed", showgrid=False),
        plot_bgcolor="white",
    )
    if narrow:  # every pixel left of the cells is a pixel less for them
        tight = dict(ticks="", ticklabelstandoff=2, title=dict(standoff=2))
        fig.update_layout(font=dict(size=12), xaxis=tight, yaxis=tight)
    if chosen is not None:  # categories sit at 0, 1, ...: the cell spans half a step each way
        true_idx, pred_idx = chosen
        fig.add_shape(
            type="rect",
            x0=pred_idx - 0.5,
            x1=pred_idx + 0.5,
            y0=true_idx - 0.5,
            y1=true_idx + 0.5,
            line=dict(color="#1d4ed8", width=3),  # blue: it shows on the reds too
        )
    return fig


def cell_texts(cm: np.ndarray, normalise: bool) -> tuple[list[str], list[str]]:
    """Each cell's hover text and its label (a count, or a share of its row), row-major."""
    names, rates = config.CLASS_NAMES, row_normalise(cm)
    hover, text = [], []
    for a, b in np.ndindex(cm.shape):
        what = (
            f"{names[a]} classified correctly"
            if a == b
            else f"true {names[a]} → predicted {names[b]}"
        )
        hover.append(
            f"{what}<br>{plural(int(cm[a, b]), 'image')} ({rates[a, b]:.1%} of {names[a]})"
        )
        text.append(share_text(rates[a, b]) if normalise else str(cm[a, b]))
    return hover, text


def confidence_histogram(probs: np.ndarray, y_true: np.ndarray) -> go.Figure:
    """How confident the model is when it is right versus wrong, in bins of 5%; the tallest
    bar ends under a gridline, so that it does not look cut off at the top."""
    # 100% goes in the last bin, not a bin of its own past the axis's end
    conf = np.minimum(probs.max(axis=1) * 100, 99.99)
    right = probs.argmax(axis=1) == y_true
    shares = [
        np.histogram(conf[mask], bins=np.arange(0, 105, 5))[0] * 100 / max(mask.sum(), 1)
        for mask in (right, ~right)
    ]
    tallest = max(float(share.max()) for share in shares)
    step = 10 if tallest > 30 else 5
    fig = go.Figure()
    for mask, name, colour in ((right, "right", MUTED), (~right, "wrong", ACCENT)):
        fig.add_trace(
            go.Histogram(
                x=conf[mask],
                name=f"{name} ({mask.sum():,})",
                marker_color=colour,
                xbins=dict(start=0, end=100, size=5),
                histnorm="percent",
                opacity=0.8,
            )
        )
    fig.update_layout(
        barmode="overlay",
        height=260,
        margin=dict(l=0, r=12, t=10, b=0),  # room for the "100" under the last bin's edge
        xaxis=dict(title="confidence (%)", range=[0, 100], dtick=20),  # auto: "0", "50" only
        yaxis=dict(
            title="% of answers", dtick=step, range=[0, (np.ceil(tallest / step) * step) * 1.04]
        ),
        legend=dict(x=0.02, y=0.98),
    )
    return fig


def training_curves(
    batch_points: list[tuple[float, float, float]],
    epoch_logs: list[dict[str, float]],
    live: go.Figure | None = None,
) -> go.Figure:
    """Loss and accuracy side by side: smoothed per-batch values as lines, epochs as markers.

    The Train page redraws it every second for each watcher while a run trains, so `live`,
    the figure drawn last time, gets its traces' data replaced in place when it has the same
    traces: 6x cheaper than validating a new figure (benchmarks.engine watched)."""
    traces = curve_traces(batch_points, epoch_logs)
    if live is not None and len(live.data) == len(traces):
        with live.batch_update():
            for shown, trace in zip(live.data, traces, strict=True):
                shown.x, shown.y = trace["x"], trace["y"]
        return live
    return go.Figure(dict(data=traces, layout=curves_layout()))


def curve_traces(
    batch_points: list[tuple[float, float, float]], epoch_logs: list[dict[str, float]]
) -> list[dict]:
    """The per-batch lines, then each series' epoch markers, for loss and accuracy."""
    traces = []
    if batch_points:
        # Arrays travel as base64 typed arrays: float32 is finer than the chart's pixels
        x, loss, acc = np.asarray(batch_points, dtype=np.float32).T
        for axis, values in (("", loss), ("2", acc)):
            line = dict(color=MUTED, width=1.5)
            traces.append(curve(x, values, axis, "train (per batch, smoothed)", line, "lines"))
    series = (("", "train (epoch)", ACCENT), ("val_", "validation (epoch)", "#2e86ab"))
    for prefix, name, colour in series:
        epochs = [e["epoch"] for e in epoch_logs if f"{prefix}loss" in e]
        for axis, metric in (("", "loss"), ("2", "accuracy")):
            values = [e[f"{prefix}{metric}"] for e in epoch_logs if f"{prefix}{metric}" in e]
            if values:
                traces.append(curve(epochs, values, axis, name, dict(color=colour)))
    return traces


def curve(
    x: np.ndarray | list,
    y: np.ndarray | list,
    axis: str,
    name: str,
    line: dict,
    mode: str = "lines+markers",
) -> dict:
    """One series in the loss panel (`axis` "") or the accuracy panel ("2"); its legend
    entry shows once, under the loss panel."""
    return dict(
        type="scatter",
        x=x,
        y=y,
        xaxis=f"x{axis}",
        yaxis=f"y{axis}",
        mode=mode,
        line=line,
        name=name,
        showlegend=not axis,
        legendgroup=name,
    )


def curves_layout() -> dict:
    """Two panels side by side, titled Loss and Accuracy, one legend under both."""
    x_axis = dict(title=dict(text="epoch"), rangemode="tozero")
    title = dict(
        showarrow=False, xref="paper", yref="paper", y=1.0, yanchor="bottom", font=dict(size=16)
    )
    layout = dict(
        xaxis=dict(x_axis, domain=[0, 0.45], anchor="y"),
        xaxis2=dict(x_axis, domain=[0.55, 1], anchor="y2"),
        yaxis=dict(anchor="x"),
        # Accuracy's ticks on its right: on a phone, left ones ran into the loss panel
        yaxis2=dict(anchor="x2", side="right", tickformat=".0%", hoverformat=".1%"),
        annotations=[dict(title, text="Loss", x=0.225), dict(title, text="Accuracy", x=0.775)],
        height=330,
        margin=dict(l=0, r=0, t=30, b=0),
        legend=dict(orientation="h", y=-0.25),
        uirevision="keep",
    )
    return layout
