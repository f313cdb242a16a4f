"""``summit-extract worker``, ``enqueue`` and ``events``: thin shells over this package and the store.

The command line registers them (``register``) and hands over what its commands share (``Shell``:
the model options, reading inputs, writing JSONL), so this module never imports it back.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from extractor.worker.broker import DEFAULT_STREAM, Broker, BrokerUnavailable, require_worker_extra
from extractor.worker.connect import open_broker

log = logging.getLogger("extractor.worker")

# Seconds a stopping worker may take beyond its drain timeout before it exits anyway, and the
# exit status it then has (EX_SOFTWARE: something did not stop as it should have).
STOP_GRACE = 15.0
EXIT_STOP_TIMED_OUT = 70
# Seconds a starting worker waits for its broker and store (a fleet may start before them, or
# during an outage) before it gives up with the reason, exit 2.
STARTUP_WAIT = 300.0

_broker = click.option(
    "--broker",
    envvar="SUMMIT_BROKER",
    required=True,
    help="redis://host:6379/0 (Redis Streams) or amqp://user:pass@host:5672/ (RabbitMQ); default $SUMMIT_BROKER.",
)
_stream = click.option(
    "--stream",
    default=DEFAULT_STREAM,
    show_default=True,
    help="Input stream (Redis) or queue (RabbitMQ); results go to NAME:results, dead letters to NAME:dead.",
)
_store = click.option(
    "--store",
    "store_url",
    envvar="SUMMIT_STORE",
    default=None,
    help="sqlite:///path or postgresql+psycopg://user@host/db (default: $SUMMIT_STORE, else events.sqlite3 in the cache directory).",
)


def _public_store(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for a log line
        return "(store)"


@dataclass(frozen=True)
class Shell:
    """What the command line's commands share, as the worker's commands use it."""

    model_options: Callable[[Callable[..., Any]], Callable[..., Any]]  # the --base-url, --model, … options
    max_chars_option: Callable[[Callable[..., Any]], Callable[..., Any]]  # --max-chars
    read_inputs: Callable[[tuple[str, ...], int], Iterator[Any]]  # articles and InputFailures, as `extract` reads them
    report_input_failure: Callable[[Any], None]  # one line on stderr
    emit_jsonl: Callable[[dict], None]  # one record on stdout, whole
    settings: Callable[[dict], Any]  # the model options' values → Settings


def register(cli: click.Group, shell: Shell) -> None:
    _max_chars, model_options = shell.max_chars_option, shell.model_options
    _read, _report_input_failure, _emit_jsonl, _settings = shell.read_inputs, shell.report_input_failure, shell.emit_jsonl, shell.settings

    @cli.command()
    @_broker
    @_stream
    @_store
    @click.option(
        "--group", default="summit-workers", show_default=True, help="Consumer group (Redis): workers in one group share the work."
    )
    @click.option(
        "--max-attempts",
        type=click.IntRange(min=1),
        default=5,
        show_default=True,
        help="Failed attempts before a message is dead-lettered.",
    )
    @click.option(
        "--visibility-timeout",
        type=click.FloatRange(min=0.5),
        default=60.0,
        show_default=True,
        help="Seconds before a silent worker's messages are reclaimed (Redis).",
    )
    @click.option(
        "--drain-timeout",
        type=click.FloatRange(min=0),
        default=30.0,
        show_default=True,
        help="Seconds to finish in-flight articles on SIGTERM before handing them back.",
    )
    @click.option(
        "--backoff-max",
        type=click.FloatRange(min=0.1),
        default=30.0,
        show_default=True,
        help="Longest wait between tries while the model is down.",
    )
    @click.option(
        "--metrics-port",
        type=click.IntRange(min=0, max=65535),
        default=None,
        help="Serve /metrics (Prometheus) and /healthz on 127.0.0.1:PORT.",
    )
    @click.option("--metrics-host", default="127.0.0.1", show_default=True, help="Address for the metrics endpoint.")
    @click.option(
        "--health-interval", type=click.FloatRange(min=0.1), default=5.0, hidden=True, help="Seconds between health and lag checks."
    )
    @_max_chars
    @model_options
    def worker(
        broker: str,
        stream: str,
        store_url: str | None,
        group: str,
        max_attempts: int,
        visibility_timeout: float,
        drain_timeout: float,
        backoff_max: float,
        metrics_port: int | None,
        metrics_host: str,
        health_interval: float,
        max_chars: int,
        **options,
    ) -> None:
        """Extract articles from a Redis stream or RabbitMQ queue into the event store, until stopped.

        Acks each message only after its extraction is committed; SIGTERM or Ctrl-C finishes what
        is in flight and exits 0. A message that is not a valid article is dead-lettered with the
        reason; while the model, the broker or the store is down the worker waits and retries.
        Run as many as you like against the same broker and store.
        """
        require_worker_extra()
        _quiet_broker_libraries()
        from extractor.store import EventStore, StoreUnavailable, default_store_url
        from extractor.worker.handler import ArticleHandler
        from extractor.worker.loop import Worker, WorkerOptions
        from extractor.worker.metrics import WorkerMetrics

        settings = _settings({**options, "no_cache": True})
        store_url = store_url or default_store_url()
        worker_options = WorkerOptions(
            concurrency=settings.concurrency,
            max_attempts=max_attempts,
            backoff_initial=min(1.0, backoff_max),
            backoff_max=backoff_max,
            drain_timeout=drain_timeout,
            keep_alive_interval=visibility_timeout / 3,
            health_interval=health_interval,
            max_chars=max_chars,
        )
        metrics = WorkerMetrics()
        opened = _waiting_at_start("event store", lambda: EventStore(store_url), StoreUnavailable, backoff_max)
        with opened as store, ArticleHandler(settings) as handler:
            if metrics_port is not None:
                port = metrics.serve(metrics_port, metrics_host)
                log.info("metrics on http://%s:%d/metrics, health on /healthz", metrics_host, port)

            async def serve() -> None:
                queue = open_broker(broker, stream, group=group, visibility_timeout=visibility_timeout, prefetch=settings.concurrency)
                await _connect_waiting(queue, backoff_max)
                consumer = Worker(queue, store, handler, worker_options, metrics)
                loop = asyncio.get_running_loop()

                def stop() -> None:
                    consumer.stop()
                    _exit_unless_stopped_within(drain_timeout + STOP_GRACE)

                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(signum, stop)
                log.info(
                    "worker on %s (%s), store %s, %d in flight at most",
                    stream,
                    broker.split("://")[0],
                    _public_store(store_url),
                    settings.concurrency,
                )
                try:
                    await consumer.run()
                finally:
                    await queue.close()
                    await handler.aclose()

            try:
                asyncio.run(serve())
            finally:
                metrics.stop()
        log.info("worker stopped")

    @cli.command()
    @_broker
    @_stream
    @_max_chars
    @click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
    def enqueue(broker: str, stream: str, max_chars: int, inputs: tuple[str, ...]) -> None:
        """Publish articles (text, JSON records, JSONL) for the workers; prints one line per article
        with its message id and article id."""
        from extractor.ingest import InputFailure
        from extractor.worker.messages import encode_article

        items = list(_read(inputs, max_chars))
        failed = 0

        async def publish_all() -> None:
            nonlocal failed
            queue = open_broker(broker, stream)
            await queue.connect()
            try:
                for item in items:
                    if isinstance(item, InputFailure):
                        failed += 1
                        _report_input_failure(item)
                        continue
                    message_id = await queue.publish(encode_article(item))
                    _emit_jsonl({"message_id": message_id, "article_id": item.article_id, "file": item.file, "line": item.line})
            finally:
                await queue.close()

        asyncio.run(publish_all())
        if failed:
            raise SystemExit(1)

    @cli.command()
    @_store
    @click.option(
        "--since",
        type=click.IntRange(min=0),
        default=None,
        help="Only events changed after this cursor (removed ones as {event_id, removed}); prints the next cursor on stderr.",
    )
    def events(store_url: str | None, since: int | None) -> None:
        """Print the stored events (JSONL), as `summit-extract reconcile` would for the stored extractions."""
        require_worker_extra()
        from extractor.store import EventStore, default_store_url

        with EventStore(store_url or default_store_url()) as store:
            if since is None:
                for line in store.event_lines():
                    click.echo(line)
                return
            cursor = since
            for change in store.changes(since):
                click.echo(change.record if not change.removed else json.dumps({"event_id": change.event_id, "removed": True}))
                cursor = max(cursor, change.revision)
            click.echo(f"summit-extract: next --since {cursor}", err=True)


T = TypeVar("T")


def _waiting_at_start(what: str, open_it: Callable[[], T], unavailable: type[Exception], backoff_max: float) -> T:
    """``open_it()``, tried again with backoff while ``what`` is unavailable, for up to ``STARTUP_WAIT`` seconds."""
    started, delay = time.monotonic(), 1.0
    while True:
        try:
            return open_it()
        except unavailable as error:
            if time.monotonic() - started + delay > STARTUP_WAIT:
                raise
            log.warning("%s unavailable at start (%s); trying again in %.0f s", what, error, delay)
            time.sleep(delay)
            delay = min(delay * 2, max(backoff_max, 1.0))


async def _connect_waiting(queue: Broker, backoff_max: float) -> None:
    started, delay = time.monotonic(), 1.0
    while True:
        try:
            await queue.connect()
            return
        except BrokerUnavailable as error:
            if time.monotonic() - started + delay > STARTUP_WAIT:
                raise
            log.warning("broker unavailable at start (%s); trying again in %.0f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max(backoff_max, 1.0))


_deadline_set = threading.Event()


def _exit_unless_stopped_within(seconds: float) -> None:
    """The last guarantee that a signal ends the worker: if it is still running ``seconds`` from
    now (a library call that ignores cancellation, a database that stopped answering), it says so
    and exits. What it held goes back to the broker as for a crash: nothing is lost."""
    if _deadline_set.is_set():
        return
    _deadline_set.set()

    def give_up() -> None:
        log.error("did not stop within %.0f s of the signal; exiting now (unsettled messages go back to the broker)", seconds)
        logging.shutdown()
        os._exit(EXIT_STOP_TIMED_OUT)

    timer = threading.Timer(seconds, give_up)
    timer.daemon = True
    timer.start()


def _quiet_broker_libraries() -> None:
    """aio-pika and aiormq log each lost connection and reconnection attempt, with tracebacks;
    the worker says it once in its own words ("broker unavailable …", "broker answers again
    …"). Their own lines come back with -vv."""
    if logging.getLogger("extractor").getEffectiveLevel() > logging.DEBUG:
        for name in ("aio_pika", "aiormq"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
