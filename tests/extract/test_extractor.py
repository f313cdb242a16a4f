"""The extraction client against a real HTTP server on 127.0.0.1 that plays scripted replies.

What a user relies on: rate limits and server errors are waited out, a bad key fails at once
with a clear line, a reply that breaks the schema is asked again with the error, and a value the
article does not support never reaches the output.
"""

from __future__ import annotations

import json

import pytest

from extractor.errors import ExtractionError, ModelError
from extractor.extract.extractor import Extractor
from extractor.ingest.articles import parse_article
from extractor.model.client import make_client
from extractor.model.prompting import load_prompt
from extractor.model.retries import RetryPolicy
from extractor.providers import Endpoint
from extractor.settings import Settings
from tests.support.fake_openai import FakeOpenAIServer, Reply, error_reply, tool_call_reply

ARTICLE = parse_article(
    "Prime Minister Mark Carney of Canada met President Lee Jae Myung of South Korea in Ottawa on Monday. "
    "The two leaders agreed to expand cooperation on critical minerals supply chains and on artificial intelligence research.\n"
)

GOOD_DRAFT = {
    "summits": [
        {
            "mention": "primary",
            "kind": "leaders_summit",
            "status": "held",
            "participants": [
                {"name": "Mark Carney", "role": "Prime Minister", "country": "Canada"},
                {"name": "Lee Jae Myung", "role": "President", "country": "South Korea"},
            ],
            "city": "Ottawa",
            "country": "Canada",
            "date_text": "on Monday",
            "pledges": [
                {"description": "cooperation on critical minerals supply chains", "domain": "supply_chain", "certainty": "explicit"},
                {"description": "artificial intelligence research", "domain": "technology_ai", "certainty": "explicit"},
            ],
        }
    ]
}


class RecordingSleep:
    """Stands in for time.sleep in the retry policy: records the waits instead of waiting."""

    def __init__(self):
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def extractor_for(
    server: FakeOpenAIServer, *, api_key: str | None = None, timeout: float = 30.0, mode: str = "tools", **policy
) -> tuple[Extractor, RecordingSleep]:
    sleep = RecordingSleep()
    settings = Settings(
        base_url=server.base_url,
        api_key=api_key,
        model="fake-model",
        mode=mode,
        timeout=timeout,
        retry=RetryPolicy(sleep=sleep, backoff_initial=0.01, backoff_max=0.05, jitter=0.0, **policy),
    )
    client = make_client(settings, Endpoint(server.base_url, "fake-model"))
    return Extractor(client, load_prompt(), settings), sleep


def participants(extraction) -> list[str]:
    return [name for summit in extraction.summits for name in summit.participants]


def test_a_good_reply_becomes_a_grounded_record():
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        extractor, _ = extractor_for(server)
        extraction = extractor.extract(ARTICLE)
    summit = extraction.summits[0]
    assert sorted(summit.participants) == ["Lee Jae-myung", "Mark Carney"]
    assert summit.location.city == "Ottawa" and summit.location.country == "CA"
    assert {"supply_chain", "technology_ai"} <= {p.domain for p in summit.pledges}
    assert extraction.provenance.model == "fake-model"
    assert extraction.provenance.prompt_version == load_prompt().version
    assert extraction.provenance.usage.total_tokens == 120
    # The request asked for the draft as a tool call (instructor's TOOLS mode).
    body = server.completion_requests[0].body
    assert body["tool_choice"]["function"]["name"] == "DraftExtraction"


def test_429_waits_what_retry_after_asks_then_retries():
    replies = [error_reply(429, "slow down", {"Retry-After": "7"}), tool_call_reply(GOOD_DRAFT)]
    with FakeOpenAIServer(replies) as server:
        extractor, sleep = extractor_for(server)
        extraction = extractor.extract(ARTICLE)
    assert sleep.waits == [7.0]
    assert len(server.completion_requests) == 2
    assert extraction.provenance.attempts == 2
    assert sorted(participants(extraction)) == ["Lee Jae-myung", "Mark Carney"]


def test_500_then_success_backs_off_and_succeeds():
    with FakeOpenAIServer([error_reply(500, "boom"), error_reply(503, "busy"), tool_call_reply(GOOD_DRAFT)]) as server:
        extractor, sleep = extractor_for(server)
        extraction = extractor.extract(ARTICLE)
    assert len(sleep.waits) == 2 and all(0 < w <= 0.05 for w in sleep.waits)
    assert extraction.provenance.attempts == 3
    assert extraction.summits[0].location.city == "Ottawa"


def test_a_timeout_is_retried():
    with FakeOpenAIServer([Reply(delay=1.5, body={}), tool_call_reply(GOOD_DRAFT)]) as server:
        extractor, sleep = extractor_for(server, timeout=0.5)
        extraction = extractor.extract(ARTICLE)
    assert len(server.completion_requests) == 2
    assert len(sleep.waits) == 1
    assert extraction.summits[0].participants


def test_retries_are_bounded_and_the_last_error_is_reported():
    with FakeOpenAIServer([error_reply(503, "overloaded")]) as server:
        extractor, sleep = extractor_for(server, transport_attempts=3)
        with pytest.raises(ModelError, match=r"HTTP 503: overloaded"):
            extractor.extract(ARTICLE)
    assert len(server.completion_requests) == 3
    assert len(sleep.waits) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(status):
    secret = "sk-test-0123456789abcdef"
    with FakeOpenAIServer([error_reply(status, f"Incorrect API key provided: {secret}")]) as server:
        extractor, sleep = extractor_for(server, api_key=secret)
        with pytest.raises(ModelError) as raised:
            extractor.extract(ARTICLE)
    assert len(server.completion_requests) == 1
    assert sleep.waits == []
    assert f"HTTP {status}" in str(raised.value)
    assert secret not in str(raised.value)
    # The key travelled as a header, as it should, and nowhere else.
    assert server.completion_requests[0].headers["authorization"] == f"Bearer {secret}"


