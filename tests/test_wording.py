"""The grammar helpers behind the pages' sentences."""

from fashion_cnn.common import config, settings
from fashion_cnn.serving.verdict import (
    CONFIDENT,
    MAYBE_HINT,
    NOT_A_GARMENT,
    PERHAPS_NOT,
    Verdict,
)
from fashion_cnn.ui.wording import (
    last_run_line,
    plural,
    prediction_headline,
    with_article,
)


def test_plural_counts():
    assert plural(1, "epoch") == "1 epoch"
    assert plural(2, "epoch") == "2 epochs"
    assert plural(0, "mistake") == "0 mistakes"
    assert plural(10000, "image") == "10,000 images"
    assert plural(3, "training run") == "3 training runs"


def test_articles_for_every_class():
    phrases = [with_article(name) for name in config.CLASS_NAMES]
    assert "an Ankle boot" in phrases and "a Shirt" in phrases and "a T-shirt/top" in phrases
    assert [p.split()[0] for p in phrases].count("an") == 1  # only Ankle boot starts a vowel


def test_training_story_tells_a_fine_tune_and_adds_its_minutes():
    from fashion_cnn.ui.wording import training_story

    fresh = {
        "epochs_completed": 55,
        "command": "python train_model.py",
        "training_seconds": 6000.0,
        "machine": "x86_64, 2 CPUs",
    }
    minutes, story = training_story(fresh)
    assert minutes == 100 and story.startswith("Trained for 55 epochs (`python train_model.py`)")
    tuned = {
        **fresh,
        "epochs_completed": 1,
        "training_seconds": 600.0,
        "command": "python train_model.py --init-from m.keras --out /tmp/x/m.keras",
        "fine_tuned_from": {**fresh, "test_accuracy": 0.9469},
    }
    minutes, story = training_story(tuned)
    assert minutes == 110
    assert "then fine-tuned for 1 epoch (`python train_model.py --init-from m.keras`)" in story
    assert "94.69% on the test set" in story
    # A start without a card of its own (every field None) still reads as a sentence.
    bare = {**tuned, "fine_tuned_from": dict.fromkeys(fresh)}
    minutes, story = training_story(bare)
    assert minutes == 10 and "None" not in story
    assert story.startswith("Fine-tuned from another model for 1 epoch")


def test_next_experiment_follows_the_run():
    from fashion_cnn.common.settings import TrainConfig
    from fashion_cnn.ui.glossary import next_experiment

    # Augmentation costs short runs accuracy: it is only suggested against memorising,
    # or for a long run of the studio network.
    quick = TrainConfig(architecture="tiny", epochs=5, train_subset=20000, augment=False)
    assert "augmentation" not in next_experiment(quick, {})
    assert "augmentation" in next_experiment(TrainConfig(augment=False), {})
    overfit = {"accuracy": [0.99], "val_accuracy": [0.90]}
    assert "memorise" in next_experiment(TrainConfig(train_subset=2000), overfit)
    assert "augmentation" in next_experiment(quick, overfit)
    assert "more training images" in next_experiment(TrainConfig(train_subset=2000), {})
    assert "more epochs" in next_experiment(TrainConfig(epochs=5), {})
    one_of_five = {"accuracy": [0.7], "val_accuracy": [0.72]}
    stopped = next_experiment(quick, one_of_five, stopped=True)
    assert stopped.startswith("This run was stopped after 1 of its 5 epochs")
    assert "more training images" in next_experiment(quick, one_of_five)  # ran its course


def test_and_list_reads_as_english():
    from fashion_cnn.ui.wording import and_list

    assert and_list(["epochs"]) == "epochs"
    assert and_list(["epochs", "dropout"]) == "epochs and dropout"
    assert and_list(["a", "b", "c"]) == "a, b and c"


def test_short_name_keeps_the_extension():
    from fashion_cnn.ui.wording import short_name

    assert short_name("shirt.png", 14) == "shirt.png"
    assert short_name("huge4000x3000.png", 14) == "huge4…3000.png"  # 14 characters
    assert short_name("IMG_20240101_0042.jpg", 14) != short_name("IMG_20240101_0043.jpg", 14)
    assert short_name("x" * 30, 14) == "x" * 7 + "…" + "x" * 6  # no extension to keep


