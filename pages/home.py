"""Home: what the app does, the dataset at a glance, and the bundled model's card."""

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.architectures import ARCHITECTURES
from fashion_cnn.common.contract import bundled_model_path, reading_path
from fashion_cnn.ui.charts import image_strip
from fashion_cnn.ui.wording import training_story
from pages.views.entrypoint import run_through_entrypoint
from pages.views.shared import (
    bundled_card,
    dataset_or_stop,
    drawings_model_caption,
    per_class_table,
)

run_through_entrypoint()  # a deep link on a fresh server

st.title("👕 Fashion-MNIST CNN Studio")
st.markdown(
    "Watch a convolutional neural network learn to tell garments apart, explore the mistakes "
    "it makes, and draw or upload your own clothes for it to classify. "
    "Everything runs on 70,000 grayscale 28×28 images of 10 kinds of garment."
)

c1, c2, c3 = st.columns(3)
c1.page_link("pages/train.py", label="**Train** a CNN and watch it learn", icon="🏋️")
c2.page_link("pages/explore.py", label="**Explore** its errors", icon="🔍")
c3.page_link("pages/classify.py", label="**Classify** your drawings and photos", icon="🎨")

st.subheader("The dataset")
data = dataset_or_stop()
rng = np.random.default_rng(0)
left, right = st.columns(2)
for index, name in enumerate(config.CLASS_NAMES):
    samples = rng.choice(np.flatnonzero(data.y_test == index), 8, replace=False)
    with left if index < 5 else right:
        st.markdown(f"**{index} · {name}**")
        st.image(image_strip(data.x_test[samples]), clamp=True)

st.subheader("The bundled CNN")
card = bundled_card()
if not card:
    st.info("No bundled model card found in `model/`. Run `python train_model.py` to make one.")
    st.stop()
m1, m2, m3, m4 = st.columns(4)
m1.metric("Test accuracy", f"{card['test_accuracy']:.2%}")
m2.metric("Parameters", f"{card['parameters']:,}")
served = reading_path(bundled_model_path())  # what answers: the twin in 8-bit numbers
m3.metric(
    "Model file",
    f"{served.stat().st_size / 1e6:.2f} MB" if served.is_file() else "-",
    help="The file the app runs: the CNN's weights stored as 8-bit numbers. Its training "
    f"file, in 32-bit numbers: {card['file_bytes'] / 1e6:.2f} MB",
)
minutes, story = training_story(card)
m4.metric("Training time", f"{minutes:.0f} min")
arch = ARCHITECTURES.get(card["architecture"])
drawings = drawings_model_caption()
if drawings:
    st.markdown(drawings[0])
with st.expander("How the CNNs were made"):
    st.caption(
        f"{arch.summary() if arch else card['architecture_description']}. {story} "
        f"TensorFlow {card['versions']['tensorflow']}."
    )
    if drawings:
        st.caption(drawings[1])
with st.expander("Per-class precision, recall and F1 on the 10,000 test images"):
    per_class_table(card["per_class"])
