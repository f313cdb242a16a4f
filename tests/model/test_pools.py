"""Requests in flight spread over small connection pools, each to the least busy one."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from extractor.model.pools import POOL_SIZE, PooledTransport, pool_shares


@pytest.mark.parametrize(
    ("concurrency", "shares"),
    [(1, (1, 1)), (POOL_SIZE, (1, POOL_SIZE)), (POOL_SIZE + 1, (2, 5)), (32, (4, 8)), (64, (8, 8)), (30, (4, 8))],
)
def test_pools_are_small_and_hold_every_request_in_flight(concurrency, shares):
    pools, size = pool_shares(concurrency)
    assert (pools, size) == shares
    assert size <= POOL_SIZE and pools * size >= concurrency


class Pool(httpx2.AsyncBaseTransport):
    """Answers every request at once; counts what it was sent and whether it was closed."""

    def __init__(self, kept_alive: int):
        self.kept_alive = kept_alive
        self.sent = 0
        self.closed = False

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.sent += 1
        return httpx2.Response(200, stream=httpx2.ByteStream(b"{}"))

    async def aclose(self) -> None:
        self.closed = True


def test_each_request_goes_to_the_least_busy_pool_until_its_reply_is_closed():
    made: list[Pool] = []

    def make_pool(kept_alive: int) -> Pool:
        made.append(Pool(kept_alive))
        return made[-1]

    async def scenario() -> None:
        transport = PooledTransport(make_pool, concurrency=3 * POOL_SIZE)
        assert [p.kept_alive for p in made] == [POOL_SIZE] * 3
        request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
        open_replies = [await transport.handle_async_request(request) for _ in range(3)]
        assert [p.sent for p in made] == [1, 1, 1]  # one each, not three on the first
        body = b"".join([chunk async for chunk in open_replies[1].aiter_raw()])
        await open_replies[1].aclose()
        assert body == b"{}"
        await transport.handle_async_request(request)
        assert [p.sent for p in made] == [1, 2, 1]  # the pool whose reply was closed
        await transport.aclose()
        assert all(p.closed for p in made)

    asyncio.run(scenario())


def test_a_failed_request_frees_its_place():
    class Refusing(Pool):
        async def handle_async_request(self, request):
            self.sent += 1
            raise httpx2.ConnectError("refused")

    made: list[Pool] = []

    def make_pool(kept_alive: int) -> Pool:
        made.append(Refusing(kept_alive))
        return made[-1]

    async def scenario() -> None:
        transport = PooledTransport(make_pool, concurrency=2 * POOL_SIZE)
        request = httpx2.Request("GET", "http://127.0.0.1/v1/models")
        for _ in range(4):
            with pytest.raises(httpx2.ConnectError):
                await transport.handle_async_request(request)
        assert [p.sent for p in made] == [4, 0]  # nothing left counted as in flight

    asyncio.run(scenario())
