"""The event report without a browser: what the HTML file holds, and the commands that write it.

The page itself, drawn in a real browser, is tested in ``test_report_browser.py``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import extractor.reconcile.resolution as resolution
from extractor.evaluate.gold import gold_to_extractions, load_gold
from extractor.reconcile import reconcile_events
from extractor.report import build_report
from extractor.report.data import date_label
from extractor.report.rules import RULE_WORDS
from tests.extract.test_extractor import GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply
from tests.support.hostile import CLOSER, DROPPED, PARTICIPANT, PLEDGE, SCRIPT, TITLE, hostile_article, hostile_extraction
from tests.support.replay import EXAMPLE_ARTICLES
from tests.test_cli import GOLD, REPO, base_env, jsonl, problem_lines, run_cli, server_env, write_reports
from tests.test_replay import endpoint, extract_replayed, sentinel  # noqa: F401 - the replay fixtures


def page_data(page: str) -> dict:
    """The JSON the page draws from, parsed back out of its data block."""
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert found, "no data block"
    return json.loads(found.group(1))


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


@pytest.fixture(scope="module")
def replayed(extract_replayed) -> list:
    """The sample articles' recorded model answers, replayed through the real pipeline."""
    return [extract_replayed(path) for path in EXAMPLE_ARTICLES]


@pytest.fixture(scope="module")
def gold_events():
    extractions = gold_to_extractions(load_gold(GOLD))
    return reconcile_events(extractions), extractions


# -- the HTML --------------------------------------------------------------------------------------


def test_markup_in_an_article_cannot_leave_the_data_block():
    article = hostile_article()
    extraction = hostile_extraction(article)
    page = build_report(reconcile_events([extraction]), [extraction], [article])
    # Exactly the page's two script elements (data and code): no article string opened another.
    assert [tag for tag, _ in tags_of(page) if tag == "script"] == ["script", "script"]
    assert page.count("</script") == 2 and "<!--" not in page and "<img" not in page
    # And every string is still there, unchanged, for the page to show as text.
    data = page_data(page)
    [event] = data["events"]
    assert event["title"] == TITLE
    assert PARTICIPANT in event["participants"]
    assert event["pledges"][0]["description"] == PLEDGE
    [shown_article] = data["articles"].values()
    assert SCRIPT in shown_article["text"] and CLOSER in shown_article["text"]
    assert shown_article["dropped"][0][1] == DROPPED


