"""The one retry policy: transport retries under the HTTP client, validation retries above it.

Two kinds of failure, two loops, both tenacity and both bounded:

* **Transport** (this module's ``RetryingTransport``): 429, 5xx, timeouts and dropped
  connections are retried per HTTP request with exponential backoff and jitter, honouring a
  server's ``Retry-After``. 400 / 401 / 403 / 404 and other client errors are returned at once:
  asking again cannot fix a bad key or a bad request. It sits *under* the openai client (whose
  own retries are switched off), so a retried request never restarts the model conversation.
* **Validation** (``validation_retrying``): a reply that fails the schema or the grounding check
  is asked again with the error, at most ``validation_retries`` times. instructor given a bare
  integer would retry *every* exception immediately, API errors included; given this policy it
  retries only what re-asking can mend.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx2
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_not_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from extractor.model.usage import count_http_request

log = logging.getLogger(__name__)

# Statuses worth asking again: rate limited, or the server (or a proxy before it) failed.
RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})

# Transport failures that a second try can get past: timeouts, refused or reset connections.
RETRYABLE_ERRORS = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of both retry loops; every field is a CLI flag or a setting."""

    transport_attempts: int = 5
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    jitter: float = 1.0
    # A server asking for a longer pause than this is waited this long at most.
    max_retry_after: float = 120.0
    validation_retries: int = 2
    # Off for the embedded server: it serves one request at a time and keeps generating for a
    # client that timed out, so a retry would only queue behind the abandoned request.
    retry_timeouts: bool = True
    # The circuit breaker: after this many connection failures in a row (refused, unreachable),
    # every later request of the batch fails at once instead of waiting out its own backoff.
    # 0 turns it off.
    breaker_threshold: int = 3
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


# Failures that say the server cannot be had at all, as opposed to a reply that went wrong.
CONNECT_ERRORS = (httpx2.ConnectError, httpx2.ConnectTimeout)


class CircuitOpen(httpx2.ConnectError):
    """Raised instead of sending: the server was unreachable for ``threshold`` attempts in a row."""

    def __init__(self, threshold: int, last: str):
        super().__init__(f"{threshold} connection attempts in a row failed ({last}); not trying again for a while")


