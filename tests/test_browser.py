"""The app in headless Chromium: the canvas only draws in a real browser."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import signal
import subprocess
import time
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import numpy as np
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.classify_latency import TSHIRT  # the outline it times
from fashion_cnn.common.config import MODEL_DIR
from fashion_cnn.ui.wording import STOP_LABEL, views_note
from tests.colours import VISIONS, distance
from tests.conftest import PHONE, screenshot
from tests.live_app import ROOT, running_app

VIEWS_NOTE = views_note(True).split(", ", 1)[1]  # how a drawing or upload was read

pytestmark = pytest.mark.browser


def downloaded_bytes(pg, button: str) -> bytes:
    """The file that the download button labelled `button` gives. A click while a rerun
    replaces the button can be lost (once in a CI run on a slow machine): clicked again."""
    for attempt in range(3):
        try:
            with pg.expect_download(timeout=40_000) as download:  # slow under the whole suite
                pg.get_by_role("button", name=button).click()
            return Path(download.value.path()).read_bytes()
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            wait_for_app(pg)


def downloaded(pg, button: str) -> str:
    return downloaded_bytes(pg, button).decode()


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def draw_path(pg, points, steps: int = 6) -> None:
    """Press, drag through `points` in small moves, release: one stroke."""
    box = pg.locator("canvas.upper-canvas").first.bounding_box()
    pg.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    pg.mouse.down()
    for x, y in points[1:]:
        pg.mouse.move(box["x"] + x, box["y"] + y, steps=steps)
    pg.mouse.up()


def until(action, locator, attempts: int = 5, timeout: int = 10_000) -> None:
    """Do `action` until `locator` shows: widgets ignore input for a moment after a cold run."""
    for _ in range(attempts):
        action()
        try:
            locator.wait_for(timeout=timeout)
            return
        except PlaywrightTimeout:
            continue
    locator.wait_for(timeout=timeout)


def visible_prediction(pg):
    return pg.locator("[data-testid='stMetric']:visible").filter(has_text="Prediction")


def wait_for_app(pg) -> None:
    """Wait until the script run ends, then fail on any exception the page shows."""
    pg.wait_for_selector("[data-testid='stAppViewContainer']")
    pg.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000
    )
    errors = pg.get_by_test_id("stException").all_inner_texts()
    assert not errors, errors


def draw_a_tshirt(pg, app_url: str):
    """Open Classify, draw the T-shirt outline, wait for its prediction; return it."""
    pg.goto(f"{app_url}/classify")
    pg.wait_for_selector("canvas.upper-canvas", timeout=90_000)
    wait_for_app(pg)
    prediction = visible_prediction(pg)
    until(lambda: draw_path(pg, TSHIRT), prediction)
    wait_for_app(pg)
    return prediction


def test_draw_on_canvas_gets_prediction(page, app_url):
    page.goto(f"{app_url}/classify")
    page.wait_for_selector("canvas.upper-canvas", timeout=90_000)
    wait_for_app(page)
    # Before the first stroke, beside the canvas: the shapes the CNN knows, unfolded.
    shapes = page.get_by_test_id("stImage").filter(has_text="Top: T-shirt/top, Trouser")
    canvas = page.locator("canvas.upper-canvas").bounding_box()
    assert shapes.is_visible() and shapes.bounding_box()["x"] > canvas["x"] + canvas["width"]
    screenshot(page, "classify-before-drawing")
    prediction = draw_a_tshirt(page, app_url)
    assert "confident" in prediction.inner_text()
    page.get_by_text(VIEWS_NOTE).wait_for()
    screenshot(page, "classify-draw")


def test_inside_the_cnn_for_a_drawing(page, app_url):
    draw_a_tshirt(page, app_url)
    page.get_by_text("🔬 Inside the CNN", exact=True).first.click()  # the toggle, not a caption
    page.get_by_text(re.compile(r"^Why .+\?$")).first.wait_for(timeout=60_000)
    for layer in ("1st convolution (block 1)", "6th convolution (block 3)"):  # plain names
        page.get_by_text(layer, exact=True).first.wait_for()
    headings = page.locator("[class*='_inside_layers']").first
    assert not headings.get_by_text("block1_conv1").count()  # the code's name: in a tooltip
    # Where the maps halve, between the 2nd and 3rd convolutions: a pooling, and its size.
    pool = headings.locator("[class*='_inside_block1_pool']")
    assert "pool" in pool.inner_text() and "14×14" in pool.inner_text()
    x = {
        name: headings.get_by_text(name, exact=True).bounding_box()["x"]
        for name in ("2nd convolution (block 1)", "3rd convolution (block 2)")
    }
    assert (
        x["2nd convolution (block 1)"] < pool.bounding_box()["x"] < x["3rd convolution (block 2)"]
    )
    votes = page.locator("[class*='_inside_votes'] .js-plotly-plot")  # each final map's vote
    votes.get_by_text(re.compile(r"^map \d+$")).first.wait_for()
    wait_for_app(page)
    screenshot(page, "classify-inside")


# The map's dots on the screen: (x, y, test image) each, and the dot farthest from any
# other among the first 2,000, which a click can hit alone.
LONELY_DOT = """p => { const xa = p._fullLayout.xaxis, ya = p._fullLayout.yaxis;
  const r = p.getBoundingClientRect(), dots = [];
  p._fullData.forEach(t => { for (let i = 0; i < t.x.length; i++) dots.push(
    [xa.c2p(t.x[i]) + xa._offset + r.x, ya.c2p(t.y[i]) + ya._offset + r.y, t.customdata[i]]); });
  let lonely = null, far = -1;
  for (const a of dots.slice(0, 2000)) { let near = 1e9;
    for (const b of dots) if (b !== a) near = Math.min(near, Math.hypot(a[0] - b[0], a[1] - b[1]));
    if (near > far) { far = near; lonely = a; } }
  return lonely; }"""


def open_feature_map(pg, app_url):
    pg.goto(f"{app_url}/explore")
    pg.get_by_text("Feature map of the test set").wait_for(timeout=120_000)
    wait_for_app(pg)
    plot = pg.locator(".st-key-explore_feature_map .js-plotly-plot")
    plot.scroll_into_view_if_needed()
    pg.wait_for_timeout(1500)
    return plot


def test_feature_map_click_opens_a_dot_and_a_lasso_pages_its_images(page, app_url):
    plot = open_feature_map(page, app_url)
    # One click on a dot, in the mode the map opens in, opens its image at once (plotly
    # alone selects the dot last hovered, none here: pages/views/clicks.py).
    x, y, index = plot.evaluate(LONELY_DOT)
    dialog = page.get_by_role("dialog")
    page.mouse.click(x, y)
    dialog.get_by_text(f"Test image #{index}: ").wait_for(timeout=30_000)
    dialog.get_by_role("link", name="Open it in Classify").wait_for()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.get_by_text(re.compile(r"^1 image selected, ")).wait_for()
    # Lasso, from the tool bar: the region's images, a page at a time, each to inspect.
    page.locator(".modebar-btn[data-title='Lasso Select']").click()
    box = plot.bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45

    def lasso():
        page.mouse.move(x, y)
        page.mouse.down()
        for dx, dy in ((90, 0), (90, 90), (0, 90), (0, 0)):
            page.mouse.move(x + dx, y + dy, steps=8)
        page.mouse.up()

    selected = page.get_by_text(re.compile(r"[\d,]+ images selected"))
    until(lasso, selected)
    count = int(re.search(r"([\d,]+) images selected", selected.inner_text())[1].replace(",", ""))
    assert count > 24, count  # more than a page
    wait_for_app(page)
    tiles = page.locator("[class*='st-key-map_tile_']")
    assert tiles.count() == 24
    first_page = tiles.all_inner_texts()
    assert "Page (of" in page.locator(".st-key-explore_map_page").inner_text()
    screenshot(page, "explore-feature-map")
    page.locator(".st-key-explore_map_page button").last.click()  # the + of the page number
    page.wait_for_function(
        "t => Array.from(document.querySelectorAll(\"[class*='st-key-map_tile_']\"))"
        ".map(e => e.innerText).join() != t",
        arg=",".join(first_page),
    )
    wait_for_app(page)
    tile = tiles.first
    number = re.search(r"map_tile_(\d+)", tile.get_attribute("class"))[1]
    tile.get_by_role("button", name="Inspect").click()
    dialog.get_by_text(f"Test image #{number}: ").wait_for(timeout=30_000)


def drawing_the_two_cnns_read_apart(real_data) -> bytes:
    """A PNG of a synthetic test-set drawing whose class (the CNN for drawings' reading of
    its views) is not the bundled CNN's top class on it as drawn."""
    from benchmarks.input_accuracy import make_drawing
    from fashion_cnn.serving.predictor import load_bundled
    from fashion_cnn.serving.preprocess import preprocess

    predictor, rng = load_bundled(), np.random.default_rng(5)
    for image in real_data.x_test[:500]:
        rgba = make_drawing(image, rng)
        pre = preprocess(rgba, "drawing")
        if (
            predictor.classify(pre.image, True)[0].index
            != predictor.probabilities(pre.image)[0].argmax()
        ):
            buf = io.BytesIO()
            Image.fromarray(rgba).save(buf, "PNG")
            return buf.getvalue()
    raise AssertionError("the two CNNs agree on 500 drawings: the check needs another set")


