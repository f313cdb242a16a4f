"""Per-article call statistics, gathered across retries and attempts.

A context variable rather than a field on the client: one client serves many articles at once
under ``--concurrency``, and each asyncio task sees only its own article's counters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class CallStats:
    http_requests: int = 0  # requests sent, transport retries included
    model_replies: int = 0  # replies parsed, validation re-asks included
    replayed_replies: int = 0  # of those, answered from the reply cache (no model time)
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add_usage(self, usage: Any) -> None:
        if usage is None:
            return
        self.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
        self.completion_tokens += getattr(usage, "completion_tokens", 0) or 0


current_stats: ContextVar[CallStats | None] = ContextVar("current_stats", default=None)


@contextlib.contextmanager
def collecting_stats() -> Iterator[CallStats]:
    stats = CallStats()
    token = current_stats.set(stats)
    try:
        yield stats
    finally:
        current_stats.reset(token)


def count_http_request() -> None:
    stats = current_stats.get()
    if stats is not None:
        stats.http_requests += 1


def count_replayed_reply() -> None:
    stats = current_stats.get()
    if stats is not None:
        stats.replayed_replies += 1


def count_model_reply(response: Any) -> None:
    """instructor hook for ``completion:response``: one more reply, and its tokens."""
    stats = current_stats.get()
    if stats is not None:
        stats.model_replies += 1
        stats.add_usage(getattr(response, "usage", None))
