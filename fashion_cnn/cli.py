"""`python -m fashion_cnn evaluate|predict|export|calibrate|map`: the package's command line.

evaluate and predict run the exported model with ONNX Runtime and import no TensorFlow,
unless --model names a `.keras` file without its exported twin. export and map load the
training side (Keras, scikit-learn); calibrate runs the exported twin.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fashion_cnn.common import config

if TYPE_CHECKING:  # loaded by the commands that need it, after their arguments are checked
    from fashion_cnn.serving.predictor import Predictor

MODEL_HELP = (
    "a .onnx or .keras file, which then reads the files itself (default: the bundled "
    "model's exported twin, with the CNN for drawings and icons reading every file)"
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m fashion_cnn")
    sub = p.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="accuracy, per-class metrics and confusion matrix")
    ev.add_argument("--model", type=Path, help="a .onnx or .keras file (default: bundled)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    pr = sub.add_parser("predict", help="classify image files")
    pr.add_argument("files", nargs="+", type=Path, metavar="FILE")
    pr.add_argument("--kind", choices=["auto", "photo", "drawing"], default="auto")
    pr.add_argument("--model", type=Path, help=MODEL_HELP)
    pr.add_argument(
        "--top",
        type=int,
        default=3,
        choices=range(1, config.NUM_CLASSES + 1),
        metavar=f"1-{config.NUM_CLASSES}",
        help="how many classes to list",
    )
    pr.add_argument("--json", action="store_true", help="one JSON object per line per file")
    ex = sub.add_parser(
        "export", help="write the ONNX twin and its int8 reading graph beside a .keras file"
    )
    ex.add_argument("--model", type=Path, help="a .keras file (default: the bundled model)")
    ca = sub.add_parser("calibrate", help="fit the 'not a garment' detector into the model card")
    ca.add_argument("--model", type=Path, help="a .keras file (default: the bundled model)")
    ca.add_argument(
        "--icons",
        type=Path,
        help="a development set's manifest.csv (python -m benchmarks.dev_set build): its `dev` "
        "garment icons join the forms the 'not a garment' gate keeps",
    )
    ma = sub.add_parser("map", help="lay the test set out by t-SNE for Explore's feature map")
    ma.add_argument("--model", type=Path, help="a .keras file (default: the bundled model)")
    return p.parse_args(argv)


def load_predictor(model_path: Path | None, drawings: bool = True) -> Predictor:
    """--model, or the bundled model (with its CNN for drawings if `drawings`). A `.keras`
    file without an up-to-date exported twin is exported in memory, which loads TensorFlow."""
    from fashion_cnn.common.contract import twin_is_current
    from fashion_cnn.serving.predictor import Predictor, load_bundled

    if model_path is None:
        return load_bundled(drawings)
    if model_path.suffix == ".keras" and model_path.is_file() and not twin_is_current(model_path):
        return exported_in_memory(model_path)
    return Predictor.load(model_path)


def exported_in_memory(keras_path: Path):
    """A Predictor of a `.keras` file through an ONNX twin made in memory (training side)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from fashion_cnn.common.contract import ModelFileError, read_model_card
    from fashion_cnn.serving.predictor import Predictor
    from fashion_cnn.training.export import onnx_bytes
    from fashion_cnn.training.model import load_model

    try:
        onnx = onnx_bytes(load_model(keras_path))
    except ValueError as exc:  # an architecture the runtime cannot explain
        raise ModelFileError(f"cannot export {keras_path.name}: {exc}") from None
    return Predictor(onnx, keras_path.stem, read_model_card(keras_path))


def evaluate(args: argparse.Namespace) -> int:
    from fashion_cnn.common.data import load_fashion_mnist
    from fashion_cnn.serving.evaluation import evaluate_probabilities

    data = load_fashion_mnist()
    probs = load_predictor(args.model, drawings=False).probabilities(data.x_test)
    metrics = evaluate_probabilities(probs, data.y_test)
    if args.json:
        print(json.dumps(metrics))
        return 0
    print(f"Test accuracy: {metrics['accuracy']:.2%} on {metrics['count']} images\n")
    print(f"{'class':<12} {'precision':>9} {'recall':>7} {'F1':>6}")
    pc = metrics["per_class"]
    for i, name in enumerate(config.CLASS_NAMES):
        print(f"{name:<12} {pc['precision'][i]:>9.3f} {pc['recall'][i]:>7.3f} {pc['f1'][i]:>6.3f}")
    print("\nConfusion matrix (rows: true, columns: predicted)")
    for name, row in zip(config.CLASS_NAMES, metrics["confusion_matrix"], strict=True):
        print(f"{name:<12}" + "".join(f"{n:>6}" for n in row))
    return 0


