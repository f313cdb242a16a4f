"""Bring a store's schema to the newest migration, safely when several workers start at once."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

# Any fixed number: the PostgreSQL advisory lock that serialises migrations across workers.
_MIGRATION_LOCK = 0x53554D4D4954  # "SUMMIT"


def upgrade_to_head(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", "extractor.store:migrations")
    # One transaction for the whole upgrade. On SQLite it begins IMMEDIATE (engine.py), which
    # makes a second worker wait; on PostgreSQL the advisory lock does. The waiter then finds
    # the schema at head and does nothing.
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
