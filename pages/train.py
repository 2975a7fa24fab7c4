"""Train: a CNN learns on the training workers while its charts stream live.

The page only talks to the engine (fashion_cnn.jobs.runs) and never imports TensorFlow. A run
belongs to its link, /train?run=ID, not to a browser tab: any browser can reattach."""

from __future__ import annotations

import streamlit as st

from fashion_cnn.jobs import runs
from fashion_cnn.ui.glossary import notes
from fashion_cnn.ui.wording import RUN_ID_FORM, RUN_KEPT, settings_summary
from pages.views.entrypoint import run_through_entrypoint
from pages.views.train_form import (
    ENGINE_ERRORS,
    FILLED_FOR,
    RUN_PARAM,
    apply_recipe_link,
    estimate,
    fill_form,
    settings_form,
)
from pages.views.train_run import compare_runs, last_run_link, live_view, show_outcome

run_through_entrypoint()  # a deep link on a fresh server

# What the top of the page says while a run is live, per run state.
RUN_STATE_NOTES = {
    "queued": "Your run is queued: it waits for a free worker. Cancel it to change the settings.",
    "starting": "Your run is starting on a worker. Stop it to change the settings.",
    "running": "Your run is training. Stop it to change the settings.",
    "evaluating": "Your run's training has ended (its last epoch, or a stop) and it is "
    "measuring its test accuracy; the settings unlock in a moment.",
}

st.title("🏋️ Train")
st.caption(
    "Train a CNN on Fashion-MNIST and watch it learn. It trains on a worker, not in this "
    "tab: its link reopens it from any browser."
)
run_id = st.query_params.get(RUN_PARAM)
engine, view, problem = None, None, st.session_state.pop("train_problem", None)
if run_id and not runs.is_run_id(run_id):
    st.warning(f"This link names no run: a run's link ends in ?run= and {RUN_ID_FORM}.")
    run_id = None
try:
    engine = runs.engine_if_started()  # an embedded cluster that never started has no runs
    view = engine.view(run_id) if engine and run_id else None
except ENGINE_ERRORS as exc:
    problem = runs.one_line(exc)
if problem:
    st.error(problem)
elif run_id and view is None:
    st.warning(f"No run {run_id} here: {RUN_KEPT}.")
if view is not None and st.session_state.get(FILLED_FOR) != (run_id, view.done):
    # Once when a run is first shown and once when it ends: the form then holds its
    # settings, ready to tweak (a form not drawn during the run lost its widgets' state).
    fill_form(view.cfg, run_id, view.done)
elif not run_id:
    apply_recipe_link()
    last_run_link(engine)  # the sidebar's Train leads here without the run's link
busy = view is not None and not view.done
if busy:
    st.session_state["train_page_state"] = view.state
    st.info(RUN_STATE_NOTES.get(view.state, RUN_STATE_NOTES["running"]))
if view is None:
    settings_form()
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
        st.subheader("Next run")
        st.caption("This run's settings are filled in: change one and start again.")
    if busy:  # a summary, folded under the charts: a greyed form is a screen or more on a phone
        with st.expander("This run's settings"):
            st.markdown(settings_summary(view.cfg))
    else:
        settings_form()
compare_runs()
