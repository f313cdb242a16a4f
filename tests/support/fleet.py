"""Worker processes on the real brokers and stores, and what a test reads back from them.

``Fleet`` runs real ``summit-extract worker`` processes (killed with real signals, their stderr
kept); ``RedisView`` and ``RabbitView`` read what a user would read: the dead letters, the
results, what is still pending; ``scrape`` reads the metrics endpoint.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from extractor.store import EventStore
from schemas import ArticleExtraction
from tests.support.services import AMQP_URL, REDIS_URL

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
    def __init__(self, stream: str, url: str = REDIS_URL):
        import redis

        self.client = redis.Redis.from_url(url)
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

    def publish_raw(self, body: bytes, **fields) -> None:
        """An entry as any producer may write it: ``attempt=0`` unless the fields say otherwise."""
        self.client.xadd(self.stream, {"article": body, "attempt": 0, **fields})


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

    def publish_raw(self, body: bytes, message_id: str = "garbage", **headers) -> None:
        """A message as any producer may send it, with whatever headers it likes."""
        import aio_pika

        async def publish(channel):
            message = aio_pika.Message(body, message_id=message_id, headers=headers)
            await channel.default_exchange.publish(message, routing_key=self.queue)

        self._run(publish)


# -- the metrics endpoint -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port: int, path: str) -> tuple[int, str]:
    """(status, body) of the worker's metrics endpoint; (0, "") while it is not serving yet."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, OSError):
        return 0, ""


def metric(text: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))