def test_a_runs_settings_read_as_people_write_them():
    from dataclasses import replace

    from fashion_cnn.ui.wording import settings_summary

    cfg = replace(settings.QUICK_RUN, learning_rate=1e-5, dropout=0.1 + 0.2, train_subset=0)
    summary = settings_summary(cfg).split(" · ")
    assert summary[0] == "architecture tiny"
    for shown in ("learning rate 0.00001", "dropout 0.3", "training images 60,000"):
        assert shown in summary, summary
    assert "augmentation off" in summary and "validation share 10%" in summary
    assert "early stopping patience off" in summary  # 0 epochs of patience: none
    assert len(summary) == len(settings.form_fields())  # every form setting, once


def test_a_links_missing_runs_in_a_line():
    from fashion_cnn.ui.wording import missing_runs_note

    assert missing_runs_note(0, 0) == ""
    assert missing_runs_note(2, 0) == (
        "2 earlier runs in this link are no longer here: a run is kept for an hour after it ends."
    )
    one = missing_runs_note(0, 1)
    assert one == (
        "This link's compare list holds 1 name that is not a run's ID (12 characters, 0-9 and a-f)."
    )
    assert missing_runs_note(1, 3).startswith("1 earlier run in this link is no longer here")
    assert "holds 3 names that are not run IDs" in missing_runs_note(1, 3)


def test_the_cnn_for_drawings_is_described_from_its_card():
    import json

    from fashion_cnn.common.contract import bundled_model_path, model_card_path
    from fashion_cnn.ui.wording import drawings_model_story, drawings_model_summary

    path = bundled_model_path(config.MODEL_DIR / config.DRAWINGS_DIR)
    card = json.loads(model_card_path(path).read_text())
    story = drawings_model_story(card)
    settings = card["training_settings"]
    assert story.startswith("Every drawing and upload is read, in six views, by a copy")
    assert f"fine-tuned for {card['epochs_completed']} more epochs" in story
    assert f"{settings['drawing_share']:.0%} drawn garments" in story
    if settings.get("style_share"):
        assert f"{settings['style_share']:.0%} garments in icon and emoji styles" in story
    if settings.get("sketch_share"):
        assert f"({settings['sketch_share']:.0%} of them sketched)" in story
    if settings.get("hand_drawn_share"):  # sources of benchmarks.own_set, none held out
        assert f"{settings['hand_drawn_share']:.0%} pictures drawn by hand" in story
        from benchmarks.own_set import TRAINED_ON

        assert settings["hand_drawn_sources"].split(",") == list(TRAINED_ON)
    assert ("other things" in story) == bool(card.get("garment_gate"))
    assert "model/drawings/" in story and f"({card['test_accuracy']:.2%})" in story
    summary = drawings_model_summary(card)
    named = sorted(
        m["garments_named_right"] for m in card["garment_gate"]["real_pictures"].values()
    )
    assert f"it named {named[0]:.0%}–{named[-1]:.0%} of the garments right" in summary


def test_an_unusual_styles_record_adds_up_the_cards_held_out_sets():
    from fashion_cnn.ui.wording import unusual_style_record

    def card(*counts):
        sets = {
            f"set{i}": {"garments_unusual_style": n, "garments_unusual_style_right": right}
            for i, (n, right) in enumerate(counts)
        }
        return {"garment_gate": {"real_pictures": sets}}

    assert unusual_style_record(card((43, 43), (84, 82))) == (
        "On held-out pictures it named 125 of 127 such garments right."
    )
    assert unusual_style_record(card()) is None and unusual_style_record({}) is None
    old = {"garment_gate": {"real_pictures": {"dev_set": {"garments": 117}}}}
    assert unusual_style_record(old) is None  # a card measured before the verdict had it


def test_how_a_drawing_or_upload_was_read_is_a_short_line_with_the_rest_in_its_tooltip():
    from fashion_cnn.ui.wording import views_detail, views_note

    assert views_note(True) == "Read in six views, by the CNN for drawings and icons."
    assert views_note(False) == "Read in six views."
    assert views_note(True, "photo").startswith("Read as a photo, in six views, by the CNN")
    assert views_note(True, "drawing", chosen=True).startswith("Read as a drawing (your choice),")
    # Short enough to take in at a glance under every result (it was 300 characters).
    assert max(len(views_note(True, kind, True)) for kind in ("photo", "drawing")) <= 90
    # The detail keeps every fact: why this kind, the six views, what the pictures show.
    photo = views_detail(True, "photo")
    assert "not a few flat colours" in photo and "**Treat uploads as** changes it" in photo
    assert "as you chose" in views_detail(True, "drawing", chosen=True)
    assert "mirrored, and moved a pixel each way" in photo
    assert "fine-tuned on drawings and icons" in photo
    assert "show the bundled CNN at work on the picture as given" in photo
    drawn = views_detail(False)
    assert "Read as" not in drawn and "fine-tuned" not in drawn and "bundled" not in drawn


