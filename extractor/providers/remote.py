"""Any OpenAI-compatible server that is already running: OpenAI, vLLM, Ollama, llama.cpp."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from extractor.errors import ConfigError
from extractor.model.retries import RetryPolicy
from extractor.providers.base import Endpoint


@dataclass(frozen=True)
class OpenAICompatible:
    base_url: str
    model: str | None

    @property
    def identity(self) -> str:
        # The URL too: two servers may both call their model "local".
        return f"{self.base_url}|{self.model or ''}"

    @contextlib.contextmanager
    def endpoint(self) -> Iterator[Endpoint]:
        if not self.model:
            raise ConfigError("a model name is needed with --base-url: give --model or SUMMIT_MODEL")
        yield Endpoint(self.base_url, self.model)

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        return policy