class ConnectionBreaker:
    """Counts connection failures in a row across every request of a batch; opens at the threshold.

    Shared by all the requests a transport sends (a batch's articles, and under --concurrency
    the ones in flight together). Any answer from the server, even an error status, resets it.
    Once open it stays open for ``cooldown`` seconds (a batch that found the server gone stops
    asking), then lets one request through: a long-lived worker recovers when the server comes
    back, and one more failure opens it again at once.
    """

    def __init__(self, threshold: int, cooldown: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.threshold = threshold
        self.cooldown = cooldown
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self.last = ""

    @property
    def open(self) -> bool:
        if self.threshold <= 0 or self.failures < self.threshold:
            return False
        if self.opened_at is not None and self.clock() - self.opened_at >= self.cooldown:
            self.failures = self.threshold - 1  # half open: one trial; a failure re-opens it
            self.opened_at = None
            return False
        return True

    def check(self) -> None:
        if self.open:
            raise CircuitOpen(self.threshold, self.last)

    def failed(self, error: Exception) -> None:
        self.failures += 1
        self.last = str(error) or type(error).__name__
        if self.failures >= self.threshold and self.opened_at is None:
            self.opened_at = self.clock()

    def succeeded(self) -> None:
        self.failures = 0
        self.opened_at = None


class RetryableStatus(Exception):
    """A response whose status says "try again"; carries it so the last one can be returned."""

    def __init__(self, response: httpx2.Response):
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def retry_after_seconds(response: httpx2.Response) -> float | None:
    """The pause a ``Retry-After`` header asks for: delta-seconds or an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


class _WaitRetryAfterOrBackoff:
    """Wait what the server asked for, else exponential backoff with jitter."""

    def __init__(self, policy: RetryPolicy):
        self._policy = policy
        self._backoff = wait_exponential_jitter(multiplier=policy.backoff_initial, max=policy.backoff_max, jitter=policy.jitter)

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableStatus):
            asked = retry_after_seconds(error.response)
            if asked is not None:
                return min(asked, self._policy.max_retry_after)
        return self._backoff(state)


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.warning("model request failed (%s); retry %d in %.1f s", error, state.attempt_number, wait)


def _return_last_response(state: RetryCallState) -> httpx2.Response:
    """Out of attempts: hand the last error response up, so the client raises its usual error."""
    assert state.outcome is not None, "called after an attempt"
    error = state.outcome.exception()
    if isinstance(error, RetryableStatus):
        return error.response
    assert error is not None, "called only when the last attempt failed"
    raise error


def _retrying_kwargs(policy: RetryPolicy) -> dict:
    return dict(
        stop=stop_after_attempt(max(1, policy.transport_attempts)),
        wait=_WaitRetryAfterOrBackoff(policy),
        retry=retry_if_exception_type(
            (RetryableStatus, *RETRYABLE_ERRORS)
            if policy.retry_timeouts
            else (RetryableStatus, httpx2.NetworkError, httpx2.RemoteProtocolError)
        )
        & retry_if_not_exception_type(CircuitOpen),
        before_sleep=_log_retry,
        retry_error_callback=_return_last_response,
    )


def _buffered(response: httpx2.Response, raw: bytes, request: httpx2.Request) -> httpx2.Response:
    """The same response with its (still encoded) body in memory: nothing left to fail on the wire."""
    return httpx2.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx2.ByteStream(raw),
        extensions=response.extensions,
        request=request,
    )


class RetryingTransport(httpx2.BaseTransport):
    """An httpx2 transport that retries what is worth retrying, then delegates.

    ``attempts`` counts every HTTP request sent, retries included, for the provenance record.
    """

    def __init__(self, inner: httpx2.BaseTransport | None = None, policy: RetryPolicy = RetryPolicy()):
        self._inner = inner or httpx2.HTTPTransport()
        self._policy = policy
        self.attempts = 0
        self.breaker = ConnectionBreaker(policy.breaker_threshold)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        retrying = Retrying(sleep=self._policy.sleep, **_retrying_kwargs(self._policy))
        return retrying(self._send_once, request)

    def _send_once(self, request: httpx2.Request) -> httpx2.Response:
        self.breaker.check()
        self.attempts += 1
        count_http_request()
        try:
            response = self._inner.handle_request(request)
        except CONNECT_ERRORS as error:
            self.breaker.failed(error)
            raise
        self.breaker.succeeded()
        if response.status_code in RETRYABLE_STATUSES:
            response.read()
            response.close()
            raise RetryableStatus(response)
        # The body is read here, inside the retry loop: a connection dropped or timed out after
        # the headers is then retried like one dropped before them (the client would only have
        # seen it once the reply was already ours to hand back).
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        return _buffered(response, raw, request)

    def close(self) -> None:
        self._inner.close()


class AsyncRetryingTransport(httpx2.AsyncBaseTransport):
    """The async twin of ``RetryingTransport``, for ``--concurrency`` against remote servers."""

    def __init__(self, inner: httpx2.AsyncBaseTransport | None = None, policy: RetryPolicy = RetryPolicy()):
        self._inner = inner or httpx2.AsyncHTTPTransport()
        self._policy = policy
        self.attempts = 0
        self.breaker = ConnectionBreaker(policy.breaker_threshold)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        import asyncio

        async def sleep(seconds: float) -> None:
            await asyncio.sleep(seconds)

        retrying = AsyncRetrying(sleep=sleep, **_retrying_kwargs(self._policy))
        return await retrying(self._send_once, request)

    async def _send_once(self, request: httpx2.Request) -> httpx2.Response:
        self.breaker.check()
        self.attempts += 1
        count_http_request()
        try:
            response = await self._inner.handle_async_request(request)
        except CONNECT_ERRORS as error:
            self.breaker.failed(error)
            raise
        self.breaker.succeeded()
        if response.status_code in RETRYABLE_STATUSES:
            await response.aread()
            await response.aclose()
            raise RetryableStatus(response)
        try:  # the whole body inside the retry loop, as in RetryingTransport
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return _buffered(response, raw, request)

    async def aclose(self) -> None:
        await self._inner.aclose()


# Errors that re-asking the model can mend: its reply did not parse or did not validate.
REASKABLE_ERRORS = (ValidationError, json.JSONDecodeError)


def validation_retrying(policy: RetryPolicy) -> Retrying:
    """The policy handed to instructor: re-ask on a bad reply only, ``validation_retries`` times."""
    return Retrying(
        stop=stop_after_attempt(policy.validation_retries + 1),
        retry=retry_if_exception_type(REASKABLE_ERRORS),
        reraise=True,
    )


def async_validation_retrying(policy: RetryPolicy) -> AsyncRetrying:
    return AsyncRetrying(
        stop=stop_after_attempt(policy.validation_retries + 1),
        retry=retry_if_exception_type(REASKABLE_ERRORS),
        reraise=True,
    )
