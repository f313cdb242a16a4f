"""Ingest: bytes from a file or stdin in, ``Article`` records (the story and its metadata) out.

This is the first stage of the pipeline and the only one that sees raw input, so it is where bad
input is turned into one line a user can act on (``InputError``). Everything later works on
``Article.text``: it is NFC-normalised, with ``\\n`` line endings and page furniture removed, and
every character offset downstream points into exactly that string.

The shape of a document is read from its content, not its file name (a ``.txt`` file may hold a
JSON record): a JSON object is an article record, several lines each holding a JSON object are
JSONL (one article per line), anything else is text, either plain or a scraped page.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from extractor.errors import InputError
from extractor.ingest.boilerplate import (
    find_publication,
    looks_scraped,
    page_headline,
    parse_date,
    plain_headline,
    strip_page,
    strip_trailing,
)
from extractor.jsontext import JSON_ERRORS, json_problem

__all__ = ["DEFAULT_MAX_CHARS", "Article", "InputFailure", "not_utf8_bom", "open_source", "parse_article", "read_articles"]

DEFAULT_MAX_CHARS = 200_000

_BOM = b"\xef\xbb\xbf"
# Byte-order marks of the other Unicode encodings, longest first: UTF-32-LE's starts with UTF-16-LE's.
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_BODY_FIELDS = ("body", "body_md", "text", "content")
_TEXT_FIELDS = (*_BODY_FIELDS, "summary")
_TITLE_FIELDS = ("title", "headline")
_DATE_FIELDS = ("published_at", "published", "date", "date_published", "datePublished", "pubDate")
_URL_FIELDS = ("url", "canonical_source", "link")
_OUTLET_FIELDS = ("outlet", "source", "publisher", "site", "site_name")
# Control characters carry no story; \t and \n are kept, \v and \f become line breaks first.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# More control characters than this share of a document and it is not text at all.
_BINARY_SHARE = 0.10
# Where JSON begins: an object, or an array of values (not a bracketed word opening plain text).
_JSON_START = re.compile(r'\s*(?:\{|\[\s*(?:[{\["\]\d-]|true|false|null|$))')
# JSONL detection looks at this many non-blank lines: enough to tell, cheap on a big batch.
_JSONL_PROBE = 20


# How the document came: plain text, a JSON record, a line of JSONL, or text scraped from a page.
Shape = Literal["text", "json", "jsonl", "scraped_page"]


@dataclass(frozen=True)
class Article:
    """One story as the model will see it, with what is known about where it came from."""

    text: str
    article_id: str
    title: str | None
    published: str | None
    url: str | None
    outlet: str | None
    file: str | None
    line: int | None
    shape: Shape


@dataclass(frozen=True)
class InputFailure:
    """A record of a batch that could not be read; the batch goes on without it."""

    file: str | None
    line: int | None
    message: str


def parse_article(
    raw: bytes | str,
    *,
    file: str | None = None,
    line: int | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Article:
    """One article from one document (text, scraped page or JSON object).

    Raises ``InputError`` whose message starts with the location ("path:line: ", "path: ").
    """
    try:
        text, value = _load(raw, max_chars=max_chars, expect_json=False)
        if isinstance(value, list):
            if len(value) != 1:
                raise InputError(
                    f"JSON array of {len(value)} items; expected one article object "
                    "(give several articles as a batch, one JSON object per line)"
                )
            value = value[0]
            if not isinstance(value, dict):
                raise InputError(f"item 1: {_not_an_object(value)}")
        return _article(text, value, file=file, line=line, max_chars=max_chars, record_shape="json")
    except InputError as error:
        raise InputError(_locate(file, line, str(error))) from None


def read_articles(
    sources: Iterable[str | Path],
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin: BinaryIO | None = None,
) -> Iterator[Article | InputFailure]:
    """Every article of every source, in order; unreadable ones as ``InputFailure``.

    A source is a file, a directory (its regular, non-hidden files, sorted by name) or "-" for
    stdin. A file holds one article or JSONL (one JSON article per line; blank lines skipped).
    One bad record never stops the batch.
    """
    for source in sources:
        label = str(source)
        if label == "-":
            yield from _read_stream(stdin if stdin is not None else sys.stdin.buffer, "-", max_chars)
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(
                (p for p in path.iterdir() if not p.name.startswith(".") and p.is_file()),
                key=lambda p: p.name,
            )
            if not files:
                yield InputFailure(label, None, f"{label}: directory has no files to read")
            for child in files:
                yield from _read_file(child, str(child), max_chars)
        else:
            yield from _read_file(path, label, max_chars)


def _read_file(path: Path, label: str, max_chars: int) -> Iterator[Article | InputFailure]:
    try:
        handle = open_source(path)
    except FileNotFoundError:
        yield InputFailure(label, None, f"{label}: no such file or directory")
        return
    except OSError as error:
        yield InputFailure(label, None, f"{label}: cannot read ({error.strerror or error})")
        return
    except ValueError:  # a NUL in the name: no file can be called that
        yield InputFailure(label, None, f"{label}: not a valid file name (it holds a NUL character)")
        return
    with handle:
        try:
            yield from _read_stream(handle, label, max_chars, fifo=stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode))
        except OSError as error:
            yield InputFailure(label, None, f"{label}: cannot read ({error.strerror or error})")


def open_source(path: Path) -> BinaryIO:
    """The file, opened so that a FIFO with no writer cannot hang us.

    A FIFO opened the usual way waits for a writer forever. Opened with O_NONBLOCK it opens at
    once; blocking is then switched back on, so reads wait for data only while a writer holds
    the FIFO open, and a FIFO nobody writes to reads as empty. Regular files are unaffected.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limit(max_chars: int) -> int:
    """Bytes read of one article before refusing it: UTF-8 takes at most 4 bytes a character."""
    return max_chars * 4 + 1


