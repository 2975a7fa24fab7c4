"""Classify: draw, upload or pick a test image; the CNN says which garment it sees."""

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.data import FashionMNIST
from fashion_cnn.serving.predictor import Classification, Predictor
from fashion_cnn.serving.preprocess import (
    FORMATS,
    ImageInputError,
    Preprocessed,
    preprocess,
    read_upload,
)
from fashion_cnn.serving.verdict import CONFIDENT, NOT_A_GARMENT, UNSURE
from fashion_cnn.ui.charts import (
    enlarge,
    framed_thumbnail,
    heatmap_overlay,
    image_grid,
    png_bytes,
    probability_bars,
)
from fashion_cnn.ui.exports import answers_csv
from fashion_cnn.ui.shapes import class_shapes
from fashion_cnn.ui.wording import plural, short_name, views_note
from pages.views.entrypoint import run_through_entrypoint
from pages.views.inside import inside_the_cnn
from pages.views.run_model import apply_run_link, link_model
from pages.views.session import (
    STROKES,
    VISIT,
    canvas_key,
    canvas_start,
    clear_drawing,
    forget_uploads,
    keep_uploads,
    kept_uploads,
    take_stroke,
    undo_stroke,
)
from pages.views.shared import (
    ANY_CLASS,
    analyse,
    classify_uploads,
    dataset_or_stop,
    pick_model,
    plain_values_are_not_dataframes,
)

run_through_entrypoint()  # a deep link on a fresh server

CANVAS_SIZE = 280
STEP_TILE = 90  # px: each preprocessing step (three to a row on a phone)
UPLOAD_TILE = 120  # px: each upload in the grid


@st.cache_data(show_spinner=False, max_entries=256)
def preprocess_upload(data: bytes, kind: str) -> tuple[Preprocessed | None, str | None]:
    """Preprocessing of one uploaded file, cached by its bytes; (None, reason) on bad input."""
    return read_upload(data, kind)


def pick_random(labels: np.ndarray) -> None:
    """The random button's callback: a test image of the chosen class, or of any."""
    chosen = st.session_state.get("test_class", ANY_CLASS)
    pool = np.arange(len(labels))
    if chosen != ANY_CLASS:
        pool = np.flatnonzero(labels == config.CLASS_NAMES.index(chosen))
    st.session_state["test_index"] = int(np.random.default_rng().choice(pool))
    link_test_image()


def link_test_image(count: int | None = None) -> None:
    """The address links to the test image the visitor picked (a plain visit gets none,
    so that reloading it opens the Draw tab, not this one). A typed number out of the
    `count` images is brought into range, with a note."""
    typed = st.session_state["test_index"]
    if count is not None and not 0 <= typed < count:
        st.session_state["test_index"] = min(max(typed, 0), count - 1)
        st.session_state["test_range_note"] = (
            f"There is no test image {typed:,}: they are numbered 0 to {count - 1:,}."
        )
    index = str(st.session_state["test_index"])
    st.query_params["image"] = index
    st.session_state["classify_link"] = (st.session_state.get(VISIT), index)


def linked_test_index(text: str, count: int) -> int:
    """The test image a link's `?image=N` names; image 0, with a warning, if it names none."""
    try:
        index = int(text)
    except ValueError:  # not a number, or one too long to parse
        index = -1
    if 0 <= index < count:
        return index
    st.warning(
        f"The link names test image {text[:20]!r}: there is none, they are numbered 0 to "
        f"{count - 1:,}. Showing image 0."
    )
    return 0


def show_steps(pre: Preprocessed, key: str) -> None:
    """Each preprocessing step as a framed tile of one size, in reading order."""
    with st.container(horizontal=True, gap="xsmall", key=key):
        for number, (name, image) in enumerate(pre.steps, 1):
            with st.container(width=STEP_TILE, gap=None):
                st.image(step_png(image), width=STEP_TILE)
                st.caption(f"{number}\\. {name}")  # escaped: not a Markdown list
    for note in pre.notes:
        st.caption(f"Note: {note}.")


@st.cache_data(show_spinner=False, max_entries=128)
def step_png(image: np.ndarray) -> bytes:
    return png_bytes(framed_thumbnail(image, STEP_TILE))


@st.cache_data(show_spinner=False)
def class_shapes_png(_data: FashionMNIST) -> bytes:
    """Each class's average silhouette in the training images, in two rows of five, on
    grey so that shapes touching their tile's edge stay apart."""
    shapes = np.pad(class_shapes(_data.x_train, _data.y_train), ((0, 0), (2, 2), (2, 2)))
    return png_bytes(image_grid(shapes, 5, gap=4, ground=128))


