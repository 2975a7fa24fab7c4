"""How honest the verdict is: out-of-distribution sets flagged, real garments passed.

    python -m benchmarks.verdict_rates [--count 200] [--seed 1] [--reader PATH]

Prints, for the bundled model and the measures in the model cards: the share of each of
our own non-garment sets (benchmarks.ood_sets) flagged (verdict.FLAGGED), the AUROC
between the 10,000 test images and those sets of the verdict's measure (the energy of
the CNN for drawings and icons where it has a gate; else the distance), how often real test
images, synthetic product photos and drawings are called not a garment, and the
verdict's cost per image on top of the prediction. `--reader` puts another CNN for
drawings and icons (a candidate .onnx with its card) in place of model/drawings/.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

from benchmarks.input_accuracy import make_coloured_photo, make_drawing, make_photo, preprocessed
from benchmarks.ood_sets import ood_sets, pictures
from fashion_cnn.common.contract import (
    FEATURES,
    PROBABILITIES,
    bundled_model_path,
    model_card_path,
    read_model_card,
)
from fashion_cnn.common.data import load_fashion_mnist
from fashion_cnn.common.files import write_bytes_atomic
from fashion_cnn.serving.predictor import GARMENT_SCORE, Predictor, load_bundled
from fashion_cnn.serving.verdict import (
    CONFIDENT,
    FLAGGED,
    NOT_A_GARMENT,
    PERHAPS_NOT,
    UNSURE,
    UNUSUAL_STYLE,
)


def auroc(inside: np.ndarray, outside: np.ndarray) -> float:
    """Chance that an outside input lies farther than an inside one (ties count half)."""
    ranks = rankdata(np.concatenate([inside, outside]))  # tied values share their mean rank
    outside_ranks = ranks[len(inside) :].sum()
    return (outside_ranks - len(outside) * (len(outside) + 1) / 2) / (len(inside) * len(outside))


def judged(predictor, images: np.ndarray, in_views: bool = False):
    """Verdicts, the verdict's measure (higher: less a garment; the negated energy with a
    gate, else the distance) and probabilities as the app gets them (`in_views`: the
    app's pictures, not the dataset's images)."""
    out = predictor.read(images, in_views)
    kinds = [v.kind for v in predictor.judge(out, images)]
    if GARMENT_SCORE in out:  # with a gate, the verdict's measure is the energy
        return np.array(kinds), -predictor.garment_scores(images, in_views), out[PROBABILITIES]
    return np.array(kinds), predictor.detector.distances(out[FEATURES]), out[PROBABILITIES]


def app_inputs(sources, kind: str) -> tuple[np.ndarray, list[int]]:
    """The 28x28 inputs the app makes of `sources`, and which sources it kept (the others
    it refused: "nothing to classify", also not called a garment)."""
    done, kept = preprocessed(list(sources), kind)
    return np.stack([pre.image for pre in done]), kept


DOUBTED = (UNSURE, PERHAPS_NOT)  # read as a garment, with a doubt


def doubted(kinds: np.ndarray) -> str:
    """'unsure 8.00% (perhaps not a garment 1.10%)': the second is a part of the first."""
    return (
        f"unsure {np.mean(np.isin(kinds, DOUBTED)):.2%} "
        f"(perhaps not a garment {np.mean(kinds == PERHAPS_NOT):.2%})"
    )


def right_share(right: np.ndarray) -> str:
    return f"{right.mean():.1%}" if len(right) else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200, help="pictures per set")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--write-card", action="store_true", help="store the rates in the model card's verdict"
    )
    parser.add_argument("--reader", type=Path, help="another CNN for drawings and icons (.onnx)")
    args = parser.parse_args()
    data, predictor = load_fashion_mnist(), load_bundled()
    if args.reader:
        predictor.drawings_model = Predictor.load(args.reader, name="candidate reader")
    if predictor.detector is None:
        raise SystemExit("the model card has no detector: run `python -m fashion_cnn calibrate`")
    kinds, test_distances, probs = judged(predictor, data.x_test)
    accuracy = np.mean(probs.argmax(1) == data.y_test)
    rates = {
        "test_not_a_garment": np.mean(kinds == NOT_A_GARMENT),
        "test_unsure": np.mean(np.isin(kinds, DOUBTED)),
    }
    print(
        f"test images: not a garment {np.mean(kinds == NOT_A_GARMENT):.2%}, "
        f"{doubted(kinds)}, accuracy {accuracy:.2%}"
    )
    flagged_all, distances_all = [], []
    for name, make in ood_sets(data.x_test).items():
        images, kept = app_inputs(pictures(make, args.count, args.seed), "auto")
        refused = args.count - len(kept)
        kinds, distances, _ = judged(predictor, images, in_views=True)
        flagged = np.isin(kinds, FLAGGED)
        share = (flagged.sum() + refused) / args.count
        flagged_all.append(share)
        distances_all.append(distances)
        rates[f"ood_{name}_flagged"] = share
        print(
            f"{name:22s} flagged {share:7.2%}  (refused as blank {refused}, "
            f"AUROC {auroc(test_distances, distances):.3f})"
        )
    pooled = np.concatenate(distances_all)
    rates["ood_all_flagged"] = np.mean(flagged_all)
    rates["ood_auroc"] = auroc(test_distances, pooled)
    print(
        f"{'all sets':22s} flagged {np.mean(flagged_all):7.2%}  "
        f"(AUROC {auroc(test_distances, pooled):.3f})"
    )
    rng = np.random.default_rng(0)
    idx = rng.choice(len(data.x_test), 1000, replace=False)
    for label, kind, maker in (
        ("product photos", "auto", make_photo),
        ("canvas drawings", "drawing", make_drawing),
        ("photos on coloured grounds", "auto", make_coloured_photo),
    ):
        images, kept = app_inputs([maker(im, rng) for im in data.x_test[idx]], kind)
        kinds, _, probs = judged(predictor, images, in_views=True)
        rates[f"synthetic_{label.split()[-1]}_not_a_garment"] = np.mean(kinds == NOT_A_GARMENT)
        right = probs.argmax(axis=1) == data.y_test[idx][kept]
        print(
            f"synthetic {label}: not a garment {np.mean(kinds == NOT_A_GARMENT):.2%}, "
            f"{doubted(kinds)}, "
            f"unusual style {np.mean(kinds == UNUSUAL_STYLE):.2%}; named right: "
            + ", ".join(f"{k} {right_share(right[kinds == k])}" for k in (CONFIDENT, UNUSUAL_STYLE))
        )
    # The features come out of the same graph runs as the probabilities (global average
    # pooling feeds the classifier), so the verdict's own cost is the distance and rules.
    image = data.x_test[0]
    out = predictor.read(image, False)
    for _ in range(20):
        predictor.judge(out, image)
    start = time.perf_counter()
    for _ in range(2000):
        predictor.judge(out, image)
    cost = (time.perf_counter() - start) / 2000
    start = time.perf_counter()
    for _ in range(500):
        predictor.analyse(image)
    whole = (time.perf_counter() - start) / 500
    print(
        f"verdict cost per image: {cost * 1000:.3f} ms "
        f"(prediction, Grad-CAM and verdict together: {whole * 1000:.3f} ms)"
    )

    if args.write_card:
        card_path = model_card_path(bundled_model_path())
        card = read_model_card(bundled_model_path())
        card["verdict"]["rates"] = {k: round(float(v), 4) for k, v in rates.items()}
        card["verdict"]["rates_command"] = f"python -m benchmarks.verdict_rates --seed {args.seed}"
        write_bytes_atomic(json.dumps(card, indent=1).encode(), card_path)
        print(f"rates written to {card_path.name}")


if __name__ == "__main__":
    main()
