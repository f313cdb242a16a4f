"""The report's data: events with every value's sources and quote spans, and the articles.

Everything the page shows is in this one JSON-able dict, built here and only drawn by the page's
script; the page never parses HTML out of it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from typing import Any

from extractor.ingest import Article
from extractor.normalize.partial_dates import date_parts
from extractor.report.evidence import MentionEvidence, Span
from extractor.report.rules import rule_in_words
from schemas import ArticleExtraction, Event

# Fields shown with their values and sources, in this order.
SHOWN_FIELDS = ("date", "city", "country", "kind", "status", "participants", "title")


def date_label(value: str | None, precision: str) -> str:
    """A partial ISO date for a reader: '28 June 2026', 'June 2026', 'September (year unknown)'."""
    year, month, day = date_parts(value)
    if year is None and month is None:
        return "a weekday, date unknown" if precision == "weekday" else "date unknown"
    parts = [str(day)] if day else []
    if month:
        parts.append(calendar.month_name[month])
    text = " ".join(parts)
    if year:
        return f"{text} {year}".strip()
    return f"{text} (year unknown)"


def _sort_key(event: Event) -> tuple:
    year, month, day = date_parts(event.date)
    return (year is None, year or 0, month or 0, day or 0, event.title, event.event_id)


class _Articles:
    """What is known about each article, by id: from the texts, the extractions and the events."""

    def __init__(self, extractions: dict[str, ArticleExtraction], texts: dict[str, Article]):
        self.extractions = extractions
        self.texts = texts
        self.table: dict[str, dict[str, Any]] = {}

    def note(self, article_id: str, mention: Any) -> None:
        if article_id in self.table:
            return
        extraction = self.extractions.get(article_id)
        article = self.texts.get(article_id)
        source = extraction.source if extraction else None

        def pick(name: str):
            for origin in (source, article, mention):
                value = getattr(origin, name, None) if origin is not None else None
                if value:
                    return value
            return None

        self.table[article_id] = {
            "title": pick("title"),
            "url": pick("url"),
            "outlet": pick("outlet"),
            "published": pick("published"),
            "file": pick("file"),
            "text": article.text if article else None,
            "dropped": [[d.path, d.value, d.reason] for d in extraction.dropped] if extraction else [],
        }

    def evidence(self, article_id: str, summit_index: int) -> MentionEvidence | None:
        extraction = self.extractions.get(article_id)
        if extraction is None or not 0 <= summit_index < len(extraction.summits):
            return None
        article = self.texts.get(article_id)
        return MentionEvidence(extraction, extraction.summits[summit_index], article.text if article else None)


def _sourced(article_ids: Iterable[str], spans_of) -> list[dict]:
    return [{"article": aid, "spans": spans_of(aid)} for aid in article_ids]


def _event(event: Event, articles: _Articles) -> dict[str, Any]:
    by_article: dict[str, list[MentionEvidence]] = {}
    for mention in event.mentions:
        articles.note(mention.article_id, mention)
        found = articles.evidence(mention.article_id, mention.summit_index)
        if found is not None:
            by_article.setdefault(mention.article_id, []).append(found)

    def spans(aid: str, locate) -> list[Span]:
        out: list[Span] = []
        for mention in by_article.get(aid, []):
            out += [s for s in locate(mention) if s not in out]
        return out

    fields = {}
    for name in SHOWN_FIELDS:
        resolution = event.fields.get(name)
        if resolution is None:
            continue
        values = []
        for seen in resolution.values:
            if name == "participants":
                locate = lambda m, names=seen.value or []: m.actor_spans(names) or m.meeting()  # noqa: E731
            else:
                locate = lambda m, quotes=seen.quotes: m.spans(quotes)  # noqa: E731
            values.append({"value": seen.value, "sources": _sourced(seen.sources, lambda aid, f=locate: spans(aid, f))})
        fields[name] = {
            "chosen": resolution.chosen,
            "rule": resolution.rule,
            "rule_words": rule_in_words(resolution.rule),
            "confidence": resolution.confidence,
            "values": values,
        }

    pledges = [
        {
            "description": p.description,
            "domain": p.domain,
            "certainty": p.certainty,
            "parties": p.parties,
            "descriptions": p.descriptions,
            "sources": _sourced(p.sources, lambda aid, p=p: spans(aid, lambda m: m.pledge_spans(p.descriptions))),
        }
        for p in event.pledges
    ]
    actors = [
        {
            "name": a.canonical_name,
            "role": a.role,
            "country": a.country,
            "spellings": a.spellings,
            "sources": _sourced(a.sources, lambda aid, a=a: spans(aid, lambda m: m.actor_spans([a.canonical_name, *a.spellings]))),
        }
        for a in event.actors
    ]
    countries = sorted({c for c in [event.country, *(a.country for a in event.actors)] if c})
    return {
        "id": event.event_id,
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "date": event.date,
        "precision": event.date_precision,
        "date_label": date_label(event.date, event.date_precision),
        "year": date_parts(event.date)[0],
        "city": event.city,
        "country": event.country,
        "countries": countries,
        "participants": event.participants,
        "pledges": pledges,
        "actors": actors,
        "fields": fields,
        "conflicts": [
            {"field": c.field, "chosen": c.chosen, "rule": c.rule, "rule_words": rule_in_words(c.rule), "why": c.why}
            for c in event.conflicts
        ],
        "mentions": [{"article": m.article_id, "mention": m.mention, "summit": m.summit_index} for m in event.mentions],
        "source_count": event.source_count,
        "outlet_count": event.outlet_count,
    }


def report_data(
    events: Iterable[Event],
    extractions: Iterable[ArticleExtraction] | None = None,
    articles: Iterable[Article] | None = None,
    *,
    title: str = "Summit events",
    problems: Iterable[str] = (),
) -> dict[str, Any]:
    """The page's data. ``extractions`` give the quotes' offsets; ``articles`` their text."""
    table = _Articles({x.article_id: x for x in extractions or ()}, {a.article_id: a for a in articles or ()})
    ordered = sorted(events, key=_sort_key)
    shown = [_event(event, table) for event in ordered]
    return {
        "title": title,
        "events": shown,
        "articles": table.table,
        "conflict_count": sum(len(e["conflicts"]) for e in shown),
        "problems": list(problems),
    }
