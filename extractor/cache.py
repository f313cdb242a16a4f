"""A cache of extractions, keyed by article hash, model, prompt version and schema version.

A re-run of the same articles against the same model and prompt costs no model call. SQLite, in
the cache directory; safe for several processes (WAL mode, short transactions).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from schemas import SCHEMA_VERSION, ArticleExtraction


def cache_key(article_id: str, model: str, prompt_version: str, mode: str) -> str:
    raw = "\x1f".join([article_id, model, prompt_version, mode, SCHEMA_VERSION])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ExtractionCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS extractions (key TEXT PRIMARY KEY, article_id TEXT NOT NULL, record TEXT NOT NULL)"
        )
        self._db.commit()

    def get(self, key: str) -> ArticleExtraction | None:
        row = self._db.execute("SELECT record FROM extractions WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return ArticleExtraction.model_validate_json(row[0])
        except ValueError:
            return None  # written by an incompatible version: extract again

    def put(self, key: str, extraction: ArticleExtraction) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO extractions (key, article_id, record) VALUES (?, ?, ?)",
                (key, extraction.article_id, extraction.model_dump_json()),
            )

    def close(self) -> None:
        self._db.close()
