"""The event index: each live event's mentions, with their people, and the person keys of those mentions.

A save finds the stored events a new extraction can touch through these (store/incremental.py)
instead of reading the whole store. Filled here from the stored events and extractions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Rows read or written per statement while filling the index.
_BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "event_mentions",
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("summit_index", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("persons", sa.Text, nullable=False),
    )
    op.create_index("ix_event_mentions_event_id", "event_mentions", ["event_id"])
    op.create_table(
        "event_keys",
        sa.Column("person", sa.Text, primary_key=True),
        sa.Column("event_id", sa.String(32), primary_key=True),
    )
    op.create_index("ix_event_keys_event_id", "event_keys", ["event_id"])
    _fill(op.get_bind())


def _fill(connection: sa.Connection) -> None:
    """The index of the events stored so far: their mentions from the events' records, the
    persons of those mentions from the newest extraction of each article (as a save computes them)."""
    from extractor.reconcile.mentions import flatten
    from schemas import ArticleExtraction

    events = sa.table("events", sa.column("event_id"), sa.column("record"), sa.column("removed"))
    extractions = sa.table("extractions", sa.column("id"), sa.column("article_id"), sa.column("record"))
    event_mentions = sa.table(
        "event_mentions", sa.column("article_id"), sa.column("summit_index"), sa.column("event_id"), sa.column("persons")
    )
    event_keys = sa.table("event_keys", sa.column("person"), sa.column("event_id"))

    event_of: dict[tuple[str, int], str] = {}
    for row in connection.execute(sa.select(events.c.event_id, events.c.record).where(events.c.removed.is_(False))):
        for mention in json.loads(row.record)["mentions"]:
            event_of[(mention["article_id"], mention["summit_index"])] = row.event_id
    persons_of: dict[tuple[str, int], frozenset[str]] = {}
    newest = sorted(connection.execute(sa.select(sa.func.max(extractions.c.id)).group_by(extractions.c.article_id)).scalars())
    for start in range(0, len(newest), _BATCH):
        query = sa.select(extractions.c.record).where(extractions.c.id.in_(newest[start : start + _BATCH]))
        for record in connection.execute(query).scalars():
            for mention in flatten([ArticleExtraction.model_validate_json(record)]):
                persons_of[(mention.article_id, mention.summit_index)] = mention.persons

    rows = [
        {"article_id": a, "summit_index": i, "event_id": e, "persons": "\x1f".join(sorted(persons_of.get((a, i), ())))}
        for (a, i), e in sorted(event_of.items())
    ]
    keys = sorted({(person, e) for (a, i), e in event_of.items() for person in persons_of.get((a, i), ())})
    key_rows = [{"person": person, "event_id": e} for person, e in keys]
    for table, batch in ((event_mentions, rows), (event_keys, key_rows)):
        for start in range(0, len(batch), _BATCH):
            connection.execute(sa.insert(table), batch[start : start + _BATCH])


def downgrade() -> None:
    op.drop_index("ix_event_keys_event_id", "event_keys")
    op.drop_table("event_keys")
    op.drop_index("ix_event_mentions_event_id", "event_mentions")
    op.drop_table("event_mentions")