def test_401_says_what_to_do():
    with FakeOpenAIServer([error_reply(401, "invalid key")]) as server:
        extractor, _ = extractor_for(server, api_key="wrong")
        with pytest.raises(ModelError, match="refused the API key .*OPENAI_API_KEY"):
            extractor.extract(ARTICLE)


def test_a_schema_invalid_reply_is_asked_again_with_the_error():
    broken = json.loads(json.dumps(GOOD_DRAFT))
    broken["summits"][0]["kind"] = "tea_party"  # not in the vocabulary
    with FakeOpenAIServer([tool_call_reply(broken), tool_call_reply(GOOD_DRAFT)]) as server:
        extractor, _ = extractor_for(server)
        extraction = extractor.extract(ARTICLE)
    assert len(server.completion_requests) == 2
    reask = json.dumps(server.completion_requests[1].body["messages"])
    assert "tea_party" in reask and "kind" in reask  # the error went back to the model
    assert extraction.summits[0].kind == "leaders_summit"
    assert extraction.provenance.usage.total_tokens == 240  # both replies counted


def test_an_ungrounded_participant_is_asked_about_then_dropped_and_counted():
    invented = json.loads(json.dumps(GOOD_DRAFT))
    invented["summits"][0]["participants"].append({"name": "Olaf Scholz", "role": "Chancellor", "country": "Germany"})
    with FakeOpenAIServer([tool_call_reply(invented)]) as server:
        extractor, _ = extractor_for(server, validation_retries=2)
        extraction = extractor.extract(ARTICLE)
    assert len(server.completion_requests) == 3  # asked, then re-asked twice
    assert "Olaf Scholz" in json.dumps(server.completion_requests[1].body["messages"])
    assert "Olaf Scholz" not in participants(extraction)
    assert sorted(participants(extraction)) == ["Lee Jae-myung", "Mark Carney"]
    assert any(d.value == "Olaf Scholz" for d in extraction.dropped)


def test_a_reply_that_never_fits_the_schema_is_a_clear_error():
    with FakeOpenAIServer([tool_call_reply("{not json")]) as server:
        extractor, _ = extractor_for(server, validation_retries=1)
        with pytest.raises(ExtractionError, match="did not fit the schema after 2 attempts"):
            extractor.extract(ARTICLE)


def test_json_schema_mode_fails_clearly_where_llama_cpp_refuses_it():
    # llama-cpp-python's server answers response_format json_schema with this 500.
    refusal = error_reply(500, "1 validation error: response_format.type Input should be 'text' or 'json_object'")
    with FakeOpenAIServer([refusal], json_schema=True) as server:
        extractor, _ = extractor_for(server, mode="json_schema", transport_attempts=1)
        with pytest.raises(ModelError, match="HTTP 500: .*'text' or 'json_object'"):
            extractor.extract(ARTICLE)
        assert server.completion_requests[0].body["response_format"]["type"] == "json_schema"


def test_concurrent_batch_keeps_input_order_and_counts_each_articles_tokens(tmp_path):
    from extractor.runtime.pipeline import extract_batch

    # Same meeting, three files: replies arrive in any order, and any reply fits any article.
    articles = [parse_article(ARTICLE.text, file=f"{name}.txt") for name in ("Ottawa", "Toronto", "Montreal")]
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", concurrency=3, cache_dir=tmp_path, use_cache=False)
        outcomes = []
        summary = extract_batch(articles, settings, on_outcome=outcomes.append)
    assert summary.extracted == 3 and summary.failed_total == 0
    assert [o.extraction.source.file for o in outcomes] == ["Ottawa.txt", "Toronto.txt", "Montreal.txt"]
    for outcome in outcomes:
        assert outcome.extraction.provenance.usage.total_tokens == 120  # its own reply, not the batch's
        assert outcome.extraction.summits[0].participants


def test_the_background_pass_adds_the_other_meetings_the_article_mentions():
    text = ARTICLE.text + "The talks follow their first meeting in Toronto in March.\n"
    article = parse_article(text)
    earlier = {
        "summits": [
            {
                "mention": "primary",  # the second pass's meetings are background whatever the model says
                "kind": "leaders_summit",
                "status": "held",
                "participants": [{"name": "Mark Carney"}, {"name": "Lee Jae Myung"}],
                "city": "Toronto",
                "date_text": "in March",
                "pledges": [],
            }
        ]
    }
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT), tool_call_reply(earlier)]) as server:
        extractor, _ = extractor_for(server)
        extractor.background_prompt = load_prompt("background")
        extraction = extractor.extract(article)
        second = server.completion_requests[1].body["messages"][1]["content"]
    assert "Main meeting (do not list it): Mark Carney and Lee Jae Myung in Ottawa" in second
    assert [(s.mention, s.location.city, s.date) for s in extraction.summits] == [
        ("primary", "Ottawa", None),
        ("background", "Toronto", "--03"),
    ]
    assert extraction.provenance.usage.total_tokens == 240


def test_timeouts_are_not_retried_where_the_policy_says_so():
    # The embedded server's policy: a retry would queue behind the request it abandoned.
    with FakeOpenAIServer([Reply(delay=1.5, body={}), tool_call_reply(GOOD_DRAFT)]) as server:
        extractor, sleep = extractor_for(server, timeout=0.5, retry_timeouts=False)
        with pytest.raises(ModelError, match="did not answer in time"):
            extractor.extract(ARTICLE)
    assert len(server.completion_requests) == 1 and sleep.waits == []
