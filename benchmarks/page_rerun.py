"""Server-side rerun time of the Classify and Explore pages after an interaction.

    python -m benchmarks.page_rerun [--repeats 15]

Uses Streamlit's AppTest, which runs the page script in this process as the server would
(no network, no browser). The canvas component sends no pixels under AppTest (and cannot
be imported outside a running app), so a stand-in module returns the T-shirt outline the
browser test draws: each rerun then does what a stroke causes on the server.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from types import ModuleType, SimpleNamespace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from streamlit.testing.v1 import AppTest

from benchmarks.classify_latency import tshirt_drawing
from fashion_cnn.common import config


def page(name: str) -> AppTest:
    """A page run through the entrypoint, as the server runs it."""
    app = AppTest.from_file(str(config.PROJECT_ROOT / "streamlit_app.py"), default_timeout=300)
    return app.switch_page(f"pages/{name}.py")


def timed(action, repeats: int) -> str:
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - start) * 1000)
    return f"p50 {np.percentile(samples, 50):6.1f} ms   p95 {np.percentile(samples, 95):6.1f} ms"


def canvas_returning(drawing: np.ndarray) -> ModuleType:
    """A stand-in for streamlit_drawable_canvas whose canvas always holds `drawing`."""
    module = ModuleType("streamlit_drawable_canvas")
    module.st_canvas = lambda **kwargs: SimpleNamespace(image_data=drawing, json_data=None)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    sys.modules["streamlit_drawable_canvas"] = canvas_returning(tshirt_drawing())
    classify = page("classify").run()
    assert classify.metric[0].label == "Prediction", "the stand-in drawing was not classified"
    print("Classify, a canvas stroke  ", timed(lambda i: classify.run(), args.repeats))
    print(
        "Classify, new test image   ",
        timed(lambda i: classify.button(key="test_pick").click().run(), args.repeats),
    )
    classify.toggle(key="test_inside").set_value(True).run()
    print(
        "Classify, Inside the CNN   ",
        timed(lambda i: classify.button(key="test_pick").click().run(), args.repeats),
    )

    explore = page("explore").run()
    names = list(config.CLASS_NAMES)
    print(
        "Explore, true-class filter ",
        timed(
            lambda i: explore.selectbox(key="explore_true").set_value(names[i % 10]).run(),
            args.repeats,
        ),
    )
    explore.selectbox(key="explore_true").set_value("All classes").run()
    print(
        "Explore, next gallery page ",
        timed(
            lambda i: explore.number_input(key="explore_page").set_value(2 + i % 20).run(),
            args.repeats,
        ),
    )


if __name__ == "__main__":
    main()
