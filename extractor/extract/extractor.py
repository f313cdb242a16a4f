"""One article in, one grounded ``ArticleExtraction`` out.

prompt → model (instructor, retries) → grounding check (re-ask, then drop) → normalise → record.
The sync and async entry points share everything but the call itself.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from extractor.extract.assemble import DraftGrounding, assemble_records
from extractor.ingest.articles import Article
from extractor.logs import redact
from extractor.model.draft import DraftExtraction
from extractor.model.prompting import PromptTemplate, load_prompt
from extractor.model.usage import CallStats, collecting_stats
from extractor.model.wire import ModelClient
from extractor.settings import Settings
from schemas import SCHEMA_VERSION, ArticleExtraction, Provenance, SourceMeta, TokenUsage


class Extractor:
    """Extracts articles with one client, one prompt and one retry policy."""

    def __init__(self, client: ModelClient, prompt: PromptTemplate, settings: Settings):
        self.client = client
        self.prompt = prompt
        self.settings = settings
        self.background_prompt = load_prompt("background") if settings.background_pass else None

    # -- shared pieces -------------------------------------------------------------------------

    def _request(self, article: Article, grounding: DraftGrounding, prompt: PromptTemplate | None = None, **values: str) -> dict[str, Any]:
        return dict(
            messages=(prompt or self.prompt).messages(article.text, **values),
            check=grounding.issues,
            temperature=self.settings.temperature,
            max_tokens=self.settings.max_tokens,
            retry=self.settings.retry,
        )

    def _record(
        self, article: Article, draft: DraftExtraction, grounding: DraftGrounding, stats: CallStats, started: float
    ) -> ArticleExtraction:
        assembled = assemble_records(draft, article.text, article.published, grounding)
        return ArticleExtraction(
            article_id=article.article_id,
            source=source_meta(article),
            summits=assembled.summits,
            actors=assembled.actors,
            # A dropped value is the model's text, not the article's: a reply that echoed the
            # key must not carry it to stdout or the cache.
            dropped=[d.model_copy(update={"value": redact(d.value)}) for d in assembled.dropped],
            provenance=Provenance(
                model=self.client.model,
                prompt_version=self.prompt.version,
                schema_version=SCHEMA_VERSION,
                usage=TokenUsage(
                    prompt_tokens=stats.prompt_tokens,
                    completion_tokens=stats.completion_tokens,
                    total_tokens=stats.total_tokens,
                ),
                attempts=max(1, stats.http_requests),
                seconds=round(time.monotonic() - started, 3),
                # Every reply read back from the reply cache: no model time was spent on it.
                cached=stats.model_replies > 0 and stats.replayed_replies >= stats.model_replies,
            ),
        )

    # -- entry points --------------------------------------------------------------------------

    def extract(self, article: Article) -> ArticleExtraction:
        started = time.monotonic()
        # One grounding per article: the re-ask check's work is reused by the assembly.
        grounding = DraftGrounding(article.text, article.published)
        with collecting_stats() as stats:
            draft = self._draft(article, grounding)
            if self.background_prompt and draft.summits:
                others = self._draft(article, grounding, self.background_prompt, primary=_describe(draft))
                draft = _with_background(draft, others)
            return self._record(article, draft, grounding, stats, started)

    async def extract_async(self, article: Article) -> ArticleExtraction:
        started = time.monotonic()
        grounding = DraftGrounding(article.text, article.published)
        with collecting_stats() as stats:
            draft = await self._draft_async(article, grounding)
            if self.background_prompt and draft.summits:
                others = await self._draft_async(article, grounding, self.background_prompt, primary=_describe(draft))
                draft = _with_background(draft, others)
            # Grounding and normalisation are CPU work: off the event loop, so other articles'
            # requests keep flowing meanwhile.
            return await asyncio.to_thread(self._record, article, draft, grounding, stats, started)

    def _draft(self, article: Article, grounding: DraftGrounding, prompt: PromptTemplate | None = None, **values: str) -> DraftExtraction:
        return self.client.draft(**self._request(article, grounding, prompt, **values))

    async def _draft_async(
        self, article: Article, grounding: DraftGrounding, prompt: PromptTemplate | None = None, **values: str
    ) -> DraftExtraction:
        return await self.client.draft_async(**self._request(article, grounding, prompt, **values))


def _describe(draft: DraftExtraction) -> str:
    """The main meeting in a few words, for the second pass: "A and B in City"."""
    main = next((s for s in draft.summits if s.mention == "primary"), draft.summits[0])
    names = " and ".join(p.name for p in main.participants) or "the leaders"
    return f"{names} in {main.city}" if main.city else names


def _with_background(draft: DraftExtraction, others: DraftExtraction) -> DraftExtraction:
    extra = [s.model_copy(update={"mention": "background", "pledges": []}) for s in others.summits]
    return DraftExtraction.model_construct(summits=[*draft.summits, *extra])


def source_meta(article: Article) -> SourceMeta:
    return SourceMeta(
        title=article.title,
        url=article.url,
        outlet=article.outlet,
        published=article.published,
        file=article.file,
        line=article.line,
    )


__all__ = ["Extractor", "source_meta"]
