"""Logging for the CLI and worker: short lines on stderr, never a secret."""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
from urllib.parse import quote, quote_plus

_KEY_LIKE = re.compile(r"\b(sk|pk|rk)-[A-Za-z0-9_\-*]{6,}|(?i:bearer)\s+[A-Za-z0-9._\-]{8,}")


_SECRETS: set[str] = set()


def register_secret(secret: str | None) -> None:
    """A key given some other way than $OPENAI_API_KEY (``--api-key``, a ``--base-url`` query
    value): redacted from now on, as written and as a URL carries it."""
    if secret:
        _SECRETS.update(_written_forms(secret))


@functools.lru_cache(maxsize=64)
def _written_forms(secret: str) -> tuple[str, ...]:
    """The secret, and the forms a URL gives it: percent-encoded (either case of hex digits,
    ``+`` or ``%20`` for a space). httpx logs a query token encoded: ``tok/en`` as ``tok%2Fen``."""
    forms = {secret}
    for encoded in (quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)):
        forms.add(encoded)
        forms.add(re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded))
    return tuple(sorted(forms, key=len, reverse=True))


def redact(message: str, secret: str | None = None) -> str:
    """The message without ``secret``, the configured API key, or anything shaped like a key."""
    for given in (secret, os.environ.get("OPENAI_API_KEY")):
        if given:
            for form in _written_forms(given):
                message = message.replace(form, "[redacted]")
    for known in sorted(_SECRETS, key=len, reverse=True):
        message = message.replace(known, "[redacted]")
    return _KEY_LIKE.sub("[redacted]", message)


# Terminal escape sequences (CSI, OSC, and lone ESC + one character), then any control character
# left: what came from outside (a server's error text, a file name) must not drive the terminal
# or forge a line of its own.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?|\x9b[0-?]*[ -/]*[@-~]", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` safe for one terminal line: escape sequences and control characters shown escaped."""
    text = _ESCAPE_SEQUENCE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class RedactSecrets(logging.Filter):
    """Replace the configured API key, and anything shaped like a key, in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = printable(redact(record.getMessage())), None
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record: with -vv a traceback quotes URLs and server replies."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(*, verbose: int = 0, quiet: bool = False) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose >= 2 else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("summit-extract: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("extractor").setLevel(level)
    # Libraries speak only when something is wrong, and instructor not even then: its
    # per-attempt errors are ours to report, once, in our words.
    for noisy in ("httpx", "httpx2", "openai"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    logging.getLogger("instructor").setLevel(logging.DEBUG if verbose >= 2 else logging.CRITICAL)
