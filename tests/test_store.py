"""The event store: each extraction stored once, events always equal to the batch reconciler's."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import threading

import pytest

from extractor.reconcile import reconcile_events
from extractor.settings import Settings
from extractor.store import EventStore, storage_key
from extractor.store.event_store import event_line
from extractor.worker.handler import ArticleHandler
from tests.support.fake_openai import FakeOpenAIServer
from tests.support.summit_articles import answer, make_articles

MODEL = "http://fake|fake-model"


@pytest.fixture(scope="module")
def extractions():
    """Real extractions of 24 articles about 6 meetings, made through the fake model once."""
    articles = make_articles(24, meetings=6)

    async def extract_all(handler):
        return [await handler.extract(article) for article in articles]

    with (
        FakeOpenAIServer(responder=answer) as server,
        ArticleHandler(Settings(base_url=server.base_url, model="fake-model", use_cache=False)) as handler,
    ):
        outcomes = asyncio.run(extract_all(handler))
    assert all(outcome.ok for outcome in outcomes)
    return [outcome.extraction for outcome in outcomes]


def key(extraction) -> str:
    return storage_key(extraction.article_id, extraction.source.published, MODEL, extraction.provenance.prompt_version)


def expected_lines(extractions) -> list[str]:
    return [event_line(event) for event in reconcile_events(extractions)]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request):
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "postgres_store")


def test_an_extraction_saved_twice_is_stored_once(store_url, extractions):
    with EventStore(store_url) as store:
        first = store.save(key(extractions[0]), extractions[0], model_identity=MODEL)
        again = store.save(key(extractions[0]), extractions[0], model_identity=MODEL)
        assert first.created and not again.created
        assert [e.article_id for e in store.extractions()] == [extractions[0].article_id]
        assert store.get(key(extractions[0])) == extractions[0]


def test_stored_events_equal_the_batch_reconcilers_after_every_save_in_any_order(store_url, extractions):
    shuffled = random.Random(7).sample(extractions, len(extractions))
    with EventStore(store_url) as store:
        for count, extraction in enumerate(shuffled, start=1):
            store.save(key(extraction), extraction, model_identity=MODEL)
            if count in (1, 5, len(shuffled)):
                assert store.event_lines() == expected_lines(shuffled[:count])
    # A reader that opens the store afresh sees the same.
    with EventStore(store_url) as reader:
        lines = reader.event_lines()
    assert lines == expected_lines(extractions)
    assert len(lines) == 6  # the six meetings, each reported four times


def test_an_article_extracted_again_replaces_its_earlier_extraction_in_the_events(store_url, extractions):
    """After a rule change (a new code hash in the key) the article is stored again; its events follow
    the new extraction, and a message of the old kind still finds its key stored."""
    first = extractions[0]
    summit = first.summits[0]
    moved = first.model_copy(
        update={"summits": [summit.model_copy(update={"location": summit.location.model_copy(update={"city": "Bergen"})})]}
    )
    others = [e for e in extractions[1:] if e.summits[0].participants == summit.participants]
    new_key = storage_key(first.article_id, first.source.published, MODEL, first.provenance.prompt_version, code="rules-2")
    with EventStore(store_url) as store:
        for extraction in [first, *others]:
            store.save(key(extraction), extraction, model_identity=MODEL)
        assert store.event_lines() == expected_lines([first, *others])
        assert store.save(new_key, moved, model_identity=MODEL).created
        assert store.event_lines() == expected_lines([*others, moved])
        assert [e.article_id for e in store.extractions()].count(first.article_id) == 1
        assert store.get(key(first)) == first and store.get(new_key) == moved
        assert not store.save(key(first), first, model_identity=MODEL).created  # the old key: stored, nothing changes
        assert store.event_lines() == expected_lines([*others, moved])
    with EventStore(store_url) as reader:  # a worker that starts now sees the same
        assert reader.event_lines() == expected_lines([*others, moved])
        reader.save(key(extractions[-1]), extractions[-1], model_identity=MODEL)
        assert reader.event_lines() == expected_lines([*others, moved, extractions[-1]])


def test_since_pages_through_changes_including_events_merged_away(store_url, extractions):
    same_meeting = [e for e in extractions if e.summits[0].participants == extractions[0].summits[0].participants]
    with EventStore(store_url) as store:
        store.save(key(same_meeting[0]), same_meeting[0], model_identity=MODEL)
        cursor = store.revision()
        [first] = store.changes(0)
        store.save(key(same_meeting[1]), same_meeting[1], model_identity=MODEL)
        changes = store.changes(cursor)
        assert store.changes(changes[0].revision) == []
    # The second report joins the first: the event is rewritten under a new id, the old id removed.
    assert {(c.event_id, c.removed) for c in changes} == {
        (first.event_id, True),
        (json.loads(changes[-1].record or changes[0].record)["event_id"], False),
    }
    assert all(c.revision > cursor for c in changes)


def test_concurrent_writers_on_postgresql_end_with_the_batch_reconcilers_events(postgres_store, extractions):
    stores = [EventStore(postgres_store) for _ in range(3)]
    errors = []

    def write(store, share):
        try:
            for extraction in share:
                store.save(key(extraction), extraction, model_identity=MODEL)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    # Every writer saves every extraction (redeliveries), in its own order.
    threads = [
        threading.Thread(target=write, args=(store, random.Random(i).sample(extractions, len(extractions))))
        for i, store in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(stores[0].extractions()) == len(extractions)
    assert stores[0].event_lines() == expected_lines(extractions)
    for store in stores:
        store.close()


def test_events_command_prints_the_stored_events_and_pages_with_since(sqlite_store, extractions):
    with EventStore(sqlite_store) as store:
        for extraction in extractions[:6]:
            store.save(key(extraction), extraction, model_identity=MODEL)
        cursor = store.revision()
        store.save(key(extractions[6]), extractions[6], model_identity=MODEL)
    command = [sys.executable, "-m", "extractor.cli", "events", "--store", sqlite_store]
    everything = subprocess.run(command, capture_output=True, text=True, check=True)
    assert everything.stdout.splitlines() == expected_lines(extractions[:7])
    page = subprocess.run([*command, "--since", str(cursor)], capture_output=True, text=True, check=True)
    changed = [json.loads(line) for line in page.stdout.splitlines()]
    assert any(c.get("removed") for c in changed) and any("title" in c for c in changed)
    assert f"next --since {cursor + 1}" in page.stderr
    empty = subprocess.run([*command, "--since", str(cursor + 1)], capture_output=True, text=True, check=True)
    assert empty.stdout == ""


def test_a_bad_store_url_is_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "events", "--store", "mysql://x@127.0.0.1/db"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "summit-extract: error: --store mysql: only sqlite:/// and postgresql:// stores are supported"
    ]
