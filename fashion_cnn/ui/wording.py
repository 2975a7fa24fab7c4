"""Small grammar helpers for the sentences the pages build from numbers, class names and
a run's settings."""

from __future__ import annotations

import re
from dataclasses import Field

import numpy as np

from fashion_cnn.common import config, settings
from fashion_cnn.serving.verdict import (
    CONFIDENT,
    NOT_A_GARMENT,
    PERHAPS_NOT,
    STYLE_GUESS,
    UNSURE,
    UNUSUAL_STYLE,
    Verdict,
)


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 epoch', '2 epochs', '10,000 images'; `many` for irregular plurals."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def and_list(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def short_name(filename: str, limit: int) -> str:
    """A file name in `limit` characters, 'IMG_2…3456.jpg': its start, its end and its
    extension, since names in one upload often differ only at the end."""
    if len(filename) <= limit:
        return filename
    stem, dot, extension = filename.rpartition(".")
    if not (dot and stem and len(extension) <= 4):
        stem, dot, extension = filename, "", ""
    tail = dot + extension
    room = limit - len(tail) - 1
    return stem[: room - room // 2] + "…" + stem[len(stem) - room // 2 :] + tail


def prediction_headline(
    label: str, confidence: float, verdict: Verdict, test_image: bool = False, drawn: bool = False
) -> tuple[str, str]:
    """Classify's headline and the line under it. "81% confident" beside "not a garment"
    read as a contradiction: the share is of the garment classes only, so it is worded by
    the verdict, and a picture that is not a garment says so first. A test image is a
    garment whatever the verdict, doubted at most: its class leads. On the canvas
    (`drawn`), an unusual style is known: a drawing's."""
    share = {
        CONFIDENT: f"{confidence:.1%} confident",
        UNUSUAL_STYLE: f"{confidence:.1%}, {'as a drawing' if drawn else 'unusual style'}",
        UNSURE: f"{confidence:.1%}, unsure",
        PERHAPS_NOT: f"{confidence:.1%}, if it is a garment",
        NOT_A_GARMENT: f"{confidence:.1%}, if it were a garment",
    }
    if test_image:
        kind = UNSURE if verdict.kind == PERHAPS_NOT else verdict.kind
        return label, share[kind]
    if verdict.kind == NOT_A_GARMENT:
        return "Not a garment", f"most like {label} ({confidence:.1%})"
    return label, share[verdict.kind]


def tile_name(filename: str, width: int = 15) -> list[str]:
    """A file name on at most two lines of `width` characters, as a narrow tile shows it:
    broken after the '_', '-' or space nearest its middle where both lines then fit, or
    else before its extension's dot, and cut short in the middle (`short_name`) past two
    lines' worth."""
    name = short_name(filename, 2 * width)
    if len(name) <= width:
        return [name]
    fits = range(len(name) - width, width + 1)  # break points that leave both lines short
    breaks = [i for i in fits if name[i - 1] in "_- "]
    if not breaks and name.rfind(".") in fits:
        breaks = [name.rfind(".")]  # "abcdefghijklmn" / ".png"
    cut = min(breaks, key=lambda i: abs(2 * i - len(name))) if breaks else width  # mid-most
    return [name[:cut], name[cut:]]


def with_article(name: str) -> str:
    """'an Ankle boot', 'a Shirt', 'a T-shirt/top': by the first letter's sound."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def format_seconds(seconds: float | None) -> str:
    """'2:05' for 125 seconds; '…' while not known yet."""
    if seconds is None:
        return "…"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def eta_text(seconds: float | None) -> str:
    """'ETA 2:05', or 'ETA measuring…' while the pace is not known yet."""
    return "ETA measuring…" if seconds is None else f"ETA {format_seconds(seconds)}"


STOP_LABEL = "⏹ Stop (keeps the finished epochs)"  # a live run's button on Train


def run_position(epoch: int, epochs: int, batch: int, batches: int) -> str:
    """Where a live run is, from its last message (`epoch` epochs and `batch` batches of the
    next done). Between epochs no batch comes for seconds: the finished epoch is measured
    (batch norm's statistics, the validation images, Watch it learn's 500 test images: about
    1.5 s on 2 cores), then Keras starts the next epoch's batches (its first came 0.1 to 4 s
    later, more on a busy CPU)."""
    if epoch >= epochs:
        return f"All {plural(epochs, 'epoch')} trained · wrapping up…"
    if batches and batch >= batches:
        return f"Epoch {epoch + 1}/{epochs} trained · measuring it on held-out images…"
    if epoch and not batch:
        return f"Epoch {epoch}/{epochs} done · starting epoch {epoch + 1}…"
    return f"Epoch {epoch + 1}/{epochs} · batch {batch}/{batches}"


def last_run_line(state: str, epochs_done: int, epochs: int, accuracy: float | None) -> str:
    """A visitor's last run in a line, for the way back to it (`accuracy`: on the test
    images, once it ended with some epochs' weights)."""
    scored = f"{accuracy:.2%} test accuracy" if accuracy is not None else ""
    what = {
        "queued": "waiting for a worker (open it to keep its place in the queue)",
        "starting": "starting on a worker",
        "running": f"training, epoch {min(epochs_done + 1, epochs)} of {epochs}",
        "evaluating": "measuring its test accuracy",
        "finished": f"finished, {scored}",
        "stopped": f"stopped after {plural(epochs_done, 'epoch')}, {scored}"
        if scored
        else "stopped before its first epoch ended",
        "cancelled": "cancelled",
    }.get(state, "failed")
    return f"Your last run: {what}"


