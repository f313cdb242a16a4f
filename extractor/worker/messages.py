"""Article messages on the wire: one JSON object per article, the same on every broker."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from extractor.ingest import Article, parse_article

_ARTICLE_FIELDS = {f.name for f in dataclasses.fields(Article)}


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


def encode_article(article: Article) -> bytes:
    return json.dumps(dataclasses.asdict(article), ensure_ascii=False).encode("utf-8")


def decode_article(body: bytes) -> Article:
    """The article in a message; a record from another producer (title/body/…) is ingested as such."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadMessage(f"not a JSON article message ({exc})") from None
    if not isinstance(document, dict):
        raise BadMessage("not a JSON article message (expected an object)")
    if set(document) == _ARTICLE_FIELDS:
        article = Article(**document)
        if not isinstance(article.text, str) or not article.text.strip():
            raise BadMessage("article message without text")
        return article
    try:
        # Anything else is read like a JSON article record given to `extract` (title, body, …).
        return parse_article(body, file=document.get("file") if isinstance(document.get("file"), str) else None)
    except Exception as exc:  # noqa: BLE001 - whatever ingest refuses is a bad message
        raise BadMessage(str(exc)) from None