def test_the_page_references_nothing_outside_itself(gold_events):
    events, extractions = gold_events
    page = build_report(events, extractions)
    for tag, attrs in tags_of(page):
        for name in ("src", "href", "action", "data", "poster"):
            assert name not in attrs, f"<{tag} {name}={attrs[name]!r}>: the page must carry everything inline"
    assert not re.search(r"url\(|@import|https?://|//cdn", page.split('id="report-data">')[0]), "a reference outside the page"
    policy = next(attrs["content"] for tag, attrs in tags_of(page) if attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_each_value_links_to_its_quote_in_the_article(replayed):
    extractions = replayed
    data = page_data(build_report(reconcile_events(extractions), extractions))
    seoul = next(e for e in data["events"] if e["city"] == "Seoul" and "Shinjiro Koizumi" in e["participants"])
    [conflict] = [c for c in seoul["conflicts"] if c["field"] == "date"]
    assert conflict["chosen"] == "2026-06-28" and conflict["rule"] == "primary_mention"
    by_value = {v["value"]: v for v in seoul["fields"]["date"]["values"]}
    assert {"2026-06-28", "--09"} <= set(by_value)
    # Each source of each value carries the article's own words for it, with offsets.
    for value in ("2026-06-28", "--09"):
        for source in by_value[value]["sources"]:
            assert source["spans"], f"{value} from {source['article']} has no quote"
            start, end, quote = source["spans"][0]
            assert end - start == len(quote) > 0


def test_every_rule_the_reconciler_can_name_has_words():
    documented = set(re.findall(r"^\* ``(\w+)``", resolution.__doc__, re.MULTILINE))
    assert {"more_precise", "primary_mention", "union"} <= documented  # the docstring lists the rules
    assert documented | {"no_value"} <= set(RULE_WORDS)


@pytest.mark.parametrize(
    ("value", "precision", "label"),
    [
        ("2026-06-28", "day", "28 June 2026"),
        ("2026-06", "month", "June 2026"),
        ("2026", "year", "2026"),
        ("--09", "month", "September (year unknown)"),
        ("--09-02", "day", "2 September (year unknown)"),
        (None, "weekday", "a weekday, date unknown"),
        (None, "unknown", "date unknown"),
    ],
)
def test_dates_are_written_for_a_reader(value, precision, label):
    assert date_label(value, precision) == label


# -- summit-extract report -------------------------------------------------------------------------


@pytest.fixture
def events_file(tmp_path: Path, gold_events) -> Path:
    events, _ = gold_events
    path = tmp_path / "events.jsonl"
    path.write_text("".join(e.model_dump_json() + "\n" for e in events), encoding="utf-8")
    return path


def test_report_writes_one_page_and_says_where(tmp_path, replayed):
    extractions = replayed
    events = reconcile_events(extractions)
    x, events_path = tmp_path / "x.jsonl", tmp_path / "events.jsonl"
    x.write_text("".join(e.model_dump_json() + "\n" for e in extractions), encoding="utf-8")
    events_path.write_text("".join(e.model_dump_json() + "\n" for e in events), encoding="utf-8")
    out = tmp_path / "report.html"
    result = run_cli(
        ["report", str(events_path), "--extractions", str(x), "--articles", "examples/articles", "-o", str(out)], env=base_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    conflicts = sum(len(e.conflicts) for e in events)
    assert conflicts >= 1  # the Seoul date at least: 2026-06-28 against --09
    assert result.stderr.splitlines()[-1] == f"summit-extract: report written to {out}: {len(events)} events, {conflicts} conflicts"
    data = page_data(out.read_text(encoding="utf-8"))
    assert [e["id"] for e in data["events"]] and len(data["events"]) == len(events)
    # The articles' texts came along, so each quote can be shown in context, where it stands.
    assert sum(a["text"] is not None for a in data["articles"].values()) == 10
    seoul = next(e for e in data["events"] if e["city"] == "Seoul" and "Shinjiro Koizumi" in e["participants"])
    [chosen] = [v for v in seoul["fields"]["date"]["values"] if v["value"] == "2026-06-28"]
    quotes = []
    for source in chosen["sources"]:  # each quote stands in its article's text at its offsets
        start, end, quote = source["spans"][0]
        assert data["articles"][source["article"]]["text"][start:end] == quote
        quotes.append(quote)
    assert "on June 28" in quotes


def test_report_with_bad_lines_shows_the_other_events_and_exits_1(tmp_path, events_file, gold_events):
    events, _ = gold_events
    lines = events_file.read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"event_id": "x", "title": ')  # broken JSON
    lines.insert(3, json.dumps({"title": "no event"}))  # JSON, but not an event
    events_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = run_cli(["report", str(events_file), "-o", str(out)], env=base_env(tmp_path))
    assert result.returncode == 1
    problems = problem_lines(result.stderr)
    assert [line.split(": ")[1] for line in problems[:2]] == [f"{events_file}:2", f"{events_file}:4"]
    assert "invalid JSON" in problems[0] and "not an event record" in problems[1]
    data = page_data(out.read_text(encoding="utf-8"))
    assert len(data["events"]) == len(events)
    assert len(data["problems"]) == 2


def test_report_of_an_empty_events_file_is_a_page_saying_so(tmp_path):
    empty = tmp_path / "events.jsonl"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "report.html"
    result = run_cli(["report", str(empty), "-o", str(out)], env=base_env(tmp_path))
    assert result.returncode == 0
    assert result.stderr.splitlines()[-1].endswith(": 0 events, 0 conflicts")
    page = out.read_text(encoding="utf-8")
    assert page_data(page)["events"] == []
    assert "No events" in (REPO / "extractor" / "report" / "assets" / "report.js").read_text(encoding="utf-8")


def test_report_of_a_missing_events_file_is_one_line_exit_2(tmp_path):
    missing = tmp_path / "none.jsonl"
    result = run_cli(["report", str(missing), "-o", str(tmp_path / "r.html")], env=base_env(tmp_path))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert str(missing) in line and "cannot read" in line
    assert not (tmp_path / "r.html").exists()


def test_report_to_an_unwritable_place_is_one_line_exit_2(tmp_path, events_file):
    target = tmp_path / "no_such_dir" / "r.html"
    result = run_cli(["report", str(events_file), "-o", str(target)], env=base_env(tmp_path))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert "-o" in line and str(target) in line


# -- summit-extract run --report -------------------------------------------------------------------


def test_run_writes_the_report_and_ends_with_where_it_is(tmp_path):
    write_reports(tmp_path / "articles")
    out = tmp_path / "report.html"
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        result = run_cli(["run", "--report", str(out), str(tmp_path / "articles")], env=server_env(tmp_path, server))
    assert result.returncode == 0, result.stderr
    [event] = jsonl(result.stdout)  # stdout is still the events, and only them
    assert event["source_count"] == 3
    assert result.stderr.splitlines()[-1] == f"summit-extract: report written to {out}: 1 event, 0 conflicts"
    data = page_data(out.read_text(encoding="utf-8"))
    [shown] = data["events"]
    assert sorted(shown["participants"]) == ["Lee Jae-myung", "Mark Carney"]
    # The run's own articles give the quotes their context.
    assert all("Ottawa" in article["text"] for article in data["articles"].values())
    pledge_sources = [s for p in shown["pledges"] for s in p["sources"]]
    assert pledge_sources and all(s["spans"] for s in pledge_sources)


def test_run_with_an_unwritable_report_path_fails_before_any_model_call(tmp_path):
    [article] = write_reports(tmp_path, ["ottawa_1.txt"])
    target = tmp_path / "no_such_dir" / "report.html"
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        result = run_cli(["run", "--report", str(target), str(article)], env=server_env(tmp_path, server))
        assert server.completion_requests == []
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert "--report" in line and str(target) in line


# -- the progress bar's words ----------------------------------------------------------------------


def test_progress_names_the_article_in_hand_and_the_time_per_article():
    from types import SimpleNamespace

    from extractor.cli import _Progress
    from extractor.ingest import parse_article
    from schemas import ArticleExtraction, Provenance

    items = [parse_article(f"Leaders met in Ottawa, part {n}.", file=f"dir/a{n}.txt") for n in range(3)]
    progress = _Progress(items)  # stderr is no terminal here: no bar, but the same words

    def done(seconds: float, cached: bool = False):
        provenance = Provenance(model="m", prompt_version="p", seconds=seconds, cached=cached)
        # What the progress bar reads of a batch outcome: its extraction.
        return SimpleNamespace(extraction=ArticleExtraction(article_id="0" * 16, provenance=provenance))

    assert progress.in_hand() == "a0.txt" and progress.pace() == ""
    progress.advance(done(20.0))
    progress.advance(done(10.0))
    assert progress.in_hand() == "a2.txt"
    assert progress.pace() == "last 10.0 s, 15.0 s/article"
    progress.advance(done(99.0, cached=True))  # a cache hit is no model time
    assert progress.in_hand() == "done" and progress.pace() == "last 10.0 s, 15.0 s/article"


# -- hostile input lines (issue 23: 8 and 9) -----------------------------------------------------------


def _hostile_event_lines(good: dict) -> dict[str, str]:
    fields = good["fields"]
    participants = fields["participants"]
    return {
        "nested too deeply": "[" * 100_000 + "]" * 100_000,
        "too many digits": json.dumps(good).replace(f'"source_count": {good["source_count"]}', '"source_count": 1' + "0" * 5000),
        "not a partial ISO date": json.dumps({**good, "date": "2026-13-01"}),
        "not a list of names": json.dumps(
            {**good, "fields": {**fields, "participants": {**participants, "values": [{**participants["values"][0], "value": 5}]}}}
        ),
        "NaN is not a number JSON allows": json.dumps({**good, "fields": {**fields, "date": {**fields["date"], "chosen": float("nan")}}}),
    }


@pytest.mark.parametrize(
    "problem", ["nested too deeply", "too many digits", "not a partial ISO date", "not a list of names", "NaN is not a number JSON allows"]
)
def test_report_with_a_hostile_line_writes_the_page_says_one_line_and_exits_1(tmp_path, gold_events, problem):
    events, extractions = gold_events
    good = events[0].model_dump(mode="json")
    events_path = tmp_path / "events.jsonl"
    events_path.write_text(json.dumps(good) + "\n" + _hostile_event_lines(good)[problem] + "\n", encoding="utf-8")
    x = tmp_path / "extractions.jsonl"
    x.write_text("".join(e.model_dump_json() + "\n" for e in extractions), encoding="utf-8")
    out = tmp_path / "report.html"
    result = run_cli(["report", str(events_path), "--extractions", str(x), "-o", str(out)], env=base_env(tmp_path))
    assert result.returncode == 1, result.stderr
    [line] = problem_lines(result.stderr)[:-1]  # the last line says where the page is
    assert line.startswith(f"summit-extract: {events_path}:2: ") and problem in line
    page = out.read_text(encoding="utf-8")
    data = json.loads(  # strictly, as a browser parses it: no NaN
        re.search(r'id="report-data">(.*?)</script>', page, re.DOTALL).group(1),
        parse_constant=lambda name: pytest.fail(f"{name} in the page's data"),
    )
    assert [e["id"] for e in data["events"]] == [good["event_id"]]
    assert len(data["problems"]) == 1
