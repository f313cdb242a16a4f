"""The scorer: gold-perfect runs score 1.0, each kind of mistake costs exactly what it should."""

from __future__ import annotations

import json

import pytest

from extractor.evaluate.compare import date_matches_gold, dates_contradict
from extractor.evaluate.gold import gold_article_id, gold_to_extractions, load_gold
from extractor.evaluate.score import render_table, score_extractions
from schemas import ArticleExtraction, Conflict, Event, Location, Pledge, Provenance, SeenValue, SourceMeta, SourceRef, Summit
from tests.support.paths import SEED_GOLD as GOLD_PATH

NARA_000 = "000_5a900fc63a525a56.txt"  # Nara (primary), Andong (background)
NARA_001 = "001_fe47e797289523ac.txt"  # Nara, APEC sidelines, an optional reciprocal visit
YOKOSUKA_002 = "002_6ee9234a710e1662.txt"  # Yokosuka (primary), Seoul in September
SEOUL_003 = "003_b4cdf23c61951344.txt"  # Seoul on June 28
TOKYO_004 = "004_c5b0b4fb1f035136.txt"  # Tokyo (no date), Washington (planned)


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD_PATH)


@pytest.fixture
def perfect(gold):
    """Gold-perfect extractions by file; each test may change its own copies."""
    return {ext.source.file: ext for ext in gold_to_extractions(gold)}


def metrics(report) -> dict:
    """Every headline number of a report, to compare whole against what a test expects."""
    out = {
        name: (counts.tp, counts.fp, counts.fn)
        for name, counts in (
            ("mentions", report.mentions),
            ("primary", report.primary_mentions),
            ("participants", report.participants),
            ("pledges", report.pledge_domains),
        )
    }
    out.update({name: (acc.correct, acc.total) for name, acc in report.fields.items()})
    return out


PERFECT = {
    "mentions": (9, 0, 0),
    "primary": (5, 0, 0),
    "participants": (18, 0, 0),
    "pledges": (25, 0, 0),
    **dict.fromkeys(("status", "kind", "date", "city", "country", "mention"), (9, 9)),
}


def test_gold_perfect_extractions_score_one(gold, perfect):
    report = score_extractions(gold, list(perfect.values()))
    assert metrics(report) == PERFECT
    for counts in (report.mentions, report.primary_mentions, report.participants, report.pledge_domains):
        assert counts.precision == counts.recall == counts.f1 == 1.0
    assert all(acc.accuracy == 1.0 for acc in report.fields.values())
    assert report.errors == [] and report.missing_files == [] and report.unmatched_files == []
    assert report.reconciliation is None


def test_each_perturbation_costs_exactly_its_metric(gold, perfect):
    # An invented date where the gold has none: still the same meeting, but the date is wrong.
    perfect[TOKYO_004].summits[0].date = "2025-08-23"
    # A participant left out: still matched through the other one.
    perfect[NARA_000].summits[0].participants = ["Lee Jae-myung"]
    # A meeting the article does not report.
    perfect[YOKOSUKA_002].summits.append(
        Summit(
            title="Ahn–Kim talks in Busan",
            kind="ministerial_meeting",
            status="held",
            mention="background",
            location=Location(city="Busan", country="KR"),
            participants=["Ahn Gyu-back", "Kim Min-seok"],
        )
    )
    # A pledge filed under the wrong domain: "defense" -> "energy_climate".
    seoul = perfect[SEOUL_003].summits[0]
    seoul.pledges = [p if p.domain != "defense" else p.model_copy(update={"domain": "energy_climate"}) for p in seoul.pledges]

    report = score_extractions(gold, list(perfect.values()))

    assert metrics(report) == PERFECT | {
        "mentions": (9, 1, 0),
        "date": (8, 9),
        "participants": (17, 0, 1),
        "pledges": (24, 1, 1),
    }
    assert report.mentions.precision == pytest.approx(0.9)
    assert report.participants.recall == pytest.approx(17 / 18)
    assert report.pledge_domains.precision == report.pledge_domains.recall == pytest.approx(24 / 25)
    assert {(e.file, e.field) for e in report.errors} == {
        (TOKYO_004, "date"),
        (NARA_000, "participants"),
        (SEOUL_003, "pledge_domains"),
    }
    assert next(a for a in report.articles if a.file == YOKOSUKA_002).false_positives == [2]