def test_inside_the_cnn_says_when_a_drawings_class_is_not_its_own(page, app_url, real_data):
    png = drawing_the_two_cnns_read_apart(real_data)
    page.goto(f"{app_url}/classify")
    page.get_by_role("tab", name="Upload").click()
    page.locator("input[type='file']").set_input_files(
        {"name": "drawn.png", "mimeType": "image/png", "buffer": png}
    )
    page.get_by_text(VIEWS_NOTE).wait_for()
    page.get_by_text("🔬 Inside the CNN", exact=True).first.click()
    note = page.get_by_text(re.compile("is the reading of the CNN for drawings and icons"))
    note.wait_for(timeout=60_000)
    assert note.inner_text().startswith("On this picture alone the bundled CNN scores")
    page.get_by_text(re.compile(r"^What votes for .+\?$")).wait_for()
    assert page.get_by_text(re.compile(r"^Why .+\?$")).count() == 0


def outline_png() -> bytes:
    """The browser test's T-shirt outline as an uploaded PNG: white strokes on black."""
    canvas = Image.new("RGB", (280, 280))
    ImageDraw.Draw(canvas).line(TSHIRT, fill=(255, 255, 255), width=14, joint="curve")
    buf = io.BytesIO()
    canvas.save(buf, "PNG")
    return buf.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><rect width="9"/></svg>'


