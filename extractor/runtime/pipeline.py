"""Batches: articles in, extractions or recorded failures out, in input order.

A thin shell over ``ExtractionSession``, for the CLI. Every input ends as exactly one
``Outcome``: an extraction (fresh or cached) or a failure with its reason, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from extractor.ingest.articles import Article, InputFailure
from extractor.providers import Provider
from extractor.runtime.session import ExtractionSession, Outcome, input_failure
from extractor.settings import Settings
from schemas.vocab import FailureKind

log = logging.getLogger(__name__)

__all__ = ["BatchSummary", "Outcome", "extract_batch"]


@dataclass
class BatchSummary:
    extracted: int = 0
    cached: int = 0
    failed: Counter[FailureKind] = field(default_factory=Counter)

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())

    def line(self) -> str:
        text = f"extracted {self.extracted} article(s) ({self.cached} from cache), failed {self.failed_total}"
        if self.failed:
            text += " (" + ", ".join(f"{kind} {count}" for kind, count in sorted(self.failed.items())) + ")"
        return text


def extract_batch(
    items: Iterable[Article | InputFailure],
    settings: Settings,
    *,
    on_outcome: Callable[[Outcome], None],
    provider: Provider | None = None,
) -> BatchSummary:
    """Extract every article; call ``on_outcome`` once per input, in input order.

    ``provider``: who serves the model; by default the one the settings name.
    """
    items = list(items)
    summary = BatchSummary()
    with ExtractionSession(settings, provider=provider) as session:
        results: dict[int, Outcome] = {}
        pending: list[tuple[int, Article]] = []
        # The cache first: what it holds is delivered before the model server even starts.
        for index, item in enumerate(items):
            if isinstance(item, InputFailure):
                results[index] = Outcome(failure=input_failure(item))
            elif (cached := session.cached(item)) is not None:
                results[index] = Outcome(extraction=cached)
            else:
                pending.append((index, item))

        emitted = 0

        def flush() -> None:
            nonlocal emitted
            while emitted in results:
                outcome = results.pop(emitted)
                if outcome.extraction is not None:
                    summary.extracted += 1
                    summary.cached += outcome.extraction.provenance.cached
                elif outcome.failure is not None:
                    summary.failed[outcome.failure.error] += 1
                on_outcome(outcome)
                emitted += 1

        def deliver(index: int, outcome: Outcome) -> None:
            results[index] = outcome
            flush()

        flush()
        if pending:
            cached_count = len(items) - len(pending) - sum(isinstance(i, InputFailure) for i in items)
            log.info("%d article(s) to extract, %d from cache", len(pending), cached_count)
            if settings.concurrency <= 1:
                for index, article in pending:
                    deliver(index, session.extract(article))
            else:
                asyncio.run(_run_concurrently(session, pending, settings.concurrency, deliver))
        flush()
    return summary


async def _run_concurrently(
    session: ExtractionSession, pending: list[tuple[int, Article]], concurrency: int, deliver: Callable[[int, Outcome], None]
) -> None:
    """Up to ``concurrency`` requests in flight; each outcome delivered as it finishes."""
    limit = asyncio.Semaphore(concurrency)

    async def one(index: int, article: Article) -> None:
        async with limit:
            outcome = await session.extract_async(article)
        deliver(index, outcome)

    try:
        await asyncio.gather(*(one(index, article) for index, article in pending))
    finally:
        await session.aclose()  # its connections belong to this event loop, which ends here
