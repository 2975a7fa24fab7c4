"""Every page through Streamlit's AppTest (the canvas and clicks are in test_browser.py)."""

from __future__ import annotations

import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from fashion_cnn.common import config, settings
from fashion_cnn.ui.wording import views_note

TIMEOUT = 180


def page(name: str) -> AppTest:
    """A page run through the entrypoint's navigation, as in the app (page links need it)."""
    at = AppTest.from_file("../streamlit_app.py", default_timeout=TIMEOUT)
    return at.switch_page(f"pages/{name}.py")


def start_button(at: AppTest):
    """The form's Start button, wherever the page puts the form."""
    return next(b for b in at.button if b.label == "▶ Start training")


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_resource.clear()
    st.cache_data.clear()


def test_home_shows_dataset_and_model_card(real_data):
    at = AppTest.from_file("../streamlit_app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value.endswith("Fashion-MNIST CNN Studio")
    assert len(at.get("image")) == 10  # a strip of each class
    accuracy = next(m for m in at.metric if m.label == "Test accuracy")
    assert accuracy.value.endswith("%")
    assert any(c.value.startswith("Every drawing and upload is read") for c in at.caption)
    assert any(m.value.startswith("Your drawings and uploads are read") for m in at.markdown)


def test_home_names_no_cnn_for_drawings_when_the_app_goes_without_it(
    monkeypatch, tmp_path, real_data
):
    import shutil

    from fashion_cnn.common.contract import bundled_model_path, onnx_path

    for part in config.MODEL_DIR.glob(bundled_model_path().stem + ".*"):
        shutil.copy(part, tmp_path)
    shutil.copytree(config.MODEL_DIR / config.DRAWINGS_DIR, tmp_path / config.DRAWINGS_DIR)
    twin = onnx_path(bundled_model_path(tmp_path / config.DRAWINGS_DIR))
    twin.write_bytes(twin.read_bytes()[:5000])  # torn: its card alone is still there
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path)
    at = AppTest.from_file("../streamlit_app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Test accuracy").value.endswith("%")
    assert not any(c.value.startswith("Every drawing and upload is read") for c in at.caption)
    assert not any("drawings and uploads are read" in m.value for m in at.markdown)


def test_home_without_dataset_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATASET_ENV_VAR, str(tmp_path))
    monkeypatch.setattr(config, "DEBIAN_DATASET_DIR", tmp_path / "a")
    monkeypatch.setattr(config, "KERAS_CACHE_DIR", tmp_path / "b")
    at = AppTest.from_file("../streamlit_app.py", default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "apt-get install dataset-fashion-mnist" in at.error[0].value


def test_classify_test_image_tab(real_data):
    at = page("classify").run()
    assert not at.exception
    prediction = next(m for m in at.metric if m.label == "Prediction")
    assert prediction.value in config.CLASS_NAMES
    assert any("True label" in m.value for m in at.markdown)
    # The Draw tab before a stroke: the shapes the CNN knows, unfolded, not in an expander.
    assert any(m.value == "**Shapes the CNN knows**" for m in at.markdown)
    assert not any(e.label == "Shapes the CNN knows" for e in at.expander)
    # A test image is read once; only drawings and uploads are read in their views.
    assert not any(c.value in (views_note(True), views_note(False)) for c in at.caption)
    first = at.caption[-1].value
    assert "image" not in at.query_params  # a plain visit's address names no test image
    at.button(key="test_pick").click().run()
    assert not at.exception and at.caption[-1].value.startswith("Test image #")
    assert first.startswith("Test image #0 ")
    linked = at.query_params["image"]  # AppTest gives a list or a string
    linked = linked[0] if isinstance(linked, list) else linked
    assert at.caption[-1].value.startswith(f"Test image #{linked} ")


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        ("123", 123),
        ("99999", 9999),
        ("-1", 0),
        ("shirt", 0),
        ("²", 0),
        ("9" * 4000, 9999),  # a number Python reads: the warning quotes only its start
        ("9" * 5000, 0),  # one it does not
    ],
)
def test_classify_link_opens_its_test_image(real_data, link, shown):
    at = page("classify")
    at.query_params["image"] = link
    at.run()
    assert not at.exception
    assert at.caption[-1].value.startswith(f"Test image #{shown} ")
    said = [w.value for w in at.warning if w.value.startswith("The link names test image")]
    assert len(said) == (0 if str(shown) == link else 1)  # beside any verdict's hint
    assert all(len(line) < 120 and line.endswith(f"showing image {shown:,}.") for line in said)
    linked = at.query_params["image"]
    assert (linked[0] if isinstance(linked, list) else linked) == str(shown)  # the address too