def test_contradicting_date_is_a_different_meeting(gold, perfect):
    perfect[SEOUL_003].summits[0].date = "2026-07-28"  # gold says 2026-06-28
    report = score_extractions(gold, list(perfect.values()))
    assert report.mentions.model_dump(include={"tp", "fp", "fn"}) == {"tp": 8, "fp": 1, "fn": 1}
    assert (report.primary_mentions.tp, report.primary_mentions.fp, report.primary_mentions.fn) == (4, 1, 1)
    assert report.fields["date"].total == 8


def test_aliases_and_nonbreaking_hyphen_match_canonical_names(gold, perfect):
    perfect[TOKYO_004].summits[0].participants = ["Lee Jae\u2011Myung", "Ishiba"]
    perfect[NARA_000].summits[0].participants = ["President Lee", "prime minister takaichi"]
    perfect[NARA_001].summits[0].participants = ["LEE JAE MYUNG", "Sanae  Takaichi"]
    assert metrics(score_extractions(gold, list(perfect.values()))) == PERFECT


@pytest.mark.parametrize(
    ("extracted", "gold_date", "right"),
    [
        ("2026-06-28", "--06-28", True),
        ("2026-06-28", "2026-06", True),
        ("2026-06-28", "2026", True),
        ("2026-06-28", "2026-06-28", True),
        ("--06-28", "2026-06-28", False),  # less precise than the gold: the year is missing
        ("2026-06", "2026-06-28", False),
        ("2026-06-27", "--06-28", False),
        ("2026-06-28", None, False),  # the article gives no date: this one is invented
        (None, None, True),
        (None, "2026-06", False),
    ],
)
def test_date_is_compared_at_gold_precision(extracted, gold_date, right):
    assert date_matches_gold(extracted, gold_date) is right


@pytest.mark.parametrize(
    ("a", "b", "contradict"),
    [
        ("2026-06-28", "--06-28", False),
        ("2026-06-28", "2026-06", False),
        ("2026", "--09", False),
        ("2026-06-28", "--09", True),
        ("2026-06-28", "2025", True),
        ("2026-06-28", None, False),
        (None, None, False),
    ],
)
def test_dates_contradict_only_on_a_shared_component(a, b, contradict):
    assert dates_contradict(a, b) is contradict
    assert dates_contradict(b, a) is contradict


def test_less_precise_date_keeps_the_match_but_costs_date_accuracy(gold, perfect):
    perfect[YOKOSUKA_002].summits[1].date = "2025-09-14"  # gold "--09": more precise is fine
    perfect[NARA_000].summits[0].date = "--01-13"  # gold "2026-01-13": the year is missing
    report = score_extractions(gold, list(perfect.values()))
    assert metrics(report) == PERFECT | {"date": (8, 9)}
    assert [(e.file, e.field) for e in report.errors] == [(NARA_000, "date")]


def test_optional_mention_and_optional_domains_are_neither_rewarded_nor_penalised(gold, perfect):
    # 001's borderline reciprocal visit: having it is not scored ...
    perfect[NARA_001].summits.append(
        Summit(
            title="Lee visit to Japan",
            kind="state_visit",
            status="planned",
            mention="background",
            location=Location(country="JP"),
            participants=["Lee Jae-myung"],
        )
    )
    # ... nor are optional domains, extracted or not (000's regional_security; 003 leaves out nothing).
    nara = perfect[NARA_000].summits[0]
    nara.pledges.append(Pledge(description="regional stability", domain="regional_security"))
    report = score_extractions(gold, list(perfect.values()))
    assert metrics(report) == PERFECT
    pairs = next(a for a in report.articles if a.file == NARA_001).matched
    assert [(p.extracted_index, p.event_key, p.optional) for p in pairs][-1] == (2, "lee-visit-japan-reciprocal", True)


def test_one_to_one_matching_counts_a_repeated_summit_once(gold, perfect):
    perfect[TOKYO_004].summits.append(perfect[TOKYO_004].summits[0].model_copy(deep=True))
    report = score_extractions(gold, list(perfect.values()))
    assert metrics(report) == PERFECT | {"mentions": (9, 1, 0), "primary": (5, 1, 0)}


