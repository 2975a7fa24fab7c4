"""Small grammar helpers for the sentences the pages build from numbers and class names."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 epoch', '2 epochs', '10,000 images'; `many` for irregular plurals."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def with_article(name: str) -> str:
    """'an Ankle boot', 'a Shirt', 'a T-shirt/top': by the first letter's sound."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
