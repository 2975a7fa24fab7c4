"""Explore errors: a clickable confusion matrix and a gallery of the model's mistakes."""

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.serving.evaluation import evaluate_probabilities
from fashion_cnn.serving.mistakes import find_mistakes, page_count, page_of
from fashion_cnn.serving.predictor import Predictor, cached_outputs
from fashion_cnn.ui.charts import confidence_histogram
from fashion_cnn.ui.exports import confusion_csv, per_class_csv
from fashion_cnn.ui.glossary import notes
from fashion_cnn.ui.wording import plural, with_article
from pages.views.cells import (
    apply_cell_link,
    apply_gallery_link,
    apply_matrix_click,
    chosen_cell,
    clamped_page,
    link_cell,
    link_gallery,
    matrix_charts,
)
from pages.views.entrypoint import run_through_entrypoint
from pages.views.feature_map import feature_map_section
from pages.views.inspect import image_tiles
from pages.views.run_model import apply_run_link, link_model
from pages.views.shared import ALL_CLASSES, dataset_or_stop, per_class_table, pick_model

run_through_entrypoint()  # a deep link on a fresh server

PER_PAGE = 24
CLASS_OPTIONS = [ALL_CLASSES, *config.CLASS_NAMES]


@st.cache_resource(show_spinner="Classifying the 10,000 test images…", max_entries=4)
def test_probabilities(model_key: str, _model: Predictor) -> np.ndarray:
    """Probabilities for the whole test set, computed once per model file (kept on disk)."""
    return cached_outputs(_model, dataset_or_stop().x_test, "probabilities")


st.title("🔍 Explore errors")
st.caption(
    "Which garments does the CNN confuse, and why? Click a cell of the matrix to see "
    "the images behind it, or pick the two classes under Mistakes."
)
apply_run_link()  # a finished run's confusions link here with its model
model = pick_model()
link_model(model)
data = dataset_or_stop()
probs = test_probabilities(model.key, model)
metrics = evaluate_probabilities(probs, data.y_test)
cm = np.array(metrics["confusion_matrix"])

# Summary
a, b, c = st.columns(3)
a.metric("Test accuracy", f"{metrics['accuracy']:.2%}")
b.metric("Mistakes", f"{int(len(data.y_test) - np.trace(cm)):,} of {len(data.y_test):,}")
worst = int(np.argmin(metrics["per_class"]["f1"]))
c.metric(
    "Hardest class",
    config.CLASS_NAMES[worst],
    f"F1 {metrics['per_class']['f1'][worst]:.2f}",
    delta_color="off",
    delta_arrow="off",
)

# A link or a matrix click fills the class filters (drawn with the gallery, far below),
# before the matrix frames their cell.
apply_cell_link()
apply_matrix_click()
apply_gallery_link()
chosen = chosen_cell()
matrix_col, side_col = st.columns([3, 2])
with matrix_col:
    st.subheader("Confusion matrix")
    normalise = st.toggle(
        "Show row percentages",
        key="explore_normalise",
        help="Share of each true class that went to each prediction",
    )
    matrix_charts(cm, normalise, chosen)
    if chosen is not None:  # the gallery is below the map: say where the click went
        true_name, pred_name = (config.CLASS_NAMES[i] for i in chosen)
        count = plural(int(cm[chosen]), "image")
        if true_name == pred_name:
            st.markdown(f"**{true_name}, read right: {count}** (the gallery lists mistakes only).")
        else:
            what = f"{true_name} → {pred_name}: {count}"
            st.markdown(f"**{what}**, in the gallery [below ↓](#mistakes).")
    st.download_button(
        "⬇ Matrix (CSV)",
        confusion_csv(cm),
        file_name="confusion_matrix.csv",
        mime="text/csv",
        key="explore_download_matrix",
        on_click="ignore",
    )
with side_col:
    st.subheader("Confidence")  # one line beside "Confusion matrix"; the legend: right, wrong
    st.plotly_chart(
        confidence_histogram(probs, data.y_test),
        key="explore_hist",
        config={"displayModeBar": False},
    )
    with st.expander("Per-class precision, recall and F1"):
        per_class_table(metrics["per_class"])
        st.download_button(
            "⬇ Table (CSV)",
            per_class_csv(metrics["per_class"]),
            file_name="per_class_metrics.csv",
            mime="text/csv",
            key="explore_download_per_class",
            on_click="ignore",
        )

feature_map_section(model, data, probs)

with st.expander("What does this mean?"):
    st.markdown(notes("confusion_matrix", "f1", "gradcam", "feature_map"))

st.subheader("Mistakes", anchor="mistakes")
f1, f2, f3, f4 = st.columns([2, 2, 2, 1])
true_name = f1.selectbox("True class", CLASS_OPTIONS, key="explore_true")
pred_name = f2.selectbox("Predicted class", CLASS_OPTIONS, key="explore_pred")
link_cell(true_name, pred_name)
low, high = f3.slider(
    "Confidence", 0.0, 1.0, (0.0, 1.0), 0.05, format="percent", key="explore_conf"
)
order = f4.radio("Sort", ["Most confident", "Least confident"], key="explore_sort")
mistakes = find_mistakes(
    probs,
    data.y_test,
    true_class=None if true_name == ALL_CLASSES else config.CLASS_NAMES.index(true_name),
    predicted_class=None if pred_name == ALL_CLASSES else config.CLASS_NAMES.index(pred_name),
    confidence=(low, high),
    most_confident_first=order == "Most confident",
)
if not len(mistakes):
    if true_name == pred_name != ALL_CLASSES:  # a diagonal cell: the right answers
        right = int(np.diag(cm)[config.CLASS_NAMES.index(true_name)])
        st.info(
            f"This cell of the diagonal holds the right answers: {plural(right, 'image')} "
            f"of the {true_name} class that the CNN classified correctly. The gallery shows "
            "mistakes only: click a cell off the diagonal, or pick another predicted class."
        )
    elif (low, high) == (0.0, 1.0) and ALL_CLASSES not in (true_name, pred_name):
        st.info(
            f"The CNN never took {with_article(true_name)} for {with_article(pred_name)} on "
            f"the {len(data.y_test):,} test images: this cell of the matrix is 0. Pick "
            "another cell."
        )
    else:
        st.info(
            "No mistakes match these filters. Widen the confidence range or pick other classes."
        )
    st.stop()

pages = page_count(len(mistakes), PER_PAGE)
clamped_page(pages)
page = (
    st.number_input(f"Page (of {pages})", 1, pages, key="explore_page", width=160)
    if pages > 1
    else 1
)
link_gallery(order, page)
st.caption(
    f"{plural(len(mistakes), 'mistake')} match. Click **Inspect** under an image to see why."
)
image_tiles(
    page_of(mistakes, page, PER_PAGE),
    model,
    data,
    probs,
    key="explore_gallery",
    tile_key="mistake",
    button_key="inspect",
)
