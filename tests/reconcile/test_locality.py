"""What the incremental store relies on, and the cost of one meeting with thousands of reports.

The event store (store/event_store.py) re-reconciles only the *component* of a new extraction:
the extractions linked to it through a shared person key or article id. That is exact only if
reconciling a component alone gives the events the whole batch gives for it, whatever else is in
the batch: the rules that link by evidence (spellings, a nearby city, the lifecycle, recency,
the story of an undated article) must never reach outside the component. Checked here on
invented records, and through a real (SQLite) store fed one extraction at a time.
"""

from __future__ import annotations

import random

import extractor.reconcile.merge as merge
import extractor.reconcile.resolution as resolution
from extractor.reconcile import link_keys, reconcile_events
from extractor.reconcile.mentions import flatten
from extractor.store import EventStore, storage_key
from extractor.store.event_store import event_line
from schemas import Location, Pledge, Summit
from tests.reconcile.test_reconcile import article, summit

KAMEYAMA, RAKHMANOV, SOLVANG, ADEBAYO = "Haruto Kameyama", "Aziz Rakhmanov", "Ingrid Solvang", "Oyelaran Adebayo"


def _mixed_batch():
    """Reports that link on evidence (spellings, places, time), and unrelated ones around them."""
    return [
        # One visit over two days, a nearby city, two spellings of each minister.
        article("v1", summit([KAMEYAMA, RAKHMANOV], "Samarkand", "2027-04-12", country="UZ"), published="2027-04-12"),
        article("v2", summit(["Kameyama Haruto", "Aziz Rakhmonov"], "Samarkand", "2027-04-13", country="UZ"), published="2027-04-13"),
        article("v3", summit(["Kameyama", RAKHMANOV], "Bukhara", "2027-04-12", country="UZ"), published="2027-04-13"),
        # Announced, then held elsewhere; then a later plan of the same pair.
        article("p1", summit([SOLVANG, ADEBAYO], "Oslo", "2027-05", status="planned", country="NO"), published="2027-04-30"),
        article("p2", summit([ADEBAYO, SOLVANG], "Bergen", "2027-05-11", country="NO"), published="2027-05-11"),
        article("p3", summit([SOLVANG, ADEBAYO], "Bergen", None, status="planned"), published="2028-03-01"),
        # An undated article recalling the pair's earlier meeting; an undated passing reference.
        article(
            "u1",
            summit([KAMEYAMA, RAKHMANOV], "Osaka", "2027-09-02"),
            summit([KAMEYAMA, RAKHMANOV], "Samarkand", "--04", mention="background"),
        ),
        article("u2", summit([RAKHMANOV, KAMEYAMA], None, None, mention="background"), published="2027-09-20"),
        # Unrelated meetings of other people.
        article("x1", summit(["Rafael Quintero", "Nguyen Thi Lan"], "Hanoi", "2027-10-08")),
        article("x2", summit(["Sione Taufa", "Chen Weiming"], "Nuku'alofa", "2027-03-09")),
    ]


def _components(extractions):
    """Extractions linked through shared ``link_keys`` (a person key or the article id)."""
    links = {e.article_id: link_keys(e) for e in extractions}
    # The keys are what the store links extractions by today (store/event_store.py).
    assert all(
        links[e.article_id] == {("article", e.article_id)} | {("person", p) for row in flatten([e]) for p in row.persons}
        for e in extractions
    )
    parent = {e.article_id: e.article_id for e in extractions}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    holder = {}
    for article_id, keys in links.items():
        for key in keys:
            if key in holder:
                parent[find(article_id)] = find(holder[key])
            holder[key] = article_id
    groups = {}
    for e in extractions:
        groups.setdefault(find(e.article_id), []).append(e)
    return list(groups.values())


def test_each_component_alone_reconciles_as_in_the_batch():
    batch = _mixed_batch()
    whole = sorted(event_line(e) for e in reconcile_events(batch))
    parts = sorted(event_line(e) for component in _components(batch) for e in reconcile_events(component))
    assert parts == whole
    assert len(_components(batch)) >= 3  # the check means something: the batch falls apart


def test_a_store_fed_one_extraction_at_a_time_equals_the_batch(tmp_path):
    batch = _mixed_batch()
    expected = [event_line(e) for e in reconcile_events(batch)]
    for seed in (1, 2):
        order = batch[:]
        random.Random(seed).shuffle(order)
        with EventStore(f"sqlite:///{tmp_path}/store-{seed}.db") as store:
            for extraction in order:
                key = storage_key(extraction.article_id, extraction.source.published, "test", "test")
                store.save(key, extraction, model_identity="test")
            assert store.event_lines() == expected


def _one_meeting(reports: int):
    rng = random.Random(reports)
    syllables = ["ka", "to", "mi", "ra", "ne", "su", "lo", "pe", "vi", "da", "gu", "zo"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))

    return [
        article(
            f"r{n:05d}",
            Summit(
                title=f"Solvang and Adebayo talks on {word()} and {word()}",
                kind="ministerial_meeting",
                status="held",
                date="2027-05-11",
                date_precision="day",
                location=Location(city="Bergen", country="NO"),
                participants=[SOLVANG, ADEBAYO],
                pledges=[
                    Pledge(description=f"agreed to {word()} {word()} {word()} cooperation", domain=domain)
                    for domain in ("defense", "energy_climate")
                ],
            ),
            published="2027-05-12",
        )
        for n in range(reports)
    ]


def test_one_meeting_reported_thousands_of_times_costs_linear_comparisons(monkeypatch):
    """Pledge merging and title choice compare each report with a bounded number of others: four
    times the reports, about four times the similarity computations (not sixteen)."""
    calls = {"n": 0}

    def counting(real):
        def wrapped(*args, **kwargs):
            calls["n"] += 1
            return real(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(merge, "token_set_ratio", counting(merge.token_set_ratio))
    monkeypatch.setattr(resolution, "token_set_ratio", counting(resolution.token_set_ratio))
    counts = []
    for reports in (500, 2000):
        calls["n"] = 0
        [event] = reconcile_events(_one_meeting(reports))
        assert event.source_count == reports
        counts.append(calls["n"])
    assert counts[1] < 6 * counts[0], counts
