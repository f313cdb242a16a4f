"""The event store saves through a region of the events the new extraction can touch (store/incremental.py).

Whatever the region, the stored events must be the batch reconciler's: checked after every save
on invented reports that link on everything the reconciler links on (a few people meeting again
and again, dates at every precision, passing references, articles with no publication date,
spelling variants, plans and cancellations), with articles extracted again; on PostgreSQL with
several writers saving linked reports at once; on a store written before the index existed; and
when a region grows too large and the store reconciles everything instead.
"""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta

import pytest
from alembic import command
from alembic.config import Config

import extractor.store.incremental as incremental
from extractor.reconcile import reconcile_events
from extractor.store import EventStore, storage_key
from extractor.store.engine import make_engine
from extractor.store.event_store import event_line
from extractor.store.tables import events as events_table
from extractor.store.tables import extractions as extractions_table
from schemas import ArticleExtraction, Location
from tests.reconcile.test_reconcile import article, summit

PEOPLE = ["Haruto Kameyama", "Aziz Rakhmanov", "Ingrid Solvang", "Oyelaran Adebayo", "Rafael Quintero", "Nguyen Thi Lan"]
# How else an article may write them: word order, a transliteration, the surname alone.
SPELLINGS = {"Haruto Kameyama": ["Kameyama Haruto", "Kameyama"], "Aziz Rakhmanov": ["Aziz Rakhmonov"], "Ingrid Solvang": ["Solvang"]}
CITIES = [("Samarkand", "UZ"), ("Bukhara", "UZ"), ("Oslo", "NO"), ("Bergen", "NO"), ("Hanoi", "VN")]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def reports(seed: int, count: int) -> list[ArticleExtraction]:
    """``count`` articles about meetings of six people, each with its main report and up to two
    passing references; some reports name only the visitor, some spell a name otherwise."""
    rng = random.Random(seed)
    meetings = []
    for _ in range(max(4, count // 3)):
        people = rng.sample(PEOPLE, 3 if rng.random() < 0.1 else 2)
        city, country = rng.choice(CITIES)
        status = "cancelled" if rng.random() < 0.05 else "held"
        meetings.append((people, city, country, date(2027, 1, 1) + timedelta(days=rng.randrange(540)), status))

    def spelled(people):
        return [rng.choice(SPELLINGS[p]) if p in SPELLINGS and rng.random() < 0.2 else p for p in people]

    def report(meeting, published, mention):
        people, city, country, day, status = meeting
        planned = published is not None and published < day
        roll = rng.random()
        date_text = None
        if roll < 0.45:
            when = day.isoformat()
        elif roll < 0.6:
            when = f"{day:%Y-%m}"
        elif roll < 0.7:
            when = f"--{day:%m-%d}"
        elif roll < 0.8:
            when = f"--{day:%m}"
        elif roll < 0.9:
            when, date_text = None, f"on {WEEKDAYS[day.weekday()]}"
        else:
            when = None
        kind = rng.choice(["leaders_summit", "leaders_summit", "ministerial_meeting", "other_meeting"])
        if rng.random() < 0.1:  # a report naming only the visitor
            people, kind = people[:1], "state_visit"
        return summit(
            spelled(people),
            city if mention == "primary" or rng.random() < 0.6 else None,
            when,
            mention=mention,
            status="planned" if planned else status,
            country=country if rng.random() < 0.8 else None,
            date_text=date_text,
            kind=kind,
        )

    out = []
    for number in range(count):
        meeting = rng.choice(meetings)
        published = None if rng.random() < 0.25 else meeting[3] + timedelta(days=rng.randint(-10, 3))
        others = [report(rng.choice(meetings), published, "background") for _ in range(rng.choice([0, 0, 1, 2]))]
        out.append(article(f"a{number:03d}", report(meeting, published, "primary"), *others, published=published and published.isoformat()))
    return out


def extracted_again(extraction: ArticleExtraction, rng: random.Random) -> ArticleExtraction:
    """The article as a new rule or model might extract it: a city, a date or a summit otherwise."""
    summits = list(extraction.summits)
    index = rng.randrange(len(summits))
    chosen = summits[index]
    roll = rng.random()
    if roll < 0.3:
        summits[index] = chosen.model_copy(update={"location": Location(city=rng.choice(["Bergen", "Hanoi", None]), country=None)})
    elif roll < 0.6:
        summits[index] = chosen.model_copy(update={"date": rng.choice([None, "2027-05", "--03", chosen.date]), "date_precision": "unknown"})
    elif roll < 0.8 and len(summits) > 1:
        del summits[index]
    else:
        summits[index] = chosen.model_copy(update={"mention": "background" if chosen.mention == "primary" else "primary"})
    return extraction.model_copy(update={"summits": summits})


def key(extraction: ArticleExtraction, version: int = 0) -> str:
    return storage_key(extraction.article_id, extraction.source.published, "test", "test", code=str(version))


def expected(extractions) -> list[str]:
    return [event_line(event) for event in reconcile_events(extractions)]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request):
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "postgres_store")


