"""Train: a CNN learns in the background while its charts stream live."""

import streamlit as st

from fashion_cnn import config
from fashion_cnn.charts import training_curves
from fashion_cnn.model import ARCHITECTURES
from fashion_cnn.training import OPTIMIZERS, TrainConfig
from fashion_cnn.worker import SLOTS, TrainingRun
from pages.views.shared import TRAINED_KEY, dataset_or_stop, make_handle

RUN_KEY = "training_run"


def settings_form() -> TrainConfig | None:
    """The controls; returns a config when Start is pressed."""
    with st.form("train_settings", border=True):
        c1, c2, c3, c4 = st.columns(4)
        arch = c1.selectbox(
            "Architecture",
            list(ARCHITECTURES),
            key="train_arch",
            help="tiny trains in seconds; studio is the bundled model's design",
        )
        epochs = c2.number_input(
            "Epochs", 1, 50, 5, key="train_epochs", help="Passes over the training images"
        )
        batch = c3.select_slider(
            "Batch size",
            [32, 64, 128, 256, 512],
            128,
            key="train_batch",
            help="Images per weight update",
        )
        subset = c4.select_slider(
            "Training images",
            [2000, 5000, 10000, 20000, 60000],
            20000,
            key="train_subset",
            help="Fewer images train faster",
        )
        c1, c2, c3, c4 = st.columns(4)
        optimizer = c1.selectbox(
            "Optimizer",
            OPTIMIZERS,
            index=1,
            key="train_optimizer",
            help="adam adapts step sizes; sgd uses Nesterov momentum",
        )
        lr = c2.select_slider(
            "Learning rate",
            [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1],
            3e-3,
            key="train_lr",
            help="Peak step size, after a warm-up",
        )
        dropout = c3.slider(
            "Dropout",
            0.0,
            0.6,
            0.2,
            0.05,
            key="train_dropout",
            help="Share of features dropped before the classifier",
        )
        weight_decay = c4.select_slider(
            "L2 weight decay",
            [0.0, 1e-5, 1e-4, 5e-4, 1e-3],
            1e-4,
            key="train_wd",
            help="Pulls weights towards zero",
        )
        c1, c2, c3, c4 = st.columns(4)
        augment = c1.toggle(
            "Augmentation",
            True,
            key="train_augment",
            help="Random shifts, flips and erased patches each epoch",
        )
        val_split = c2.slider(
            "Validation share",
            0.0,
            0.3,
            0.1,
            0.05,
            key="train_val",
            help="Held out from training to watch for overfitting",
        )
        patience = c3.number_input(
            "Early stopping patience",
            0,
            10,
            0,
            key="train_patience",
            help="Stop after this many epochs without a better validation loss; 0 turns it off",
        )
        started = c4.form_submit_button("▶ Start training", type="primary", width="stretch")
    if not started:
        return None
    return TrainConfig(
        architecture=arch,
        epochs=int(epochs),
        batch_size=batch,
        learning_rate=lr,
        optimizer=optimizer,
        dropout=dropout,
        weight_decay=weight_decay,
        augment=augment,
        train_subset=subset,
        validation_split=val_split,
        early_stopping=int(patience),
        warmup_epochs=1 if epochs > 2 else 0,
    )


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
            f"⏳ The server is busy with {SLOTS.limit} training run(s); yours starts "
            "as soon as one ends."
        )
    else:
        text = (
            f"Epoch {min(p.epoch + 1, p.epochs)}/{p.epochs} · batch {p.batch}/{p.batches} · "
            f"{format_seconds(p.elapsed)} elapsed · ETA {format_seconds(p.eta_seconds)} · "
            f"{p.images_per_second:,.0f} images/s"
        )
        if run.done:
            text = f"{p.epoch} epochs in {format_seconds(p.elapsed)}"
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
    c1, c2 = st.columns(2)
    c1.download_button(
        "⬇ Download model (.keras)",
        run.model_file,
        file_name=f"fashion_cnn_{run.cfg.architecture}.keras",
        mime="application/octet-stream",
        key="train_download",
    )
    if c2.button("Use this model on Explore errors and Classify", key="train_use"):
        name = f"Trained here ({metrics['accuracy']:.1%})"
        st.session_state[TRAINED_KEY] = make_handle(name, run.result.model, f"session:{id(run)}")
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
    st.info("A run is in progress. Stop it to change the settings.")
else:
    cfg = settings_form()
    if cfg is not None:
        run = st.session_state[RUN_KEY] = TrainingRun(cfg, data).start()
        st.session_state["train_shown_done"] = False
        st.rerun()
if run is None:
    st.info(
        "Pick settings and press **Start training**. The defaults finish in about a "
        "minute on two CPU cores."
    )
    st.stop()
# Poll once a second while the run is live; a finished run is drawn once.
st.fragment(live_view, run_every=None if run.done else 1.0)()
if run.done:
    show_outcome(run)
