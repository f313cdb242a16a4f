"""Engines by URL: SQLite tuned for several processes on one machine, PostgreSQL as given."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from extractor.errors import ConfigError
from extractor.settings import default_cache_dir

# Seconds a SQLite writer waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Seconds to connect to PostgreSQL, and TCP keepalives: a server that vanished mid-query is
# noticed in about half a minute rather than the system's two hours (the worker then waits it out).
POSTGRES_CONNECT_ARGS = {"connect_timeout": 10, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}


def default_store_url() -> str:
    return f"sqlite:///{default_cache_dir() / 'events.sqlite3'}"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"--store {url!r} is not a database URL (sqlite:///path or postgresql+psycopg://user@host/db)") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"--store {parsed.database}: cannot create its directory ({exc.strerror})") from None
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _tune_sqlite(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")  # the driver we install
        return create_engine(parsed, pool_pre_ping=True, connect_args=dict(POSTGRES_CONNECT_ARGS))
    raise ConfigError(f"--store {parsed.drivername}: only sqlite:/// and postgresql:// stores are supported")


def _tune_sqlite(engine: Engine) -> None:
    """WAL (readers never block the writer), a busy timeout, and ``BEGIN IMMEDIATE``.

    ``BEGIN IMMEDIATE`` takes the write lock when the transaction starts: two workers that both
    read and then write would otherwise deadlock on the upgrade from a read lock, and one of them
    fail with "database is locked" instead of waiting. The driver's own transaction handling is
    switched off so that this BEGIN is the one that counts (SQLAlchemy's documented recipe).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
