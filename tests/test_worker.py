"""The worker against the real Redis, RabbitMQ and PostgreSQL, with the fake model server.

Workers run as real processes (`summit-extract worker`), are killed with real signals, and
every claim is checked where a user would check it: the store, the dead-letter stream, the
broker's pending list, the metrics endpoint.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from extractor.reconcile import reconcile_events
from extractor.store import EventStore
from extractor.store.event_store import event_line
from schemas import ArticleExtraction
from tests.support.fake_openai import FakeOpenAIServer, error_reply
from tests.support.services import AMQP_URL, REDIS_URL
from tests.support.summit_articles import answer, make_articles

# Short timeouts so that a test waits seconds, not minutes: the semantics do not depend on them.
FAST = [
    "--concurrency",
    "4",
    "--retries",
    "1",
    "--validation-retries",
    "0",
    "--timeout",
    "10",
    "--max-attempts",
    "3",
    "--visibility-timeout",
    "2",
    "--backoff-max",
    "0.5",
    "--health-interval",
    "0.2",
]


class Fleet:
    """Worker processes on one broker and store; their stderr kept for the assertions."""

    def __init__(self, tmp_path: Path, broker: str, stream: str, store: str, base_url: str):
        self.tmp_path, self.broker, self.stream, self.store, self.base_url = tmp_path, broker, stream, store, base_url
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start(self, *extra: str) -> subprocess.Popen:
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        command = [
            sys.executable,
            "-m",
            "extractor.cli",
            "-v",
            "worker",
            "--broker",
            self.broker,
            "--stream",
            self.stream,
            "--store",
            self.store,
            "--base-url",
            self.base_url,
            "--model",
            "fake-model",
            *FAST,
            *extra,
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
        env["SUMMIT_CACHE_DIR"] = str(self.tmp_path / "cache")
        with log.open("w") as stderr:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        self.processes.append(process)
        self.logs.append(log)
        return process

    def log_text(self) -> str:
        return "\n".join(log.read_text() for log in self.logs)

    def stop_all(self) -> list[int]:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        return [process.wait(timeout=30) for process in self.processes]

    def kill_leftovers(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def fleet_factory(tmp_path):
    fleets: list[Fleet] = []

    def make(*args) -> Fleet:
        fleets.append(Fleet(tmp_path, *args))
        return fleets[-1]

    yield make
    for fleet in fleets:
        fleet.kill_leftovers()


def wait_until(condition, timeout: float, what: str, fleet: Fleet | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tail = fleet.log_text()[-3000:] if fleet else ""
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what() if callable(what) else what}\n{tail}")
        time.sleep(0.2)


def write_jsonl(path: Path, articles) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps({"title": article.title, "body": article.text, "published_at": article.published}) + "\n")
    return path


def enqueue(broker: str, stream: str, path: Path) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "enqueue", "--broker", broker, "--stream", stream, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def stored_ids(store_url: str) -> list[str]:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    with EventStore(store_url, migrate=False) as store:
        try:
            return [e.article_id for e in store.extractions()]
        except (OperationalError, ProgrammingError):  # no tables until a worker has migrated
            return []


# -- what each broker holds ---------------------------------------------------------------------


class RedisView:
    def __init__(self, stream: str):
        import redis

        self.client = redis.Redis.from_url(REDIS_URL)
        self.stream = stream

    def dead(self) -> list[dict]:
        return [
            {
                "article": json.loads(f[b"article"]) if f[b"article"].startswith(b"{") else f[b"article"].decode(),
                "error": f[b"error"].decode(),
                "attempts": int(f[b"attempts"]),
            }
            for _id, f in self.client.xrange(f"{self.stream}:dead")
        ]

    def dead_count(self) -> int:
        return self.client.xlen(f"{self.stream}:dead")

    def results(self) -> list[ArticleExtraction]:
        return [ArticleExtraction.model_validate_json(f[b"extraction"]) for _id, f in self.client.xrange(f"{self.stream}:results")]

    def pending(self) -> int:
        return self.client.xpending(self.stream, "summit-workers")["pending"]

    def publish_raw(self, body: bytes) -> None:
        self.client.xadd(self.stream, {"article": body, "attempt": 0})


class RabbitView:
    def __init__(self, queue: str):
        self.queue = queue

    def _run(self, coroutine_function):
        import aio_pika

        async def main():
            connection = await aio_pika.connect(AMQP_URL)
            async with connection:
                return await coroutine_function(await connection.channel())

        return asyncio.run(main())

    def _count(self, name: str) -> int:
        async def count(channel):
            return (await channel.declare_queue(name, passive=True)).declaration_result.message_count

        return self._run(count)

    def _drain(self, name: str) -> list:
        async def drain(channel):
            queue = await channel.declare_queue(name, passive=True)
            messages = []
            while (message := await queue.get(no_ack=True, fail=False)) is not None:
                messages.append(message)
            return messages

        return self._run(drain)

    def dead_count(self) -> int:
        return self._count(f"{self.queue}:dead")

    def dead(self) -> list[dict]:
        return [
            {
                "article": json.loads(m.body) if m.body.startswith(b"{") else m.body.decode(),
                "error": m.headers["error"],
                "attempts": int(m.headers["attempts"]),
            }
            for m in self._drain(f"{self.queue}:dead")
        ]

    def results(self) -> list[ArticleExtraction]:
        return [ArticleExtraction.model_validate_json(m.body) for m in self._drain(f"{self.queue}:results")]

    def pending(self) -> int:
        return self._count(self.queue)  # ready messages; unacked ones return here when workers stop

    def publish_raw(self, body: bytes) -> None:
        import aio_pika

        async def publish(channel):
            await channel.default_exchange.publish(aio_pika.Message(body, message_id="garbage"), routing_key=self.queue)

        self._run(publish)


# -- the crash test, on both brokers -----------------------------------------------------------------


def crash_test(tmp_path, fleet_factory, broker: str, stream: str, store: str, view) -> None:
    """200 articles (3 that can only fail, 1 not even JSON), 3 workers, one SIGKILLed mid-run."""
    articles = make_articles(200, meetings=40, poison=3)
    poison = {a.article_id for a in articles if "POISON" in a.text}
    good = {a.article_id for a in articles} - poison
    with FakeOpenAIServer(responder=lambda body: answer(body, delay=0.03)) as server:
        fleet = fleet_factory(broker, stream, store, server.base_url)
        printed = enqueue(broker, stream, write_jsonl(tmp_path / "articles.jsonl", articles))
        assert [p["article_id"] for p in printed] == [a.article_id for a in articles]
        assert len({p["message_id"] for p in printed}) == 200
        view.publish_raw(b"not an article at all")
        for _ in range(3):
            fleet.start()
        wait_until(lambda: len(stored_ids(store)) >= 40, 60, "40 articles stored", fleet)
        fleet.processes[0].kill()  # SIGKILL: no drain, no release; its messages are in flight
        assert fleet.processes[0].wait(timeout=10) == -signal.SIGKILL
        wait_until(
            lambda: len(stored_ids(store)) >= len(good) and view.dead_count() >= len(poison) + 1,
            120,
            lambda: f"every article stored or dead-lettered (now {len(stored_ids(store))} stored, {view.dead_count()} dead)",
            fleet,
        )
        time.sleep(1.5)  # anything extra (a duplicate) would show up now
        assert fleet.stop_all()[1:] == [0, 0]
    logs = fleet.log_text()

    ids = stored_ids(store)
    assert len(ids) == len(set(ids)) and set(ids) == good  # every good article stored exactly once
    dead = view.dead()
    assert len(dead) == len(poison) + 1  # each poison message dead-lettered once
    by_article = {d["article"]["article_id"]: d for d in dead if isinstance(d["article"], dict)}
    assert set(by_article) == poison
    for letter in by_article.values():
        assert letter["attempts"] == 3 and "did not fit the schema" in letter["error"]
        assert "POISON" in letter["article"]["text"]  # the original payload travels with the error
    [garbage] = [d for d in dead if not isinstance(d["article"], dict)]
    assert garbage["article"] == "not an article at all" and garbage["error"].startswith("bad message")
    assert view.pending() == 0  # nothing left held or waiting
    assert ("reclaimed" in logs) or ("redelivered" in logs), "the killed worker's messages were never taken over"

    # Results went out for every stored article; the stored events equal the batch reconciler's.
    results = {r.article_id: r for r in view.results()}
    assert set(results) == good
    with EventStore(store, migrate=False) as reader:
        assert reader.event_lines() == [event_line(e) for e in reconcile_events(results.values())]


def test_redis_200_articles_3_workers_one_killed_each_article_once_in_store_or_dead_letters(
    tmp_path, fleet_factory, redis_stream, sqlite_store
):
    view = RedisView(redis_stream)
    crash_test(tmp_path, fleet_factory, REDIS_URL, redis_stream, sqlite_store, view)
    assert view.client.xlen(redis_stream) <= 2  # acknowledged entries were trimmed


def test_rabbitmq_200_articles_3_workers_one_killed_each_article_once_in_postgres_or_dead_letters(
    tmp_path, fleet_factory, rabbit_queue, postgres_store
):
    crash_test(tmp_path, fleet_factory, AMQP_URL, rabbit_queue, postgres_store, RabbitView(rabbit_queue))


# -- outages, draining, backpressure ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def metric(text: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


# Seconds of each kind of outage: refused connections, then 503s. The issue asks for 10 s in all;
# SUMMIT_OUTAGE_SECONDS=10 runs that, the default keeps the suite fast. What makes the worker wait
# instead of dead-lettering does not depend on the length: it outlasts the client's own retries
# (checked below) and then backs off for as long as it takes.
OUTAGE = float(os.environ.get("SUMMIT_OUTAGE_SECONDS", "4")) / 2


def test_a_model_outage_loses_nothing_and_dead_letters_nothing(tmp_path, fleet_factory, redis_stream, sqlite_store):
    articles = make_articles(40, meetings=10)
    view = RedisView(redis_stream)
    port = free_port()
    with FakeOpenAIServer(responder=lambda body: answer(body, delay=0.05)) as server:
        fleet = fleet_factory(REDIS_URL, redis_stream, sqlite_store, server.base_url)
        enqueue(REDIS_URL, redis_stream, write_jsonl(tmp_path / "a.jsonl", articles))
        fleet.start("--metrics-port", str(port))
        wait_until(lambda: len(stored_ids(sqlite_store)) >= 8, 60, "8 articles stored", fleet)
        wait_until(lambda: scrape(port, "/healthz")[0] == 200, 10, "a healthy worker", fleet)
        server.refuse_connections()
        wait_until(
            lambda: scrape(port, "/healthz") == (503, '{"model": false, "broker": true}'), 10, "health to report the model down", fleet
        )
        time.sleep(OUTAGE)
        server.accept_connections()
        server.fail_with(error_reply(503, "model overloaded"))
        time.sleep(OUTAGE)
        during = len(stored_ids(sqlite_store))
        server.fail_with(None)
        wait_until(lambda: len(stored_ids(sqlite_store)) == 40, 60, "all 40 stored after the outage", fleet)
        _, metrics = scrape(port, "/metrics")
        assert fleet.stop_all() == [0]
    assert sorted(stored_ids(sqlite_store)) == sorted(a.article_id for a in articles)
    assert view.dead_count() == 0
    assert during < 40  # the outage really held work up
    assert metric(metrics, 'summit_retries_total{reason="model_outage"}') >= 2
    assert metric(metrics, "summit_articles_processed_total") == 40
    assert metric(metrics, "summit_articles_dead_lettered_total") == 0
    assert "model unavailable" in fleet.log_text()


def test_sigterm_finishes_what_is_in_flight_and_exits_0(tmp_path, fleet_factory, redis_stream, sqlite_store):
    articles = make_articles(10, meetings=4)
    view = RedisView(redis_stream)
    with FakeOpenAIServer(responder=lambda body: answer(body, delay=0.6)) as server:
        fleet = fleet_factory(REDIS_URL, redis_stream, sqlite_store, server.base_url)
        enqueue(REDIS_URL, redis_stream, write_jsonl(tmp_path / "a.jsonl", articles))
        worker = fleet.start()
        wait_until(lambda: len(server.completion_requests) >= 4, 30, "4 articles in flight", fleet)
        asked = len(server.completion_requests)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
        # What was in flight was finished and acked (every model call it made ended stored, none
        # abandoned), it stopped well before the end, and it holds nothing any more.
        assert asked <= len(stored_ids(sqlite_store)) == len(server.completion_requests) < len(articles)
        assert view.pending() == 0
        fleet.start()  # a second worker does the rest
        wait_until(lambda: len(stored_ids(sqlite_store)) == 10, 60, "the rest stored", fleet)
        assert fleet.stop_all()[1] == 0
    assert sorted(stored_ids(sqlite_store)) == sorted(a.article_id for a in articles)
    assert view.dead_count() == 0


def test_sigterm_hands_back_what_cannot_finish_in_the_drain_timeout(tmp_path, fleet_factory, redis_stream, sqlite_store):
    articles = make_articles(4, meetings=2)
    view = RedisView(redis_stream)
    with FakeOpenAIServer(responder=lambda body: answer(body, delay=8.0)) as server:
        fleet = fleet_factory(REDIS_URL, redis_stream, sqlite_store, server.base_url)
        enqueue(REDIS_URL, redis_stream, write_jsonl(tmp_path / "a.jsonl", articles))
        worker = fleet.start("--drain-timeout", "0.5")
        wait_until(lambda: len(server.completion_requests) >= 4, 30, "4 articles in flight", fleet)
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
        assert time.monotonic() - started < 5  # it did not wait for the slow model
    # Handed back at once, not left for the visibility timeout: nothing pending, all 4 waiting.
    assert view.pending() == 0
    info = view.client.xinfo_groups(redis_stream)[0]
    assert info["lag"] == 4
    assert stored_ids(sqlite_store) == [] and view.dead_count() == 0


def test_a_worker_holds_at_most_concurrency_messages_however_slow_the_model(tmp_path, fleet_factory, redis_stream, sqlite_store):
    articles = make_articles(10, meetings=5)
    view = RedisView(redis_stream)
    busy, most = 0, 0
    lock = threading.Lock()

    def slow(body):
        nonlocal busy, most
        with lock:
            busy += 1
            most = max(most, busy)
        time.sleep(0.4)
        with lock:
            busy -= 1
        return answer(body)

    held = []
    with FakeOpenAIServer(responder=slow) as server:
        fleet = fleet_factory(REDIS_URL, redis_stream, sqlite_store, server.base_url)
        enqueue(REDIS_URL, redis_stream, write_jsonl(tmp_path / "a.jsonl", articles))
        fleet.start("--concurrency", "2")

        def done() -> bool:
            held.append(view.pending())
            return len(stored_ids(sqlite_store)) == 10

        wait_until(done, 60, "10 stored", fleet)
        assert fleet.stop_all() == [0]
    assert most == 2 and max(held) <= 2