VERDICT_BADGES = {UNSURE: "⚠️ unsure", NOT_A_GARMENT: "🚫 not a garment"}


def show_prediction(result: Classification, truth: int | None = None) -> None:
    """The class and confidence, the true label if known, and the verdict's hint."""
    # "81% confident" beside "not a garment" read as a contradiction: the share is of the
    # garment classes only, so it is worded by the verdict.
    share = {
        CONFIDENT: f"{result.confidence:.1%} confident",
        UNSURE: f"{result.confidence:.1%}, unsure",
        NOT_A_GARMENT: f"{result.confidence:.1%}, if it were a garment",
    }[result.verdict.kind]
    st.metric("Prediction", result.label, share, delta_color="off", delta_arrow="off")
    if truth is not None:
        mark = "✅" if truth == result.index else "❌"
        st.markdown(f"{mark} True label: **{config.CLASS_NAMES[truth]}**")
    if result.verdict.kind == NOT_A_GARMENT:
        st.error(result.hint, icon="🚫")
    elif result.hint:
        st.warning(result.hint, icon="⚠️")


def show_details(
    result: Classification, heat: np.ndarray, image: np.ndarray, key: str, note: str | None = None
) -> None:
    """The 28x28 input and Grad-CAM side by side, then all ten probabilities and `note`."""
    with st.container(horizontal=True, gap="small"):
        st.image(enlarge(image, 6), caption="What the model saw (28×28)", clamp=True)
        st.image(enlarge(heatmap_overlay(image, heat), 6), caption="Where it looked (Grad-CAM)")
    st.plotly_chart(
        probability_bars(result.probabilities),
        key=f"{key}_bars",
        config={"displayModeBar": False},
    )
    if note:
        st.caption(note)


def reading_note(model: Predictor, in_views: bool, kind: str | None = None) -> str | None:
    """How a drawing or upload was read (by which CNN; an upload's `kind`: as a photo or a
    drawing, which its preprocessing steps show); nothing to say of a test image."""
    return views_note(model.drawings_model is not None, kind) if in_views else None


def show_result(
    model: Predictor,
    image: np.ndarray,
    key: str,
    truth: int | None = None,
    upload_kind: str | None = None,
) -> None:
    """Prediction first (it comes first on a phone), then its details and inside view; an
    upload (`upload_kind`: read as a photo or a drawing) is read in its views."""
    in_views = upload_kind is not None
    result, heat = analyse(model, model.reading_key, image, in_views)
    left, right = st.columns([1, 2])
    with left:
        show_prediction(result, truth)
    with right:
        show_details(result, heat, image, key, reading_note(model, in_views, upload_kind))
    inside_the_cnn(model, image, result.index, key)


# The canvas's own toolbar goes: its bin went back to a drawing the canvas reopened with,
# and its send button did nothing visible (the app reads every stroke). Undo and Clear
# under the canvas replace it. It lives in the component's shadow root, which no page CSS
# reaches, so a script adds the rule there, for each new canvas too.
HIDE_CANVAS_TOOLBAR = """<script>
(() => {
  if (window.fashionCnnHidesCanvasToolbar) return;
  window.fashionCnnHidesCanvasToolbar = setInterval(() => {
    const hosts = document.querySelectorAll(
      '[class*="st-key-draw_canvas"] [data-testid="stBidiComponentIsolated"]');
    for (const host of hosts) {
      const root = host.shadowRoot;
      if (root && !root.querySelector("style.hide-toolbar")) {
        const style = document.createElement("style");
        style.className = "hide-toolbar";
        style.textContent = ".dc-toolbar { display: none !important; }";
        root.appendChild(style);
      }
    }
  }, 100);
})();
</script>"""


def hide_canvas_toolbar() -> None:
    st.html(HIDE_CANVAS_TOOLBAR, unsafe_allow_javascript=True, width="content")


def drawing_controls(where, pixels: np.ndarray | None) -> None:
    """Undo, Clear and the drawing as a PNG, in one row under the canvas."""
    strokes = st.session_state.get(STROKES) or []
    with where.container(horizontal=True, gap="xsmall", key="draw_controls"):
        st.button("↶ Undo", key="draw_undo", on_click=undo_stroke, disabled=not strokes)
        st.button("🗑️ Clear", key="draw_clear", on_click=clear_drawing, disabled=pixels is None)
        st.download_button(
            "⬇ PNG",
            png_bytes(pixels) if pixels is not None else b"",
            file_name="drawing.png",
            mime="image/png",
            key="draw_download",
            on_click="ignore",
            disabled=pixels is None,
            help="Your drawing as a picture, to upload again or keep",
        )


