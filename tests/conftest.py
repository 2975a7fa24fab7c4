"""Shared fixtures: tiny IDX datasets, the real dataset when present, a live app + browser."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from fashion_cnn.common import config
from fashion_cnn.common.data import IMAGES_MAGIC, LABELS_MAGIC, DatasetError, load_fashion_mnist
from tests.live_app import CHROMIUM, CHROMIUM_ARGS, ROOT, ServerStartError, running_app

ARTIFACTS = ROOT / "test-artifacts"


def write_idx(path: Path, array: np.ndarray, magic: int) -> None:
    """Write a gzipped IDX file the way the original dataset is stored."""
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + np.asarray(array, np.uint8).tobytes())


def write_fake_dataset(folder: Path, train: int, test: int, seed: int = 0) -> Path:
    """Four valid IDX files of random images with the given counts."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", train), ("t10k", test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = np.arange(n, dtype=np.uint8) % 10
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images, IMAGES_MAGIC)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels, LABELS_MAGIC)
    return folder


@pytest.fixture(scope="session")
def real_data():
    """The real dataset, or a skip where it is not installed."""
    try:
        return load_fashion_mnist()
    except DatasetError as exc:
        pytest.skip(f"real Fashion-MNIST not available: {exc}")


@pytest.fixture
def small_counts(monkeypatch):
    """Let the loader accept tiny fake datasets."""
    monkeypatch.setattr(config, "TRAIN_COUNT", 60)
    monkeypatch.setattr(config, "TEST_COUNT", 20)


@pytest.fixture(scope="session")
def app_url():
    """A real Streamlit server on loopback for the browser tests."""
    try:
        with running_app(env={"FASHION_CNN_WORKERS": "1"}) as app:
            yield app.url
    except ServerStartError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 2200})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


PHONE = {"width": 390, "height": 844}  # a common phone's CSS viewport


@pytest.fixture
def phone(browser, app_url):
    """A page the size of a phone's screen: Streamlit stacks columns under 640 px."""
    context = browser.new_context(viewport=PHONE)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.fixture
def touch_phone(browser, app_url):
    """A phone that taps: touch events, no mouse hovering first, as a phone's browser sends."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def screenshot(pg, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/ (the README's come from here)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # A rerun swaps image sources; the browser shows the old picture until the new loads.
    pg.wait_for_function(
        "Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)",
        timeout=10_000,
    )
    # A phone's picture is its screen: what a visitor sees without scrolling.
    pg.screenshot(path=str(path), full_page=pg.viewport_size != PHONE)
    return path
