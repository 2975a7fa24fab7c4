"""The Train page's settings form: TrainConfig's fields as widgets, links that fill it,
and the Start button's callback."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from fashion_cnn.common import config
from fashion_cnn.common.settings import QUICK_RUN, TrainConfig, form_fields, form_warmup
from fashion_cnn.jobs import runs
from fashion_cnn.ui.recipe import from_query, to_query
from fashion_cnn.ui.wording import and_list, format_seconds, setting_name

RUN_PARAM = "run"  # /train?run=ID
COMPARE_PARAM = "compare"  # /train?run=ID&compare=A,B: the visitor's earlier runs
KEPT_RUNS = 5  # a visitor's last runs, to compare
FILLED_FOR = "train_form_filled"  # (run ID, ended): the run whose settings the form holds
FORM_DEFAULTS = QUICK_RUN  # what the form shows on a first visit
FORM_COLUMNS = 4  # settings per row
# The settings shown at once (the next run's hints name them most); the others fold away.
MAIN_SETTINGS = ("architecture", "epochs", "train_subset", "augment")
# Problems the engine reports, each a one-line message for the page.
ENGINE_ERRORS = (runs.EngineUnavailable, runs.QueueFull, OSError, TimeoutError)


def form_key(name: str) -> str:
    return f"train_{name}"


def fill_form(cfg: TrainConfig, run_id: str | None = None, done: bool = False) -> None:
    """Put a run's settings in the form (set in session state before it is drawn), and
    note which run, live or ended, they came from."""
    for f in form_fields():
        st.session_state[form_key(f.name)] = getattr(cfg, f.name)
    st.session_state[FILLED_FOR] = (run_id, done)


def setting_rows(fields: list) -> None:
    """Fields as their controls, FORM_COLUMNS to a row (stacked on a phone)."""
    for start in range(0, len(fields), FORM_COLUMNS):
        row = fields[start : start + FORM_COLUMNS]
        for column, f in zip(st.columns(FORM_COLUMNS), row, strict=False):
            setting_widget(column, f)


def setting_widget(column, f) -> None:
    """One TrainConfig field as the control its metadata declares."""
    m = f.metadata
    options = m.get("choices") or ()
    options = list(options() if callable(options) else options)
    common = dict(key=form_key(f.name), help=m["help"])
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


def settings_form() -> None:
    """The settings a visitor changes most, the others folded under them, and Start; then
    the settings as a link. Start submits a run from its callback. Not an st.form: each
    change reruns the page, so that the link and the time estimate follow it, and Enter in a
    box starts nothing. Each field's value is kept across pages (session.KEPT_WIDGETS)."""
    cfg, problem = form_config_or_problem()
    main = [f for f in form_fields() if f.name in MAIN_SETTINGS]
    more = [f for f in form_fields() if f.name not in MAIN_SETTINGS]
    # Folded, so that Start is on a phone's first screen (eleven stacked: 1.4 screens).
    # Open when one of them is not the first visit's: a link's or a run's settings show.
    changed = any(
        st.session_state[form_key(f.name)] != getattr(FORM_DEFAULTS, f.name) for f in more
    )
    with st.container(border=True, key="train_settings"):
        setting_rows(main)
        label = f"More settings: {and_list([setting_name(f) for f in more])}"
        with st.expander(label, expanded=changed, key="train_more"):
            setting_rows(more)
        st.button(
            "▶ Start training",
            key="train_start",
            type="primary",
            on_click=start_run,
            disabled=problem is not None,
        )
    if problem:
        st.warning(problem)
        return
    # The link by name: spelled out, the address took five lines on a phone. It opens in a
    # new session, so it carries this visitor's runs, still to compare after a run from it.
    query, earlier = to_query(cfg), visitor_runs()
    if earlier:
        query[COMPARE_PARAM] = ",".join(earlier)
    with_runs = ", with your runs to compare" if earlier else ""
    st.caption(
        f"🔗 [These settings as a link](/train?{urlencode(query)}){with_runs}, to share or "
        "bookmark."
    )


