"""Store each extraction once, and keep the stored events equal to ``reconcile_events`` of them.

Incremental, and exact. The reconciler compares a mention only with events that share one of its
people (its blocking keys are built from folded participant names), and an article's summits
are flattened together; so extractions fall into independent *components*: linked when they
share a person or an article id. Reconciling one component alone gives exactly the events the
whole batch gives for it. A new extraction therefore re-reconciles only its component (which it
may join to others): the events of the component without it are replaced by those with it.

An article extracted again under another key (new rules or another model: the storage key holds
the code's hash) replaces its earlier extraction in the events: the events are those of the
newest extraction of each article, which is what ``extractions()`` returns. The earlier rows are
kept, so a message of the old kind still finds its key stored.

One transaction holds the insert and that replacement, serialised across workers by
``BEGIN IMMEDIATE`` on SQLite and a transaction-scoped advisory lock on PostgreSQL: an extraction
is stored *and* reconciled, or neither, and its message is acked only after. Each worker keeps
the parsed extractions, the person index and which stored events each article is in (the
component's events before the save, read rather than reconciled a second time) in memory, and
reads only rows written since its last look.

What a save costs is one reconcile of its component, and on data where a few people meet many
others the component is most of the store (``bench/store_bench.py``: all of it on the
reconciler benchmark's generator; 145 ms at 1,000 stored extractions, 310 ms at 2,000). A
finer component (people in pairs, a time window) would be cheaper, but only exact while it
covers everything the reconciler lets one mention influence (people matched by spelling, an
article's story day, …): that contract has to come from the reconciler (docs/MEASUREMENTS.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from extractor.errors import ConfigError
from extractor.reconcile import reconcile_events
from extractor.reconcile.mentions import flatten
from extractor.store.engine import make_engine
from extractor.store.migrate import upgrade_to_head
from extractor.store.tables import events as events_table
from extractor.store.tables import extractions as extractions_table
from schemas import SCHEMA_VERSION, ArticleExtraction, Event

# The advisory lock every reconcile takes on PostgreSQL (any fixed number, distinct from the
# migration lock).
_RECONCILE_LOCK = 0x5245434F4E43  # "RECONC"
# Ids per ``IN (…)`` list: under SQLite's limit of bound parameters (32,766), and PostgreSQL's.
_IN_CHUNK = 5000


def storage_key(
    article_id: str,
    published: str | None,
    model_identity: str,
    prompt_version: str,
    schema_version: str = SCHEMA_VERSION,
    *,
    mode: str = "",
    code: str = "",
) -> str:
    """What makes two extractions the same: the article's content hash (its id) and publication
    date (relative dates resolve against it), the model, the prompt version, the schema version,
    and, as in the CLI's cache key, the structured-output mode and a hash of the package's code
    (the rules shape a record as much as the model does: after a change, articles are extracted
    again rather than served as the old rules made them)."""
    parts = [article_id, published or "", model_identity, prompt_version, schema_version]
    if mode or code:
        parts += [mode, code]
    raw = "\x1f".join(parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def event_line(event: Event) -> str:
    """An event as ``summit-extract reconcile`` prints it: stored and printed byte for byte."""
    return json.dumps(event.model_dump(mode="json"), ensure_ascii=False)


class StoreUnavailable(ConfigError):
    """The database cannot be reached, dropped the connection, or stayed locked past its timeout:
    not the extraction's fault. Nothing was committed; the same call can be made again. (A
    command that cannot wait for it says it in one line and exits 2.)"""


@contextlib.contextmanager
def unavailable_on_error() -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise StoreUnavailable(_reason(exc)) from exc
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        raise StoreUnavailable(_reason(exc)) from exc


@dataclass(frozen=True)
class StoredExtraction:
    extraction: ArticleExtraction
    created: bool  # False: it was already stored (a redelivery), nothing changed


@dataclass(frozen=True)
class EventChange:
    revision: int
    event_id: str
    removed: bool
    record: str | None  # the event's JSON line; None when removed


class EventStore:
    """``EventStore(url)``: migrated on open; safe to share between processes and machines."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = url
        self.engine = make_engine(url)
        self._dialect = self.engine.dialect.name
        # Extractions already parsed, by row id: a reconcile reads only rows committed since.
        self._known: dict[int, ArticleExtraction] = {}
        self._known_up_to = 0
        # Which extractions share a person or an article id (see the module docstring).
        self._links: dict[int, set[tuple[str, str]]] = {}
        self._holders: dict[tuple[str, str], set[int]] = {}
        self._newest: dict[str, int] = {}  # article id → the row of its newest extraction
        # Which stored events each article is in, read from the events table (revisions up to
        # ``_events_up_to``): the component's events before a save, without reconciling it twice.
        self._events_of: dict[str, set[str]] = {}
        self._articles_of: dict[str, set[str]] = {}
        self._events_up_to = 0
        try:
            if migrate:
                upgrade_to_head(self.engine)
        except (OperationalError, InterfaceError) as exc:
            self.engine.dispose()
            raise StoreUnavailable(f"cannot open the event store ({_reason(exc)})") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reads ---------------------------------------------------------------------------------

    def ping(self) -> bool:
        """Whether the database answers a query now (the worker's health check)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def get(self, key: str) -> ArticleExtraction | None:
        with unavailable_on_error(), self.engine.connect() as connection:
            record = connection.execute(
                select(extractions_table.c.record).where(extractions_table.c.storage_key == key)
            ).scalar_one_or_none()
        return ArticleExtraction.model_validate_json(record) if record is not None else None

    def extractions(self) -> list[ArticleExtraction]:
        """The newest extraction of each article, in the order they were stored: what the events are made of."""
        newest = select(func.max(extractions_table.c.id)).group_by(extractions_table.c.article_id)
        query = select(extractions_table.c.record).where(extractions_table.c.id.in_(newest)).order_by(extractions_table.c.id)
        with self.engine.connect() as connection:
            return [ArticleExtraction.model_validate_json(row.record) for row in connection.execute(query)]

    def event_lines(self) -> list[str]:
        """The current events, in ``reconcile_events`` order, as JSON lines."""
        with self.engine.connect() as connection:
            rows = list(
                connection.execute(
                    select(events_table.c.record, events_table.c.sort_date, events_table.c.sort_title, events_table.c.event_id).where(
                        events_table.c.removed.is_(False)
                    )
                )
            )
        # Sorted here, not by the database: the reconciler's order is Python's string order, and
        # a PostgreSQL collation may differ from it.
        rows.sort(key=_order)
        return [row.record for row in rows]

    def changes(self, since: int = 0) -> list[EventChange]:
        """Events written (or removed) after revision ``since``, oldest revision first."""
        query = select(events_table).where(events_table.c.revision > since)
        with self.engine.connect() as connection:
            rows = sorted(connection.execute(query), key=lambda row: (row.revision, *_order(row)))
        return [EventChange(row.revision, row.event_id, row.removed, None if row.removed else row.record) for row in rows]

    def revision(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.coalesce(func.max(events_table.c.revision), 0))).scalar_one()

    # -- writes --------------------------------------------------------------------------------

    def save(self, key: str, extraction: ArticleExtraction, *, model_identity: str) -> StoredExtraction:
        """Store the extraction unless its key is stored already; if new, re-reconcile the events.

        Returns once committed: the caller may ack the message then, and not before.
        """
        row = {
            "storage_key": key,
            "article_id": extraction.article_id,
            "model": model_identity[:200],
            "prompt_version": extraction.provenance.prompt_version,
            "schema_version": extraction.provenance.schema_version,
            "record": extraction.model_dump_json(),
        }
        fresh: dict[int, ArticleExtraction] = {}
        new_id = None
        try:
            with unavailable_on_error(), self.engine.begin() as connection:
                self._lock(connection)
                new_id = connection.execute(self._insert_if_new(row)).scalar_one_or_none()
                if new_id is None:
                    existing = connection.execute(
                        select(extractions_table.c.record).where(extractions_table.c.storage_key == key)
                    ).scalar_one()
                    return StoredExtraction(ArticleExtraction.model_validate_json(existing), created=False)
                fresh = self._read_new_extractions(connection)
                self._learn({i: e for i, e in fresh.items() if i != new_id})  # the store as it was before this one
                replaced = self._newest.get(extraction.article_id)
                self._learn({new_id: fresh[new_id]}, keep=replaced)
                # Everything linked to the new extraction, or to the one it replaces (its events change too).
                component = self._component({new_id} if replaced is None else {new_id, replaced})
                self._read_event_changes(connection)
                before = {event_id for i in component if i != new_id for event_id in self._events_of.get(self._known[i].article_id, ())}
                after = reconcile_events(self._known[i] for i in component if i != replaced)
                self._replace_events(connection, before, after)
                if replaced is not None:
                    self._forget(replaced)
        except BaseException:
            if new_id is not None:
                self._reset_index()  # rolled back: read the store afresh on the next save
            raise
        if fresh:
            self._known_up_to = max(self._known_up_to, max(fresh))
        return StoredExtraction(extraction, created=True)

    def _lock(self, connection: Connection) -> None:
        # SQLite: the transaction began IMMEDIATE, which already excludes every other writer.
        if self._dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _RECONCILE_LOCK})

    def _insert_if_new(self, row: dict):
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        return (
            dialect_insert(extractions_table)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["storage_key"])
            .returning(extractions_table.c.id)
        )

    def _read_new_extractions(self, connection: Connection) -> dict[int, ArticleExtraction]:
        # Under the lock, every extraction committed by anyone is visible, and rows are inserted
        # only under the lock, so ids grow in commit order: reading past the highest known id
        # finds exactly the ones not yet parsed.
        rows = connection.execute(
            select(extractions_table.c.id, extractions_table.c.record)
            .where(extractions_table.c.id > self._known_up_to)
            .order_by(extractions_table.c.id)
        )
        return {row.id: ArticleExtraction.model_validate_json(row.record) for row in rows}

    # -- the component index --------------------------------------------------------------------

    def _learn(self, fresh: dict[int, ArticleExtraction], *, keep: int | None = None) -> None:
        """Index extractions (in id order): each replaces its article's earlier one, which is
        forgotten, unless it is ``keep`` (still needed to reconcile the store as it was)."""
        for row_id, extraction in sorted(fresh.items()):
            if row_id in self._known:
                continue
            older = self._newest.get(extraction.article_id)
            if older is not None and older != keep:
                self._forget(older)
            self._newest[extraction.article_id] = row_id
            self._known[row_id] = extraction
            links = {("article", extraction.article_id)}
            links.update(("person", person) for row in flatten([extraction]) for person in row.persons)
            self._links[row_id] = links
            for link in links:
                self._holders.setdefault(link, set()).add(row_id)

    def _forget(self, row_id: int) -> None:
        self._known.pop(row_id, None)
        for link in self._links.pop(row_id, ()):
            self._holders.get(link, set()).discard(row_id)

    def _reset_index(self) -> None:
        self._known.clear()
        self._links.clear()
        self._holders.clear()
        self._newest.clear()
        self._known_up_to = 0
        self._events_of.clear()
        self._articles_of.clear()
        self._events_up_to = 0

    def _read_event_changes(self, connection: Connection) -> None:
        """Bring the article → stored events index up to date: only events written since the last look."""
        rows = connection.execute(
            select(events_table.c.event_id, events_table.c.record, events_table.c.removed, events_table.c.revision).where(
                events_table.c.revision > self._events_up_to
            )
        )
        for row in rows:
            for article_id in self._articles_of.pop(row.event_id, ()):
                self._events_of.get(article_id, set()).discard(row.event_id)
            if not row.removed:
                articles = {mention["article_id"] for mention in json.loads(row.record)["mentions"]}
                self._articles_of[row.event_id] = articles
                for article_id in articles:
                    self._events_of.setdefault(article_id, set()).add(row.event_id)
            self._events_up_to = max(self._events_up_to, row.revision)

    def _component(self, start: set[int]) -> set[int]:
        """Every extraction linked to these through shared people or article ids."""
        seen, todo, links_seen = set(start), list(start), set()
        while todo:
            for link in self._links[todo.pop()]:
                if link in links_seen:
                    continue
                links_seen.add(link)
                for other in self._holders[link]:
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
        return seen

    def _replace_events(self, connection: Connection, before: set[str], after: list[Event]) -> None:
        """Write the component's events as they are now (``after``); mark those merged away as removed
        (ids in ``before``, the component's stored events, that ``after`` no longer has)."""
        ids = sorted(before | {e.event_id for e in after})
        stored: dict[str, Any] = {}
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            query = select(events_table.c.event_id, events_table.c.record, events_table.c.removed).where(events_table.c.event_id.in_(chunk))
            stored.update((row.event_id, row) for row in connection.execute(query))
        revision = connection.execute(select(func.coalesce(func.max(events_table.c.revision), 0))).scalar_one() + 1
        for event in after:
            line = event_line(event)
            values = dict(record=line, sort_date=event.date or "", sort_title=event.title, revision=revision, removed=False)
            old = stored.get(event.event_id)
            if old is None:
                connection.execute(events_table.insert().values(event_id=event.event_id, **values))
            elif old.record != line or old.removed:
                connection.execute(update(events_table).where(events_table.c.event_id == event.event_id).values(**values))
        current = {e.event_id for e in after}
        for event_id in sorted(before - current):
            old = stored.get(event_id)
            if old is not None and not old.removed:
                connection.execute(update(events_table).where(events_table.c.event_id == event_id).values(removed=True, revision=revision))


def _order(row) -> tuple[str, str, str]:
    """``reconcile_events``' order: (date, title, event id)."""
    return (row.sort_date, row.sort_title, row.event_id)


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return " ".join(str(original or error).split())[:300]
