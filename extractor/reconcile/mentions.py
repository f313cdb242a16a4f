"""Flattening extractions into mention rows: one plain, slotted row per summit mention.

The hot path (blocking and matching) touches these rows only, never pydantic models: attribute
access on a slotted dataclass is several times cheaper, and every comparison key (folded names,
folded city, date components) is computed once here instead of at each comparison.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date as Day  # not "date": a row's ``date`` field would shadow it in annotations

from extractor.normalize.names import fold_name, fold_place
from extractor.normalize.partial_dates import DateParts, date_parts, parse_iso_day, to_calendar
from extractor.reconcile.identity import plain_words, skeleton
from extractor.reconcile.timeline import named_weekday, report_window
from schemas import Actor, ArticleExtraction, Summit

# Processing-order ranks of a date: a full day says most, a weekday or nothing says nothing.
_DATE_RANK = {(True, True, True): 5, (False, True, True): 4, (True, True, False): 3, (False, True, False): 2}


@functools.lru_cache(maxsize=1 << 14)
def _day(published: str | None) -> Day | None:
    """A publication date as a calendar day (cached: an article's rows, and articles of one day, share it)."""
    return parse_iso_day(published)


def fold_person(name: str) -> str:
    """The comparison key of a person's name (``fold_name`` and the key are cached: names recur).

    Beyond ``fold_name`` (case, hyphens, spaces): diacritics and punctuation dropped, the words in
    sorted order and in their transliteration skeleton (identity.py), so "Kameyama Haruto" and
    "Haruto Kameyama", "Dmitriy Volkonskiy" and "Dmitri Volkonsky" are one key. A key is a
    function of the name alone: extractions that share a person share the key, which is what
    the event store links them by (store/event_store.py).
    """
    return _person_key(fold_name(name))


@functools.lru_cache(maxsize=1 << 16)
def _person_key(folded: str) -> str:
    # Cached apart from fold_person: the spellings that fold alike share one key string.
    words = plain_words(folded)
    key = " ".join(sorted(skeleton(word) for word in words)) if words else folded
    return folded if key == folded else key


@dataclass(slots=True)
class MentionRow:
    """One summit mention of one article, with its comparison keys precomputed."""

    article_id: str
    summit_index: int
    outlet: str | None
    file: str | None
    published: str | None
    summit: Summit
    actors: dict[str, Actor]  # the article's actors by every folded spelling (shared by its rows)
    primary: bool
    named: tuple[tuple[str, str], ...]  # (folded name, spelling) of each participant
    persons: frozenset[str]  # folded participant names
    city_key: str | None
    country: str | None
    date: DateParts
    date_rank: int
    anchored: bool  # has a place or a date at month precision or better
    published_day: Day | None  # shared by the article's rows
    weekday: int | None  # the weekday its own words name (0 = Monday), when its date names no day
    window: tuple[Day, Day] | None  # the days it can mean, read from its publication (timeline.report_window)
    # For an article with no publication date: the day of the meeting it is about, once known
    # (grouping.py sets it; timeline.py, "the lifecycle").
    story_day: Day | None = None

    def country_of(self, name: str) -> str | None:
        """The country the article's actor record gives for a (folded) participant, if any."""
        actor = self.actors.get(name)
        return actor.country if actor is not None else None

    @property
    def day(self) -> Day | None:
        """The date as a calendar day, when it gives year, month and day."""
        return to_calendar(self.date) if self.date[2] is not None else None

    @property
    def weight(self) -> float:
        """How much this mention's word counts when sources are weighed (see resolution.py)."""
        return 1.0 if self.primary else 0.5

    def order_key(self) -> tuple:
        """Canonical processing order: anchored, primary, precisely dated, placed mentions first.

        Strong mentions found the events; weaker ones then attach to the event they fit best. The
        order depends only on the mentions themselves, never on input order.
        """
        return (not self.anchored, not self.primary, -self.date_rank, self.city_key is None, self.article_id, self.summit_index)


def _actor_index(actors: list[Actor], key: Callable[[str], str]) -> dict[str, Actor]:
    """Every folded spelling of each actor → the actor; on a clash the first by canonical name wins."""
    index: dict[str, Actor] = {}
    for actor in sorted(actors, key=lambda a: (a.canonical_name, a.name)):
        for spelling in (actor.canonical_name, actor.name, *actor.spellings):
            index.setdefault(key(spelling), actor)
    return index


def _row(
    extraction: ArticleExtraction, index: int, summit: Summit, actors: dict[str, Actor], published: Day | None, key: Callable[[str], str]
) -> MentionRow:
    parts = date_parts(summit.date)
    city = summit.location.city
    city_key = fold_place(city) if city and city.strip() else None
    date_rank = _DATE_RANK.get((parts[0] is not None, parts[1] is not None, parts[2] is not None), 1 if parts[0] else 0)
    source = extraction.source
    named = tuple((key(p), p) for p in summit.participants if p.strip())
    primary = summit.mention == "primary"
    return MentionRow(
        article_id=extraction.article_id,
        summit_index=index,
        outlet=source.outlet,
        file=source.file,
        published=source.published,
        summit=summit,
        actors=actors,
        primary=primary,
        named=named,
        persons=frozenset(key for key, _ in named),
        city_key=city_key,
        country=summit.location.country,
        date=parts,
        date_rank=date_rank,
        anchored=city_key is not None or parts[1] is not None,
        published_day=published,
        weekday=named_weekday(summit.date_text) if parts[2] is None and summit.date_text else None,
        window=report_window(parts, summit.status, primary, published) if published is not None and parts[0] is None else None,
    )


def flatten(extractions: Iterable[ArticleExtraction]) -> list[MentionRow]:
    """Every summit of every extraction as a row, in canonical processing order.

    An article id seen twice (the same article extracted twice) keeps one extraction: the one
    whose JSON sorts first, so the choice does not depend on input order.
    """
    by_id: dict[str, ArticleExtraction] = {}
    for extraction in extractions:
        kept = by_id.get(extraction.article_id)
        if kept is None or (kept is not extraction and extraction.model_dump_json() < kept.model_dump_json()):
            by_id[extraction.article_id] = extraction
    # Names recur across articles: each spelling's key is worked out once here (a dict freed with
    # this call, not a cache that outlives it).
    keys: dict[str, str] = {}

    def key(name: str) -> str:
        found = keys.get(name)
        if found is None:
            found = keys[name] = fold_person(name)
        return found

    rows = []
    for extraction in by_id.values():
        actors = _actor_index(extraction.actors, key)
        published = _day(extraction.source.published)
        rows.extend(_row(extraction, i, s, actors, published, key) for i, s in enumerate(extraction.summits))
    rows.sort(key=MentionRow.order_key)
    return rows
