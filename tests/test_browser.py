"""The app in headless Chromium: the canvas only draws in a real browser."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from fashion_cnn.config import MODEL_DIR
from tests.conftest import screenshot
from tests.live_app import ROOT, running_app

pytestmark = pytest.mark.browser

# A T-shirt outline in canvas pixels (280x280): sleeves, body, neckline.
TSHIRT = [
    (90, 50),
    (120, 40),
    (160, 40),
    (190, 50),
    (240, 90),
    (215, 125),
    (195, 105),
    (195, 240),
    (85, 240),
    (85, 105),
    (65, 125),
    (40, 90),
    (90, 50),
]


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


def test_draw_on_canvas_gets_prediction(page, app_url):
    page.goto(f"{app_url}/classify")
    page.wait_for_selector("canvas.upper-canvas", timeout=90_000)
    wait_for_app(page)
    prediction = visible_prediction(page)
    until(lambda: draw_path(page, TSHIRT), prediction)
    assert "confident" in prediction.inner_text()
    wait_for_app(page)
    screenshot(page, "classify-draw")


def test_upload_file_gets_prediction(page, app_url, real_data):
    # A trouser from the test set, shown the way a product photo is: dark on white, larger.
    index = int(np.flatnonzero(real_data.y_test == 1)[0])
    photo = Image.fromarray(255 - real_data.x_test[index]).resize((200, 200))
    buf = io.BytesIO()
    photo.save(buf, "PNG")
    page.goto(f"{app_url}/classify")
    page.get_by_role("tab", name="Upload").click()
    page.locator("input[type='file']").set_input_files(
        [
            {"name": "trouser.png", "mimeType": "image/png", "buffer": buf.getvalue()},
            {"name": "broken.png", "mimeType": "image/png", "buffer": b"not an image"},
        ]
    )
    page.get_by_text("this is not an image file").wait_for(timeout=60_000)
    details = visible_prediction(page)
    details.wait_for(timeout=60_000)
    assert "Trouser" in details.inner_text()
    wait_for_app(page)
    screenshot(page, "classify-upload")


def test_link_to_a_test_image_opens_its_tab(page, app_url):
    page.goto(f"{app_url}/classify?image=123")
    page.get_by_text("Test image #123 of").wait_for(state="visible", timeout=120_000)
    visible_prediction(page).wait_for(timeout=60_000)  # on the tab the link opened
    wait_for_app(page)
    page.get_by_role("button", name="Pick a random test image").click()
    page.wait_for_url(lambda url: "image=123" not in url)  # the address links to the new one


def test_click_on_matrix_cell_filters_gallery(page, app_url):
    page.goto(f"{app_url}/explore")
    page.get_by_text("mistakes match").wait_for(timeout=120_000)
    wait_for_app(page)
    # Points are in row-major order: true Shirt (6) -> predicted T-shirt/top (0).
    # Plotly's points ignore pointer events (its drag layer takes them): click at the spot.
    cell = page.locator(".js-plotly-plot .scatterlayer path.point").nth(6 * 10 + 0)

    def click_cell():
        box = cell.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    until(click_cell, page.get_by_text("a Shirt seen as T-shirt/top"))
    wait_for_app(page)
    captions = page.get_by_test_id("stCaptionContainer").filter(has_text="→").all_inner_texts()
    assert captions and all(c.startswith("Shirt → T-shirt/top") for c in captions)
    screenshot(page, "explore")


def chart_points(pg) -> int:
    """Number of per-batch points in the live training chart (0 before it appears)."""
    return pg.evaluate(
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " return p && p.data && p.data[0] ? p.data[0].x.length : 0; }"
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
    page.get_by_text("images/s").wait_for(timeout=90_000)
    assert epochs.is_disabled() and epochs.input_value() == "40"  # the run's settings on show
    seen = []
    deadline = time.time() + 60
    while len({n for n in seen if n}) < 3 and time.time() < deadline:  # 2 updates after the first
        seen.append(chart_points(page))
        page.wait_for_timeout(700)
    assert len({n for n in seen if n}) >= 3, seen
    # A reload, and another browser with the link, both show the same run going on.
    page.reload()
    page.get_by_text("images/s").wait_for(timeout=60_000)
    assert page.url == link and epochs.is_disabled() and epochs.input_value() == "40"
    elsewhere = browser.new_context().new_page()
    elsewhere.goto(link)
    elsewhere.get_by_text("images/s").wait_for(timeout=60_000)
    assert elsewhere.get_by_role("spinbutton", name="Epochs").input_value() == "40"
    elsewhere.context.close()
    # At least one epoch finished. Epochs of 2,000 images can pass between two polls, so
    # read the number rather than wait for one exact text.
    page.wait_for_function(
        "() => { const m = document.body.innerText.match(/Epoch (\\d+)\\/40/);"
        " return m && Number(m[1]) >= 2; }",
        timeout=60_000,
    )
    screenshot(page, "train-live")
    # The Stop button is redrawn every second; a click that lands on a redraw is retried.
    stopped = page.get_by_text("Stopped; kept the weights of epoch")
    for _ in range(5):
        try:
            page.get_by_role("button", name="⏹ Stop", exact=True).click(timeout=5_000)
            stopped.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    stopped.wait_for(timeout=30_000)
    page.get_by_text("Test accuracy").wait_for(timeout=60_000)
    wait_for_app(page)
    assert epochs.is_enabled() and epochs.input_value() == "40"  # ready for a rerun as it was
    screenshot(page, "train-stopped")


def test_home_page(page, app_url):
    page.goto(app_url)
    page.get_by_text("The bundled CNN").wait_for(timeout=60_000)
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
    model = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in MODEL_DIR.iterdir()}
    return status, model


def open_train_page(pg, url: str) -> None:
    """The Train page of a fresh server, via the home page (a cold deep link shows
    "Page not found", see the warm_app fixture)."""
    pg.goto(url)
    pg.get_by_text("Fashion-MNIST CNN Studio").first.wait_for(timeout=90_000)
    pg.goto(f"{url}/train")
    pg.get_by_role("button", name="Start training").wait_for(timeout=90_000)
    wait_for_app(pg)


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
