"""Store each extraction once, and keep the stored events equal to ``reconcile_events`` of them.

Incremental, and exact: a save reconciles the new extraction again with the stored events it can
touch, a region found through an index of the events' person keys and mentions (store/index.py),
grown until the change is confined to it (store/incremental.py). Its cost depends on how many
events the extraction's people and their counterparts have, not on the size of the store.

An article extracted again under another key (new rules or another model: the storage key holds
the code's hash) replaces its earlier extraction in the events: the events are those of the
newest extraction of each article, which is what ``extractions()`` returns. The earlier rows are
kept, so a message of the old kind still finds its key stored.

One transaction holds the insert and that replacement: an extraction is stored *and* reconciled,
or neither, and its message is acked only after. Saves exclude each other only where their
regions meet. On PostgreSQL, each save holds a transaction-scoped advisory lock on every person
(and article) through which it read the store, taken before reading (``_BlockLocks``); a save
that changes an event locks all of that event's people, so two saves whose regions share an
event wait for each other and saves elsewhere run side by side. Only the final writes are
serialised (the revision counter orders them for readers paging with ``--since``). On SQLite
the transaction begins ``IMMEDIATE``, which excludes every other writer (one machine).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from extractor.errors import ConfigError
from extractor.store.engine import make_engine
from extractor.store.incremental import RegionTooLarge, SavePlan, all_records, plan_save
from extractor.store.index import EventRecord, Guard, NoGuard, StoreIndex, event_line, live_event_ids, newest_extractions, write_events
from extractor.store.migrate import upgrade_to_head
from extractor.store.tables import events as events_table
from extractor.store.tables import extractions as extractions_table
from schemas import SCHEMA_VERSION, ArticleExtraction

# PostgreSQL advisory locks (any fixed numbers, distinct from the migration lock). Every save
# holds the store lock shared; a save that reconciles everything holds it alone. The revision
# lock orders the final writes. Block locks are two-key locks (a key space apart from these).
_STORE_LOCK = 0x5245434F4E43  # "RECONC"
_REVISION_LOCK = 0x5245564953  # "REVIS"
_BLOCK_SPACE = 0x424C4B  # "BLK"
# Attempts of a save whose block locks were taken by others meanwhile, before it takes the store alone.
_MAX_ATTEMPTS = 8

__all__ = ["EventChange", "EventStore", "StoreUnavailable", "StoredExtraction", "event_line", "storage_key"]


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
        # The region the last save reconciled again (None: it changed no events, or reconciled
        # every extraction); what bench/store_bench.py reports.
        self.last_plan: SavePlan | None = None
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
        with self.engine.connect() as connection:
            return newest_extractions(connection)

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
        """Store the extraction unless its key is stored already; if new, re-reconcile the events it touches.

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
        self.last_plan = None
        locks: frozenset[int] = frozenset()  # block locks to take, in order, before reading (a retry's)
        everything = False  # the region would not settle: reconcile every stored extraction
        for attempt in itertools.count(1):
            alone = everything or attempt > _MAX_ATTEMPTS
            try:
                with unavailable_on_error(), self.engine.begin() as connection:
                    new_id = connection.execute(self._insert_if_new(row)).scalar_one_or_none()
                    if new_id is None:
                        existing = connection.execute(
                            select(extractions_table.c.record).where(extractions_table.c.storage_key == key)
                        ).scalar_one()
                        return StoredExtraction(ArticleExtraction.model_validate_json(existing), created=False)
                    guard = self._guard(connection, locks, alone=alone)
                    self._reconcile(connection, guard, extraction, new_id, everything=everything)
                return StoredExtraction(extraction, created=True)
            except _Busy as busy:  # rolled back: take what it needed, in order, and start again
                locks = busy.locks
            except RegionTooLarge:
                everything = True
        raise AssertionError("unreachable")

    def _reconcile(self, connection: Connection, guard: Guard, extraction: ArticleExtraction, new_id: int, *, everything: bool) -> None:
        index = StoreIndex(connection, guard)
        guard.articles([extraction.article_id])  # before reading which extraction it replaces
        previous = index.previous(extraction.article_id, new_id)
        if previous is not None and previous[0] > new_id:
            return  # a newer extraction of the article was stored meanwhile: its events stand
        if everything:
            self._write(connection, live_event_ids(connection), all_records(newest_extractions(connection)))
            return
        self.last_plan = plan = plan_save(index, extraction, None if previous is None else previous[1])
        self._write(connection, plan.removed, plan.written)

    def _write(self, connection: Connection, removed: Collection[str], written: Collection[EventRecord]) -> None:
        if self._dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REVISION_LOCK})
        write_events(connection, removed, written)

    def _guard(self, connection: Connection, locks: frozenset[int], *, alone: bool) -> Guard:
        # SQLite: the transaction began IMMEDIATE, which already excludes every other writer.
        if self._dialect != "postgresql":
            return NoGuard()
        if alone:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _STORE_LOCK})
            return NoGuard()
        connection.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": _STORE_LOCK})
        return _BlockLocks(connection, locks)

    def _insert_if_new(self, row: dict):
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        return (
            dialect_insert(extractions_table)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["storage_key"])
            .returning(extractions_table.c.id)
        )


class _Busy(Exception):
    """Another save holds a block lock this one needs: roll back, then take ``locks`` in order."""

    def __init__(self, locks: frozenset[int]):
        super().__init__(f"{len(locks)} block locks")
        self.locks = locks


class _BlockLocks:
    """PostgreSQL advisory locks on the persons and articles a save reads through (index.Guard).

    A retry first waits for the locks its last attempt needed, in one sorted order; every other
    lock is only *tried*, and one held elsewhere sends the save back to the start (``_Busy``).
    Nobody waits while holding locks out of order, so two saves cannot deadlock.
    """

    def __init__(self, connection: Connection, locks: frozenset[int]):
        self.connection = connection
        self.held: set[int] = set()
        if locks:
            statement = text("SELECT count(pg_advisory_xact_lock(:space, k)) FROM unnest(CAST(:keys AS integer[])) AS k")
            connection.execute(statement, {"space": _BLOCK_SPACE, "keys": sorted(locks)})
            self.held.update(locks)

    def persons(self, persons: Collection[str]) -> None:
        self._take({_block("person", person) for person in persons})

    def articles(self, articles: Collection[str]) -> None:
        self._take({_block("article", article) for article in articles})

    def _take(self, keys: set[int]) -> None:
        todo = keys - self.held
        if not todo:
            return
        statement = text("SELECT k FROM unnest(CAST(:keys AS integer[])) AS k WHERE NOT pg_try_advisory_xact_lock(:space, k)")
        busy = set(self.connection.execute(statement, {"space": _BLOCK_SPACE, "keys": sorted(todo)}).scalars())
        self.held |= todo - busy
        if busy:
            raise _Busy(frozenset(self.held | todo))


def _block(kind: str, value: str) -> int:
    """A block's lock key: a signed 32-bit hash (two blocks that collide only wait for each other)."""
    digest = hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _order(row) -> tuple[str, str, str]:
    """``reconcile_events``' order: (date, title, event id)."""
    return (row.sort_date, row.sort_title, row.event_id)


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return " ".join(str(original or error).split())[:300]
