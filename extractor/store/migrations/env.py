"""Alembic environment: runs on the connection ``extractor.store.migrate`` hands over.

No ``alembic.ini`` and no logging configuration: the package migrates itself, inside the
transaction (and lock) its caller already holds.
"""

from alembic import context

from extractor.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
