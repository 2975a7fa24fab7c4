"""Train: a CNN learns on the training workers while its charts stream live.

The page only talks to the engine (fashion_cnn.jobs) and never imports TensorFlow. A run
belongs to its link, /train?run=ID, not to a browser tab: any browser can reattach."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from fashion_cnn import config, jobs
from fashion_cnn.charts import compare_chart, compare_table, training_curves
from fashion_cnn.config import QUICK_RUN, TrainConfig, form_fields
from fashion_cnn.glossary import next_experiment, notes
from fashion_cnn.predict import Predictor
from fashion_cnn.recipe import from_query, to_query
from fashion_cnn.wording import plural
from pages.views.entrypoint import run_through_entrypoint
from pages.views.shared import TRAINED_KEY
from pages.views.watch import watch_it_learn

run_through_entrypoint()  # a deep link on a fresh server

# What the settings form says while a run is live, per run state.
RUN_STATE_NOTES = {
    "queued": "Your run is queued: it waits for a free worker. Cancel it to change the settings.",
    "starting": "Your run is starting on a worker. Stop it to change the settings.",
    "running": "Your run is training. Stop it to change the settings.",
    "evaluating": "Your run has finished training and is measuring its test accuracy; "
    "the settings unlock in a moment.",
}

RUN_PARAM = "run"  # /train?run=ID
KEPT_RUNS = 5  # a session's last runs, to compare
FORM_DEFAULTS = QUICK_RUN  # what the form shows on a first visit
# Problems the engine reports, each a one-line message for the page.
ENGINE_ERRORS = (jobs.EngineUnavailable, jobs.QueueFull, OSError, TimeoutError)


def form_key(name: str) -> str:
    return f"train_{name}"


def fill_form(cfg: TrainConfig) -> None:
    """Put a run's settings in the form (set in session state, they win over a disabled
    widget's stale value)."""
    for f in form_fields():
        st.session_state[form_key(f.name)] = getattr(cfg, f.name)


def setting_widget(column, f, disabled: bool) -> None:
    """One TrainConfig field as the control its metadata declares."""
    m = f.metadata
    options = m.get("choices") or ()
    options = list(options() if callable(options) else options)
    common = dict(key=form_key(f.name), disabled=disabled, help=m["help"])
    if m["kind"] == "select":
        column.selectbox(m["label"], options, **common)
    elif m["kind"] == "select_slider":
        column.select_slider(m["label"], options, **common)
    elif m["kind"] == "number":
        column.number_input(m["label"], m["min"], m["max"], **common)
    elif m["kind"] == "slider":
        column.slider(m["label"], m["min"], m["max"], step=m["step"], **common)
    else:
        column.toggle(m["label"], **common)


def settings_form(disabled: bool) -> None:
    """The controls, four to a row; Start submits a run from its callback."""
    for f in form_fields():
        st.session_state.setdefault(form_key(f.name), getattr(FORM_DEFAULTS, f.name))
    with st.form("train_settings", border=True):
        slots = [column for _ in range(3) for column in st.columns(4)]
        for column, f in zip(slots, form_fields(), strict=False):
            setting_widget(column, f, disabled)
        slots[len(form_fields())].form_submit_button(
            "▶ Start training",
            type="primary",
            width="stretch",
            disabled=disabled,
            on_click=start_run,
        )


def form_config() -> TrainConfig:
    """The settings the form holds now."""
    settings = {f.name: st.session_state[form_key(f.name)] for f in form_fields()}
    return TrainConfig(**settings, warmup_epochs=1 if settings["epochs"] > 2 else 0)


def apply_recipe_link() -> None:
    """Settings named in the link (/train?epochs=5&...) fill the form, once per link."""
    params = {key: st.query_params[key] for key in st.query_params}
    if not params or st.session_state.get("train_recipe_applied") == params:
        return
    st.session_state["train_recipe_applied"] = params
    cfg, wrong = from_query(params, FORM_DEFAULTS)
    fill_form(cfg)
    if wrong:
        st.warning(
            f"The link's {', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not one the "
            "form allows; the defaults stand in."
        )


