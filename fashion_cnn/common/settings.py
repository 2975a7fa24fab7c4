"""Every setting of a training run (TrainConfig), declared once for the Train form,
train_model.py's flags and the engine that runs it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from fashion_cnn.common.architectures import ARCHITECTURES


@dataclass(frozen=True)
class AugmentSettings:
    """How training images are varied each epoch (fashion_cnn.training.augment)."""

    max_shift: int = 2  # pixels, in each direction
    flip_prob: float = 0.5  # horizontal flip; garments are roughly mirror-symmetric
    erase_prob: float = 0.25  # random erasing (Zhong et al. 2017)
    erase_area: tuple[float, float] = (0.02, 0.25)
    silhouette_prob: float = 0.12  # flat shapes, so filled canvas drawings look familiar


OPTIMIZERS = ("sgd", "adam")


def architecture_names() -> list[str]:
    """The presets' names (fashion_cnn.common.architectures), for the form and the flags."""
    return list(ARCHITECTURES)


def setting(default, help: str, valid: tuple | None = None, **widget):
    """A TrainConfig field declared once for the command line and the Train form.

    `help` becomes the flag's help text and the widget's tooltip. `valid` is the (low,
    high) range any run can use (None: no bound), checked for every TrainConfig; the form
    offers less. `widget` describes the form control: kind ("select", "number", "slider",
    "select_slider", "toggle"), label, and its choices (a tuple, or a function that returns
    them) or min/max/step. A field without `kind` is a flag of train_model.py only."""
    return field(default=default, metadata={"help": help, "valid": valid, **widget})


