"""Classify: draw, upload or pick a test image; the CNN says which garment it sees."""

import numpy as np
import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.serving.preprocess import FORMATS, ImageInputError, preprocess
from fashion_cnn.ui.exports import answers_csv
from fashion_cnn.ui.wording import plural, upload_labels
from pages.views.canvas import CANVAS_SIZE, drawing_controls, hide_canvas_toolbar, shapes_help
from pages.views.entrypoint import run_through_entrypoint
from pages.views.inside import inside_the_cnn
from pages.views.results import reading_note, show_details, show_prediction, show_result, show_steps
from pages.views.run_model import apply_run_link, link_model
from pages.views.session import (
    UPLOAD_DETAIL,
    VISIT,
    canvas_key,
    canvas_start,
    forget_uploads,
    keep_uploads,
    kept_uploads,
    take_stroke,
)
from pages.views.shared import (
    ANY_CLASS,
    analyse,
    classify_uploads,
    dataset_or_stop,
    pick_model,
    plain_values_are_not_dataframes,
)
from pages.views.test_image import link_test_image, linked_test_index, pick_random
from pages.views.uploads import preprocess_upload, upload_grid

run_through_entrypoint()  # a deep link on a fresh server

st.title("🎨 Classify")
st.caption(
    "A garment here is any of the CNN's ten classes, shoes and bags included. It sees a "
    "28×28 light-on-black image; every input is converted the way Fashion-MNIST itself "
    "was made, and each step is shown."
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
                show_prediction(result, drawn=True)
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
        # Each file by its label ("shirt.png (2)" for a second shirt.png): in its tile, the
        # details box and the CSV alike.
        labels = upload_labels([name for name, _ in files])
        processed = [
            (label, *preprocess_upload(data, kind))
            for label, (_, data) in zip(labels, files, strict=True)
        ]
        good = [i for i, (_, pre, _) in enumerate(processed) if pre is not None]
        images = np.stack([processed[i][1].image for i in good]) if good else None
        readings = classify_uploads(model, model.reading_key, images) if good else []
        results = dict(zip(good, readings, strict=True))
        upload_grid(processed, results)
        if unread := [f"- **{label}**: {error}" for label, _, error in processed if error]:
            st.error(  # below the answers, which come first on a phone
                f"{plural(len(unread), 'file')} could not be classified:\n" + "\n".join(unread)
            )
        if good:  # answers to download: not a table of errors alone
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
            chosen = st.selectbox("Details for", [labels[i] for i in good], key=UPLOAD_DETAIL)
            pre = processed[labels.index(chosen)][1]
            show_result(
                model, pre.image, "upload", upload_kind=pre.kind, kind_chosen=kind != "auto"
            )
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
