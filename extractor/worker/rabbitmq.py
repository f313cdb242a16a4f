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
* RabbitMQ down or restarted: aio-pika's robust connection reconnects (every few seconds) and
  restores the consumer; meanwhile every operation raises ``BrokerUnavailable``. A message
  delivered on the lost connection is back in the queue already: settling it raises
  ``HandedBack``, and such messages still waiting in our buffer are dropped, not processed.
* Health and lag are read fresh each time with a passive ``queue.declare`` on the live channel
  (aio-pika's own passive declare returns its cached first answer); the lag is the queue's ready
  messages (AMQP does not tell the unacknowledged ones).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterator

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection
from aio_pika.exceptions import AMQPError, ChannelInvalidStateError

from extractor.worker.broker import BrokerUnavailable, HandedBack, dead_letter_name, results_name
from extractor.worker.messages import BadMessage, Delivery, envelope_count, envelope_text

log = logging.getLogger(__name__)

# Seconds any one broker operation may take before RabbitMQ counts as unavailable (a publish
# waits for the broker's confirm), and a health check's round trip.
OPERATION_TIMEOUT = 15.0
PING_TIMEOUT = 2.0
CLOSE_TIMEOUT = 5.0
# Seconds between reconnection attempts of the robust connection.
RECONNECT_INTERVAL = 2.0


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
            connection = self._connection = await aio_pika.connect_robust(self.url, reconnect_interval=RECONNECT_INTERVAL)
            channel = self._channel_or_none = await connection.channel(publisher_confirms=True)
            await channel.set_qos(prefetch_count=self.prefetch)
            self._queue_or_none = await channel.declare_queue(self.stream, durable=True, arguments={"x-queue-type": "quorum"})
            for name in (results_name(self.stream), dead_letter_name(self.stream)):
                await self._channel.declare_queue(name, durable=True)
        except (AMQPError, ChannelInvalidStateError, OSError, TimeoutError) as exc:
            await self.close()
            raise BrokerUnavailable(f"cannot reach RabbitMQ at {_public(self.url)} ({exc})") from None

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
            connection, self._connection = self._connection, None
            try:
                await asyncio.wait_for(connection.close(), CLOSE_TIMEOUT)
            except (TimeoutError, AMQPError, OSError, RuntimeError) as error:
                log.warning("closing the RabbitMQ connection did not finish (%s); leaving it to the exit", type(error).__name__)

    @contextlib.contextmanager
    def _unavailable_on_error(self) -> Iterator[None]:
        """A broker that is down, reconnecting or slow, as ``BrokerUnavailable``."""
        try:
            yield
        except (AMQPError, ChannelInvalidStateError, OSError, TimeoutError, RuntimeError) as exc:
            raise BrokerUnavailable(f"RabbitMQ at {_public(self.url)}: {type(exc).__name__}: {exc}"[:300]) from exc

    async def _send(self, routing_key: str, body: bytes, headers: dict | None = None, message_id: str | None = None) -> str:
        message_id = message_id or uuid.uuid4().hex
        message = aio_pika.Message(
            body,
            headers=headers or {},
            message_id=message_id,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            content_type="application/json",
        )
        with self._unavailable_on_error():
            await asyncio.wait_for(self._channel.default_exchange.publish(message, routing_key=routing_key), OPERATION_TIMEOUT)
        return message_id

    async def publish(self, body: bytes) -> str:
        return await self._send(self.stream, body, {"attempt": 0})

    async def publish_result(self, body: bytes) -> None:
        await self._send(results_name(self.stream), body)

    async def fetch(self, max_count: int, timeout: float) -> list[Delivery]:
        if not self._consuming:
            with self._unavailable_on_error():
                await asyncio.wait_for(self._queue.consume(self._received.put), OPERATION_TIMEOUT)
            self._consuming = True
        try:
            first = await asyncio.wait_for(self._received.get(), timeout)
        except TimeoutError:
            return []
        messages = [first]
        while len(messages) < max_count and not self._received.empty():
            messages.append(self._received.get_nowait())
        live = [message for message in messages if not _stale(message)]
        if len(live) < len(messages):
            log.info("dropped %d message(s) delivered before the connection was lost (queued again)", len(messages) - len(live))
        return [self._delivery(message) for message in live]

    @staticmethod
    def _delivery(message: AbstractIncomingMessage) -> Delivery:
        headers = message.headers or {}
        if message.redelivered:
            log.info("redelivered %s (a worker stopped before settling it)", message.message_id)
        delivery = Delivery(
            message_id=message.message_id or str(message.delivery_tag),
            body=message.body,
            last_error=envelope_text(headers.get("error")),
            handle=message,
        )
        try:
            delivery.deliveries = envelope_count(headers.get("x-delivery-count"), "x-delivery-count") + 1
            delivery.attempt = envelope_count(headers.get("attempt"), "attempt")
        except BadMessage as problem:
            delivery.malformed = str(problem)
        return delivery

    async def keep_alive(self, deliveries: list[Delivery]) -> None:
        pass  # unacked messages stay with a live connection: nothing to renew

    async def ack(self, delivery: Delivery) -> None:
        message = _live(delivery)
        with self._unavailable_on_error():
            await asyncio.wait_for(message.ack(), OPERATION_TIMEOUT)

    async def retry(self, delivery: Delivery, error: str) -> None:
        message = _live(delivery)  # checked first: a message already queued again must not be copied
        await self._send(self.stream, delivery.body, {"attempt": delivery.attempt + 1, "error": error}, delivery.message_id)
        with self._unavailable_on_error():
            await asyncio.wait_for(message.ack(), OPERATION_TIMEOUT)

    async def release(self, delivery: Delivery) -> None:
        message = _live(delivery)
        with self._unavailable_on_error():
            await asyncio.wait_for(message.nack(requeue=True), OPERATION_TIMEOUT)

    async def dead_letter(self, delivery: Delivery, error: str) -> None:
        message = _live(delivery)
        headers = {"error": error, "attempts": delivery.attempt + 1, "deliveries": delivery.deliveries, "message_id": delivery.message_id}
        await self._send(dead_letter_name(self.stream), delivery.body, headers, delivery.message_id)
        with self._unavailable_on_error():
            await asyncio.wait_for(message.ack(), OPERATION_TIMEOUT)

    async def lag(self) -> int:
        with self._unavailable_on_error():
            return await asyncio.wait_for(self._ready_messages(), OPERATION_TIMEOUT)

    async def _ready_messages(self) -> int:
        channel = await self._channel.get_underlay_channel()
        declared = await channel.queue_declare(self.stream, passive=True)
        return int(declared.message_count or 0)

    async def ping(self) -> bool:
        """A round trip to the broker (a passive declare), not the client's idea of its connection."""
        if self._connection is None:
            return False
        try:
            await asyncio.wait_for(self._ready_messages(), PING_TIMEOUT)
            return True
        except (AMQPError, ChannelInvalidStateError, OSError, TimeoutError, RuntimeError):
            return False


def _message(delivery: Delivery) -> AbstractIncomingMessage:
    assert isinstance(delivery.handle, AbstractIncomingMessage)
    return delivery.handle


def _stale(message: AbstractIncomingMessage) -> bool:
    """Delivered on a channel that has closed since: the broker has queued it again."""
    try:
        message.channel  # noqa: B018 - aio-pika raises here for a closed channel
    except ChannelInvalidStateError:
        return True
    return False


def _live(delivery: Delivery) -> AbstractIncomingMessage:
    message = _message(delivery)
    if _stale(message):
        raise HandedBack(f"{delivery.message_id} was delivered on a connection since lost; RabbitMQ delivers it again")
    return message


def _public(url: str) -> str:
    from extractor.model.wire import public_url

    return public_url(url) or url
