"""Article messages on the wire: one JSON object per article, the same on every broker.

A message comes from outside (any producer can write to the stream), so it is checked as the
command line checks its input before a worker spends a model call on it: the same size limit,
the same types, and an ``article_id`` that is the hash of the text it carries (another article's
id would replace that article in the events: the store keeps one extraction per id). What fails
is a ``BadMessage``: dead-lettered at once with the reason, never retried.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from extractor.ingest import Article, parse_article
from extractor.ingest.articles import DEFAULT_MAX_CHARS, Shape, read_limit
from extractor.jsontext import JSON_ERRORS, json_problem

_ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}
_TEXT_FIELDS = ("title", "published", "url", "outlet", "file")
_SHAPES = set(get_args(Shape))
# What a message may add to its article's text: the other fields, JSON's escapes (\n, \") and
# a margin; the text itself is checked against the character limit once parsed.
_ENVELOPE_BYTES = 64 * 1024
# A failed-attempt count in a message's envelope above this is not a count anyone wrote.
_MAX_COUNT = 1_000_000


class BadMessage(ValueError):
    """A message no worker can ever process: dead-lettered at once, never retried."""


@dataclass
class Delivery:
    """One message as a broker handed it over: what the worker needs to process and settle it."""

    message_id: str
    body: bytes
    attempt: int = 0  # failed attempts so far (carried in the message when it is retried)
    deliveries: int = 1  # times the broker handed this copy out (a crashed worker's count too)
    last_error: str | None = None
    handle: object = field(default=None, repr=False)  # the broker's own message object
    # Why the broker's envelope (attempt count, headers) could not be read: the message is
    # dead-lettered with this reason instead of being processed.
    malformed: str | None = None


def envelope_count(value: object, name: str) -> int:
    """A count from a message's envelope (a Redis field, an AMQP header): absent is 0.

    Raises ``BadMessage`` naming the field for anything that is not a small whole number.
    """
    if value is None:
        return 0
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            raise BadMessage(f"its {name} field is not a number") from None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 7:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        shown = repr(value)[:40]
        raise BadMessage(f"its {name} field is {shown}, not a count of attempts")
    return value


def envelope_text(value: object) -> str | None:
    """A text field of the envelope (the last error), whatever type a producer gave it."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def encode_article(article: Article) -> bytes:
    return json.dumps(dataclasses.asdict(article), ensure_ascii=False).encode("utf-8")


def decode_article(body: bytes, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """The article in a message; a record from another producer (title/body/…) is ingested as such.

    Raises ``BadMessage`` with the reason for anything the command line would refuse.
    """
    limit = read_limit(max_chars) + _ENVELOPE_BYTES
    if len(body) > limit:
        raise BadMessage(f"message is {len(body):,} bytes, too long for one article; the limit is {max_chars:,} characters")
    try:
        document = json.loads(body)
    except UnicodeDecodeError as exc:
        raise BadMessage(f"not a JSON article message (not UTF-8: {exc.reason})") from None
    except JSON_ERRORS as exc:
        raise BadMessage(f"not a JSON article message ({json_problem(exc)})") from None
    if not isinstance(document, dict):
        raise BadMessage("not a JSON article message (expected an object)")
    if set(document) == _ARTICLE_FIELDS:
        return _checked_article(document, max_chars)
    try:
        # Anything else is read like a JSON article record given to `extract` (title, body, …).
        file = document.get("file") if isinstance(document.get("file"), str) else None
        return parse_article(body, file=file, max_chars=max_chars)
    except Exception as exc:  # noqa: BLE001 - whatever ingest refuses is a bad message
        raise BadMessage(str(exc)) from None


def article_id_of(text: str) -> str:
    """The id ingest gives an article: the start of its text's SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _checked_article(document: dict[str, Any], max_chars: int) -> Article:
    """An article message as ``encode_article`` writes it, each field checked."""
    text = document["text"]
    if not isinstance(text, str) or not text.strip():
        raise BadMessage("article message without text")
    if len(text) > max_chars:
        raise BadMessage(f"article is {len(text):,} characters; the limit is {max_chars:,} (the worker's --max-chars)")
    for name in _TEXT_FIELDS:
        if document[name] is not None and not isinstance(document[name], str):
            raise BadMessage(f"article message field {name!r} is {_json_type(document[name])}, not a string")
    line = document["line"]
    if line is not None and (isinstance(line, bool) or not isinstance(line, int)):
        raise BadMessage(f"article message field 'line' is {_json_type(line)}, not a number")
    if document["shape"] not in _SHAPES:
        raise BadMessage(f"article message field 'shape' is not one of {', '.join(sorted(_SHAPES))}")
    if document["published"] is not None and not _iso_day(document["published"]):
        raise BadMessage("article message field 'published' is not a date (YYYY-MM-DD)")
    try:
        derived = article_id_of(text)
    except UnicodeEncodeError:
        raise BadMessage("article text is not valid Unicode (it holds a lone surrogate)") from None
    if document["article_id"] is None:
        document = {**document, "article_id": derived}
    elif document["article_id"] != derived:
        raise BadMessage(f"article_id {str(document['article_id'])[:40]!r} is not its text's ({derived}); an id names one text")
    return Article(**document)


def _iso_day(value: str) -> bool:
    try:
        return len(value) == 10 and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _json_type(value: object) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array", dict: "an object"}
    return kinds.get(type(value), "null")