def compare_runs() -> None:
    """This session's last runs side by side: validation curves and settings vs accuracy."""
    st.subheader("Compare runs")
    views = []
    for run_id in st.session_state.get("train_runs", []):
        try:
            found = jobs.engine().view(run_id, watched=False)
        except ENGINE_ERRORS:
            found = None
        if found is not None and found.done and found.summary:
            views.append(found)
    if len(views) < 2:
        st.info(
            "Finish two runs to compare them here: change one setting (augmentation, the "
            "learning rate, more images) and see what it does."
        )
        return
    st.plotly_chart(compare_chart(views), key="train_compare", config={"displayModeBar": False})
    st.markdown(compare_table(views))


def start_run() -> None:
    """The Start button's callback: queue a run and make the address its link."""
    state = st.session_state
    live = st.query_params.get(RUN_PARAM)
    if live and state.get("train_form_run") == live and state.get("train_shown_done") != live:
        return  # a second click from a page drawn before the first run began
    cfg = form_config()
    try:
        run_id = jobs.engine().submit(cfg)
    except ENGINE_ERRORS as exc:
        state["train_problem"] = jobs.one_line(exc)
        return
    st.query_params.clear()  # the run's link replaces any settings link
    st.query_params[RUN_PARAM] = run_id
    state["train_form_run"] = run_id
    state["train_runs"] = [run_id, *state.get("train_runs", [])][:KEPT_RUNS]
    fill_form(cfg)


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def estimate() -> str:
    """How long the form's settings take at this cluster's measured speed, if known."""
    try:
        engine = jobs.engine_if_started()
        architecture = st.session_state[form_key("architecture")]
        speed = engine.measured_speed(architecture) if engine else None
    except ENGINE_ERRORS:
        speed = None
    if not speed:
        return "The first run measures how fast this server trains."
    s = st.session_state
    images = (s[form_key("train_subset")] or config.TRAIN_COUNT) * (
        1 - s[form_key("validation_split")]
    )
    seconds = images * s[form_key("epochs")] / speed
    return (
        f"At the speed measured on this server's last {architecture} run ({speed:,.0f} "
        f"images/s), these settings train in about {format_seconds(seconds)}."
    )


def training_chart(view: jobs.RunView):
    """The loss and accuracy figure, updated only when the run's progress changed."""
    shown = st.session_state.get("train_chart")
    if shown is None or shown[0] != (view.run_id, view.progress.version):
        p = view.progress
        live = shown[1] if shown and shown[0][0] == view.run_id else None
        shown = ((view.run_id, p.version), training_curves(p.batch_points, p.epoch_logs, live))
        st.session_state["train_chart"] = shown
    return shown[1]


def live_view(run_id: str) -> None:
    """Progress and charts from the engine; a full rerun when the run ends."""
    try:
        view = jobs.engine().view(run_id)
    except ENGINE_ERRORS as exc:
        st.error(f"Lost touch with the training cluster: {jobs.one_line(exc)}")
        return
    if view is None:
        st.warning("This run has expired.")
        return
    p = view.progress
    if view.state == "queued":
        st.warning(
            f"⏳ Waiting for a free worker: number {view.queue_position} in the queue. Keep "
            "this page open (or its link): a queued run nobody looks at for a minute is "
            "cancelled."
        )
    elif view.state == "starting":
        st.info("Starting a training process on a worker…")
    elif not (view.done and not view.summary):
        text = (
            f"Epoch {min(p.epoch + 1, p.epochs)}/{p.epochs} · batch {p.batch}/{p.batches} · "
            f"{format_seconds(p.elapsed)} elapsed · ETA {format_seconds(p.eta_seconds)} · "
            f"{p.images_per_second:,.0f} images/s"
        )
        if view.done:
            text = f"{plural(p.epoch, 'epoch')} in {format_seconds(p.elapsed)}"
        st.progress(1.0 if view.done else p.fraction_done, text=text)
        st.plotly_chart(training_chart(view), key="train_curves", config={"displayModeBar": False})
        watch_it_learn(run_id, p)
    label = "✖ Cancel" if view.state == "queued" else "⏹ Stop"
    if view.state in ("queued", "starting", "running") and st.button(
        label, key="train_stop", help="A run ends after the current batch, keeping finished epochs"
    ):
        try:
            jobs.engine().stop(run_id)
        except ENGINE_ERRORS as exc:
            st.error(f"Could not reach the training cluster to stop the run: {jobs.one_line(exc)}")
    if view.state == "evaluating":
        st.info("Measuring accuracy on the 10,000 test images…")
    if view.done and st.session_state.get("train_shown_done") != run_id:
        st.session_state["train_shown_done"] = run_id
        st.rerun(scope="app")
    elif not view.done and view.state != st.session_state.get("train_page_state"):
        st.rerun(scope="app")  # the note above the form names the run's state: keep it true


