"""The worker's loop: take messages while there is room, settle each exactly one way.

For every message: decode → already stored? → extract (waiting out model outages) → store and
reconcile (one committed transaction) → publish the result → ack. Failures that are the
article's (a reply that never fits the schema, a bug on that input) count an attempt: the
message is put back with the count raised, and after ``max_attempts`` it is dead-lettered with
the error. Failures that are the model server's (refused, 5xx, 429, timeouts, after the
client's own retries) are not the article's fault: the worker stops taking new work, retries
with exponential backoff, and resumes when the model answers; nothing is dead-lettered for it.

In-flight work is bounded by ``concurrency``: the loop fetches only as many messages as it has
free slots, so a slow model leaves the rest in the broker for other workers. ``stop()`` (on
SIGTERM / Ctrl-C) stops fetching, lets in-flight articles finish for up to ``drain_timeout``
seconds, and hands back any still unfinished to the broker.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx
from sqlalchemy.exc import OperationalError

from extractor.store import EventStore, storage_key
from extractor.worker.broker import Broker
from extractor.worker.handler import ArticleHandler, is_model_outage
from extractor.worker.messages import BadMessage, Delivery, decode_article
from extractor.worker.metrics import WorkerMetrics
from schemas import ArticleExtraction

log = logging.getLogger(__name__)


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
        self._model_up = asyncio.Event()
        self._model_up.set()
        self._in_flight: dict[asyncio.Task, Delivery] = {}

    def stop(self) -> None:
        if not self._stopping.is_set():
            log.info("stopping: finishing %d article(s) in flight, taking no more", len(self._in_flight))
        self._stopping.set()

    async def run(self) -> None:
        stopped = asyncio.create_task(self._stopping.wait())  # one waiter, reused by every wait below
        helpers = [asyncio.create_task(self._keep_alive()), asyncio.create_task(self._watch_health()), stopped]
        try:
            while not self._stopping.is_set():
                if not self._model_up.is_set():
                    await self._until(self._model_up, 1.0)  # the model is down: take nothing new
                    continue
                free = self.options.concurrency - len(self._in_flight)
                if free <= 0:
                    await asyncio.wait([*self._in_flight, stopped], return_when=asyncio.FIRST_COMPLETED)
                    continue
                for delivery in await self.broker.fetch(free, self.options.fetch_timeout):
                    task = asyncio.create_task(self._process(delivery))
                    self._in_flight[task] = delivery
                    task.add_done_callback(self._in_flight.pop)
            await self._drain()
        finally:
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

    async def _drain(self) -> None:
        if not self._in_flight:
            return
        _done, unfinished = await asyncio.wait(list(self._in_flight), timeout=self.options.drain_timeout)
        for task in unfinished:
            task.cancel()  # _process hands its message back to the broker
        await asyncio.gather(*unfinished, return_exceptions=True)

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
        except OperationalError as error:
            # The store is unreachable or locked past its timeout: not the article's fault.
            log.warning("event store unavailable (%s); handing %s back", " ".join(str(error.orig).split())[:200], delivery.message_id)
            await self._stopped_within(self.options.backoff_initial)
            await self._release(delivery)
        except Exception as error:
            log.exception("internal error on %s", delivery.message_id)
            await self._fail(delivery, "internal", f"internal error: {type(error).__name__}: {error}"[:300])
        finally:
            self.metrics.in_flight.dec()

    async def _settle(self, delivery: Delivery) -> None:
        try:
            article = decode_article(delivery.body)
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
        key = storage_key(article.article_id, article.published, self.handler.model_identity, self.handler.prompt_version)
        extraction = await asyncio.to_thread(self.store.get, key)
        if extraction is None:
            outcome = await self._extract_through_outages(article, delivery)
            if outcome is None:
                await self._release(delivery)  # stopping during an outage: someone else will do it
                return
            if not outcome.ok:
                await self._fail(delivery, outcome.failure.error, f"{outcome.failure.error}: {outcome.failure.message}")
                return
            stored = await asyncio.to_thread(self.store.save, key, outcome.extraction, model_identity=self.handler.model_identity)
            extraction = stored.extraction
            self._count_tokens(extraction)
        # Committed: now the result may go out and the message be acked (in that order; a crash
        # between the two repeats the result, never loses it).
        await self.broker.publish_result(extraction.model_dump_json().encode("utf-8"))
        await self.broker.ack(delivery)
        self.metrics.processed.inc()

    async def _extract_through_outages(self, article, delivery: Delivery):
        delay = self.options.backoff_initial
        while True:
            outcome = await self.handler.extract(article)
            if outcome.failure is None or not is_model_outage(outcome.failure):
                self._model_up.set()
                return outcome
            if self._model_up.is_set():
                log.warning("model unavailable (%s); pausing intake, retrying with backoff", outcome.failure.message)
            self._model_up.clear()
            self.metrics.retries.labels("model_outage").inc()
            if await self._stopped_within(delay):
                return None
            delay = min(delay * 2, self.options.backoff_max)

    async def _fail(self, delivery: Delivery, kind: str, error: str) -> None:
        self.metrics.failed.labels(kind).inc()
        if delivery.attempt + 1 >= self.options.max_attempts:
            await self._dead_letter(delivery, error)
        else:
            log.info("%s failed (attempt %d of %d): %s", delivery.message_id, delivery.attempt + 1, self.options.max_attempts, error)
            await self.broker.retry(delivery, error)
            self.metrics.retries.labels("failed_attempt").inc()

    async def _dead_letter(self, delivery: Delivery, error: str) -> None:
        log.warning("%s dead-lettered: %s", delivery.message_id, error)
        await self.broker.dead_letter(delivery, error)
        self.metrics.dead_lettered.inc()

    async def _release(self, delivery: Delivery) -> None:
        try:
            await self.broker.release(delivery)
        except Exception:
            log.debug("could not release %s", delivery.message_id, exc_info=True)

    def _count_tokens(self, extraction: ArticleExtraction) -> None:
        usage = extraction.provenance.usage
        self.metrics.tokens.labels("prompt").inc(usage.prompt_tokens or 0)
        self.metrics.tokens.labels("completion").inc(usage.completion_tokens or 0)

    # -- background ----------------------------------------------------------------------------

    async def _stopped_within(self, seconds: float) -> bool:
        return await self._until(self._stopping, seconds)

    @staticmethod
    async def _until(event: asyncio.Event, seconds: float) -> bool:
        try:
            await asyncio.wait_for(event.wait(), seconds)
            return True
        except TimeoutError:
            return False

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(self.options.keep_alive_interval)
            try:
                await self.broker.keep_alive(list(self._in_flight.values()))
            except Exception:
                log.debug("keep-alive failed", exc_info=True)

    async def _watch_health(self) -> None:
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as http:
            while True:
                self.metrics.health["broker"] = await self.broker.ping()
                self.metrics.health["model"] = await _model_answers(http, self.handler.base_url)
                try:
                    self.metrics.queue_lag.set(await self.broker.lag())
                except Exception:
                    log.debug("queue lag unavailable", exc_info=True)
                await asyncio.sleep(self.options.health_interval)


async def _model_answers(http: httpx.AsyncClient, base_url: str | None) -> bool:
    if not base_url:
        return False
    try:
        response = await http.get(base_url.rstrip("/") + "/models")
        return response.status_code < 500
    except httpx.HTTPError:
        return False