def predict(args: argparse.Namespace) -> int:
    from fashion_cnn.serving.preprocess import read_upload

    predictor = load_predictor(args.model)
    failures = 0
    for path in args.files:
        try:
            pre, message = read_upload(path.read_bytes(), args.kind)
        except OSError as exc:
            pre, message = None, exc.strerror or str(exc)
        if pre is None:
            failures += 1
            line = {"file": str(path), "error": message}
            print(json.dumps(line) if args.json else f"{path}: error: {message}")
            continue
        result = predictor.classify(pre.image, in_views=True)[0]
        if args.json:
            print(json.dumps({"file": str(path), **result.as_dict(args.top)}))
        else:
            ranked = ", ".join(f"{n} {p:.1%}" for n, p in result.top(args.top))
            print(f"{path}: {result.label} ({result.confidence:.1%}); top: {ranked}")
    return 2 if failures else 0


def export(args: argparse.Namespace) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from fashion_cnn.common.contract import (
        bundled_model_path,
        model_card_path,
        onnx_path,
        read_model_card,
        reading_path,
    )
    from fashion_cnn.common.data import load_fashion_mnist
    from fashion_cnn.common.files import write_bytes_atomic
    from fashion_cnn.training.fit import test_fields
    from fashion_cnn.training.model import load_model
    from fashion_cnn.training.quantize import served_graphs

    source = args.model or bundled_model_path()
    model, card = load_model(source), read_model_card(source)  # a torn file: before the data
    drawn = (card.get("training_settings") or {}).get("drawing_share", 0) > 0
    graphs = served_graphs(model, load_fashion_mnist(), drawn)
    write_bytes_atomic(graphs.onnx, onnx_path(source))
    write_bytes_atomic(graphs.reading, reading_path(source))
    if card:  # the card describes the graphs, and its test figures are the reading
        # graph's; the verdict's need `python -m fashion_cnn calibrate` again
        card.update(onnx_file=onnx_path(source).name, onnx_bytes=len(graphs.onnx))
        card.update(test_fields(graphs.metrics), reading_graph=graphs.card_block)
        write_bytes_atomic(json.dumps(card, indent=1).encode(), model_card_path(source))
    print(
        f"{source} -> {onnx_path(source)} ({len(graphs.onnx) / 1e6:.2f} MB), "
        f"{reading_path(source)} ({len(graphs.reading) / 1e6:.2f} MB)"
    )
    return 0


def calibrate(args: argparse.Namespace) -> int:
    from fashion_cnn.common.contract import ModelFileError, bundled_model_path
    from fashion_cnn.common.data import load_fashion_mnist
    from fashion_cnn.training.calibrate import write_detector
    from fashion_cnn.training.styles import development_garment_files

    source = args.model or bundled_model_path()
    try:
        if args.icons:  # checked before minutes of work
            development_garment_files(args.icons)
        detector = write_detector(source, load_fashion_mnist(), args.icons)
    except (ValueError, ModelFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{source}: not a garment above squared distance {detector.distance_above:.1f}")
    return 0


def layout(args: argparse.Namespace) -> int:
    from fashion_cnn.common.contract import bundled_model_path
    from fashion_cnn.common.data import load_fashion_mnist
    from fashion_cnn.training.layout import write_test_layout

    source = args.model or bundled_model_path()
    path = write_test_layout(source, load_fashion_mnist().x_test)
    print(f"{source}: test-set map by t-SNE -> {path} ({path.stat().st_size / 1e3:.0f} KB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    from fashion_cnn.common.contract import ModelFileError
    from fashion_cnn.common.data import DatasetError

    args = parse_args(argv)
    commands = {
        "evaluate": evaluate,
        "predict": predict,
        "export": export,
        "calibrate": calibrate,
        "map": layout,
    }
    try:
        return commands[args.command](args)
    except (DatasetError, ModelFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
