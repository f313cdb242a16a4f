"""Reading what a report is made of, for the command line: one bad line never sinks the rest.

Events and extractions are read with the reader every command shares
(``extractor.ingest.records``): each line it cannot read adds one line to the problems, which are
printed, listed on the page, and make the exit status 1. An event is also checked for what the
page draws from it beyond its schema: a date the timeline can place, and the people each source
named as a list of names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from extractor.ingest import Article, InputFailure, read_articles, read_records
from extractor.ingest.records import is_failure_record
from schemas import ArticleExtraction, Event
from schemas.vocab import PARTIAL_DATE_PATTERN

_PARTIAL_DATE = re.compile(PARTIAL_DATE_PATTERN)


@dataclass
class ReportInputs:
    events: list[Event] = field(default_factory=list)
    extractions: list[ArticleExtraction] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def event_problem(event: Event) -> str | None:
    """What the page could not draw in a schema-valid event, or None."""
    if event.date is not None and not _PARTIAL_DATE.fullmatch(event.date):
        return f"date {event.date[:40]!r} is not a partial ISO date"
    participants = event.fields.get("participants")
    for index, seen in enumerate(participants.values if participants else []):
        if seen.value is not None and not (isinstance(seen.value, list) and all(isinstance(name, str) for name in seen.value)):
            return f"fields.participants.values[{index}].value is not a list of names"
    return None


def read_jsonl(path: Path, model: type[BaseModel], what: str, problems: list[str]) -> list:
    """The records of ``model`` in a JSONL file; each unreadable line adds one line to ``problems``.

    A file that cannot be read at all is an ``InputError``: there is nothing to report from it.
    """
    is_event = model is Event
    records = []
    for item in read_records(
        path,
        model,
        what,
        # A recorded failure (`--failures`) among extractions: no extraction to draw quotes from.
        skip=is_failure_record if model is ArticleExtraction else None,
        check=event_problem if is_event else None,  # type: ignore[arg-type]
    ):
        if isinstance(item, InputFailure):
            problems.append(item.message)
        else:
            records.append(item)
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
