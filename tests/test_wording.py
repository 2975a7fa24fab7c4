"""The grammar helpers behind the pages' sentences."""

from fashion_cnn import config
from fashion_cnn.wording import plural, with_article


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
