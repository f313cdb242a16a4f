"""``summit-extract`` end to end, as a user runs it: a subprocess, real HTTP to a fake model server.

What a user relies on: stdout is only JSON (one document) or JSONL (several); every problem is one
line on stderr, never a traceback; the exit status says what happened (0 all done, 1 some failed,
2 bad input or settings, 3 the model failed); a re-run costs no model call; the API key never
shows; and every input ends either as an extraction on stdout or as a recorded failure.

The fake server runs in this process, in a thread; the command under test is a child process
with its own cache directory, so nothing here touches the user's cache or a real model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.evaluate.gold import gold_to_extractions, load_gold
from tests.extract.test_extractor import GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, error_reply, tool_call_reply

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "examples" / "gold.json"
SECRET = "sk-secret-abcdef123456"
PREFIX = "summit-extract: "

# Three short reports of the same meeting: each holds every quote GOOD_DRAFT needs, so one
# scripted reply grounds in all of them.
REPORTS = {
    "ottawa_1.txt": (
        "Prime Minister Mark Carney of Canada met President Lee Jae Myung of South Korea in Ottawa on Monday. "
        "The two leaders agreed to expand cooperation on critical minerals supply chains and on artificial intelligence research.\n"
    ),
    "ottawa_2.txt": (
        "President Lee Jae Myung held talks with Prime Minister Mark Carney in Ottawa on Monday. "
        "They pledged joint work on critical minerals supply chains and on artificial intelligence research.\n"
    ),
    "ottawa_3.txt": (
        "In Ottawa on Monday, Mark Carney and Lee Jae Myung signed up to deeper ties: critical minerals supply chains "
        "first, then artificial intelligence research.\n"
    ),
}
ARTICLE = REPORTS["ottawa_1.txt"]


# -- helpers ---------------------------------------------------------------------------------------


def base_env(tmp_path: Path) -> dict[str, str]:
    """The caller's environment without any model settings of theirs, and a private cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMIT_"))}
    env["SUMMIT_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def server_env(tmp_path: Path, server: FakeOpenAIServer, **extra: str) -> dict[str, str]:
    return {**base_env(tmp_path), "OPENAI_BASE_URL": server.base_url, "SUMMIT_MODEL": "fake-model", **extra}


def run_cli(args: list[str], *, env: dict[str, str], stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    """``summit-extract ARGS`` in a child process; stdin is empty unless given."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [sys.executable, "-m", "extractor.cli", *args],
        input=data if data is not None else b"",
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    out = subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8"))
    assert "Traceback" not in out.stderr, out.stderr
    assert "Traceback" not in out.stdout, out.stdout
    return out


def jsonl(text: str) -> list[dict]:
    """Every stdout line is one JSON object (JSONL), and nothing else is on stdout."""
    return [json.loads(line) for line in text.splitlines()]


def problem_lines(stderr: str) -> list[str]:
    """stderr lines that report a problem: not progress, not the batch summary."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert all(line.startswith(PREFIX) for line in lines), stderr
    ignore = (" ok, ", "article(s) to extract", "extracted ", "reconciled ", "structured output: ")
    return [line for line in lines if not any(marker in line for marker in ignore)]


def write_reports(directory: Path, names=tuple(REPORTS)) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = directory / name
        path.write_text(REPORTS[name], encoding="utf-8")
        paths.append(path)
    return paths


def participants(extraction: dict) -> list[str]:
    return sorted(name for summit in extraction["summits"] for name in summit["participants"])


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "carney_lee.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def good_server():
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        yield server


# -- help and schema -------------------------------------------------------------------------------


def test_group_help_lists_every_command(tmp_path):
    result = run_cli(["--help"], env=base_env(tmp_path))
    assert result.returncode == 0
    assert "diplomatic meetings" in result.stdout
    for command in ("schema", "ingest", "extract", "reconcile", "run", "evaluate"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("command", "purpose"),
    [
        ("schema", "JSON Schemas"),
        ("ingest", "Parse articles"),
        ("extract", "Extract summits, pledges and actors"),
        ("reconcile", "Merge extractions"),
        ("run", "then reconcile"),
        ("evaluate", "against a gold file"),
    ],
)
def test_subcommand_help_says_what_it_does(tmp_path, command, purpose):
    result = run_cli([command, "--help"], env=base_env(tmp_path))
    assert result.returncode == 0
    assert purpose in " ".join(result.stdout.split())  # help text is re-wrapped to the width


def test_schema_prints_the_json_schemas(tmp_path):
    result = run_cli(["schema"], env=base_env(tmp_path))
    assert result.returncode == 0
    schemas = json.loads(result.stdout)
    assert {"article_extraction", "event"} <= set(schemas)
    assert schemas["article_extraction"]["type"] == "object"


# -- ingest: bad input -----------------------------------------------------------------------------


BAD_INPUTS = {
    "empty": (b"", [], "article is empty"),
    "whitespace": (b"   \n\t \n\n", [], "only whitespace"),
    "binary": (b"PK\x03\x04\x00\x00\x08\x00" + bytes(range(256)), [], "binary data"),
    "latin1": ("Le Président a rencontré son homologue à Genève.".encode("latin-1"), [], "not UTF-8"),
    "invalid_json": (b'{"title": "Summit in Ottawa", "body": ', [], "invalid JSON"),
    "json_without_text": (b'{"title": "Summit in Ottawa", "url": "https://example.com/a"}', [], "no text field"),
    "too_long": (("Leaders met in Ottawa. " * 40).encode(), ["--max-chars", "100"], "the limit is 100"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_ingest_bad_input_is_one_line_and_exit_2(tmp_path, case):
    data, flags, message = BAD_INPUTS[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    result = run_cli(["ingest", *flags, str(path)], env=base_env(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = problem_lines(result.stderr)
    assert str(path) in line and message in line


def test_ingest_a_missing_file_is_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "no_such_article.txt"
    result = run_cli(["ingest", str(missing)], env=base_env(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = problem_lines(result.stderr)
    assert str(missing) in line and "no such file" in line


def test_ingest_jsonl_batch_with_a_bad_line_keeps_the_good_ones(tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"title": "Carney meets Lee", "body": ARTICLE, "published_at": "2026-01-13"})
        + "\n"
        + '{"title": "broken", "body": \n'
        + json.dumps({"title": "Lee meets Carney", "body": REPORTS["ottawa_2.txt"]})
        + "\n",
        encoding="utf-8",
    )
    result = run_cli(["ingest", str(batch)], env=base_env(tmp_path))
    assert result.returncode == 1
    records = jsonl(result.stdout)
    assert [r["line"] for r in records] == [1, 3]
    assert [r["title"] for r in records] == ["Carney meets Lee", "Lee meets Carney"]
    assert records[0]["published"] == "2026-01-13"
    [line] = problem_lines(result.stderr)
    assert f"{batch}:2:" in line and "invalid JSON" in line
    assert f"{PREFIX}2 ok, 1 failed" in result.stderr.splitlines()


def test_ingest_reads_stdin(tmp_path):
    result = run_cli(["ingest", "-"], env=base_env(tmp_path), stdin=ARTICLE)
    assert result.returncode == 0
    [record] = jsonl(result.stdout)
    assert record["file"] == "-" and "Mark Carney" in record["text"]


# -- extract ---------------------------------------------------------------------------------------


def test_extract_one_article_prints_one_pretty_json_document(tmp_path, article, good_server):
    result = run_cli(["extract", str(article)], env=server_env(tmp_path, good_server))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("{\n  ")  # one indented document, not JSONL
    extraction = json.loads(result.stdout)
    assert participants(extraction) == ["Lee Jae-myung", "Mark Carney"]
    summit = extraction["summits"][0]
    assert summit["location"] == {"city": "Ottawa", "country": "CA", "venue": None}
    assert extraction["source"]["file"] == str(article)
    assert extraction["provenance"]["model"] == "fake-model"
    assert extraction["provenance"]["cached"] is False
    assert len(good_server.completion_requests) == 1
    assert problem_lines(result.stderr) == []


def test_extract_again_is_a_cache_hit_and_no_cache_asks_again(tmp_path, article, good_server):
    env = server_env(tmp_path, good_server)
    first = run_cli(["extract", str(article)], env=env)
    second = run_cli(["extract", str(article)], env=env)
    assert first.returncode == second.returncode == 0
    assert len(good_server.completion_requests) == 1  # the second run asked nothing
    again = json.loads(second.stdout)
    assert again["provenance"]["cached"] is True
    assert again["summits"] == json.loads(first.stdout)["summits"]
    assert (tmp_path / "cache").is_dir()  # the cache went where SUMMIT_CACHE_DIR says

    fresh = run_cli(["extract", "--no-cache", str(article)], env=env)
    assert fresh.returncode == 0
    assert len(good_server.completion_requests) == 2
    assert json.loads(fresh.stdout)["provenance"]["cached"] is False


def test_extract_several_inputs_prints_jsonl_in_input_order(tmp_path, good_server):
    first, second = write_reports(tmp_path / "folder", ["ottawa_1.txt", "ottawa_2.txt"])
    [third] = write_reports(tmp_path, ["ottawa_3.txt"])
    # The file first, then the directory (its files sorted by name): the order given is kept.
    result = run_cli(["extract", str(third), str(tmp_path / "folder")], env=server_env(tmp_path, good_server))
    assert result.returncode == 0, result.stderr
    records = jsonl(result.stdout)
    assert [r["source"]["file"] for r in records] == [str(third), str(first), str(second)]
    assert all(participants(r) == ["Lee Jae-myung", "Mark Carney"] for r in records)
    assert len(good_server.completion_requests) == 3


def test_extract_batch_with_a_bad_file_prints_the_good_ones_and_exits_1(tmp_path, good_server):
    first, second = write_reports(tmp_path / "articles", ["ottawa_1.txt", "ottawa_2.txt"])
    empty = tmp_path / "articles" / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli(["extract", str(first), str(empty), str(second)], env=server_env(tmp_path, good_server))
    assert result.returncode == 1
    assert [r["source"]["file"] for r in jsonl(result.stdout)] == [str(first), str(second)]
    [line] = problem_lines(result.stderr)
    assert str(empty) in line and "article is empty" in line
    assert len(good_server.completion_requests) == 2


def test_extract_one_bad_file_alone_exits_2(tmp_path, good_server):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli(["extract", str(empty)], env=server_env(tmp_path, good_server))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = problem_lines(result.stderr)
    assert str(empty) in line and "article is empty" in line
    assert good_server.completion_requests == []


def test_extract_a_refused_api_key_exits_3_and_never_shows_the_key(tmp_path, article):
    # OpenAI echoes the key it refused; that must not reach the user's terminal either.
    with FakeOpenAIServer([error_reply(401, f"Incorrect API key provided: {SECRET}")]) as server:
        result = run_cli(["extract", str(article)], env=server_env(tmp_path, server, OPENAI_API_KEY=SECRET))
    assert result.returncode == 3
    assert result.stdout == ""
    [line] = problem_lines(result.stderr)
    assert "401" in line and "OPENAI_API_KEY" in line and str(article) in line
    assert SECRET not in result.stdout and SECRET not in result.stderr
    # The key was used (as the Authorization header), so its absence above means something.
    assert len(server.completion_requests) == 1  # a 401 is not retried
    assert server.completion_requests[0].headers["authorization"] == f"Bearer {SECRET}"


def test_extract_without_a_model_name_is_a_settings_error_exit_2(tmp_path, article, good_server):
    env = server_env(tmp_path, good_server)
    del env["SUMMIT_MODEL"]
    result = run_cli(["extract", str(article)], env=env)
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert "--model" in line and "SUMMIT_MODEL" in line
    assert good_server.completion_requests == []


def test_extract_failures_file_records_every_failed_article(tmp_path):
    good, unlucky = write_reports(tmp_path / "articles", ["ottawa_1.txt", "ottawa_2.txt"])
    bad = tmp_path / "articles" / "binary.txt"
    bad.write_bytes(b"\x00\x01\x02 not an article")
    failures = tmp_path / "failures.jsonl"
    # The first article is answered; the second meets a 400 (not retried).
    replies = [tool_call_reply(GOOD_DRAFT), error_reply(400, "context length exceeded")]
    with FakeOpenAIServer(replies) as server:
        env = server_env(tmp_path, server)
        result = run_cli(["extract", "--validation-retries", "0", "--failures", str(failures), str(good), str(bad), str(unlucky)], env=env)
    assert result.returncode == 1
    extracted = jsonl(result.stdout)
    assert [r["source"]["file"] for r in extracted] == [str(good)]

    records = jsonl(failures.read_text(encoding="utf-8"))
    by_file = {r["source"]["file"]: r for r in records}
    assert set(by_file) == {str(bad), str(unlucky)}
    assert by_file[str(bad)]["error"] == "input"
    assert "binary data" in by_file[str(bad)]["message"]
    assert by_file[str(unlucky)]["error"] == "model"
    assert "400" in by_file[str(unlucky)]["message"] and "context length exceeded" in by_file[str(unlucky)]["message"]
    assert by_file[str(unlucky)]["article_id"]
    # Nothing is lost: every input is an extraction on stdout or a failure record.
    assert sorted([r["source"]["file"] for r in extracted] + list(by_file)) == sorted(map(str, (good, bad, unlucky)))
    # And each failure is one line on stderr.
    lines = problem_lines(result.stderr)
    assert len(lines) == 2
    assert any(str(bad) in line for line in lines) and any(str(unlucky) in line for line in lines)


def test_extract_failures_file_that_cannot_be_written_is_exit_2_before_any_model_call(tmp_path, article, good_server):
    target = tmp_path / "no_such_dir" / "failures.jsonl"
    result = run_cli(["extract", "--failures", str(target), str(article)], env=server_env(tmp_path, good_server))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert "--failures" in line and str(target) in line
    assert good_server.completion_requests == []


def test_extract_reads_stdin(tmp_path, good_server):
    result = run_cli(["extract", "-"], env=server_env(tmp_path, good_server), stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    extraction = json.loads(result.stdout)
    assert extraction["source"]["file"] == "-"
    assert participants(extraction) == ["Lee Jae-myung", "Mark Carney"]


# -- reconcile and run -----------------------------------------------------------------------------


def test_reconcile_merges_reports_of_one_meeting_into_one_event(tmp_path, good_server):
    paths = write_reports(tmp_path / "articles")
    extracted = run_cli(["extract", *map(str, paths)], env=server_env(tmp_path, good_server))
    assert extracted.returncode == 0, extracted.stderr
    extractions = tmp_path / "x.jsonl"
    extractions.write_text(extracted.stdout, encoding="utf-8")

    result = run_cli(["reconcile", str(extractions)], env=base_env(tmp_path))
    assert result.returncode == 0, result.stderr
    [event] = jsonl(result.stdout)
    assert sorted(event["participants"]) == ["Lee Jae-myung", "Mark Carney"]
    assert event["city"] == "Ottawa" and event["country"] == "CA"
    assert event["source_count"] == 3
    assert problem_lines(result.stderr) == []


def test_reconcile_broken_json_is_one_line_with_file_and_line(tmp_path):
    good = gold_to_extractions(load_gold(GOLD))[0].model_dump_json()
    extractions = tmp_path / "x.jsonl"
    extractions.write_text(good + "\n" + '{"article_id": "abc", "summits": [\n', encoding="utf-8")
    result = run_cli(["reconcile", str(extractions)], env=base_env(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = problem_lines(result.stderr)
    assert f"{extractions}:2:" in line and "invalid JSON" in line


def test_reconcile_a_record_that_is_not_an_extraction_is_one_line(tmp_path):
    extractions = tmp_path / "x.jsonl"
    extractions.write_text('{"article_id": "abc", "provenance": 7}\n', encoding="utf-8")
    result = run_cli(["reconcile", str(extractions)], env=base_env(tmp_path))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert f"{extractions}:1:" in line and "not an extraction record" in line


def test_reconcile_a_file_that_is_not_utf8_is_one_line_with_file_and_line(tmp_path):
    good = gold_to_extractions(load_gold(GOLD))[0].model_dump_json()
    extractions = tmp_path / "x.jsonl"
    extractions.write_bytes(good.encode() + b"\n" + '{"title": "Genève"}\n'.encode("latin-1"))
    result = run_cli(["reconcile", str(extractions)], env=base_env(tmp_path))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert f"{extractions}:2:" in line and "not UTF-8" in line


def test_reconcile_a_missing_file_is_one_line_exit_2(tmp_path):
    missing = tmp_path / "nothing.jsonl"
    result = run_cli(["reconcile", str(missing)], env=base_env(tmp_path))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert str(missing) in line and "cannot read" in line


def test_run_prints_events_and_saves_the_extractions(tmp_path, good_server):
    write_reports(tmp_path / "articles")
    saved = tmp_path / "saved.jsonl"
    result = run_cli(["run", "--extractions", str(saved), str(tmp_path / "articles")], env=server_env(tmp_path, good_server))
    assert result.returncode == 0, result.stderr
    [event] = jsonl(result.stdout)
    assert sorted(event["participants"]) == ["Lee Jae-myung", "Mark Carney"]
    assert event["source_count"] == 3
    assert len(jsonl(saved.read_text(encoding="utf-8"))) == 3


def test_run_with_an_unwritable_extractions_path_fails_before_any_model_call(tmp_path, article, good_server):
    target = tmp_path / "no_such_dir" / "x.jsonl"
    result = run_cli(["run", "--extractions", str(target), str(article)], env=server_env(tmp_path, good_server))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert "--extractions" in line and str(target) in line
    assert good_server.completion_requests == []


def test_run_with_a_model_failure_exits_3(tmp_path, article):
    with FakeOpenAIServer([error_reply(401, "invalid key")]) as server:
        result = run_cli(["run", str(article)], env=server_env(tmp_path, server, OPENAI_API_KEY=SECRET))
    assert result.returncode == 3
    assert result.stdout == ""
    [line] = problem_lines(result.stderr)
    assert "401" in line


# -- evaluate --------------------------------------------------------------------------------------


@pytest.fixture
def gold_extractions(tmp_path: Path) -> Path:
    """What a perfect extractor would have printed for the sample articles."""
    path = tmp_path / "gold_x.jsonl"
    path.write_text("".join(e.model_dump_json() + "\n" for e in gold_to_extractions(load_gold(GOLD))), encoding="utf-8")
    return path


def test_evaluate_prints_a_metrics_table(tmp_path, gold_extractions):
    result = run_cli(["evaluate", "--gold", str(GOLD), "--extractions", str(gold_extractions)], env=base_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "mentions" in result.stdout
    mentions = next(line for line in result.stdout.splitlines() if line.startswith("mentions"))
    assert "1.000/1.000/1.000" in mentions


def test_evaluate_json_prints_the_report_as_json(tmp_path, gold_extractions):
    result = run_cli(["evaluate", "--gold", str(GOLD), "--extractions", str(gold_extractions), "--json"], env=base_env(tmp_path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["gold_articles"] == 10
    assert report["mentions"]["f1"] == 1.0


def test_evaluate_a_gold_file_of_another_format_is_one_line_exit_2(tmp_path, gold_extractions):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"format": "summit-gold/2", "articles": {}}), encoding="utf-8")
    result = run_cli(["evaluate", "--gold", str(gold), "--extractions", str(gold_extractions)], env=base_env(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = problem_lines(result.stderr)
    assert str(gold) in line and "summit-gold/1" in line


def test_evaluate_with_nothing_to_score_is_one_line_exit_2(tmp_path):
    result = run_cli(["evaluate", "--gold", str(GOLD)], env=base_env(tmp_path))
    assert result.returncode == 2
    [line] = problem_lines(result.stderr)
    assert "--extractions" in line


def test_a_bug_of_ours_is_one_line_and_its_own_exit_status(monkeypatch):
    from click.testing import CliRunner

    import extractor.cli as cli_module

    def broken():
        raise RuntimeError("boom with sk-secretsecret123 inside")

    monkeypatch.setattr(cli_module, "json_schemas", broken)
    result = CliRunner().invoke(cli_module.cli, ["schema"])
    assert result.exit_code == 70
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "sk-secretsecret123" not in result.stderr
    assert "Traceback" not in result.stderr
