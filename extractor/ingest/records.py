"""JSONL files of records from outside (extractions, events): one reader for every command.

``reconcile``, ``evaluate --extractions`` and ``report`` read their input through ``read_records``,
so a line that one of them survives, all of them survive. A line that is not a record becomes an
``InputFailure`` with its file and line number, and the good lines are still read; what can
fail on a hostile line is said in one line each: not UTF-8, invalid JSON (broken, nested too
deeply, a number of thousands of digits, ``NaN`` or ``Infinity``, which JSON does not have and a
browser's JSON parser refuses), not a record of the expected kind, or a value the caller's
``check`` refuses. Only a file that cannot be read at all stops the command (``InputError``):
missing, in another encoding (UTF-16, UTF-32), or a FIFO nobody writes to, which is opened
without waiting for a writer and said so instead of hanging.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from pydantic import BaseModel, ValidationError

from extractor.errors import InputError, first_problem
from extractor.ingest.articles import InputFailure, not_utf8_bom, open_source
from extractor.jsontext import JSON_ERRORS, json_problem

M = TypeVar("M", bound=BaseModel)


class _NotANumber(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity`` in a JSON text."""


def _refuse_constant(name: str) -> Any:
    raise _NotANumber(name)


def is_failure_record(value: object) -> bool:
    """A recorded failure among extractions (``--failures``, a failed line of ``extract``)."""
    return isinstance(value, dict) and "error" in value and "provenance" not in value


def loads_strict(line: str) -> Any:
    """``json.loads`` that refuses ``NaN`` and the infinities (Python's json accepts them)."""
    return json.loads(line, parse_constant=_refuse_constant)


def read_records(
    path: Path | str,
    model: type[M],
    what: str,
    *,
    skip: Callable[[Any], bool] | None = None,
    check: Callable[[M], str | None] | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[M | InputFailure]:
    """Each line of the JSONL file as a ``model`` record, or an ``InputFailure`` saying why not.

    ``what`` names a record in messages ("an extraction record"); ``skip`` says which parsed
    lines to pass over silently (recorded failures among extractions); ``check`` returns what is
    wrong with a record that validated but cannot be used, or None. ``"-"`` reads ``stdin``.
    """
    source = _open(path, stdin)
    with source as handle:
        number = 0
        for number, raw in enumerate(handle, start=1):

            def bad(problem: str, number: int = number) -> InputFailure:
                return InputFailure(str(path), number, f"{path}:{number}: {problem}")

            if number == 1 and (problem := not_utf8_bom(raw)):
                raise InputError(f"{path}: {problem}")
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield bad(f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")
                continue
            if not line.strip():
                continue
            try:
                value = loads_strict(line)
            except _NotANumber as exc:
                yield bad(f"invalid JSON ({exc} is not a number JSON allows)")
                continue
            except JSON_ERRORS as exc:
                yield bad(json_problem(exc))
                continue
            if skip is not None and skip(value):
                continue
            try:
                record = model.model_validate(value)
            except ValidationError as exc:
                yield bad(f"not {what} ({first_problem(exc)})")
                continue
            except RecursionError:
                yield bad(f"not {what} (nested too deeply)")
                continue
            if check is not None and (problem := check(record)):
                yield bad(f"not {what} ({problem})")
                continue
            yield record
        if number == 0 and source.fifo:
            raise InputError(f"{path}: nothing to read (a FIFO with no writer; start the writer first, or pipe it on stdin)")


class _open:
    """The file (or stdin) for reading lines; a FIFO with no writer is an ``InputError``, not a hang."""

    def __init__(self, path: Path | str, stdin: BinaryIO | None):
        self.path, self.stdin = path, stdin
        self.handle: BinaryIO | None = None
        self.fifo = False  # opened without waiting for a writer: one that never came reads as empty

    def __enter__(self) -> BinaryIO:
        if str(self.path) == "-":
            return self.stdin if self.stdin is not None else sys.stdin.buffer
        try:
            handle = self.handle = open_source(Path(self.path))
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        except ValueError:  # a NUL in the name
            raise InputError(f"{self.path}: not a valid file name (it holds a NUL character)") from None
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{self.path}: cannot read (it is a directory; give a JSONL file)")
        self.fifo = stat.S_ISFIFO(mode)
        return handle

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()
