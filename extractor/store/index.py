"""The stored events and their index: what a save reads (events by person key, by article) and writes.

Two tables beside ``events`` hold, for the live events only, which mentions each event is made of
(``event_mentions``: article id and summit index, and the mention's people) and the person keys of
each event (``event_keys``). A save finds the events a new mention can meet through them, and
reads the extractions of the few it reconciles again: never the whole store.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, delete, func, insert, select, update

from extractor.store.tables import event_keys, event_mentions, events, extractions
from schemas import ArticleExtraction, Event

# (article id, summit index): one mention, as an event's ``mentions`` name it.
MentionKey = tuple[str, int]
# A stored event's mentions, each with its people (person keys).
Shape = dict[MentionKey, frozenset[str]]

_SEPARATOR = "\x1f"

# Ids per ``IN (…)`` list: under SQLite's limit of bound parameters (32,766), and PostgreSQL's.
IN_CHUNK = 5000


def event_line(event: Event) -> str:
    """An event as ``summit-extract reconcile`` prints it: stored and printed byte for byte."""
    return json.dumps(event.model_dump(mode="json"), ensure_ascii=False)


@dataclass(frozen=True)
class EventRecord:
    """An event to store, with what the index keeps of it."""

    event: Event
    mentions: Shape

    @property
    def persons(self) -> frozenset[str]:
        return frozenset().union(*self.mentions.values())


class Guard(Protocol):
    """Called before the index reads what a concurrent save could change: takes the locks that
    keep it as read until the transaction ends (store/event_store.py)."""

    def persons(self, persons: Collection[str]) -> None: ...

    def articles(self, articles: Collection[str]) -> None: ...


class NoGuard:
    """For a transaction that already excludes every other writer (SQLite's, or an exclusive lock)."""

    def persons(self, persons: Collection[str]) -> None:
        pass

    def articles(self, articles: Collection[str]) -> None:
        pass


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start : start + IN_CHUNK]


class StoreIndex:
    """Reads of one transaction. Whatever a concurrent save could change is read under the guard's locks:

    * events by person key (``holders``): the persons are locked first; a save that changes an
      event locks every person of it, so the events holding a locked person stay as read;
    * events by article (``events_of``): their persons are locked, then read again until stable;
    * events' mentions and persons by id, and extractions: only of events pinned one of those ways.
    """

    def __init__(self, connection: Connection, guard: Guard):
        self.connection = connection
        self.guard = guard

    def holders(self, persons: Collection[str]) -> dict[str, frozenset[str]]:
        """Every live event with a mention of one of these people → all the persons of its mentions."""
        if not persons:
            return {}
        self.guard.persons(persons)
        ids: set[str] = set()
        for chunk in _chunks(persons):
            ids.update(self.connection.execute(select(event_keys.c.event_id).where(event_keys.c.person.in_(chunk))).scalars())
        return self.persons_of(ids)

    def persons_of(self, event_ids: Collection[str]) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {event_id: set() for event_id in event_ids}
        for chunk in _chunks(event_ids):
            for row in self.connection.execute(select(event_keys.c.event_id, event_keys.c.person).where(event_keys.c.event_id.in_(chunk))):
                found[row.event_id].add(row.person)
        return {event_id: frozenset(persons) for event_id, persons in found.items()}

    def mentions(self, event_ids: Collection[str]) -> dict[str, Shape]:
        """Each event's mentions, with their people."""
        found: dict[str, Shape] = {event_id: {} for event_id in event_ids}
        for chunk in _chunks(event_ids):
            query = select(
                event_mentions.c.event_id, event_mentions.c.article_id, event_mentions.c.summit_index, event_mentions.c.persons
            ).where(event_mentions.c.event_id.in_(chunk))
            for row in self.connection.execute(query):
                found[row.event_id][(row.article_id, row.summit_index)] = frozenset(row.persons.split(_SEPARATOR)) - {""}
        return found

    def events_of(self, article_ids: Collection[str]) -> tuple[dict[MentionKey, str], dict[str, frozenset[str]]]:
        """Which live event each stored mention of these articles is in, and those events' persons."""
        if not article_ids:
            return {}, {}
        self.guard.articles(article_ids)
        found = self._events_of(article_ids)
        while True:
            persons = self.persons_of(set(found.values()))
            self.guard.persons(set().union(*persons.values()))
            again = self._events_of(article_ids)  # read before the lock: may have changed since
            if again == found:
                return found, persons
            found = again

    def _events_of(self, article_ids: Collection[str]) -> dict[MentionKey, str]:
        found: dict[MentionKey, str] = {}
        for chunk in _chunks(article_ids):
            query = select(event_mentions.c.article_id, event_mentions.c.summit_index, event_mentions.c.event_id).where(
                event_mentions.c.article_id.in_(chunk)
            )
            found.update(((row.article_id, row.summit_index), row.event_id) for row in self.connection.execute(query))
        return found

    def newest(self, article_ids: Collection[str]) -> dict[str, ArticleExtraction]:
        """The newest stored extraction of each article: the one its events are made of."""
        found: dict[str, ArticleExtraction] = {}
        for chunk in _chunks(article_ids):
            newest = select(func.max(extractions.c.id)).where(extractions.c.article_id.in_(chunk)).group_by(extractions.c.article_id)
            query = select(extractions.c.article_id, extractions.c.record).where(extractions.c.id.in_(newest))
            found.update((row.article_id, ArticleExtraction.model_validate_json(row.record)) for row in self.connection.execute(query))
        return found

    def previous(self, article_id: str, new_id: int) -> tuple[int, ArticleExtraction] | None:
        """The newest other extraction of the article (the one ``new_id`` replaces, or a newer one)."""
        # The article's ids first, by its index: "ORDER BY id DESC LIMIT 1" lets PostgreSQL walk
        # the primary key backwards through the whole table for an article stored for the first time.
        ids = self.connection.execute(select(extractions.c.id).where(extractions.c.article_id == article_id)).scalars()
        newest = max((i for i in ids if i != new_id), default=None)
        if newest is None:
            return None
        record = self.connection.execute(select(extractions.c.record).where(extractions.c.id == newest)).scalar_one()
        return newest, ArticleExtraction.model_validate_json(record)


