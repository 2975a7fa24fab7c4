"""Train the Fashion-MNIST CNN and write the model file plus its JSON model card.

python train_model.py                       # step 1 of the bundled model: docs/model.md
python train_model.py --architecture tiny --epochs 3 --out /tmp/tiny.keras
python train_model.py --dry-run             # seconds; what tests and CI run
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter quiet

from fashion_cnn.common import config
from fashion_cnn.common.data import DatasetError
from fashion_cnn.training.dataset import load_or_fetch

if TYPE_CHECKING:
    import keras
    import numpy as np

    from fashion_cnn.common.data import FashionMNIST
    from fashion_cnn.common.settings import TrainConfig
    from fashion_cnn.training.quantize import ServedGraphs

DEFAULT_OUT = config.MODEL_DIR / "fashion_cnn.keras"


def add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per TrainConfig field that declares help text (see settings.setting)."""
    from fashion_cnn.common.settings import TrainConfig, flag_fields

    defaults = TrainConfig()
    for f in flag_fields():
        flag = "--" + f.name.replace("_", "-")
        default = getattr(defaults, f.name)
        choices = f.metadata.get("choices")
        if isinstance(default, bool):
            parser.add_argument(
                flag,
                action=argparse.BooleanOptionalAction,
                default=default,
                help=f.metadata["help"],
            )
            continue
        parser.add_argument(
            flag,
            type=type(default),
            default=default,
            # Listed choices of a widget (batch sizes, ...) are the form's; names are hard limits.
            choices=(choices() if callable(choices) else choices) if f.type == "str" else None,
            help=f.metadata["help"] + f" (default: {default})",
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_setting_flags(p)
    # The bundled model's long run is worth XLA's seconds of compiling (see TrainConfig).
    p.set_defaults(jit_compile=True)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the .keras file goes")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="1 epoch on 512 images, 1,000 test images, output to a temp folder",
    )
    return p.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The run's TrainConfig; a dry run shrinks everything so it finishes in seconds."""
    from fashion_cnn.common.settings import TrainConfig, flag_fields

    cfg = TrainConfig(**{f.name: getattr(args, f.name) for f in flag_fields()})
    if args.dry_run:
        cfg = replace(cfg, epochs=1, train_subset=512, warmup_epochs=0, jit_compile=False)
    return cfg


def stop_on_ctrl_c() -> threading.Event:
    """An event that Ctrl-C sets; a second Ctrl-C interrupts at once, as usual.

    A KeyboardInterrupt raised at an arbitrary point of Keras' fit loop was once lost (the
    run went on for epochs), so the first Ctrl-C only asks the loop to stop, which it does
    after the current batch."""

    def handler(signum, frame):
        event.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    event = threading.Event()
    signal.signal(signal.SIGINT, handler)
    return event


@dataclass
class ServedFiles:
    graphs: ServedGraphs  # the ONNX twin, the int8 reading graph, the test metrics
    extra: dict  # the card's blocks: reading graph, verdict, garment gate
    coords: np.ndarray | None  # Explore's t-SNE map (none in a dry run)
    key: str  # the weights the map belongs to


def served_files(
    model: keras.Model, cfg: TrainConfig, data: FashionMNIST, name: str, dry_run: bool
) -> ServedFiles:
    """What the app serves of a trained model, measured through the graphs it serves: the
    test metrics, the verdict's thresholds, the gate of a CNN that learned what is not a
    garment, and the map (minutes a dry run has no use for)."""
    from fashion_cnn.serving.predictor import Predictor
    from fashion_cnn.training.calibrate import calibrate_gate, calibrated_card
    from fashion_cnn.training.layout import tsne_2d
    from fashion_cnn.training.quantize import served_graphs

    limit, few = (1000, 256) if dry_run else (0, 0)
    graphs = served_graphs(model, data, cfg.drawing_share > 0, limit, few)
    predictor = Predictor(graphs.onnx, name, reading=graphs.reading)
    made = ServedFiles(graphs, {"reading_graph": graphs.card_block}, None, predictor.key)
    if not dry_run:
        made.extra["verdict"] = calibrated_card(predictor, data)[1]  # a minute, 60,000 images
        if cfg.outlier_share:  # a CNN that learned what is not a garment: its gate
            icons = Path(cfg.garment_icons) if cfg.garment_icons else None
            made.extra["garment_gate"] = calibrate_gate(predictor, data, icons)[1]
        made.coords = tsne_2d(predictor.features(data.x_test))  # Explore's t-SNE map: 1.5 min
    return made


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from fashion_cnn.common.contract import ModelFileError, layout_path
    from fashion_cnn.training.fit import StopWhenSet, save_model_and_card, train
    from fashion_cnn.training.layout import write_layout

    try:
        cfg = config_from_args(args)
    except ValueError as exc:  # a setting no run can use
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(tempfile.mkdtemp()) / DEFAULT_OUT.name if args.dry_run else args.out

    # Data: the four IDX files, checked.
    try:
        data = load_or_fetch()
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Dataset: {data.source_dir}; training on {cfg.train_subset or len(data.x_train)} images")

    # Train, with Keras' progress on the terminal; Ctrl-C leaves any existing model untouched.
    previous_handler = signal.getsignal(signal.SIGINT)
    interrupted = stop_on_ctrl_c()
    try:
        verbose = 1 if sys.stdout.isatty() else 2
        result = train(cfg, data, [StopWhenSet(interrupted)], verbose=verbose)
    except KeyboardInterrupt:
        interrupted.set()
    except (ModelFileError, ValueError) as exc:  # --init-from: missing, or another design
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    if interrupted.is_set():
        print(
            "\nInterrupted: nothing was saved; the existing model file is unchanged.",
            file=sys.stderr,
        )
        return 130

    # Evaluate on the test set, work out the verdict's detector and Explore's map, and only
    # then replace the model, its twin and its card: a model never goes live half made.
    try:
        made = served_files(result.model, cfg, data, out.stem, args.dry_run)
    except KeyboardInterrupt:
        print("\nInterrupted: nothing was saved; the existing model is unchanged.", file=sys.stderr)
        return 130
    command = "python train_model.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    graphs = made.graphs
    card = save_model_and_card(
        result,
        cfg,
        graphs.metrics,
        data,
        out,
        command.strip(),
        graphs.onnx,
        made.extra,
        graphs.reading,
    )
    if made.coords is not None:  # a map of other weights is never shown: it names its model
        write_layout(layout_path(out), made.coords, made.key)
    print(
        f"Test accuracy {graphs.metrics['accuracy']:.2%} on {graphs.metrics['count']} images; "
        f"{card['parameters']:,} parameters; {card['file_bytes'] / 1e6:.2f} MB; "
        f"{result.seconds / 60:.1f} min of training -> {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