def shapes_help(data: FashionMNIST, titled: bool = True) -> None:
    """Each class's average shape, and how to draw the ones the CNN mixes up."""
    if titled:
        st.markdown("**Shapes the CNN knows**")
    names = config.CLASS_NAMES
    st.image(
        class_shapes_png(data),
        caption=f"Top: {', '.join(names[:5])}. Bottom: {', '.join(names[5:])}.",
    )
    st.caption(
        "Each class's average shape in the training images. Draw garments from the front and "
        "shoes from the side: sneakers low and long, ankle boots taller. Pullovers, coats and "
        "shirts share one shape: on drawings they are the CNN's most common mix-ups."
    )


st.title("🎨 Classify")
st.caption(
    "The CNN sees a 28×28 light-on-black image; every input is converted the way "
    "Fashion-MNIST itself was made, and each step is shown."
)
apply_run_link()  # Explore's "Open it in Classify" names the run whose model it showed
model = pick_model()
link_model(model)
TABS = ["✏️ Draw", "📤 Upload", "🎲 Test image"]
data = dataset_or_stop()
# A link with ?image=N (shared, or from Explore) opens on its test image. Applied once per
# arrival: a tab bar whose settings change is redrawn, which a rerun must not do.
arrival = (st.session_state.get(VISIT), st.query_params.get("image"))
if st.session_state.get("classify_link") != arrival:
    st.session_state["classify_link"] = arrival
    if arrival[1] is not None:
        st.session_state["classify_first_tab"] = TABS[2]
        st.session_state["test_index"] = linked_test_index(arrival[1], len(data.x_test))
        link_test_image()  # a link to no image now names the one shown
draw_tab, upload_tab, test_tab = st.tabs(TABS, default=st.session_state.get("classify_first_tab"))

with draw_tab:
    from streamlit_drawable_canvas import st_canvas

    plain_values_are_not_dataframes()
    start = canvas_start()  # the drawing from an earlier visit, or of Undo
    # The canvas, its prediction right under it, then its settings: on a phone the columns
    # stack and the prediction stays on the first screen. The canvas's column is as wide as
    # the canvas (a relative column cut it off on screens under 1,440 px); the details
    # take the rest, or move below it where the row is too narrow for both.
    row = st.container(horizontal=True, gap="medium")
    canvas_col = row.container(width=CANVAS_SIZE)
    details_col = row.container(width="stretch")
    with canvas_col:
        canvas_box, controls, prediction_box = st.container(), st.container(), st.container()
        stroke = st.slider(
            "Stroke width",
            4,
            40,
            key="draw_stroke",
            help="Thicker strokes read more like the dataset's solid garments",
        )
        fill_outlines = st.toggle(
            "Fill closed outlines",
            key="draw_fill",
            help="The model learned garments as filled shapes",
        )
    with canvas_box:
        canvas = st_canvas(
            stroke_width=stroke,
            stroke_color="#FFFFFF",
            background_color="#000000",
            width=CANVAS_SIZE,
            height=CANVAS_SIZE,
            drawing_mode="freedraw",
            initial_drawing=start,
            update_streamlit=True,
            return_image_data=True,
            key=canvas_key(),
        )
    hide_canvas_toolbar()
    pixels = take_stroke(canvas.json_data, canvas.image_data) if canvas is not None else None
    drawing_controls(controls, pixels)
    if pixels is None or pixels[..., :3].max() == 0:
        prediction_box.info(
            "Draw one garment, large: a T-shirt, trousers, a bag… The prediction appears "
            "here after each stroke."
        )
        with details_col:  # what helps a first drawing, in view before it
            shapes_help(data)
    else:
        try:
            pre = preprocess(pixels.astype(np.uint8), "drawing" if fill_outlines else "photo")
        except ImageInputError as exc:
            prediction_box.info(f"{exc}. Draw a garment on the canvas.")
        else:
            result, heat = analyse(model, model.reading_key, pre.image, True)
            with prediction_box:
                show_prediction(result)
                if not fill_outlines:  # an outline read as it is: unknown, or even misread
                    st.caption(
                        "The CNN knows garments as filled shapes: for an outline, turn on "
                        "**Fill closed outlines**."
                    )
            with details_col:
                show_details(result, heat, pre.image, "draw", reading_note(model, True))
                with st.expander("Preprocessing steps"):
                    show_steps(pre, "draw_steps")
                with st.expander("Shapes the CNN knows"):
                    shapes_help(data, titled=False)
            inside_the_cnn(model, pre.image, result.index, "draw")

