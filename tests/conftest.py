"""Shared fixtures: tiny IDX datasets, the real dataset when present, a live app + browser."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from fashion_cnn import config
from fashion_cnn.data import IMAGES_MAGIC, LABELS_MAGIC, DatasetError, load_fashion_mnist
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
        return load_fashion_mnist(allow_download=False)
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


@pytest.fixture(scope="session")
def warm_app(browser, app_url):
    """Open the home page once. Until some session has run the entrypoint's st.navigation,
    Streamlit treats pages/ as a legacy pages folder and a deep link shows "Page not found"."""
    pg = browser.new_page()
    pg.goto(app_url)
    pg.get_by_text("Fashion-MNIST CNN Studio").first.wait_for(timeout=90_000)
    pg.close()
    return app_url


@pytest.fixture
def page(browser, warm_app):
    context = browser.new_context(viewport={"width": 1400, "height": 2200})
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
    pg.screenshot(path=str(path), full_page=True)
    return path