def form_config_or_problem() -> tuple[TrainConfig | None, str | None]:
    """The settings the form holds now, or None and a line saying why no run can use them
    (settings that cannot train together, such as early stopping without validation)."""
    settings = {f.name: st.session_state[form_key(f.name)] for f in form_fields()}
    try:
        return TrainConfig(**settings, warmup_epochs=form_warmup(settings["epochs"])), None
    except ValueError as exc:
        return None, f"These settings cannot train together: {exc}."


def apply_recipe_link() -> None:
    """Settings named in the link (/train?epochs=5&...) fill the form, once per link."""
    params = {key: st.query_params[key] for key in st.query_params}
    if not params or st.session_state.get("train_recipe_applied") == params:
        return
    st.session_state["train_recipe_applied"] = params
    cfg, wrong, clashes = from_query(params, FORM_DEFAULTS)
    fill_form(cfg)
    if wrong:
        one = len(wrong) == 1
        st.warning(
            f"The link's {and_list(wrong)} {'is not a value' if one else 'are not values'} "
            f"the form allows; {'its default stands' if one else 'their defaults stand'} in."
        )
    for clash in clashes:
        st.warning(f"The link's {clash}; its default stands in.")


def start_run() -> None:
    """The Start button's callback: queue a run and make the address its link."""
    state = st.session_state
    live = st.query_params.get(RUN_PARAM)
    if live and state.get(FILLED_FOR) == (live, False):
        return  # a second click from a page drawn before the first run began
    cfg, problem = form_config_or_problem()  # a change sent with the click may clash
    if cfg is None:
        state["train_problem"] = problem
        return
    try:
        run_id = runs.engine().submit(cfg)
    except ENGINE_ERRORS as exc:
        state["train_problem"] = runs.one_line(exc)
        return
    earlier = visitor_runs()
    link_run(run_id, earlier)
    state["train_runs"] = [run_id, *earlier][:KEPT_RUNS]
    fill_form(cfg, run_id, done=False)


def link_run(run_id: str, others: list[str]) -> None:
    """The address becomes the run's link (replacing any settings link), with the
    visitor's `others` runs to compare."""
    st.query_params.clear()
    st.query_params[RUN_PARAM] = run_id
    if others:
        st.query_params[COMPARE_PARAM] = ",".join(others[: KEPT_RUNS - 1])


def visitor_runs() -> list[str]:
    """This visitor's last runs, newest first. The address keeps them too (?run=ID&compare=
    A,B), so that a reload, which starts a new session, still compares them."""
    state = st.session_state
    if "train_runs" not in state:
        linked = [
            st.query_params.get(RUN_PARAM),
            *st.query_params.get(COMPARE_PARAM, "").split(","),
        ]
        ids = [r for r in linked if runs.is_run_id(r)]
        state["train_runs"] = list(dict.fromkeys(ids))[:KEPT_RUNS]
    return state["train_runs"]


def unreadable_compare_names() -> int:
    """How many names in the address's ?compare= are not run IDs (?run= has its warning)."""
    names = st.query_params.get(COMPARE_PARAM, "").split(",")
    return sum(bool(name) and not runs.is_run_id(name) for name in names)


def estimate() -> str:
    """How long the form's settings take at this cluster's measured speed, if known."""
    try:
        engine = runs.engine_if_started()
        architecture = st.session_state[form_key("architecture")]
        measured = engine.measured_speed(architecture) if engine else None
    except ENGINE_ERRORS:
        measured = None
    cfg, _ = form_config_or_problem()
    if not measured or not measured[0] or cfg is None:
        return "The first run measures how fast this server trains."
    pace, start = measured
    seconds = start + cfg.images_per_epoch(config.TRAIN_COUNT) * cfg.epochs / pace
    started = f"{start:.0f} s to start, then " if start >= 1 else ""
    return (
        f"At the pace of this server's last {architecture} run ({started}{pace:,.0f} "
        f"images/s), these settings train in about {format_seconds(seconds)}."
    )
