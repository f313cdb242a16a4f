"""Resilience run of the worker fleet: articles through real workers while everything around them fails.

    .venv/bin/python bench/fleet_resilience_bench.py                       # 1,000 articles, 3 workers
    .venv/bin/python bench/fleet_resilience_bench.py --articles 200 --store-cut 4 --broker-down 2

Three ``summit-extract worker`` processes on a Redis of the run's own (on a free port, its data in
an append-only file), a PostgreSQL database of the run's own reached through a TCP proxy, and the
tests' fake model server answering ``--fault-rate`` of requests with a fault (429, 5xx, slow,
dropped, malformed, off-schema, empty, HTML). While the articles go through, the run:

* SIGKILLs one worker at 15 % stored and starts a replacement (counted);
* kills Redis at 35 % (SIGKILL: every connection drops) and starts it again ``--broker-down``
  seconds later;
* cuts the proxy to PostgreSQL at 60 % for ``--store-cut`` seconds (connections reset, new ones
  refused);
* has enqueued poison among the articles: three articles the model never answers in the schema
  (dead-lettered after their attempts) and five messages no worker can process (not JSON, an
  attempt count "x", ``published: 5``, another text's ``article_id``, over ``--max-chars``),
  which must be dead-lettered at once.

Any other worker that exits is restarted and counted as a crash. At the end every worker gets
SIGTERM. The run checks what an operator would: every good article stored exactly once or, if
the faults failed it ``--max-attempts`` times in a row, dead-lettered with the reason (``lost``:
neither; ``duplicated``: stored twice, from the database), every poison message dead-lettered,
the stored events equal to ``reconcile_events`` of the stored extractions, each worker's exit
status, and the workers' logs for tracebacks. It exits 1 if any check fails.

Writes ``bench/results/fleet_resilience.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

from extractor.reconcile import reconcile_events  # noqa: E402
from extractor.store import EventStore  # noqa: E402
from extractor.store.event_store import event_line  # noqa: E402
from extractor.worker.connect import open_broker  # noqa: E402
from extractor.worker.messages import encode_article  # noqa: E402
from tests.support.fake_openai import FakeOpenAIServer, FaultPlan  # noqa: E402
from tests.support.services import POSTGRES_ADMIN, PrivateRedis  # noqa: E402
from tests.support.summit_articles import answer, make_articles  # noqa: E402
from tests.support.tcp_proxy import TcpProxy  # noqa: E402

STREAM = "articles"
MAX_CHARS = 20_000
CRASH_SIGNS = ("Traceback", "Task exception was never retrieved", "internal error")


def poison_messages(articles) -> dict[str, bytes]:
    """Messages no worker can process, each with the reason a dead letter must give."""
    base = dataclasses.asdict(articles[0])
    long_text = "The delegations met again. " * (MAX_CHARS // 20)
    return {
        "not JSON": b"<html>not an article</html>",
        "published 5": json.dumps({**base, "published": 5}).encode(),
        "stolen id": json.dumps({**dataclasses.asdict(articles[1]), "article_id": articles[2].article_id}).encode(),
        "too long": json.dumps({**base, "text": long_text, "article_id": None}).encode(),
    }


class Fleet:
    def __init__(self, command: list[str], logs: Path):
        self.command, self.logs = command, logs
        self.processes: list[subprocess.Popen] = []
        self.crashed = self.killed = 0

    def start(self) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
        env["SUMMIT_CACHE_DIR"] = str(self.logs / "cache")
        with (self.logs / f"worker-{len(self.processes)}.log").open("w") as stderr:
            process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        self.processes.append(process)
        return process

    def live(self) -> list[subprocess.Popen]:
        return [p for p in self.processes if p.poll() is None]

    def replace_the_dead(self, expected_dead: set[int]) -> None:
        """A worker that exited on its own is a crash: counted, and replaced so the run goes on."""
        for process in list(self.processes):
            if process.poll() is not None and process.pid not in expected_dead:
                expected_dead.add(process.pid)
                self.crashed += 1
                self.start()

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.logs.glob("worker-*.log")))


def count(store_url: str, sql: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    except SQLAlchemyError:
        return 0  # not migrated yet
    finally:
        engine.dispose()


def dead_letters(redis_url: str) -> list[dict]:
    import redis

    try:
        entries = redis.Redis.from_url(redis_url, socket_connect_timeout=1).xrange(f"{STREAM}:dead")
    except redis.RedisError:
        return []
    return [{"error": fields[b"error"].decode(), "article": fields[b"article"]} for _id, fields in entries]


def classify(letters: list[dict]) -> dict[str, set]:
    """Dead letters by what they were: the poison messages are refused as bad messages, the
    POISON articles fail their attempts, and a good article may fail all of its attempts too
    (a run of faults in a row): by article id."""
    found: dict[str, set] = {"poison messages": set(), "poison articles": set(), "good": set()}
    for number, letter in enumerate(letters):
        if letter["error"].startswith("bad message"):
            found["poison messages"].add(number)
        elif b"POISON" in letter["article"]:
            found["poison articles"].add(number)
        else:
            found["good"].add(json.loads(letter["article"])["article_id"])
    return found


def run(args) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="fleet-"))
    redis_server = PrivateRedis(scratch)
    redis_server.start()
    database = f"fleet_{uuid.uuid4().hex[:8]}"
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    store_url = f"postgresql+psycopg://root@127.0.0.1:5432/{database}"
    articles = make_articles(args.articles + 3, meetings=max(10, args.articles // 5), poison=3)
    good = {a.article_id for a in articles if "POISON" not in a.text}
    poison = poison_messages(articles)
    plan = FaultPlan(rate=args.fault_rate, seed=args.seed, retry_after=0.05, slow_seconds=1.5)
    events: list[str] = []
    started = time.monotonic()

    def note(what: str) -> None:
        events.append(f"{time.monotonic() - started:6.1f} s  {what}")
        print(events[-1], file=sys.stderr)

    try:
        with TcpProxy(5432) as proxy, FakeOpenAIServer(responder=answer, faults=plan, latency=args.latency) as server:
            behind_proxy = store_url.replace(":5432/", f":{proxy.port}/")
            asyncio.run(publish(redis_server.url, articles, poison))
            command = [
                sys.executable, "-m", "extractor.cli", "-v", "worker",
                "--broker", redis_server.url, "--stream", STREAM, "--store", behind_proxy,
                "--base-url", server.base_url, "--model", "fake-model",
                "--concurrency", str(args.concurrency), "--timeout", "1", "--max-attempts", str(args.max_attempts),
                "--visibility-timeout", "10", "--backoff-max", "2", "--max-chars", str(MAX_CHARS),
            ]  # fmt: skip
            fleet = Fleet(command, scratch)
            for _ in range(args.workers):
                fleet.start()
            expected_dead: set[int] = set()
            steps = [(0.15, "kill"), (0.35, "broker"), (0.60, "store")]
            deadline = time.monotonic() + args.timeout
            while True:
                stored = count(store_url, "SELECT count(DISTINCT article_id) FROM extractions")
                dead = classify(dead_letters(redis_server.url))
                if steps and stored >= steps[0][0] * len(good):
                    _, step = steps.pop(0)
                    if step == "kill":
                        victim = fleet.live()[0]
                        victim.kill()
                        victim.wait()
                        expected_dead.add(victim.pid)
                        fleet.killed += 1
                        fleet.start()
                        note(f"SIGKILLed worker pid {victim.pid} at {stored} stored; started a replacement")
                    elif step == "broker":
                        redis_server.stop()
                        note(f"Redis killed at {stored} stored")
                        time.sleep(args.broker_down)
                        redis_server.start()
                        note("Redis started again")
                    else:
                        proxy.cut()
                        note(f"PostgreSQL cut at {stored} stored")
                        time.sleep(args.store_cut)
                        proxy.restore()
                        note("PostgreSQL reachable again")
                fleet.replace_the_dead(expected_dead)
                settled = stored + len(dead["good"]) >= len(good)
                if settled and len(dead["poison messages"]) >= len(poison) + 1 and len(dead["poison articles"]) >= 3:
                    break
                if time.monotonic() > deadline:
                    note(f"timed out: {stored} of {len(good)} stored, {sum(map(len, dead.values()))} dead letters")
                    break
                time.sleep(0.5)
            time.sleep(3)  # a duplicate or a late crash would show now
            fleet.replace_the_dead(expected_dead)
            seconds = time.monotonic() - started
            live = fleet.live()
            for process in live:
                process.send_signal(signal.SIGTERM)
            stop_started = time.monotonic()
            exit_codes = [process.wait(timeout=60) for process in live]
            stop_seconds = time.monotonic() - stop_started
            served = dict(server.served_counts())
        logs = fleet.log_text()
        with EventStore(store_url, migrate=False) as store:
            stored_ids = Counter(e.article_id for e in store.extractions())
            rows = count(store_url, "SELECT count(*) FROM extractions")
            consistent = store.event_lines() == [event_line(e) for e in reconcile_events(store.extractions())]
        letters = dead_letters(redis_server.url)
    finally:
        redis_server.stop()
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    reasons = Counter(letter["error"].split(" (")[0][:90] for letter in letters)
    dead = classify(letters)
    return {
        "articles": len(good),
        "poison_articles": 3,
        "poison_messages": len(poison) + 1,
        "stored": len(stored_ids),
        "lost": len(good - set(stored_ids) - dead["good"]),
        "duplicated": rows - len(stored_ids),
        "dead_letters": len(letters),
        "dead_letter_reasons": dict(reasons.most_common()),
        "poison_articles_dead_lettered": len(dead["poison articles"]),
        "poison_messages_dead_lettered": len(dead["poison messages"]),
        "good_articles_dead_lettered_after_their_attempts": len(dead["good"]),
        "events_equal_reconcile": consistent,
        "workers": args.workers,
        "killed_by_the_run": fleet.killed,
        "crashed": fleet.crashed,
        "exit_codes_after_sigterm": exit_codes,
        "seconds_to_stop_after_sigterm": round(stop_seconds, 1),
        "crash_signs_in_logs": {sign: logs.count(sign) for sign in CRASH_SIGNS},
        "model_requests_served": dict(sorted(served.items())),
        "seconds": round(seconds, 1),
        "timeline": events,
    }


async def publish(url: str, articles, poison: dict[str, bytes]) -> None:
    broker = open_broker(url, STREAM)
    await broker.connect()
    try:
        for article in articles:
            await broker.publish(encode_article(article))
        client = broker.client  # type: ignore[attr-defined]
        for body in poison.values():
            await client.xadd(STREAM, {"article": body, "attempt": 0})
        await client.xadd(STREAM, {"article": encode_article(articles[3]), "attempt": "x"})
    finally:
        await broker.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4, help="articles in flight per worker")
    parser.add_argument("--max-attempts", type=int, default=5, help="the workers' --max-attempts (their default)")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of model requests answered with a fault")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the fake model takes per request")
    parser.add_argument("--broker-down", type=float, default=5.0, help="seconds Redis stays down")
    parser.add_argument("--store-cut", type=float, default=10.0, help="seconds PostgreSQL stays unreachable")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--out", type=Path, default=RESULTS / "fleet_resilience.json")
    args = parser.parse_args()
    result = run(args)
    document = {
        "command": "python bench/fleet_resilience_bench.py " + " ".join(sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "settings": {k: v for k, v in vars(args).items() if k != "out"},
        "result": result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "timeline"}, indent=2), file=sys.stderr)
    ok = (
        result["lost"] == 0
        and result["duplicated"] == 0
        and result["crashed"] == 0
        and result["poison_articles_dead_lettered"] == result["poison_articles"]
        and result["poison_messages_dead_lettered"] == result["poison_messages"]
        and result["events_equal_reconcile"]
        and all(code == 0 for code in result["exit_codes_after_sigterm"])
        and not any(result["crash_signs_in_logs"].values())
    )
    print(("ok" if ok else "FAILED") + f"; wrote {args.out}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
