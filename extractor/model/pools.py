"""Many requests in flight over several small connection pools instead of one large one.

httpcore's pool, whenever a request joins it or finishes, checks every idle connection for a
server-side close (``getpeername`` and ``poll`` system calls on each): with one pool of 64
connections, about 60 checks per request, 1.4 ms of CPU per article at ``--concurrency 64``
(measured on the 2-core machine while busy). The work per request grew with the concurrency,
which is why the ratio to the ideal rate fell as more articles were put in flight.

``PooledTransport`` keeps the pools at ``POOL_SIZE`` connections at most and sends each
request through the pool with the fewest requests in flight. Since there are never more than
``concurrency`` in flight, no pool has more than its share, so every connection stays alive
between requests (none is closed and reopened) and the checks per request stay a handful.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable

import httpx2

# Connections per pool: each request checks at most this many.
POOL_SIZE = 8


def pool_shares(concurrency: int) -> tuple[int, int]:
    """(pools, connections kept alive in each) for ``concurrency`` requests in flight."""
    pools = max(1, math.ceil(concurrency / POOL_SIZE))
    return pools, max(1, math.ceil(concurrency / pools))


class PooledTransport(httpx2.AsyncBaseTransport):
    """Each request through the least busy of several transports (their own pools)."""

    def __init__(self, make_pool: Callable[[int], httpx2.AsyncBaseTransport], concurrency: int):
        """``make_pool(n)``: a transport keeping ``n`` connections alive."""
        pools, size = pool_shares(concurrency)
        self._pools = [make_pool(size) for _ in range(pools)]
        self._busy = [0] * pools  # requests in flight per pool, until their reply is closed

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        index = min(range(len(self._pools)), key=self._busy.__getitem__)
        self._busy[index] += 1
        try:
            response = await self._pools[index].handle_async_request(request)
        except BaseException:
            self._busy[index] -= 1
            raise
        assert isinstance(response.stream, httpx2.AsyncByteStream)
        response.stream = _Released(response.stream, lambda: self._release(index))
        return response

    def _release(self, index: int) -> None:
        self._busy[index] -= 1

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


class _Released(httpx2.AsyncByteStream):
    """A reply's body that tells its pool when it is closed (its connection free again)."""

    def __init__(self, stream: httpx2.AsyncByteStream, on_close: Callable[[], None]):
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._on_close is not None:
                on_close, self._on_close = self._on_close, None
                on_close()
