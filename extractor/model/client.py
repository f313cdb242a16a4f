"""The one client factory: instructor over the openai client over a retrying httpx2 transport."""

from __future__ import annotations

import contextlib
import logging
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2
import instructor
import openai

from extractor.errors import ConfigError
from extractor.providers.embedded.weights import MODEL_NAME, check_gguf, ensure_default_model
from extractor.providers.embedded.server import LocalModelServer
from extractor.model.endpoint_url import split_base_url
from extractor.model.retries import AsyncRetryingTransport, RetryingTransport
from extractor.settings import MODES, Settings

log = logging.getLogger(__name__)

_INSTRUCTOR_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
}
assert set(_INSTRUCTOR_MODES) == set(MODES)

# Sent when the server needs no key (local servers): the openai client insists on one.
_NO_KEY = "no-key-needed"


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    model: str


@dataclass
class ModelClient:
    """An instructor client and what the extraction records about it."""

    structured: instructor.Instructor | instructor.AsyncInstructor
    transport: RetryingTransport | AsyncRetryingTransport
    model: str
    mode: str


def _instructor_mode(settings: Settings) -> instructor.Mode:
    try:
        return _INSTRUCTOR_MODES[settings.mode]
    except KeyError:
        raise ConfigError(f"unknown mode {settings.mode!r}; choose one of {', '.join(MODES)}") from None


def environment_proxy(url: str) -> str | None:
    """The proxy the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY …) names for ``url``, if any.

    Our retrying transport replaces the client's default one, which is where httpx2 would read
    these variables; so they are read here, with the standard library's rules.
    """
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname or urllib.request.proxy_bypass(parts.hostname):
        return None
    if parts.hostname in ("localhost",) or parts.hostname.startswith("127.") or parts.hostname == "::1":
        return None  # loopback is never proxied
    return urllib.request.getproxies().get(parts.scheme)


def make_client(settings: Settings, endpoint: Endpoint, *, inner_transport: httpx2.BaseTransport | None = None) -> ModelClient:
    inner_transport = inner_transport or httpx2.HTTPTransport(proxy=environment_proxy(endpoint.base_url))
    transport = RetryingTransport(inner_transport, settings.retry)
    http_client = httpx2.Client(transport=transport, timeout=settings.timeout)
    base_url, query = split_base_url(endpoint.base_url)
    raw = openai.OpenAI(
        base_url=base_url,
        default_query=query or None,  # "?key=…" goes on every request, not before the path
        api_key=settings.api_key or _NO_KEY,
        max_retries=0,  # retries are ours (extractor.model.retries), not the client's
        timeout=settings.timeout,
        http_client=http_client,
    )
    structured = instructor.from_openai(raw, mode=_instructor_mode(settings))
    return ModelClient(structured=structured, transport=transport, model=endpoint.model, mode=settings.mode)


def make_async_client(settings: Settings, endpoint: Endpoint) -> ModelClient:
    transport = AsyncRetryingTransport(httpx2.AsyncHTTPTransport(proxy=environment_proxy(endpoint.base_url)), settings.retry)
    http_client = httpx2.AsyncClient(transport=transport, timeout=settings.timeout)
    base_url, query = split_base_url(endpoint.base_url)
    raw = openai.AsyncOpenAI(
        base_url=base_url,
        default_query=query or None,  # "?key=…" goes on every request, not before the path
        api_key=settings.api_key or _NO_KEY,
        max_retries=0,
        timeout=settings.timeout,
        http_client=http_client,
    )
    structured = instructor.from_openai(raw, mode=_instructor_mode(settings))
    return ModelClient(structured=structured, transport=transport, model=endpoint.model, mode=settings.mode)


@contextlib.contextmanager
def model_endpoint(settings: Settings) -> Iterator[Endpoint]:
    """The server to talk to: the configured one, or the embedded one for as long as this lasts."""
    if not settings.uses_embedded_model:
        split_base_url(settings.base_url)  # refuses credentials in the URL before anything is sent
        if not settings.model:
            raise ConfigError("a model name is needed with --base-url: give --model or SUMMIT_MODEL")
        yield Endpoint(settings.base_url, settings.model)
        return
    if settings.gguf:
        model_path = check_gguf(settings.gguf)
        alias = settings.model or model_path.stem
    else:
        model_path = ensure_default_model(settings.cache_dir)
        alias = MODEL_NAME
    with LocalModelServer(model_path, model_alias=alias, log_path=settings.cache_dir / "llama-server.log") as server:
        yield Endpoint(server.base_url, alias)
