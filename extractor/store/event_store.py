"""Store each extraction once, and keep the stored events equal to ``reconcile_events`` of them.

Why a whole re-reconcile under one lock rather than per-block updates: the reconciler's grouping
is greedy over all mentions in a canonical order, so which event a new mention joins (and whether
two events merge) can depend on mentions far from it; re-running the reconciler is the only way
the stored events are *guaranteed* to equal the batch command's. It is cheap where it runs: the
parsed extractions stay in memory (only rows committed since the last reconcile are read), and
the reconciler handles thousands of mentions in milliseconds (see the README's measurement).
One transaction holds the insert and the reconcile, serialised across workers by
``BEGIN IMMEDIATE`` on SQLite and a transaction-scoped advisory lock on PostgreSQL; so an
extraction is either stored *and* reconciled, or neither, and the message is acked only after.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from extractor.errors import ConfigError
from extractor.reconcile import reconcile_events
from extractor.store.engine import make_engine
from extractor.store.migrate import upgrade_to_head
from extractor.store.tables import events as events_table
from extractor.store.tables import extractions as extractions_table
from schemas import SCHEMA_VERSION, ArticleExtraction, Event

# The advisory lock every reconcile takes on PostgreSQL (any fixed number, distinct from the
# migration lock).
_RECONCILE_LOCK = 0x5245434F4E43  # "RECONC"


def storage_key(article_id: str, published: str | None, model_identity: str, prompt_version: str,
                schema_version: str = SCHEMA_VERSION) -> str:
    """What makes two extractions the same: the article's content hash (its id) and publication
    date (relative dates resolve against it), the model, the prompt version, the schema version."""
    raw = "\x1f".join([article_id, published or "", model_identity, prompt_version, schema_version])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def event_line(event: Event) -> str:
    """An event as ``summit-extract reconcile`` prints it: stored and printed byte for byte."""
    return json.dumps(event.model_dump(mode="json"), ensure_ascii=False)


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
        try:
            if migrate:
                upgrade_to_head(self.engine)
        except OperationalError as exc:
            raise ConfigError(f"cannot open the event store ({_reason(exc)})") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reads ---------------------------------------------------------------------------------

    def get(self, key: str) -> ArticleExtraction | None:
        with self.engine.connect() as connection:
            record = connection.execute(
                select(extractions_table.c.record).where(extractions_table.c.storage_key == key)
            ).scalar_one_or_none()
        return ArticleExtraction.model_validate_json(record) if record is not None else None

    def extractions(self) -> list[ArticleExtraction]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(extractions_table.c.record).order_by(extractions_table.c.id))
            return [ArticleExtraction.model_validate_json(row.record) for row in rows]

    def event_lines(self) -> list[str]:
        """The current events, in ``reconcile_events`` order, as JSON lines."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(events_table.c.record).where(events_table.c.removed.is_(False)).order_by(events_table.c.ordinal)
            )
            return [row.record for row in rows]

    def changes(self, since: int = 0, limit: int | None = None) -> list[EventChange]:
        """Events written (or removed) after revision ``since``, oldest revision first."""
        query = (
            select(events_table)
            .where(events_table.c.revision > since)
            .order_by(events_table.c.revision, events_table.c.ordinal, events_table.c.event_id)
        )
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [
                EventChange(row.revision, row.event_id, row.removed, None if row.removed else row.record)
                for row in connection.execute(query)
            ]

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
        with self.engine.begin() as connection:
            self._lock(connection)
            inserted = connection.execute(self._insert_if_new(row)).scalar_one_or_none()
            if inserted is None:
                existing = connection.execute(
                    select(extractions_table.c.record).where(extractions_table.c.storage_key == key)
                ).scalar_one()
                return StoredExtraction(ArticleExtraction.model_validate_json(existing), created=False)
            fresh = self._read_new_extractions(connection)
            self._write_events(connection, reconcile_events([*self._known.values(), *fresh.values()]))
        self._remember(fresh)  # only once committed: a rolled-back row must be read again
        return StoredExtraction(extraction, created=True)

    def _lock(self, connection: Connection) -> None:
        # SQLite: the transaction began IMMEDIATE, which already excludes every other writer.
        if self._dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _RECONCILE_LOCK})

    def _insert_if_new(self, row: dict):
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        return dialect_insert(extractions_table).values(**row).on_conflict_do_nothing(index_elements=["storage_key"]).returning(extractions_table.c.id)

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

    def _remember(self, fresh: dict[int, ArticleExtraction]) -> None:
        self._known.update(fresh)
        if fresh:
            self._known_up_to = max(self._known_up_to, max(fresh))

    def _write_events(self, connection: Connection, reconciled: Iterable[Event]) -> None:
        stored = {
            row.event_id: row
            for row in connection.execute(select(events_table.c.event_id, events_table.c.record, events_table.c.ordinal, events_table.c.removed))
        }
        revision = connection.execute(select(func.coalesce(func.max(events_table.c.revision), 0))).scalar_one() + 1
        current: set[str] = set()
        for ordinal, event in enumerate(reconciled):
            line = event_line(event)
            current.add(event.event_id)
            old = stored.get(event.event_id)
            if old is None:
                connection.execute(events_table.insert().values(event_id=event.event_id, record=line, ordinal=ordinal, revision=revision, removed=False))
            elif old.record != line or old.removed:
                connection.execute(update(events_table).where(events_table.c.event_id == event.event_id)
                                   .values(record=line, ordinal=ordinal, revision=revision, removed=False))
            elif old.ordinal != ordinal:
                # Only its place in the order moved (an event sorted before it appeared): not a
                # change a --since reader needs to see again.
                connection.execute(update(events_table).where(events_table.c.event_id == event.event_id).values(ordinal=ordinal))
        for event_id, old in stored.items():
            if event_id not in current and not old.removed:
                connection.execute(update(events_table).where(events_table.c.event_id == event_id)
                                   .values(removed=True, revision=revision))


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return " ".join(str(original or error).split())[:300]
