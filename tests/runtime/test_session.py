"""A session keeps one model endpoint, one cache and one prompt for as many articles as it gets."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import extractor
from extractor.errors import ModelError
from extractor.ingest.articles import parse_article
from extractor.model.retries import RetryPolicy
from extractor.providers import EmbeddedModel, Endpoint, Provider
from extractor.settings import Settings
from tests.extract.test_extractor import ARTICLE, GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply

# The same report in three files: any scripted reply fits each of them.
THREE = [parse_article(ARTICLE.text, file=f"{name}.txt") for name in ("Ottawa", "Toronto", "Montreal")]

BACKGROUND = {
    "summits": [
        {
            "mention": "primary",
            "kind": "leaders_summit",
            "status": "held",
            "participants": [{"name": "Mark Carney"}, {"name": "Lee Jae Myung"}],
            "city": "Toronto",
            "date_text": "in March",
            "pledges": [],
        }
    ]
}
WITH_EARLIER_MEETING = parse_article(ARTICLE.text + "The talks follow their first meeting in Toronto in March.\n")


@dataclass
class CountingEmbedded:
    """The embedded provider with its llama.cpp server swapped for a fake model: counts the starts.

    Its identity and retry policy are the real embedded provider's.
    """

    server: FakeOpenAIServer | None  # None: the server fails to start
    real: EmbeddedModel = field(default_factory=lambda: EmbeddedModel(cache_dir=Path("unused")))
    starts: int = 0
    stops: int = 0

    @property
    def identity(self) -> str:
        return self.real.identity

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        return self.real.retry_policy(policy)

    @contextlib.contextmanager
    def endpoint(self):
        self.starts += 1
        try:
            if self.server is None:
                raise ModelError("the embedded model server exited with status 1")
            yield Endpoint(self.server.base_url, "fake-model")
        finally:
            self.stops += 1


def embedded(tmp_path, **overrides) -> Settings:
    return Settings(base_url=None, cache_dir=tmp_path, **overrides)  # base_url None: the embedded model


def test_three_articles_through_one_session_start_the_embedded_server_once(tmp_path):
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        counting = CountingEmbedded(server)
        with extractor.ExtractionSession(embedded(tmp_path, use_cache=False), provider=counting) as session:
            assert counting.starts == 0  # nothing started before it is needed
            outcomes = [session.extract(article) for article in THREE]
            assert (counting.starts, counting.stops) == (1, 0)
        assert (counting.starts, counting.stops) == (1, 1)  # stopped with the session
        assert len(server.completion_requests) == 3
    assert [o.extraction.source.file for o in outcomes] == ["Ottawa.txt", "Toronto.txt", "Montreal.txt"]
    assert all(o.extraction.summits[0].participants for o in outcomes)


def test_concurrent_callers_share_one_start(tmp_path):
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        counting = CountingEmbedded(server)

        async def run(session):
            return await asyncio.gather(*(session.extract_async(article) for article in THREE))

        with extractor.ExtractionSession(embedded(tmp_path, use_cache=False), provider=counting) as session:
            outcomes = asyncio.run(run(session))
    assert counting.starts == 1
    assert [o.ok for o in outcomes] == [True, True, True]
    assert [o.extraction.source.file for o in outcomes] == ["Ottawa.txt", "Toronto.txt", "Montreal.txt"]


def test_articles_the_cache_answers_start_no_server(tmp_path):
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        with extractor.ExtractionSession(embedded(tmp_path), provider=CountingEmbedded(server)) as session:
            assert session.extract(ARTICLE).ok
        counting = CountingEmbedded(server)
        with extractor.ExtractionSession(embedded(tmp_path), provider=counting) as session:
            again = session.extract(ARTICLE)
    assert again.extraction.provenance.cached
    assert counting.starts == 0
    assert len(server.completion_requests) == 1


def test_a_server_that_cannot_start_fails_each_article_with_its_reason_and_is_tried_once(tmp_path):
    broken = CountingEmbedded(None)
    with extractor.ExtractionSession(embedded(tmp_path, use_cache=False), provider=broken) as session:
        outcomes = [session.extract(article) for article in THREE]
    assert [(o.ok, o.failure.error) for o in outcomes] == [(False, "model")] * 3
    assert all("exited with status 1" in o.failure.message for o in outcomes)
    assert [o.failure.source.file for o in outcomes] == ["Ottawa.txt", "Toronto.txt", "Montreal.txt"]
    assert broken.starts == 1


def test_the_counting_provider_is_a_provider():
    assert isinstance(CountingEmbedded(None), Provider) and isinstance(EmbeddedModel(cache_dir=Path(".")), Provider)


def test_extract_async_runs_the_background_pass_when_asked(tmp_path):
    # It used to skip the second call: --background-pass with --concurrency found no other meetings.
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT), tool_call_reply(BACKGROUND)]) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", cache_dir=tmp_path, use_cache=False, background_pass=True)
        with extractor.ExtractionSession(settings) as session:
            outcome = asyncio.run(session.extract_async(WITH_EARLIER_MEETING))
        assert len(server.completion_requests) == 2
    summits = outcome.extraction.summits
    assert [(s.mention, s.location.city) for s in summits] == [("primary", "Ottawa"), ("background", "Toronto")]
    assert outcome.extraction.provenance.usage.total_tokens == 240  # both calls counted


def test_the_background_pass_is_part_of_the_cache_key(tmp_path):
    # It used to be left out: a run with --background-pass was served the one-pass extraction.
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT), tool_call_reply(GOOD_DRAFT), tool_call_reply(BACKGROUND)]) as server:
        one_pass = Settings(base_url=server.base_url, model="fake-model", cache_dir=tmp_path)
        with extractor.ExtractionSession(one_pass) as session:
            first = session.extract(WITH_EARLIER_MEETING)
        with extractor.ExtractionSession(Settings(**{**one_pass.__dict__, "background_pass": True})) as session:
            second = session.extract(WITH_EARLIER_MEETING)
            again = session.extract(WITH_EARLIER_MEETING)
        # One-pass once; with the pass, the main call's reply is reused (the same request) and
        # the background call is new; then the whole record is cached.
        assert len(server.completion_requests) == 2
    assert not first.extraction.provenance.cached
    assert not second.extraction.provenance.cached  # not served the one-pass extraction
    assert [s.location.city for s in second.extraction.summits] == ["Ottawa", "Toronto"]
    assert again.extraction.provenance.cached and len(again.extraction.summits) == 2


def test_records_made_by_other_code_are_not_served_from_the_cache(tmp_path, monkeypatch):
    # The cache holds finished records, shaped by the rules as much as by the model: after an
    # upgrade, the article is extracted again, from the model's reply kept in the reply cache.
    import extractor.runtime.cache as cache

    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT), tool_call_reply(GOOD_DRAFT)]) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", cache_dir=tmp_path)
        with extractor.ExtractionSession(settings) as session:
            first = session.extract(WITH_EARLIER_MEETING)
            again = session.extract(WITH_EARLIER_MEETING)
        monkeypatch.setattr(cache, "code_identity", lambda: "another version of the code")
        with extractor.ExtractionSession(settings) as session:
            upgraded = session.extract(WITH_EARLIER_MEETING)
        assert len(server.completion_requests) == 1  # the new code re-read the kept reply
    assert (first.extraction.provenance.cached, again.extraction.provenance.cached) == (False, True)
    assert upgraded.extraction.provenance.cached  # rebuilt by the new rules, from the kept reply: no model time
    assert [s.location.city for s in upgraded.extraction.summits] == [s.location.city for s in first.extraction.summits]


def test_no_cache_and_sampled_requests_always_ask_the_model(tmp_path):
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        for settings in (
            Settings(base_url=server.base_url, model="fake-model", cache_dir=tmp_path, use_cache=False),
            Settings(base_url=server.base_url, model="fake-model", cache_dir=tmp_path, temperature=0.7),
        ):
            for _ in range(2):
                with extractor.ExtractionSession(settings) as session:
                    assert session.extract(ARTICLE).ok
                (tmp_path / "extractions.sqlite3").unlink(missing_ok=True)  # the record cache aside
        assert len(server.completion_requests) == 4


def test_a_reply_kept_for_one_model_is_not_served_for_another(tmp_path):
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        for model in ("fake-model", "another-model"):
            with extractor.ExtractionSession(Settings(base_url=server.base_url, model=model, cache_dir=tmp_path)) as session:
                assert session.extract(ARTICLE).ok
        assert len(server.completion_requests) == 2
