"""Reading what a report is made of, for the command line: one bad line never sinks the rest.

Each reader returns the records it could read and, for every line it could not, one line saying
where and why; the report is written from the good records and lists the bad lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from extractor.errors import InputError, first_problem
from extractor.ingest import Article, InputFailure, read_articles
from schemas import ArticleExtraction, Event


@dataclass
class ReportInputs:
    events: list[Event] = field(default_factory=list)
    extractions: list[ArticleExtraction] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_jsonl(path: Path, model: type[BaseModel], what: str, problems: list[str]) -> list:
    """The records of ``model`` in a JSONL file; each unreadable line adds one line to ``problems``.

    A file that cannot be opened at all is an ``InputError``: there is nothing to report from it.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    records = []
    for number, raw in enumerate(data.splitlines(), start=1):
        where = f"{path}:{number}"
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x})")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if model is ArticleExtraction and isinstance(record, dict) and "error" in record and "provenance" not in record:
            continue  # a recorded failure (`--failures`): no extraction to draw quotes from
        try:
            records.append(model.model_validate(record))
        except ValidationError as exc:
            problems.append(f"{where}: not {what} ({first_problem(exc)})")
    return records


def read_report_inputs(events: Path, extractions: Path | None = None, articles: Iterable[str] = ()) -> ReportInputs:
    inputs = ReportInputs()
    inputs.events = read_jsonl(events, Event, "an event record", inputs.problems)
    if extractions is not None:
        inputs.extractions = read_jsonl(extractions, ArticleExtraction, "an extraction record", inputs.problems)
    sources = list(articles)
    if sources:
        for item in read_articles(sources):
            if isinstance(item, InputFailure):
                inputs.problems.append(item.message)
            else:
                inputs.articles.append(item)
    return inputs
