"""The rules registry: every post-model rule named, with its field and the pattern it reads, and
each one switchable at one place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.rules import BY_NAME, ENV, FIELDS, RULES, UnknownRule, rule_on, rules_for, rules_off, switched_off
from extractor.rules import registry as registry_module

PACKAGE = Path(__file__).resolve().parents[2] / "extractor"


def test_each_rule_has_a_unique_name_a_field_and_a_one_line_statement():
    assert len(BY_NAME) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"[a-z][a-z_]+[a-z]", rule.name), rule.name
        assert rule.field in FIELDS
        assert "\n" not in rule.statement and rule.statement.endswith(".") and len(rule.statement) <= 160, rule.name
    assert [r.name for r in rules_for("city")][:2] == ["city_without_tail", "city_in_date_words"]  # in the order applied


def test_each_rule_is_switched_at_one_place_in_the_code():
    constants = {name: rule for name, rule in vars(registry_module).items() if name.isupper() and rule in RULES}
    assert set(constants.values()) == set(RULES)  # each rule has a name to import
    sources = [p.read_text("utf-8") for p in PACKAGE.rglob("*.py") if "rules" not in p.relative_to(PACKAGE).parts[:1]]
    asked = [m for text in sources for m in re.findall(r"rule_on\(([A-Z_]+)\)", text)]
    assert set(asked) == set(constants)  # nothing switched that is not registered, nothing registered that is never asked
    # One place each; a rule's few guards in one function or module count as one when they share a module.
    places = {name: sum(text.count(f"rule_on({name})") > 0 for text in sources) for name in constants}
    assert {name: n for name, n in places.items() if n != 1} == {}


def test_switched_off_inside_a_block_and_on_again_after_it():
    venue = BY_NAME["venue_city"]
    assert rule_on(venue)
    with switched_off("venue_city, pledge_scan") as off:
        assert off == {"venue_city", "pledge_scan"} and not rule_on(venue)
    assert rule_on(venue) and rules_off() == frozenset()


def test_the_environment_switches_rules_off_and_an_unknown_name_is_refused(monkeypatch):
    monkeypatch.setenv(ENV, "venue_city")
    assert not rule_on(BY_NAME["venue_city"])
    monkeypatch.setenv(ENV, "venue_city,no_such_rule")
    with pytest.raises(UnknownRule, match=r"no rule named no_such_rule; the rules are: split_names, "):
        rules_off()


def test_the_rules_command_lists_the_registry_in_order_and_says_which_are_off():
    result = CliRunner().invoke(cli, ["rules"], env={ENV: "venue_city"})
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["name"] for line in lines] == [rule.name for rule in RULES]
    assert lines[0] == {"name": "split_names", "field": "participants", "statement": RULES[0].statement, "on": True}
    assert [line["name"] for line in lines if not line["on"]] == ["venue_city"]


def test_the_rules_command_lists_the_drop_reasons_with_their_rules():
    result = CliRunner().invoke(cli, ["rules", "--reasons"])
    reasons = {r["reason"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert reasons["not_a_known_city"] == {"reason": "not_a_known_city", "words": "not a known city", "rule": "known_city_only"}
    assert reasons["not_named"]["rule"] is None  # the grounding itself, no rule


@pytest.mark.parametrize(
    ("args", "env", "where"),
    [
        (["extract", "--without", "venue_city,no_such_rule", "-"], {}, "--without"),
        (["evaluate", "--gold", "gold.json", "--without", "no_such_rule", "a.txt"], {}, "--without"),
        (["extract", "-"], {ENV: "no_such_rule"}, ENV),
    ],
)
def test_an_unknown_rule_name_is_one_line_naming_the_valid_ones_and_exit_2(args, env, where, tmp_path):
    args = [str(tmp_path / a) if a.endswith((".json", ".txt")) else a for a in args]
    result = CliRunner().invoke(cli, args, env={**env, "SUMMIT_CACHE_DIR": str(tmp_path)}, input="text")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"summit-extract: error: {where}: no rule named no_such_rule; the rules are: split_names, ")
    assert all(rule.name in line for rule in RULES)
    assert result.stdout == ""


def test_without_is_refused_where_nothing_is_extracted(tmp_path):
    (tmp_path / "x.jsonl").write_text("", "utf-8")
    result = CliRunner().invoke(
        cli, ["evaluate", "--gold", "g.json", "--extractions", str(tmp_path / "x.jsonl"), "--without", "venue_city"]
    )
    assert result.exit_code == 2
