"""Small grammar helpers for the sentences the pages build from numbers and class names."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 epoch', '2 epochs', '10,000 images'; `many` for irregular plurals."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def with_article(name: str) -> str:
    """'an Ankle boot', 'a Shirt', 'a T-shirt/top': by the first letter's sound."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def training_story(card: dict) -> tuple[float, str]:
    """A model card's total training minutes, and how it was trained in one sentence."""
    own = f"{plural(card['epochs_completed'], 'epoch')} (`{card['command']}`)"
    base = card.get("fine_tuned_from")
    if not base:
        return card["training_seconds"] / 60, f"Trained for {own} on {card['machine']}."
    minutes = (card["training_seconds"] + (base.get("training_seconds") or 0)) / 60
    return minutes, (
        f"Trained for {plural(base.get('epochs_completed') or 0, 'epoch')} "
        f"(`{base.get('command')}`, {base.get('test_accuracy', 0):.2%} on the test set), then "
        f"fine-tuned for {own} with drawn garments mixed in, on {card['machine']}."
    )