def test_layers_get_plain_names_in_order_and_say_what_they_hand_on():
    from fashion_cnn.ui.wording import layer_output, layer_titles, ordinal

    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 103, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "103rd", "111th"
    ]  # fmt: skip
    studio = [("input", "input"), ("block1_conv1", "conv"), ("block1_conv2", "conv")]
    studio += [("block1_pool", "max_pool"), ("block2_conv1", "conv"), ("gap", "global_average")]
    studio += [("probs", "dense"), ("softmax", "softmax")]
    assert layer_titles(studio) == [
        "Input image",
        "1st convolution (block 1)",
        "2nd convolution (block 1)",
        "Pooling (block 1)",
        "3rd convolution (block 2)",  # numbered across blocks: the third a picture meets
        "Average of each map",
        "Class scores",
        "Probabilities",
    ]
    assert layer_titles([("stem", "conv"), ("odd", "new_kind")]) == ["1st convolution", "odd"]
    assert layer_output("input", (28, 28, 1)) == "28×28 pixels"
    assert layer_output("conv", (14, 14, 64)) == "64 maps of 14×14"
    assert layer_output("global_average", (128,)) == "128 numbers"
    assert layer_output("dense", (10,)) == "10 scores"
    assert layer_output("softmax", (10,)) == "10 probabilities"


def test_a_test_image_reads_as_right_or_as_its_mistake():
    from fashion_cnn.ui.wording import reading_of, tile_caption

    assert reading_of(6, 4) == "a Shirt seen as a Coat"
    assert reading_of(9, 9) == "an Ankle boot, classified right"
    assert tile_caption(6, 4, 0.612) == "Shirt → **Coat** 61%"
    assert tile_caption(0, 0, 0.97) == "T\u2011shirt/\u2060top ✓ 97%"  # not broken in two


def test_the_strongest_votes_are_told_for_or_against_as_they_go():
    from fashion_cnn.ui.wording import which_way

    assert which_way([2.0, 0.5, 0.0]) == "for it"
    assert which_way([-2.0, -0.1]) == "against it"
    assert which_way([2.0, -0.1]) == "for or against"


def test_an_upload_tile_leads_with_not_a_garment_and_otherwise_with_its_class():
    import numpy as np

    from fashion_cnn.serving.verdict import (
        MAYBE_HINT,
        GarmentGate,
        Verdict,
        gated,
        judge_confidence,
    )
    from fashion_cnn.ui.wording import upload_tile_answer

    no = Verdict("not_a_garment", "Not a garment, it seems")
    assert upload_tile_answer("Bag", 0.14, no) == "🚫 not a garment  \n(Bag · 14%)"
    close = judge_confidence(np.array([0.45, 0.4, 0.15] + [0] * 7))
    assert upload_tile_answer("T-shirt/top", 0.45, close) == "**T-shirt/top** · 45%  \n⚠️ unsure"
    assert upload_tile_answer("Trouser", 0.91, Verdict("confident", None)) == "**Trouser** · 91%"
    styled = Verdict("unusual_style", "It looks unlike most of the product photos…")
    assert upload_tile_answer("Bag", 0.97, styled) == "**Bag** · 97%  \n🎨 unusual style"
    # A weak garment score: "Bag 69% · unsure" read as a bag; it leads with the doubt.
    bag = np.array([0.02] * 8 + [0.69, 0.15])
    weak = gated(bag, False, False, 2.0, GarmentGate(not_a_garment_below=1.0, unsure_below=3.0))
    assert weak.kind == PERHAPS_NOT and weak.hint == MAYBE_HINT.format(reading="Bag (69%)")
    assert upload_tile_answer("Bag", 0.69, weak) == "❔ perhaps not a garment  \n(Bag · 69%)"


