"""RabbitMQ through aio-pika: a durable quorum queue, manual acks, prefetch as the bound.

* At most ``prefetch`` messages are unacknowledged per worker (``basic.qos``): the broker itself
  holds back the rest, so a slow model never makes a worker hoard work.
* A message is acked only after its result is committed. A worker that dies (or stops) leaves
  its unacked messages to the broker, which hands them to another consumer as soon as the
  connection drops: there is no visibility timeout to wait for.
* A quorum queue counts redeliveries (``x-delivery-count``), so a message that keeps killing its
  worker is still dead-lettered after N deliveries.
* Retry and dead-letter publish first (confirmed by the broker), then ack: a crash in between
  can only repeat a message, never lose one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection
from aio_pika.exceptions import AMQPError

from extractor.errors import ConfigError
from extractor.worker.broker import dead_letter_name, results_name
from extractor.worker.messages import Delivery

log = logging.getLogger(__name__)


class RabbitMQBroker:
    def __init__(self, url: str, queue: str, *, prefetch: int = 1):
        self.url = url
        self.stream = queue
        self.prefetch = prefetch
        self._connection: AbstractRobustConnection | None = None
        self._channel_or_none: AbstractChannel | None = None
        self._queue_or_none: AbstractQueue | None = None
        self._consuming = False
        self._received: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()

    async def connect(self) -> None:
        try:
            connection = self._connection = await aio_pika.connect_robust(self.url)
        except (AMQPError, OSError) as exc:
            raise ConfigError(f"cannot reach RabbitMQ at {_public(self.url)} ({exc})") from None
        channel = self._channel_or_none = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self.prefetch)
        self._queue_or_none = await channel.declare_queue(self.stream, durable=True, arguments={"x-queue-type": "quorum"})
        for name in (results_name(self.stream), dead_letter_name(self.stream)):
            await self._channel.declare_queue(name, durable=True)

    @property
    def _channel(self) -> AbstractChannel:
        assert self._channel_or_none is not None, "connect() first"
        return self._channel_or_none

    @property
    def _queue(self) -> AbstractQueue:
        assert self._queue_or_none is not None, "connect() first"
        return self._queue_or_none

    async def close(self) -> None:
        # Closing the channel hands every unacked message back to the queue.
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _send(self, routing_key: str, body: bytes, headers: dict | None = None, message_id: str | None = None) -> str:
        message_id = message_id or uuid.uuid4().hex
        message = aio_pika.Message(
            body,
            headers=headers or {},
            message_id=message_id,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            content_type="application/json",
        )
        await self._channel.default_exchange.publish(message, routing_key=routing_key)
        return message_id

    async def publish(self, body: bytes) -> str:
        return await self._send(self.stream, body, {"attempt": 0})

    async def publish_result(self, body: bytes) -> None:
        await self._send(results_name(self.stream), body)

    async def fetch(self, max_count: int, timeout: float) -> list[Delivery]:
        if not self._consuming:
            await self._queue.consume(self._received.put)
            self._consuming = True
        try:
            first = await asyncio.wait_for(self._received.get(), timeout)
        except TimeoutError:
            return []
        messages = [first]
        while len(messages) < max_count and not self._received.empty():
            messages.append(self._received.get_nowait())
        return [self._delivery(message) for message in messages]

    @staticmethod
    def _delivery(message: AbstractIncomingMessage) -> Delivery:
        headers = message.headers or {}
        if message.redelivered:
            log.info("redelivered %s (a worker stopped before settling it)", message.message_id)
        error = headers.get("error")
        return Delivery(
            message_id=message.message_id or str(message.delivery_tag),
            body=message.body,
            attempt=_number(headers.get("attempt")),
            deliveries=_number(headers.get("x-delivery-count")) + 1,
            last_error=error.decode() if isinstance(error, bytes) else (str(error) if error is not None else None),
            handle=message,
        )

    async def keep_alive(self, deliveries: list[Delivery]) -> None:
        pass  # unacked messages stay with a live connection: nothing to renew

    async def ack(self, delivery: Delivery) -> None:
        await _message(delivery).ack()

    async def retry(self, delivery: Delivery, error: str) -> None:
        await self._send(self.stream, delivery.body, {"attempt": delivery.attempt + 1, "error": error}, delivery.message_id)
        await _message(delivery).ack()

    async def release(self, delivery: Delivery) -> None:
        await _message(delivery).nack(requeue=True)

    async def dead_letter(self, delivery: Delivery, error: str) -> None:
        headers = {"error": error, "attempts": delivery.attempt + 1, "deliveries": delivery.deliveries, "message_id": delivery.message_id}
        await self._send(dead_letter_name(self.stream), delivery.body, headers, delivery.message_id)
        await _message(delivery).ack()

    async def lag(self) -> int:
        declared = await self._channel.declare_queue(self.stream, passive=True)
        return int(declared.declaration_result.message_count or 0)

    async def ping(self) -> bool:
        return self._connection is not None and not self._connection.is_closed


def _message(delivery: Delivery) -> AbstractIncomingMessage:
    assert isinstance(delivery.handle, AbstractIncomingMessage)
    return delivery.handle


def _number(value: object) -> int:
    return int(value) if isinstance(value, (int, str)) else 0


def _public(url: str) -> str:
    from extractor.model.wire import public_url

    return public_url(url) or url
