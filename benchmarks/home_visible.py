"""Seconds from a server that just came up to the home page's title in Chromium.

    python -m benchmarks.home_visible [--repeats 3]

Each repeat starts a fresh server, waits for its health check, then opens the home page in
headless Debian Chromium (a new browser context, so no cache) and times until the title
and the dataset grid are visible.
"""

from __future__ import annotations

import argparse
import time

from playwright.sync_api import sync_playwright

from tests.live_app import CHROMIUM, CHROMIUM_ARGS, running_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.repeats):
            with running_app() as app:
                page = browser.new_context().new_page()
                start = time.perf_counter()
                page.goto(app.url)
                page.get_by_text("Fashion-MNIST CNN Studio").first.wait_for(timeout=30_000)
                title = time.perf_counter() - start
                page.get_by_text("9 · Ankle boot").wait_for(timeout=30_000)
                grid = time.perf_counter() - start
                print(f"title visible {title:.2f} s, dataset grid visible {grid:.2f} s")
        browser.close()


if __name__ == "__main__":
    main()