def _read_stream(handle: BinaryIO, label: str, max_chars: int, *, fifo: bool = False) -> Iterator[Article | InputFailure]:
    """A source read in bounded pieces: never more than one article's worth before deciding.

    A source of up to ``read_limit`` bytes is one document (text, JSON, or JSONL). A longer one
    can only be JSONL (a batch), read line by line with each line bounded; anything else is
    refused without reading on (``/dev/zero`` is refused after 4×max-chars bytes, not a crash).
    """
    limit = read_limit(max_chars)
    head = handle.read(limit)
    if len(head) < limit:
        if not head and fifo:
            yield InputFailure(
                label, None, f"{label}: nothing to read (a FIFO with no writer; start the writer first, or pipe it on stdin)"
            )
            return
        yield from _read_document(head, label, max_chars)
        return
    if not _is_jsonl(head):
        yield InputFailure(
            label,
            None,
            _locate(
                label,
                None,
                (
                    f"over {limit - 1:,} bytes, too long for one article; the limit is {max_chars:,} characters "
                    "(raise it with --max-chars, or give a batch as JSONL, one article per line)"
                ),
            ),
        )
        return
    for number, chunk in _bounded_lines(handle, head, limit):
        if chunk is None:
            yield InputFailure(
                label,
                number,
                _locate(
                    label,
                    number,
                    (
                        f"line is over {limit - 1:,} bytes, too long for one article; the limit is {max_chars:,} characters "
                        "(raise it with --max-chars)"
                    ),
                ),
            )
        elif chunk.strip():
            yield _jsonl_record(chunk, label, number, max_chars)


def _bounded_lines(handle: BinaryIO, head: bytes, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) of ``head`` then the rest of ``handle``; None for a line over ``limit``."""
    buffer, number, skipping = head, 0, False
    while True:
        while (newline := buffer.find(b"\n")) >= 0:
            line, buffer = buffer[:newline], buffer[newline + 1 :]
            number += 1
            if skipping:
                skipping = False  # the end of an over-long line, already reported
            else:
                yield number, (line if len(line) < limit else None)
        if len(buffer) >= limit:
            if not skipping:
                yield number + 1, None
                skipping = True
            buffer = b""
        more = handle.read(65536)
        if not more:
            break
        buffer += more
    if buffer and not skipping:
        yield number + 1, buffer


def _read_document(data: bytes, label: str, max_chars: int) -> Iterator[Article | InputFailure]:
    """One source's content: JSONL line by line, a JSON array item by item, else one article."""
    if _is_jsonl(data):
        # Split the bytes, not the text: a line that is not UTF-8 fails alone.
        for number, chunk in enumerate(data.split(b"\n"), start=1):
            if chunk.strip():
                yield _jsonl_record(chunk, label, number, max_chars)
        return
    try:
        text, value = _load(data, max_chars=max_chars, expect_json=False)
    except InputError as error:
        yield InputFailure(label, None, _locate(label, None, str(error)))
        return
    if not isinstance(value, list):
        yield _document_record(text, value, label, max_chars)
        return
    if not value:
        yield InputFailure(label, None, _locate(label, None, "JSON array is empty; expected article objects"))
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            # A null would otherwise read as "no JSON value" and the whole array became the story.
            yield InputFailure(label, None, _locate(label, None, f"item {index}: {_not_an_object(item)}"))
            continue
        yield _document_record(text, item, label, max_chars, prefix=f"item {index}: ")


