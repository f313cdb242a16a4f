"""The reconciler: many articles' mentions become one event per real meeting, settled by named rules."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

import extractor.reconcile as reconcile
from extractor.evaluate.gold import gold_article_id, gold_to_extractions, load_gold
from extractor.reconcile import pairwise_scores, reconcile_events
from schemas import Actor, ArticleExtraction, Event, Evidence, Location, Pledge, Provenance, SourceMeta, Summit
from tests.support.paths import SEED_GOLD as GOLD_PATH

RULES = {"only_value", "more_precise", "primary_mention", "near_publication", "agreeing_sources", "tie_break"}

LEE, TAKAICHI, ISHIBA = "Lee Jae-myung", "Sanae Takaichi", "Shigeru Ishiba"
AHN, KOIZUMI = "Ahn Gyu-back", "Shinjiro Koizumi"


# --- helpers ------------------------------------------------------------------------------------


def summit(
    people,
    city=None,
    date=None,
    *,
    kind="leaders_summit",
    status="held",
    mention="primary",
    country=None,
    precision=None,
    pledges=(),
    title=None,
    date_text=None,
    evidence=(),
) -> Summit:
    if precision is None:
        precision = {10: "day", 5: "day", 7: "month", 4: "month"}.get(len(date), "year") if date else "unknown"
    return Summit(
        title=title or f"{' – '.join(people)} meeting in {city or 'somewhere'}",
        kind=kind,
        status=status,
        date=date,
        date_precision=precision,
        date_text=date_text,
        location=Location(city=city, country=country),
        participants=list(people),
        pledges=[Pledge(description=d, domain=dom, parties=list(people)) for dom, d in pledges],
        mention=mention,
        evidence=[Evidence(quote=q, start=0, end=len(q)) for q in evidence],
    )


def article(article_id, *summits, published=None, outlet=None, actors=()) -> ArticleExtraction:
    return ArticleExtraction(
        article_id=article_id,
        source=SourceMeta(published=published, outlet=outlet, file=f"{article_id}.txt"),
        summits=list(summits),
        actors=list(actors),
        provenance=Provenance(model="test", prompt_version="test"),
    )


def groups(events) -> list[set[tuple[str, int]]]:
    return [{(m.article_id, m.summit_index) for m in e.mentions} for e in events]


def event_of(events, article_id, index=0) -> Event:
    return next(e for e in events if any((m.article_id, m.summit_index) == (article_id, index) for m in e.mentions))


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD_PATH)


@pytest.fixture(scope="module")
def gold_events(gold):
    return reconcile_events(gold_to_extractions(gold))


def gold_groups(gold) -> dict[str, set[tuple[str, int]]]:
    """Mentions by event_key, indexed as gold_to_extractions numbers them (optional ones left out)."""
    out: dict[str, set] = {}
    for file, art in sorted(gold.articles.items()):
        for index, mention in enumerate(m for m in art.summits if not m.optional):
            out.setdefault(mention.event_key, set()).add((gold_article_id(file), index))
    return out


# --- the gold ---------------------------------------------------------------------------------


def test_gold_perfect_input_reconciles_into_exactly_the_gold_events(gold, gold_events):
    expected = gold_groups(gold)
    scores = pairwise_scores(groups(gold_events), expected.values())
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)
    assert sorted(map(sorted, groups(gold_events))) == sorted(map(sorted, expected.values()))
    for key, gold_event in gold.events.items():
        event = event_of(gold_events, *sorted(expected[key])[0])
        assert (event.date, event.city, event.country) == (gold_event.date, gold_event.city, gold_event.country), key
        assert event.source_count == len(gold_event.sources)


def test_example_articles_gold_reconciles_into_exactly_its_events():
    """The ten example articles: Andong planned then held, Tokyo then Busan, three pairs in Miami."""
    examples = load_gold(Path(__file__).resolve().parents[2] / "examples" / "gold.json")
    events = reconcile_events(gold_to_extractions(examples))
    expected = gold_groups(examples)
    assert pairwise_scores(groups(events), expected.values()).f1 == 1.0
    assert sorted(map(sorted, groups(events))) == sorted(map(sorted, expected.values()))
    andong = event_of(events, *sorted(expected["lee-takaichi-andong-2026-06"])[0])
    assert (andong.status, andong.date) == ("held", "2026-06-13")


def test_seoul_date_resolves_to_the_primary_day_with_the_conflict_listed(gold_events):
    seoul = event_of(gold_events, gold_article_id("003_b4cdf23c61951344.txt"))
    assert (seoul.date, seoul.date_precision, seoul.city) == ("2026-06-28", "day", "Seoul")
    [conflict] = seoul.conflicts
    assert conflict.field == "date" and conflict.chosen == "2026-06-28"
    assert conflict.rule in RULES and conflict.rule in conflict.why
    assert {v.value for v in conflict.values} == {"2026-06-28", "--09"}
    by_value = {v.value: v for v in seoul.fields["date"].values}
    assert by_value["--09"].sources == [gold_article_id("002_6ee9234a710e1662.txt")]
    assert by_value["--09"].quotes == ["September"]
    assert seoul.fields["date"].chosen == "2026-06-28" and 0 < seoul.fields["date"].confidence < 1


def test_gold_events_without_disagreement_list_no_conflicts(gold_events):
    assert [e.city for e in gold_events if e.conflicts] == ["Seoul"]
    nara = next(e for e in gold_events if e.city == "Nara")
    # A dated report and an undated one agree: the date is chosen by precision, not disputed.
    assert (nara.date, nara.fields["date"].rule) == ("2026-01-13", "more_precise")


# --- grouping ---------------------------------------------------------------------------------


def test_planned_then_held_is_one_event_now_held():
    events = reconcile_events(
        [
            article("planned", summit([TAKAICHI, LEE], "Andong", "2026-06", status="planned"), published="2026-05-11"),
            article("held", summit([LEE, TAKAICHI], "Andong", "2026-06-13"), published="2026-06-15"),
        ]
    )
    [event] = events
    assert (event.status, event.date, event.source_count) == ("held", "2026-06-13", 2)
    assert event.fields["status"].rule == "latest_report"
    # A plan then a meeting: one event, and the disagreement recorded (the gold format's
    # convention: planned-then-held reports are status conflicts), settled by the furthest stage.
    [conflict] = event.conflicts
    assert (conflict.field, conflict.chosen, conflict.rule) == ("status", "held", "latest_report")


def test_same_pair_in_different_cities_stays_apart():
    events = reconcile_events(
        [
            article("tokyo", summit([LEE, ISHIBA], "Tokyo", "2025-08-23"), published="2025-08-23"),
            article(
                "busan",
                summit([ISHIBA, LEE], "Busan", "2025-09-30"),
                summit([LEE, ISHIBA], "Tokyo", "2025-08", mention="background"),
                published="2025-09-30",
            ),
        ]
    )
    assert sorted(map(sorted, groups(events))) == [[("busan", 0)], [("busan", 1), ("tokyo", 0)]]


def test_different_pairs_in_one_city_in_one_week_stay_apart():
    events = reconcile_events(
        [
            article(
                "g20-a",
                summit([LEE, "Anthony Albanese"], "Miami", "2026-12-14"),
                summit([TAKAICHI, "Mark Carney"], "Miami", "2026-12-15"),
                summit(["Prabowo Subianto", "Luiz Inácio Lula da Silva"], "Miami", "2026-12-15"),
            ),
            article("g20-b", summit(["Mark Carney", TAKAICHI], "Miami", "2026-12-15")),
        ]
    )
    assert sorted(map(sorted, groups(events))) == [[("g20-a", 0)], [("g20-a", 1), ("g20-b", 0)], [("g20-a", 2)]]


def test_two_day_precise_reports_on_different_days_are_two_meetings():
    events = reconcile_events(
        [
            article("june", summit([AHN, KOIZUMI], "Seoul", "2025-06-28", kind="ministerial_meeting")),
            article("sept", summit([AHN, KOIZUMI], "Seoul", "2025-09-30", kind="ministerial_meeting")),
            # A passing "in September" fits the September meeting without contradiction: it goes there.
            article("later", summit([AHN, KOIZUMI], "Seoul", "--09", kind="ministerial_meeting", mention="background")),
        ]
    )
    assert sorted(map(sorted, groups(events))) == [[("june", 0)], [("later", 0), ("sept", 0)]]
    assert all(e.conflicts == [] for e in events)


def test_a_weak_date_never_crosses_a_city():
    events = reconcile_events(
        [
            article("seoul", summit([AHN, KOIZUMI], "Seoul", "2026-06-28", kind="ministerial_meeting")),
            article("busan", summit([AHN, KOIZUMI], "Busan", "--09", kind="ministerial_meeting", mention="background")),
            article("nowhere", summit([AHN, KOIZUMI], None, "--09", kind="ministerial_meeting", mention="background")),
        ]
    )
    # A contradicting date joins only when both name the same city: Seoul's report stays alone.
    assert [sorted(g) for g in groups(events) if ("seoul", 0) in g] == [[("seoul", 0)]]


def test_compatible_precisions_merge_without_a_conflict():
    events = reconcile_events(
        [
            article("a", summit([AHN, KOIZUMI], "Seoul", "2026-06", kind="ministerial_meeting")),
            article("b", summit([AHN, KOIZUMI], "Seoul", "--06-28", kind="ministerial_meeting", mention="background")),
            article("c", summit([AHN, KOIZUMI], "Seoul", "2026-06-28", kind="ministerial_meeting", mention="background")),
        ]
    )
    [event] = events
    assert (event.date, event.fields["date"].rule, event.conflicts) == ("2026-06-28", "more_precise", [])
    assert {v.value for v in event.fields["date"].values} == {"2026-06", "--06-28", "2026-06-28"}
    assert event.fields["date"].confidence == 1.0


def test_a_mention_with_no_city_fits_any_city():
    events = reconcile_events(
        [
            article("a", summit([LEE, ISHIBA], "Tokyo", "2025-08-23")),
            article("b", summit([ISHIBA, LEE], None, "2025-08-23", mention="background")),
        ]
    )
    [event] = events
    assert event.city == "Tokyo" and event.fields["city"].rule == "more_precise"


def test_an_unplaced_undated_mention_joins_only_an_unambiguous_event():
    alone = [article("nara", summit([LEE, TAKAICHI], "Nara", "2026-01-13"))]
    vague = article("vague", summit([LEE, TAKAICHI], mention="background"))
    assert len(reconcile_events(alone + [vague])) == 1  # the pair met once: it is that meeting
    two = alone + [article("andong", summit([LEE, TAKAICHI], "Andong", "2026-06-13"))]
    assert len(reconcile_events(two + [vague])) == 3  # the pair met twice: which one is unknowable


def test_cancelled_and_held_are_different_meetings():
    events = reconcile_events(
        [
            article("cancelled", summit([LEE, TAKAICHI], "Andong", "2026-06", status="cancelled")),
            article("held", summit([LEE, TAKAICHI], "Andong", "2026-06-13")),
        ]
    )
    assert sorted(e.status for e in events) == ["cancelled", "held"]


def test_a_plan_then_its_cancellation_is_one_cancelled_event():
    [event] = reconcile_events(
        [
            article("plan", summit([LEE, TAKAICHI], "Andong", "2026-06", status="planned")),
            article("off", summit([LEE, TAKAICHI], "Andong", "2026-06", status="cancelled")),
        ]
    )
    assert (event.status, event.fields["status"].rule) == ("cancelled", "latest_report")


def test_lone_visitor_of_a_state_visit_joins_the_summit():
    events = reconcile_events(
        [
            article("summit", summit([LEE, ISHIBA], "Tokyo", "2025-08-23")),
            article("visit", summit([LEE], "Tokyo", "2025-08", kind="state_visit", mention="background")),
        ]
    )
    assert groups(events) == [{("summit", 0), ("visit", 0)}]
    assert events[0].participants == [LEE, ISHIBA] and events[0].fields["participants"].rule == "union"


def test_one_shared_person_is_not_enough_outside_a_state_visit():
    events = reconcile_events(
        [
            article("summit", summit([LEE, ISHIBA], "Tokyo", "2025-08-23")),
            article("solo", summit([LEE], "Tokyo", "2025-08", mention="background")),
            article("other", summit([LEE, "Donald Trump"], "Tokyo", "2025-08-23")),
        ]
    )
    assert len(events) == 3


def test_subset_of_participants_with_two_shared_joins():
    events = reconcile_events(
        [
            article("three", summit([LEE, TAKAICHI, "Donald Trump"], "Lima", "2026-11-02", kind="multilateral_summit")),
            article("two", summit([TAKAICHI, LEE], "Lima", "2026-11-02", kind="multilateral_summit")),
            article("other-two", summit(["Donald Trump", "Xi Jinping"], "Lima", "2026-11-02", kind="multilateral_summit")),
        ]
    )
    assert sorted(map(sorted, groups(events))) == [[("other-two", 0)], [("three", 0), ("two", 0)]]


def test_mentions_of_one_article_are_never_merged():
    events = reconcile_events([article("a", summit([LEE, TAKAICHI], "Nara"), summit([LEE, TAKAICHI], "Nara"))])
    assert len(events) == 2


# --- merging ----------------------------------------------------------------------------------


def test_spelling_variants_are_one_actor_with_every_spelling():
    spellings = ["Lee Jae Myung", "Lee Jae\u2011Myung", "Lee Jae-myung"]
    articles = [
        article(
            f"a{n}",
            summit([name, ISHIBA], "Tokyo", "2025-08-23"),
            actors=[Actor(name=name, canonical_name=name, spellings=[name], role="President", country="KR")],
        )
        for n, name in enumerate(spellings)
    ]
    [event] = reconcile_events(articles)
    lee = next(a for a in event.actors if a.canonical_name.startswith("Lee"))
    assert set(lee.spellings) == set(spellings)
    assert (lee.role, lee.country, lee.sources) == ("President", "KR", ["a0", "a1", "a2"])
    assert len(event.participants) == 2 and len(event.actors) == 2


def test_similar_pledges_merge_with_every_wording():
    [event] = reconcile_events(
        [
            article(
                "a",
                summit(
                    [AHN, KOIZUMI],
                    "Seoul",
                    "2026-06-28",
                    kind="ministerial_meeting",
                    pledges=[("technology_ai", "cooperation on AI"), ("defense", "joint search-and-rescue drills")],
                ),
            ),
            article(
                "b",
                summit(
                    [AHN, KOIZUMI],
                    "Seoul",
                    "2026-06-28",
                    kind="ministerial_meeting",
                    pledges=[("technology_ai", "cooperation on AI and advanced science")],
                ),
            ),
        ]
    )
    ai = next(p for p in event.pledges if p.domain == "technology_ai")
    assert ai.sources == ["a", "b"]
    assert ai.descriptions == ["cooperation on AI", "cooperation on AI and advanced science"]
    assert [p.domain for p in event.pledges] == ["defense", "technology_ai"]


def test_counts_and_event_id():
    [event] = reconcile_events(
        [
            article("a", summit([LEE, ISHIBA], "Tokyo", "2025-08-23"), outlet="Yonhap"),
            article("b", summit([LEE, ISHIBA], "Tokyo", "2025-08-23"), outlet="Yonhap"),
            article("c", summit([LEE, ISHIBA], "Tokyo", "2025-08-23")),
        ]
    )
    assert (event.source_count, event.outlet_count) == (3, 2)
    payload = json.dumps([["a", 0], ["b", 0], ["c", 0]], separators=(",", ":"))
    assert event.event_id == hashlib.sha256(payload.encode()).hexdigest()[:16]


def test_quotes_are_kept_with_values():
    [event] = reconcile_events(
        [
            article(
                "a", summit([LEE, ISHIBA], "Tokyo", "2025-08-23", date_text="August 23", evidence=["Lee met Ishiba in Tokyo on August 23"])
            ),
        ]
    )
    assert event.fields["date"].values[0].quotes == ["August 23"]
    assert event.fields["city"].values[0].quotes == ["Lee met Ishiba in Tokyo on August 23"]


# --- determinism and the contract --------------------------------------------------------------


def _mixed_input(gold) -> list[ArticleExtraction]:
    return gold_to_extractions(gold) + [
        article("planned", summit([TAKAICHI, LEE], "Andong", "2026-06", status="planned"), published="2026-05-11"),
        article("held", summit([LEE, TAKAICHI], "Andong", "2026-06-13"), published="2026-06-15", outlet="Gyeongbuk"),
        article(
            "busan",
            summit([ISHIBA, LEE], "Busan", "2025-09-30"),
            summit([LEE, ISHIBA], "Tokyo", "2025-08", mention="background"),
            published="2025-09-30",
        ),
        article("vague", summit([AHN, KOIZUMI], kind="ministerial_meeting", mention="background")),
    ]


def test_any_input_order_gives_byte_identical_events(gold):
    extractions = _mixed_input(gold)
    expected = [e.model_dump_json() for e in reconcile_events(extractions)]
    rng = random.Random(7)
    for _ in range(30):
        shuffled = extractions[:]
        rng.shuffle(shuffled)
        assert [e.model_dump_json() for e in reconcile_events(shuffled)] == expected


def test_events_round_trip_through_json(gold):
    for event in reconcile_events(_mixed_input(gold)):
        assert Event.model_validate_json(event.model_dump_json()) == event


def test_every_field_is_resolved_with_a_named_rule(gold):
    for event in reconcile_events(_mixed_input(gold)):
        assert set(event.fields) == {"city", "country", "date", "kind", "participants", "status", "title"}
        for name, resolution in event.fields.items():
            assert resolution.rule in RULES | {"latest_report", "union", "no_value"}, name
            assert 0.0 <= resolution.confidence <= 1.0


def test_events_are_sorted_by_date_title_and_id(gold):
    events = reconcile_events(_mixed_input(gold))
    assert [(e.date or "", e.title, e.event_id) for e in events] == sorted((e.date or "", e.title, e.event_id) for e in events)


def test_public_surface():
    assert sorted(reconcile.__all__) == ["PairwiseScores", "event_id", "iter_events", "link_keys", "pairwise_scores", "reconcile_events"]


def test_streamed_events_are_the_listed_events_in_their_sorted_order():
    extractions = gold_to_extractions(load_gold(GOLD_PATH))
    streamed = [e.model_dump_json() for e in reconcile.iter_events(extractions)]
    events = reconcile.reconcile_events(extractions)
    assert streamed == [e.model_dump_json() for e in events]
    assert [(e.date or "", e.title, e.event_id) for e in events] == sorted((e.date or "", e.title, e.event_id) for e in events)


# --- scoring ----------------------------------------------------------------------------------


def test_pairwise_scores():
    gold = [{1, 2, 3}, {4}]
    assert pairwise_scores([{1, 2, 3}, {4}], gold).f1 == 1.0
    merged_all = pairwise_scores([{1, 2, 3, 4}], gold)
    assert (merged_all.true_pairs, merged_all.predicted_pairs, merged_all.gold_pairs) == (3, 6, 3)
    assert (merged_all.precision, merged_all.recall) == (0.5, 1.0)
    split = pairwise_scores([{1}, {2}, {3}, {4}], gold)
    assert (split.precision, split.recall, split.f1) == (1.0, 0.0, 0.0)
    assert pairwise_scores([{1, 5}], [{1}, {5}]).precision == 0.0  # an unknown item is its own group


def test_benchmark_input_reconciles_with_few_wrong_merges():
    """The benchmark's generator (spelling and date noise, repeat meetings) at a small size."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("reconcile_bench", Path(__file__).resolve().parents[2] / "bench" / "reconcile_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    extractions, truth = bench.generate(2000, seed=1)
    events = reconcile_events(extractions)
    gold: dict[int, list] = {}
    for key, event in truth:
        gold.setdefault(event, []).append(key)
    scores = pairwise_scores(groups(events), gold.values())
    assert scores.precision >= 0.99 and scores.recall >= 0.9
    assert sum(len(e.mentions) for e in events) == len(truth)
