"""The one interface the worker sees, whatever carries the messages.

Each broker holds in-flight messages until the worker settles them, in exactly one of five ways:
``ack`` (stored: done), ``retry`` (a failed attempt: put back with its attempt count raised),
``dead_letter`` (given up: moved to the dead-letter stream/queue with the error and the original
payload), ``release`` (unfinished by a stopping worker: handed back as it was), or nothing at
all (the worker died: the broker hands it to another worker, after the visibility timeout on
Redis, as soon as the connection drops on RabbitMQ).

Two errors are the broker's, not the message's, and every operation raises only these for a
broker that is down or slow: ``BrokerUnavailable`` (the worker backs off and tries again,
charging no message an attempt) and ``HandedBack`` (the connection that delivered a message is
gone, so the broker has already queued it again: there is nothing left to settle). The brokers
themselves are opened by URL in ``connect.py``.
"""

from __future__ import annotations

from typing import Protocol

from extractor.errors import ConfigError
from extractor.worker.messages import Delivery

DEFAULT_STREAM = "summit:articles"


class BrokerUnavailable(ConfigError):
    """The broker cannot be reached or did not answer in time; the message is not to blame.

    The worker waits it out; a command that cannot wait (``enqueue``), or a worker that waited
    at start for longer than it may, says it in one line and exits 2.
    """


class HandedBack(Exception):
    """The message's delivery ended with its connection: the broker delivers it again."""


class Broker(Protocol):
    stream: str

    async def connect(self) -> None: ...
    async def close(self) -> None: ...
    async def publish(self, body: bytes) -> str: ...
    async def fetch(self, max_count: int, timeout: float) -> list[Delivery]: ...
    async def ack(self, delivery: Delivery) -> None: ...
    async def retry(self, delivery: Delivery, error: str) -> None: ...
    async def dead_letter(self, delivery: Delivery, error: str) -> None: ...
    async def release(self, delivery: Delivery) -> None: ...
    async def publish_result(self, body: bytes) -> None: ...
    async def keep_alive(self, deliveries: list[Delivery]) -> None: ...
    async def lag(self) -> int: ...
    async def ping(self) -> bool: ...


def results_name(stream: str) -> str:
    return f"{stream}:results"


def dead_letter_name(stream: str) -> str:
    return f"{stream}:dead"


def require_worker_extra() -> None:
    """The worker's libraries are an extra: say how to install them rather than fail on an import."""
    import importlib.util

    missing = [
        name
        for name in ("redis", "aio_pika", "sqlalchemy", "alembic", "psycopg", "prometheus_client")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise ConfigError(f"the worker needs {', '.join(missing)}: pip install 'summit-extractor[worker]'")
