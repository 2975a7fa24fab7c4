"""Train: a CNN learns in the background while its charts stream live.

TensorFlow is imported when a run starts (fashion_cnn.worker), never to draw the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from fashion_cnn import config
from fashion_cnn.charts import training_curves
from fashion_cnn.config import OPTIMIZERS, TrainConfig
from fashion_cnn.data import FashionMNIST
from fashion_cnn.model import ARCHITECTURES
from fashion_cnn.predict import Predictor
from fashion_cnn.wording import plural
from pages.views.entrypoint import run_through_entrypoint
from pages.views.shared import TRAINED_KEY, dataset_or_stop

if TYPE_CHECKING:
    from fashion_cnn.worker import TrainingRun

run_through_entrypoint()  # a deep link on a fresh server

RUN_KEY = "training_run"
# What the settings form says while a run is live, per run state.
RUN_STATE_NOTES = {
    "queued": "Your run is queued: it waits for a free slot on the server. Stop it to "
    "change the settings.",
    "running": "Your run is training. Stop it to change the settings.",
    "evaluating": "Your run has finished training and is measuring its test accuracy; "
    "the settings unlock in a moment.",
}
# Each form widget's key and the TrainConfig field it sets.
FORM_FIELDS = {
    "train_arch": "architecture",
    "train_epochs": "epochs",
    "train_batch": "batch_size",
    "train_subset": "train_subset",
    "train_optimizer": "optimizer",
    "train_lr": "learning_rate",
    "train_dropout": "dropout",
    "train_wd": "weight_decay",
    "train_augment": "augment",
    "train_val": "validation_split",
    "train_patience": "early_stopping",
}
# What the form shows on a first visit: settings that finish in about a minute.
FORM_DEFAULTS = TrainConfig(
    architecture="tiny",
    epochs=5,
    optimizer="adam",
    learning_rate=3e-3,
    dropout=0.2,
    weight_decay=1e-4,
    train_subset=20000,
    validation_split=0.1,
)


def settings_form(data: FashionMNIST, disabled: bool) -> None:
    """The controls; Start launches a run from its callback, before the page redraws."""
    d = FORM_DEFAULTS
    with st.form("train_settings", border=True):
        c1, c2, c3, c4 = st.columns(4)
        c1.selectbox(
            "Architecture",
            list(ARCHITECTURES),
            list(ARCHITECTURES).index(d.architecture),
            key="train_arch",
            disabled=disabled,
            help="tiny trains in seconds; studio is the bundled model's design",
        )
        c2.number_input(
            "Epochs",
            1,
            50,
            d.epochs,
            key="train_epochs",
            disabled=disabled,
            help="Passes over the training images",
        )
        c3.select_slider(
            "Batch size",
            [32, 64, 128, 256, 512],
            d.batch_size,
            key="train_batch",
            disabled=disabled,
            help="Images per weight update",
        )
        c4.select_slider(
            "Training images",
            [2000, 5000, 10000, 20000, 60000],
            d.train_subset,
            key="train_subset",
            disabled=disabled,
            help="Fewer images train faster",
        )
        c1, c2, c3, c4 = st.columns(4)
        c1.selectbox(
            "Optimizer",
            OPTIMIZERS,
            OPTIMIZERS.index(d.optimizer),
            key="train_optimizer",
            disabled=disabled,
            help="adam adapts step sizes; sgd uses Nesterov momentum",
        )
        c2.select_slider(
            "Learning rate",
            [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1],
            d.learning_rate,
            key="train_lr",
            disabled=disabled,
            help="Peak step size, after a warm-up",
        )
        c3.slider(
            "Dropout",
            0.0,
            0.6,
            d.dropout,
            0.05,
            key="train_dropout",
            disabled=disabled,
            help="Share of features dropped before the classifier",
        )
        c4.select_slider(
            "L2 weight decay",
            [0.0, 1e-5, 1e-4, 5e-4, 1e-3],
            d.weight_decay,
            key="train_wd",
            disabled=disabled,
            help="Pulls weights towards zero",
        )
        c1, c2, c3, c4 = st.columns(4)
        c1.toggle(
            "Augmentation",
            d.augment,
            key="train_augment",
            disabled=disabled,
            help="Random shifts, flips and erased patches each epoch",
        )
        c2.slider(
            "Validation share",
            0.0,
            0.3,
            d.validation_split,
            0.05,
            key="train_val",
            disabled=disabled,
            help="Held out from training to watch for overfitting",
        )
        c3.number_input(
            "Early stopping patience",
            0,
            10,
            d.early_stopping,
            key="train_patience",
            disabled=disabled,
            help="Stop after this many epochs without a better validation loss; 0 turns it off",
        )
        c4.form_submit_button(
            "▶ Start training",
            type="primary",
            width="stretch",
            disabled=disabled,
            on_click=start_run,
            args=(data,),
        )


def start_run(data: FashionMNIST) -> None:
    """The Start button's callback: a run with the form's settings, in the background."""
    from fashion_cnn.worker import TrainingRun

    state = st.session_state
    if state.get(RUN_KEY) is not None and not state[RUN_KEY].done:
        return  # a second click from a page drawn before the first run began
    settings = {field: state[key] for key, field in FORM_FIELDS.items()}
    cfg = TrainConfig(**settings, warmup_epochs=1 if settings["epochs"] > 2 else 0)
    state[RUN_KEY] = TrainingRun(cfg, data).start()
    state["train_shown_done"] = False
    # The form is redrawn disabled now, and Streamlit ignores a value that arrives for a
    # disabled widget; set programmatically, the submitted values win and stay on show.
    for key in FORM_FIELDS:
        state[key] = state[key]


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def live_view() -> None:
    """Progress and charts from the run's buffer; triggers a full rerun when the run ends."""
    run: TrainingRun = st.session_state[RUN_KEY]
    p = run.snapshot()
    if p.state == "queued":
        st.warning(
            f"⏳ The server is busy: it trains at most {plural(run.slots.limit, 'run')} at once. "
            "Yours starts as soon as one ends."
        )
    else:
        text = (
            f"Epoch {min(p.epoch + 1, p.epochs)}/{p.epochs} · batch {p.batch}/{p.batches} · "
            f"{format_seconds(p.elapsed)} elapsed · ETA {format_seconds(p.eta_seconds)} · "
            f"{p.images_per_second:,.0f} images/s"
        )
        if run.done:
            text = f"{plural(p.epoch, 'epoch')} in {format_seconds(p.elapsed)}"
        st.progress(1.0 if run.done else p.fraction_done, text=text)
        st.plotly_chart(
            training_curves(p.batch_points, p.epoch_logs),
            key="train_curves",
            config={"displayModeBar": False},
        )
    if p.state in ("queued", "running") and st.button(
        "⏹ Stop",
        key="train_stop",
        help="Ends after the current batch and keeps the last finished epoch",
    ):
        run.stop()
    if p.state == "evaluating":
        st.info("Measuring accuracy on the 10,000 test images…")
    if run.done and not st.session_state.get("train_shown_done"):
        st.session_state["train_shown_done"] = True
        st.rerun(scope="app")


