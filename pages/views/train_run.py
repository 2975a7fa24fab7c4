"""The Train page's view of one run: live progress and charts, its outcome, and the
session's finished runs compared."""

from __future__ import annotations

import time

import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.jobs import runs
from fashion_cnn.serving.mistakes import main_confusions
from fashion_cnn.ui.charts import compare_chart, compare_table, training_curves
from fashion_cnn.ui.exports import compare_csv
from fashion_cnn.ui.glossary import next_experiment
from fashion_cnn.ui.wording import (
    STOP_LABEL,
    eta_text,
    format_seconds,
    last_run_line,
    missing_runs_note,
    plural,
    run_position,
)
from pages.views.run_model import in_use, use_run_model
from pages.views.train_form import (
    ENGINE_ERRORS,
    RUN_PARAM,
    link_run,
    unreadable_compare_names,
    visitor_runs,
)
from pages.views.watch import watch_it_learn


def training_chart(view: runs.RunView):
    """The loss and accuracy figure, updated only when the run's progress changed."""
    shown = st.session_state.get("train_chart")
    if shown is None or shown[0] != (view.run_id, view.progress.version):
        p = view.progress
        live = shown[1] if shown and shown[0][0] == view.run_id else None
        shown = ((view.run_id, p.version), training_curves(p.batch_points, p.epoch_logs, live))
        st.session_state["train_chart"] = shown
    return shown[1]


def last_run_link(engine: runs.Engine | None) -> None:
    """A way back to this session's last run for a visitor on /train without its link: the
    sidebar's Train drops ?run=, and with it the run's charts and results. A button, not a
    link: a link would load the page in a new session, without what the visitor made in
    this one (a page link to this page leaves the address without ?run=)."""
    try:
        earlier = visitor_runs()
        view = engine.view(earlier[0], watched=False) if engine and earlier else None
    except ENGINE_ERRORS:
        return  # the page's top says what went wrong
    if view is None:
        return  # expired: Compare runs says so
    accuracy = view.summary["accuracy"] if view.summary else None
    st.button(
        last_run_line(view.state, view.progress.epoch, view.cfg.epochs, accuracy),
        key="train_last_run",
        icon=":material/history:",
        on_click=lambda: link_run(view.run_id, [r for r in earlier if r != view.run_id]),
    )


def live_view(run_id: str) -> None:
    """Progress and charts from the engine; a full rerun when the run ends."""
    try:
        view = runs.engine().view(run_id)
    except ENGINE_ERRORS as exc:
        st.error(f"Lost touch with the training cluster: {runs.one_line(exc)}")
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
    elif not view.done and not (p.batch_points or p.epoch_logs):  # empty axes look broken
        st.info("Training has begun: the curves start with its first batches, in a moment.")
    # Progress and curves once there is something to show: a live run's first points, or
    # a finished run's summary.
    live = view.state not in ("queued", "starting") and bool(p.batch_points or p.epoch_logs)
    charted = bool(view.summary) if view.done else live
    if charted:
        # The clock runs from the run's start at each poll: progress comes with batches,
        # and between epochs none comes for seconds (measuring one, starting the next).
        text = (
            f"{run_position(p.epoch, p.epochs, p.batch, p.batches)} · "
            f"{format_seconds(p.elapsed_at(time.time()))} elapsed · "
            f"{eta_text(p.eta_seconds)} · {p.images_per_second:,.0f} images/s"
        )
        if view.done or view.state == "evaluating":  # training is over: no epoch nor ETA
            of = f" of {p.epochs}" if p.epoch < p.epochs else ""  # a stopped run kept fewer
            text = f"{plural(p.epoch, 'epoch')}{of} in {format_seconds(p.elapsed)}"
        st.progress(p.fraction_done, text=text)
    # Stop before the charts: on a phone, below them, it was off the first screen. What
    # it keeps is in its label, not a tooltip: Stop appears where Start was clicked, under
    # the pointer, and a tooltip there covered the progress line for the whole run.
    label = "✖ Cancel" if view.state == "queued" else STOP_LABEL
    if view.state in ("queued", "starting", "running") and st.button(label, key="train_stop"):
        try:
            runs.engine().stop(run_id)
        except ENGINE_ERRORS as exc:
            st.error(f"Could not reach the training cluster to stop the run: {runs.one_line(exc)}")
    if charted:
        st.plotly_chart(training_chart(view), key="train_curves", config={"displayModeBar": False})
        watch_it_learn(run_id, p)
    if view.state == "evaluating":
        st.info("Measuring accuracy on the 10,000 test images…")
    if view.done and st.session_state.get("train_shown_done") != run_id:
        st.session_state["train_shown_done"] = run_id
        st.rerun(scope="app")
    elif not view.done and view.state != st.session_state.get("train_page_state"):
        st.rerun(scope="app")  # the note above the form names the run's state: keep it true