def test_upload_file_gets_prediction(page, app_url, real_data):
    # A trouser from the test set, shown the way a product photo is: dark on white, larger.
    index = int(np.flatnonzero(real_data.y_test == 1)[0])
    photo = Image.fromarray(255 - real_data.x_test[index]).resize((200, 200))
    buf = io.BytesIO()
    photo.save(buf, "PNG")
    # The same trouser as a 16-bit grayscale PNG, first, so that its details are shown.
    deep = io.BytesIO()
    Image.fromarray(np.asarray(photo.convert("L"), np.uint16) * 257).save(deep, "PNG")
    # And colour noise: no garment at all.
    noise = io.BytesIO()
    pixels = np.random.default_rng(0).integers(0, 256, (120, 120, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(noise, "PNG")
    page.goto(f"{app_url}/classify")
    page.get_by_role("tab", name="Upload").click()
    page.locator("input[type='file']").set_input_files(
        [
            {"name": "trouser-16bit.png", "mimeType": "image/png", "buffer": deep.getvalue()},
            {"name": "trouser.png", "mimeType": "image/png", "buffer": buf.getvalue()},
            {"name": "broken.png", "mimeType": "image/png", "buffer": b"not an image"},
            {"name": "sketch.svg", "mimeType": "image/svg+xml", "buffer": SVG},
            {"name": "noise.png", "mimeType": "image/png", "buffer": noise.getvalue()},
            {"name": "outline.png", "mimeType": "image/png", "buffer": outline_png()},
        ]
    )
    page.get_by_text("this is not an image file").wait_for(timeout=60_000)
    page.get_by_text("SVG drawings are not supported").wait_for()  # said on the page
    # The noise's tile in the grid says what it is: not a garment.
    noise_tile = page.locator("[class*='st-key-upload_item_']").filter(has_text="noise.png")
    noise_tile.get_by_text("not a garment").wait_for(timeout=60_000)
    trouser_tile = page.locator("[class*='st-key-upload_item_']").filter(has_text="trouser.png")
    assert "not a garment" not in trouser_tile.first.inner_text()
    details = visible_prediction(page)
    details.wait_for(timeout=60_000)
    assert "Trouser" in details.inner_text()
    wait_for_app(page)
    # Its "Input" step shows the picture (Pillow alone would clip 16-bit values to white).
    steps = page.locator(".st-key-upload_steps img")
    first_step = steps.first
    first_step.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=first_step.element_handle()
    )
    dark, light = first_step.evaluate(
        "img => { const c = document.createElement('canvas');"
        " c.width = img.naturalWidth; c.height = img.naturalHeight;"
        " const g = c.getContext('2d'); g.drawImage(img, 0, 0);"
        " const d = g.getImageData(0, 0, c.width, c.height).data; let dark = 0, light = 0;"
        " for (let i = 0; i < d.length; i += 4) { if (d[i] < 60) dark++; if (d[i] > 200) light++; }"
        " return [dark, light]; }"
    )
    assert dark > 500 and light > 500, (dark, light)  # the dark trouser on its light ground
    sizes = {(b["width"], b["height"]) for b in (i.bounding_box() for i in steps.all())}
    assert steps.count() >= 5 and len(sizes) == 1, sizes  # every step a tile of one size
    screenshot(page, "classify-upload")
    # The grid's answers, to take away: a row per file, the broken one with its reason.
    answers = {row[0]: row for row in csv_rows(downloaded(page, "⬇ Answers (CSV)"))}
    assert answers["trouser.png"][1:4] == ["Trouser", answers["trouser.png"][2], "confident"]
    assert answers["noise.png"][3] == "not a garment"
    assert "not an image file" in answers["broken.png"][4]
    assert "SVG drawings are not supported" in answers["sketch.svg"][4]
    assert len(answers) == 7  # the header and six files
    # Every upload, the trouser photo shown first and the outline, is read as the canvas's
    # drawings are: by the CNN for drawings and icons, in views; the note says which kind.
    page.get_by_text(VIEWS_NOTE).wait_for()
    read = page.get_by_test_id("stCaptionContainer").filter(
        has_text=re.compile(r"^Read as a photo, in six views")
    )
    read.get_by_test_id("stTooltipHoverTarget").hover()  # why a photo: in its tooltip
    page.get_by_test_id("stTooltipContent").filter(has_text="not a few flat colours").wait_for()
    page.locator(".st-key-upload_detail").click()
    page.get_by_role("option", name="outline.png").click()
    visible_prediction(page).filter(has_text="T-shirt/top").wait_for()
    page.get_by_text(re.compile(r"^Read as a drawing, in six views")).wait_for()


def test_uploaded_icons_a_garment_is_read_and_a_house_is_not_a_garment(page, app_url):
    from tests.icons import house_icon, png, tshirt_icon, two_pen_doodle

    page.goto(f"{app_url}/classify")
    page.get_by_role("tab", name="Upload").click()
    page.locator("input[type='file']").set_input_files(
        [
            {"name": "tshirt.png", "mimeType": "image/png", "buffer": png(tshirt_icon())},
            {"name": "house.png", "mimeType": "image/png", "buffer": png(house_icon())},
            {"name": "doodle.png", "mimeType": "image/png", "buffer": png(two_pen_doodle())},
        ]
    )
    tiles = page.locator("[class*='st-key-upload_item_']")
    house = tiles.filter(has_text="house.png")
    house.get_by_text("not a garment").wait_for(timeout=60_000)
    for name in ("tshirt.png", "doodle.png"):  # a filled icon; an outline in two pens
        tile = tiles.filter(has_text=name).first.inner_text()
        assert "T-shirt/top" in tile and "not a garment" not in tile, tile
    # The details of the first file read it as a garment; the house's say why it is not one.
    assert "T-shirt/top" in visible_prediction(page).inner_text()
    page.locator(".st-key-upload_detail").click()
    page.get_by_role("option", name="house.png").click()
    page.get_by_text("Not a garment, it seems").wait_for()
    headline = visible_prediction(page).inner_text()  # the verdict, not a class, in large type
    assert "Not a garment" in headline and "most like" in headline, headline
    screenshot(page, "classify-icons")


def test_details_stay_with_their_file_when_another_is_removed(page, app_url):
    from tests.icons import house_icon, png, tshirt_icon

    def upload(*files: tuple[str, bytes]) -> None:
        page.locator("input[type='file']").set_input_files(
            [{"name": name, "mimeType": "image/png", "buffer": data} for name, data in files]
        )

    page.goto(f"{app_url}/classify")
    page.get_by_role("tab", name="Upload").click()
    house, tshirt = png(house_icon()), png(tshirt_icon())
    upload(("house.png", house), ("tshirt.png", tshirt), ("shed.png", house))
    details = page.get_by_role("combobox", name="Details for")
    details.wait_for(timeout=60_000)
    details.click()
    page.get_by_role("option", name="tshirt.png").click()
    visible_prediction(page).filter(has_text="T-shirt/top").wait_for()
    # Removing the first file shifts the others' places; the details stay with tshirt.png
    # (they showed the shed, a house, under its name before).
    page.locator("[data-testid=stFileChipDeleteBtn]").first.click()
    page.wait_for_function("document.querySelectorAll('[data-testid=stFileChip]').length == 2")
    wait_for_app(page)
    chips = " ".join(page.locator("[data-testid=stFileChip]").all_inner_texts())
    assert "house.png" not in chips and "tshirt.png" in chips and "shed.png" in chips
    assert details.input_value() == "tshirt.png"
    assert "T-shirt/top" in visible_prediction(page).inner_text()
    # A file added to those there is the one shown.
    upload(("garden-house.png", house))
    page.get_by_text("Not a garment, it seems").wait_for()
    assert details.input_value() == "garden-house.png"
    # More files of a name already there (from other folders) are told apart in their
    # tiles and the CSV.
    upload(("tshirt.png", house), ("tshirt.png", tshirt))
    tiles = page.locator("[class*='st-key-upload_item_']")
    tiles.filter(has_text="tshirt.png (3)").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "not a garment" in tiles.filter(has_text="tshirt.png (2)").inner_text()
    assert "T-shirt/top" in tiles.filter(has_text="tshirt.png (3)").inner_text()
    answers = {row[0]: row[1] for row in csv_rows(downloaded(page, "⬇ Answers (CSV)"))[1:]}
    assert [answers[f"tshirt.png{n}"] for n in ("", " (2)", " (3)")] == [
        "T-shirt/top",
        answers["shed.png"],  # a house, as the shed
        "T-shirt/top",
    ]


def test_link_to_a_test_image_opens_its_tab(page, app_url):
    page.goto(f"{app_url}/classify?image=123")
    page.get_by_text("Test image #123 of").wait_for(state="visible", timeout=120_000)
    visible_prediction(page).wait_for(timeout=60_000)  # on the tab the link opened
    wait_for_app(page)
    page.get_by_role("button", name="Pick a random test image").click()
    # the address links to the new one ("image=1236" holds "image=123": read the parameter)
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("image") != ["123"])


MATRIX = ".st-key-explore_matrix .js-plotly-plot"  # a wide screen's; a phone's is another
LAPTOP = {"width": 1280, "height": 900}


def cell_centre(plot, true_idx: int, pred_idx: int) -> tuple[float, float]:
    """Where a matrix cell (true, predicted) shows. Its point is in row-major order; plotly's
    points ignore pointer events (its drag layer takes them), so a click goes to the spot."""
    point = plot.locator(".scatterlayer path.point").nth(true_idx * 10 + pred_idx)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def wait_for_class_filters(pg, true_name: str, pred_name: str) -> None:
    """Wait until the Mistakes gallery's class filters show these two classes (a rerun
    writes the address before it redraws the filters)."""
    pg.wait_for_function(
        "names => ['True class', 'Predicted class'].every((label, i) =>"
        " document.querySelector(`input[aria-label='${label}']`)?.value === names[i])",
        arg=[true_name, pred_name],
        timeout=30_000,
    )


def cell_address(true_name: str, pred_name: str) -> re.Pattern:
    """The address of Explore on a matrix cell, (?true=&pred=), whatever follows."""
    query = urlencode({"true": true_name, "pred": pred_name})
    return re.compile(rf"/explore\?{re.escape(query)}(&|#|$)")