def _jsonl_record(chunk: bytes, label: str, number: int, max_chars: int) -> Article | InputFailure:
    try:
        text, value = _load(chunk, max_chars=max_chars, expect_json=True)
        return _article(text, value, file=label, line=number, max_chars=max_chars, record_shape="jsonl")
    except InputError as error:
        return InputFailure(label, number, _locate(label, number, str(error)))


def _document_record(text: str, value: Any, label: str, max_chars: int, prefix: str = "") -> Article | InputFailure:
    try:
        return _article(text, value, file=label, line=None, max_chars=max_chars, record_shape="json")
    except InputError as error:
        return InputFailure(label, None, _locate(label, None, f"{prefix}{error}"))


def _locate(file: str | None, line: int | None, message: str) -> str:
    if file is not None and line is not None:
        return f"{file}:{line}: {message}"
    if file is not None:
        return f"{file}: {message}"
    if line is not None:
        return f"line {line}: {message}"
    return message


# --- decoding -----------------------------------------------------------------------------------


def not_utf8_bom(raw: bytes) -> str | None:
    """The problem with bytes that open with another encoding's byte-order mark, else None:
    "not UTF-8 text (it is UTF-32; convert it to UTF-8)"."""
    for bom, encoding in _OTHER_BOMS:
        if raw.startswith(bom):
            return f"not UTF-8 text (it is {encoding}; convert it to UTF-8)"
    return None


def _decode(raw: bytes | str) -> str:
    """Text from bytes, refusing binary data and anything that is not UTF-8. A BOM is dropped."""
    if isinstance(raw, str):
        text = raw.removeprefix("\ufeff")
    else:
        if problem := not_utf8_bom(raw):
            raise InputError(problem)
        skipped = len(_BOM) if raw.startswith(_BOM) else 0
        if (nul := raw.find(b"\x00")) >= 0:
            raise InputError(f"binary data, not text (NUL byte at offset {nul})")
        try:
            text = raw[skipped:].decode("utf-8")
        except UnicodeDecodeError as error:
            offset = skipped + error.start
            raise InputError(f"not UTF-8 text (byte 0x{raw[offset]:02x} at offset {offset})") from None
    if (nul := text.find("\x00")) >= 0:
        raise InputError(f"binary data, not text (NUL character at offset {nul})")
    return text


def _tidy(text: str) -> str:
    """``\\n`` line endings, no control characters, NFC: the form every offset refers to."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\v", "\n").replace("\f", "\n")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def _load(raw: bytes | str, *, max_chars: int, expect_json: bool) -> tuple[str, Any]:
    """The tidied text of a document and, for JSON, its parsed value (else None)."""
    text = _decode(raw)
    if not text:
        raise InputError("article is empty")
    controls = len(_CONTROL.findall(text))
    if controls > _BINARY_SHARE * len(text):
        raise InputError(f"binary data, not text ({controls:,} control characters in {len(text):,})")
    if not text.strip():
        raise InputError("article is only whitespace")
    starts_json = _looks_json(text)
    if expect_json and not starts_json:
        raise InputError("not a JSON object (each line of a JSONL file must hold one article object)")
    if not starts_json:
        _check_size(len(text), max_chars)
        return _tidy(text), None
    text = _tidy(text)
    try:
        return text, json.loads(text, strict=False)
    except JSON_ERRORS as error:
        if isinstance(error, json.JSONDecodeError) and not expect_json and _jsonl_lines(text):
            raise InputError("several JSON records, one per line (JSONL); read them as a batch, not as one article") from None
        raise InputError(json_problem(error)) from None


def _looks_json(text: str) -> bool:
    """Whether a document is meant as JSON: any "{", but not "[" that opens a "[Update]" tag."""
    return bool(_JSON_START.match(text))


def _check_size(chars: int, max_chars: int) -> None:
    if chars > max_chars:
        raise InputError(f"article is {chars:,} characters; the limit is {max_chars:,} (raise it with --max-chars)")


def _jsonl_lines(text: str) -> bool:
    """Several non-blank lines, at least half of them a JSON object on their own (of the first few)."""
    lines = [line for line in text.split("\n") if line.strip()][:_JSONL_PROBE]
    if len(lines) < 2:
        return False
    objects = 0
    for line in lines:
        try:
            objects += isinstance(json.loads(line, strict=False), dict)
        except JSON_ERRORS:
            pass
    return objects * 2 >= len(lines)


def _is_jsonl(data: bytes) -> bool:
    """Whether a whole file is JSONL: judged leniently so one broken line does not hide the rest."""
    if b"\x00" in data:
        return False
    text = data.removeprefix(_BOM).decode("utf-8", errors="replace")
    if text.lstrip()[:1] != "{":
        return False
    try:
        json.loads(text, strict=False)
        return False  # one JSON document, even if pretty-printed over many lines
    except JSON_ERRORS:
        return _jsonl_lines(text)


# --- building the article -----------------------------------------------------------------------


def _article(text: str, value: Any, *, file: str | None, line: int | None, max_chars: int, record_shape: str) -> Article:
    """An article from a document's text, or from its JSON value when there is one."""
    if value is None:
        return _from_text(text, file=file, line=line)
    if not isinstance(value, dict):
        raise InputError(_not_an_object(value))
    return _from_record(value, file=file, line=line, max_chars=max_chars, shape=record_shape)


