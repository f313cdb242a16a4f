"""The worker against the real Redis, RabbitMQ and PostgreSQL, with the fake model server.

Workers run as real processes (`summit-extract worker`), are killed with real signals, and
every claim is checked where a user would check it: the store, the dead-letter stream, the
broker's pending list, the metrics endpoint.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

from extractor.reconcile import reconcile_events
from extractor.store import EventStore
from extractor.store.event_store import event_line
from tests.support.fake_openai import FakeOpenAIServer, error_reply
from tests.support.fleet import RabbitView, RedisView, enqueue, free_port, metric, scrape, stored_ids, wait_until, write_jsonl
from tests.support.services import AMQP_URL, REDIS_URL
from tests.support.summit_articles import answer, make_articles

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
            lambda: scrape(port, "/healthz") == (503, '{"model": false, "broker": true, "store": true}'),
            10,
            "health to report the model down",
            fleet,
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


# -- the storage key ------------------------------------------------------------------------------------


def test_after_a_rule_change_the_worker_extracts_stored_articles_again(tmp_path, redis_stream, sqlite_store):
    """The storage key holds the code's hash: records made by older rules are not served as new ones."""
    import asyncio

    from extractor.settings import Settings
    from extractor.worker.handler import ArticleHandler
    from extractor.worker.loop import Worker, WorkerOptions
    from extractor.worker.messages import encode_article
    from extractor.worker.redis_streams import RedisStreamsBroker

    articles = make_articles(3, meetings=3)

    async def work(server, store, code: str) -> None:
        broker = RedisStreamsBroker(REDIS_URL, redis_stream, visibility_timeout=30)
        await broker.connect()
        for article in articles:
            await broker.publish(encode_article(article))
        with ArticleHandler(Settings(base_url=server.base_url, model="fake-model", use_cache=False), code=code) as handler:
            worker = Worker(broker, store, handler, WorkerOptions(concurrency=2, health_interval=0.5))
            running = asyncio.create_task(worker.run())
            while (worker.metrics.registry.get_sample_value("summit_articles_processed_total") or 0) < len(articles):
                await asyncio.sleep(0.05)
            worker.stop()
            await running
            await handler.aclose()
        await broker.close()

    def asked(server) -> int:
        return sum("from desk" in json.dumps(r.body) for r in server.completion_requests)

    with FakeOpenAIServer(responder=answer) as server, EventStore(sqlite_store) as store:
        asyncio.run(work(server, store, "rules-1"))
        first = asked(server)
        asyncio.run(work(server, store, "rules-1"))  # the same rules: served from the store
        assert asked(server) == first
        asyncio.run(work(server, store, "rules-2"))  # new rules: every article asked again
        assert asked(server) == 2 * first
        assert sorted(e.article_id for e in store.extractions()) == sorted(a.article_id for a in articles)
        assert store.event_lines() == [event_line(e) for e in reconcile_events(store.extractions())]