def test_a_test_image_the_cnn_doubts_is_not_asked_whether_it_is_a_garment(real_data):
    """Test image 9999 (a Sandal) lies far from most product photos: the verdict's upload
    wording ("a drawing, an icon?", "perhaps not a garment") gives way to the CNN's doubt."""
    at = page("classify")
    at.query_params["image"] = "9999"
    at.run()
    assert not at.exception
    said = [w.value for w in at.warning] + [e.value for e in at.error]
    assert "The CNN is unsure of this test image: take Sandal" in " ".join(said), said
    assert not any("icon" in line or "Perhaps not" in line for line in said)


def test_classify_without_model_explains(monkeypatch, tmp_path, real_data):
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path)
    at = page("classify").run()
    assert not at.exception
    assert "No model to use" in at.error[0].value and "Train page" in at.error[0].value


def test_explore_with_only_a_model_trained_here(monkeypatch, tmp_path, real_data):
    """No bundled model, but this session's trained one: Explore shows it, with its PCA map."""
    from fashion_cnn.common.contract import bundled_model_path, onnx_path
    from fashion_cnn.serving.predictor import Predictor
    from pages.views.shared import TRAINED_KEY

    twin = onnx_path(bundled_model_path()).read_bytes()
    monkeypatch.setattr(config, "MODEL_DIR", tmp_path)
    at = page("explore")
    at.session_state[TRAINED_KEY] = Predictor(twin, "Trained here (run abcdef, 94.6%)")
    at.run()
    assert not at.exception and not at.error
    assert next(m for m in at.metric if m.label == "Test accuracy").value.endswith("%")
    assert not [r for r in at.radio if r.key == "explore_map_layout"]  # no t-SNE to offer


def test_explore_filters_the_gallery(real_data):
    at = page("explore").run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Test accuracy").value.endswith("%")
    at.selectbox(key="explore_true").set_value("Shirt").run()
    at.selectbox(key="explore_pred").set_value("T-shirt/top").run()
    gallery = [c.value for c in at.caption if "→" in c.value]
    assert gallery and all(c.startswith("Shirt → **T\u2011shirt/\u2060top**") for c in gallery)
    at.radio(key="explore_sort").set_value("Least confident").run()
    assert not at.exception
    # Inspect opens that mistake over the gallery.
    assert not [h for h in at.subheader if h.value.startswith("Test image #")]
    inspect = next(b for b in at.button if b.key and b.key.startswith("inspect_"))
    inspect.click().run()
    number = inspect.key.removeprefix("inspect_")
    (title,) = [h.value for h in at.subheader if h.value.startswith("Test image #")]
    assert title == f"Test image #{number}: a Shirt seen as a T-shirt/top"


def test_explore_map_offers_the_shipped_tsne_layout_and_pca(real_data):
    at = page("explore").run()
    layout = at.radio(key="explore_map_layout")
    assert layout.value == "t-SNE" and layout.options == ["t-SNE", "PCA"]
    assert any("the layout is t-SNE, made when" in c.value for c in at.caption)
    layout.set_value("PCA").run()
    assert not at.exception
    assert any("the layout is PCA" in c.value for c in at.caption)


