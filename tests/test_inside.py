"""Inside the CNN: the steps from input to answer, and each channel's vote for a class."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fashion_cnn.serving.inside import channel_contributions, logits, most_active, steps, to_gray
from fashion_cnn.serving.predictor import load_bundled


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


def test_contributions_add_up_to_the_logit_minus_the_bias(bundled, real_data):
    features = bundled.features(real_data.x_test[:5])
    _, bias = bundled.classifier
    for vector in features:
        scores = logits(bundled, vector)
        for k in range(10):
            total = channel_contributions(bundled, vector, k).sum()
            assert total == pytest.approx(scores[k] - bias[k], rel=1e-4, abs=1e-4)
    # The logits are the model's: their softmax is its probabilities.
    scores = logits(bundled, features)
    softmax = np.exp(scores - scores.max(1, keepdims=True))
    softmax /= softmax.sum(1, keepdims=True)
    assert np.allclose(softmax, bundled.probabilities(real_data.x_test[:5]), atol=1e-5)


def test_steps_run_from_input_to_softmax(bundled, real_data):
    found = steps(bundled, real_data.x_test[0])
    assert found[0].kind == "input" and found[-1].kind == "softmax"
    convs = [s for s in found if s.kind == "conv"]
    assert [s.name for s in convs] == bundled.metadata["conv_outputs"]
    assert convs[0].shape == (28, 28, 32) and convs[-1].shape == (7, 7, 128)
    assert all(s.maps.shape == (s.shape[2], s.shape[0], s.shape[1]) for s in convs)
    assert [s.kind for s in found].count("max_pool") == 2
    assert all(s.explanation for s in found)
    # Each convolution says what it weighs and how far it sees: the receptive field grows
    # by two input steps per 3x3 convolution, and each 2x2 pooling doubles the step.
    said = [s.explanation for s in convs]
    assert len(set(said)) == len(said)
    fields = ["3×3 pixels", "5×5 pixels", "10×10 pixels", "14×14 pixels", "24×24 pixels", "whole"]
    assert all(field in text for field, text in zip(fields, said, strict=True))
    assert "3×3×64 filter" in said[3] and "all 64 maps" in said[3]
    pools = [s.explanation for s in found if s.kind == "max_pool"]
    assert "28×28 becomes 14×14" in pools[0] and "14×14 becomes 7×7" in pools[1]


def test_most_active_first_and_display_scaling():
    maps = np.zeros((3, 4, 4), np.float32)
    maps[1] += 5
    maps[2] += 1
    assert most_active(maps).tolist() == [1, 2, 0]
    assert to_gray(np.array([0.0, 2.0])).tolist() == [0, 255]
    assert to_gray(np.array([-1.0, 0.0, 1.0]), symmetric=True).tolist() == [0, 127, 255]


def test_inside_the_cnn_section_on_classify(real_data):
    at = AppTest.from_file("../streamlit_app.py", default_timeout=120)
    at.switch_page("pages/classify.py")
    at.run()
    at.toggle(key="test_inside").set_value(True).run()
    assert not at.exception
    assert any(m.value.startswith("**Why ") for m in at.markdown)
    # Each layer by a plain name; its name in the code only in brackets, not as a heading.
    headings = [c.value for c in at.caption if c.value.startswith("**")]
    assert headings[:3] == [
        "**Input image**  \n28×28 pixels",
        "**1st convolution (block 1)**  \n32 maps of 28×28",
        "**2nd convolution (block 1)**  \n32 maps of 28×28",
    ]
    assert not any("block1_conv1" in heading for heading in headings)
    assert any(
        m.value.startswith("**1st convolution (block 1)** (`block1_conv1`, 32 maps of 28×28): ")
        for m in at.markdown
    )
    layer = at.selectbox(key="test_inside_layer")
    assert layer.format_func("block2_conv1") == "3rd convolution (block 2) · block2_conv1"
    # A map is a "map" wherever the section names one, not a "channel".
    assert at.selectbox(key="test_inside_channel_block1_conv1").format_func(3) == "map 3"
    assert "These maps weigh most" in " ".join(c.value for c in at.caption)
    everything = " ".join(e.value for e in [*at.markdown, *at.caption])
    explained = "(a logit, in machine-learning terms)"  # once, in the dense layer's step
    assert "score" in everything and "logit" not in everything.replace(explained, "")
    at.selectbox(key="test_inside_layer").set_value("block1_conv1").run()
    assert not at.exception

    def captions() -> list[str]:
        return [c for image in at.get("image") for c in image.captions]

    # The first layer's filter is a picture of the input; a later one weighs many maps.
    assert "Its 3×3 filter (grey is 0, light +, dark −)" in captions()
    at.selectbox(key="test_inside_layer").set_value("block2_conv1").run()
    assert "Its 3×3 filter (grey is 0, light +, dark −)" not in captions()
    assert any(c.value.startswith("Its filter is 3×3×32") for c in at.caption)
