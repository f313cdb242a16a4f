"""Structured-output mode: "auto" asks json_schema of servers that take it and tools of the rest."""

from __future__ import annotations

import pytest

from extractor.errors import ConfigError
from extractor.ingest.articles import parse_article
from extractor.model.retries import RetryPolicy
from extractor.providers import EmbeddedModel
from extractor.runtime.session import ExtractionSession
from extractor.settings import Settings
from tests.extract.test_extractor import ARTICLE, GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, content_reply, error_reply, tool_call_reply


def remote(server: FakeOpenAIServer, **overrides) -> Settings:
    return Settings(
        base_url=server.base_url,
        model="fake-model",
        use_cache=False,
        retry=RetryPolicy(sleep=lambda _: None, backoff_initial=0.01, jitter=0.0),
        **overrides,
    )


def extract_with(settings: Settings):
    with ExtractionSession(settings) as session:
        outcome = session.extract(ARTICLE)
        assert outcome.ok, outcome.failure
        return session._endpoint, outcome.extraction


def participants(extraction) -> set[str]:
    return {name for summit in extraction.summits for name in summit.participants}


def test_auto_uses_json_schema_where_the_server_takes_it():
    probe_answer = content_reply({"ok": True})
    with FakeOpenAIServer([probe_answer, content_reply(GOOD_DRAFT)], json_schema=True) as server:
        endpoint, extraction = extract_with(remote(server))
        assert endpoint.mode == "json_schema"
        request = server.completion_requests[-1].body
        assert request["response_format"]["type"] == "json_schema"
        assert "tools" not in request  # the schema is not pasted into the prompt as a tool
    assert participants(extraction) == {"Mark Carney", "Lee Jae-myung"}


def test_auto_falls_back_to_tools_where_the_server_refuses_json_schema():
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:  # refuses json_schema with 400
        endpoint, extraction = extract_with(remote(server))
        assert endpoint.mode == "tools"
        assert len(server.refused) == 1  # one probe per session, not one per article
        assert "tools" in server.completion_requests[-1].body
    assert participants(extraction) == {"Mark Carney", "Lee Jae-myung"}


def test_auto_treats_llama_cpp_pythons_500_refusal_as_no_json_schema_without_retrying_it():
    refusal = error_reply(500, "1 validation error: response_format.type Input should be 'text' or 'json_object'")
    with FakeOpenAIServer([refusal, tool_call_reply(GOOD_DRAFT)], json_schema=True) as server:
        endpoint, extraction = extract_with(remote(server))
        assert endpoint.mode == "tools"
        assert len(server.completion_requests) == 2  # the probe once, then the extraction
    assert participants(extraction) == {"Mark Carney", "Lee Jae-myung"}


def test_an_explicit_mode_is_not_probed():
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        extract_with(remote(server, mode="tools"))
        assert server.refused == [] and len(server.completion_requests) == 1


def test_the_embedded_engines_modes_are_known_without_a_request(tmp_path):
    assert EmbeddedModel(tmp_path).mode == "json_schema"  # llama.cpp's native server
    assert EmbeddedModel(tmp_path, engine="llama-cpp-python").mode == "tools"
    # The engine is part of the cache key: the two sample differently.
    assert EmbeddedModel(tmp_path).identity != EmbeddedModel(tmp_path, engine="llama-cpp-python").identity


def test_with_auto_two_articles_cost_one_probe():
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        with ExtractionSession(remote(server)) as session:
            assert session.extract(ARTICLE).ok
            assert session.extract(parse_article(ARTICLE.text + " They met again later.")).ok
        assert len(server.refused) == 1


def test_an_unknown_engine_is_a_settings_error(tmp_path):
    from extractor.providers.embedded.server import LocalModelServer

    with pytest.raises(ConfigError, match="unknown engine 'vulkan'"):
        LocalModelServer(tmp_path / "m.gguf", model_alias="m", engine="vulkan")
