"""A cache of extractions: a re-run of the same articles with the same model costs no model call.

The key holds everything the extraction depends on: the article's text (its hash) and its
publication date (relative dates resolve against it), the model and where it is served from,
the prompt versions (the background pass's too, when it runs), the instructor mode, the schema version
and the package's own code with the rules switched off (``code_identity``). SQLite, in the cache directory;
safe for several processes (WAL mode, short transactions).
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from pathlib import Path

from extractor.errors import ConfigError
from extractor.normalize.names import actors_file
from extractor.rules import rules_off
from schemas import SCHEMA_VERSION, ArticleExtraction


def cache_key(article_id: str, published: str | None, model_identity: str, prompt_version: str, mode: str) -> str:
    raw = "\x1f".join([article_id, published or "", model_identity, prompt_version, mode, SCHEMA_VERSION, code_identity()])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def code_identity() -> str:
    """A hash of the package's own code and data, and of the rules switched off. The cache holds
    finished records, which the grounding and normalisation rules shape as much as the model does:
    after an upgrade (or any edit) the old records are not served as the new code's, nor records
    made with other rules switched off (``$SUMMIT_RULES_OFF``, ``--without``) as these."""
    off = rules_off()
    if not off:
        return _code_and_data()
    names = ",".join(sorted(off)).encode("utf-8")
    return hashlib.sha256(_code_and_data().encode("ascii") + b"\0rules-off\0" + names).hexdigest()[:16]


@functools.cache
def _code_and_data() -> str:
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".json", ".md", ".txt", ".csv"):
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    # The known-actor table may be another file, or none ($SUMMIT_ACTORS_FILE): records depend on it.
    table = actors_file()
    digest.update(b"actors\0" + (table.read_bytes() if table and table.is_file() else b"none"))
    return digest.hexdigest()[:16]


class ExtractionCache:
    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS extractions (key TEXT PRIMARY KEY, article_id TEXT NOT NULL, record TEXT NOT NULL)"
            )
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot use the cache at {path} ({exc}); choose another with --cache-dir or use --no-cache") from None

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
