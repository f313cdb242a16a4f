"""The sample articles' recorded extractions, replayed through the real pipeline (as
``tests/test_replay.py`` does), for tests that need real model answers without a model."""

from __future__ import annotations

from functools import cache

from extractor.client import Endpoint, make_client
from extractor.extract import Extractor
from extractor.local_model import MODEL_NAME
from extractor.prompting import load_prompt
from schemas import ArticleExtraction
from tests.support.fake_openai import FakeOpenAIServer, error_reply
from tests.support.replay import EXAMPLE_ARTICLES, REPO, replay_vcr


@cache
def replayed_extractions() -> tuple[ArticleExtraction, ...]:
    """One extraction per sample article, its source file named as a user would give it."""
    from tests.test_replay import SETTINGS, replay_one

    extractions = []
    # Nothing may reach a server: the sentinel answers 500 to any request that escapes a cassette.
    with FakeOpenAIServer([error_reply(500, "a request escaped the cassette")]) as sentinel:
        endpoint = Endpoint(sentinel.base_url, MODEL_NAME)
        extractor = Extractor(make_client(SETTINGS, endpoint), load_prompt(), SETTINGS, base_url=endpoint.base_url)
        recorder = replay_vcr("none")
        for path in EXAMPLE_ARTICLES:
            extraction = replay_one(path, extractor, recorder, "none")
            source = extraction.source.model_copy(update={"file": str(path.relative_to(REPO))})
            extractions.append(extraction.model_copy(update={"source": source}))
        assert sentinel.completion_requests == [], "a replayed request reached a server"
    return tuple(extractions)