def show_outcome(view: jobs.RunView) -> None:
    """Test accuracy, main confusions, downloads and 'use this model'."""
    if view.state == "failed":
        st.error(view.message)
        return
    if not view.summary:
        st.warning(view.message)
        return
    (st.success if view.state == "finished" else st.warning)(view.message)
    st.info(
        next_experiment(
            view.cfg,
            {
                k: [log[k] for log in view.progress.epoch_logs if k in log]
                for k in ("accuracy", "val_accuracy")
            },
        ),
        icon="🧪",
    )
    metrics = view.summary
    cm = metrics["confusion_matrix"]
    pairs = sorted(
        ((cm[t][q], t, q) for t in range(10) for q in range(10) if t != q), reverse=True
    )[:3]
    a, b = st.columns(2)
    a.metric("Test accuracy", f"{metrics['accuracy']:.2%}", help="On all 10,000 test images")
    with b:
        st.markdown("**Most common confusions** (open one in Explore errors)")
        for n, t, q in pairs:
            true, pred = config.CLASS_NAMES[t], config.CLASS_NAMES[q]
            st.page_link(
                "pages/explore.py",
                label=f"{true} → {pred}: {n}",
                query_params={"true": true, "pred": pred},
            )
    try:
        result = jobs.engine().result(view.run_id)
    except Exception as exc:  # the worker holding it was lost: one line, the page goes on
        result, problem = {}, jobs.one_line(exc)
    else:
        problem = "its worker was lost"
    if not result:
        st.warning(f"The trained model is no longer available: {problem}.")
        return
    c1, c2, c3 = st.columns(3)
    for column, suffix in ((c1, "keras"), (c2, "onnx")):
        column.download_button(
            f"⬇ Download model (.{suffix})",
            result[f"{'model' if suffix == 'keras' else 'onnx'}_file"],
            file_name=f"fashion_cnn_{view.cfg.architecture}.{suffix}",
            mime="application/octet-stream",
            key=f"train_download_{suffix}",
            on_click="ignore",
        )
    if c3.button("Use this model on Explore errors and Classify", key="train_use"):
        name = f"Trained here ({metrics['accuracy']:.1%})"
        st.session_state[TRAINED_KEY] = Predictor(result["onnx_file"], name)
        st.toast("Your model is now available on the other pages.")


st.title("🏋️ Train")
st.caption(
    "Train a CNN on Fashion-MNIST and watch it learn. It trains on a worker, not in this "
    "tab: its link reopens it from any browser."
)
run_id = st.query_params.get(RUN_PARAM)
view, problem = None, st.session_state.pop("train_problem", None)
try:
    engine = jobs.engine_if_started()  # an embedded cluster that never started has no runs
    view = engine.view(run_id) if engine and run_id else None
except ENGINE_ERRORS as exc:
    problem = jobs.one_line(exc)
if problem:
    st.error(problem)
elif run_id and view is None:
    st.warning(f"No run {run_id} here: a run is kept for an hour after it ends.")
if view is not None and st.session_state.get("train_form_run") != run_id:
    st.session_state["train_form_run"] = run_id
    fill_form(view.cfg)  # a reattached run shows its own settings
elif not run_id:
    apply_recipe_link()
busy = view is not None and not view.done
if busy:
    st.session_state["train_page_state"] = view.state
    st.info(RUN_STATE_NOTES.get(view.state, RUN_STATE_NOTES["running"]))
settings_form(disabled=busy)
recipe = urlencode(to_query(form_config()))
st.caption(f"🔗 These settings as a link to share: [`/train?{recipe}`](/train?{recipe})")
if view is None:
    st.info(f"Pick settings and press **Start training**. {estimate()}")
else:
    st.markdown(
        f"🔗 This run's link, for any browser: [`/train?run={run_id}`](/train?run={run_id})"
    )
    # Poll once a second while the run is live; a finished run is drawn once.
    st.fragment(live_view, run_every=None if view.done else 1.0)(run_id)
    with st.expander("What does this mean?"):
        st.markdown(
            notes(
                "epoch",
                "loss",
                "accuracy",
                "validation",
                "validation_beats_training",
                "weight_decay",
            )
        )
    if view.done:
        show_outcome(view)
compare_runs()
