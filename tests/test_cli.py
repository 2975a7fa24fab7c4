"""train_model.py --dry-run and `python -m fashion_cnn evaluate|predict`, end to end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fashion_cnn.common import config
from fashion_cnn.common.contract import reading_path
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.serving.verdict import KINDS

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def dry_run_model(tmp_path_factory) -> Path:
    """A model from a real dry run of train_model.py (seconds)."""
    if not config.DEBIAN_DATASET_DIR.exists() and not os.environ.get(config.DATASET_ENV_VAR):
        pytest.skip("dataset not installed")
    result = run("train_model.py", "--dry-run", "--architecture", "tiny")
    assert result.returncode == 0, result.stderr[-2000:]
    path = Path(result.stdout.strip().splitlines()[-1].split("-> ")[-1])
    assert path.is_file() and path.with_suffix(".json").is_file()
    return path


def test_dry_run_writes_model_and_card(dry_run_model):
    card = json.loads(dry_run_model.with_suffix(".json").read_text())
    assert card["class_names"] == list(config.CLASS_NAMES)
    assert card["test_count"] == 1000 and 0 <= card["test_accuracy"] <= 1
    assert card["training_settings"]["train_subset"] == 512
    assert len(card["history"]["loss"]) == card["epochs_completed"] == 1
    assert len(card["dataset_sha256"]) == 4 and card["versions"]["keras"]
    assert not list(dry_run_model.parent.glob(".saving-*"))  # no temporary leftovers
    assert card["reading_graph"]["calibration_images"] == 256  # a dry run's few
    assert Predictor.load(dry_run_model.with_suffix(".onnx")).quantized  # read as served
    assert reading_path(dry_run_model).stat().st_size == card["reading_graph"]["bytes"]


def test_export_writes_the_twin_and_its_reading_graph_and_refuses_a_torn_file(
    dry_run_model, tmp_path
):
    """`export` on a copy of a trained model: both graphs, the card's figures theirs, and
    a model that reads through the int8 graph; a torn .keras file: one line, nothing
    written."""
    model = tmp_path / dry_run_model.name
    shutil.copy(dry_run_model, model)
    shutil.copy(dry_run_model.with_suffix(".json"), model.with_suffix(".json"))
    result = run("-m", "fashion_cnn", "export", "--model", str(model))
    assert result.returncode == 0, result.stderr[-2000:]
    card = json.loads(model.with_suffix(".json").read_text())
    assert card["reading_graph"]["bytes"] == reading_path(model).stat().st_size
    assert card["reading_graph"]["calibration_images"] == 4096
    assert card["test_count"] == 10_000  # export measures on the whole test split
    served = Predictor.load(model.with_suffix(".onnx"))
    assert served.quantized and 0 < card["test_accuracy"] <= 1
    torn = tmp_path / "torn.keras"
    torn.write_bytes(model.read_bytes()[:3000])
    result = run("-m", "fashion_cnn", "export", "--model", str(torn))
    said = result.stderr.strip().splitlines()[-1]  # after TensorFlow's own start-up lines
    assert result.returncode == 2 and said.startswith("error: could not load model torn.keras")
    assert not torn.with_suffix(".onnx").exists() and not reading_path(torn).exists()


def test_train_model_reports_missing_dataset(tmp_path):
    env = {**ENV, config.DATASET_ENV_VAR: str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import fashion_cnn.common.config as c, pathlib, sys; "
            f"c.DEBIAN_DATASET_DIR = c.KERAS_CACHE_DIR = pathlib.Path({str(tmp_path)!r}); "
            "import fashion_cnn.training.dataset as d; d.download_with_keras = lambda: False; "
            "import train_model; sys.exit(train_model.main(['--dry-run']))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "dataset-fashion-mnist" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--batch-size", "0"], "--batch-size must be at least 1, not 0"),
        (["--validation-split", "1.5"], "--validation-split must be from 0 to 0.9"),
        (["--init-from", "/no/such/model.keras"], "not found"),
        (
            ["--weight-averaging", "0.99", "--early-stopping", "2"],
            "--weight-averaging and --early-stopping cannot be used together",
        ),
        (
            ["--style-share", "0.2", "--garment-icons", "/no/such/manifest.csv"],
            "/no/such/manifest.csv not found",
        ),
        (["--outlier-share", "0.1", "--outlier-icons", "/no/such/icons"], "no such folder"),
        (
            ["--drawing-share", "0.6", "--style-share", "0.3", "--outlier-share", "0.2"],
            "add up to more than 1",
        ),
        (["--garment-icon-share", "0.5", "--sketch-share", "0.6"], "add up to more than 1"),
    ],
    ids=[
        "batch-size",
        "validation-split",
        "init-from",
        "averaging-with-early-stopping",
        "garment-icons",
        "outlier-icons",
        "shares",
        "style-pool-shares",
    ],
)
def test_train_model_refuses_bad_settings_in_one_line(flags, said):
    result = run("train_model.py", "--dry-run", "--architecture", "tiny", *flags)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert said in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_training_stopped_halfway_leaves_the_good_model(dry_run_model, tmp_path, sig):
    good = tmp_path / "fashion_cnn.keras"
    shutil.copy(dry_run_model, good)
    before = good.read_bytes()
    args = ["train_model.py", "--architecture", "tiny", "--epochs", "50", "--out", str(good)]
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    for line in proc.stdout:  # wait until it is training
        if line.startswith(b"Epoch 1/"):
            break
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fashion_cnn.keras"]
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL  # killed mid-run, not finished
    else:
        assert proc.returncode == 130
        assert b"Traceback" not in stderr and b"unchanged" in stderr


def test_evaluate_json(dry_run_model):
    result = run("-m", "fashion_cnn", "evaluate", "--model", str(dry_run_model), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    metrics = json.loads(result.stdout)
    assert metrics["count"] == 10_000
    cm = np.array(metrics["confusion_matrix"])
    assert cm.sum() == 10_000 and cm.sum(axis=1).tolist() == [1000] * 10
    assert metrics["accuracy"] == pytest.approx(np.trace(cm) / 10_000, abs=1e-4)


def test_predict_json_and_exit_codes(dry_run_model, tmp_path):
    good = tmp_path / "shirt.png"
    img = Image.new("L", (60, 80), 255)
    img.paste(30, (10, 10, 50, 70))
    img.save(good)
    bad = tmp_path / "notes.txt"
    bad.write_text("not an image")
    missing = tmp_path / "missing.png"

    ok = run(
        "-m",
        "fashion_cnn",
        "predict",
        "--json",
        "--top",
        "2",
        "--model",
        str(dry_run_model),
        str(good),
    )
    assert ok.returncode == 0, ok.stderr[-2000:]
    line = json.loads(ok.stdout)
    assert line["file"] == str(good) and line["label"] in config.CLASS_NAMES
    assert len(line["top"]) == 2 and 0 <= line["confidence"] <= 1
    assert line["verdict"] in KINDS
    assert (line["hint"] is None) == (line["verdict"] == "confident")

    mixed = run(
        "-m",
        "fashion_cnn",
        "predict",
        "--json",
        "--model",
        str(dry_run_model),
        str(good),
        str(bad),
        str(missing),
    )
    assert mixed.returncode == 2 and "Traceback" not in mixed.stderr
    lines = [json.loads(x) for x in mixed.stdout.splitlines()]
    assert [set(x) >= {"file"} for x in lines] == [True] * 3
    assert "label" in lines[0] and "error" in lines[1] and "error" in lines[2]

    none = run("-m", "fashion_cnn", "predict", "--top", "0", str(good))  # as the API: 1-10
    assert none.returncode == 2 and "argument --top: invalid choice: 0" in none.stderr


def test_predict_json_says_what_is_not_a_garment(tmp_path, real_data):
    """The bundled model and its card's detector: a garment passes, noise does not."""
    garment, noise = tmp_path / "trouser.png", tmp_path / "noise.png"
    trouser = int(np.flatnonzero(real_data.y_test == 1)[0])
    Image.fromarray(255 - real_data.x_test[trouser]).resize((140, 140)).save(garment)
    pixels = np.random.default_rng(0).integers(0, 256, (120, 120, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(noise)
    result = run("-m", "fashion_cnn", "predict", "--json", str(garment), str(noise))
    assert result.returncode == 0, result.stderr[-2000:]
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert first["label"] == "Trouser" and first["verdict"] == "confident"
    assert first["hint"] is None
    assert second["verdict"] == "not_a_garment" and "Not a garment" in second["hint"]


@pytest.mark.parametrize("kind", ["drawing", "photo"])
def test_predict_reads_a_file_in_its_views_as_the_app_does(tmp_path, real_data, kind):
    from benchmarks.input_accuracy import make_drawing, make_photo
    from fashion_cnn.serving.predictor import load_bundled
    from fashion_cnn.serving.preprocess import open_image, preprocess

    rng = np.random.default_rng(4)
    paths = []
    for i in range(6):
        paths.append(tmp_path / f"{kind}{i}.png")
        if kind == "drawing":
            Image.fromarray(make_drawing(real_data.x_test[i], rng)).save(paths[-1])
        else:
            paths[-1].write_bytes(make_photo(real_data.x_test[i], rng))
    result = run("-m", "fashion_cnn", "predict", "--json", "--kind", kind, *map(str, paths))
    assert result.returncode == 0, result.stderr[-2000:]
    said = [json.loads(line) for line in result.stdout.splitlines()]
    images = np.stack([preprocess(open_image(path.read_bytes()), kind).image for path in paths])
    read, alone = load_bundled().classify(images, True), load_bundled().classify(images)
    assert [x["confidence"] for x in said] == [round(r.confidence, 4) for r in read]
    assert [round(r.confidence, 4) for r in read] != [round(r.confidence, 4) for r in alone]


def test_the_readmes_python_example_runs_as_written(tmp_path, real_data):
    readme = (ROOT / "README.md").read_text()
    code = readme.split("From Python:\n\n```python\n", 1)[1].split("```", 1)[0]
    photo = Image.fromarray(255 - real_data.x_test[1]).resize((140, 140))  # a pullover
    photo.convert("RGB").save(tmp_path / "shirt.jpg")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    label, confidence, verdict, _ = result.stdout.split(" ", 3)
    assert label == config.CLASS_NAMES[real_data.y_test[1]] and 0 < float(confidence) <= 1
    assert verdict in KINDS


def test_missing_model_is_one_line(tmp_path):
    result = run(
        "-m",
        "fashion_cnn",
        "predict",
        "--model",
        str(tmp_path / "none.keras"),
        str(tmp_path / "x.png"),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "not found" in result.stderr


def test_calibrate_refuses_a_missing_icon_set_in_one_line():
    result = run("-m", "fashion_cnn", "calibrate", "--icons", "/no/such/manifest.csv")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "/no/such/manifest.csv not found" in result.stderr.strip().splitlines()[-1]
