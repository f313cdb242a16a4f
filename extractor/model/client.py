"""The one client factory: instructor over the openai client over a retrying httpx2 transport."""

from __future__ import annotations

import functools
import logging
import os
import ssl
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx2
import instructor
import openai
from openai.types.chat import ChatCompletion

from extractor.errors import ConfigError
from extractor.model.endpoint_url import split_base_url
from extractor.model.pools import PooledTransport
from extractor.model.reply_cache import AsyncCachingTransport, CachingTransport, ReplyCache
from extractor.model.retries import AsyncRetryingTransport, RetryingTransport
from extractor.model.usage import count_model_reply
from extractor.model.wire import ModelClient, model_error
from extractor.providers.base import Endpoint
from extractor.settings import MODES, Settings

log = logging.getLogger(__name__)

_INSTRUCTOR_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
}
assert set(_INSTRUCTOR_MODES) | {"auto"} == set(MODES)

# Sent when the server needs no key (local servers): the openai client insists on one.
_NO_KEY = "no-key-needed"


def resolved_mode(settings: Settings, endpoint: Endpoint) -> str:
    """The mode asked for; for "auto", the one the endpoint takes (tools while still unknown)."""
    if settings.mode != "auto":
        return settings.mode
    return endpoint.mode if endpoint.mode != "auto" else "tools"


def _instructor_mode(mode: str) -> instructor.Mode:
    try:
        return _INSTRUCTOR_MODES[mode]
    except KeyError:
        raise ConfigError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}") from None


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


def default_ssl_context() -> ssl.SSLContext:
    """The SSL context every client of this process verifies servers with: httpx2's default.

    Made once, not per client: reading the CA bundle took 20 ms, paid by every batch (each makes
    its clients anew), a fortieth of a whole batch's ideal time at --concurrency 64. httpx2 reads
    SSL_CERT_FILE and SSL_CERT_DIR when it makes the context, so a change to either makes another.
    """
    return _ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # The arguments are the cache key only: create_ssl_context reads the same variables itself.
    return httpx2.create_ssl_context()


def make_client(
    settings: Settings, endpoint: Endpoint, *, inner_transport: httpx2.BaseTransport | None = None, replies: ReplyCache | None = None
) -> ModelClient:
    """``replies``: answer requests seen before from this cache (see reply_cache)."""
    inner_transport = inner_transport or httpx2.HTTPTransport(verify=default_ssl_context(), proxy=environment_proxy(endpoint.base_url))
    if replies is not None:
        inner_transport = CachingTransport(inner_transport, replies)
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
    return _model_client(raw, transport, settings, endpoint)


def connection_limits(kept_alive: int) -> httpx2.Limits:
    """A pool that keeps ``kept_alive`` connections open between requests (httpx keeps 20)."""
    return httpx2.Limits(max_connections=max(100, kept_alive), max_keepalive_connections=max(20, kept_alive))


def make_async_client(settings: Settings, endpoint: Endpoint, *, replies: ReplyCache | None = None) -> ModelClient:
    # A connection kept alive for every request in flight, in small pools (see pools.py). With
    # httpx's one pool keeping 20 alive, at --concurrency 64 the connections beyond 20 were
    # closed whenever they fell idle and opened again for a later request (129 times in a
    # batch of 256 articles).
    proxy = environment_proxy(endpoint.base_url)
    ssl_context = default_ssl_context()  # one for all the pools: each would read the CA bundle

    def make_pool(kept_alive: int) -> httpx2.AsyncBaseTransport:
        return httpx2.AsyncHTTPTransport(verify=ssl_context, proxy=proxy, limits=connection_limits(kept_alive))

    pooled: httpx2.AsyncBaseTransport = PooledTransport(make_pool, settings.concurrency)
    if replies is not None:
        pooled = AsyncCachingTransport(pooled, replies)
    transport = AsyncRetryingTransport(pooled, settings.retry)
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
    return _model_client(raw, transport, settings, endpoint)


