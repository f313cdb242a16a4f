"""Who serves the model: any running OpenAI-compatible server (``remote``), or the embedded
llama.cpp server we start (``embedded``). ``provider_for`` is the one place that chooses."""

from __future__ import annotations

from extractor.providers.base import Endpoint, Provider
from extractor.providers.embedded import EmbeddedModel
from extractor.providers.remote import OpenAICompatible
from extractor.settings import Settings

__all__ = ["EmbeddedModel", "Endpoint", "OpenAICompatible", "Provider", "provider_for"]


def provider_for(settings: Settings) -> Provider:
    """The provider the settings name: ``base_url`` if given, else the embedded model."""
    if settings.base_url is not None:
        return OpenAICompatible(settings.base_url, settings.model)
    return EmbeddedModel(cache_dir=settings.cache_dir, gguf=settings.gguf, alias=settings.model, engine=settings.engine)
