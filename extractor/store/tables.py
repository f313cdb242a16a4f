"""The store's tables, as SQLAlchemy Core metadata (the migrations create exactly these)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, func

metadata = MetaData()

# One row per (article content, model, prompt version, schema version): the unique key is what
# makes storage exactly-once however many times a message is delivered.
extractions = Table(
    "extractions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("storage_key", String(64), nullable=False, unique=True),
    Column("article_id", String(64), nullable=False, index=True),
    Column("model", String(200), nullable=False),
    Column("prompt_version", String(100), nullable=False),
    Column("schema_version", String(20), nullable=False),
    Column("record", Text, nullable=False),  # the ArticleExtraction as JSON
    Column("stored_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The reconciled events. A reconcile that changes an event writes it with a new revision; an
# event that no longer exists (its mentions joined another) stays as a removed row, so a reader
# paging with --since learns about the removal too.
events = Table(
    "events",
    metadata,
    Column("event_id", String(32), primary_key=True),
    Column("record", Text, nullable=False),  # the Event as JSON
    Column("sort_date", String(20), nullable=False),  # the event's date ("" if none) and title:
    Column("sort_title", Text, nullable=False),  # with its id, reconcile_events' order
    Column("revision", BigInteger().with_variant(Integer, "sqlite"), nullable=False, index=True),
    Column("removed", Boolean, nullable=False, default=False),
)

# The index a save reads instead of the whole store (store/incremental.py), kept for the live
# events only. Which event each stored mention (article, summit index) is in, and its people
# (their person keys, joined by U+001F): an event's mentions, and an article's events, without
# parsing the events' JSON or the extractions.
event_mentions = Table(
    "event_mentions",
    metadata,
    Column("article_id", String(64), primary_key=True),
    Column("summit_index", Integer, primary_key=True),
    Column("event_id", String(32), nullable=False, index=True),
    Column("persons", Text, nullable=False),
)

# The person keys (reconcile.link_keys) of each live event's mentions: the events a mention of
# these people can meet.
event_keys = Table(
    "event_keys",
    metadata,
    Column("person", Text, primary_key=True),
    Column("event_id", String(32), primary_key=True, index=True),
)