def feed(store: EventStore, batch: list[ArticleExtraction], rng: random.Random, *, check_every: int = 1) -> dict[str, ArticleExtraction]:
    """Save the batch one extraction at a time, a third of the time also extracting a stored article
    again; the stored events must equal the batch reconciler's at every ``check_every``-th save."""
    current: dict[str, ArticleExtraction] = {}
    version: dict[str, int] = {}
    saves = 0
    for extraction in batch:
        todo = [extraction]
        if current and rng.random() < 0.3:
            todo.append(extracted_again(current[rng.choice(sorted(current))], rng))
        for item in todo:
            version[item.article_id] = version.get(item.article_id, -1) + 1
            assert store.save(key(item, version[item.article_id]), item, model_identity="test").created
            current[item.article_id] = item
            saves += 1
            if saves % check_every == 0:
                assert store.event_lines() == expected(list(current.values())), f"after save {saves} ({item.article_id})"
    assert store.event_lines() == expected(list(current.values()))
    return current


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_store_fed_linked_reports_equals_the_batch_after_every_save(sqlite_store, seed):
    batch = reports(seed, 90)
    with EventStore(sqlite_store) as store:
        feed(store, batch, random.Random(seed))


def test_the_same_on_postgresql(postgres_store):
    batch = reports(4, 60)
    with EventStore(postgres_store) as store:
        feed(store, batch, random.Random(4), check_every=5)


def test_a_region_too_large_reconciles_everything_and_stays_equal(store_url, monkeypatch):
    monkeypatch.setattr(incremental, "MAX_REGION_MENTIONS", 3)
    batch = reports(5, 30)
    with EventStore(store_url) as store:
        feed(store, batch, random.Random(5), check_every=3)


def test_concurrent_writers_saving_linked_reports_on_postgresql_end_equal_to_the_batch(postgres_store):
    """Four writers, each its own connection, save reports of the same six people at once (and
    every report is delivered to two of them): the store ends with the batch reconciler's events."""
    batch = reports(6, 120)
    shares = [[e for n, e in enumerate(batch) if n % 4 in (w, (w + 1) % 4)] for w in range(4)]
    stores = [EventStore(postgres_store) for _ in shares]
    errors: list[BaseException] = []

    def write(store, share):
        try:
            for extraction in random.Random(len(share)).sample(share, len(share)):
                store.save(key(extraction), extraction, model_identity="test")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(store, share)) for store, share in zip(stores, shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not errors
        assert sorted(e.article_id for e in stores[0].extractions()) == sorted(e.article_id for e in batch)
        assert stores[0].event_lines() == expected(batch)
    finally:
        for store in stores:
            store.close()


def test_a_store_written_before_the_index_existed_is_indexed_on_open(sqlite_store):
    """A store at the first schema (events and extractions only) gets its index when a worker of
    this version opens it; saves go on from there, equal to the batch."""
    batch = reports(7, 40)
    stored, later = batch[:30], batch[30:]
    engine = make_engine(sqlite_store)
    config = Config()
    config.set_main_option("script_location", "extractor.store:migrations")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for extraction in stored:
            connection.execute(
                extractions_table.insert().values(
                    storage_key=key(extraction),
                    article_id=extraction.article_id,
                    model="test",
                    prompt_version="test",
                    schema_version=extraction.provenance.schema_version,
                    record=extraction.model_dump_json(),
                )
            )
        for event in reconcile_events(stored):
            connection.execute(
                events_table.insert().values(
                    event_id=event.event_id,
                    record=event_line(event),
                    sort_date=event.date or "",
                    sort_title=event.title,
                    revision=1,
                    removed=False,
                )
            )
    engine.dispose()
    with EventStore(sqlite_store) as store:
        assert store.event_lines() == expected(stored)
        for extraction in later:
            store.save(key(extraction), extraction, model_identity="test")
            assert store.event_lines() == expected(stored + later[: later.index(extraction) + 1])
