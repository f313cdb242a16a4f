"""Errors a user can act on. The CLI prints ``str(error)`` as one line and exits non-zero."""

from __future__ import annotations

from typing import ClassVar

from schemas.vocab import FailureKind


class SummitError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code: ClassVar[int] = 1
    kind: ClassVar[FailureKind] = "internal"


class InputError(SummitError):
    """An article could not be read: empty, binary, not UTF-8, bad JSON, too large, no text."""

    exit_code = 2
    kind = "input"


class ConfigError(SummitError):
    """Settings that cannot work: a missing model, an unreachable endpoint, a bad flag value."""

    exit_code = 2
    kind = "config"


class ModelError(SummitError):
    """The model server failed or refused after every retry."""

    exit_code = 3
    kind = "model"


class ModelUnavailable(ModelError):
    """The model server is down, overloaded or slow (refused, unreachable, HTTP 5xx, 429, 408, a
    timeout): nothing about the article. A worker waits for it to come back rather than count an
    attempt against the message."""


class ReplyMissing(ModelError):
    """Asked to answer from the kept replies only (``--replies-only``), a request had none."""


class ExtractionError(SummitError):
    """The model answered, but no valid, grounded record could be made of the answer."""

    exit_code = 3
    kind = "validation"


class InternalError(SummitError):
    """A bug of ours, reported as one line (``-vv`` shows the traceback)."""

    exit_code = 70
    kind = "internal"


EXIT_SOME_FAILED = 1  # a batch in which some articles failed and others did not

_BY_KIND: dict[str, type[SummitError]] = {cls.kind: cls for cls in (InputError, ConfigError, ModelError, ExtractionError, InternalError)}


def exit_code_of(kind: FailureKind) -> int:
    """The exit status for a failure of this kind: the error class's own."""
    return _BY_KIND[kind].exit_code


class ChecksumError(ConfigError):
    """A model file whose SHA-256 is not the expected one: refused, never served."""


class GoldFormatError(InputError):
    """A gold file that does not follow the ``summit-gold/1`` format."""


def first_problem(error: Exception, *, default_where: str = "record") -> str:
    """The first problem a pydantic ``ValidationError`` (or any error) reports, as "where: what".

    One line is what a user can act on; pydantic's full report runs to many.
    """
    details = getattr(error, "errors", None)
    if callable(details):
        first = details()[0]
        where = ".".join(str(part) for part in first["loc"]) or default_where
        return f"{where}: {first['msg']}"
    return f"{default_where}: {error}"