def show_outcome(view: runs.RunView) -> None:
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
            stopped=view.state == "stopped",
        ),
        icon="🧪",
    )
    metrics = view.summary
    pairs = main_confusions(metrics["confusion_matrix"])
    a, b = st.columns(2)
    a.metric("Test accuracy", f"{metrics['accuracy']:.2%}", help="On all 10,000 test images")
    with b:
        if pairs:
            st.markdown("**Most common confusions** (open one in Explore errors)")
        for n, t, q in pairs:
            true, pred = config.CLASS_NAMES[t], config.CLASS_NAMES[q]
            st.page_link(  # Explore opens on this run's model
                "pages/explore.py",
                label=f"{true} → {pred}: {n}",
                query_params={RUN_PARAM: view.run_id, "true": true, "pred": pred},
                icon=":material/search:",  # so that it reads as a link, not as text
            )
    try:
        result = runs.engine().result(view.run_id)
    except Exception as exc:  # the worker holding it was lost: one line, the page goes on
        result, problem = {}, runs.one_line(exc)
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
    if c3.button(
        "Use this model on the other pages",
        key="train_use",
        help="Explore errors and Classify switch to it; the bundled model stays a click away",
    ):
        problem = use_run_model(view.run_id, result["onnx_file"], metrics["accuracy"])
        if problem:
            st.error(f"This run's model cannot be used: {problem}.")
        else:
            st.toast(
                "Explore errors and Classify now use your model (the bundled one stays a "
                "click away)."
            )
    if in_use(view.run_id):  # lasts, where the toast fades
        c3.caption("✓ In use on Explore errors and Classify")


def compare_runs() -> None:
    """The visitor's last runs side by side: validation curves and settings vs accuracy."""
    st.subheader("Compare runs")
    views, gone = [], []
    try:
        engine = runs.engine_if_started()  # a look at a link starts no cluster: no runs
        linked = visitor_runs()
    except ENGINE_ERRORS:
        linked = []  # the page's top says what went wrong
    for run_id in linked:
        try:
            found = engine.view(run_id, watched=False) if engine else None
        except ENGINE_ERRORS:
            continue  # as above
        if found is None and run_id != st.query_params.get(RUN_PARAM):  # that one: warned
            gone.append(run_id)
        elif found is not None and found.done and found.summary:
            views.append(found)
    if note := missing_runs_note(len(gone), unreadable_compare_names()):
        st.caption(note)
    if len(views) < 2:
        st.info(
            "Finish two runs to compare them here: change one setting "
            "(augmentation, the learning rate, more images) and see what it does."
        )
        return
    views.reverse()  # oldest first: each run keeps its colour as newer ones join
    st.plotly_chart(compare_chart(views), key="train_compare", config={"displayModeBar": False})
    table, alike = compare_table(views)
    st.markdown(table)
    if alike:
        st.caption(alike)
    st.download_button(
        "⬇ Runs compared (CSV)",
        compare_csv(views),
        file_name="runs_compared.csv",
        mime="text/csv",
        key="train_download_compare",
        on_click="ignore",
    )
