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
