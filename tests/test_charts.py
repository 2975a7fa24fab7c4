"""The figures and images the pages send: what a click maps to, and pixel-exact thumbnails."""

from __future__ import annotations

import io
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import plotly.io as pio
from PIL import Image

from fashion_cnn.common import config
from fashion_cnn.common.contract import bundled_model_path, read_model_card
from fashion_cnn.common.settings import QUICK_RUN
from fashion_cnn.ui.charts import (
    RIGHT_FRAME,
    WRONG_FRAME,
    compare_chart,
    compare_table,
    confidence_histogram,
    confusion_scatter,
    enlarge,
    feature_map_figure,
    framed,
    image_grid,
    per_class_markdown,
    png_bytes,
    probability_bars,
    training_curves,
)
from tests.colours import VISIONS, distance


def test_thumbnail_png_is_a_pixel_exact_enlargement():
    image = np.arange(28 * 28, dtype=np.uint8).reshape(28, 28)
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(enlarge(image, 3)))))
    assert decoded.shape == (84, 84)
    assert np.array_equal(decoded[::3, ::3], image)
    assert np.array_equal(decoded[2::3, 2::3], image)


def test_confusion_scatter_point_i_is_the_cell_divmod_i_10():
    cm = np.arange(100).reshape(10, 10)
    trace = confusion_scatter(cm, normalise=False).data[0]
    for i in (0, 13, 57, 99):
        t, p = divmod(i, 10)
        assert trace.y[i] == config.CLASS_NAMES[t]
        assert trace.x[i] == config.CLASS_NAMES[p]
        assert trace.text[i] == str(cm[t, p])


def test_confusion_scatter_greys_the_diagonal_and_shades_errors_by_count():
    cm = np.eye(10, dtype=int) * 900
    cm[6, 0] = 120  # shirt taken for T-shirt: the worst error
    cm[4, 2] = 10
    cells = confusion_scatter(cm, normalise=True).data[1]
    assert cells.z[6][0] == 60 and cells.z[4][2] == 42  # cell (t, p) is colour 10t + p
    colours = [colour for _, colour in cells.colorscale]
    diagonal = {colours[i * 11] for i in range(10)}
    assert len(diagonal) == 1
    assert colours[60] not in diagonal and colours[60] != colours[42] != colours[1]
    cm[9, 7] = 2  # 2 of 902: a mistake that rounds to 0%
    text = confusion_scatter(cm, normalise=True).data[0].text
    assert (text[97], text[60], text[1]) == ("<1%", "12%", "0%")


def test_confusion_scatter_for_a_phone_has_short_names_and_larger_numbers_same_cells():
    cm = np.arange(100).reshape(10, 10)
    wide, narrow = (confusion_scatter(cm, False, narrow=n) for n in (False, True))
    assert list(narrow.data[1].x) == ["T-shirt", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]  # fmt: skip
    assert max(len(name) for name in narrow.data[1].y) <= 8  # row names fit 50 px
    assert narrow.data[0].textfont.size > wide.data[0].textfont.size
    assert narrow.layout.xaxis.tickangle == -90  # upright: no overlap at 30 px a column
    # The same cells and hover texts (with the full names), point i still cell divmod(i, 10).
    assert narrow.data[0].text == wide.data[0].text
    assert narrow.data[0].hovertext == wide.data[0].hovertext
    assert narrow.data[0].hovertext[60].startswith("true Shirt → predicted T-shirt/top")


def test_probability_bars_show_all_ten_classes_in_label_order_top_one_highlighted():
    probs = np.linspace(1, 10, 10) / 55
    bars = probability_bars(probs).data[0]
    assert list(bars.y) == list(config.CLASS_NAMES)
    assert np.allclose(bars.x, probs * 100)
    colours = list(bars.marker.color)
    assert colours.count(colours[9]) == 1  # only the most likely class, Ankle boot, stands out


