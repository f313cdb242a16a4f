"""The one interface the worker sees, whatever carries the messages.

Each broker holds in-flight messages until the worker settles them, in exactly one of five ways:
``ack`` (stored: done), ``retry`` (a failed attempt: put back with its attempt count raised),
``dead_letter`` (given up: moved to the dead-letter stream/queue with the error and the original
payload), ``release`` (unfinished by a stopping worker: handed back as it was), or nothing at
all (the worker died: the broker hands it to another worker, after the visibility timeout on
Redis, as soon as the connection drops on RabbitMQ).
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlsplit

from extractor.errors import ConfigError
from extractor.worker.messages import Delivery

DEFAULT_STREAM = "summit:articles"


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


def open_broker(
    url: str, stream: str = DEFAULT_STREAM, *, group: str = "summit-workers", visibility_timeout: float = 60.0, prefetch: int = 1
) -> Broker:
    """A broker by URL: ``redis://host:port/db`` (Streams) or ``amqp://user:pass@host/vhost``."""
    require_worker_extra()
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        from extractor.worker.redis_streams import RedisStreamsBroker

        return RedisStreamsBroker(url, stream, group=group, visibility_timeout=visibility_timeout)
    if scheme in ("amqp", "amqps"):
        from extractor.worker.rabbitmq import RabbitMQBroker

        return RabbitMQBroker(url, stream, prefetch=prefetch)
    raise ConfigError(f"--broker {scheme or url!r}: give a redis:// or amqp:// URL")
