"""The wire: asking an OpenAI-compatible server for a draft through instructor, and what its
failures mean to a user.

``ModelClient.draft`` / ``draft_async`` make the call with the validation-retry policy, turn an
openai error into one ``ModelError`` line, and after the last re-ask salvage the last reply that
fits the schema (grounding then drops what the article does not support). Nothing else in the
extractor imports openai or instructor for a call.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import httpx2
import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from pydantic import ValidationError

from extractor.errors import ExtractionError, ModelError, ModelUnavailable, first_problem
from extractor.logs import redact
from extractor.model import instructor_once
from extractor.model.draft import DraftExtraction, GroundingCheck, grounding_check
from extractor.model.retries import (
    AsyncRetryingTransport,
    CircuitOpen,
    RetryingTransport,
    RetryPolicy,
    async_validation_retrying,
    validation_retrying,
)
from extractor.model.usage import current_stats

log = logging.getLogger(__name__)

# The draft model as instructor wants it, made once. Given the plain model, instructor builds a
# new subclass on every call, and so misses its own schema cache: the draft's JSON Schema was
# generated afresh for every request (about a fifth of the client's CPU time per article).
_RESPONSE_MODEL = instructor.openai_schema(DraftExtraction)
# And checked for async validators once, not seven times a request (see instructor_once).
instructor_once.install()


@dataclass
class ModelClient:
    """An instructor client, the model it asks for, and where (for error lines)."""

    structured: instructor.Instructor | instructor.AsyncInstructor
    transport: RetryingTransport | AsyncRetryingTransport
    model: str
    mode: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # only to keep it out of error lines

    async def aclose(self) -> None:
        """Close an async client's connections (kept alive between requests), on its event loop."""
        raw = self.structured.client
        if isinstance(raw, openai.AsyncOpenAI):
            await raw.close()

    def _call(self, messages: list[dict[str, str]], temperature: float, max_tokens: int) -> dict[str, Any]:
        return dict(model=self.model, messages=messages, temperature=temperature, max_tokens=max_tokens)

    def draft(
        self,
        messages: list[dict[str, str]],
        *,
        check: GroundingCheck | None,
        temperature: float,
        max_tokens: int,
        retry: RetryPolicy,
    ) -> DraftExtraction:
        """The model's draft for ``messages``; ``check`` lists what the article does not support
        (a reply with issues is asked again)."""
        client: instructor.Instructor = self.structured  # made by make_client: the sync kind
        try:
            with grounding_check(check):
                return client.create(
                    response_model=_RESPONSE_MODEL,
                    max_retries=validation_retrying(retry),
                    **self._call(messages, temperature, max_tokens),
                )
        except Exception as error:  # noqa: BLE001 - sorted out by _on_failure
            return self._on_failure(error)

    async def draft_async(
        self,
        messages: list[dict[str, str]],
        *,
        check: GroundingCheck | None,
        temperature: float,
        max_tokens: int,
        retry: RetryPolicy,
    ) -> DraftExtraction:
        client = cast(instructor.AsyncInstructor, self.structured)  # made by make_async_client
        try:
            with grounding_check(check):
                return await client.create(
                    response_model=_RESPONSE_MODEL,
                    max_retries=async_validation_retrying(retry),
                    **self._call(messages, temperature, max_tokens),
                )
        except Exception as error:  # noqa: BLE001 - sorted out by _on_failure
            return self._on_failure(error)

    def _on_failure(self, error: Exception) -> DraftExtraction:
        api_error = _api_error_in(error)
        if api_error is not None:
            raise model_error(api_error, self.base_url, self.api_key) from None
        if isinstance(error, InstructorRetryException):
            stats = current_stats.get()
            replies = stats.model_replies if stats else 0
            log.info("grounding or schema still failing after %d replies; dropping what is unsupported", replies)
            return _salvage(error, stats.http_requests if stats else 0)
        raise error


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _server_message(error: openai.APIStatusError) -> str:
    """The server's own words, without the client's "Error code: N - {...}" wrapping."""
    body = error.body
    if isinstance(body, dict):
        nested = body.get("error")
        inner = nested if isinstance(nested, dict) else body
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
    """Turn an openai exception into one line a user can act on; ``ModelUnavailable`` when the
    server is down, overloaded or slow rather than refusing this request."""
    where = f" at {public_url(base_url)}" if base_url else ""
    unavailable = False
    if isinstance(error, openai.AuthenticationError):
        text = f"the model server{where} refused the API key (HTTP 401); set OPENAI_API_KEY or --api-key"
    elif isinstance(error, openai.PermissionDeniedError):
        text = f"the model server{where} denied access (HTTP 403)"
    elif isinstance(error, openai.NotFoundError):
        text = f"the model server{where} answered HTTP 404: is the model name right? ({_server_message(error)})"
    elif isinstance(error, openai.APIStatusError):
        text = f"the model server{where} answered HTTP {error.status_code}: {_server_message(error)}"
        unavailable = 500 <= error.status_code < 600 or error.status_code in (408, 429)
    elif isinstance(error, openai.APITimeoutError):
        text = f"the model server{where} did not answer in time (raise --timeout)"
        unavailable = True
    elif isinstance(error, openai.APIConnectionError):
        if isinstance(error.__cause__, CircuitOpen):
            text, unavailable = f"cannot reach the model server{where}: {error.__cause__}", True
        elif isinstance(error.__cause__, (httpx2.ConnectError, httpx2.ConnectTimeout)) or error.__cause__ is None:
            text, unavailable = f"cannot reach the model server{where}", True
        else:  # connected, then the reply broke off (dropped connection, protocol error)
            text = f"the model server{where} broke off its reply ({_one_line(str(error.__cause__), 120)})"
    else:
        text = f"the model call failed: {_one_line(str(error))}"
    return (ModelUnavailable if unavailable else ModelError)(redact(text, secret))


def _api_error_in(error: BaseException | None) -> openai.OpenAIError | None:
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
        arguments: str | None = message.tool_calls[0].function.arguments
        return arguments
    content: str | None = getattr(message, "content", None)
    return content


def _unusable_reply(error: BaseException) -> str | None:
    """What was wrong with a reply that was no chat completion at all, in a user's words."""
    completion = getattr(error, "last_completion", None)
    if isinstance(completion, str):
        if completion.lstrip()[:1] == "<":
            return "answered with an HTML page, not a chat completion (is --base-url the API's address, e.g. ending in /v1?)"
        return f"answered with text that is not a chat completion ({_one_line(completion, 80)})"
    if completion is not None and getattr(completion, "choices", None) == []:
        return "answered a chat completion with no choices (an empty reply)"
    seen = 0
    cause: BaseException | None = error
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
