"""A finished run's model on the other pages: "Use this model", and links that name the
run (/explore?run=ID&true=Shirt&pred=Coat, from the run's main confusions)."""

from __future__ import annotations

import streamlit as st

from fashion_cnn.common.contract import ModelFileError
from fashion_cnn.jobs import runs
from fashion_cnn.serving.predictor import Predictor
from fashion_cnn.ui.wording import RUN_ID_FORM, RUN_KEPT
from pages.views.session import VISIT
from pages.views.shared import BUNDLED, MODEL_CHOICE, TRAINED_KEY
from pages.views.train_form import RUN_PARAM  # ?run=ID names a run on every page

TRAINED_RUN = "trained_run"  # session_state: the run whose model TRAINED_KEY holds


def use_run_model(run_id: str, onnx: bytes, accuracy: float) -> str | None:
    """Make a run's exported model this session's trained model, and choose it; or leave
    the choice as it is and say in one line why the model cannot be read."""
    name = f"Trained here (run {run_id[:6]}, {accuracy:.1%})"
    try:
        st.session_state[TRAINED_KEY] = Predictor(onnx, name)
    except ModelFileError as exc:
        return str(exc)
    st.session_state[TRAINED_RUN] = run_id
    st.session_state[MODEL_CHOICE] = name
    return None


def in_use(run_id: str) -> bool:
    """Whether the other pages show this run's model (the visitor chose it and kept it)."""
    trained = st.session_state.get(TRAINED_KEY)
    return (
        trained is not None
        and st.session_state.get(TRAINED_RUN) == run_id
        and st.session_state.get(MODEL_CHOICE) == trained.name
    )


def run_model(run_id: str) -> tuple[bytes | None, float, str]:
    """A finished run's exported model and test accuracy, or None and a one-line reason."""
    try:
        engine = runs.engine_if_started()  # a server that ran no run holds none
        view = engine.view(run_id, watched=False) if engine else None
        result = engine.result(run_id) if view is not None and view.summary else {}
    except Exception as exc:  # the cluster or the worker holding it was lost: one line
        return None, 0.0, runs.one_line(exc)
    if not result:
        if view is not None and not view.done:
            return None, 0.0, "the run is still training"
        return None, 0.0, RUN_KEPT
    return result["onnx_file"], view.summary["accuracy"], ""


def apply_run_link() -> None:
    """A link naming a finished run (?run=ID) opens the page on that run's model, once per
    arrival; where the run is gone, the page says so and uses the bundled model."""
    run_id = st.query_params.get(RUN_PARAM)
    arrival = (st.session_state.get(VISIT), run_id)
    if run_id is None or st.session_state.get("run_link_applied") == arrival:
        return
    st.session_state["run_link_applied"] = arrival
    trained = st.session_state.get(TRAINED_KEY)
    if run_id == st.session_state.get(TRAINED_RUN) and trained is not None:
        st.session_state[MODEL_CHOICE] = trained.name
        return
    if not runs.is_run_id(run_id):
        st.warning(f"This link names no run: a run's ID is {RUN_ID_FORM}.")
        return
    onnx, accuracy, problem = run_model(run_id)
    if onnx is not None:
        problem = use_run_model(run_id, onnx, accuracy)
    if problem:
        st.warning(f"Run {run_id}'s model is not here ({problem}): showing the bundled CNN.")
        st.session_state[MODEL_CHOICE] = BUNDLED


def link_model(model: Predictor) -> None:
    """The address names the run whose model the page shows, and none for the bundled one,
    so that a shared link opens on the same model."""
    if model is st.session_state.get(TRAINED_KEY) and st.session_state.get(TRAINED_RUN):
        st.query_params[RUN_PARAM] = st.session_state[TRAINED_RUN]
        st.session_state["run_link_applied"] = (
            st.session_state.get(VISIT),
            st.session_state[TRAINED_RUN],
        )
    else:
        st.query_params.pop(RUN_PARAM, None)


def run_of_page() -> dict[str, str]:
    """The run the address names ({"run": ID}), or {}: for links to another page that
    should open on the same model (`link_model` keeps the address up to date)."""
    run_id = st.query_params.get(RUN_PARAM)
    return {RUN_PARAM: run_id} if run_id else {}
