"""Each reply's summits are grounded once: the re-ask check's work is what the records are built from.

The check that decides a re-ask and the assembly of the accepted reply ground the same summits;
they share one ``DraftGrounding`` per article, so a summit is grounded once per reply, and the
records are exactly those a fresh grounding gives.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

import extractor.extract.assemble as assemble_module
from extractor.extract.assemble import DraftGrounding, assemble_records
from extractor.extract.extractor import Extractor
from extractor.ingest.articles import parse_article
from extractor.model.client import make_async_client, make_client
from extractor.model.draft import DraftExtraction
from extractor.model.prompting import load_prompt
from extractor.model.retries import RetryPolicy
from extractor.providers import Endpoint
from extractor.settings import Settings
from tests.extract.test_extractor import ARTICLE, GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply

# The main meeting, and an earlier one the article recalls: two summits in one reply.
TEXT = ARTICLE.text + "The talks follow their first meeting in Toronto in March.\n"
TWO_SUMMITS = {
    "summits": [
        GOOD_DRAFT["summits"][0],
        {
            "mention": "background",
            "kind": "leaders_summit",
            "status": "held",
            "participants": [{"name": "Mark Carney"}, {"name": "Lee Jae Myung"}],
            "city": "Toronto",
            "date_text": "in March",
            "pledges": [],
        },
    ]
}


@pytest.fixture
def grounded(monkeypatch) -> Counter:
    """Counts the summits grounded, by their draft path ("summits[0]")."""
    counts: Counter = Counter()
    real = assemble_module._ground_summit

    def counting(index, draft, text, published, dateline=None):
        counts[f"summits[{index}]"] += 1
        return real(index, draft, text, published, dateline)

    monkeypatch.setattr(assemble_module, "_ground_summit", counting)
    return counts


def _settings(server: FakeOpenAIServer) -> Settings:
    return Settings(base_url=server.base_url, model="fake-model", mode="tools", retry=RetryPolicy(validation_retries=2))


def _extract(server: FakeOpenAIServer, run: str, article):
    settings = _settings(server)
    endpoint = Endpoint(server.base_url, "fake-model")
    if run == "sync":
        return Extractor(make_client(settings, endpoint), load_prompt(), settings).extract(article)

    async def extract_async():
        return await Extractor(make_async_client(settings, endpoint), load_prompt(), settings).extract_async(article)

    return asyncio.run(extract_async())


@pytest.mark.parametrize("run", ["sync", "async"])
def test_each_summit_of_a_reply_is_grounded_once(grounded, run):
    article = parse_article(TEXT)
    with FakeOpenAIServer([tool_call_reply(TWO_SUMMITS)]) as server:
        extraction = _extract(server, run, article)
        assert len(server.completion_requests) == 1
    assert grounded == {"summits[0]": 1, "summits[1]": 1}  # by the check; the assembly reused both
    assert [s.location.city for s in extraction.summits] == ["Ottawa", "Toronto"]


@pytest.mark.parametrize("run", ["sync", "async"])
def test_a_reask_grounds_each_reply_once(grounded, run):
    invented = json.loads(json.dumps(GOOD_DRAFT))
    invented["summits"][0]["participants"].append({"name": "Olaf Scholz", "role": "Chancellor", "country": "Germany"})
    with FakeOpenAIServer([tool_call_reply(invented), tool_call_reply(GOOD_DRAFT)]) as server:
        extraction = _extract(server, run, ARTICLE)
        assert len(server.completion_requests) == 2
    assert grounded == {"summits[0]": 2}  # the refused reply, then the accepted one
    assert "Olaf Scholz" not in extraction.summits[0].participants


def test_the_reused_grounding_gives_the_records_a_fresh_one_gives():
    draft = DraftExtraction.model_validate(TWO_SUMMITS)
    grounding = DraftGrounding(TEXT, "2026-03-30")
    assert grounding.issues(draft) == []
    reused = assemble_records(draft, TEXT, "2026-03-30", grounding)
    fresh = assemble_records(draft, TEXT, "2026-03-30")
    assert reused == fresh
    # Handed over once: a second assembly grounds again rather than adding to the first's records.
    assert assemble_records(draft, TEXT, "2026-03-30", grounding) == fresh


def test_a_grounding_of_another_article_is_refused():
    draft = DraftExtraction.model_validate(GOOD_DRAFT)
    with pytest.raises(ValueError, match="another article"):
        assemble_records(draft, TEXT, None, DraftGrounding(ARTICLE.text, None))