with upload_tab:
    st.file_uploader(  # any file: one the app cannot read gets its reason, in one line
        "Photos or drawings of garments",
        accept_multiple_files=True,
        key="upload_files",
        on_change=keep_uploads,
        help=f"{FORMATS}. Product photos on a plain background work best",
    )
    kind = st.radio(
        "Treat uploads as",
        ["auto", "photo", "drawing"],
        horizontal=True,
        key="upload_kind",
        help="Auto tells drawings, icons and emoji from photos by their flat colours",
    )
    files = kept_uploads()  # kept across page changes; the uploader starts empty on return
    if not files:
        st.info(f"Upload one or more images ({FORMATS}) to classify them.")
    else:
        if not st.session_state.get("upload_files"):
            note, clear = st.columns([3, 1], vertical_alignment="center")
            note.caption(
                f"The {plural(len(files), 'file')} you uploaded earlier in this session. "
                "Upload others to replace them."
            )
            clear.button("Clear", key="upload_clear", on_click=forget_uploads)
        processed = [(name, *preprocess_upload(data, kind)) for name, data in files]
        for name, _, error in processed:
            if error:
                st.error(f"**{name}**: {error}")
        good = [i for i, (_, pre, _) in enumerate(processed) if pre is not None]
        images = np.stack([processed[i][1].image for i in good]) if good else None
        readings = classify_uploads(model, model.reading_key, images) if good else []
        results = dict(zip(good, readings, strict=True))
        # A wrapping row: left to right, top to bottom, on any screen width.
        with st.container(horizontal=True, gap="small", key="upload_grid"):
            for i in good:
                with st.container(width=UPLOAD_TILE, gap=None, key=f"upload_item_{i}"):
                    st.image(enlarge(processed[i][1].image, 4), clamp=True)
                    badge = VERDICT_BADGES.get(results[i].verdict.kind)
                    name, shown = processed[i][0], short_name(processed[i][0])
                    full = f"`{name}`" if shown != name else ""  # the whole name, on hover
                    st.markdown(
                        f"**{results[i].label}** · {results[i].confidence:.0%}  \n"
                        + (f"{badge}  \n" if badge else "")
                        + f"`{shown}`",
                        help="  \n".join(filter(None, (full, results[i].hint))) or None,
                    )
        st.download_button(
            "⬇ Answers (CSV)",
            answers_csv(
                [(name, results.get(i), error) for i, (name, _, error) in enumerate(processed)]
            ),
            file_name="answers.csv",
            mime="text/csv",
            key="upload_download",
            on_click="ignore",
        )
        if good:
            chosen = st.selectbox(
                "Details for", good, format_func=lambda i: processed[i][0], key="upload_detail"
            )
            pre = processed[chosen][1]
            show_result(model, pre.image, "upload", upload_kind=pre.kind)
            with st.expander("Preprocessing steps", expanded=True):
                show_steps(pre, "upload_steps")

with test_tab:
    number_col, class_col, pick_col = st.columns([1, 2, 2], vertical_alignment="bottom")
    # No min or max: out of range, the browser kept the typed number on show, whatever
    # image was picked next. Our callback brings it into range instead, and says so.
    index = number_col.number_input(
        "Test image",
        step=1,
        key="test_index",
        help=f"Its number, 0 to {len(data.x_test) - 1:,}",
        on_change=link_test_image,
        args=(len(data.x_test),),
    )
    class_col.selectbox(
        "Of class",
        [ANY_CLASS, *config.CLASS_NAMES],
        key="test_class",
        on_change=pick_random,  # a class chosen shows one of its images at once
        args=(data.y_test,),
    )
    pick_col.button(
        "🎲 Pick a random test image", key="test_pick", on_click=pick_random, args=(data.y_test,)
    )
    if note := st.session_state.pop("test_range_note", None):
        st.warning(note)
    st.caption(f"Test image #{index} of {len(data.x_test):,}, never seen in training.")
    show_result(model, data.x_test[index], "test", truth=int(data.y_test[index]))
