"""One extraction session: the model endpoint, its clients, the cache and the prompt, kept open
for as long as the caller wants.

    with ExtractionSession(settings) as session:
        outcome = session.extract(article)              # Outcome: .extraction or .failure
        outcome = await session.extract_async(article)  # the same, for concurrent callers

The endpoint (for the embedded model: its llama.cpp server) starts on the first article that
the cache cannot answer, once, and stops when the session closes: a worker handling one message
at a time keeps one server. Every call ends as exactly one ``Outcome``; one article's failure,
even a bug of ours, never reaches the caller as an exception.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from dataclasses import dataclass, replace
from types import TracebackType

from extractor.errors import ConfigError, InternalError, ModelError, ModelUnavailable, ReplyMissing, SummitError
from extractor.extract.extractor import Extractor, source_meta
from extractor.ingest.articles import Article, InputFailure
from extractor.logs import redact
from extractor.model.client import make_async_client, make_client
from extractor.model.client import probe_mode as _probe
from extractor.model.prompting import PromptTemplate, load_prompt
from extractor.model.reply_cache import ReplyCache
from extractor.providers import Endpoint, OpenAICompatible, Provider, RepliesOnly, provider_for
from extractor.runtime.cache import ExtractionCache, cache_key
from extractor.settings import Settings
from schemas import ArticleExtraction, ExtractionFailure, SourceMeta

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    extraction: ArticleExtraction | None = None
    failure: ExtractionFailure | None = None
    # The failure is the model server's being down, overloaded or slow (``ModelUnavailable``),
    # nothing about the article: a worker waits for the server instead of failing the message.
    model_unavailable: bool = False

    @property
    def ok(self) -> bool:
        return self.extraction is not None


def input_failure(item: InputFailure) -> ExtractionFailure:
    return ExtractionFailure(source=SourceMeta(file=item.file, line=item.line), error="input", message=item.message)


def article_failure(article: Article, error: SummitError) -> ExtractionFailure:
    # Redacted: the message may quote a server or a model reply that echoed the key.
    return ExtractionFailure(article_id=article.article_id, source=source_meta(article), error=error.kind, message=redact(str(error)))


def prompt_identity(settings: Settings, prompt: PromptTemplate) -> str:
    """The prompts an extraction depends on: the main one, and the background pass's when it runs.

    Without the second part, an extraction made without the background pass was served from the
    cache to a run that asked for it (and the other way round).
    """
    if not settings.background_pass:
        return prompt.version  # unchanged from before the pass was part of the key: old entries stay valid
    return f"{prompt.version}+{load_prompt('background').version}"


class ExtractionSession:
    """Extracts articles one call at a time with one endpoint, one cache and one prompt."""

    def __init__(self, settings: Settings, *, provider: Provider | None = None):
        """``provider``: who serves the model; by default the one the settings name."""
        self.settings = settings
        if settings.replies_only and not settings.use_cache:
            raise ConfigError("--replies-only answers from the reply cache: it cannot go with --no-cache")
        self.provider = provider if provider is not None else provider_for(settings)
        self.prompt = load_prompt(settings.prompt_name)
        self._run_settings = replace(settings, retry=self.provider.retry_policy(settings.retry))
        self._model_identity = self.provider.identity
        self._prompt_identity = prompt_identity(settings, self.prompt)
        self._cache = ExtractionCache(settings.cache_dir / "extractions.sqlite3") if settings.use_cache else None
        # The model's replies, kept under the records: after a rule change only new requests cost model time.
        self._replies = (
            ReplyCache(settings.cache_dir / "replies.sqlite3", self._model_identity, secret=settings.api_key)
            if settings.use_cache
            else None
        )
        self._cache_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._resources = contextlib.ExitStack()
        self._endpoint: Endpoint | None = None
        self._start_error: SummitError | None = None
        self._extractor: Extractor | None = None
        # An async client belongs to the event loop it was made on.
        self._async: tuple[asyncio.AbstractEventLoop, Extractor] | None = None

    # -- lifetime ------------------------------------------------------------------------------

    def __enter__(self) -> ExtractionSession:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the endpoint (if it was started) and close the cache."""
        try:
            self._resources.close()
        finally:
            self._endpoint = None
            self._extractor = None
            self._async = None
            if self._cache is not None:
                self._cache.close()
                self._cache = None
            if self._replies is not None:
                self._replies.close()
                self._replies = None

    async def aclose(self) -> None:
        """Close the async client made on the running event loop, if any: call it before the
        loop ends, or its kept-alive connections are left open."""
        if self._async is not None and self._async[0] is asyncio.get_running_loop():
            extractor, self._async = self._async[1], None
            await extractor.client.aclose()

    # -- the cache -----------------------------------------------------------------------------

    def _key(self, article_id: str, published: str | None) -> str:
        return cache_key(article_id, published, self._model_identity, self._prompt_identity, self.settings.mode)

    def cached(self, article: Article) -> ArticleExtraction | None:
        """The cached extraction of this article's text, reported as coming from this copy."""
        if self._cache is None:
            return None
        with self._cache_lock:
            found = self._cache.get(self._key(article.article_id, article.published))
        if found is None:
            return None
        # Same text, model and prompt: reuse, but report where *this* copy came from.
        return found.model_copy(update={"source": source_meta(article), "provenance": found.provenance.model_copy(update={"cached": True})})

    def _store(self, extraction: ArticleExtraction) -> None:
        if self._cache is not None:
            with self._cache_lock:
                self._cache.put(self._key(extraction.article_id, extraction.source.published), extraction)

    # -- the endpoint and its clients ----------------------------------------------------------

    @property
    def base_url(self) -> str | None:
        """Where the model answers: the endpoint's URL once it has started, else None."""
        return self._endpoint.base_url if self._endpoint is not None else None

    def _endpoint_once(self) -> Endpoint:
        """The endpoint, started on first use; a failed start fails every later call the same way."""
        with self._start_lock:
            if self._start_error is not None:
                raise self._start_error
            if self._endpoint is None:
                try:
                    endpoint = self._resources.enter_context(self.provider.endpoint())
                    if self.settings.mode == "auto" and endpoint.mode == "auto":
                        endpoint = replace(endpoint, mode=_probe(self._run_settings, endpoint))
                    self._endpoint = endpoint
                except ModelError as error:
                    if isinstance(self.provider, OpenAICompatible):
                        # A remote server that did not answer may come back (a worker outlives
                        # outages): the next article tries again.
                        raise
                    self._start_error = error  # our own server failed to start: it would again
                    raise
                except SummitError as error:
                    # A bad model file or settings: retrying per article would repeat the same wait.
                    self._start_error = error
                    raise
                except Exception as error:  # a bug of ours: the same for every article
                    self._start_error = _internal_error(error)
                    raise self._start_error from error
            return self._endpoint

    def _sync_extractor(self) -> Extractor:
        endpoint = self._endpoint_once()
        with self._start_lock:
            if self._extractor is None:
                client = make_client(self._run_settings, endpoint, replies=self._replies)
                self._extractor = Extractor(client, self.prompt, self._run_settings)
            return self._extractor

    async def _async_extractor(self) -> Extractor:
        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            # Starting a server blocks for seconds: off the event loop.
            endpoint = await asyncio.to_thread(self._endpoint_once)
            if self._async is None or self._async[0] is not loop:  # another task may have made it meanwhile
                client = make_async_client(self._run_settings, endpoint, replies=self._replies)
                self._async = (loop, Extractor(client, self.prompt, self._run_settings))
        return self._async[1]

    # -- extraction ----------------------------------------------------------------------------

    def extract(self, article: Article) -> Outcome:
        """One article: from the cache, else from the model (and then into the cache)."""
        cached = self.cached(article)
        if cached is not None:
            return Outcome(extraction=cached)
        try:
            extraction = self._sync_extractor().extract(article)
        except Exception as error:  # noqa: BLE001 - see _failed
            return _failed(article, self._missing_reply(error))
        self._store(extraction)
        return Outcome(extraction=extraction)

    async def extract_async(self, article: Article) -> Outcome:
        """``extract`` for concurrent callers on one event loop."""
        cached = self.cached(article)
        if cached is not None:
            return Outcome(extraction=cached)
        try:
            extractor = await self._async_extractor()
            extraction = await extractor.extract_async(article)
        except Exception as error:  # noqa: BLE001 - see _failed
            return _failed(article, self._missing_reply(error))
        self._store(extraction)
        return Outcome(extraction=extraction)

    def _missing_reply(self, error: Exception) -> Exception:
        """With the kept replies only, the model's address is nowhere: a model error there is a
        request the reply cache does not hold, and says so."""
        if isinstance(self.provider, RepliesOnly) and isinstance(error, ModelError):
            return ReplyMissing("a request of this article has no kept reply (--replies-only never calls the model)")
        return error


def _internal_error(error: Exception) -> InternalError:
    """A bug of ours while extracting one article: recorded for that article, the batch goes on."""
    log.debug("internal error", exc_info=error)
    return InternalError(f"internal error: {type(error).__name__}: {error}"[:300])


def _failed(article: Article, error: Exception) -> Outcome:
    """One article's failure, whatever it was, as its outcome: it never sinks the batch."""
    if not isinstance(error, SummitError):
        error = _internal_error(error)
    # The caller reports the failure (it is in the Outcome): logging it here too printed
    # every failure twice on the CLI.
    log.debug("%s: %s", article.file or article.article_id, error)
    return Outcome(failure=article_failure(article, error), model_unavailable=isinstance(error, ModelUnavailable))
