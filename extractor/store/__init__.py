"""The event store: extractions stored once each, and the events reconciled from them.

A SQLite file by default (one machine), PostgreSQL by URL when workers on several machines share
it. The schema is created and upgraded by Alembic migrations shipped inside the package
(``extractor/store/migrations``), so an installed worker migrates its own database on start.
"""

from extractor.store.engine import default_store_url
from extractor.store.event_store import EventChange, EventStore, StoredExtraction, StoreUnavailable, storage_key

__all__ = ["EventChange", "EventStore", "StoreUnavailable", "StoredExtraction", "default_store_url", "storage_key"]