def _not_an_object(value: Any) -> str:
    kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")
    return f"JSON is {kind}; expected an article object"


def _clean_story(text: str) -> tuple[str, str, str | None, str | None, str | None]:
    """(story text, shape, headline, published, outlet) of a text that may be a scraped page."""
    lines = [line.rstrip() for line in text.split("\n")]
    publication = find_publication(lines)
    if looks_scraped(lines):
        kept = strip_page(lines, publication.line_indexes)
        shape, headline = "scraped_page", page_headline(kept)
    else:
        kept = strip_trailing([line for i, line in enumerate(lines) if i not in publication.line_indexes])
        shape, headline = "text", plain_headline(kept)
    story = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return story, shape, headline, publication.published, publication.outlet


def _from_text(text: str, *, file: str | None, line: int | None) -> Article:
    story, shape, headline, published, outlet = _clean_story(text)
    if not story.strip():
        raise InputError("no story text left after removing page furniture (menus, ratings, pitches)")
    return _make(story, title=headline, published=published, url=None, outlet=outlet, file=file, line=line, shape=shape)


def _from_record(record: dict[str, Any], *, file: str | None, line: int | None, max_chars: int, shape: str) -> Article:
    """An article from a JSON record: title, summary and body joined, metadata from its fields."""
    title = _field(record, _TITLE_FIELDS)
    title = " ".join(title.split()) if title else None
    summary = _field(record, ("summary",))
    body = _field(record, _BODY_FIELDS)
    if not (body or summary):
        raise InputError(f"JSON article has no text field (expected one of: {', '.join(_TEXT_FIELDS)})")
    published = outlet = None
    if body:
        body, _, _, published, outlet = _clean_story(body)
    parts = []
    if title and not (body and _starts_with_title(body, title)):
        parts.append(title)
    if summary and not (body and body.startswith(summary.strip())):
        parts.append(summary.strip())
    if body:
        parts.append(body)
    story = "\n\n".join(parts)
    if not story:
        raise InputError("no story text left after removing page furniture (menus, ratings, pitches)")
    _check_size(len(story), max_chars)
    return _make(
        story,
        title=title,
        published=_record_date(record) or published,
        url=_field(record, _URL_FIELDS),
        outlet=_outlet(record) or outlet,
        file=file,
        line=line,
        shape=shape,
    )


def _field(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The first of ``names`` holding a non-blank string, tidied; other types count as absent."""
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return _tidy(value).strip()
    return None


def _starts_with_title(body: str, title: str) -> bool:
    first = body.split("\n", 1)[0].lstrip("# ").strip()
    return first == title or body.startswith(title)


def _outlet(record: dict[str, Any]) -> str | None:
    """An outlet name, also from the ``{"name": ...}`` objects some feeds use."""
    for name in _OUTLET_FIELDS:
        value = record.get(name)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return " ".join(_tidy(value).split())
    return None


def _record_date(record: dict[str, Any]) -> str | None:
    """The publication date a record states: a date string, or a Unix time in s or ms."""
    for name in _DATE_FIELDS:
        value = record.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            seconds = value / 1000 if value > 1e11 else value
            try:
                return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()
            except (OverflowError, OSError, ValueError):
                continue
        if isinstance(value, str) and (iso := parse_date(value)):
            return iso
    return None


def _make(text: str, **fields: Any) -> Article:
    # Stripping lines or glyphs could leave a combining mark next to a new neighbour: NFC again.
    text = unicodedata.normalize("NFC", text)
    article_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Article(text=text, article_id=article_id, **fields)
