"""The real Redis, RabbitMQ and PostgreSQL on loopback (../shared/SERVICES.md), per test.

Each fixture hands a test its own stream, queue or database, and removes it afterwards, so tests
never see each other's messages. A service that is down fails the test with how to start it: CI
(.ci/run) starts all three, and the worker cannot be tested without them.
"""

from __future__ import annotations

import socket
import uuid

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
POSTGRES_ADMIN = "postgresql://root@127.0.0.1:5432/test"


def require(port: int, name: str, start: str) -> None:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        pytest.fail(f"{name} is not running on 127.0.0.1:{port}; start it with: {start}")


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def redis_stream():
    import redis

    require(6379, "Redis", "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no")
    stream = unique("test:articles")
    yield stream
    redis.Redis.from_url(REDIS_URL).delete(stream, f"{stream}:results", f"{stream}:dead")


@pytest.fixture
def rabbit_queue():
    import asyncio

    import aio_pika

    require(5672, "RabbitMQ", "rabbitmq-server -detached")
    queue = unique("test.articles")
    yield queue

    async def delete() -> None:
        connection = await aio_pika.connect(AMQP_URL)
        async with connection:
            channel = await connection.channel()
            for name in (queue, f"{queue}:results", f"{queue}:dead"):
                await channel.queue_delete(name)

    asyncio.run(delete())


@pytest.fixture
def postgres_store():
    """The URL of a fresh PostgreSQL database, dropped afterwards."""
    import psycopg

    require(5432, "PostgreSQL", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
    name = unique("summit_test")
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://root@127.0.0.1:5432/{name}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_store(tmp_path):
    return f"sqlite:///{tmp_path / 'events.sqlite3'}"


class PrivateRedis:
    """A Redis server of a test's own on a free loopback port, that the test may stop and restart.

    It keeps its data in an append-only file, fsynced on every write, so a restart loses nothing
    (as a production Redis configured for a queue would): what the test sees is the outage.
    """

    def __init__(self, directory):
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        import subprocess
        import time

        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {self.port}")
                time.sleep(0.05)

    def stop(self) -> None:
        """Killed (SIGKILL): every connection drops at once, as when the server dies."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def private_redis(tmp_path):
    import shutil

    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed; install Redis 7 (see ../shared/SERVICES.md)")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