def test_click_on_matrix_cell_filters_gallery(page, app_url):
    page.goto(f"{app_url}/explore")
    page.get_by_text("mistakes match").wait_for(timeout=120_000)
    wait_for_app(page)
    # A row's Inspect buttons are in line, whether its captions take one line or two.
    rows: dict[int, set[int]] = {}
    for tile in page.locator("[class*='st-key-mistake_']").all():
        top = round(tile.get_by_test_id("stImage").bounding_box()["y"])
        button = tile.get_by_role("button", name="Inspect").bounding_box()
        rows.setdefault(top, set()).add(round(button["y"]))
    assert len(rows) > 1 and all(len(tops) == 1 for tops in rows.values()), rows
    matrix_header = page.locator(MATRIX).evaluate("p => p.data[1].x")
    # One click on true Shirt, predicted T-shirt/top: the filters and the address follow.
    page.mouse.click(*cell_centre(page.locator(MATRIX), 6, 0))
    page.wait_for_url(cell_address("Shirt", "T-shirt/top"), timeout=30_000)
    filtered = (  # the gallery redrawn for the clicked cell
        "() => { const c = Array.from(document.querySelectorAll("
        "'[data-testid=\"stCaptionContainer\"]')).filter(c => c.innerText.includes('→'));"
        " return c.length > 0"
        " && c.every(c => c.innerText.startsWith('Shirt → T\u2011shirt/\u2060top')); }"
    )
    page.wait_for_function(filtered, timeout=30_000)
    wait_for_app(page)
    wait_for_class_filters(page, "Shirt", "T-shirt/top")
    # Under the matrix, now framing the cell: where its images went, a link away.
    count = int(page.locator(MATRIX).evaluate("p => p.data[0].text[60]"))
    note = page.get_by_text(f"Shirt → T-shirt/top: {count} images, in the gallery below ↓")
    assert note.is_visible()
    frame = page.locator(MATRIX).evaluate("p => p.layout.shapes[0]")
    assert (frame["x0"], frame["y0"]) == (-0.5, 5.5)  # column 0, row 6
    note.get_by_role("link").click()
    page.wait_for_function(  # the gallery scrolls into view
        "() => { const h = document.getElementById('mistakes');"
        " const top = h && h.getBoundingClientRect().top; return top >= 0 && top < innerHeight; }",
        timeout=10_000,
    )
    # The address names the cell, to share: a new visitor opens on the same gallery.
    page.wait_for_url(re.compile(r"/explore\?true=Shirt&pred=T-shirt%2Ftop(#mistakes)?$"))
    captions = page.get_by_test_id("stCaptionContainer").filter(has_text="→").all_inner_texts()
    assert captions and all(c.startswith("Shirt → T\u2011shirt/\u2060top") for c in captions)
    # The matrix and the per-class table, to take away, as the page shows them.
    matrix = csv_rows(downloaded(page, "⬇ Matrix (CSV)"))
    assert matrix[0][1:] == matrix_header and matrix[7][0] == "Shirt"
    shown = page.locator(MATRIX).evaluate("p => p.data[0].text[60]")
    assert matrix[7][1] == shown  # Shirt taken for a T-shirt/top, as the cell says
    page.get_by_text("Per-class precision, recall and F1").click()
    metrics = csv_rows(downloaded(page, "⬇ Table (CSV)"))
    assert metrics[0] == ["class", "precision", "recall", "f1", "test images"]
    assert [row[0] for row in metrics[1:]] == matrix_header
    screenshot(page, "explore")
    # Inspect opens the mistake over the gallery, where the visitor is; Escape closes it.
    page.get_by_role("button", name="Inspect").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("a Shirt seen as a T-shirt/top").wait_for(timeout=30_000)
    dialog.get_by_text("Where it saw a T-shirt/top").wait_for()
    dialog.get_by_text("Inside the CNN").click()  # a widget in the dialog keeps it open
    dialog.get_by_text("One map up close").wait_for(timeout=30_000)
    wait_for_app(page)
    screenshot(page, "explore-inspect")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    # A diagonal cell holds no mistakes: the page says it holds the right answers.
    page.mouse.click(*cell_centre(page.locator(MATRIX), 6, 6))
    page.get_by_text("This cell of the diagonal holds the right answers").wait_for(timeout=30_000)
    wait_for_class_filters(page, "Shirt", "Shirt")
    assert not page.get_by_text("Widen the confidence range").count()


def explore_on_a_laptop(browser, app_url: str):
    """A laptop's window on Explore once its gallery shows: (its context, its page)."""
    context = browser.new_context(viewport=LAPTOP)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(f"{app_url}/explore")
    pg.get_by_text("mistakes match").wait_for(timeout=120_000)
    wait_for_app(pg)
    return context, pg


def test_each_single_click_on_the_matrix_applies_on_a_laptop(browser, app_url):
    """A click on a matrix cell sets the filters and the address at once, the first after
    the page opens and each after that, on the same cell again too."""
    context, pg = explore_on_a_laptop(browser, app_url)
    matrix = pg.locator(MATRIX)
    pg.mouse.click(*cell_centre(matrix, 6, 4))  # true Shirt, predicted Coat
    pg.wait_for_url(cell_address("Shirt", "Coat"), timeout=30_000)
    wait_for_app(pg)
    wait_for_class_filters(pg, "Shirt", "Coat")
    # Another class picked under Mistakes, then the same cell clicked again: it applies.
    true_class = pg.get_by_role("combobox", name="True class")
    # Wholly in view: focus would scroll the page to it, and a scroll closes its list.
    true_class.evaluate("e => e.scrollIntoView({block: 'center'})")
    true_class.click()
    pg.get_by_role("option", name="Pullover", exact=True).click()
    pg.wait_for_url(cell_address("Pullover", "Coat"), timeout=30_000)
    wait_for_app(pg)
    pg.mouse.click(*cell_centre(matrix, 6, 4))
    pg.wait_for_url(cell_address("Shirt", "Coat"), timeout=30_000)
    wait_for_app(pg)
    wait_for_class_filters(pg, "Shirt", "Coat")
    context.close()


HIST_AND_MAP = ("explore_hist", "explore_feature_map")  # their plots' keys


def inside_the_cnn_fits(pg, where) -> None:
    """Inside the CNN's row of layers shows every column: nothing to scroll sideways to."""
    where.get_by_text("🔬 Inside the CNN", exact=True).first.click()
    where.get_by_text("One map up close").wait_for(timeout=60_000)
    wait_for_app(pg)
    row = where.locator("[class*='_inside_layers']").first
    row.get_by_text("6th convolution (block 3)", exact=True).wait_for()
    width, shown = row.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width <= shown, (width, shown)


def test_explore_on_a_laptop_shows_its_charts_whole_in_colours_any_eye_tells_apart(
    browser, app_url
):
    context, pg = explore_on_a_laptop(browser, app_url)
    hist, feature_map = (pg.locator(f".st-key-{k} .js-plotly-plot") for k in HIST_AND_MAP)
    feature_map.scroll_into_view_if_needed()  # the map, after the matrix and the histogram
    pg.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .barlayer').length")
    # The confidence histogram: a gridline above its tallest bar, which is not cut off.
    tallest, top_tick = hist.evaluate(
        "p => [Math.max(...p.calcdata.flat().map(c => c.s || 0)),"
        " Math.max(...p._fullLayout.yaxis._vals.map(v => v.x))]"
    )
    assert tallest <= top_tick, (tallest, top_tick)
    ticks = hist.locator(".xtick text")  # its axis ends at 100%, in view
    assert ticks.evaluate_all("ts => ts.map(t => t.textContent)")[-1] == "100"
    edge = hist.bounding_box()
    last = ticks.last.bounding_box()  # None: drawn, but hidden for want of room
    assert last is not None and last["x"] + last["width"] <= edge["x"] + edge["width"]
    # The map's classes, told apart by their colours, also with colour-blind eyes.
    colour = dict(feature_map.evaluate("p => p._fullData.map(t => [t.name, t.marker.color])"))
    for a, b in (("T-shirt/top", "Trouser"), ("Bag", "Ankle boot")):
        for vision in VISIONS:
            assert distance(colour[a], colour[b], vision) >= 40, (a, b, vision)
    screenshot(pg, "explore-laptop")
    # Inside the CNN, in the Inspect dialog and on Classify: all its columns in view.
    pg.get_by_role("button", name="Inspect").first.click()
    inside_the_cnn_fits(pg, pg.get_by_role("dialog"))
    pg.goto(f"{app_url}/classify?image=0")
    pg.get_by_text("Test image #0 of").wait_for(state="visible", timeout=120_000)
    wait_for_app(pg)
    inside_the_cnn_fits(pg, pg.get_by_test_id("stMain"))
    pg.get_by_text("1st convolution (block 1)", exact=True).first.scroll_into_view_if_needed()
    screenshot(pg, "classify-inside-laptop")
    context.close()


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def fits_the_screen(pg) -> bool:
    """No element wider than the viewport and no sideways scrolling, as on a phone."""
    return pg.evaluate(
        "() => { const main = document.querySelector('[data-testid=\"stMain\"]');"
        " const inside = Array.from(main.querySelectorAll("
        "'[data-testid=\"stElementContainer\"], img, canvas, table'))"
        ".every(e => e.getBoundingClientRect().right <= window.innerWidth + 1);"
        " return inside && main.scrollWidth <= main.clientWidth + 1; }"
    )


