"""Our chat-completions call (client._chat_completions) sends what openai's own ``create`` sends.

It skips openai's walk over the request's parameters (``maybe_transform``), which returns the
parameters instructor gives it unchanged. These tests pin that: in every mode, sync and async,
for a first request and for a re-ask (which adds the failed reply and its error to the
messages), the requests match those of a client made the old way (``instructor.from_openai``,
through openai's ``create``) — path, JSON body and headers — and so do the drafts.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import instructor
import pytest

from extractor.model.client import _INSTRUCTOR_MODES, make_async_client, make_client
from extractor.model.retries import RetryPolicy
from extractor.model.usage import count_model_reply
from extractor.model.wire import ModelClient
from extractor.providers.base import Endpoint
from extractor.settings import Settings
from tests.extract.test_extractor import GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, Reply, content_reply, tool_call_reply

MESSAGES = [
    {"role": "system", "content": "You fill the DraftExtraction tool."},
    {"role": "user", "content": "Prime Minister Mark Carney met President Lee Jae Myung in Ottawa on Monday. {{ not a template }}"},
]
# Headers that differ between the two runs: each has its own server, on its own port.
VARYING_HEADERS = frozenset({"host"})


def _replies(mode: str) -> list[Reply]:
    """A reply that fails the schema (so instructor re-asks), then a good one."""
    bad, good = {"summits": [{"status": "held"}]}, GOOD_DRAFT
    if mode == "tools":
        return [tool_call_reply(bad), tool_call_reply(good)]
    return [content_reply(json.dumps(bad)), content_reply(json.dumps(good))]


def _old_way(client: ModelClient, mode: str) -> ModelClient:
    """The same client as made before _chat_completions: instructor over openai's create."""
    structured = instructor.from_openai(client.structured.client, mode=_INSTRUCTOR_MODES[mode])
    structured.on("completion:response", count_model_reply)
    return replace(client, structured=structured)


def _draft(client: ModelClient, asynchronous: bool):
    call = dict(check=None, temperature=0.0, max_tokens=200, retry=RetryPolicy(sleep=lambda _: None, validation_retries=1))
    if asynchronous:

        async def run():
            try:
                return await client.draft_async(MESSAGES, **call)
            finally:
                await client.aclose()

        return asyncio.run(run())
    return client.draft(MESSAGES, **call)


def _requests(mode: str, asynchronous: bool, old: bool) -> tuple[list[tuple[str, dict, object]], object]:
    with FakeOpenAIServer(_replies(mode), json_schema=True) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", mode=mode, api_key="sk-test-key", use_cache=False)
        endpoint = Endpoint(base_url=server.base_url, model="fake-model", mode=mode)
        client = (make_async_client if asynchronous else make_client)(settings, endpoint)
        draft = _draft(_old_way(client, mode) if old else client, asynchronous)
        sent = [(r.path, {k: v for k, v in r.headers.items() if k not in VARYING_HEADERS}, r.body) for r in server.completion_requests]
    return sent, draft


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("mode", sorted(_INSTRUCTOR_MODES))
def test_requests_and_drafts_are_those_of_openais_create(mode, asynchronous):
    ours, our_draft = _requests(mode, asynchronous, old=False)
    theirs, their_draft = _requests(mode, asynchronous, old=True)
    assert len(ours) == 2  # the first request and the re-ask
    assert ours == theirs
    assert our_draft == their_draft
    assert all(headers["authorization"] == "Bearer sk-test-key" for _, headers, _ in ours)


def test_request_options_still_go_through_openais_create():
    """A call with a request option (timeout …) is openai's create as before: nothing is lost."""
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", mode="tools", use_cache=False)
        client = make_client(settings, Endpoint(base_url=server.base_url, model="fake-model", mode="tools"))
        structured = client.structured
        assert isinstance(structured, instructor.Instructor)
        structured.create_fn(model="fake-model", messages=MESSAGES, timeout=5.0, extra_headers={"x-probe": "1"})
        request = server.completion_requests[-1]
        assert request.headers["x-probe"] == "1"
        assert "timeout" not in request.body and "extra_headers" not in request.body