def without_out(command: str) -> str:
    """A training command without its `--out PATH`: where a file was written first is of
    no use to a reader (docs/model.md says how the bundled model was made)."""
    return re.sub(r"\s--out(=|\s+)\S+", "", command)


def training_story(card: dict) -> tuple[float, str]:
    """A model card's total training minutes, and how it was trained in one sentence.

    A fine-tuned model's card names its start; what the start's card lacked is left out."""
    own = f"{plural(card['epochs_completed'], 'epoch')} (`{without_out(card['command'])}`)"
    base = card.get("fine_tuned_from")
    if not base:
        return card["training_seconds"] / 60, f"Trained for {own} on {card['machine']}."
    minutes = (card["training_seconds"] + (base.get("training_seconds") or 0)) / 60
    known = [f"`{base['command']}`"] if base.get("command") else []
    if base.get("test_accuracy") is not None:
        known.append(f"{base['test_accuracy']:.2%} on the test set before fine-tuning")
    start = f" ({', '.join(known)})" if known else ""
    if base.get("epochs_completed"):
        first = f"Trained for {plural(base['epochs_completed'], 'epoch')}{start}, then fine-tuned"
    else:
        first = f"Fine-tuned from another model{start}"
    drawn = (
        " with drawn garments mixed in"
        if card.get("training_settings", {}).get("drawing_share")
        else ""
    )
    return minutes, f"{first} for {own}{drawn}, on {card['machine']}."


def drawings_model_story(card: dict) -> str:
    """The CNN for drawings and icons (model/drawings/) in a few sentences, from its card."""
    settings = card["training_settings"]
    mix = [f"{settings['drawing_share']:.0%} drawn garments"]
    if settings.get("style_share"):
        styled = f"{settings['style_share']:.0%} garments in icon and emoji styles"
        if settings.get("sketch_share"):  # drawn from random measures, not from the dataset
            styled += f" ({settings['sketch_share']:.0%} of them sketched)"
        mix.append(styled)
    if settings.get("hand_drawn_share"):
        mix.append(f"{settings['hand_drawn_share']:.0%} pictures drawn by hand for the project")
    if settings.get("outlier_share"):
        mix.append(f"{settings['outlier_share']:.0%} pictures of other things")
    story = (
        f"Every drawing and upload is read, in six views, by a copy of this CNN fine-tuned "
        f"for {plural(card['epochs_completed'], 'more epoch')} on {', '.join(mix)} (in the "
        f"app's source: `model/drawings/`, and how it was made in `docs/model.md`). It gets "
        f"more of those right but fewer "
        f"test images ({card['test_accuracy']:.2%}), so the test images stay this CNN's."
    )
    gate = card.get("garment_gate")
    if gate:
        story += (
            " It learned to spread its bets evenly on things that are not garments: that is "
            "how the app tells a garment in an unfamiliar style from something else."
        )
        measured = [
            f"{r.get('pictures', 'pictures')}, {r['garments_named_right']:.0%} of "
            f"{r['garments']} garments named right and {r['garments_not_a_garment']:.0%} "
            f"called not a garment, {whole_share(r['non_garments_flagged'])} of "
            f"{r['non_garments']} other things flagged"
            for r in (gate.get("real_pictures") or {}).values()
        ]
        if measured:
            story += f" On pictures in styles it never saw: {'; '.join(measured)}."
    return story


