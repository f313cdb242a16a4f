"""Batches: articles in, extractions or recorded failures out, in input order.

The CLI and any worker are thin shells over ``extract_batch``. Every input ends as exactly one
``Outcome``: an extraction (fresh or cached) or a failure with its reason, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from extractor.runtime.cache import ExtractionCache, cache_key
from extractor.model.client import Endpoint, make_async_client, make_client, model_endpoint
from extractor.errors import ExtractionError, SummitError
from extractor.extract.extractor import Extractor, source_meta
from extractor.ingest.articles import Article, InputFailure
from extractor.logs import redact
from extractor.providers.embedded.weights import MODEL_SHA256
from extractor.model.prompting import load_prompt
from extractor.settings import Settings
from schemas import ArticleExtraction, ExtractionFailure, SourceMeta

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    extraction: ArticleExtraction | None = None
    failure: ExtractionFailure | None = None

    @property
    def ok(self) -> bool:
        return self.extraction is not None


@dataclass
class BatchSummary:
    extracted: int = 0
    cached: int = 0
    failed: Counter = field(default_factory=Counter)

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    def line(self) -> str:
        text = f"extracted {self.extracted} article(s) ({self.cached} from cache), failed {self.failed_total}"
        if self.failed:
            text += " (" + ", ".join(f"{kind} {count}" for kind, count in sorted(self.failed.items())) + ")"
        return text


def input_failure(item: InputFailure) -> ExtractionFailure:
    return ExtractionFailure(source=SourceMeta(file=item.file, line=item.line), error="input", message=item.message)


def article_failure(article: Article, error: SummitError) -> ExtractionFailure:
    # Redacted: the message may quote a server or a model reply that echoed the key.
    return ExtractionFailure(article_id=article.article_id, source=source_meta(article), error=error.kind, message=redact(str(error)))


def _model_identity(settings: Settings) -> str:
    """Which model answers, known before any server starts: the cache key's model part.

    A name alone is not enough: two servers may both call their model "local", and two GGUF
    files may share a stem. The default embedded model is named by its checksum.
    """
    if not settings.uses_embedded_model:
        return f"{settings.base_url}|{settings.model or ''}"
    if settings.gguf:
        try:
            stat = settings.gguf.resolve().stat()
            return f"gguf|{settings.gguf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        except OSError:
            return f"gguf|{settings.gguf}"  # the server start will say what is wrong with it
    return f"embedded|{MODEL_SHA256}"


def extract_batch(
    items: Iterable[Article | InputFailure],
    settings: Settings,
    *,
    on_outcome: Callable[[Outcome], None],
    endpoint_factory: Callable[[Settings], contextlib.AbstractContextManager[Endpoint]] = model_endpoint,
) -> BatchSummary:
    """Extract every article; call ``on_outcome`` once per input, in input order."""
    items = list(items)
    prompt = load_prompt(settings.prompt_name)
    model_identity = _model_identity(settings)
    cache = ExtractionCache(settings.cache_dir / "extractions.sqlite3") if settings.use_cache else None
    summary = BatchSummary()
    results: dict[int, Outcome] = {}
    pending: list[tuple[int, Article]] = []

    for index, item in enumerate(items):
        if isinstance(item, InputFailure):
            results[index] = Outcome(failure=input_failure(item))
            continue
        cached = cache.get(cache_key(item.article_id, item.published, model_identity, prompt.version, settings.mode)) if cache else None
        if cached is not None:
            # Same text, model and prompt: reuse, but report where *this* copy came from.
            cached = cached.model_copy(update={"source": source_meta(item), "provenance": cached.provenance.model_copy(update={"cached": True})})
            results[index] = Outcome(extraction=cached)
        else:
            pending.append((index, item))

    emitted = 0

    def flush() -> None:
        nonlocal emitted
        while emitted in results:
            outcome = results.pop(emitted)
            if outcome.ok:
                summary.extracted += 1
                summary.cached += outcome.extraction.provenance.cached
            else:
                summary.failed[outcome.failure.error] += 1
            on_outcome(outcome)
            emitted += 1

    def deliver(index: int, outcome: Outcome) -> None:
        if outcome.ok and cache:
            cache.put(_key_of(outcome.extraction, model_identity, prompt.version, settings.mode), outcome.extraction)
        results[index] = outcome
        flush()

    try:
        flush()
        if pending:
            cached_count = len(items) - len(pending) - sum(isinstance(i, InputFailure) for i in items)
            log.info("%d article(s) to extract, %d from cache", len(pending), cached_count)
            try:
                with endpoint_factory(settings) as endpoint:
                    run_settings = settings
                    if settings.uses_embedded_model:
                        run_settings = replace(settings, retry=replace(settings.retry, retry_timeouts=False))
                    _run(pending, run_settings, endpoint, prompt, deliver)
            except SummitError as error:
                # The model could not be had at all (no server, bad model file): every article
                # still waiting fails with that reason rather than vanishing.
                for index, article in pending:
                    results.setdefault(index, Outcome(failure=article_failure(article, error)))
        flush()
    finally:
        if cache:
            cache.close()
    return summary


def _run(pending: list[tuple[int, Article]], settings: Settings, endpoint: Endpoint, prompt, deliver) -> None:
    """Extract the pending articles, handing each outcome to ``deliver`` as soon as it is known."""
    if settings.concurrency <= 1:
        extractor = Extractor(make_client(settings, endpoint), prompt, settings, base_url=endpoint.base_url)
        for index, article in pending:
            deliver(index, _guarded(lambda: extractor.extract(article), article))
        return
    asyncio.run(_run_concurrently(pending, settings, endpoint, prompt, deliver))


def _internal_error(error: Exception) -> ExtractionError:
    """A bug of ours while extracting one article: recorded for that article, the batch goes on."""
    log.debug("internal error", exc_info=True)
    failure = ExtractionError(f"internal error: {type(error).__name__}: {error}"[:300])
    failure.kind = "internal"
    return failure


def _failed(article: Article, error: Exception) -> Outcome:
    """One article's failure, whatever it was, as its outcome: it never sinks the batch."""
    if not isinstance(error, SummitError):
        error = _internal_error(error)
    # The caller reports the failure (it is in the Outcome): logging it here too printed
    # every failure twice on the CLI.
    log.debug("%s: %s", article.file or article.article_id, error)
    return Outcome(failure=article_failure(article, error))


def _guarded(call: Callable[[], ArticleExtraction], article: Article) -> Outcome:
    try:
        return Outcome(extraction=call())
    except Exception as error:  # noqa: BLE001 - see _failed
        return _failed(article, error)


async def _run_concurrently(pending, settings: Settings, endpoint: Endpoint, prompt, deliver) -> None:
    """Up to ``settings.concurrency`` requests in flight; each outcome delivered as it finishes."""
    extractor = Extractor(make_async_client(settings, endpoint), prompt, settings, base_url=endpoint.base_url)
    limit = asyncio.Semaphore(settings.concurrency)

    async def one(index: int, article: Article) -> None:
        async with limit:
            try:
                outcome = Outcome(extraction=await extractor.extract_async(article))
            except Exception as error:  # noqa: BLE001 - see _failed
                outcome = _failed(article, error)
        deliver(index, outcome)

    await asyncio.gather(*(one(index, article) for index, article in pending))


def _key_of(extraction: ArticleExtraction, model_identity: str, prompt_version: str, mode: str) -> str:
    return cache_key(extraction.article_id, extraction.source.published, model_identity, prompt_version, mode)