def show_outcome(run: TrainingRun) -> None:
    """Test accuracy, main confusions, download and 'use this model'."""
    p = run.snapshot()
    if p.state == "failed":
        st.error(p.message)
        return
    if run.result is None:
        st.warning(p.message)
        return
    (st.success if p.state == "finished" else st.warning)(p.message)
    metrics = run.test_metrics
    cm = metrics["confusion_matrix"]
    pairs = sorted(
        ((cm[t][q], t, q) for t in range(10) for q in range(10) if t != q), reverse=True
    )[:3]
    a, b = st.columns(2)
    a.metric("Test accuracy", f"{metrics['accuracy']:.2%}", help="On all 10,000 test images")
    b.markdown(
        "**Most common confusions**\n\n"
        + "\n".join(
            f"- {config.CLASS_NAMES[t]} → {config.CLASS_NAMES[q]}: {n}" for n, t, q in pairs
        )
    )
    c1, c2, c3 = st.columns(3)
    for column, suffix, data in ((c1, "keras", run.model_file), (c2, "onnx", run.onnx_file)):
        column.download_button(
            f"⬇ Download model (.{suffix})",
            data,
            file_name=f"fashion_cnn_{run.cfg.architecture}.{suffix}",
            mime="application/octet-stream",
            key=f"train_download_{suffix}",
        )
    if c3.button("Use this model on Explore errors and Classify", key="train_use"):
        name = f"Trained here ({metrics['accuracy']:.1%})"
        st.session_state[TRAINED_KEY] = Predictor(run.onnx_file, name)
        st.toast("Your model is now available on the other pages.")


st.title("🏋️ Train")
st.caption(
    "Train a CNN on Fashion-MNIST and watch it learn. It runs in the background: "
    "you may leave this page and come back."
)
data = dataset_or_stop()
run: TrainingRun | None = st.session_state.get(RUN_KEY)
busy = run is not None and not run.done
if busy:
    st.info(RUN_STATE_NOTES.get(run.snapshot().state, RUN_STATE_NOTES["running"]))
elif run is None:  # said above the form, which is long on a phone
    st.info(
        "Pick settings and press **Start training**. The defaults finish in about a "
        "minute on two CPU cores."
    )
# While a run is live its settings stay on screen, disabled.
settings_form(data, disabled=busy)
if run is None:
    st.stop()
# Poll once a second while the run is live; a finished run is drawn once.
st.fragment(live_view, run_every=None if run.done else 1.0)()
if run.done:
    show_outcome(run)