def test_confusion_scatter_hover_names_right_answers_and_counts_in_words():
    cm = np.eye(10, dtype=int) * 900
    cm[6, 0] = 1
    hover = confusion_scatter(cm, normalise=False).data[0].hovertext
    assert hover[0].startswith("T-shirt/top classified correctly<br>900 images")
    assert hover[60].startswith("true Shirt → predicted T-shirt/top<br>1 image (")
    assert "0 images" in hover[1]


def test_live_training_curves_update_in_place_and_draw_what_a_new_figure_draws():
    rng = np.random.default_rng(0)
    points = [(i / 50, float(rng.random()), float(rng.random())) for i in range(120)]
    logs = [dict(epoch=1, loss=0.6, accuracy=0.8, val_loss=0.5, val_accuracy=0.82)]
    live = training_curves(points[:60], logs)
    updated = training_curves(points, logs, live)
    assert updated is live  # the same traces: only their data changed
    assert pio.to_json(updated) == pio.to_json(training_curves(points, logs))
    assert np.allclose(updated.data[0].x[-2:], [118 / 50, 119 / 50])
    # The first epoch's markers are new traces, so the figure is drawn anew
    more = training_curves(points, [*logs, dict(logs[0], epoch=2)], training_curves(points, []))
    assert [len(t.x) for t in more.data] == [120, 120, 2, 2, 2, 2]
    assert more.layout.yaxis2.tickformat == ".0%"  # accuracy in percent, as Compare shows it


def finished_run(run_id: str, epochs_done: int, accuracy: float, **settings) -> SimpleNamespace:
    """What the comparison reads of a finished run (the engine's RunView, in short)."""
    logs = [{"epoch": e + 1, "val_accuracy": 0.5} for e in range(epochs_done)]
    return SimpleNamespace(
        run_id=run_id,
        cfg=replace(QUICK_RUN, **settings),
        progress=SimpleNamespace(epoch=epochs_done, epoch_logs=logs),
        summary={"accuracy": accuracy},
    )


def test_compared_runs_show_the_settings_that_differ():
    runs = [
        finished_run("aaaaaaaaaaaa", 4, 0.6843, epochs=4),
        finished_run("bbbbbbbbbbbb", 2, 0.7072, epochs=4, dropout=0.6),  # stopped early
    ]
    table, alike = compare_table(runs)
    head, _, first, second = table.splitlines()
    assert head == "| run | epochs | dropout | test accuracy |"
    link = "/train?run=aaaaaaaaaaaa&compare=bbbbbbbbbbbb"  # a new tab compares them too
    assert first == f"| [aaaaaa]({link}) | 4 | 0.2 | 68.43% |"
    assert (
        second
        == "| [bbbbbb](/train?run=bbbbbbbbbbbb&compare=aaaaaaaaaaaa) | 2 of 4 | 0.6 | 70.72% |"
    )
    assert alike.startswith("Alike in all: architecture tiny, batch size 128, ")
    assert "training images 20,000" in alike and "augmentation off" in alike
    assert "L2 weight decay 0.0001" in alike and "validation share 10%" in alike
    names = [trace.name for trace in compare_chart(runs).data]
    assert names == ["aaaaaa: 4 epochs, dropout 0.2", "bbbbbb: 2 epochs, dropout 0.6"]
    # Several differences: the legend, which cannot wrap, names none of them; the table
    # shows each as people write it, and a slider's float noise is no difference.
    runs[1] = finished_run("bbbbbbbbbbbb", 4, 0.7, epochs=4, dropout=0.1 + 0.2, weight_decay=1e-5)
    runs.append(finished_run("cccccccccccc", 4, 0.7, epochs=4, dropout=0.3, validation_split=0.2))
    assert [trace.name for trace in compare_chart(runs).data][1] == "bbbbbb: 4 epochs"
    # The later a run, the smaller its marker, of another shape: runs with the same
    # figures both show.
    markers = [(t.marker.symbol, t.marker.size) for t in compare_chart(runs).data]
    assert len(set(markers)) == 3 and sorted(markers, key=lambda m: -m[1]) == markers
    table, alike = compare_table(runs)
    assert table.splitlines()[0] == (
        "| run | epochs | dropout | L2 weight decay | validation share | test accuracy |"
    )
    assert "| 0.3 | 0.00001 | 10% |" in table.splitlines()[3]
    assert "(/train?run=aaaaaaaaaaaa&compare=cccccccccccc,bbbbbbbbbbbb)" in table
    assert "early stopping patience off" in alike