def test_phone_draw_shows_prediction_and_its_controls_on_first_screen_over_nothing(phone, app_url):
    prediction = draw_a_tshirt(phone, app_url)
    box = prediction.bounding_box()
    assert box["y"] > 0 and box["y"] + box["height"] <= PHONE["height"], box  # no scrolling
    assert "confident" in prediction.inner_text()
    # The canvas's own toolbar never shows (its bin and send button misled); Undo, Clear and
    # the PNG sit under the canvas, on the first screen, over nothing.
    assert canvas_toolbar_hidden(phone)
    bar = phone.locator(".st-key-draw_controls").bounding_box()
    assert bar["y"] >= phone.locator("canvas.upper-canvas").bounding_box()["y"] + 280
    assert bar["y"] + bar["height"] <= PHONE["height"], bar
    texts = phone.locator(
        "[data-testid='stTab'], [data-testid='stMarkdownContainer'], "
        "[data-testid='stWidgetLabel'], [data-testid='stMetric'], [data-testid='stAlert']"
    )
    boxes = [
        (t.inner_text(), t.bounding_box())
        for t in texts.all()
        if not t.evaluate("e => !!e.closest('.st-key-draw_controls')")  # the buttons' own
    ]
    covered = [text for text, box in boxes if box and overlaps(bar, box)]  # None: hidden tabs
    assert len([box for _, box in boxes if box]) >= 5  # tabs, labels, the metric: all checked
    assert not covered, covered
    assert fits_the_screen(phone)
    screenshot(phone, "classify-draw-phone")


def test_phone_inside_the_cnn_scrolls_its_row_of_layers_not_the_page(phone, app_url):
    draw_a_tshirt(phone, app_url)
    phone.get_by_text("🔬 Inside the CNN", exact=True).first.click()
    last = phone.locator("[class*='_inside_layers']").get_by_text(
        "6th convolution (block 3)", exact=True
    )
    last.wait_for(timeout=60_000)
    wait_for_app(phone)
    main = phone.get_by_test_id("stMain")
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # the page stays put
    assert last.bounding_box()["x"] >= PHONE["width"]  # out of view, to the right
    last.scroll_into_view_if_needed()  # the row scrolls to it
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert main.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def test_phone_gallery_reads_in_rows_in_the_chosen_order(phone, app_url):
    phone.goto(f"{app_url}/explore")
    phone.get_by_text("mistakes match").wait_for(timeout=120_000)
    wait_for_app(phone)
    phone.wait_for_function(  # every tile drawn, its button last
        "() => document.querySelectorAll(\"[class*='st-key-inspect_']\").length == 24"
        " && Array.from(document.querySelectorAll(\"[class*='st-key-mistake_'] img\"))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    # Tiles as laid out, measured in one go; a tile may still be moving in as the last ones
    # arrive, so look again for a few seconds until the layout settles.
    for _ in range(10):
        tiles = phone.evaluate(
            "() => Array.from(document.querySelectorAll(\"[class*='st-key-mistake_']\"))"
            ".map(e => { const r = e.getBoundingClientRect();"
            " return [Math.round(r.y), Math.round(r.x), e.innerText]; })"
        )
        tops = sorted({y for y, _, _ in tiles})
        rows = [sum(y == top for y, _, _ in tiles) for top in tops]
        if min(rows[:-1]) >= 3:
            break
        phone.wait_for_timeout(500)
    assert len(tiles) == 24
    assert min(rows[:-1]) >= 3, (rows, tiles)  # rows of three or more, not one long column
    assert sorted(tiles) == tiles  # the page order reads left to right, then top to bottom
    confidence = [int(re.search(r"(\d+)%", text).group(1)) for _, _, text in tiles]
    assert confidence == sorted(confidence, reverse=True)  # "Most confident" first
    assert fits_the_screen(phone)
    phone.get_by_text("mistakes match").evaluate("e => e.scrollIntoView({block: 'center'})")
    screenshot(phone, "explore-phone")


def test_phone_confusion_matrix_is_readable_and_a_tap_on_it_filters_the_gallery(
    touch_phone, app_url
):
    phone = touch_phone
    phone.goto(f"{app_url}/explore")
    phone.get_by_text("mistakes match").wait_for(timeout=120_000)
    wait_for_app(phone)
    narrow = phone.locator(".st-key-explore_matrix_narrow .js-plotly-plot")
    narrow.scroll_into_view_if_needed()
    assert not phone.locator(MATRIX).is_visible()  # the wide screen's, hidden
    # Columns wide enough for "994" in type that a phone shows, names that do not overlap.
    columns = narrow.locator(".xtick text").evaluate_all(
        "ts => ts.map(t => { const r = t.getBoundingClientRect();"
        " return [t.textContent, r.left, r.right]; })"
    )
    assert columns[0][0] == "T-shirt" and columns[-1][0] == "Boot"
    assert all(a[2] <= b[1] for a, b in pairwise(columns)), columns
    cells = narrow.locator(".scatterlayer path.point")
    width = cells.nth(1).bounding_box()["x"] - cells.nth(0).bounding_box()["x"]
    assert width >= 25, width  # 24 with the full names
    size = narrow.locator(".scatterlayer .textpoint text").first.evaluate(
        "t => parseFloat(getComputedStyle(t).fontSize)"
    )
    assert size >= 11, size
    assert fits_the_screen(phone)
    screenshot(phone, "explore-matrix-phone")
    # One tap on true Shirt, predicted Coat: the filters and the address follow.
    phone.touchscreen.tap(*cell_centre(narrow, 6, 4))
    phone.wait_for_url(cell_address("Shirt", "Coat"), timeout=30_000)
    phone.get_by_text(re.compile(r"^Shirt → Coat: \d+ images")).wait_for(timeout=30_000)
    wait_for_app(phone)
    wait_for_class_filters(phone, "Shirt", "Coat")
    # The matrix, drawn again with that cell framed, takes the next tap as well.
    phone.touchscreen.tap(*cell_centre(narrow, 2, 4))  # true Pullover, predicted Coat
    phone.wait_for_url(cell_address("Pullover", "Coat"), timeout=30_000)
    wait_for_app(phone)
    wait_for_class_filters(phone, "Pullover", "Coat")


@pytest.mark.parametrize(
    ("path", "ready", "opened", "name"),
    [
        ("", "The bundled CNN", "Per-class precision, recall and F1", "home-phone"),
        ("/train", "Start training", None, "train-phone"),  # the form's last widget
    ],
)
def test_phone_page_fits_the_screen(phone, app_url, path, ready, opened, name):
    phone.goto(f"{app_url}{path}")
    phone.get_by_text(ready).first.wait_for(timeout=90_000)
    wait_for_app(phone)
    assert fits_the_screen(phone)
    screenshot(phone, name)
    if opened:  # an expander's content, such as a table, fits too
        phone.get_by_text(opened).click()
        phone.locator("table").first.wait_for()
        assert fits_the_screen(phone)


def test_phone_train_start_is_on_the_first_screen_and_more_settings_a_tap_away(phone, app_url):
    """The eleven settings stacked put Start 1.4 screens down: the settings a visitor
    changes most come first, the others fold under them, then Start."""
    phone.goto(f"{app_url}/train")
    start = phone.get_by_role("button", name="Start training")
    start.wait_for(timeout=90_000)
    wait_for_app(phone)
    box = start.bounding_box()
    assert box["y"] > 0 and box["y"] + box["height"] <= PHONE["height"], box  # no scrolling
    rate = phone.get_by_role("slider", name="Learning rate")
    assert not rate.is_visible()
    phone.get_by_text("More settings:").click()
    rate.wait_for()


def canvas_toolbar_hidden(pg) -> bool:
    """The canvas component's toolbar (undo, redo, send, bin) is not displayed; the script
    that hides it may take a moment after the canvas appears."""
    toolbar = pg.locator(".dc-toolbar")
    try:
        pg.wait_for_function(
            "e => getComputedStyle(e).display == 'none'",
            arg=toolbar.element_handle(),
            timeout=5_000,
        )
    except PlaywrightTimeout:
        return False
    return True


def lit_canvas_pixels(pg) -> int:
    canvas = pg.locator("canvas.dc-canvas.lower-canvas")
    # A rerun may mount the canvas afresh: wait until the old one is gone (Playwright's
    # locators see into the component's shadow root, document.querySelectorAll does not).
    # The old one can also come back for a moment between the count and the reading: a
    # reading of two canvases fails (strict mode), and is tried again.
    deadline = time.monotonic() + 30
    while True:
        try:
            if canvas.count() == 1:
                return canvas.evaluate(
                    "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, "
                    "c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) "
                    "if (d[i] > 128) n++; return n; }"
                )
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"{canvas.count()} canvases after 30 s, not one")
        pg.wait_for_timeout(100)


