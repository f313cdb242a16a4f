"""A rule switched off is part of what an extraction depends on: never served a record made with
other rules; rebuilt from the model's kept reply, so switching rules costs no model time; and with
``--replies-only`` the model is never asked at all."""

from __future__ import annotations

import extractor
from extractor.errors import ModelUnavailable, ReplyMissing
from extractor.ingest.articles import parse_article
from extractor.model.retries import RetryPolicy
from extractor.providers import EmbeddedModel, RepliesOnly, provider_for
from extractor.providers.replies_only import NOWHERE
from extractor.rules import switched_off
from extractor.runtime.cache import code_identity
from extractor.settings import Settings
from tests.extract.test_extractor import ARTICLE, GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, server_error, tool_call_reply


def _settings(server, tmp_path, **overrides) -> Settings:
    # mode "tools": a replies-only run asks nothing to probe the mode with, so it is given.
    return Settings(base_url=server.base_url, model="fake-model", mode="tools", cache_dir=tmp_path, **overrides)


def test_the_code_identity_names_the_rules_switched_off():
    everything = code_identity()
    with switched_off("venue_city"):
        without_venues = code_identity()
    with switched_off("pledge_scan,venue_city"):
        without_two = code_identity()
    assert len({everything, without_venues, without_two}) == 3
    assert code_identity() == everything


AT_THE_WHITE_HOUSE = parse_article("President Ana Soto met Prime Minister Erik Berg at the White House on Monday.\n", file="a.txt")
VENUE_DRAFT = {
    "summits": [
        {
            "mention": "primary",
            "kind": "leaders_summit",
            "status": "held",
            "participants": [{"name": "Ana Soto"}, {"name": "Erik Berg"}],
            "city": "White House",
            "date_text": "on Monday",
            "pledges": [],
        }
    ]
}


def test_a_record_made_with_every_rule_is_not_served_with_one_off_and_is_rebuilt_from_the_kept_reply(tmp_path):
    with FakeOpenAIServer([tool_call_reply(VENUE_DRAFT)]) as server:
        with extractor.ExtractionSession(_settings(server, tmp_path)) as session:
            first = session.extract(AT_THE_WHITE_HOUSE)
            with switched_off("venue_city"):
                without_venues = session.extract(AT_THE_WHITE_HOUSE)
            again = session.extract(AT_THE_WHITE_HOUSE)
        assert len(server.completion_requests) == 1  # one model call: the other extractions re-read its reply
    assert not first.extraction.provenance.cached
    assert without_venues.extraction.provenance.cached and again.extraction.provenance.cached  # no model time
    assert first.extraction.summits[0].location.city == again.extraction.summits[0].location.city == "Washington"
    # Without the venue gazetteer, the name is read as a city's: an alternate name of Casablanca.
    assert without_venues.extraction.summits[0].location.country == "MA"


def test_replies_only_answers_from_the_kept_replies_and_fails_an_article_asking_anything_new(tmp_path):
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        with extractor.ExtractionSession(_settings(server, tmp_path)) as session:
            assert session.extract(ARTICLE).ok
        (tmp_path / "extractions.sqlite3").unlink()  # the records aside: only the model's reply is kept
        new = parse_article(ARTICLE.text + "They will meet again in Seoul next year.\n", file="new.txt")
        with extractor.ExtractionSession(_settings(server, tmp_path, replies_only=True)) as session:
            kept, asked = session.extract(ARTICLE), session.extract(new)
            assert session.base_url == NOWHERE  # the server in the settings is never contacted
        assert len(server.completion_requests) == 1
    assert kept.ok and kept.extraction.provenance.cached
    assert (asked.ok, asked.failure.error, asked.model_unavailable) == (False, "model", False)
    assert asked.failure.message == str(ReplyMissing("a request of this article has no kept reply (--replies-only never calls the model)"))


def test_replies_only_with_the_embedded_model_keeps_its_identity_and_starts_nothing(tmp_path):
    embedded = EmbeddedModel(cache_dir=tmp_path)
    provider = provider_for(Settings(cache_dir=tmp_path, replies_only=True))
    assert isinstance(provider, RepliesOnly) and provider.identity == embedded.identity
    with provider.endpoint() as endpoint:
        assert (endpoint.base_url, endpoint.model, endpoint.mode) == (NOWHERE, embedded.served_name, "json_schema")
    policy = provider.retry_policy(RetryPolicy())
    assert (policy.transport_attempts, policy.breaker_threshold) == (1, 0)  # one try each, and a miss opens no breaker


def test_a_server_that_is_down_is_a_typed_outage_a_refusal_is_not(tmp_path):
    with FakeOpenAIServer([server_error(503)]) as server:
        settings = _settings(server, tmp_path, use_cache=False, retry=RetryPolicy(transport_attempts=1))
        with extractor.ExtractionSession(settings) as session:
            busy = session.extract(ARTICLE)
            server.refuse_connections()
            down = session.extract(ARTICLE)
    assert busy.model_unavailable and down.model_unavailable
    assert "answered HTTP 503" in busy.failure.message and "cannot reach the model server" in down.failure.message
    with (
        FakeOpenAIServer([server_error(400)]) as server,
        extractor.ExtractionSession(_settings(server, tmp_path, use_cache=False)) as session,
    ):
        refused = session.extract(ARTICLE)
    assert (refused.ok, refused.model_unavailable) == (False, False)
    assert issubclass(ModelUnavailable, extractor.errors.ModelError)


def test_the_workers_storage_key_changes_with_the_rules_switched_off(tmp_path):
    from extractor.worker.handler import ArticleHandler

    settings = Settings(base_url="http://127.0.0.1:9/v1", model="fake-model", cache_dir=tmp_path)
    with ArticleHandler(settings) as every_rule:
        key = every_rule.storage_key(ARTICLE)
    with switched_off("venue_city"), ArticleHandler(settings) as without_venues:
        other = without_venues.storage_key(ARTICLE)
    assert key != other  # the worker extracts again, rather than serve the record the other rules made


def test_a_misspelt_place_is_read_as_the_article_spells_it_unless_that_rule_is_off():
    from extractor.extract.assemble import assemble_records
    from extractor.model.draft import DraftExtraction

    text = "President Ana Soto met Prime Minister Erik Berg in Limassol on Tuesday."
    draft = DraftExtraction.model_validate({"summits": [{**VENUE_DRAFT["summits"][0], "city": "Limasol", "date_text": "on Tuesday"}]})
    found = assemble_records(draft, text, "2026-03-05")
    assert (found.summits[0].location.city, found.dropped) == ("Limassol", [])
    with switched_off("misspelt_place"):
        records = assemble_records(draft, text, "2026-03-05")
    assert [(d.path, d.value, d.reason) for d in records.dropped] == [("summits[0].city", "Limasol", "not found in the article")]
    with switched_off("misspelt_place,primary_city_from_reports"):  # which would find it again in the reports
        assert assemble_records(draft, text, "2026-03-05").summits[0].location.city is None
