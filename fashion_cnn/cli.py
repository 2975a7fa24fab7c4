"""`python -m fashion_cnn evaluate|predict|export|calibrate|map`: the package's command line.

evaluate and predict run the exported model with ONNX Runtime and import no TensorFlow,
unless --model names a `.keras` file without its exported twin. export needs Keras.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from fashion_cnn import config

MODEL_HELP = (
    "a .onnx or .keras file, which then reads drawings itself (default: the bundled model's "
    "exported twin, with the CNN for drawings for --kind drawing and drawn-looking files)"
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
    pr.add_argument("--top", type=int, default=3, help="how many classes to list")
    pr.add_argument("--json", action="store_true", help="one JSON object per line per file")
    ex = sub.add_parser("export", help="write the ONNX twin beside a .keras file")
    ex.add_argument("--model", type=Path, help="a .keras file (default: the bundled model)")
    ca = sub.add_parser("calibrate", help="fit the 'not a garment' detector into the model card")
    ca.add_argument("--model", type=Path, help="a .keras file (default: the bundled model)")
    ma = sub.add_parser("map", help="lay the test set out by t-SNE for Explore's feature map")
    ma.add_argument("--model", type=Path, help="a .keras file (default: the bundled model)")
    return p.parse_args(argv)


def load_predictor(model_path: Path | None, drawings: bool = True):
    """--model, or the bundled model (with its CNN for drawings if `drawings`)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # only a bare .keras file needs it
    from fashion_cnn.predict import Predictor, load_bundled

    return load_bundled(drawings) if model_path is None else Predictor.load(model_path)


def evaluate(args: argparse.Namespace) -> int:
    from fashion_cnn.data import load_fashion_mnist
    from fashion_cnn.evaluation import evaluate_probabilities

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
    from fashion_cnn.preprocess import ImageInputError, open_image, preprocess

    predictor = load_predictor(args.model)
    failures = 0
    for path in args.files:
        try:
            pre = preprocess(open_image(path.read_bytes()), args.kind)
            result = predictor.classify(pre.image, pre.drawn)[0]
        except (ImageInputError, OSError) as exc:
            failures += 1
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            line = {"file": str(path), "error": message}
            print(json.dumps(line) if args.json else f"{path}: error: {message}")
            continue
        if args.json:
            print(json.dumps({"file": str(path), **result.as_dict(args.top)}))
        else:
            ranked = ", ".join(f"{n} {p:.1%}" for n, p in result.top(args.top))
            print(f"{path}: {result.label} ({result.confidence:.1%}); top: {ranked}")
    return 2 if failures else 0


def export(args: argparse.Namespace) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from fashion_cnn.export import export_onnx, onnx_path
    from fashion_cnn.files import write_bytes_atomic
    from fashion_cnn.model import bundled_model_path, load_model, model_card_path, read_model_card

    source = args.model or bundled_model_path()
    target = export_onnx(load_model(source), onnx_path(source))
    card = read_model_card(source)
    if card:  # the card names the twin it describes
        card.update(onnx_file=target.name, onnx_bytes=target.stat().st_size)
        write_bytes_atomic(json.dumps(card, indent=1).encode(), model_card_path(source))
    print(f"{source} -> {target} ({target.stat().st_size / 1e6:.2f} MB)")
    return 0


def calibrate(args: argparse.Namespace) -> int:
    from fashion_cnn.data import load_fashion_mnist
    from fashion_cnn.model import bundled_model_path
    from fashion_cnn.verdict import write_detector

    source = args.model or bundled_model_path()
    detector = write_detector(source, load_fashion_mnist())
    print(f"{source}: not a garment above squared distance {detector.distance_above:.1f}")
    return 0


def layout(args: argparse.Namespace) -> int:
    from fashion_cnn.data import load_fashion_mnist
    from fashion_cnn.feature_map import write_test_layout
    from fashion_cnn.model import bundled_model_path

    source = args.model or bundled_model_path()
    path = write_test_layout(source, load_fashion_mnist().x_test)
    print(f"{source}: test-set map by t-SNE -> {path} ({path.stat().st_size / 1e3:.0f} KB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    from fashion_cnn.data import DatasetError
    from fashion_cnn.model import ModelFileError

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