def drawings_model_summary(card: dict) -> str:
    """The CNN for drawings and icons in two sentences for a first visit, with its figures
    on pictures in styles it never saw (from its card)."""
    line = (
        "Your drawings and uploads are read by a copy of this CNN fine-tuned on drawn "
        "garments, icons, pictures drawn by hand and pictures of other things."
    )
    measured = list(((card.get("garment_gate") or {}).get("real_pictures") or {}).values())
    if not measured:
        return line

    def span(key: str) -> str:
        low, high = (whole_share(f(r[key] for r in measured)) for f in (min, max))
        return low if low == high else f"{low}–{high}"

    return (
        f"{line} On icons and drawings in styles it never saw, it named "
        f"{span('garments_named_right')} of the garments right and flagged "
        f"{span('non_garments_flagged')} of the other things."
    )


def unusual_style_record(card: dict) -> str | None:
    """How often the CNN for drawings and icons named a garment right when its verdict was
    "unusual style", on the held-out pictures of its card; None where the card has none."""
    measured = ((card.get("garment_gate") or {}).get("real_pictures") or {}).values()
    styled = sum(r.get("garments_unusual_style", 0) for r in measured)
    right = sum(r.get("garments_unusual_style_right", 0) for r in measured)
    if not styled:
        return None
    return f"On held-out pictures it named {right} of {styled} such garments right."


def duration_words(seconds: float) -> str:
    """'an hour', '2 hours', '30 minutes'."""
    hours, minutes = seconds / 3600, round(seconds / 60)
    if hours == 1:
        return "an hour"
    return f"{hours:g} hours" if hours.is_integer() else plural(minutes, "minute")


RUN_KEPT = f"a run is kept for {duration_words(config.RUN_KEEP_SECONDS)} after it ends"
RUN_ID_FORM = f"{config.RUN_ID_LENGTH} characters, 0-9 and a-f"  # what a run's ID is


def missing_runs_note(gone: int, unreadable: int) -> str:
    """What Compare runs could not show from its link, in a line; empty when nothing."""
    notes = []
    if gone:
        notes.append(
            f"{plural(gone, 'earlier run')} in this link {'is' if gone == 1 else 'are'} no "
            f"longer here: {RUN_KEPT}."
        )
    if unreadable:
        verb = "is not a run's ID" if unreadable == 1 else "are not run IDs"
        notes.append(
            f"This link's compare list holds {plural(unreadable, 'name')} that {verb} "
            f"({RUN_ID_FORM})."
        )
    return " ".join(notes)


def whole_share(value: float) -> str:
    """A share in whole percent, except that 99.5% and more, short of all, keeps a decimal
    (99.6% of other things flagged is not "100%")."""
    return f"{value:.1%}" if 0.995 <= value < 1 else f"{value:.0%}"


def which_way(votes) -> str:
    """Which way the strongest votes for a class go: "for it", "against it", or both."""
    signs = {float(v) > 0 for v in votes if v}
    return "for it" if signs == {True} else "against it" if signs == {False} else "for or against"