@dataclass(frozen=True)
class TrainConfig:
    """Every setting of one training run; defaults are those of the bundled model.

    The learning rate, dropout and erasing share were picked by benchmarks.sweep: the
    docs/model.md lists the settings tried and their test accuracy. Each field's
    metadata derives train_model.py's flags and the Train page's form (tests check both)."""

    architecture: str = setting(
        "studio",
        "tiny trains in seconds; studio is the bundled model's design",
        kind="select",
        label="Architecture",
        choices=architecture_names,
    )
    epochs: int = setting(
        55,
        "Passes over the training images",
        (1, None),
        kind="number",
        label="Epochs",
        min=1,
        max=60,
    )
    batch_size: int = setting(
        128,
        "Images per weight update",
        (1, None),
        kind="select_slider",
        label="Batch size",
        choices=(32, 64, 128, 256, 512),
    )
    train_subset: int = setting(
        0,
        "How many of the 60,000 training images to use (on the command line, 0: all). "
        "Fewer train faster",
        (0, None),
        kind="select_slider",
        label="Training images",
        choices=(2000, 5000, 10000, 20000, 60000),
    )
    optimizer: str = setting(
        "sgd",  # SGD with Nesterov momentum
        "adam adapts step sizes; sgd uses Nesterov momentum",
        kind="select",
        label="Optimizer",
        choices=OPTIMIZERS,
    )
    learning_rate: float = setting(
        0.1,
        "Peak step size, after a warm-up",
        (0.0, 10.0),
        kind="select_slider",
        label="Learning rate",
        choices=(1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1),
    )
    dropout: float = setting(
        0.0,  # with erasing and weight decay, dropout only cost accuracy
        "Share of features dropped before the classifier",
        (0.0, 0.95),
        kind="slider",
        label="Dropout",
        min=0.0,
        max=0.6,
        step=0.05,
    )
    weight_decay: float = setting(
        5e-4,
        "L2 weight decay: pulls weights towards zero",
        (0.0, 1.0),
        kind="select_slider",
        label="L2 weight decay",
        choices=(0.0, 1e-5, 1e-4, 5e-4, 1e-3),
    )
    augment: bool = setting(
        True,
        "Random shifts, flips and erased patches each epoch",
        kind="toggle",
        label="Augmentation",
    )
    validation_split: float = setting(
        0.0,
        "Share held out from training to watch for overfitting",
        (0.0, 0.9),
        kind="slider",
        label="Validation share",
        min=0.0,
        max=0.3,
        step=0.05,
    )
    early_stopping: int = setting(
        0,
        "Stop after this many epochs without a better validation loss; 0 turns it off",
        (0, None),
        kind="number",
        label="Early stopping patience",
        min=0,
        max=10,
    )
    drawing_share: float = setting(
        0.0,
        "Share of each epoch's images swapped for drawn garments, so the Draw tab's inputs "
        "are familiar; 0: none",
        (0.0, 1.0),
    )
    drawing_pool: int = setting(
        60_000,
        "How many drawn garments a run with a drawing share makes first (minutes: each goes "
        "through the preprocessing) and draws from each epoch; at most one per training "
        "image",
        (1, None),
    )
    style_share: float = setting(
        0.0,
        "Share of each epoch's images swapped for garments in icon and emoji styles "
        "(fashion_cnn.training.styles); 0: none",
        (0.0, 1.0),
    )
    style_pool: int = setting(
        30_000, "How many styled garments a run with a style share makes first", (1, None)
    )
    garment_icons: str = setting(
        "",
        "A development set's manifest.csv (`python -m benchmarks.dev_set build`): its `dev` "
        "garment icons join the styled garments (--garment-icon-share of that pool); '': none",
    )
    garment_icon_share: float = setting(
        0.2, "Share of the styled garments that are development icons", (0.0, 1.0)
    )
    sketch_share: float = setting(
        0.0,
        "Share of the styled garments that are garments sketched from random measures "
        "(fashion_cnn.training.sketches: tops with collars, cuffs and hoods, sleeves hanging "
        "or spread)",
        (0.0, 1.0),
    )
    outlier_share: float = setting(
        0.0,
        "Share of each epoch's images swapped for pictures of other things, with even "
        "targets over the classes (outlier exposure); 0: none",
        (0.0, 1.0),
    )
    outlier_pool: int = setting(
        15_000, "How many non-garment pictures a run with an outlier share makes first", (1, None)
    )
    outlier_icons: str = setting(
        "",
        "A folder of non-garment icons for outlier exposure (`python -m benchmarks.dev_set "
        "outliers`); '': drawn shapes and letters only",
    )
    hand_drawn: str = setting(
        "",
        "A built set's manifest.csv (`python -m benchmarks.own_set build`) whose pictures of "
        "--hand-drawn-sources join training as they are (fashion_cnn.training.pictures); "
        "'': none",
    )
    hand_drawn_sources: str = setting(
        "", "Comma-separated sources of --hand-drawn to train on (never a held-out one)"
    )
    hand_drawn_share: float = setting(
        0.0,
        "Share of each epoch's images swapped for hand-drawn pictures: garments with their "
        "class, other things with even targets; 0: none",
        (0.0, 1.0),
    )
    hand_drawn_pool: int = setting(
        8_000,
        "How many varied hand-drawn pictures a run with a hand-drawn share makes first",
        (1, None),
    )
    init_from: str = setting(
        "", "A .keras file of the same architecture to start from (fine-tuning); '': random"
    )
    label_smoothing: float = setting(
        0.1, "Share of each target spread over the other classes", (0.0, 0.9)
    )
    warmup_epochs: int = setting(2, "Epochs of linear learning-rate warm-up", (0, None))
    weight_averaging: float = setting(
        0.0,
        "End with a moving average of the weights, updated each step with this momentum "
        "(0.999: about the last 1,000 steps; the run needs several times that many). The "
        "curves show the plain weights; a run stopped halfway keeps its last epoch's. "
        "0: the last step's weights",
        (0.0, 0.99999),
    )
    seed: int = setting(42, "Random seed of the weights, the split and the augmentation")
    # XLA: about 20% faster per epoch on 2 CPU cores, but seconds of compiling up front,
    # so only train_model.py's long runs turn it on.
    jit_compile: bool = setting(False, "Compile the train step with XLA")
    augment_settings: AugmentSettings = field(default_factory=AugmentSettings)

    def __post_init__(self) -> None:
        """A setting no run can use raises ValueError, in one line for people."""
        for f in fields(self):
            low, high = f.metadata.get("valid") or (None, None)
            value = getattr(self, f.name)
            if (low is not None and value < low) or (high is not None and value > high):
                flag = "--" + f.name.replace("_", "-")
                bounds = f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"
                raise ValueError(f"{flag} must be {bounds}, not {value:g}")
        pools = self.drawing_share + self.style_share + self.outlier_share + self.hand_drawn_share
        if pools > 1:
            raise ValueError(
                "the drawing, style, outlier and hand-drawn shares add up to more than 1"
            )
        if self.hand_drawn_share and not (self.hand_drawn and self.hand_drawn_sources):
            raise ValueError("--hand-drawn-share needs --hand-drawn and --hand-drawn-sources")
        if self.garment_icon_share + self.sketch_share > 1:
            raise ValueError("the garment icon and sketch shares add up to more than 1")
        if self.weight_averaging and self.early_stopping:
            # Early stopping would put back its best epoch's plain weights at the end.
            raise ValueError("--weight-averaging and --early-stopping cannot be used together")
        if self.early_stopping and not self.validation_split:
            raise ValueError(
                "early stopping needs a validation share above 0 (it watches the validation loss)"
            )

    def images_per_epoch(self, available: int) -> int:
        """Training images an epoch goes through, of `available`: the subset (or all),
        less the validation share, as fashion_cnn.training.fit.split_training_data takes
        them."""
        count = self.train_subset or available
        return count - int(count * self.validation_split)


def form_warmup(epochs: int) -> int:
    """The Train form's warm-up, which it does not show: one epoch for a run of 3 or more,
    none for a shorter one (where it would be half the run)."""
    return 1 if epochs > 2 else 0


# The Train page's first-visit settings: a run of seconds to minutes.
QUICK_RUN = TrainConfig(
    architecture="tiny",
    epochs=5,
    optimizer="adam",
    learning_rate=3e-3,
    dropout=0.2,
    weight_decay=1e-4,
    train_subset=20000,
    validation_split=0.1,
    # Augmented images are harder: a run this short ends less accurate with them.
    augment=False,
    warmup_epochs=form_warmup(5),
)


def form_fields() -> list:
    """The TrainConfig fields the Train page shows, in declaration order."""
    return [f for f in fields(TrainConfig) if "kind" in f.metadata]


def flag_fields() -> list:
    """The TrainConfig fields train_model.py takes as flags."""
    return [f for f in fields(TrainConfig) if "help" in f.metadata]
