"""The verdict: garments pass, pictures that are not garments are flagged, and the
thresholds come from the model card."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from benchmarks.ood_sets import DIGITS, glyph, noise, pictures, shape
from fashion_cnn.common.contract import (
    bundled_model_path,
    onnx_path,
    read_model_card,
    reading_path,
)
from fashion_cnn.serving.predictor import Predictor, load_bundled
from fashion_cnn.serving.preprocess import preprocess
from fashion_cnn.serving.verdict import (
    CONFIDENT,
    FLAGGED,
    NOT_A_GARMENT,
    PERHAPS_NOT,
    STYLE_NOTE,
    UNSURE,
    UNUSUAL_STYLE,
    GarmentDetector,
    judge_confidence,
    verdicts,
)


@pytest.fixture(scope="module")
def bundled() -> Predictor:
    predictor = load_bundled()
    assert predictor.detector is not None, "run `python -m fashion_cnn calibrate`"
    return predictor


def kinds(predictor: Predictor, sources) -> list[str]:
    """The verdicts the app gives its pictures: each read in its views."""
    images = np.stack([preprocess(source, "auto").image for source in sources])
    return [result.verdict.kind for result in predictor.classify(images, True)]


def test_test_garments_pass(bundled, real_data):
    """As uploads (in views) and as the dataset's own images (once: the API's `pixels`,
    Classify's test images)."""
    as_given = [r.verdict.kind for r in bundled.classify(real_data.x_test[:500])]
    for found in (kinds(bundled, list(real_data.x_test[:500])), as_given):
        assert found.count(NOT_A_GARMENT) / len(found) <= 0.05
        assert found.count(CONFIDENT) / len(found) >= 0.9


@pytest.mark.parametrize(
    ("make", "at_least"),
    [(noise, 0.95), (lambda rng: glyph(rng, DIGITS), 0.8), (shape, 0.85)],
    ids=["noise", "digits", "shapes"],
)
def test_pictures_that_are_not_garments_are_flagged(bundled, make, at_least):
    found = kinds(bundled, pictures(make, 60, seed=5))
    flagged = sum(kind in FLAGGED for kind in found) / len(found)
    assert flagged >= at_least, found


def test_thresholds_are_read_from_the_model_card(bundled, tmp_path):
    card = read_model_card(bundled_model_path())
    assert bundled.detector.distance_above == card["verdict"]["distance_above"]
    # The same files with a card whose threshold lets anything through; both read alone
    # (with its CNN for drawings and icons, that CNN's gate would judge first).
    shutil.copy(onnx_path(bundled_model_path()), tmp_path / "m.onnx")
    shutil.copy(reading_path(bundled_model_path()), reading_path(tmp_path / "m.onnx"))
    card["verdict"]["distance_above"] = 1e12
    (tmp_path / "m.json").write_text(json.dumps(card))
    lenient = Predictor.load(tmp_path / "m.onnx")
    assert lenient.quantized and lenient.drawings_model is None
    source = next(iter(pictures(noise, 1, seed=0)))
    assert kinds(bundled.without_drawings_model(), [source]) == [NOT_A_GARMENT]
    assert kinds(lenient, [source]) != [NOT_A_GARMENT]


def test_a_model_without_detector_still_flags_blank_and_unsure_input():
    probabilities = np.full((2, 10), 0.1)
    probabilities[0] = np.eye(10)[3] * 0.9 + 0.01
    images = np.zeros((2, 28, 28), np.uint8)
    images[:, 4:24, 8:20] = 200
    images[1] = 0  # nothing lit
    first, second = verdicts(probabilities, images)
    assert first.kind == CONFIDENT and first.hint is None
    assert second.kind == NOT_A_GARMENT and "little shape" in second.hint
    unsure = judge_confidence(np.array([0.4, 0.35, *[0.25 / 8] * 8]))
    assert unsure.kind == UNSURE and "T-shirt/top (40%) or Trouser (35%)" in unsure.hint


def test_detector_fit_on_known_clusters():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 200)
    centres = rng.normal(0, 10, (10, 8))
    features = centres[labels] + rng.normal(0, 1, (2000, 8))
    held_out = centres[labels[:500]] + rng.normal(0, 1, (500, 8))
    detector = GarmentDetector.fit(features, labels, held_out)
    inside = detector.distances(centres + rng.normal(0, 1, (10, 8)))
    outside = detector.distances(rng.normal(0, 10, (10, 8)) + 40)
    assert (inside < detector.distance_above).all() and (outside > detector.distance_above).all()
    assert detector.distance_above == pytest.approx(8 + 2 * 4, rel=0.5)  # chi-square, 8 dof
    z = held_out @ detector.whitening  # the definition, one class at a time
    direct = np.min([((z - m) ** 2).sum(axis=1) for m in detector.whitened_means], axis=0)
    assert np.allclose(detector.distances(held_out), direct)
    again = GarmentDetector.from_card({"verdict": detector.as_card()})
    assert np.allclose(again.distances(held_out), detector.distances(held_out), rtol=1e-4)


