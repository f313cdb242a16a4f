"""Batches: every input ends as an extraction or a recorded failure, and the cache is exact."""

from __future__ import annotations

import json

import pytest

import extractor.extract.extractor as extract_module
from extractor.errors import ConfigError
from extractor.ingest.articles import parse_article
from extractor.model.wire import model_error, public_url
from extractor.runtime.pipeline import extract_batch
from extractor.settings import Settings
from tests.extract.test_extractor import ARTICLE, GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, error_reply, tool_call_reply


def run_batch(server, articles, tmp_path, **settings):
    outcomes = []
    settings = Settings(base_url=server.base_url, model="fake-model", cache_dir=tmp_path, **settings)
    summary = extract_batch(articles, settings, on_outcome=outcomes.append)
    return summary, outcomes


def record(text: str, published: str) -> bytes:
    return json.dumps({"title": "Leaders meet", "body": text, "published_at": published}).encode()


def test_the_same_text_published_on_another_day_is_not_served_from_the_cache(tmp_path):
    # "on Monday" means a different day in each copy, so the cached answer would be wrong.
    first = parse_article(record(ARTICLE.text, "2026-03-03"), file="a.json")
    second = parse_article(record(ARTICLE.text, "2026-03-10"), file="b.json")
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        _, outcomes = run_batch(server, [first], tmp_path)
        _, again = run_batch(server, [second, first], tmp_path)
        # The model's reply does not depend on the day (the request is the same, so it is reused);
        # the record does: dates are resolved against each copy's day.
        assert len(server.completion_requests) == 1
    assert outcomes[0].extraction.summits[0].date == "2026-03-02"
    assert again[0].extraction.summits[0].date == "2026-03-09"
    assert again[1].extraction.provenance.cached


def test_another_server_with_the_same_model_name_is_not_served_from_the_cache(tmp_path):
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as one, FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as two:
        run_batch(one, [ARTICLE], tmp_path)
        run_batch(two, [ARTICLE], tmp_path)
        assert len(two.completion_requests) == 1


def test_a_bug_on_one_article_is_that_articles_failure_and_the_batch_goes_on(tmp_path, monkeypatch):
    real = extract_module.assemble_records

    def fragile(draft, text, published, grounding=None):
        if "Toronto" in text:
            raise RuntimeError("cannot assemble")
        return real(draft, text, published, grounding)

    monkeypatch.setattr(extract_module, "assemble_records", fragile)
    articles = [parse_article(ARTICLE.text.replace("Ottawa", city), file=f"{city}.txt") for city in ("Ottawa", "Toronto", "Montreal")]
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        summary, outcomes = run_batch(server, articles, tmp_path, use_cache=False)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].failure.error == "internal"
    assert "RuntimeError: cannot assemble" in outcomes[1].failure.message
    assert summary.extracted == 2 and summary.failed_total == 1


def test_concurrent_requests_keep_their_connections_alive(tmp_path):
    """One connection per article in flight, reused: more in flight than httpx's default pool
    keeps alive (20) must not mean reconnecting for every request."""
    articles = [parse_article(ARTICLE.text, file=f"{n}.txt") for n in range(96)]
    with FakeOpenAIServer(responder=lambda body: tool_call_reply(GOOD_DRAFT), latency=0.05, keep_alive=True) as server:
        summary, _ = run_batch(server, articles, tmp_path, use_cache=False, concurrency=32, mode="tools")
        assert summary.extracted == 96
        assert server.connections <= 32  # 4 pools of 8 (extractor.model.pools)


def test_an_unusable_cache_directory_is_a_clear_settings_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server, pytest.raises(ConfigError, match="cannot use the cache .*--no-cache"):
        run_batch(server, [ARTICLE], blocker / "cache")


def test_credentials_in_the_server_url_never_reach_a_message():
    url = "http://user:hunter2@127.0.0.1:9/v1?api-key=hunter3"
    assert public_url(url) == "http://127.0.0.1:9/v1"
    with FakeOpenAIServer([error_reply(500, "boom")]) as server:
        import openai

        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
        with pytest.raises(openai.APIStatusError) as raised:
            client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    message = str(model_error(raised.value, url, None))
    assert "hunter2" not in message and "hunter3" not in message
    assert "http://127.0.0.1:9/v1" in message


def test_the_environments_proxy_is_used_for_remote_servers_but_never_for_loopback(monkeypatch):
    from extractor.model.client import environment_proxy

    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "models.internal")
    assert environment_proxy("https://api.openai.com/v1") == "http://proxy.internal:3128"
    assert environment_proxy("https://models.internal/v1") is None
    assert environment_proxy("http://127.0.0.1:8080/v1") is None
    assert environment_proxy("http://localhost:8080/v1") is None
