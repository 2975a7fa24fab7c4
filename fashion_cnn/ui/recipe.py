"""A run's recipe in a link: the Train form's settings to and from query parameters,
e.g. /train?architecture=tiny&epochs=5&learning_rate=0.003."""

from __future__ import annotations

from dataclasses import Field, replace

from fashion_cnn.common.settings import TrainConfig, form_fields
from fashion_cnn.ui.wording import setting_name


def allowed(f) -> list | None:
    """A form field's listed choices, or None when it takes a range."""
    choices = f.metadata.get("choices")
    return list(choices() if callable(choices) else choices) if choices else None


def parse(f, text: str):
    """One query value as the field's type, or ValueError when it is not one it allows."""
    kind = type(getattr(TrainConfig(), f.name))
    if kind is bool:
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError(text)
        return text.lower() in ("true", "1")
    value = kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
    choices = allowed(f)
    if choices is not None and value not in choices:
        raise ValueError(text)
    low, high = f.metadata.get("min"), f.metadata.get("max")
    if choices is None and low is not None and not low <= value <= high:
        raise ValueError(text)
    return value


def from_query(
    params: dict[str, str], defaults: TrainConfig
) -> tuple[TrainConfig, list[str], list[str]]:
    """The settings a link names on top of `defaults`, those whose values no field allows
    (as people read them: "batch size (batch_size=999)"), and a line for each value that
    cannot train with those before it (early stopping without validation); each of those
    keeps its default."""
    cfg, wrong, clashes = defaults, [], []
    for f in form_fields():
        if f.name not in params:
            continue
        try:
            value = parse(f, params[f.name])
        except (TypeError, ValueError, OverflowError):
            wrong.append(as_named(f, f"{f.name}={params[f.name][:20]}"))
            continue
        try:
            cfg = replace(cfg, **{f.name: value})
        except ValueError as exc:
            named = as_named(f, f.name)
            clashes.append(f"{named} cannot train with the link's other settings ({exc})")
    return cfg, wrong, clashes


def as_named(f: Field, text: str) -> str:
    """A link's setting as people read it, with what the link says: "batch size
    (batch_size=999)", "epochs=9999" where the two names are one."""
    name = setting_name(f)
    return text if name == f.name else f"{name} ({text})"


def to_query(cfg: TrainConfig) -> dict[str, str]:
    """The form's settings of `cfg` as query parameters."""
    return {
        f.name: str(getattr(cfg, f.name)).lower()
        if isinstance(getattr(cfg, f.name), bool)
        else str(getattr(cfg, f.name))
        for f in form_fields()
    }
