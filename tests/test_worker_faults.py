"""The worker against hostile messages and outages of what it depends on.

Real worker processes on the real Redis, RabbitMQ and PostgreSQL, with the fake model server.
Outages are real too: a Redis of the test's own is killed and started again, or a TCP proxy
between the workers and RabbitMQ or PostgreSQL resets every connection and refuses new ones for
a few seconds (tests/support/tcp_proxy.py), so the shared servers never go down for other tests.
Every claim is read where an operator would read it: the store, the dead letters, the worker's
exit status and log, ``/healthz`` and ``/metrics``.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
import time

import pytest

from extractor.worker.messages import encode_article
from tests.support.fake_openai import FakeOpenAIServer
from tests.support.fleet import RabbitView, RedisView, enqueue, free_port, metric, scrape, stored_ids, wait_until, write_jsonl
from tests.support.services import AMQP_URL, REDIS_URL
from tests.support.summit_articles import answer, make_articles
from tests.support.tcp_proxy import TcpProxy

# What a worker's log must never hold, whatever happened to it.
CRASH_SIGNS = ("Traceback", "Task exception was never retrieved", "internal error")
# Seconds each staged outage lasts: longer than the client's own retries, so the worker must wait.
OUTAGE = 3.0


def assert_no_crash(log: str) -> None:
    for sign in CRASH_SIGNS:
        assert sign not in log, f"{sign!r} in the workers' log:\n{log[-3000:]}"


def all_alive(fleet) -> bool:
    return all(process.poll() is None for process in fleet.processes)


def asked_about(server: FakeOpenAIServer, article) -> bool:
    """Whether the model was sent this article (its last line is unique to it)."""
    last_line = article.text.strip().splitlines()[-1]
    return any(last_line in json.dumps(request.body, ensure_ascii=False) for request in server.completion_requests)


# -- messages no worker can process ---------------------------------------------------------------


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request):
    """(broker URL, stream, view) on each broker."""
    if request.param == "redis":
        stream = request.getfixturevalue("redis_stream")
        return REDIS_URL, stream, RedisView(stream)
    queue = request.getfixturevalue("rabbit_queue")
    return AMQP_URL, queue, RabbitView(queue)


def test_a_message_with_an_unreadable_attempt_count_is_dead_lettered_and_no_worker_crashes(tmp_path, fleet_factory, broker, sqlite_store):
    url, stream, view = broker
    articles = make_articles(8, meetings=4)
    good, bad = articles[:6], articles[6:]
    with FakeOpenAIServer(responder=answer) as server:
        fleet = fleet_factory(url, stream, sqlite_store, server.base_url)
        enqueue(url, stream, write_jsonl(tmp_path / "good.jsonl", good))
        view.publish_raw(encode_article(bad[0]), attempt="x")
        view.publish_raw(encode_article(bad[1]), attempt="-3")
        for _ in range(2):
            fleet.start()
        wait_until(
            lambda: (len(stored_ids(sqlite_store)) == 6 and view.dead_count() == 2) or not all_alive(fleet),
            60,
            lambda: f"the good articles stored and the bad messages dead-lettered ({len(stored_ids(sqlite_store))} stored)",
            fleet,
        )
        assert all_alive(fleet), fleet.log_text()[-3000:]
        time.sleep(1.0)  # a worker that crashed on a redelivery would show now
        assert all_alive(fleet)
        assert fleet.stop_all() == [0, 0]
        asked = [asked_about(server, article) for article in articles]
    assert sorted(stored_ids(sqlite_store)) == sorted(a.article_id for a in good)
    dead = view.dead()
    assert sorted(d["error"] for d in dead) == [
        "bad message: its attempt field is '-3', not a count of attempts",
        "bad message: its attempt field is 'x', not a count of attempts",
    ]
    assert all(d["attempts"] == 1 for d in dead)  # at once, not after retries
    assert {d["article"]["article_id"] for d in dead} == {a.article_id for a in bad}  # the payload travels with it
    assert asked == [True] * 6 + [False] * 2  # no model call was spent on them
    assert_no_crash(fleet.log_text())


def _message(article, **changes) -> bytes:
    return json.dumps({**dataclasses.asdict(article), **changes}).encode("utf-8")


def test_messages_are_checked_like_command_line_input(tmp_path, fleet_factory, redis_stream, sqlite_store):
    view = RedisView(redis_stream)
    articles = make_articles(6, meetings=3)
    good, other = articles[:4], articles[4]
    long_text = "President Amara Okafor met the press. " * 80  # 3,040 characters, over --max-chars 2000
    long_article = dataclasses.replace(other, text=long_text)
    bad = {
        "published": _message(other, published=5),
        "line": _message(other, line="seven"),
        "shape": _message(other, shape="novel"),
        "date": _message(other, published="2026-13-01"),
        # Another article's id on this text: it would have replaced that article in the events.
        "stolen id": _message(other, article_id=good[0].article_id),
        "too long": _message(long_article, article_id=None),
        "huge": _message(other, text="x" * 10_000_000),
    }
    with FakeOpenAIServer(responder=answer) as server:
        fleet = fleet_factory(REDIS_URL, redis_stream, sqlite_store, server.base_url)
        enqueue(REDIS_URL, redis_stream, write_jsonl(tmp_path / "good.jsonl", good))
        for body in bad.values():
            view.publish_raw(body)
        fleet.start("--max-chars", "2000")
        wait_until(lambda: len(stored_ids(sqlite_store)) == 4 and view.dead_count() == len(bad), 60, "all settled", fleet)
        assert fleet.stop_all() == [0]
        asked = [asked_about(server, article) for article in (*good, other, long_article)]
    errors = sorted(d["error"] for d in view.dead())
    assert all(d["attempts"] == 1 for d in view.dead())
    assert asked == [True] * 4 + [False, False]  # not one model call on a bad message (the old TypeError took three)
    expected = [
        "bad message: article is 3,040 characters; the limit is 2,000 (the worker's --max-chars)",
        f"bad message: article_id '{good[0].article_id}' is not its text's ({other.article_id}); an id names one text",
        "bad message: article message field 'line' is a string, not a number",
        "bad message: article message field 'published' is a number, not a string",
        "bad message: article message field 'published' is not a date (YYYY-MM-DD)",
        "bad message: article message field 'shape' is not one of json, jsonl, scraped_page, text",
        "bad message: message is 10,000,",
    ]
    assert len(errors) == len(expected)
    for want in expected:
        assert any(error.startswith(want) for error in errors), (want, errors)
    # The article whose id was borrowed is stored with its own text.
    stored = {e.article_id: e for e in _extractions(sqlite_store)}
    assert set(stored) == {a.article_id for a in good}
    assert_no_crash(fleet.log_text())
    # The command line refuses the same article, with the same limit.
    path = tmp_path / "long.json"
    path.write_text(json.dumps({"title": "Long", "body": long_text}), encoding="utf-8")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "extractor.cli",
            "enqueue",
            "--broker",
            REDIS_URL,
            "--stream",
            redis_stream,
            "--max-chars",
            "2000",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and "the limit is 2,000" in refused.stderr


def _extractions(store_url: str):
    from extractor.store import EventStore

    with EventStore(store_url, migrate=False) as store:
        return store.extractions()


# -- outages ---------------------------------------------------------------------------------------


def test_a_redis_restart_mid_batch_loses_nothing_charges_nothing_and_kills_no_worker(tmp_path, fleet_factory, private_redis, sqlite_store):
    stream = "articles"
    view = RedisView(stream, private_redis.url)
    articles = make_articles(60, meetings=15)
    port = free_port()
    with FakeOpenAIServer(responder=lambda body: answer(body, delay=0.05)) as server:
        fleet = fleet_factory(private_redis.url, stream, sqlite_store, server.base_url)
        enqueue(private_redis.url, stream, write_jsonl(tmp_path / "a.jsonl", articles))
        fleet.start("--metrics-port", str(port))
        fleet.start()
        wait_until(lambda: len(stored_ids(sqlite_store)) >= 10, 60, "10 articles stored", fleet)
        private_redis.stop()  # every connection drops; in-flight articles cannot be acked
        wait_until(lambda: scrape(port, "/healthz")[0] == 503, 10, "health to report the broker down", fleet)
        assert json.loads(scrape(port, "/healthz")[1])["broker"] is False
        time.sleep(OUTAGE)
        assert all_alive(fleet), fleet.log_text()[-3000:]
        private_redis.start()
        wait_until(lambda: len(stored_ids(sqlite_store)) == 60 or not all_alive(fleet), 90, "all 60 stored", fleet)
        assert all_alive(fleet), fleet.log_text()[-3000:]
        wait_until(lambda: scrape(port, "/healthz")[0] == 200, 10, "health to report the broker back", fleet)
        _, metrics = scrape(port, "/metrics")
        assert fleet.stop_all() == [0, 0]
    ids = stored_ids(sqlite_store)
    assert len(ids) == len(set(ids)) == 60
    assert view.dead_count() == 0
    assert metric(metrics, 'summit_retries_total{reason="broker_outage"}') >= 1
    assert metric(metrics, "summit_articles_failed_total") == 0  # nobody was charged an attempt
    logs = fleet.log_text()
    assert "broker unavailable" in logs and "broker answers again" in logs
    assert "failed (attempt" not in logs
    assert_no_crash(logs)


def test_a_rabbitmq_outage_is_waited_out_and_health_and_lag_say_so(tmp_path, fleet_factory, rabbit_queue, sqlite_store):
    view = RabbitView(rabbit_queue)
    articles = make_articles(40, meetings=10)
    port = free_port()
    lags: list[float] = []
    with TcpProxy(5672) as proxy, FakeOpenAIServer(responder=lambda body: answer(body, delay=0.1)) as server:
        behind_proxy = f"amqp://guest:guest@127.0.0.1:{proxy.port}/"
        fleet = fleet_factory(behind_proxy, rabbit_queue, sqlite_store, server.base_url)
        enqueue(AMQP_URL, rabbit_queue, write_jsonl(tmp_path / "a.jsonl", articles))
        fleet.start("--metrics-port", str(port), "--concurrency", "2")

        def stored_at_least(count: int):
            def check() -> bool:
                lags.append(metric(scrape(port, "/metrics")[1], "summit_queue_lag"))
                return len(stored_ids(sqlite_store)) >= count

            return check

        wait_until(lambda: scrape(port, "/healthz")[0] == 200, 30, "a healthy worker", fleet)
        wait_until(stored_at_least(8), 60, "8 stored", fleet)
        proxy.cut()
        wait_until(lambda: scrape(port, "/healthz")[0] == 503, 10, "health to report the broker down", fleet)
        assert json.loads(scrape(port, "/healthz")[1]) == {"model": True, "broker": False, "store": True}
        time.sleep(OUTAGE)
        proxy.restore()
        wait_until(stored_at_least(40), 90, "all 40 stored", fleet)
        wait_until(lambda: scrape(port, "/healthz")[0] == 200, 15, "health to report the broker back", fleet)
        _, metrics = scrape(port, "/metrics")
        assert fleet.stop_all() == [0]
    assert sorted(stored_ids(sqlite_store)) == sorted(a.article_id for a in articles)
    assert view.dead_count() == 0
    assert len(set(lags)) >= 3 and min(lags) < max(lags)  # read fresh, not the first reading forever
    assert metric(metrics, "summit_articles_failed_total") == 0  # the blip is not an internal failure
    assert metric(metrics, 'summit_retries_total{reason="broker_outage"}') >= 1
    assert_no_crash(fleet.log_text())


def test_a_postgresql_outage_is_waited_out_with_the_extraction_kept(tmp_path, fleet_factory, redis_stream, postgres_store):
    view = RedisView(redis_stream)
    articles = make_articles(30, meetings=10)
    port = free_port()
    with TcpProxy(5432) as proxy, FakeOpenAIServer(responder=lambda body: answer(body, delay=0.05)) as server:
        behind_proxy = postgres_store.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        fleet = fleet_factory(REDIS_URL, redis_stream, behind_proxy, server.base_url)
        enqueue(REDIS_URL, redis_stream, write_jsonl(tmp_path / "a.jsonl", articles))
        fleet.start("--metrics-port", str(port), "--visibility-timeout", "30")  # no reclaim may repeat a model call
        wait_until(lambda: len(stored_ids(postgres_store)) >= 6, 60, "6 stored", fleet)
        proxy.cut()
        wait_until(lambda: scrape(port, "/healthz")[0] == 503, 10, "health to report the store down", fleet)
        assert json.loads(scrape(port, "/healthz")[1])["store"] is False
        time.sleep(OUTAGE)
        asked_during = len(server.completion_requests)
        proxy.restore()
        wait_until(lambda: len(stored_ids(postgres_store)) == 30, 90, "all 30 stored", fleet)
        _, metrics = scrape(port, "/metrics")
        assert fleet.stop_all() == [0]
        asked = len(server.completion_requests)
    assert sorted(stored_ids(postgres_store)) == sorted(a.article_id for a in articles)
    assert view.dead_count() == 0
    assert asked == 30  # the extractions made before the cut were kept and stored, not asked for again
    assert asked_during < 30  # intake paused while the store was down
    assert metric(metrics, "summit_articles_failed_total") == 0
    assert metric(metrics, 'summit_retries_total{reason="store_outage"}') >= 1
    assert "event store unavailable" in fleet.log_text()
    assert_no_crash(fleet.log_text())


def test_sigterm_ends_a_worker_within_seconds_while_the_broker_is_down(tmp_path, fleet_factory, redis_stream, sqlite_store):
    articles = make_articles(8, meetings=4)
    with TcpProxy(6379) as proxy, FakeOpenAIServer(responder=lambda body: answer(body, delay=1.5)) as server:
        fleet = fleet_factory(f"redis://127.0.0.1:{proxy.port}/0", redis_stream, sqlite_store, server.base_url)
        enqueue(REDIS_URL, redis_stream, write_jsonl(tmp_path / "a.jsonl", articles))
        worker = fleet.start("--drain-timeout", "3")
        wait_until(lambda: len(server.completion_requests) >= 4, 30, "4 articles in flight", fleet)
        proxy.cut()  # the articles in flight finish, but cannot be acked; the health check's PING hangs in retries
        time.sleep(1.0)
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        status = worker.wait(timeout=30)
        took = time.monotonic() - started
    assert status == 0, fleet.log_text()[-3000:]
    assert took < 12  # the drain timeout and a few seconds, not forever
    assert_no_crash(fleet.log_text())


def test_stopping_never_waits_forever_on_a_health_check_that_swallowed_its_cancellation(tmp_path, redis_stream):
    """redis-py's retry turns a cancellation that lands inside PING into a ConnectionError
    (measured: most of the time while Redis is down); the worker must still stop."""
    import asyncio
    import random

    from extractor.settings import Settings
    from extractor.store import EventStore
    from extractor.worker.handler import ArticleHandler
    from extractor.worker.loop import Worker, WorkerOptions
    from extractor.worker.redis_streams import RedisStreamsBroker

    options = WorkerOptions(health_interval=0.001, fetch_timeout=0.05, backoff_initial=0.01, backoff_max=0.02, stop_timeout=1.0)
    rng = random.Random(7)

    async def stop_after(worker: Worker, seconds: float) -> float:
        run = asyncio.create_task(worker.run())
        await asyncio.sleep(seconds)
        worker.stop()
        started = time.monotonic()
        await asyncio.wait_for(run, 15)  # on main: waited forever for the health task
        return time.monotonic() - started

    async def main(server, store) -> list[float]:
        with TcpProxy(6379) as proxy, ArticleHandler(Settings(base_url=server.base_url, model="fake-model", use_cache=False)) as handler:
            broker = RedisStreamsBroker(f"redis://127.0.0.1:{proxy.port}/0", redis_stream)
            await broker.connect()
            proxy.cut()  # Redis unreachable: every PING retries
            try:
                return [await stop_after(Worker(broker, store, handler, options), rng.uniform(0.05, 0.3)) for _ in range(20)]
            finally:
                await broker.close()

    with FakeOpenAIServer(responder=answer) as server, EventStore(f"sqlite:///{tmp_path / 'events.sqlite3'}") as store:
        took = asyncio.run(main(server, store))
    assert max(took) < 5


def test_a_worker_started_while_its_broker_and_store_are_down_waits_for_them(tmp_path, fleet_factory, private_redis, postgres_store):
    articles = make_articles(6, meetings=3)
    enqueue(private_redis.url, "articles", write_jsonl(tmp_path / "a.jsonl", articles))
    private_redis.stop()
    with TcpProxy(5432) as proxy, FakeOpenAIServer(responder=answer) as server:
        proxy.cut()
        behind_proxy = postgres_store.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        fleet = fleet_factory(private_redis.url, "articles", behind_proxy, server.base_url)
        worker = fleet.start()
        # Waited for, not slept: a loaded machine takes seconds just to start the worker's Python.
        wait_until(lambda: "event store unavailable at start" in fleet.log_text(), 60, "the store waited for", fleet)
        assert worker.poll() is None, fleet.log_text()
        proxy.restore()  # the store first; then the broker
        wait_until(lambda: "broker unavailable at start" in fleet.log_text(), 60, "the broker waited for", fleet)
        assert worker.poll() is None, fleet.log_text()
        private_redis.start()
        wait_until(lambda: len(stored_ids(postgres_store)) == 6, 60, "all 6 stored", fleet)
        assert fleet.stop_all() == [0]
    logs = fleet.log_text()
    assert "event store unavailable at start" in logs and "broker unavailable at start" in logs
    assert_no_crash(logs)