def test_a_tile_shows_a_file_name_on_two_lines_broken_where_it_reads_best():
    from fashion_cnn.ui.wording import tile_name

    assert tile_name("shirt.png") == ["shirt.png"]
    assert tile_name("tshirt_silhouette.png") == ["tshirt_", "silhouette.png"]
    assert tile_name("huge_4000x3000.jpg") == ["huge_", "4000x3000.jpg"]  # not before .jpg
    assert tile_name("abcdefghijklmn.png") == ["abcdefghijklmn", ".png"]  # else before it
    assert tile_name("IMG20240101004211.jpg") == ["IMG202401010042", "11.jpg"]  # no break
    long = tile_name("a_very_long_name_of_a_photo_from_a_phone_2024.jpg")
    assert all(len(line) <= 15 for line in long) and "…" in "".join(long)


def test_a_test_images_doubt_is_the_cnns_not_a_question_of_what_it_shows():
    from fashion_cnn.ui.wording import test_image_hint

    assert test_image_hint("Sandal", 0.86, "confident") is None
    unsure = test_image_hint("Sandal", 0.86, "unsure")
    assert unsure == "The CNN is unsure of this test image: take Sandal (86%) with care."
    guess = test_image_hint("Bag", 0.4, "not_a_garment")
    assert guess.startswith("The CNN sees no garment it knows in this test image")
    assert "Bag (40%) is its best guess" in guess


def test_a_canvas_drawing_is_not_asked_whether_it_is_a_drawing():
    from fashion_cnn.serving.verdict import MAYBE_HINT, STYLE_NOTE, UNUSUAL_STYLE, Verdict
    from fashion_cnn.ui.wording import canvas_hint, prediction_headline

    assert "a drawing, an icon?" in STYLE_NOTE
    assert canvas_hint(STYLE_NOTE) == (
        "It looks unlike most of the product photos the CNN learned from, as a drawing "
        "does: the CNN for drawings and icons read it."
    )
    styled = Verdict(UNUSUAL_STYLE, STYLE_NOTE)  # a clear reading, not "unsure"
    assert prediction_headline("Trouser", 0.958, styled) == ("Trouser", "95.8%, unusual style")
    drawn = prediction_headline("Trouser", 0.958, styled, drawn=True)
    assert drawn == ("Trouser", "95.8%, as a drawing")
    maybe = MAYBE_HINT.format(reading="Bag (40%)")
    assert canvas_hint(maybe) == maybe and canvas_hint(None) is None


def test_upload_labels_name_each_file_once():
    from fashion_cnn.ui.wording import upload_labels

    names = ["a.png", "b.png", "a.png", "a.png (2)", "a.png"]
    assert upload_labels(names) == ["a.png", "b.png", "a.png (2)", "a.png (2) (2)", "a.png (3)"]


def test_the_headline_says_not_a_garment_first_except_for_a_test_image():
    """A picture that is not a garment leads with that, its likeness second; a weak garment
    score reads 'if it is a garment'; a test image, a garment whatever the verdict, keeps
    its class."""
    nag = Verdict(NOT_A_GARMENT, "Not a garment, it seems")
    maybe = Verdict(PERHAPS_NOT, MAYBE_HINT.format(reading="Bag (69%)"))
    assert prediction_headline("Ankle boot", 0.187, nag) == (
        "Not a garment",
        "most like Ankle boot (18.7%)",
    )
    assert prediction_headline("Ankle boot", 0.187, nag, test_image=True) == (
        "Ankle boot",
        "18.7%, if it were a garment",
    )
    assert prediction_headline("Bag", 0.69, maybe) == ("Bag", "69.0%, if it is a garment")
    assert prediction_headline("Bag", 0.69, maybe, test_image=True) == ("Bag", "69.0%, unsure")
    assert prediction_headline("Trouser", 0.9, Verdict(CONFIDENT, None)) == (
        "Trouser",
        "90.0% confident",
    )


def test_the_way_back_names_the_last_runs_state_and_its_accuracy():
    assert (
        last_run_line("finished", 5, 5, 0.8421) == "Your last run: finished, 84.21% test accuracy"
    )
    assert last_run_line("running", 2, 5, None) == "Your last run: training, epoch 3 of 5"
    assert last_run_line("running", 5, 5, None) == "Your last run: training, epoch 5 of 5"
    assert last_run_line("stopped", 1, 5, 0.5) == (
        "Your last run: stopped after 1 epoch, 50.00% test accuracy"
    )
    assert last_run_line("stopped", 0, 5, None) == (
        "Your last run: stopped before its first epoch ended"
    )
    assert last_run_line("queued", 0, 5, None).startswith("Your last run: waiting for a worker")
    assert last_run_line("failed", 1, 5, None) == "Your last run: failed"
    assert last_run_line("cancelled", 0, 5, None) == "Your last run: cancelled"
