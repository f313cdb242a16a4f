"""What every provider offers: an endpoint to talk to, an identity for the cache, a retry policy.

A provider says *who* answers (a URL, or a server we start); the wire (``extractor.model``) says
*how* to talk to it. Adding a provider means one class here, not a branch in five places.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from extractor.model.retries import RetryPolicy


@dataclass(frozen=True)
class Endpoint:
    """An OpenAI-compatible server that is up, and the model name to ask it for."""

    base_url: str
    model: str
    # The structured-output mode this server is known to take ("json_schema", "tools"), or
    # "auto" when only a request can tell (the session then probes it once).
    mode: str = "auto"


@runtime_checkable
class Provider(Protocol):
    @property
    def identity(self) -> str:
        """Which model answers, known before any server starts: the cache key's model part."""
        ...

    def endpoint(self) -> AbstractContextManager[Endpoint]:
        """The server, usable inside the ``with`` block (started and stopped if it is ours)."""
        ...

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        """The policy to use against this provider, given the one the user configured."""
        ...