def _model_client(
    raw: openai.OpenAI | openai.AsyncOpenAI, transport: RetryingTransport | AsyncRetryingTransport, settings: Settings, endpoint: Endpoint
) -> ModelClient:
    mode = resolved_mode(settings, endpoint)
    instructor_mode = _instructor_mode(mode)
    # What instructor.from_openai makes, over our create (see _chat_completions).
    create = instructor.patch(create=_chat_completions(raw), mode=instructor_mode)
    structured: instructor.Instructor | instructor.AsyncInstructor
    if isinstance(raw, openai.AsyncOpenAI):
        structured = instructor.AsyncInstructor(client=raw, create=create, mode=instructor_mode)
    else:
        structured = instructor.Instructor(client=raw, create=create, mode=instructor_mode)
    structured.on("completion:response", count_model_reply)  # each reply and its tokens, per article
    return ModelClient(
        structured=structured,
        transport=transport,
        model=endpoint.model,
        mode=mode,
        base_url=endpoint.base_url,
        api_key=settings.api_key,
    )


# Arguments of openai's create that are request options, not parts of the body.
_REQUEST_OPTIONS = frozenset({"extra_headers", "extra_query", "extra_body", "timeout", "stream"})


def _chat_completions(raw: openai.OpenAI | openai.AsyncOpenAI) -> Callable[..., Any]:
    """``raw.chat.completions.create`` without openai's walk over the request's parameters.

    openai's ``create`` passes its parameters through ``maybe_transform``, which checks each
    message against every message type it may be (six, recursively, for key aliases and date
    formats): about a sixth of the client's CPU per article at --concurrency 64, to return the
    parameters instructor gives it unchanged (tests/model/test_chat_completions.py checks that
    it does, in every mode and for a re-ask). Otherwise this is the request ``create`` sends:
    the same path, body, reply type and authentication (``bearer_auth``, which ``create`` asks
    for), through ``post``, openai's public way to call an endpoint. Anything it would not send
    in the body (``timeout``, ``extra_headers``, ``stream`` …) goes through ``create`` itself.
    """
    completions = raw.chat.completions
    if isinstance(raw, openai.AsyncOpenAI):
        async_raw = raw

        async def create_async(**params: Any) -> Any:
            if params.keys() & _REQUEST_OPTIONS:
                return await completions.create(**params)
            return await async_raw.post(
                "/chat/completions", body=params, cast_to=ChatCompletion, options={"security": {"bearer_auth": True}}
            )

        return create_async
    sync_raw = raw

    def create(**params: Any) -> Any:
        if params.keys() & _REQUEST_OPTIONS:
            return completions.create(**params)
        return sync_raw.post("/chat/completions", body=params, cast_to=ChatCompletion, options={"security": {"bearer_auth": True}})

    return create


# The smallest request that shows whether a server honours ``response_format: json_schema``.
_PROBE_SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"], "additionalProperties": False}


def probe_mode(settings: Settings, endpoint: Endpoint) -> str:
    """json_schema if the server accepts a schema-constrained reply, else tools.

    One tiny request, once per session. A server that refuses the request's shape (HTTP 400,
    404, 422, 500 or 501, as llama-cpp-python's server does) gets TOOLS; one that cannot be
    reached or refuses the key raises, as any extraction would.
    """
    # One attempt: llama-cpp-python's refusal is an HTTP 500, which the retry policy would repeat.
    probe_settings = replace(settings, mode="json_schema", retry=replace(settings.retry, transport_attempts=1))
    client = make_client(probe_settings, replace(endpoint, mode="json_schema"))
    raw = client.structured.client
    assert raw is not None  # instructor keeps the openai client it wraps
    try:
        raw.chat.completions.create(
            model=endpoint.model,
            messages=[{"role": "user", "content": 'Answer {"ok": true}.'}],
            response_format={"type": "json_schema", "json_schema": {"name": "probe", "schema": _PROBE_SCHEMA, "strict": True}},
            max_tokens=16,
            temperature=0,
        )
    except openai.APIStatusError as error:
        if error.status_code in (400, 404, 422, 500, 501):
            log.info("structured output: tools (the server refused json_schema with HTTP %d)", error.status_code)
            return "tools"
        raise model_error(error, endpoint.base_url, settings.api_key) from None
    except openai.OpenAIError as error:
        raise model_error(error, endpoint.base_url, settings.api_key) from None
    log.info("structured output: json_schema (the server takes it)")
    return "json_schema"
