"""An article's own braces are text: "{{ … }}", "{% … %}" and "{# … #}" reach the model unchanged.

instructor renders every message as a Jinja template when it is given a ``context``; the
grounding check used to travel that way, so "{{ 7*7 }}" in an article was sent as "49" and a
stray "{%" or "{#" failed the article as an internal error. The check now travels in a context
variable, and the re-ask it drives must still happen.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from extractor.ingest import parse_article
from extractor.runtime.pipeline import extract_batch
from extractor.runtime.session import ExtractionSession
from extractor.settings import Settings
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply
from tests.support.summit_articles import answer, article_text

TEMPLATE_LOOKALIKES = ["Fans chanted {{ 7*7 }} outside.", "The code {% raw was shown.", "A {# stray note.", "{{ config.items() }}"]


def _articles():
    return [
        parse_article(
            json.dumps({"title": "Leaders meet", "body": article_text(i, 0, 40) + extra, "published_at": "2026-12-31"}).encode(),
            file=f"a{i}.json",
        )
        for i, extra in enumerate(TEMPLATE_LOOKALIKES)
    ]


def _user_text(request) -> str:
    return next(m["content"] for m in request.body["messages"] if m["role"] == "user")


@pytest.mark.parametrize("concurrency", [1, 4])
def test_template_syntax_in_an_article_is_sent_verbatim_and_extracted(tmp_path: Path, concurrency: int):
    articles = _articles()
    outcomes = []
    with FakeOpenAIServer(responder=answer) as server:
        settings = Settings(
            base_url=server.base_url, model="fake-model", mode="tools", use_cache=False, cache_dir=tmp_path, concurrency=concurrency
        )
        summary = extract_batch(articles, settings, on_outcome=outcomes.append)
    assert summary.failed_total == 0, [o.failure.message for o in outcomes if not o.ok]
    assert all(o.extraction.summits for o in outcomes)
    sent = sorted(_user_text(r) for r in server.completion_requests)
    for extra in TEMPLATE_LOOKALIKES:
        assert sum(extra in text for text in sent) == 1, f"{extra!r} was not sent as written"


def test_the_grounding_check_still_asks_again_sync_and_async(tmp_path: Path):
    """A first reply naming a participant the article does not mention is re-asked, then the good one kept."""
    article = _articles()[0]
    good = answer({"messages": [{"role": "user", "content": article.text}]})
    bad_draft = json.loads(good.body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"])
    bad_draft["summits"][0]["participants"][0]["name"] = "Hugo Atlantis"
    for run in ("sync", "async"):
        with FakeOpenAIServer([tool_call_reply(bad_draft), good]) as server:
            settings = Settings(base_url=server.base_url, model="fake-model", mode="tools", use_cache=False, cache_dir=tmp_path)
            with ExtractionSession(settings) as session:
                outcome = session.extract(article) if run == "sync" else asyncio.run(session.extract_async(article))
            assert outcome.ok, outcome.failure
            assert len(server.completion_requests) == 2, run
            reask = server.completion_requests[1].body["messages"]
            assert any("Atlantis" in (m.get("content") or "") for m in reask[1:]), run
            assert "Hugo Atlantis" not in outcome.extraction.summits[0].participants
            assert outcome.extraction.provenance.attempts == 2
