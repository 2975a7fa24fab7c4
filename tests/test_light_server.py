"""The web server runs models without TensorFlow, Keras or JAX (nor scikit-learn, which
only makes the shipped t-SNE map at training time): each page and the command
line are run in a fresh process, which then lists the heavy frameworks it imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.live_app import ROOT

HEAVY = ("tensorflow", "keras", "jax", "tf2onnx", "sklearn")
# Runs one page with AppTest, then prints its exceptions and the heavy modules loaded.
PAGE_RUNNER = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("streamlit_app.py", default_timeout=180)
if sys.argv[1] != "home":
    at.switch_page(f"pages/{sys.argv[1]}.py")
at.run()
if sys.argv[1] == "explore":  # also the inspector of another mistake
    at.button[1].click().run()
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[2:]))
print(json.dumps({"exceptions": [e.value for e in at.exception], "heavy": loaded}))
"""


def run_isolated(code: str, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("page", ["home", "classify", "explore", "train"])
def test_page_imports_no_tensorflow(page, real_data):
    report = run_isolated(PAGE_RUNNER, page, *HEAVY)
    assert report["exceptions"] == []
    assert report["heavy"] == [], f"{page} imported {report['heavy']}"


CLI_RUNNER = """
import contextlib, io, json, sys
from fashion_cnn.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1].split("|"))
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[2:]))
print(json.dumps({"code": code, "output": out.getvalue(), "heavy": loaded}))
"""


def test_cli_evaluates_and_predicts_without_tensorflow(real_data, tmp_path):
    from PIL import Image

    Image.fromarray(255 - real_data.x_test[0]).resize((140, 140)).save(tmp_path / "item.png")
    evaluated = run_isolated(CLI_RUNNER, "evaluate|--json", *HEAVY)
    assert evaluated["code"] == 0 and evaluated["heavy"] == []
    assert json.loads(evaluated["output"])["accuracy"] >= 0.94
    predicted = run_isolated(CLI_RUNNER, f"predict|--json|{tmp_path / 'item.png'}", *HEAVY)
    assert predicted["code"] == 0 and predicted["heavy"] == []
    assert json.loads(predicted["output"])["class_index"] == int(real_data.y_test[0])


# Trains a tiny run from the Train page, uses it, and classifies with it on Classify.
TRAIN_RUNNER = """
import json, sys, time
from streamlit.testing.v1 import AppTest
from fashion_cnn.jobs import runs
at = AppTest.from_file("streamlit_app.py", default_timeout=180)
at.switch_page("pages/train.py").run()
at.number_input(key="train_epochs").set_value(1)
at.select_slider(key="train_train_subset").set_value(2000)
at.button[0].click().run()
run_id = at.query_params["run"]
while not runs.engine().view(run_id).done:
    time.sleep(0.5)
at.run()
at.button(key="train_use").click().run()
in_use = [c.value for c in at.caption if c.value.startswith("✓ In use")]
at.switch_page("pages/classify.py").run()
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))
print(json.dumps({
    "exceptions": [e.value for e in at.exception],
    "models": at.radio(key="model_choice").options if at.radio else [],
    "chosen": at.radio(key="model_choice").value if at.radio else None,
    "heavy": loaded,
    "in_use": in_use,
}))
"""


def test_training_and_using_a_run_imports_no_tensorflow(real_data):
    """The web server's side of a run (start, watch, result, use) talks only to the engine."""
    report = run_isolated(TRAIN_RUNNER, *HEAVY)
    assert report["exceptions"] == []
    assert any(name.startswith("Trained here") for name in report["models"]), report
    assert report["chosen"].startswith("Trained here")  # "Use this model" switched to it
    assert report["in_use"] == ["✓ In use on Explore errors and Classify"]  # and says so
    assert report["heavy"] == [], report["heavy"]
