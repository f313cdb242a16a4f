"""Redis Streams through a consumer group, with redis-py's asyncio client.

* New messages: ``XREADGROUP … >``. A dead worker's messages: ``XAUTOCLAIM`` of entries idle for
  longer than the visibility timeout, checked every half timeout. A live worker keeps its
  in-flight entries from being claimed by resetting their idle time (``XCLAIM … JUSTID``, which
  does not count as a delivery) while it works on them, however slow the model is.
* Settling is atomic (``MULTI``): the result/dead-letter/retry entry is added and the message
  acked in one transaction, so a crash between the two cannot lose or double it.
* Acknowledged entries are trimmed (``XTRIM MINID``) up to the oldest entry any group still
  needs: the oldest pending one, or the group's last delivered one.
* Redis down, slow or restarted: every command is bounded (connect and socket timeouts) and any
  failure of Redis itself is a ``BrokerUnavailable`` for the worker to wait out. A Redis that
  came back without the consumer group (restarted with nothing on disk) gets it created again.
* An entry whose fields cannot be read (``attempt: "x"``) is handed over with ``malformed`` set:
  the worker dead-letters it with the reason; it never raises here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError, ResponseError

from extractor.worker.broker import BrokerUnavailable, dead_letter_name, results_name
from extractor.worker.messages import BadMessage, Delivery, envelope_count, envelope_text

log = logging.getLogger(__name__)

# Seconds a stopping worker waits for its Redis connections to close.
CLOSE_TIMEOUT = 5.0
# Seconds to connect, and to wait for any reply: longer than the longest XREADGROUP block (the
# worker's fetch timeout, a second), short enough that a Redis that stopped answering is noticed.
CONNECT_TIMEOUT = 5.0
SOCKET_TIMEOUT = 15.0
# Seconds a health check's PING may take before Redis counts as down.
PING_TIMEOUT = 2.0

# Seconds between trims of the input stream (each costs two small commands).
TRIM_INTERVAL = 1.0
# Results kept in the output stream for downstream readers (approximate, Redis trims by node).
RESULTS_MAXLEN = 1_000_000


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class RedisStreamsBroker:
    def __init__(self, url: str, stream: str, *, group: str = "summit-workers", visibility_timeout: float = 60.0):
        self.url = url
        self.stream = stream
        self.group = group
        self.consumer = consumer_name()
        self.visibility_timeout = visibility_timeout
        self._client: redis.Redis | None = None
        self._claim_cursor = "0-0"
        self._next_reclaim = 0.0
        self._next_trim = 0.0

    @property
    def client(self) -> redis.Redis:
        assert self._client is not None, "connect() first"
        return self._client

    async def connect(self) -> None:
        self._client = redis.Redis.from_url(
            self.url, decode_responses=False, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT
        )
        try:
            await self._create_group()
        except (RedisError, OSError, TimeoutError) as exc:
            await self.close()
            raise BrokerUnavailable(f"cannot reach Redis at {_public(self.url)} ({exc})") from None

    async def _create_group(self) -> None:
        try:
            # From id 0: articles enqueued before the first worker ever started are consumed too.
            await self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    @contextlib.contextmanager
    def _unavailable_on_error(self) -> Iterator[None]:
        """Redis's own failures (refused, reset, timed out, loading, out of memory) as ``BrokerUnavailable``."""
        try:
            yield
        except (RedisError, OSError, TimeoutError) as exc:
            raise BrokerUnavailable(f"Redis at {_public(self.url)}: {type(exc).__name__}: {exc}"[:300]) from exc

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            try:
                # Bounded: redis-py's disconnect waits for the socket's writer to close, which can
                # hang after a command was cancelled mid-reply (redis/redis-py#3941); a stopping
                # worker must not hang with it (seen once in CI: "stopping" and then nothing).
                await asyncio.wait_for(client.aclose(), timeout=CLOSE_TIMEOUT)
            except (TimeoutError, RedisError, OSError) as error:
                log.warning("closing the Redis connection did not finish (%s); leaving it to the exit", type(error).__name__)

    # -- producing -------------------------------------------------------------------------------

    async def publish(self, body: bytes) -> str:
        with self._unavailable_on_error():
            return _text(await self.client.xadd(self.stream, {"article": body, "attempt": 0}))

    async def publish_result(self, body: bytes) -> None:
        with self._unavailable_on_error():
            await self.client.xadd(results_name(self.stream), {"extraction": body}, maxlen=RESULTS_MAXLEN, approximate=True)

    # -- consuming -------------------------------------------------------------------------------

    async def fetch(self, max_count: int, timeout: float) -> list[Delivery]:
        with self._unavailable_on_error():
            try:
                return await self._fetch(max_count, timeout)
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # Redis came back without our group (restarted with nothing on disk, or the
                # stream deleted): make it again and read from the start of what is there.
                log.warning("the consumer group %s on %s was gone; created it again", self.group, self.stream)
                await self._create_group()
                self._claim_cursor = "0-0"
                return []

    async def _fetch(self, max_count: int, timeout: float) -> list[Delivery]:
        deliveries = await self._reclaim(max_count) if time.monotonic() >= self._next_reclaim else []
        room = max_count - len(deliveries)
        if room > 0:
            block = None if deliveries else max(1, int(timeout * 1000))
            response: Any = await self.client.xreadgroup(self.group, self.consumer, {self.stream: ">"}, count=room, block=block)
            for _stream, entries in response or []:
                deliveries.extend(self._delivery(entry_id, fields, 1) for entry_id, fields in entries if fields)
        if not deliveries:
            await self._trim_now_and_then()  # idle: the last acks' entries go too
        return deliveries

    async def _reclaim(self, max_count: int) -> list[Delivery]:
        reply = await self.client.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            min_idle_time=int(self.visibility_timeout * 1000),
            start_id=self._claim_cursor,
            count=max_count,
        )
        cursor, entries = reply[0], reply[1]
        self._claim_cursor = cursor.decode() if isinstance(cursor, bytes) else cursor
        if self._claim_cursor == "0-0":
            self._next_reclaim = time.monotonic() + self.visibility_timeout / 2
        deliveries = []
        for entry_id, fields in entries:
            if not fields:
                continue  # deleted while pending: nothing to do
            pending = await self.client.xpending_range(self.stream, self.group, min=entry_id, max=entry_id, count=1)
            times = int(pending[0]["times_delivered"]) if pending else 1
            log.info("reclaimed %s from a worker that stopped answering (delivery %d)", _text(entry_id), times)
            deliveries.append(self._delivery(entry_id, fields, times))
        return deliveries

    @staticmethod
    def _delivery(entry_id: bytes, fields: dict, deliveries: int) -> Delivery:
        delivery = Delivery(
            message_id=_text(entry_id),
            body=fields.get(b"article", b""),
            deliveries=deliveries,
            last_error=envelope_text(fields.get(b"error")),
        )
        try:
            delivery.attempt = envelope_count(fields.get(b"attempt"), "attempt")
        except BadMessage as problem:
            delivery.malformed = str(problem)
        return delivery

    async def keep_alive(self, deliveries: list[Delivery]) -> None:
        if not deliveries:
            return
        with self._unavailable_on_error():
            try:
                await self.client.xclaim(
                    self.stream, self.group, self.consumer, min_idle_time=0, message_ids=[d.message_id for d in deliveries], justid=True
                )
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # The group is gone (Redis restarted empty): nothing of ours to keep; fetch makes it again.

    # -- settling --------------------------------------------------------------------------------

    async def ack(self, delivery: Delivery) -> None:
        with self._unavailable_on_error():
            await self.client.xack(self.stream, self.group, delivery.message_id)
        await self._trim_now_and_then()

    async def retry(self, delivery: Delivery, error: str) -> None:
        await self._move(self.stream, {"article": delivery.body, "attempt": delivery.attempt + 1, "error": error}, delivery)

    async def release(self, delivery: Delivery) -> None:
        """Hand an unfinished message back at once (a stopping worker), its attempt count unchanged."""
        fields: dict[Any, Any] = {"article": delivery.body, "attempt": delivery.attempt}
        if delivery.last_error:
            fields["error"] = delivery.last_error
        await self._move(self.stream, fields, delivery)

    async def dead_letter(self, delivery: Delivery, error: str) -> None:
        fields = {
            "article": delivery.body,
            "error": error,
            "attempts": delivery.attempt + 1,
            "deliveries": delivery.deliveries,
            "message_id": delivery.message_id,
        }
        await self._move(dead_letter_name(self.stream), fields, delivery)
        await self._trim_now_and_then()

    async def _move(self, to: str, fields: dict[Any, Any], delivery: Delivery) -> None:
        """Add the entry and ack the message in one transaction: both happen, or neither."""
        with self._unavailable_on_error():
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.xadd(to, fields)
                pipe.xack(self.stream, self.group, delivery.message_id)
                await pipe.execute()

    async def _trim_now_and_then(self) -> None:
        if time.monotonic() < self._next_trim:
            return
        self._next_trim = time.monotonic() + TRIM_INTERVAL
        try:
            await self.trim()
        except (RedisError, OSError, TimeoutError) as exc:
            # Housekeeping only: the acks it follows are done, the next trim catches up.
            log.debug("trimming %s failed (%s)", self.stream, exc)

    async def trim(self) -> int:
        """Drop entries every group has acknowledged; returns how many went."""
        keep_from = None
        for group in await self.client.xinfo_groups(self.stream):
            summary = await self.client.xpending(self.stream, group["name"])
            oldest = summary["min"] if summary["pending"] else _after(group["last-delivered-id"])
            oldest = _text(oldest)
            if keep_from is None or _id_key(oldest) < _id_key(keep_from):
                keep_from = oldest
        if keep_from is None or keep_from == "0-0":
            return 0
        return await self.client.xtrim(self.stream, minid=keep_from, approximate=False)

    # -- health ----------------------------------------------------------------------------------

    async def lag(self) -> int:
        """Entries not yet done by the group: never delivered, plus delivered but not acked."""
        with self._unavailable_on_error():
            for group in await self.client.xinfo_groups(self.stream):
                if _text(group["name"]) == self.group:
                    return int(group.get("lag") or 0) + int(group["pending"])
            return int(await self.client.xlen(self.stream))

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self.client.ping(), PING_TIMEOUT))
        except (RedisError, OSError, TimeoutError):
            return False


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _id_key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _after(entry_id) -> str:
    ms, seq = _id_key(_text(entry_id))
    return f"{ms}-{seq + 1}"


def _public(url: str) -> str:
    from extractor.model.wire import public_url

    return public_url(url) or url