def via_home(pg, back_to: str) -> None:
    """To Home through the sidebar, then on to the page `back_to` the same way."""
    nav = pg.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Home").click()
    pg.get_by_text("The bundled CNN", exact=True).wait_for()
    wait_for_app(pg)
    nav.get_by_role("link", name=back_to).click()


def test_drawing_settings_and_uploads_survive_a_page_change(page, app_url, real_data):
    prediction = draw_a_tshirt(page, app_url)
    filled = prediction.inner_text()
    assert page.get_by_text("for an outline, turn on").count() == 0  # filling is on
    page.get_by_text("Fill closed outlines").click()  # off: the outline as drawn
    page.wait_for_function(
        "t => Array.from(document.querySelectorAll('[data-testid=\"stMetric\"]'))"
        ".every(m => m.innerText != t)",
        arg=filled,
    )
    wait_for_app(page)
    drawn, said = lit_canvas_pixels(page), prediction.inner_text()
    assert drawn > 1000
    # The outline as drawn lies far from the product photos: the CNN for drawings and
    # icons still reads it clearly, as a drawing's unusual style (not "unsure", not
    # "confident"), with a note that says why; the page says what reads it best.
    assert "T-shirt/top" in said and "as a drawing" in said and "confident" not in said, said
    note = page.get_by_text("as a drawing does: the CNN for drawings and icons")
    note.wait_for()  # with its record on held-out pictures, from the model card
    assert re.search(r"it named \d+ of \d+ such garments right", note.inner_text())
    page.get_by_text("for an outline, turn on").wait_for()
    index = int(np.flatnonzero(real_data.y_test == 1)[0])
    buf = io.BytesIO()
    Image.fromarray(255 - real_data.x_test[index]).resize((200, 200)).save(buf, "PNG")
    page.get_by_role("tab", name="Upload").click()
    page.locator("input[type='file']").set_input_files(
        [{"name": "trouser.png", "mimeType": "image/png", "buffer": buf.getvalue()}]
    )
    grid = page.locator(".st-key-upload_grid")
    grid.get_by_text("trouser.png").wait_for()
    wait_for_app(page)

    via_home(page, "Classify")
    page.wait_for_selector("canvas.upper-canvas")
    wait_for_app(page)

    assert visible_prediction(page).inner_text() == said
    assert lit_canvas_pixels(page) == drawn  # the same strokes, on the canvas again
    assert not page.locator(".st-key-draw_fill input").is_checked()
    page.get_by_role("tab", name="Upload").click()
    assert "Trouser" in grid.inner_text() and "trouser.png" in grid.inner_text()
    page.get_by_text("uploaded earlier in this session").wait_for()
    page.locator(".st-key-upload_clear").get_by_role("button", name="Clear").click()
    page.get_by_text("Upload one or more images").wait_for()
    # The reopened drawing: no toolbar bin that would go back to it; Clear empties the
    # canvas, Undo brings the drawing back, and the PNG is the drawing.
    page.get_by_role("tab", name="Draw").click()
    assert canvas_toolbar_hidden(page)
    png = Image.open(io.BytesIO(downloaded_bytes(page, "⬇ PNG")))
    assert png.size == (280, 280) and abs(int((np.asarray(png)[..., 0] > 128).sum()) - drawn) < 50
    page.get_by_role("button", name="🗑️ Clear").click()
    page.get_by_text("Draw one garment, large").wait_for()
    wait_for_pixels(page, lambda lit: lit == 0, "the canvas kept its drawing")
    wait_for_app(page)
    page.get_by_role("button", name="↶ Undo").click()
    wait_for_pixels(page, lambda lit: lit == drawn, "Undo did not bring the drawing back")
    visible_prediction(page).wait_for()
    wait_for_app(page)
    # A stroke more, then Undo: the drawing as before that stroke.
    until(lambda: draw_path(page, [(140, 120), (140, 200)]), visible_prediction(page))
    wait_for_pixels(page, lambda lit: lit > drawn, "the stroke did not show")
    page.wait_for_timeout(1000)  # the canvas sends a stroke 200 ms after it ends
    wait_for_app(page)
    page.get_by_role("button", name="↶ Undo").click()
    wait_for_pixels(page, lambda lit: lit == drawn, "Undo did not take the stroke away")
    wait_for_app(page)
    # Cleared, the canvas stays blank through another visit.
    page.get_by_role("button", name="🗑️ Clear").click()
    page.get_by_text("Draw one garment, large").wait_for()
    wait_for_app(page)
    via_home(page, "Classify")
    page.get_by_text("Draw one garment, large").wait_for()
    wait_for_app(page)
    assert lit_canvas_pixels(page) == 0


def wait_for_pixels(pg, wanted, problem: str, timeout: float = 30) -> None:
    """Wait until the canvas's count of lit pixels is `wanted(count)`."""
    deadline = time.time() + timeout
    while not wanted(lit_canvas_pixels(pg)):
        assert time.time() < deadline, problem
        pg.wait_for_timeout(200)


