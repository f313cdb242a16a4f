"""A stopping worker does not hang on a Redis connection that will not close (redis/redis-py#3941)."""

from __future__ import annotations

import asyncio
import time

from extractor.worker import redis_streams
from extractor.worker.redis_streams import RedisStreamsBroker


class _HangingClient:
    closed = False

    async def aclose(self) -> None:
        await asyncio.sleep(3600)  # a socket writer that never finishes closing


def test_close_gives_up_on_a_connection_that_will_not_close(monkeypatch, caplog):
    monkeypatch.setattr(redis_streams, "CLOSE_TIMEOUT", 0.2)
    broker = RedisStreamsBroker("redis://127.0.0.1:6379/0", "test:close")
    broker._client = _HangingClient()
    started = time.monotonic()
    asyncio.run(broker.close())
    assert time.monotonic() - started < 2
    assert broker._client is None
    assert "did not finish" in caplog.text
