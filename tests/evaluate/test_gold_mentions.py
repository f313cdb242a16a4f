"""``evaluate --gold-mentions``: the reconciler alone, on a gold file's own mentions.

The gold here is invented: five articles about two meetings of one pair of ministers and a look-
alike, in invented places and on invented days. One article spells a minister otherwise; one
report places the meeting in a nearby city; one is a plan for a city where the meeting was not
held in the end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.evaluate import load_gold, score_extractions
from extractor.evaluate.gold import gold_to_extractions
from extractor.reconcile import reconcile_events
from tests.test_cli import base_env, run_cli

AMARA, WIERZBICKI = "Amara Okonkwo-Bello", "Tomasz Wierzbicki"


def _mention(event_key, city, date, *, status="held", mention="primary", people=(AMARA, WIERZBICKI), country="PL", optional=False):
    return {
        "event_key": event_key,
        "mention": mention,
        "kind": "ministerial_meeting",
        "status": status,
        "date": date,
        "date_precision": "day" if date and len(date) == 10 else ("month" if date else "unknown"),
        "city": city,
        "country": country,
        "participants": list(people),
        "pledge_domains": [],
        "optional": optional,
    }


GOLD = {
    "format": "summit-gold/1",
    "domains": ["defense"],
    "actors": [
        {"name": AMARA, "aliases": ["Amara Okonkwo Bello", "Okonkwo-Bello"], "role": "Minister of Defence", "country": "NG"},
        {"name": WIERZBICKI, "aliases": ["Wierzbicki"], "role": "Minister of National Defence", "country": "PL"},
    ],
    "articles": {
        "01_plan.txt": {"published": "2027-05-02", "summits": [_mention("gdansk-2027-05", "Warsaw", "2027-05", status="planned")]},
        "02_held.txt": {"published": "2027-05-12", "summits": [_mention("gdansk-2027-05", "Gdansk", "2027-05-11")]},
        "03_nearby.txt": {
            "published": "2027-05-12",
            "summits": [_mention("gdansk-2027-05", "Sopot", "2027-05-11", people=("Okonkwo-Bello", WIERZBICKI))],
        },
        "04_later.txt": {
            "published": "2027-11-20",
            "summits": [
                _mention("abuja-2027-11", "Abuja", "2027-11-19", country="NG"),
                _mention("gdansk-2027-05", "Gdansk", "2027-05", mention="background"),
            ],
        },
        "05_later.txt": {"published": "2027-11-21", "summits": [_mention("abuja-2027-11", "Abuja", "--11-19", country="NG")]},
    },
    "events": {
        "gdansk-2027-05": {
            "date": "2027-05-11",
            "city": "Gdansk",
            "country": "PL",
            "sources": ["01", "02", "03", "04"],
            "conflicts": [
                {"field": "status", "values": ["planned", "held"], "resolved": "held"},
                {"field": "city", "values": ["Warsaw", "Gdansk", "Sopot"], "resolved": "Gdansk"},
            ],
        },
        "abuja-2027-11": {"date": "2027-11-19", "city": "Abuja", "country": "NG", "sources": ["04", "05"], "conflicts": []},
    },
    "non_merge": [{"events": ["gdansk-2027-05", "abuja-2027-11"], "why": "The same pair six months apart."}],
}


@pytest.fixture
def gold_path(tmp_path: Path) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(GOLD), encoding="utf-8")
    return path


def test_gold_mentions_reconcile_into_the_gold_events(gold_path):
    gold = load_gold(gold_path)
    extractions = gold_to_extractions(gold)
    rec = score_extractions(gold, extractions, reconcile_events(extractions)).reconciliation
    assert rec is not None
    assert (rec.pairwise.tp, rec.pairwise.fp, rec.pairwise.fn) == (7, 0, 0)  # 6 Gdansk pairs, 1 Abuja pair
    assert rec.events.model_dump() == {"gold": 2, "split": 0, "mixed": 0, "traps": 1, "traps_merged": 0}
    assert rec.conflict_totals.model_dump() == {"gold": 2, "right_value": 2, "recorded": 2, "passed": 2}
    assert rec.pair_errors.missed == rec.pair_errors.wrong == {}


def test_the_alias_keeps_its_actor_record(gold_path):
    """A mention naming a person by an alias still gets the actor's country (and role)."""
    by_file = {e.source.file: e for e in gold_to_extractions(load_gold(gold_path))}
    [actor] = [a for a in by_file["03_nearby.txt"].actors if a.name == "Okonkwo-Bello"]
    assert (actor.country, actor.role) == ("NG", "Minister of Defence")


def test_wrong_and_missed_pairs_are_counted_by_what_they_share(gold_path):
    gold = load_gold(gold_path)
    extractions = gold_to_extractions(gold)
    # Every mention an event of its own: the pairs of one meeting are missed.
    rec = score_extractions(gold, extractions, []).reconciliation
    assert rec is not None
    assert rec.events.split == 2 and rec.pair_errors.wrong == {}
    missed = rec.pair_errors.missed
    assert sum(v for k, v in missed.items() if k.startswith("people_")) == 7
    assert missed["people_spelled"] == 3  # the report with the alias, against the other three
    assert missed["status_planned_held"] == 3 and missed["place_other_city"] == 3 + 2  # Warsaw; Sopot against Gdansk twice


def test_cli_gold_mentions_prints_the_report_and_its_totals(gold_path, tmp_path):
    result = run_cli(["evaluate", "--gold", str(gold_path), "--gold-mentions", "--json"], env=base_env(tmp_path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["mentions"]["f1"] == 1.0
    rec = report["reconciliation"]
    assert (rec["pairwise"]["precision"], rec["pairwise"]["recall"]) == (1.0, 1.0)
    assert rec["conflict_totals"]["passed"] == 2 and rec["events"]["traps_merged"] == 0

    table = run_cli(["evaluate", "--gold", str(gold_path), "--gold-mentions"], env=base_env(tmp_path))
    assert "reconcile pairwise P/R/F1" in table.stdout and "non-merge traps merged" in table.stdout


def test_cli_gold_mentions_takes_no_articles(gold_path, tmp_path):
    article = tmp_path / "01_plan.txt"
    article.write_text("text", encoding="utf-8")
    result = run_cli(["evaluate", "--gold", str(gold_path), "--gold-mentions", str(article)], env=base_env(tmp_path))
    assert result.returncode == 2
    assert "--gold-mentions" in result.stderr and len(result.stderr.strip().splitlines()) == 1
