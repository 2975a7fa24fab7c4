"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Let `write` fill a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".saving-", suffix=path.suffix, dir=path.parent)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; these files are for everyone
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        replace_durably(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_durably(written: Path, path: Path) -> None:
    """Rename the finished file `written` over `path`, its bytes on disk first.

    Without the syncs, a power cut soon after could leave `path` empty on some file
    systems (XFS, btrfs): the rename reached the disk before the data."""
    with open(written, "rb") as f:
        os.fsync(f.fileno())
    os.replace(written, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def write_bytes_atomic(data: bytes, path: Path) -> None:
    """Write `data` to `path` atomically."""
    write_atomic(path, lambda f: f.write(data))
