"""A cache of the model's replies, under the extraction cache.

The extraction cache (``runtime/cache.py``) holds finished records, so any change to the rules
after the model invalidates it. The model's reply to a given request does not change with them:
this cache keeps each chat completion the server answered, keyed by the model's identity and the
exact request body, so a re-run after a rule change asks the model only what is new (a re-ask
the new rules provoke, a changed prompt). Only deterministic requests are kept (temperature 0),
and only successful replies that hold no secret (a reply that echoed the API key is not kept).
The key is a hash: no prompt, article or credential is stored in it,
and the URL's query string (where a key may travel) is never part of it.

SQLite beside the extraction cache; safe for several processes (WAL, short transactions).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

import httpx2

from extractor.errors import ConfigError
from extractor.logs import redact
from extractor.model.usage import count_replayed_reply

_CHAT_PATH = "/chat/completions"


class ReplyCache:
    """Chat-completion bodies by request key."""

    def __init__(self, path: Path, model_identity: str, secret: str | None = None):
        self.model_identity = model_identity
        self._secret = secret  # the API key: a reply that echoes it is never kept
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, body BLOB NOT NULL)")
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot use the cache at {path} ({exc}); choose another with --cache-dir or use --no-cache") from None

    def key(self, request: httpx2.Request) -> str | None:
        """The request's key, or None when its reply must not be reused."""
        if request.method != "POST" or not request.url.path.endswith(_CHAT_PATH):
            return None
        body = request.content
        try:
            params = json.loads(body)
        except ValueError:
            return None
        if not isinstance(params, dict) or params.get("temperature", 1) != 0 or params.get("stream"):
            return None  # a sampled reply is one draw of many: asking again should draw again
        digest = hashlib.sha256(self.model_identity.encode("utf-8") + b"\0" + body)
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM replies WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def put(self, key: str, body: bytes) -> None:
        text = body.decode("utf-8", "replace")
        if redact(text, self._secret) != text:
            return  # the reply holds a key, a query token or something shaped like one: not kept on disk
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO replies (key, body) VALUES (?, ?)", (key, body))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _replayed(request: httpx2.Request, body: bytes) -> httpx2.Response:
    # A stream, not ``content=``: the retrying transport reads the body raw, as from the server.
    headers = {"content-type": "application/json", "content-length": str(len(body))}
    return httpx2.Response(200, headers=headers, stream=httpx2.ByteStream(body), request=request)


class CachingTransport(httpx2.BaseTransport):
    """Answers a request seen before from the cache; sends the others and keeps their reply."""

    def __init__(self, inner: httpx2.BaseTransport, cache: ReplyCache):
        self._inner = inner
        self._cache = cache

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        key = self._cache.key(request)
        if key is not None and (body := self._cache.get(key)) is not None:
            count_replayed_reply()
            return _replayed(request, body)
        response = self._inner.handle_request(request)
        if key is None or response.status_code != 200:
            return response
        try:
            body = response.read()
        finally:
            response.close()
        self._cache.put(key, body)
        return _replayed(request, body)  # the inner response's stream is spent

    def close(self) -> None:
        self._inner.close()


class AsyncCachingTransport(httpx2.AsyncBaseTransport):
    """``CachingTransport`` for the async client."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, cache: ReplyCache):
        self._inner = inner
        self._cache = cache

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        key = self._cache.key(request)
        if key is not None and (body := self._cache.get(key)) is not None:
            count_replayed_reply()
            return _replayed(request, body)
        response = await self._inner.handle_async_request(request)
        if key is None or response.status_code != 200:
            return response
        try:
            body = await response.aread()
        finally:
            await response.aclose()
        self._cache.put(key, body)
        return _replayed(request, body)  # the inner response's stream is spent

    async def aclose(self) -> None:
        await self._inner.aclose()
