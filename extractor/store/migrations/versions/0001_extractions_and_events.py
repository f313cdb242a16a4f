"""Extractions (unique per content, model, prompt and schema) and reconciled events.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "extractions",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("storage_key", sa.String(64), nullable=False),
        sa.Column("article_id", sa.String(64), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("prompt_version", sa.String(100), nullable=False),
        sa.Column("schema_version", sa.String(20), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("storage_key", name="uq_extractions_storage_key"),
    )
    op.create_index("ix_extractions_article_id", "extractions", ["article_id"])
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(32), primary_key=True),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("sort_date", sa.String(20), nullable=False),
        sa.Column("sort_title", sa.Text, nullable=False),
        sa.Column("revision", _ID, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_events_revision", "events", ["revision"])


def downgrade() -> None:
    op.drop_index("ix_events_revision", "events")
    op.drop_table("events")
    op.drop_index("ix_extractions_article_id", "extractions")
    op.drop_table("extractions")
