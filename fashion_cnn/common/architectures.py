"""The CNN architectures as named presets: plain data, so every process can list them
(fashion_cnn.training.model builds them with Keras)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Architecture:
    """A VGG-style stack: one tuple of conv widths per block, a max-pool between blocks,
    then global average pooling into one dense layer.

    That head is what lets the app explain any preset in closed form: class activation
    maps and each channel's share of a class score need only the dense layer's weights."""

    name: str
    description: str
    blocks: tuple[tuple[int, ...], ...]

    def summary(self) -> str:
        """The layer stack in one line, for people."""
        stages = [" → ".join(f"conv {w}" for w in widths) for widths in self.blocks]
        return (
            f"28×28×1 → {' → max-pool → '.join(stages)} → global average pool → dropout → "
            "dense 10 (softmax); each conv is 3×3 with batch norm and ReLU"
        )


ARCHITECTURES: dict[str, Architecture] = {
    arch.name: arch
    for arch in (
        Architecture(
            "tiny",
            "3 conv layers with batch norm, 24k parameters: trains in seconds",
            blocks=((16,), (32,), (64,)),
        ),
        Architecture(
            "studio",
            "6 conv layers with batch norm, 289k parameters: the bundled model",
            blocks=((32, 32), (64, 64), (128, 128)),
        ),
    )
}
DEFAULT_ARCHITECTURE = "studio"
