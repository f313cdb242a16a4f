"""Brokers by URL: the one place that knows which class serves which scheme."""

from __future__ import annotations

from urllib.parse import urlsplit

from extractor.errors import ConfigError
from extractor.worker.broker import DEFAULT_STREAM, Broker, require_worker_extra


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