def test_explore_empty_filter_has_next_step(real_data):
    at = page("explore").run()
    at.slider(key="explore_conf").set_value((0.99, 1.0)).run()
    at.selectbox(key="explore_true").set_value("Trouser").run()
    at.selectbox(key="explore_pred").set_value("Bag").run()
    assert not at.exception
    assert any("No mistakes match" in i.value for i in at.info)
    # A cell that holds no mistakes at all says so, rather than to widen a full range.
    at.slider(key="explore_conf").set_value((0.0, 1.0)).run()
    at.selectbox(key="explore_pred").set_value("Sandal").run()
    assert any("never took a Trouser for a Sandal" in i.value for i in at.info)


def test_explore_diagonal_cell_says_it_holds_the_right_answers(real_data):
    at = page("explore").run()
    at.selectbox(key="explore_true").set_value("Ankle boot").run()
    at.selectbox(key="explore_pred").set_value("Ankle boot").run()
    assert not at.exception
    (info,) = [i.value for i in at.info if "Ankle boot" in i.value]  # the gallery's note
    assert "holds the right answers" in info and "of the Ankle boot class" in info
    assert "Widen" not in info


def test_train_page_starts_links_and_stops_a_run(real_data):
    from fashion_cnn.jobs import runs

    at = page("train").run()
    assert not at.exception
    assert any("Start training" in i.value for i in at.info)
    # The form is TrainConfig's fields, in order, and nothing else.
    keys = [w.key for w in [*at.selectbox, *at.number_input, *at.select_slider, *at.slider]]
    keys += [w.key for w in at.toggle]
    assert sorted(keys) == sorted(f"train_{f.name}" for f in settings.form_fields())
    at.number_input(key="train_epochs").set_value(50)
    start_button(at).click().run()  # the form's submit button
    run_id = at.query_params["run"]  # the run's link is the page's address
    try:
        assert not at.exception
        notes = [i.value for i in at.info]
        assert any(
            n.startswith(("Your run is training", "Your run is queued", "Your run is starting"))
            for n in notes
        ), notes
        # While it runs, its settings are a summary, not a form that could be changed.
        assert not [w for w in at.number_input if w.key == "train_epochs"]
        assert any(m.value.startswith("architecture tiny · epochs 50 · ") for m in at.markdown)
        assert any(f"/train?run={run_id}" in m.value for m in at.markdown)
    finally:
        runs.engine().stop(run_id)
    deadline = time.time() + 120
    while not runs.engine().view(run_id).done:
        assert time.time() < deadline
        time.sleep(0.5)
    at.run()
    # Once the run ends the form is editable again and still holds the run's settings.
    epochs = at.number_input(key="train_epochs")
    assert not epochs.disabled
    assert epochs.value == 50


def test_train_settings_link_fills_the_form_and_bad_values_warn(real_data):
    at = page("train")
    at.query_params.update({"epochs": "7", "learning_rate": "0.01", "augment": "true"})
    at.query_params["batch_size"] = "999"
    at.run()
    assert not at.exception
    assert at.number_input(key="train_epochs").value == 7
    assert at.select_slider(key="train_learning_rate").value == 0.01
    assert at.toggle(key="train_augment").value is True  # the form's default is off
    # The learning rate is folded under More settings: they open, so the link's value shows.
    (more,) = [e for e in at.expander if e.label.startswith("More settings:")]
    assert more.proto.expanded
    (folded,) = [e for e in page("train").run().expander if e.label.startswith("More settings")]
    assert not folded.proto.expanded  # a first visit's settings: folded
    (warning,) = [w.value for w in at.warning]
    assert warning == (
        "The link's batch size (batch_size=999) is not a value the form allows; "
        "its default stands in."
    )
    link = next(c.value for c in at.caption if "These settings as a link" in c.value)
    assert "epochs=7" in link and "learning_rate=0.01" in link and "augment=true" in link
    assert any("Finish two runs to compare" in i.value for i in at.info)  # empty state