def chart_points(pg) -> int:
    """Number of per-batch points in the live training chart (0 before it appears); they
    come as a list or as a base64 typed array (Plotly's encoding of numpy arrays)."""
    return pg.evaluate(
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " if (!(p && p.data && p.data[0])) return 0;"
        " const x = p.data[0].x;"
        " if (x.length !== undefined) return x.length;"
        " return atob(x.bdata).length / {f4: 4, f8: 8}[x.dtype]; }"
    )


def batch_line(pg) -> tuple[list[float], list[float]]:
    """The live chart's per-batch loss line, x and y (a list, or a base64 typed array)."""
    return pg.evaluate(
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " const values = a => a.length !== undefined ? Array.from(a) : Array.from(new"
        " ({f4: Float32Array, f8: Float64Array}[a.dtype])("
        "Uint8Array.from(atob(a.bdata), c => c.charCodeAt(0)).buffer));"
        " return [values(p.data[0].x), values(p.data[0].y)]; }"
    )


def test_train_streams_charts_reattaches_by_link_and_stops(page, app_url, browser):
    page.goto(f"{app_url}/train")
    page.get_by_role("button", name="Start training").wait_for(timeout=90_000)
    wait_for_app(page)
    epochs = page.get_by_role("spinbutton", name="Epochs")
    epochs.fill("40")
    subset = page.get_by_role("slider", name="Training images")
    subset.focus()
    subset.press("Home")  # the smallest subset: 2,000 images, epochs of seconds
    page.get_by_role("button", name="Start training").click()
    page.wait_for_url("**/train?run=*")  # the run's link is the page's address
    link = page.url
    # The ETA waits for the pace after the first batches; then it gives one.
    page.get_by_text(re.compile(r" · ETA measuring… · [\d,]+ images/s$")).wait_for(timeout=90_000)
    page.get_by_text(re.compile(r" · ETA \d+:\d\d · ")).wait_for(timeout=30_000)
    summary = re.compile(r"^architecture tiny · epochs 40 · ")  # the run's settings
    assert not epochs.count() and not page.get_by_text(summary).is_visible()  # charts first
    page.get_by_text("This run's settings").click()
    page.get_by_text(summary).wait_for()
    seen = []
    deadline = time.time() + 60
    while len({n for n in seen if n}) < 3 and time.time() < deadline:  # 2 updates after the first
        seen.append(chart_points(page))
        page.wait_for_timeout(700)
    assert len({n for n in seen if n}) >= 3, seen
    # A reload, and another browser with the link, both show the same run going on.
    page.reload()
    page.get_by_text("images/s").wait_for(timeout=60_000)
    page.get_by_text("This run's settings").click()
    page.get_by_text(summary).wait_for()
    assert page.url == link
    elsewhere = browser.new_context().new_page()
    elsewhere.goto(link)
    elsewhere.get_by_text("images/s").wait_for(timeout=60_000)
    elsewhere.get_by_text("This run's settings").click()
    elsewhere.get_by_text(summary).wait_for()
    elsewhere.context.close()
    # At least one epoch finished. Epochs of 2,000 images can pass between two polls, so
    # read the number rather than wait for one exact text.
    page.wait_for_function(
        "() => { const m = document.body.innerText.match(/Epoch (\\d+)\\/40/);"
        " return m && Number(m[1]) >= 2; }",
        timeout=60_000,
    )
    screenshot(page, "train-live")
    # Stop comes before the charts (below them, on a phone, it was off the first screen).
    stop_at = page.get_by_role("button", name=STOP_LABEL, exact=True).bounding_box()["y"]
    assert stop_at < page.locator("[data-testid='stPlotlyChart']").first.bounding_box()["y"]
    # The Stop button is redrawn every second; a click that lands on a redraw is retried.
    stopped = page.get_by_text("Stopped; kept the weights of epoch")
    for _ in range(5):
        try:
            page.get_by_role("button", name=STOP_LABEL, exact=True).click(timeout=5_000)
            stopped.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    stopped.wait_for(timeout=30_000)
    page.get_by_text("Test accuracy").wait_for(timeout=60_000)
    wait_for_app(page)
    # Everything says the kept epoch: the progress, the per-batch line, Watch it learn.
    kept = int(re.search(r"epoch (\d+)", stopped.inner_text())[1])
    page.get_by_text(re.compile(rf"^{kept} epochs? of 40 in \d+:\d\d$")).wait_for()
    assert float(page.get_by_role("progressbar").first.get_attribute("aria-valuenow")) < 100
    assert max(batch_line(page)[0]) == kept  # no batch of the epoch Stop cut short
    page.get_by_text("🔬 Watch it learn").click()
    page.get_by_text(re.compile(rf"^After epoch {kept}: \d+ of 20 right")).wait_for()
    page.get_by_text(f"500 test images after epoch {kept}:", exact=False).wait_for()
    if kept > 1:
        ticks = page.locator(".st-key-train_watch_epoch [data-testid='stSliderTickBar']")
        assert ticks.inner_text().split() == ["1", str(kept)]  # its first and last epoch
    assert epochs.is_enabled() and epochs.input_value() == "40"  # ready for a rerun as it was
    screenshot(page, "train-stopped")


def finish_a_short_run(pg, epochs: str) -> None:
    """Start a run of `epochs` epochs on 2,000 images from the Train form; wait for its end."""
    pg.get_by_role("spinbutton", name="Epochs").fill(epochs)
    subset = pg.get_by_role("slider", name="Training images")
    subset.focus()
    subset.press("Home")  # 2,000 images
    wait_for_app(pg)
    before = pg.url
    pg.get_by_role("button", name="Start training").click()
    pg.wait_for_url(lambda url: "run=" in url and url != before)
    run_id = parse_qs(urlparse(pg.url).query)["run"][0]
    pg.get_by_text(f"/train?run={run_id}", exact=True).wait_for()  # no longer the last run's
    pg.get_by_text(f"Finished {epochs} epochs.", exact=True).wait_for(timeout=120_000)
    pg.get_by_text("Test accuracy", exact=True).wait_for()
    wait_for_app(pg)


def test_train_links_back_to_the_last_run_after_the_sidebar(page, app_url):
    """The sidebar's Train opens /train without ?run=: the results are a link away, and
    the settings the visitor left in the form are still there."""
    page.goto(f"{app_url}/train")
    page.get_by_role("button", name="Start training").wait_for(timeout=90_000)
    wait_for_app(page)
    finish_a_short_run(page, "2")
    run_id = parse_qs(urlparse(page.url).query)["run"][0]
    accuracy = page.get_by_test_id("stMetric").filter(has_text="Test accuracy")
    score = re.search(r"[\d.]+%", accuracy.inner_text())[0]
    page.get_by_role("spinbutton", name="Epochs").fill("3")  # a tweak for the next run
    page.get_by_role("spinbutton", name="Epochs").press("Enter")
    wait_for_app(page)
    via_home(page, "Train")
    back = page.get_by_role("button", name=f"Your last run: finished, {score} test accuracy")
    back.wait_for(timeout=60_000)
    wait_for_app(page)
    assert urlparse(page.url).query == ""  # the sidebar's link names no run
    assert not page.get_by_text("Test accuracy", exact=True).count()
    assert page.get_by_role("spinbutton", name="Epochs").input_value() == "3"
    back.click()
    page.wait_for_url(f"**/train?run={run_id}")
    page.get_by_text("Finished 2 epochs.", exact=True).wait_for(timeout=60_000)
    page.get_by_text("Test accuracy", exact=True).wait_for()
    assert score in accuracy.inner_text()