def test_missing_and_unknown_files(gold, perfect):
    del perfect[YOKOSUKA_002]  # both its mentions missed
    stray = perfect[TOKYO_004].model_copy(update={"source": SourceMeta(file="elsewhere/999_other.txt")})
    renamed = perfect[SEOUL_003].model_copy(update={"source": SourceMeta(file="/data/in/003_b4cdf23c61951344.json")})
    del perfect[SEOUL_003]
    report = score_extractions(gold, [*perfect.values(), renamed, stray])
    assert report.missing_files == [YOKOSUKA_002]
    assert report.unmatched_files == ["elsewhere/999_other.txt"]
    assert (report.mentions.tp, report.mentions.fp, report.mentions.fn) == (7, 0, 2)
    assert (report.primary_mentions.tp, report.primary_mentions.fn) == (4, 1)
    assert report.fields["date"].total == 7  # fields are scored on matched mentions only


CUSTOM_GOLD = {
    "format": "summit-gold/1",
    "domains": ["trade", "fisheries"],
    "actors": [
        {"name": "Ana Ruiz-Ortega", "aliases": ["Minister Ruiz"], "role": "Minister", "country": "ES"},
        {"name": "Tomás Brandão", "aliases": ["Brandao"], "role": "Minister", "country": "PT"},
    ],
    "articles": {
        "lisbon.md": {
            "published": "2030-03-02",
            "summits": [
                {
                    "event_key": "porto-talks",
                    "mention": "primary",
                    "kind": "ministerial_meeting",
                    "status": "held",
                    "date": "2030-03",
                    "date_precision": "month",
                    "city": "Porto",
                    "country": "PT",
                    "participants": ["Ana Ruiz-Ortega", "Tomás Brandão"],
                    "pledge_domains": ["fisheries"],
                    "optional_pledge_domains": ["trade"],
                },
            ],
        },
        "madrid.md": {
            "published": None,
            "summits": [
                {
                    "event_key": "porto-talks",
                    "mention": "background",
                    "kind": "ministerial_meeting",
                    "status": "held",
                    "date": None,
                    "city": "Porto",
                    "country": "PT",
                    "participants": ["Ana Ruiz-Ortega", "Tomás Brandão"],
                },
            ],
        },
    },
    "events": {
        "porto-talks": {"date": "2030-03", "city": "Porto", "country": "PT", "sources": ["lisbon.md", "madrid.md"], "conflicts": []}
    },
}


def _extraction(file: str, *summits: Summit) -> ArticleExtraction:
    return ArticleExtraction(
        article_id=file, source=SourceMeta(file=file), summits=list(summits), provenance=Provenance(model="test", prompt_version="test")
    )


def test_any_gold_file_in_the_format_works(tmp_path):
    path = tmp_path / "custom.gold.json"
    path.write_text(json.dumps(CUSTOM_GOLD, ensure_ascii=False), encoding="utf-8")
    gold = load_gold(path)
    lisbon = Summit(
        title="Ruiz–Brandão talks in Porto",
        kind="ministerial_meeting",
        status="held",
        date="2030-03-01",
        location=Location(city="PORTO", country="PT"),
        participants=["Minister Ruiz", "Brandao"],
        pledges=[Pledge(description="quotas", domain="other"), Pledge(description="tariffs", domain="economy_trade")],
    )
    madrid = Summit(
        title="Ruiz–Brandão talks in Porto",
        kind="ministerial_meeting",
        status="held",
        mention="background",
        location=Location(city="Pórto", country="PT"),
        participants=["ana ruiz\u2011ortega"],
    )
    report = score_extractions(gold, [_extraction("in/lisbon.md", lisbon), _extraction("madrid.md", madrid)])
    assert (report.mentions.tp, report.mentions.fp, report.mentions.fn) == (2, 0, 0)
    assert report.fields["date"].correct == report.fields["city"].correct == 2
    assert (report.participants.tp, report.participants.fn) == (3, 1)
    # Neither extracted domain is the gold's: "other" is wrong, "economy_trade" is not optional here.
    assert (report.pledge_domains.tp, report.pledge_domains.fp, report.pledge_domains.fn) == (0, 2, 1)


# Reconciliation: events built by hand from the gold-perfect extractions.


def _gold_groups(gold) -> dict[str, list[tuple[str, int]]]:
    """(article_id, summit index) of each gold-perfect extracted summit, by event_key."""
    groups: dict[str, list[tuple[str, int]]] = {}
    for file, article in sorted(gold.articles.items()):
        required = [m for m in article.summits if not m.optional]  # what gold_to_extractions keeps
        for index, mention in enumerate(required):
            groups.setdefault(mention.event_key, []).append((gold_article_id(file), index))
    return groups


