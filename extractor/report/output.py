"""Writing the report file: checked before any work, replaced whole, never half written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from extractor.errors import ConfigError


def check_writable(path: Path, flag: str) -> None:
    """Fail now, with one line, if ``path`` cannot be written (before a model is asked anything)."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ConfigError(f"{flag} {path}: is a directory")
    if not folder.is_dir():
        raise ConfigError(f"{flag} {path}: no such directory {folder}")
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"{flag} {path}: cannot write in {folder}")


def write_html(path: Path, page: str, flag: str = "-o") -> None:
    """Write ``page`` to ``path`` through a temporary file, so a reader never sees half a page."""
    check_writable(path, flag)
    handle = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            handle.write(page)
        os.chmod(handle.name, 0o644)  # a temporary file is private; the report is an ordinary file
        os.replace(handle.name, path)
    except OSError as exc:
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)
        raise ConfigError(f"{flag} {path}: cannot write ({exc.strerror or exc})") from None