def test_the_settings_link_carries_the_visitors_runs_to_compare(real_data):
    """The link opens a new session: without them, Compare runs lost the earlier runs."""
    at = page("train")
    at.query_params["compare"] = "0a38d4d96467,362e26a54ad1"
    at.run()
    assert not at.exception
    link = next(c.value for c in at.caption if "These settings as a link" in c.value)
    assert "compare=0a38d4d96467%2C362e26a54ad1" in link and "with your runs to compare" in link
    plain = page("train").run()  # a visitor with no runs: a link of settings alone
    link = next(c.value for c in plain.caption if "These settings as a link" in c.value)
    assert "compare" not in link


def test_train_settings_link_follows_each_change_and_impossible_ones_cannot_start(real_data):
    at = page("train").run()
    at.number_input(key="train_epochs").set_value(9).run()  # no Start: a plain change
    link = next(c.value for c in at.caption if "These settings as a link" in c.value)
    assert "epochs=9" in link
    at.slider(key="train_validation_split").set_value(0.0)
    at.number_input(key="train_early_stopping").set_value(3).run()
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("These settings cannot train together: early stopping")
    assert start_button(at).disabled
    assert not any("These settings as a link" in c.value for c in at.caption)
    at.slider(key="train_validation_split").set_value(0.1).run()
    assert not at.warning and not start_button(at).disabled
    # The same two changes sent with a click on Start, which was on: one line, no run.
    at.slider(key="train_validation_split").set_value(0.0)
    start_button(at).click().run()
    assert not at.exception and at.query_params.get("run") is None
    assert at.error[0].value.startswith("These settings cannot train together: early stopping")


def test_train_compares_two_finished_runs(real_data):
    from fashion_cnn.jobs import runs

    at = page("train").run()
    at.number_input(key="train_epochs").set_value(1)
    at.select_slider(key="train_train_subset").set_value(2000)
    finished = []
    for augment in (True, False):
        at.toggle(key="train_augment").set_value(augment)
        start_button(at).click().run()  # Start
        run_id = at.query_params["run"]
        run_id = run_id[0] if isinstance(run_id, list) else run_id
        deadline = time.time() + 180
        while not runs.engine().view(run_id).done:
            assert time.time() < deadline
            time.sleep(0.5)
        finished.append(run_id)
        at.run()
    assert not at.exception
    table = next(m.value for m in at.markdown if m.value.startswith("| run |"))
    old, new = finished
    assert f"[{old[:6]}](/train?run={old}&compare={new})" in table  # each link compares both
    assert f"[{new[:6]}](/train?run={new}&compare={old})" in table
    assert "| on |" in table and "| off |" in table
    # A reload is a new session: the address's ?compare= brings the earlier run back.
    assert at.query_params["compare"] in (finished[0], [finished[0]])
    again = page("train")
    again.query_params.update({"run": finished[1], "compare": f"{finished[0]},../x,{finished[0]}"})
    again.run()
    assert again.session_state["train_runs"] == finished[::-1]
    table = next(m.value for m in again.markdown if m.value.startswith("| run |"))
    old, new = finished
    assert f"[{old[:6]}](/train?run={old}&compare={new})" in table  # each link compares both
    assert f"[{new[:6]}](/train?run={new}&compare={old})" in table


def test_train_watch_it_learn_shows_a_finished_runs_epochs(real_data):
    from fashion_cnn.common.settings import TrainConfig
    from fashion_cnn.jobs import runs

    cfg = TrainConfig(
        architecture="tiny",
        epochs=2,
        train_subset=2000,
        optimizer="adam",
        learning_rate=3e-3,
        warmup_epochs=0,
    )
    run_id = runs.engine().submit(cfg)
    deadline = time.time() + 180
    while not runs.engine().view(run_id).done:
        assert time.time() < deadline
        time.sleep(0.5)
    at = page("train")
    at.query_params["run"] = run_id
    at.run()
    at.toggle(key="train_watch").set_value(True).run()
    assert not at.exception
    assert any(c.value.startswith("500 test images after epoch 2") for c in at.caption)
    at.slider(key="train_watch_epoch").set_value(1).run()  # the first epoch's matrix
    assert any(c.value.startswith("500 test images after epoch 1") for c in at.caption)


