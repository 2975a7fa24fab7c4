"""Classify: draw, upload or pick a test image; the CNN says which garment it sees."""

import numpy as np
import streamlit as st

from fashion_cnn import config
from fashion_cnn.charts import enlarge, heatmap_overlay, probability_bars
from fashion_cnn.predict import classify, hint
from fashion_cnn.preprocess import ImageInputError, Preprocessed, open_image, preprocess
from pages.views.entrypoint import run_through_entrypoint
from pages.views.shared import ModelHandle, analyse, dataset_or_stop, pick_model

run_through_entrypoint()  # a deep link on a fresh server

UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp"]
CANVAS_SIZE = 280


@st.cache_data(show_spinner=False, max_entries=256)
def preprocess_upload(data: bytes, kind: str) -> tuple[Preprocessed | None, str | None]:
    """Preprocessing of one uploaded file, cached by its bytes; (None, reason) on bad input."""
    try:
        return preprocess(open_image(data), kind), None
    except ImageInputError as exc:
        return None, str(exc)


def linked_test_index(text: str, count: int) -> int:
    """The test image a link's `?image=N` names; image 0, with a warning, if it names none."""
    try:
        index = int(text)
    except ValueError:  # not a number, or one too long to parse
        index = -1
    if 0 <= index < count:
        return index
    st.warning(f"The link names test image {text[:20]!r}; there are 0 to {count - 1:,}.")
    return 0


def show_steps(pre: Preprocessed) -> None:
    """Each preprocessing step as a small captioned image."""
    cols = st.columns(len(pre.steps))
    for col, (name, image) in zip(cols, pre.steps, strict=True):
        shown = enlarge(image, 4) if image.shape[0] == config.IMAGE_SIZE else image
        col.image(shown, caption=name, width="stretch", clamp=True)
    for note in pre.notes:
        st.caption(f"Note: {note}.")


def show_result(model: ModelHandle, image: np.ndarray, key: str, truth: int | None = None) -> None:
    """Prediction, confidence, hint, probabilities, model input and Grad-CAM for one image."""
    result, heat = analyse(model, model.key, image)
    left, right = st.columns([1, 2])
    with left:
        st.image(enlarge(image, 6), caption="What the model saw (28×28)", clamp=True)
        st.image(enlarge(heatmap_overlay(image, heat), 6), caption="Where it looked (Grad-CAM)")
    with right:
        st.metric(
            "Prediction",
            result.label,
            f"{result.confidence:.1%} confident",
            delta_color="off",
            delta_arrow="off",
        )
        if truth is not None:
            mark = "✅" if truth == result.index else "❌"
            st.markdown(f"{mark} True label: **{config.CLASS_NAMES[truth]}**")
        if warning := hint(result, image):
            st.warning(warning)
        st.plotly_chart(
            probability_bars(result.probabilities),
            key=f"{key}_bars",
            config={"displayModeBar": False},
        )


st.title("🎨 Classify")
st.caption(
    "The CNN sees a 28×28 light-on-black image; every input is converted the way "
    "Fashion-MNIST itself was made, and each step is shown."
)
model = pick_model("classify_model")
TABS = ["✏️ Draw", "📤 Upload", "🎲 Test image"]
# A link with ?image=N opens on its test image. Fixed per session: a tab bar whose
# settings change is redrawn, and the drawing on the canvas would go with it.
st.session_state.setdefault("classify_first_tab", TABS[2] if "image" in st.query_params else None)
draw_tab, upload_tab, test_tab = st.tabs(TABS, default=st.session_state["classify_first_tab"])

with draw_tab:
    from streamlit_drawable_canvas import st_canvas

    controls, canvas_col = st.columns([1, 2])
    stroke = controls.slider(
        "Stroke width",
        4,
        40,
        14,
        key="draw_stroke",
        help="Thicker strokes read more like the dataset's solid garments",
    )
    fill_outlines = controls.toggle(
        "Fill closed outlines",
        value=True,
        key="draw_fill",
        help="The model learned garments as filled shapes",
    )
    controls.caption(
        "Draw one garment, large. The toolbar above the canvas undoes, redoes and clears."
    )
    with canvas_col:
        canvas = st_canvas(
            stroke_width=stroke,
            stroke_color="#FFFFFF",
            background_color="#000000",
            width=CANVAS_SIZE,
            height=CANVAS_SIZE,
            drawing_mode="freedraw",
            update_streamlit=True,
            return_image_data=True,
            key="draw_canvas",
        )
    pixels = canvas.image_data if canvas is not None else None
    if pixels is None or pixels[..., :3].max() == 0:
        st.info("Draw a garment on the canvas: a T-shirt, trousers, a bag…")
    else:
        try:
            pre = preprocess(pixels.astype(np.uint8), "drawing" if fill_outlines else "photo")
        except ImageInputError as exc:
            st.info(f"{exc}. Draw a garment on the canvas.")
        else:
            show_result(model, pre.image, "draw")
            with st.expander("Preprocessing steps"):
                show_steps(pre)

with upload_tab:
    files = st.file_uploader(
        "Photos or drawings of garments",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key="upload_files",
        help="Product photos on a plain background work best",
    )
    kind = st.radio(
        "Treat uploads as",
        ["auto", "photo", "drawing"],
        horizontal=True,
        key="upload_kind",
        help="Auto tells drawings from photos by their flat strokes",
    )
    if not files:
        st.info("Upload one or more images (PNG, JPEG, WebP, GIF or BMP) to classify them.")
    else:
        processed = [(f.name, *preprocess_upload(f.getvalue(), kind)) for f in files]
        good = [i for i, (_, pre, _) in enumerate(processed) if pre is not None]
        images = [processed[i][1].image for i in good]
        results = (
            dict(zip(good, classify(model.predict, np.stack(images)), strict=True)) if good else {}
        )
        grid = st.columns(4)
        for i, (name, pre, error) in enumerate(processed):
            with grid[i % 4]:
                if error:
                    st.error(f"**{name}**: {error}")
                    continue
                st.image(enlarge(pre.image, 4), clamp=True)
                st.markdown(f"**{results[i].label}** · {results[i].confidence:.0%}  \n`{name}`")
        if good:
            chosen = st.selectbox(
                "Details for", good, format_func=lambda i: processed[i][0], key="upload_detail"
            )
            pre = processed[chosen][1]
            show_result(model, pre.image, "upload")
            with st.expander("Preprocessing steps", expanded=True):
                show_steps(pre)

with test_tab:
    data = dataset_or_stop()
    if st.button("🎲 Pick a random test image", key="test_pick"):
        st.session_state["test_index"] = int(np.random.default_rng().integers(len(data.x_test)))
        st.query_params["image"] = str(st.session_state["test_index"])  # a link to share
    elif "test_index" not in st.session_state and "image" in st.query_params:  # a shared link
        st.session_state["test_index"] = linked_test_index(
            st.query_params["image"], len(data.x_test)
        )
    index = st.session_state.get("test_index", 0)
    st.caption(f"Test image #{index} of {len(data.x_test):,}, never seen in training.")
    show_result(model, data.x_test[index], "test", truth=int(data.y_test[index]))
