"""Who serves the model: any running OpenAI-compatible server (``remote``), or the embedded
llama.cpp server we start (``embedded``); with ``--replies-only``, nobody: only the kept replies
answer (``replies_only``). ``provider_for`` is the one place that chooses."""

from __future__ import annotations

from extractor.errors import ConfigError
from extractor.providers.base import Endpoint, Provider
from extractor.providers.embedded import EmbeddedModel
from extractor.providers.remote import OpenAICompatible
from extractor.providers.replies_only import RepliesOnly
from extractor.settings import Settings

__all__ = ["EmbeddedModel", "Endpoint", "OpenAICompatible", "Provider", "RepliesOnly", "provider_for"]


def provider_for(settings: Settings) -> Provider:
    """The provider the settings name: ``base_url`` if given, else the embedded model; with
    ``replies_only``, that provider's kept replies and never the model."""
    if settings.base_url is not None:
        remote = OpenAICompatible(settings.base_url, settings.model)
        if not settings.replies_only:
            return remote
        if not settings.model or settings.mode == "auto":
            raise ConfigError("--replies-only with --base-url needs --model and a --mode other than auto (nothing is asked to probe)")
        return RepliesOnly(remote, settings.model, settings.mode)
    embedded = EmbeddedModel(cache_dir=settings.cache_dir, gguf=settings.gguf, alias=settings.model, engine=settings.engine)
    return RepliesOnly(embedded, embedded.served_name, embedded.mode) if settings.replies_only else embedded