def test_framed_tiles_say_right_or_wrong_around_the_untouched_image():
    images = np.arange(2 * 28 * 28, dtype=np.uint32).reshape(2, 28, 28).astype(np.uint8)
    tiles = framed(images, np.array([True, False]))
    assert tiles.shape == (2, 32, 32, 3)
    assert (tiles[0, 0, 0] == RIGHT_FRAME).all() and (tiles[1, -1, -1] == WRONG_FRAME).all()
    assert (tiles[:, 2:30, 2:30, 0] == images).all() and (tiles[:, 2:30, 2:30, 2] == images).all()
    grid = image_grid(tiles, 2, scale=1, gap=0)  # colour tiles side by side
    assert grid.shape == (32, 64, 3) and (grid[:, 32:] == tiles[1]).all()


# Classes the map puts side by side, and the pairs a trial found hard to tell apart.
NEIGHBOURS = [
    ("T-shirt/top", "Shirt"),
    ("T-shirt/top", "Pullover"),
    ("T-shirt/top", "Dress"),
    ("Shirt", "Pullover"),
    ("Shirt", "Coat"),
    ("Shirt", "Dress"),
    ("Pullover", "Coat"),
    ("Dress", "Coat"),
    ("Sandal", "Sneaker"),
    ("Sandal", "Ankle boot"),
    ("Sneaker", "Ankle boot"),
    ("T-shirt/top", "Trouser"),
    ("Bag", "Ankle boot"),
]


def test_feature_map_colours_tell_neighbours_apart_with_any_colour_vision():
    coords = np.random.default_rng(0).random((20, 2))
    labels = np.arange(20) % 10
    colour = {t.name: t.marker.color for t in feature_map_figure(coords, labels, labels).data}
    for a, b in NEIGHBOURS:
        for vision in VISIONS:
            assert distance(colour[a], colour[b], vision) >= 40, (a, b, vision)


def test_confidence_histogram_ends_its_tallest_bar_under_a_gridline():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.full(10, 0.05), 2000)  # mostly confident, some exactly 100%
    labels = probs.argmax(axis=1)
    labels[:300] = (labels[:300] + 1) % 10  # some mistakes
    fig = confidence_histogram(probs, labels)
    right = probs.argmax(axis=1) == labels
    conf = np.minimum(probs.max(axis=1) * 100, 99.99)
    tallest = np.histogram(conf[right], bins=np.arange(0, 105, 5))[0].max() * 100 / right.sum()
    top, step = fig.layout.yaxis.range[1], fig.layout.yaxis.dtick
    assert tallest <= step * (top // step) < top  # a gridline above the bar, inside the axis
    assert all(max(t.x) < 100 for t in fig.data)  # 100% is in the 95-100% bin, not past it


def test_per_class_table_gives_the_test_image_count_once_where_every_class_has_as_many():
    card = read_model_card(bundled_model_path())
    table = per_class_markdown(card["per_class"]).splitlines()
    assert table[0] == "| class | precision | recall | F1 |"  # four columns: a phone's width
    assert table[-1] == "1,000 test images of each class."
    uneven = {**card["per_class"], "support": [1000] * 9 + [12]}
    table = per_class_markdown(uneven).splitlines()
    assert table[0].endswith("| test images |") and table[-1].endswith("| 12 |")
