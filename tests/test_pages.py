"""Every page through Streamlit's AppTest (the canvas and clicks are in test_browser.py)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from fashion_cnn import config

TIMEOUT = 180


def page(name: str) -> AppTest:
    """A page run through the entrypoint's navigation, as in the app (page links need it)."""
    at = AppTest.from_file("../streamlit_app.py", default_timeout=TIMEOUT)
    return at.switch_page(f"pages/{name}.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_resource.clear()
    st.cache_data.clear()


def test_home_shows_dataset_and_model_card(real_data):
    at = AppTest.from_file("../streamlit_app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value.endswith("Fashion-MNIST CNN Studio")
    assert len(at.get("imgs")) >= 10 or len(at.markdown) >= 10
    accuracy = next(m for m in at.metric if m.label == "Test accuracy")
    assert accuracy.value.endswith("%")


def test_home_without_dataset_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATASET_ENV_VAR, str(tmp_path))
    monkeypatch.setattr(config, "DEBIAN_DATASET_DIR", tmp_path / "a")
    monkeypatch.setattr(config, "KERAS_CACHE_DIR", tmp_path / "b")
    monkeypatch.setattr("fashion_cnn.data._download_with_keras", lambda: False)
    at = AppTest.from_file("../streamlit_app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "apt-get install dataset-fashion-mnist" in at.error[0].value


def test_classify_test_image_tab(real_data):
    at = page("classify").run()
    assert not at.exception
    prediction = next(m for m in at.metric if m.label == "Prediction")
    assert prediction.value in config.CLASS_NAMES
    assert any("True label" in m.value for m in at.markdown)
    first = at.caption[-1].value
    at.button(key="test_pick").click().run()
    assert not at.exception and at.caption[-1].value.startswith("Test image #")
    assert first.startswith("Test image #0 ")


@pytest.mark.parametrize(
    ("link", "shown"),
    [("123", 123), ("99999", 0), ("-1", 0), ("shirt", 0), ("²", 0), ("9" * 5000, 0)],
)
def test_classify_link_opens_its_test_image(real_data, link, shown):
    at = page("classify")
    at.query_params["image"] = link
    at.run()
    assert not at.exception
    assert at.caption[-1].value.startswith(f"Test image #{shown} ")
    assert [w.value.startswith("The link names test image") for w in at.warning] == (
        [] if str(shown) == link else [True]
    )


def test_classify_without_model_explains(monkeypatch, tmp_path, real_data):
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path)
    at = page("classify").run()
    assert not at.exception
    assert "No model to use" in at.error[0].value and "Train page" in at.error[0].value


def test_explore_filters_the_gallery(real_data):
    at = page("explore").run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Test accuracy").value.endswith("%")
    at.selectbox(key="explore_true").set_value("Shirt").run()
    at.selectbox(key="explore_pred").set_value("T-shirt/top").run()
    gallery = [c.value for c in at.caption if "→" in c.value]
    assert gallery and all(c.startswith("Shirt → **T-shirt/top**") for c in gallery)
    at.radio(key="explore_sort").set_value("Least confident").run()
    assert not at.exception


def test_explore_empty_filter_has_next_step(real_data):
    at = page("explore").run()
    at.slider(key="explore_conf").set_value((0.99, 1.0)).run()
    at.selectbox(key="explore_true").set_value("Trouser").run()
    at.selectbox(key="explore_pred").set_value("Bag").run()
    assert not at.exception
    assert any("No mistakes match" in i.value for i in at.info)


def test_explore_diagonal_cell_says_it_holds_the_right_answers(real_data):
    at = page("explore").run()
    at.selectbox(key="explore_true").set_value("Ankle boot").run()
    at.selectbox(key="explore_pred").set_value("Ankle boot").run()
    assert not at.exception
    (info,) = [i.value for i in at.info if "Ankle boot" in i.value]  # the gallery's note
    assert "holds the right answers" in info and "of the Ankle boot class" in info
    assert "Widen" not in info


def test_train_page_starts_and_stops_a_run(real_data):
    at = page("train").run()
    assert not at.exception
    assert any("Start training" in i.value for i in at.info)
    at.number_input(key="train_epochs").set_value(50)
    at.button[0].click().run()  # the form's submit button
    run = at.session_state["training_run"]
    try:
        assert not at.exception
        notes = [i.value for i in at.info]
        assert any(n.startswith(("Your run is training", "Your run is queued")) for n in notes)
        assert at.number_input(key="train_epochs").disabled  # shown, not editable
    finally:
        run.stop()
        run.join(120)
    assert run.done
    at.run()
    # Once the run ends the form is editable again and still holds the run's settings.
    epochs = at.number_input(key="train_epochs")
    assert not epochs.disabled
    assert epochs.value == 50


def test_train_page_says_a_waiting_run_is_queued(real_data):
    """While every slot is taken, the page says the run waits, not that it is in progress."""
    import threading

    from fashion_cnn.worker import SLOTS

    held = [SLOTS.acquire(threading.Event()) for _ in range(SLOTS.limit)]
    try:
        at = page("train").run()
        at.button[0].click().run()  # the form's submit button
        run = at.session_state["training_run"]
        try:
            assert not at.exception
            notes = [i.value for i in at.info]
            assert any(n.startswith("Your run is queued") for n in notes), notes
            assert not any("training" in n or "progress" in n for n in notes), notes
            busy = " ".join(w.value for w in at.warning)
            assert f"at most {SLOTS.limit} run" in busy and "(s)" not in busy
        finally:
            run.stop()
            run.join(60)
    finally:
        for _ in held:
            SLOTS.release()


def test_home_page_imports_no_tensorflow():
    """The home page must appear fast: its imports stay clear of TensorFlow and Keras."""
    import subprocess
    import sys

    code = (
        "import ast, pathlib, sys\n"
        "tree = ast.parse(pathlib.Path('pages/home.py').read_text())\n"
        "for node in ast.walk(tree):\n"
        "    if isinstance(node, ast.ImportFrom): __import__(node.module)\n"
        "    if isinstance(node, ast.Import): [__import__(a.name) for a in node.names]\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_new_bundled_model_file_frees_the_old_model(tmp_path, monkeypatch):
    """A server that outlives a retrain holds one bundled model, not each one it loaded."""
    import gc
    import os
    import weakref

    from fashion_cnn.export import export_onnx, onnx_path
    from fashion_cnn.model import build_model
    from pages.views import shared

    monkeypatch.setattr(config, "MODEL_DIR", tmp_path)
    path = tmp_path / "fashion_cnn.keras"

    def retrain(seed: int) -> None:
        import keras

        keras.utils.set_random_seed(seed)
        model = build_model("tiny")
        model.save(path)
        export_onnx(model, onnx_path(path))

    try:
        retrain(1)
        os.utime(onnx_path(path), (1_000_000, 1_000_000))
        first, problem = shared.bundled_or_none()
        assert problem is None
        old = weakref.ref(first)
        old_key = first.key
        del first
        retrain(2)  # a retrain replaces the files
        second, problem = shared.bundled_or_none()
        assert problem is None and second.key != old_key
        gc.collect()
        assert old() is None
    finally:
        shared._bundled.clear()


def test_classify_picks_a_test_image_by_number_or_class(real_data):
    at = page("classify").run()
    at.number_input(key="test_index").set_value(4321).run()
    assert not at.exception and at.caption[-1].value.startswith("Test image #4321 ")
    assert at.query_params["image"] == ["4321"] or at.query_params["image"] == "4321"
    at.selectbox(key="test_class").set_value("Sandal").run()
    for _ in range(3):
        at.button(key="test_pick").click().run()
        index = at.number_input(key="test_index").value
        assert real_data.y_test[index] == config.CLASS_NAMES.index("Sandal")
        assert at.caption[-1].value.startswith(f"Test image #{index} ")


@pytest.mark.parametrize(
    ("true", "pred", "applied"),
    [("Shirt", "T-shirt/top", True), ("Shirt", "Socks", False)],
)
def test_explore_link_opens_a_matrix_cell(real_data, true, pred, applied):
    at = page("explore")
    at.query_params["true"], at.query_params["pred"] = true, pred
    at.run()
    assert not at.exception
    chosen = at.selectbox(key="explore_true").value, at.selectbox(key="explore_pred").value
    assert (chosen == (true, pred)) == applied
    assert bool([w for w in at.warning if "The link names classes" in w.value]) != applied
