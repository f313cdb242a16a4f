"""One article in, one grounded ``ArticleExtraction`` out.

prompt → model (instructor, retries) → grounding check (re-ask, then drop) → normalise → record.
The sync and async entry points share everything but the call itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2
import openai
from instructor.core.exceptions import InstructorRetryException
from pydantic import ValidationError

from extractor.extract.assemble import assemble_records, ungrounded_issues
from extractor.model.client import ModelClient
from extractor.model.draft import DraftExtraction
from extractor.errors import ExtractionError, ModelError, first_problem
from extractor.ingest.articles import Article
from extractor.logs import redact
from extractor.model.prompting import PromptTemplate, load_prompt
from extractor.model.retries import CircuitOpen, RetryPolicy, async_validation_retrying, validation_retrying
from extractor.settings import Settings
from extractor.model.usage import CallStats, collecting_stats, count_model_reply
from schemas import SCHEMA_VERSION, ArticleExtraction, Provenance, SourceMeta, TokenUsage

log = logging.getLogger(__name__)

def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _server_message(error: openai.APIStatusError) -> str:
    """The server's own words, without the client's "Error code: N - {...}" wrapping."""
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        if inner.get("message"):
            return _one_line(inner["message"])
        if body.get("detail"):
            return _one_line(body["detail"])
    return _one_line(error.message)


def public_url(url: str | None) -> str | None:
    """The URL without what may be a credential: user info and query string."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def model_error(error: BaseException, base_url: str | None, secret: str | None) -> ModelError:
    """Turn an openai exception into one line a user can act on."""
    where = f" at {public_url(base_url)}" if base_url else ""
    if isinstance(error, openai.AuthenticationError):
        text = f"the model server{where} refused the API key (HTTP 401); set OPENAI_API_KEY or --api-key"
    elif isinstance(error, openai.PermissionDeniedError):
        text = f"the model server{where} denied access (HTTP 403)"
    elif isinstance(error, openai.NotFoundError):
        text = f"the model server{where} answered HTTP 404: is the model name right? ({_server_message(error)})"
    elif isinstance(error, openai.APIStatusError):
        text = f"the model server{where} answered HTTP {error.status_code}: {_server_message(error)}"
    elif isinstance(error, openai.APITimeoutError):
        text = f"the model server{where} did not answer in time (raise --timeout)"
    elif isinstance(error, openai.APIConnectionError):
        if isinstance(error.__cause__, CircuitOpen):
            text = f"cannot reach the model server{where}: {error.__cause__}"
        elif isinstance(error.__cause__, (httpx2.ConnectError, httpx2.ConnectTimeout)) or error.__cause__ is None:
            text = f"cannot reach the model server{where}"
        else:  # connected, then the reply broke off (dropped connection, protocol error)
            text = f"the model server{where} broke off its reply ({_one_line(error.__cause__, 120)})"
    else:
        text = f"the model call failed: {_one_line(error)}"
    return ModelError(redact(text, secret))


def _api_error_in(error: BaseException) -> openai.OpenAIError | None:
    """The openai error behind an instructor exception, if one is."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, openai.OpenAIError):
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _reply_arguments(completion: Any) -> str | None:
    """The JSON the model produced: the tool call's arguments, or the message text."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    if getattr(message, "tool_calls", None):
        return message.tool_calls[0].function.arguments
    return getattr(message, "content", None)


def _unusable_reply(error: BaseException) -> str | None:
    """What was wrong with a reply that was no chat completion at all, in a user's words."""
    completion = getattr(error, "last_completion", None)
    if isinstance(completion, str):
        if completion.lstrip()[:1] == "<":
            return "answered with an HTML page, not a chat completion (is --base-url the API's address, e.g. ending in /v1?)"
        return f"answered with text that is not a chat completion ({_one_line(completion, 80)})"
    if completion is not None and getattr(completion, "choices", None) == []:
        return "answered a chat completion with no choices (an empty reply)"
    seen, cause = 0, error
    while cause is not None and seen < 5:
        if isinstance(cause, json.JSONDecodeError):
            return f"answered with a body that is not valid JSON ({cause.msg})"
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    return None


