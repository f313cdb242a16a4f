"""The worker's loop: take messages while there is room, settle each exactly one way.

For every message: check it → already stored? → extract (waiting out model outages) → store and
reconcile (one committed transaction) → publish the result → ack.

* A message that can never be processed (not an article, a field of the wrong type, over the
  size limit, an ``article_id`` that is not its text's, an unreadable attempt count) is
  dead-lettered at once with the reason: never retried, never allowed to crash a worker.
* Failures that are the article's (a reply that never fits the schema, a bug on that input)
  count an attempt: the message is put back with the count raised, and after ``max_attempts``
  it is dead-lettered with the error.
* Failures of what the worker depends on (``outages.py``): the model server (refused, 5xx, 429,
  timeouts, after the client's own retries), the broker (down, restarted, too slow) and the
  event store (down, locked) are not the article's fault. The worker stops taking new work,
  retries the step that failed with exponential backoff (an extraction already made is kept,
  not asked for again), and resumes when the dependency answers; no attempt is charged and
  nothing is dead-lettered for it.

In-flight work is bounded by ``concurrency``: the loop fetches only as many messages as it has
free slots, so a slow model leaves the rest in the broker for other workers. ``stop()`` (on
SIGTERM / Ctrl-C) stops fetching, lets in-flight articles finish for up to ``drain_timeout``
seconds, and hands back any still unfinished to the broker; every wait on the way out is
bounded (``stop_timeout``), whatever state a broker call or a health check is in.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx

from extractor.ingest.articles import DEFAULT_MAX_CHARS
from extractor.logs import redact
from extractor.model.endpoint_url import split_base_url
from extractor.runtime.session import Outcome
from extractor.store import EventStore, StoreUnavailable
from extractor.worker.broker import Broker, BrokerUnavailable, HandedBack
from extractor.worker.handler import ArticleHandler
from extractor.worker.messages import BadMessage, Delivery, decode_article
from extractor.worker.metrics import WorkerMetrics
from extractor.worker.outages import Backoff, Dependency
from schemas import ArticleExtraction

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 4
    max_attempts: int = 5
    fetch_timeout: float = 1.0
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    drain_timeout: float = 30.0
    keep_alive_interval: float = 20.0  # a third of the visibility timeout
    health_interval: float = 5.0
    max_chars: int = DEFAULT_MAX_CHARS  # the longest article accepted, as the CLI's --max-chars
    stop_timeout: float = 5.0  # seconds for each last step of stopping: hand-backs, background checks


class _GaveUp(Exception):
    """Stopping while a dependency was down: the message is left to the broker, unsettled."""


class Worker:
    def __init__(
        self,
        broker: Broker,
        store: EventStore,
        handler: ArticleHandler,
        options: WorkerOptions = WorkerOptions(),
        metrics: WorkerMetrics | None = None,
    ):
        self.broker = broker
        self.store = store
        self.handler = handler
        self.options = options
        self.metrics = metrics or WorkerMetrics()
        self._stopping = asyncio.Event()
        self.model = Dependency("model", self.metrics, "model")
        self.broker_up = Dependency("broker", self.metrics, "broker")
        self.store_up = Dependency("store", self.metrics, "event store")
        self._fetch_backoff = Backoff(options.backoff_initial, options.backoff_max)
        self._in_flight: dict[asyncio.Task, Delivery] = {}

    def stop(self) -> None:
        if not self._stopping.is_set():
            log.info("stopping: finishing %d article(s) in flight, taking no more", len(self._in_flight))
        self._stopping.set()

    async def run(self) -> None:
        stopped = asyncio.create_task(self._stopping.wait())  # one waiter, reused by every wait below
        helpers = [asyncio.create_task(self._keep_alive()), asyncio.create_task(self._watch_health())]
        try:
            while not self._stopping.is_set():
                if not (self.model.up.is_set() and self.store_up.up.is_set()):
                    await self._until_all_up(1.0)  # a dependency is down: take nothing new
                    continue
                free = self.options.concurrency - len(self._in_flight)
                if free <= 0:
                    await asyncio.wait([*self._in_flight, stopped], return_when=asyncio.FIRST_COMPLETED)
                    continue
                for delivery in await self._fetch(free):
                    task = asyncio.create_task(self._process(delivery))
                    self._in_flight[task] = delivery
                    task.add_done_callback(self._in_flight.pop)
            await self._drain()
        finally:
            self._stopping.set()
            stopped.cancel()
            await self._stop_all([*helpers, stopped], "background checks")

    async def _fetch(self, free: int) -> list[Delivery]:
        try:
            deliveries = await self.broker.fetch(free, self.options.fetch_timeout)
        except BrokerUnavailable as error:
            self.broker_up.failed(str(error))
        except Exception as error:
            # A bug of ours reading the broker's reply: said loudly, then waited out like an
            # outage, so that one odd entry cannot take the worker down (or every worker with it).
            log.exception("internal error while fetching messages")
            self.broker_up.failed(f"internal error: {type(error).__name__}")
        else:
            self._fetch_backoff.reset()
            self.broker_up.answered()
            return deliveries
        await self._stopped_within(self._fetch_backoff.next())
        return []

    async def _drain(self) -> None:
        if not self._in_flight:
            return
        _done, unfinished = await asyncio.wait(list(self._in_flight), timeout=self.options.drain_timeout)
        for task in unfinished:
            task.cancel()  # _process hands its message back to the broker
        await self._stop_all(list(unfinished), "unfinished articles")

    async def _stop_all(self, tasks: list[asyncio.Task], what: str) -> None:
        """Cancel the tasks and wait for them, but never longer than ``stop_timeout``."""
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=self.options.stop_timeout + 1.0)
        if pending:
            # A library that swallowed the cancellation (redis-py's retry did, inside a PING)
            # must not keep the process alive: the task is left behind, the worker stops.
            log.warning("%d of the %s did not stop within %.0f s; leaving them", len(pending), what, self.options.stop_timeout + 1.0)

    # -- one message ---------------------------------------------------------------------------

    async def _process(self, delivery: Delivery) -> None:
        started = time.monotonic()
        self.metrics.in_flight.inc()
        try:
            await self._settle(delivery)
            self.metrics.latency.observe(time.monotonic() - started)
        except asyncio.CancelledError:
            await asyncio.shield(self._release(delivery))
            raise
        except HandedBack as gone:
            log.info("%s", gone)
        except _GaveUp as why:
            log.info("stopping with %s unsettled (%s); handing it back", delivery.message_id, why)
            await self._release(delivery)
        except Exception as error:
            log.exception("internal error on %s", delivery.message_id)
            await self._settle_failure(delivery, "internal", f"internal error: {type(error).__name__}: {error}")
        finally:
            self.metrics.in_flight.dec()

    async def _settle(self, delivery: Delivery) -> None:
        if delivery.malformed:
            await self._dead_letter(delivery, f"bad message: {delivery.malformed}")
            return
        try:
            article = decode_article(delivery.body, self.options.max_chars)
        except BadMessage as error:
            await self._dead_letter(delivery, f"bad message: {error}")
            return
        if delivery.deliveries > self.options.max_attempts:
            await self._dead_letter(
                delivery,
                f"delivered {delivery.deliveries} times and never settled (it may crash its worker)"
                + (f"; last error: {delivery.last_error}" if delivery.last_error else ""),
            )
            return
        key = self.handler.storage_key(article)
        extraction = await self._with_store(self.store.get, key)
        if extraction is None:
            outcome = await self._extract_through_outages(article)
            if outcome is None:
                await self._release(delivery)  # stopping during an outage: someone else will do it
                return
            if outcome.extraction is None:
                failure = outcome.failure
                assert failure is not None
                await self._fail(delivery, failure.error, f"{failure.error}: {failure.message}")
                return
            stored = await self._with_store(self.store.save, key, outcome.extraction, model_identity=self.handler.model_identity)
            extraction = stored.extraction
            self._count_tokens(extraction)
        # Committed: now the result may go out and the message be acked (in that order; a crash
        # between the two repeats the result, never loses it).
        body = extraction.model_dump_json().encode("utf-8")
        await self._with_broker(self.broker.publish_result, body)
        await self._with_broker(self.broker.ack, delivery)
        self.metrics.processed.inc()

    async def _extract_through_outages(self, article) -> Outcome | None:
        backoff = Backoff(self.options.backoff_initial, self.options.backoff_max)
        while True:
            outcome = await self.handler.extract(article)
            if outcome.failure is None or not outcome.model_unavailable:
                self.model.answered()
                return outcome
            self.model.failed(outcome.failure.message)
            if await self._stopped_within(backoff.next()):
                return None

    async def _with_store(self, call: Callable[..., T], *args, **kwargs) -> T:
        """The store call, made again with backoff while the database is unavailable."""
        backoff = Backoff(self.options.backoff_initial, self.options.backoff_max)
        while True:
            try:
                result = await asyncio.to_thread(call, *args, **kwargs)
            except StoreUnavailable as error:
                self.store_up.failed(str(error))
                if await self._stopped_within(backoff.next()):
                    raise _GaveUp("the event store is unavailable") from None
                continue
            self.store_up.answered()
            return result

    async def _with_broker(self, call: Callable[..., Awaitable[T]], *args) -> T:
        """The broker call, made again with backoff while the broker is unavailable."""
        backoff = Backoff(self.options.backoff_initial, self.options.backoff_max)
        while True:
            try:
                result = await call(*args)
            except BrokerUnavailable as error:
                self.broker_up.failed(str(error))
                if await self._stopped_within(backoff.next()):
                    raise _GaveUp("the broker is unavailable") from None
                continue
            self.broker_up.answered()
            return result

    async def _fail(self, delivery: Delivery, kind: str, error: str) -> None:
        self.metrics.failed.labels(kind).inc()
        error = redact(error)[:300]
        if delivery.attempt + 1 >= self.options.max_attempts:
            await self._dead_letter(delivery, error)
        else:
            log.info("%s failed (attempt %d of %d): %s", delivery.message_id, delivery.attempt + 1, self.options.max_attempts, error)
            await self._with_broker(self.broker.retry, delivery, error)
            self.metrics.retries.labels("failed_attempt").inc()

    async def _settle_failure(self, delivery: Delivery, kind: str, error: str) -> None:
        """``_fail`` after an internal error, itself unable to take the worker down."""
        try:
            await self._fail(delivery, kind, error)
        except HandedBack as gone:
            log.info("%s", gone)
        except _GaveUp as why:
            log.info("stopping with %s unsettled (%s); handing it back", delivery.message_id, why)
            await self._release(delivery)
        except Exception:
            log.exception("could not settle %s; the broker will hand it out again", delivery.message_id)

    async def _dead_letter(self, delivery: Delivery, error: str) -> None:
        error = redact(error)[:1000]
        log.warning("%s dead-lettered: %s", delivery.message_id, error)
        await self._with_broker(self.broker.dead_letter, delivery, error)
        self.metrics.dead_lettered.inc()

    async def _release(self, delivery: Delivery) -> None:
        """Hand the message back at once; if the broker cannot take it now, it comes back anyway
        (after the visibility timeout on Redis, when the connection closes on RabbitMQ)."""
        try:
            await asyncio.wait_for(self.broker.release(delivery), self.options.stop_timeout)
        except Exception:
            log.debug("could not release %s", delivery.message_id, exc_info=True)

    def _count_tokens(self, extraction: ArticleExtraction) -> None:
        usage = extraction.provenance.usage
        self.metrics.tokens.labels("prompt").inc(usage.prompt_tokens or 0)
        self.metrics.tokens.labels("completion").inc(usage.completion_tokens or 0)

    # -- background ----------------------------------------------------------------------------

    async def _stopped_within(self, seconds: float) -> bool:
        return await _until(self._stopping, seconds)

    async def _until_all_up(self, seconds: float) -> None:
        waits = [asyncio.create_task(event.wait()) for event in (self.model.up, self.store_up.up, self._stopping)]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def _keep_alive(self) -> None:
        while not await self._stopped_within(self.options.keep_alive_interval):
            try:
                await self.broker.keep_alive(list(self._in_flight.values()))
            except Exception:
                log.debug("keep-alive failed", exc_info=True)

    async def _watch_health(self) -> None:
        """Each dependency checked every ``health_interval``, each check bounded; the queue lag read fresh."""
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as http:
            while not self._stopping.is_set():
                self.metrics.set_health("broker", await self.broker.ping())
                self.metrics.set_health("model", await _model_answers(http, self.handler.base_url))
                self.metrics.set_health("store", await self._store_answers())
                try:
                    self.metrics.queue_lag.set(await self.broker.lag())
                except Exception:
                    log.debug("queue lag unavailable", exc_info=True)
                await self._stopped_within(self.options.health_interval)

    async def _store_answers(self) -> bool:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.store.ping), self.options.stop_timeout)
        except TimeoutError:
            return False


async def _until(event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), seconds)
        return True
    except TimeoutError:
        return False


async def _model_answers(http: httpx.AsyncClient, base_url: str | None) -> bool:
    if not base_url:
        return False
    try:
        root, query = split_base_url(base_url)  # a query token goes as a parameter, not into the path
        response = await http.get(root.rstrip("/") + "/models", params=query)
        return response.status_code < 500
    except (httpx.HTTPError, ValueError):
        return False
    except Exception:
        log.debug("model health check failed", exc_info=True)
        return False
