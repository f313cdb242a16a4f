"""One settings object: flags override environment variables, which override defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from extractor.model.retries import RetryPolicy

# instructor modes by the name a user gives, and "auto". JSON_SCHEMA (``response_format`` with
# the schema) is the best where a server supports it: the schema is not pasted into the prompt
# (about 1,000 tokens fewer than TOOLS) and llama.cpp constrains the reply to it. llama.cpp's own
# server mis-parses TOOLS replies ("Invalid JSON: key must be a string"), while
# llama-cpp-python's server answers JSON_SCHEMA with HTTP 500 ("Input should be 'text' or
# 'json_object'"). So "auto" (the default) picks per server: the embedded engine knows its mode;
# for a --base-url server one small probe request per session decides
# (extractor.model.client.probe_mode).
Mode = Literal["auto", "tools", "json", "md_json", "json_schema"]
MODES: tuple[str, ...] = get_args(Mode)
# The embedded model's server: llama.cpp's native one (xllamacpp) or llama-cpp-python's.
Engine = Literal["native", "llama-cpp-python"]
ENGINES: tuple[str, ...] = get_args(Engine)


def default_cache_dir() -> Path:
    """``$SUMMIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/summit-extractor``, else ``~/.cache/…``."""
    explicit = os.environ.get("SUMMIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "summit-extractor"


@dataclass(frozen=True)
class Settings:
    base_url: str | None = None  # None: start the embedded model server
    api_key: str | None = field(default=None, repr=False)  # never printed
    model: str | None = None
    mode: Mode = "auto"
    gguf: Path | None = None  # another model file for the embedded server
    engine: Engine = "native"  # which llama.cpp server runs the embedded model (see ENGINES)
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
    # Never start or call the model: answer every request from the reply cache, fail on a miss.
    replies_only: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
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