def _salvage(error: InstructorRetryException, attempts: int) -> DraftExtraction:
    """After the last re-ask, keep the last reply that fits the schema: grounding drops the rest.

    ``attempts`` counts the HTTP requests sent, transport retries included.
    """
    if problem := _unusable_reply(error):
        raise ModelError(f"the model server {problem}, after {attempts} request(s)")
    arguments = _reply_arguments(error.last_completion)
    if arguments:
        try:
            text = arguments.strip()
            # MD_JSON replies wrap the JSON in a fenced block.
            text = re.sub(r"^```(?:json)?\s*|\s*```$", "", text)
            return DraftExtraction.model_validate_json(text)
        except (ValidationError, json.JSONDecodeError, ValueError) as exc:
            problem = _one_line(first_problem(exc, default_where="reply"), 200)
            raise ExtractionError(f"the model's reply did not fit the schema after {attempts} request(s) ({problem})") from None
    raise ExtractionError(f"the model gave no usable reply after {attempts} request(s)")


class Extractor:
    """Extracts articles with one client, one prompt and one retry policy."""

    def __init__(self, client: ModelClient, prompt: PromptTemplate, settings: Settings, base_url: str | None = None):
        self.client = client
        self.prompt = prompt
        self.settings = settings
        self.base_url = base_url
        self.background_prompt = load_prompt("background") if settings.background_pass else None
        client.structured.on("completion:response", count_model_reply)

    # -- shared pieces -------------------------------------------------------------------------

    def _request(self, article: Article, prompt: PromptTemplate | None = None, **values: str) -> dict[str, Any]:
        return dict(
            model=self.client.model,
            response_model=DraftExtraction,
            messages=(prompt or self.prompt).messages(article.text, **values),
            context={"grounding_check": _grounding_check(article.text)},
            temperature=self.settings.temperature,
            max_tokens=self.settings.max_tokens,
        )

    def _on_failure(self, error: Exception, stats: CallStats) -> DraftExtraction:
        api_error = _api_error_in(error)
        if api_error is not None:
            raise model_error(api_error, self.base_url, self.settings.api_key) from None
        if isinstance(error, InstructorRetryException):
            log.info("grounding or schema still failing after %d replies; dropping what is unsupported", stats.model_replies)
            return _salvage(error, stats.http_requests)
        raise error

    def _record(self, article: Article, draft: DraftExtraction, stats: CallStats, started: float) -> ArticleExtraction:
        assembled = assemble_records(draft, article.text, article.published)
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
            ),
        )

    # -- entry points --------------------------------------------------------------------------

    def extract(self, article: Article) -> ArticleExtraction:
        started = time.monotonic()
        with collecting_stats() as stats:
            try:
                draft = self.client.structured.create(
                    max_retries=validation_retrying(self.settings.retry), **self._request(article)
                )
            except Exception as error:  # noqa: BLE001 - sorted out by _on_failure
                draft = self._on_failure(error, stats)
            if self.background_prompt and draft.summits:
                try:
                    others = self.client.structured.create(
                        max_retries=validation_retrying(self.settings.retry),
                        **self._request(article, self.background_prompt, primary=_describe(draft)),
                    )
                except Exception as error:  # noqa: BLE001
                    others = self._on_failure(error, stats)
                draft = _with_background(draft, others)
            return self._record(article, draft, stats, started)

    async def extract_async(self, article: Article) -> ArticleExtraction:
        started = time.monotonic()
        with collecting_stats() as stats:
            try:
                draft = await self.client.structured.create(
                    max_retries=async_validation_retrying(self.settings.retry), **self._request(article)
                )
            except Exception as error:  # noqa: BLE001
                draft = self._on_failure(error, stats)
            # Grounding and normalisation are CPU work: off the event loop, so other articles'
            # requests keep flowing meanwhile.
            return await asyncio.to_thread(self._record, article, draft, stats, started)


def _describe(draft: DraftExtraction) -> str:
    """The main meeting in a few words, for the second pass: "A and B in City"."""
    main = next((s for s in draft.summits if s.mention == "primary"), draft.summits[0])
    names = " and ".join(p.name for p in main.participants) or "the leaders"
    return f"{names} in {main.city}" if main.city else names


def _with_background(draft: DraftExtraction, others: DraftExtraction) -> DraftExtraction:
    extra = [s.model_copy(update={"mention": "background", "pledges": []}) for s in others.summits]
    return DraftExtraction.model_construct(summits=[*draft.summits, *extra])


def _grounding_check(text: str) -> Callable[[DraftExtraction], list[str]]:
    return lambda draft: ungrounded_issues(draft, text)


def source_meta(article: Article) -> SourceMeta:
    return SourceMeta(
        title=article.title,
        url=article.url,
        outlet=article.outlet,
        published=article.published,
        file=article.file,
        line=article.line,
    )


__all__ = ["Extractor", "RetryPolicy", "model_error", "redact", "source_meta"]
