"""A provider that never starts or calls a model: every request is answered from the reply cache.

    summit-extract evaluate --replies-only --without venue_city --gold gold.json articles/*

The model's replies are kept by the exact request (``extractor.model.reply_cache``), so the
grounding rules can be changed, or switched off, and an article extracted again at the cost of
the rules alone. A rule may also change what is asked: a re-ask the kept replies have never seen.
Such an article fails at once (``ReplyMissing``) instead of starting the model: the endpoint is an
address nothing listens on, tried once, and the identity is the real model's, whose replies the
cache holds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

from extractor.model.retries import RetryPolicy
from extractor.providers.base import Endpoint, Provider

# The discard port on loopback: nothing listens there, so a connection is refused at once.
NOWHERE = "http://127.0.0.1:9/v1"


@dataclass(frozen=True)
class RepliesOnly:
    inner: Provider  # the provider whose kept replies are used
    model: str  # the model name its requests carry
    mode: str  # the structured-output mode its requests used (it shapes them)

    @property
    def identity(self) -> str:
        return self.inner.identity

    @contextlib.contextmanager
    def endpoint(self) -> Iterator[Endpoint]:
        yield Endpoint(NOWHERE, self.model, self.mode)

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        # One attempt, and no circuit breaker: a request with no kept reply fails at once, and the
        # next one (which may have one) is still looked up.
        return replace(self.inner.retry_policy(policy), transport_attempts=1, breaker_threshold=0)