def test_train_link_to_an_unknown_run_says_so(real_data):
    at = page("train")
    at.query_params["run"] = "0123456789ab"
    at.run()
    assert not at.exception
    assert "No run 0123456789ab here" in at.warning[0].value
    assert not at.number_input(key="train_epochs").disabled


def test_train_link_that_names_no_run_is_not_echoed(real_data):
    at = page("train")
    at.query_params["run"] = "[Log in](https://evil.example)"
    at.query_params["compare"] = "../x,[a](b)"
    at.run()
    assert not at.exception
    assert at.warning[0].value.startswith("This link names no run")
    assert not any("evil" in w.value for w in at.warning)
    assert at.session_state["train_runs"] == []
    note = "This link's compare list holds 2 names that are not run IDs"
    assert any(c.value.startswith(note) for c in at.caption)


def test_train_link_to_runs_that_are_gone_says_so_until_the_address_changes(real_data):
    at = page("train")
    at.query_params["compare"] = "0123456789ab,zzz"
    at.run()
    assert not at.exception
    notes = [c.value for c in at.caption if "in this link" in c.value]
    assert notes == [
        "1 earlier run in this link is no longer here: a run is kept for an hour after it "
        "ends. This link's compare list holds 1 name that is not a run's ID (12 characters, "
        "0-9 and a-f)."
    ]
    at.number_input(key="train_epochs").set_value(1)
    at.select_slider(key="train_train_subset").set_value(2000)
    start_button(at).click().run()  # the address now names the new run, and no bad name
    assert not at.exception
    notes = [c.value for c in at.caption if "compare list" in c.value]
    assert not notes, notes


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

    from fashion_cnn.common.contract import onnx_path
    from fashion_cnn.training.export import export_onnx
    from fashion_cnn.training.model import build_model
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
    at.selectbox(key="test_class").set_value("Sandal").run()  # shows a sandal at once
    index = at.number_input(key="test_index").value
    assert index != 4321 and real_data.y_test[index] == config.CLASS_NAMES.index("Sandal")
    for _ in range(3):
        at.button(key="test_pick").click().run()
        index = at.number_input(key="test_index").value
        assert real_data.y_test[index] == config.CLASS_NAMES.index("Sandal")
        assert at.caption[-1].value.startswith(f"Test image #{index} ")


@pytest.mark.parametrize(("typed", "shown"), [(99999, 9999), (-5, 0)])
def test_classify_test_image_number_out_of_range_is_brought_in(real_data, typed, shown):
    at = page("classify").run()
    at.number_input(key="test_index").set_value(typed).run()
    assert not at.exception
    assert at.number_input(key="test_index").value == shown  # the box shows what is shown
    assert at.caption[-1].value.startswith(f"Test image #{shown} ")
    assert at.warning[0].value == (
        f"There is no test image {typed:,}: they are numbered 0 to 9,999; showing image {shown:,}."
    )


@pytest.mark.parametrize(
    ("true", "pred", "chosen", "said"),
    [
        ("Shirt", "T-shirt/top", ("Shirt", "T-shirt/top"), None),
        ("Shirtt", "Coat", ("All classes", "Coat"), "'Shirtt' in the link is not a class name"),
        ("Socks", "Hat", ("All classes", "All classes"), "'Socks' and 'Hat' in the link are"),
    ],
)
def test_explore_link_opens_a_matrix_cell(real_data, true, pred, chosen, said):
    at = page("explore")
    at.query_params["true"], at.query_params["pred"] = true, pred
    at.run()
    assert not at.exception
    shown = at.selectbox(key="explore_true").value, at.selectbox(key="explore_pred").value
    assert shown == chosen  # a class the link names right still filters
    warned = [w.value for w in at.warning if "in the link" in w.value]
    assert len(warned) == (said is not None) and all(w.startswith(said) for w in warned)