def _event(event_id: str, refs, date: str | None = None, conflicts=()) -> Event:
    return Event(
        event_id=event_id,
        title=event_id,
        kind="leaders_summit",
        status="held",
        date=date,
        mentions=[SourceRef(article_id=a, summit_index=i) for a, i in refs],
        conflicts=list(conflicts),
        source_count=len(refs),
        outlet_count=len(refs),
    )


DATE_CONFLICT = Conflict(
    field="date",
    chosen="2026-06-28",
    rule="more_precise",
    why="a day beats a month",
    values=[SeenValue(value="2026-06-28", sources=["003"]), SeenValue(value="--09", sources=["002"])],
)


def _perfect_events(gold, seoul_date="2026-06-28", seoul_conflicts=(DATE_CONFLICT,)) -> list[Event]:
    return [
        _event(key, refs, *((seoul_date, seoul_conflicts) if key == "ahn-koizumi-seoul" else ()))
        for key, refs in _gold_groups(gold).items()
    ]


def test_reconciliation_perfect_grouping(gold, perfect):
    report = score_extractions(gold, list(perfect.values()), _perfect_events(gold))
    rec = report.reconciliation
    assert (rec.pairwise.tp, rec.pairwise.fp, rec.pairwise.fn) == (2, 0, 0)  # the Nara pair, the Seoul pair
    assert rec.pairwise.f1 == 1.0
    assert [(c.event_key, c.field, c.passed) for c in rec.conflicts] == [("ahn-koizumi-seoul", "date", True)]


def test_reconciliation_everything_merged_loses_precision(gold, perfect):
    everything = [ref for refs in _gold_groups(gold).values() for ref in refs]
    rec = score_extractions(gold, list(perfect.values()), [_event("all", everything)]).reconciliation
    assert (rec.pairwise.tp, rec.pairwise.fp, rec.pairwise.fn) == (2, 34, 0)  # 36 pairs of 9 mentions
    assert rec.pairwise.recall == 1.0
    assert rec.pairwise.precision == pytest.approx(2 / 36)


def test_reconciliation_nothing_merged_loses_recall(gold, perfect):
    rec = score_extractions(gold, list(perfect.values()), []).reconciliation
    assert (rec.pairwise.tp, rec.pairwise.fp, rec.pairwise.fn, rec.not_in_any_event) == (0, 0, 2, 9)
    assert rec.pairwise.precision is None and rec.pairwise.recall == 0.0
    assert rec.conflicts[0].event_id is None and not rec.conflicts[0].passed


@pytest.mark.parametrize(
    ("date", "conflicts", "holds", "recorded"),
    [
        ("2026-06-28", (DATE_CONFLICT,), True, True),
        ("--09", (DATE_CONFLICT.model_copy(update={"chosen": "--09"}),), False, True),
        ("2026-06-28", (), True, False),
        ("2026-06-28", (DATE_CONFLICT.model_copy(update={"field": "city"}),), True, False),
    ],
)
def test_conflict_passes_only_with_resolved_value_and_recorded_conflict(gold, perfect, date, conflicts, holds, recorded):
    events = _perfect_events(gold, seoul_date=date, seoul_conflicts=conflicts)
    (check,) = score_extractions(gold, list(perfect.values()), events).reconciliation.conflicts
    assert (check.event_id, check.chosen) == ("ahn-koizumi-seoul", date)
    assert (check.holds_resolved, check.recorded, check.passed) == (holds, recorded, holds and recorded)


def test_table_and_json_show_the_numbers_and_their_denominators(gold, perfect):
    del perfect[TOKYO_004]
    report = score_extractions(gold, list(perfect.values()), _perfect_events(gold))
    table = render_table(report)
    assert "mentions P/R/F1" in table and "tp 7  fp 0  fn 2" in table
    assert "date acc" in table and "7/7" in table
    assert "reconcile pairwise P/R/F1" in table and "conflicts resolved" in table and "1/1" in table
    assert f"missing: {TOKYO_004}" in table
    data = json.loads(report.to_json())
    assert data["mentions"]["recall"] == pytest.approx(7 / 9)
    assert data["reconciliation"]["conflicts"][0]["passed"] is True
    assert data == report.model_dump(mode="json")