def newest_extractions(connection: Connection) -> list[ArticleExtraction]:
    """The newest extraction of each article, in the order they were stored: what the events are made of."""
    newest = select(func.max(extractions.c.id)).group_by(extractions.c.article_id)
    query = select(extractions.c.record).where(extractions.c.id.in_(newest)).order_by(extractions.c.id)
    return [ArticleExtraction.model_validate_json(record) for record in connection.execute(query).scalars()]


def live_event_ids(connection: Connection) -> set[str]:
    return set(connection.execute(select(events.c.event_id).where(events.c.removed.is_(False))).scalars())


def write_events(connection: Connection, removed: Collection[str], written: Collection[EventRecord]) -> None:
    """Replace the ``removed`` events (ids of live events whose mentions changed) by ``written``.

    An id in both is rewritten only if its record changed; an id only in ``removed`` stays as a
    removed row (a reader paging with ``--since`` learns of it). The index follows. The caller
    holds what orders revisions (one writer at a time from here to the commit).
    """
    for chunk in _chunks(removed):
        connection.execute(delete(event_mentions).where(event_mentions.c.event_id.in_(chunk)))
        connection.execute(delete(event_keys).where(event_keys.c.event_id.in_(chunk)))
    ids = set(removed) | {record.event.event_id for record in written}
    stored: dict[str, Any] = {}
    for chunk in _chunks(ids):
        query = select(events.c.event_id, events.c.record, events.c.removed).where(events.c.event_id.in_(chunk))
        stored.update((row.event_id, row) for row in connection.execute(query))
    revision = connection.execute(select(func.coalesce(func.max(events.c.revision), 0))).scalar_one() + 1
    for record in sorted(written, key=lambda r: r.event.event_id):
        event = record.event
        line = event_line(event)
        values = dict(record=line, sort_date=event.date or "", sort_title=event.title, revision=revision, removed=False)
        old = stored.get(event.event_id)
        if old is None:
            connection.execute(insert(events).values(event_id=event.event_id, **values))
        elif old.record != line or old.removed:
            connection.execute(update(events).where(events.c.event_id == event.event_id).values(**values))
    current = {record.event.event_id for record in written}
    for event_id in sorted(set(removed) - current):
        old = stored.get(event_id)
        if old is not None and not old.removed:
            connection.execute(update(events).where(events.c.event_id == event_id).values(removed=True, revision=revision))
    mention_rows = [
        {"article_id": article_id, "summit_index": index, "event_id": record.event.event_id, "persons": _SEPARATOR.join(sorted(persons))}
        for record in written
        for (article_id, index), persons in sorted(record.mentions.items())
    ]
    key_rows = [{"person": person, "event_id": record.event.event_id} for record in written for person in sorted(record.persons)]
    for rows, table in ((mention_rows, event_mentions), (key_rows, event_keys)):
        for start in range(0, len(rows), 1000):
            connection.execute(insert(table), rows[start : start + 1000])
