"""One settings object: flags override environment variables, which override defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from extractor.providers.embedded.weights import default_cache_dir
from extractor.model.retries import RetryPolicy

# instructor modes by the name a user gives. TOOLS is the default because it works everywhere we
# tried: OpenAI, vLLM, Ollama and llama-cpp-python's server, which constrains the tool call to
# the schema with a grammar. llama-cpp-python answers JSON_SCHEMA with HTTP 500 ("Input should be
# 'text' or 'json_object'"), so that mode is only for servers known to support it.
MODES = ("tools", "json", "md_json", "json_schema")


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None  # None: start the embedded model server
    api_key: str | None = field(default=None, repr=False)  # never printed
    model: str | None = None
    mode: str = "tools"
    gguf: Path | None = None  # another model file for the embedded server
    timeout: float = 600.0  # seconds per wait (connect, each read), not per whole reply; a local 1.5B model is slow
    temperature: float = 0.0
    max_tokens: int = 1200
    retry: RetryPolicy = RetryPolicy()
    concurrency: int = 1
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    prompt_name: str = "extract"
    # A second model call for the other meetings an article mentions (prompts/background.md).
    background_pass: bool = False

    @property
    def uses_embedded_model(self) -> bool:
        return self.base_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides) -> Settings:
        """Settings from ``OPENAI_BASE_URL``, ``OPENAI_API_KEY``, ``SUMMIT_MODEL``, then ``overrides``.

        An override of ``None`` means "not given" and leaves the environment's value in place.
        """
        settings = cls(
            base_url=environ.get("OPENAI_BASE_URL") or None,
            api_key=environ.get("OPENAI_API_KEY") or None,
            model=environ.get("SUMMIT_MODEL") or None,
        )
        given = {key: value for key, value in overrides.items() if value is not None}
        return replace(settings, **given)