def test_explore_link_keeps_the_galleries_sort_and_page(real_data):
    """A shared link shows the same images: its sort and page, not the first page of the
    most confident mistakes; a page past the end shows the last."""
    at = page("explore")
    at.query_params.update({"true": "Shirt", "pred": "T-shirt/top", "sort": "least"})
    at.query_params["page"] = "2"
    at.run()
    assert not at.exception
    assert at.radio(key="explore_sort").value == "Least confident"
    assert at.number_input(key="explore_page").value == 2
    at.radio(key="explore_sort").set_value("Most confident").run()  # back to the defaults
    at.number_input(key="explore_page").set_value(1).run()
    assert "sort" not in at.query_params and "page" not in at.query_params
    at.number_input(key="explore_page").set_value(3).run()
    assert at.query_params["page"] in ("3", ["3"])  # AppTest gives a string or a list
    far = page("explore")
    far.query_params.update({"true": "Shirt", "pred": "T-shirt/top", "page": "999999"})
    far.run()
    assert not far.exception
    box = far.number_input(key="explore_page")
    assert box.value > 1 and box.label == f"Page (of {box.value})"


def test_a_look_at_a_train_link_starts_no_cluster(monkeypatch, real_data):
    from fashion_cnn.jobs import runs

    monkeypatch.delenv(runs.SCHEDULER_ENV, raising=False)
    monkeypatch.setattr(runs, "_engine", None)  # no run started on this web server yet
    at = page("train")
    at.query_params["run"], at.query_params["compare"] = "0123456789ab", "0123456789ac"
    at.run()
    assert not at.exception
    assert runs._engine is None  # a link to old runs is read without starting workers
    assert at.warning[0].value.startswith("No run 0123456789ab here")
    assert any(c.value.startswith("1 earlier run in this link") for c in at.caption)


def test_unreachable_cluster_is_one_line_on_train_and_other_pages_work(monkeypatch, real_data):
    from fashion_cnn.jobs import runs

    monkeypatch.setenv(runs.SCHEDULER_ENV, "tcp://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(runs, "_engine", None)  # this web server has not connected yet
    monkeypatch.setattr(runs, "_last_failure", (0.0, ""))
    at = page("train").run()
    assert not at.exception
    assert len(at.error) == 1 and "tcp://127.0.0.1:9" in at.error[0].value
    assert "\n" not in at.error[0].value
    start_button(at).click().run()  # Start answers with the same line, at once
    assert not at.exception and "tcp://127.0.0.1:9" in at.error[0].value
    classify = page("classify").run()
    assert not classify.exception
    assert next(m for m in classify.metric if m.label == "Prediction").value in config.CLASS_NAMES


def test_train_queued_visitor_sees_their_place_and_cancels(monkeypatch, real_data):
    from fashion_cnn.common.settings import TrainConfig
    from fashion_cnn.jobs import runs

    monkeypatch.setenv(runs.WORKERS_ENV, "1")
    # Another visitor's run holds the embedded cluster's only worker.
    blocker = runs.engine().submit(TrainConfig(architecture="tiny", epochs=50, train_subset=2000))
    try:
        deadline = time.time() + 60
        while runs.engine().view(blocker).state == "queued":
            assert time.time() < deadline
            time.sleep(0.2)
        at = page("train").run()
        start_button(at).click().run()
        assert not at.exception
        assert any("number 1 in the queue" in w.value for w in at.warning), [
            w.value for w in at.warning
        ]
        notes = [i.value for i in at.info]  # what is true: queued, not in progress
        assert any(n.startswith("Your run is queued") for n in notes), (notes, at.warning)
        at.button(key="train_stop").click().run()  # the queued visitor's Cancel
        at.run()  # the page redraws the ended run
        assert any("Cancelled while waiting" in w.value for w in at.warning), at.warning
        assert not at.number_input(key="train_epochs").disabled  # ready for another try
    finally:
        runs.engine().stop(blocker)