def views_note(by_drawings_cnn: bool, kind: str | None = None, chosen: bool = False) -> str:
    """The line under a drawing's or upload's probabilities, short enough to read at a
    glance under every result: how it was read (an upload's `kind`, photo or drawing, as
    the visitor `chosen` or not). `views_detail` says the rest, in its tooltip."""
    how = f"Read as a {kind}{' (your choice)' if chosen else ''}," if kind else "Read"
    by = ", by the CNN for drawings and icons" if by_drawings_cnn else ""
    return f"{how} in six views{by}."


def views_detail(by_drawings_cnn: bool, kind: str | None = None, chosen: bool = False) -> str:
    """`views_note`'s tooltip: why an upload was read as a photo or a drawing, what the six
    views are, and what the pictures beside them show (`by_drawings_cnn`: read by the CNN
    for drawings and icons, while the pictures show the bundled CNN)."""
    why = {  # how preprocessing's "auto" told them apart (preprocess.looks_like_drawing)
        "drawing": "mostly a few flat colours, as a drawing or an icon is",
        "photo": "not a few flat colours, as a drawing or an icon is",
    }
    lines = []
    if kind:
        reason = "as you chose" if chosen else why.get(kind, "")
        lines.append(f"**Read as a {kind}**: {reason} (**Treat uploads as** changes it).")
    by = ", each read by a copy of the CNN fine-tuned on drawings and icons"
    by = by if by_drawings_cnn else ""
    lines.append(
        f"**Six views**: the picture as given, mirrored, and moved a pixel each way{by}; "
        "the readings are averaged, so more of them come out right."
    )
    shown = "the bundled CNN at work on " if by_drawings_cnn else ""
    lines.append(f"**The pictures here and Inside the CNN** show {shown}the picture as given.")
    return "\n\n".join(lines)


def setting_name(f: Field) -> str:
    """A Train form field's label as a sentence uses it ("dropout", "L2 weight decay")."""
    label = f.metadata["label"]
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def setting_text(f: Field, cfg: settings.TrainConfig) -> str:
    """A run's setting as the comparison shows it; equal settings read the same."""
    value = getattr(cfg, f.name)
    if isinstance(value, bool) or (f.name == "early_stopping" and not value):
        return "on" if value else "off"
    if f.name == "train_subset":
        return f"{value or config.TRAIN_COUNT:,}"  # 0: all of them
    if f.name == "validation_split":
        return f"{value:.0%}"
    if isinstance(value, float):  # 1e-05 as 0.00001; a slider's 0.30000000000000004 as 0.3
        return np.format_float_positional(round(value, 8), trim="-")
    return str(value)


def settings_summary(cfg) -> str:
    """All of a run's Train form settings in one line: "architecture tiny · epochs 5 · …"."""
    return " · ".join(f"{setting_name(f)} {setting_text(f, cfg)}" for f in settings.form_fields())


def reading_of(true_idx: int, pred_idx: int) -> str:
    """'a shirt seen as a coat', or 'a shirt, classified right'."""
    true_name, pred_name = config.CLASS_NAMES[true_idx], config.CLASS_NAMES[pred_idx]
    if true_idx == pred_idx:
        return f"{with_article(true_name)}, classified right"
    return f"{with_article(true_name)} seen as {with_article(pred_name)}"


def unbroken(name: str) -> str:
    """A class name no narrow caption breaks ("T-/shirt/top"): a non-breaking hyphen, and
    a word joiner after the slash."""
    return name.replace("-", "\u2011").replace("/", "/\u2060")


def tile_caption(true_idx: int, pred_idx: int, confidence: float) -> str:
    """'Shirt → **Coat** 61%' for a mistake, 'Shirt ✓ 97%' for a right answer, each class
    name `unbroken`."""
    true_name = unbroken(config.CLASS_NAMES[true_idx])
    if true_idx == pred_idx:
        return f"{true_name} ✓ {confidence:.0%}"
    return f"{true_name} → **{unbroken(config.CLASS_NAMES[pred_idx])}** {confidence:.0%}"


