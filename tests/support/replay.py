"""Replaying recorded model answers (vcrpy cassettes) through the real extraction pipeline.

Cassettes live in ``cassettes/examples/<article stem>.yaml``, one per sample article, recorded
from the embedded llama.cpp server by ``make record``. Requests are matched on method, path and
JSON body — never on headers (the client's retry-count header changes between attempts) nor on
host and port (the recording server listens on a random port). Secret headers are filtered out
before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

REPO = Path(__file__).resolve().parents[2]
CASSETTE_DIR = REPO / "cassettes" / "examples"
INJECTION_CASSETTE_DIR = REPO / "cassettes" / "injection"
EXAMPLE_ARTICLES = sorted((REPO / "examples" / "articles").glob("*.txt"))

RERECORD_HINT = (
    "no recorded model answer matches this request: the prompt template, the record schema or the "
    "article changed since the cassettes were recorded. Re-record them with `make record` "
    "(needs the embedded model: pip install '.[local]')."
)

# Request and response headers that may carry a credential or an account: never recorded.
SECRET_HEADERS = (
    "authorization",
    "api-key",
    "x-api-key",
    "cookie",
    "set-cookie",
    "openai-organization",
    "openai-project",
    "x-stainless-api-key",
)


def _json_body(request) -> object:
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return json.loads(body) if body else None
    except (TypeError, json.JSONDecodeError):
        return body


def json_body_matcher(r1, r2) -> None:
    """vcrpy matcher: the two requests' JSON bodies are equal (key order and spacing aside)."""
    assert _json_body(r1) == _json_body(r2), "request bodies differ"


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response


def replay_vcr(record_mode: str, cassette_dir: Path = CASSETTE_DIR) -> vcr.VCR:
    """A recorder for ``--record-mode`` (pytest-recording's option): ``none`` replays only;
    ``rewrite`` (``make record``) records afresh, the caller having deleted the old cassette.
    ``cassette_dir``: the sample articles' cassettes by default; the injection samples have their own."""
    recorder = vcr.VCR(
        cassette_library_dir=str(cassette_dir),
        record_mode="all" if record_mode == "rewrite" else record_mode,
        match_on=["method", "path", "json_body"],
        filter_headers=list(SECRET_HEADERS),
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("json_body", json_body_matcher)
    return recorder


def is_cassette_miss(error: BaseException) -> bool:
    """True when ``error`` (or anything behind it) is vcrpy refusing an unrecorded request."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CannotOverwriteExistingCassetteException):
            return True
        stack += [current.__cause__, current.__context__]
    return False