def test_the_gate_reads_garments_in_other_styles_and_refuses_by_energy():
    from fashion_cnn.serving.verdict import GarmentGate, energies

    logits = np.array([[9.0, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0.1] * 10, [3.0, 2.9, *[0.0] * 8]])
    assert np.allclose(energies(logits), np.log(np.exp(logits).sum(axis=1)))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    images = np.zeros((3, 28, 28), np.uint8)
    images[:, 4:24, 8:20] = 200
    gate = GarmentGate(not_a_garment_below=2.5, unsure_below=3.2)
    scores = energies(logits)  # about 9.0, 2.4 and 3.7
    near = verdicts(probabilities, images, None, scores, gate)
    assert [v.kind for v in near] == [CONFIDENT, NOT_A_GARMENT, UNSURE]
    weak = verdicts(probabilities[:1], images[:1], None, np.array([3.0]), gate)[0]  # 2.5-3.2
    assert weak.kind == PERHAPS_NOT and weak.hint.startswith("Perhaps not a garment")
    # Far from the product photos (by the detector's distance): still read, never "not a
    # garment" for its style. A dataset image: unsure, with a hint that names the reading.
    everything_far = np.ones(3, bool)
    far = verdicts(probabilities, images, everything_far, scores, gate)
    assert (
        far[0].kind == UNSURE and "T-shirt/top" in far[0].hint and "product photos" in far[0].hint
    )
    assert far[1].kind == NOT_A_GARMENT
    # A drawing or upload, read in views by the CNN for drawings and icons: a clear reading
    # is of an unusual style, with a note; two close classes stay unsure, and say which.
    drawn = verdicts(probabilities, images, everything_far, scores, gate, np.ones(3, bool))
    assert [v.kind for v in drawn] == [UNUSUAL_STYLE, NOT_A_GARMENT, UNSURE]
    assert drawn[0].hint == STYLE_NOTE and "read it" in STYLE_NOTE
    assert "T-shirt/top (43%) or Trouser (39%)" in drawn[2].hint
    mixed = verdicts(probabilities, images, everything_far, scores, gate, np.array([0, 0, 1]))
    assert [v.kind for v in mixed] == [UNSURE, NOT_A_GARMENT, UNSURE]
    without_gate = verdicts(probabilities, images, everything_far)
    assert {v.kind for v in without_gate} == {NOT_A_GARMENT}  # the old rule: far is out
    images[0] = 0  # nothing lit: not a garment whatever the energy
    assert verdicts(probabilities, images, None, scores, gate)[0].kind == NOT_A_GARMENT
    # Not measured (a product photo the bundled CNN reads with confidence): by probabilities.
    unmeasured = verdicts(probabilities, images, None, np.full(3, np.nan), gate)
    assert [v.kind for v in unmeasured] == [NOT_A_GARMENT, UNSURE, UNSURE]  # image 0 is blank
    card = gate.as_card({"test_not_a_garment": 0.01})
    assert GarmentGate.from_card({"garment_gate": card}) == gate


@pytest.mark.parametrize(
    ("icon", "label", "allowed"),
    [
        ("tshirt_icon", "T-shirt/top", {CONFIDENT, UNUSUAL_STYLE, UNSURE}),
        ("house_icon", None, {NOT_A_GARMENT}),
        # A car's body is a bag's box: the energy is low, not low enough to be sure.
        ("car_icon", None, {PERHAPS_NOT, NOT_A_GARMENT}),
    ],
)
def test_a_garment_icon_is_read_and_other_icons_are_flagged(bundled, icon, label, allowed):
    from tests import icons

    picture = getattr(icons, icon)()
    for shown in (picture, Image.eval(picture, lambda v: 255 - v)):  # on white, on black
        pre = preprocess(shown, "auto")
        result = bundled.classify(pre.image[None], in_views=True)[0]
        assert result.verdict.kind in allowed, result
        assert label is None or result.label == label, result


def test_the_gate_measures_drawings_and_what_the_bundled_cnn_is_not_sure_of(bundled, real_data):
    from fashion_cnn.serving.predictor import FEATURES, GARMENT_SCORE, PROBABILITIES

    images = real_data.x_test[:300]
    out = bundled.read(images, False)
    unsure = out[PROBABILITIES].max(axis=1) < 0.5  # far ones are scored by the other CNN
    far = bundled.unlike_photos(out[FEATURES])
    measured = ~np.isnan(out[GARMENT_SCORE])
    assert (measured == (far | unsure)).all() and 0 < measured.sum() < 0.3 * len(images)
    scores = bundled.garment_scores(images, False)
    assert np.allclose(scores[measured], out[GARMENT_SCORE][measured], atol=1e-4)
    drawn = bundled.read(images[:20], True)
    assert not np.isnan(drawn[GARMENT_SCORE]).any()  # every drawing is measured


def test_a_test_image_gets_the_same_answer_on_every_page(bundled, real_data):
    """Classify's test images and the API's `pixels` are read as Explore reads them, by
    the bundled CNN, even those far from the product photos (the other CNN, which only
    scores them for the verdict, would name some of them otherwise)."""
    from fashion_cnn.serving.predictor import FEATURES, PROBABILITIES

    images = real_data.x_test[:3000]
    out = bundled.read(images, False)
    explore = bundled.probabilities(images)
    assert np.array_equal(out[PROBABILITIES], explore)
    far = bundled.unlike_photos(out[FEATURES])
    other = bundled.drawings_model.reader_logits(images[far], False).argmax(axis=1)
    assert (other != explore[far].argmax(axis=1)).any()  # so the test can fail


def test_an_empty_batch_reads_as_nothing(bundled):
    empty = np.zeros((0, 28, 28), np.uint8)
    assert bundled.classify(empty) == [] and bundled.classify(empty, True) == []