def test_watch_it_learn_and_compare_two_runs(page, app_url):
    page.goto(f"{app_url}/train")
    page.get_by_role("button", name="Start training").wait_for(timeout=90_000)
    wait_for_app(page)
    page.get_by_text("Finish two runs to compare them").wait_for()  # empty state
    finish_a_short_run(page, "2")
    # A confusion's link opens Explore on this run's model, in a new tab (a new session)
    # without "Use this model": the count it names is the count Explore shows.
    confusion = page.get_by_role("link", name=re.compile(r" → .+: \d+$")).first
    named = int(confusion.inner_text().rsplit(": ", 1)[1])
    run_id = parse_qs(urlparse(page.url).query)["run"][0]
    explore = page.context.new_page()
    explore.goto(urljoin(f"{app_url}/", confusion.get_attribute("href")))
    assert named > 0  # the run's commonest confusion
    explore.get_by_text(re.compile(rf"^{named} mistakes? match\.")).wait_for(timeout=120_000)
    wait_for_app(explore)
    chosen = explore.locator("[data-testid='stRadio']").first.locator("label:has(input:checked)")
    assert chosen.inner_text().startswith(f"Trained here (run {run_id[:6]}, ")
    assert f"run={run_id}" in explore.url
    # Its Inspect opens Classify on the same model, from the link alone (a new session).
    explore.get_by_role("button", name="Inspect").first.click()
    link = explore.get_by_role("dialog").get_by_role("link", name="Open it in Classify")
    href = link.get_attribute("href")
    assert f"run={run_id}" in href
    explore.goto(urljoin(f"{app_url}/", href))
    explore.get_by_text(re.compile(r"^Test image #\d+ of")).wait_for(timeout=120_000)
    wait_for_app(explore)
    chosen = explore.locator("[data-testid='stRadio']").first.locator("label:has(input:checked)")
    assert chosen.inner_text().startswith(f"Trained here (run {run_id[:6]}, ")
    explore.close()
    # Watch it learn, on the finished run: the strip, a matrix per epoch, the filters.
    page.get_by_text("🔬 Watch it learn").click()
    page.get_by_text(re.compile(r"After epoch 2: \d+ of 20 right")).wait_for()
    page.get_by_text("Confusion matrix after epoch").wait_for()
    page.get_by_text("500 test images after epoch 2").wait_for()
    page.get_by_text(re.compile(r"The first layer's \d+ filters after epoch 2")).wait_for()
    epoch = page.get_by_role("slider", name="Confusion matrix after epoch")
    epoch.focus()
    epoch.press("Home")
    page.get_by_text("500 test images after epoch 1").wait_for()
    wait_for_app(page)
    screenshot(page, "train-watch")
    # A second run with other settings: Compare overlays both and tables their settings.
    finish_a_short_run(page, "3")
    # The per-batch line runs on at each epoch's start (Keras' running means restart there).
    x, y = batch_line(page)
    steps = np.abs(np.diff(y))
    epoch_of = np.ceil(np.asarray(x) - 1e-6)  # the last batch of epoch 1 is at x = 1.0
    into_epoch = np.flatnonzero(np.diff(epoch_of))
    assert len(into_epoch) == 2, x
    assert steps[into_epoch].mean() < 2.5 * np.delete(steps, into_epoch).mean(), (steps, x)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(p => p.data && p.data.length === 2 && p.data.every(t => t.x.length >= 2))",
        timeout=30_000,
    )
    rows = page.get_by_role("table").last.locator("tbody tr")
    rows.nth(1).wait_for()
    assert rows.count() == 2
    epochs = [row.locator("td").nth(1).inner_text() for row in rows.all()]  # after the run
    assert sorted(epochs) == ["2", "3"], epochs
    compared = csv_rows(downloaded(page, "⬇ Runs compared (CSV)"))
    assert compared[0][:3] == ["run", "epochs", "epochs planned"]
    assert sorted(row[1] for row in compared[1:]) == ["2", "3"]
    assert all(0 < float(row[-1]) < 1 for row in compared[1:])  # test accuracy
    screenshot(page, "train-compare")
    # A reload starts a new session; the address keeps the comparison.
    assert "compare=" in page.url
    page.reload()
    rows.nth(1).wait_for(timeout=60_000)
    assert rows.count() == 2
    first, second = (row.locator("a").get_attribute("href") for row in rows.all())
    # Opened in a new tab, each run's link still compares it with the other.
    assert first.split("run=")[1].split("&")[0] == second.split("compare=")[1]
    assert second.split("run=")[1].split("&")[0] == first.split("compare=")[1]
    page.set_viewport_size(PHONE)  # the phone's screen, scrolled to the comparison
    page.get_by_role("heading", name="Compare runs").scroll_into_view_if_needed()
    wait_for_app(page)
    box = page.get_by_role("table").last.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], box  # no column cut off at the right
    screenshot(page, "train-compare-phone")


def test_home_page(page, app_url):
    page.goto(app_url)
    page.get_by_text("The bundled CNN", exact=True).wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_test_id("stImage").nth(9).wait_for(timeout=60_000)  # a strip per class
    screenshot(page, "home")


def project_files() -> tuple[str, dict[str, str]]:
    """What git sees as changed or new, and the bundled model's bytes, hashed."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    model = {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in MODEL_DIR.rglob("*")
        if p.is_file()
    }
    return status, model


def open_train_page(pg, url: str) -> None:
    """The Train page of a fresh server, opened by its link: no visit to the home first."""
    pg.goto(f"{url}/train")
    pg.get_by_role("button", name="Start training").wait_for(timeout=90_000)
    wait_for_app(pg)
    assert not pg.get_by_text("Page not found").count()


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return sorted(found)


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_server_killed_mid_training_leaves_no_file_behind(page):
    before = project_files()
    with running_app() as app:
        open_train_page(page, app.url)
        page.get_by_role("spinbutton", name="Epochs").fill("40")
        page.get_by_role("button", name="Start training").click()
        page.get_by_text("images/s").wait_for(timeout=90_000)
        engine_processes = descendants(app.pid)  # the cluster, its workers, the trainer
        assert len(engine_processes) >= 3
        os.kill(app.pid, signal.SIGKILL)  # no shutdown hooks, as in a crash or an OOM kill
    assert project_files() == before
    # The embedded cluster and the run's training process end with the server.
    deadline = time.time() + 30
    while any(alive(pid) for pid in engine_processes):
        assert time.time() < deadline, [pid for pid in engine_processes if alive(pid)]
        time.sleep(0.5)
    with running_app() as app:  # a fresh server starts clean: the page offers a new run
        open_train_page(page, app.url)


def test_cold_server_deep_link_opens_without_page_not_found(browser):
    """The first visitor of a fresh server arrives by a shared link (as a sleeping hosted
    demo wakes): the page, through the app's own navigation, and no "Page not found"."""
    with running_app() as app:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(f"{app.url}/classify?image=123")
        pg.get_by_text("Test image #123 of").wait_for(state="visible", timeout=120_000)
        visible_prediction(pg).wait_for()
        wait_for_app(pg)
        assert not pg.get_by_text("Page not found").count()
        nav = pg.get_by_test_id("stSidebarNav").inner_text()
        assert "Explore errors" in nav and "streamlit app" not in nav.lower()  # not legacy
        assert pg.url.endswith("/classify?image=123")
        context.close()