VERDICT_BADGES = {
    UNUSUAL_STYLE: "🎨 unusual style",
    UNSURE: "⚠️ unsure",
    PERHAPS_NOT: "❔ perhaps not a garment",
    NOT_A_GARMENT: "🚫 not a garment",
}


def upload_labels(names: list[str]) -> list[str]:
    """Each uploaded file's label in the details box: its name, numbered from its second
    upload on ("shirt.png", "shirt.png (2)"), so that every label names one file."""
    labels: list[str] = []
    for name in names:
        label, count = name, 1
        while label in labels:  # also past a file named like a number: "a.png (2)"
            count += 1
            label = f"{name} ({count})"
        labels.append(label)
    return labels


def upload_tile_answer(label: str, confidence: float, verdict: Verdict) -> str:
    """An upload tile's answer in Markdown: the class first, with a badge when not
    confident; for what is, or perhaps is, not a garment, the verdict first and the class
    in brackets (a bold "Pullover" over a red circle misled)."""
    if verdict.kind in (NOT_A_GARMENT, PERHAPS_NOT):
        return f"{VERDICT_BADGES[verdict.kind]}  \n({label} · {confidence:.0%})"
    badge = VERDICT_BADGES.get(verdict.kind)
    return f"**{label}** · {confidence:.0%}" + (f"  \n{badge}" if badge else "")


def test_image_hint(label: str, confidence: float, verdict: str) -> str | None:
    """A test image's verdict, worded as the CNN's doubt: a test image is a product photo of
    a garment, so "an icon?" or "perhaps not a garment" beside its true label misleads."""
    if verdict == NOT_A_GARMENT:
        return (
            f"The CNN sees no garment it knows in this test image, an unusual product photo; "
            f"{label} ({confidence:.0%}) is its best guess."
        )
    if verdict in (UNSURE, PERHAPS_NOT):
        return f"The CNN is unsure of this test image: take {label} ({confidence:.0%}) with care."
    return None


def canvas_hint(hint: str | None) -> str | None:
    """A canvas drawing's hint: the style hint's guess at what the picture may be ("an
    unusual photo, a drawing, an icon?") is, on the canvas, known."""
    return hint.replace(STYLE_GUESS, ", as a drawing does") if hint else hint


def ordinal(number: int) -> str:
    """'1st', '2nd', '3rd', '4th', '11th', '22nd'."""
    teen = 10 <= number % 100 <= 20
    return f"{number}{'th' if teen else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


# What a visitor reads for a layer that is not a convolution (whose name is numbered).
LAYER_KINDS = {
    "input": "Input image",
    "max_pool": "Pooling",
    "global_average": "Average of each map",
    "dense": "Class scores",
    "softmax": "Probabilities",
}


def layer_titles(layers: list[tuple[str, str]]) -> list[str]:
    """Each layer's plain name, from its (technical name, kind) in order from the input:
    'block2_conv1' is the '3rd convolution (block 2)' after two in block 1. Visitors who
    are learning read these; the technical name stays for a tooltip."""
    titles, convolutions = [], 0
    for name, kind in layers:
        block = re.match(r"block(\d+)_", name)
        where = f" (block {block[1]})" if block else ""
        if kind == "conv":
            convolutions += 1
            titles.append(f"{ordinal(convolutions)} convolution{where}")
        else:
            titles.append(LAYER_KINDS.get(kind, name) + (where if kind == "max_pool" else ""))
    return titles


def layer_output(kind: str, shape: tuple[int, ...]) -> str:
    """What a layer hands on, in words: '28×28 pixels', '32 maps of 14×14', '10 scores'."""
    if len(shape) == 3:
        height, width, depth = shape
        size = f"{height}×{width}"
        return f"{size} pixels" if kind == "input" else f"{plural(depth, 'map')} of {size}"
    count = int(np.prod(shape))
    many = {"dense": ("score", None), "softmax": ("probability", "probabilities")}
    return plural(count, *many.get(kind, ("number", None)))
