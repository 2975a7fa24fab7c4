"""Short answers to "what does this mean?" where a newcomer to machine learning stops."""

from __future__ import annotations

NOTES = {
    "loss": "**Loss** measures how wrong the network's probabilities are on a batch (cross-"
    "entropy: the lower, the more probability it puts on the right class). Training nudges "
    "the weights to lower it.",
    "accuracy": "**Accuracy** is the share of images whose most probable class is the right one.",
    "validation": "**Validation** images are held out of training, so their accuracy shows "
    "how the network does on images it has not learned from. Training accuracy well above "
    "validation accuracy means it starts to memorise (overfit).",
    "validation_beats_training": "**Why can validation beat training accuracy?** During "
    "training the images are augmented (shifted, flipped, partly erased) and dropout is on, "
    "which makes them harder; validation images are shown as they are, and are measured "
    "after the epoch, with the epoch's improvements.",
    "weight_decay": "**Weight decay** (L2) pulls every weight a little towards zero at each "
    "step, which keeps the network from relying on a few large weights and helps it "
    "generalise.",
    "epoch": "An **epoch** is one pass over all the training images; a **batch** is the "
    "handful of images (here 32 to 512) after which the weights are updated.",
    "confusion_matrix": "The **confusion matrix** counts, for each true class (row), which "
    "class the network predicted (column). The diagonal holds the right answers; every "
    "other cell is one kind of mistake, such as shirts taken for T-shirts.",
    "f1": "**Precision**: of the images called a class, the share that are it. **Recall**: "
    "of the images of a class, the share found. **F1** is their harmonic mean: high only "
    "when both are.",
    "gradcam": "**Grad-CAM** colours the parts of the image that raised the predicted "
    "class's probability most, from the last convolution's feature maps and how much each "
    "map counts for that class.",
    "feature_map": "The **feature map** places each test image by the numbers the CNN "
    "computes just before its answer (one per channel of its last convolution). Images "
    "close together look alike to the network; a mistake inside another class's cloud is "
    "one the network could hardly avoid.",
}


def notes(*names: str) -> str:
    """The named notes as Markdown paragraphs."""
    return "\n\n".join(NOTES[name] for name in names)


def next_experiment(cfg, history: dict[str, list[float]], stopped: bool = False) -> str:
    """One experiment to try after a run, from its settings and curves (of the epochs it
    kept, where it was `stopped`)."""
    kept = len(history.get("accuracy") or [])
    if stopped and kept < cfg.epochs:
        return (
            f"This run was stopped after {kept} of its {cfg.epochs} epochs, so its accuracy "
            "says little yet of what its settings can do: run them to the end (**Next run** "
            "keeps them) before you change one."
        )
    train_acc = (history.get("accuracy") or [0])[-1]
    val_acc = (history.get("val_accuracy") or [None])[-1]
    if val_acc is not None and train_acc - val_acc > 0.05:
        remedy = "Turn **augmentation** on, or try" if not cfg.augment else "Try"
        return (
            "Training accuracy is well above validation: the network starts to memorise. "
            f"{remedy} more **weight decay** or **dropout**, or more training images."
        )
    if cfg.train_subset and cfg.train_subset < 60_000:
        return (
            f"Next, try **more training images** ({cfg.train_subset:,} now, up to 60,000): "
            "more examples are the surest way to better accuracy."
        )
    if cfg.epochs < 15:
        return "Next, try **more epochs**: the curves were probably still rising."
    if cfg.architecture != "studio":
        return "Next, try the **studio** architecture: six convolutions instead of three."
    if not cfg.augment:
        # On the quick run's network and data, augmentation costs accuracy in short runs.
        return (
            "Next, try **augmentation** on over many epochs: shifted, flipped and partly "
            "erased garments are harder to learn, so short runs lose accuracy with it; "
            "long runs of a large network use it against memorising, as the bundled model did."
        )
    return "Next, compare **learning rates** (one run each) and keep the best: watch the loss."
