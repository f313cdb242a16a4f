"""Fuzzing (hypothesis) of what takes outside input: ingestion, the reconciler's input and the CLI.

What must hold whatever the input: no traceback and no internal error (exit 70), no hang, each
problem one line on stderr, and in a batch the good records come out exactly as they would
without the bad ones around them.

The runs repeat: every test is derandomized (the same examples on every run, in CI too) and keeps
no example database; each is bounded by an alarm, so a hang fails the test instead of the suite.
All of them together take well under 30 s.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import cli as cli_module
from extractor.evaluate.gold import gold_to_extractions, load_gold
from extractor.ingest import Article, InputFailure, parse_article, read_articles
from tests.extract.test_extractor import GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply
from tests.test_cli import REPORTS, problem_lines

REPO = Path(__file__).resolve().parents[2]
PREFIX = "summit-extract: "
INTERNAL_EXIT = 70


def fuzz(max_examples: int):
    """Derandomized (the same examples every run), no example database, no per-example deadline."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@contextlib.contextmanager
def no_hang(seconds: float) -> Iterator[None]:
    """Fail with TimeoutError rather than hang: one example may not take longer than this."""

    def alarm(*_: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def server():
    """One fake model server for the module: starting and stopping one per example costs ~0.5 s."""
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as fake:
        yield fake


@pytest.fixture(autouse=True)
def _restore_logging():
    """The CLI points the root logger at the stream CliRunner lends it: put it back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


# -- strategies -------------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12
)
FIELDS = ("title", "headline", "body", "body_md", "text", "content", "summary", "published_at", "date", "url", "outlet", "source")
# Article-shaped records whose fields hold anything JSON can.
records = st.dictionaries(st.sampled_from(FIELDS), json_values | st.text(max_size=200), max_size=5)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-be", "latin-1", "cp1252", "shift_jis", "euc-kr")


@st.composite
def encoded_text(draw) -> bytes:
    text = draw(st.text(max_size=300))
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace")


documents = st.binary(max_size=400) | encoded_text() | json_values.map(json.dumps).map(str.encode) | records.map(json.dumps).map(str.encode)
# One line of a batch that is not a good record: no newline in it, and something other than spaces.
bad_lines = st.one_of(
    st.binary(max_size=80).map(lambda b: b"x" + b.replace(b"\n", b" ")),
    json_values.map(lambda v: json.dumps(v).encode()),
    records.map(lambda r: json.dumps(r).encode()),
    st.text(max_size=60).map(lambda t: ("{" + t).replace("\n", " ").encode()),
)


def good_record(i: int) -> bytes:
    return json.dumps({"title": f"Story {i}", "body": f"Leader Anna {i} met Leader Bert {i} in Ottawa on Monday."}).encode()


def check_failure_message(item: InputFailure) -> None:
    assert item.message.strip() and "\n" not in item.message and "Traceback" not in item.message


# -- ingestion --------------------------------------------------------------------------------------


@fuzz(300)
@given(documents)
def test_any_document_is_an_article_or_a_one_line_failure(data):
    with no_hang(5), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_bytes(data)
        items = list(read_articles([path], max_chars=2000))
    assert items, "a document disappeared without an article or a failure"
    for item in items:
        assert isinstance(item, Article | InputFailure)
        if isinstance(item, InputFailure):
            check_failure_message(item)
        else:
            assert item.text.strip()
            assert not any(ch in item.text for ch in "\x00\r\x1b"), "control characters reached the article text"


@fuzz(300)
@given(documents)
def test_parse_article_raises_only_input_errors(data):
    from extractor.errors import InputError

    with no_hang(5):
        try:
            article = parse_article(data, file="doc.json", max_chars=2000)
        except InputError as error:
            assert str(error).startswith("doc.json: ") and "\n" not in str(error)
        else:
            assert article.text.strip()


@fuzz(60)
@given(st.lists(st.tuples(st.booleans(), bad_lines), min_size=1, max_size=12), st.integers(0, 3))
def test_a_jsonl_batch_with_bad_lines_still_gives_every_good_record(lines, blank_every):
    # The first line is good and good lines are at least half: the file reads as JSONL.
    numbered, good_titles, good_only = [good_record(0)], ["Story 0"], [good_record(0)]
    for i, (good, bad) in enumerate(lines, start=1):
        if good or i % 2:
            numbered.append(good_record(i))
            good_titles.append(f"Story {i}")
            good_only.append(good_record(i))
        else:
            numbered.append(bad)
        if blank_every and i % (blank_every + 1) == 0:
            numbered.append(b"   ")
    with no_hang(10), tempfile.TemporaryDirectory() as tmp:
        batch, clean = Path(tmp) / "batch.jsonl", Path(tmp) / "clean.jsonl"
        batch.write_bytes(b"\n".join(numbered) + b"\n")
        clean.write_bytes(b"\n".join(good_only) + b"\n")
        items = list(read_articles([batch], max_chars=2000))
        expected = list(read_articles([clean], max_chars=2000))
    non_blank = [n for n, line in enumerate(numbered, start=1) if line.strip()]
    assert [item.line for item in items] == non_blank, "each non-blank line ends as exactly one item, in order"
    for item in items:
        if isinstance(item, InputFailure):
            check_failure_message(item)
            assert item.message.startswith(f"{batch}:{item.line}: ")
    good = [item for item in items if isinstance(item, Article) and item.title in good_titles]
    assert [a.title for a in good] == good_titles
    assert [(a.text, a.article_id) for a in good] == [(a.text, a.article_id) for a in expected]


def test_a_file_name_holding_a_nul_is_a_failure_not_a_crash(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(REPORTS["ottawa_1.txt"], encoding="utf-8")
    bad, article = read_articles(["a\x00b.txt", good])
    assert isinstance(bad, InputFailure) and "not a valid file name" in bad.message
    assert isinstance(article, Article)


# -- the reconciler's input -----------------------------------------------------------------------


def _good_extraction_lines() -> list[str]:
    extractions = gold_to_extractions(load_gold(REPO / "examples" / "gold.json"))
    return [e.model_dump_json() for e in extractions[:4]]


GOOD_EXTRACTIONS = _good_extraction_lines()
truncated_good = st.builds(lambda line, cut: line[: max(1, cut % len(line))], st.sampled_from(GOOD_EXTRACTIONS), st.integers(1, 10_000))
reconcile_bad_lines = st.one_of(bad_lines, truncated_good.map(str.encode))


def _skipped_silently(line: bytes) -> bool:
    """A recorded failure line (``{"error": ...}`` without provenance) has nothing to reconcile."""
    try:
        value = json.loads(line)
    except ValueError:
        return False
    return isinstance(value, dict) and "error" in value and "provenance" not in value


def invoke(args: list[str], **kwargs):
    result = CliRunner().invoke(cli_module.cli, args, prog_name="summit-extract", **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code != INTERNAL_EXIT, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result


@fuzz(40)
@given(st.lists(reconcile_bad_lines, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_reconcile_keeps_every_good_line_and_reports_each_bad_one(bad, rnd):
    lines = [(line.encode(), True) for line in GOOD_EXTRACTIONS] + [(line, False) for line in bad]
    rnd.shuffle(lines)
    with no_hang(20), tempfile.TemporaryDirectory() as tmp:
        mixed, clean = Path(tmp) / "mixed.jsonl", Path(tmp) / "clean.jsonl"
        mixed.write_bytes(b"\n".join(line for line, _ in lines) + b"\n")
        clean.write_bytes(b"\n".join(line for line, good in lines if good) + b"\n")
        result = invoke(["reconcile", str(mixed)])
        expected = invoke(["reconcile", str(clean)])
    reported = {int(p.removeprefix(PREFIX).split(": ", 1)[0].rsplit(":", 1)[1]) for p in problem_lines(result.stderr)}
    must_report = {n for n, (line, good) in enumerate(lines, start=1) if not good and not _skipped_silently(line)}
    assert reported == must_report
    assert result.exit_code == (1 if must_report else 0)
    assert result.stdout == expected.stdout and expected.stdout.strip(), "the good lines' events, as without the bad lines"


# -- the CLI ---------------------------------------------------------------------------------------


@fuzz(120)
@given(documents)
def test_ingest_on_any_stdin_exits_cleanly_with_one_line_per_problem(data):
    with no_hang(10):
        result = invoke(["ingest", "--max-chars", "2000", "-"], input=data)
    assert result.exit_code in (0, 1, 2)
    for line in result.stdout.splitlines():
        assert json.loads(line)["text"].strip()
    problems = problem_lines(result.stderr)
    assert (result.exit_code == 0) == (not problems)


COMMANDS = ("ingest", "reconcile", "evaluate", "report", "schema", "extract", "run")
OPTIONS = (
    "--max-chars",
    "--concurrency",
    "--timeout",
    "--retries",
    "--validation-retries",
    "--mode",
    "--gold",
    "--extractions",
    "--articles",
    "--failures",
    "--write",
    "-o",
    "--json",
    "-q",
    "-v",
    "-",
)
# No NUL in an argument: a real command line cannot carry one (execve ends the string there).
arguments = st.lists(
    st.sampled_from(OPTIONS)
    | st.sampled_from(("0", "-1", "2", "1e9", "nan", "tools", "none.jsonl", "dir/"))
    | st.text(st.characters(blacklist_characters="\x00"), max_size=12),
    max_size=5,
)


@fuzz(80)
@given(st.sampled_from(COMMANDS), arguments)
def test_any_arguments_end_in_a_usage_error_or_a_clean_exit(server, command, args):
    """Random flags and values: click's usage error (exit 2) or our one-line errors, never a crash.

    ``extract`` and ``run`` talk to a fake server (never the embedded model); nothing is written
    outside a temporary directory.
    """
    with no_hang(20), tempfile.TemporaryDirectory() as tmp:
        env = {"OPENAI_BASE_URL": server.base_url, "SUMMIT_MODEL": "fake-model", "SUMMIT_CACHE_DIR": str(Path(tmp) / "cache")}
        with contextlib.chdir(tmp):
            (Path(tmp) / "article.txt").write_text(REPORTS["ottawa_1.txt"], encoding="utf-8")
            result = invoke(
                [command, *args, "article.txt"] if command in ("extract", "run", "ingest") else [command, *args], env=env, input=b""
            )
    assert result.exit_code in (0, 1, 2, 3)
    usage_error = result.exit_code == 2 and any(line.startswith("Error: ") for line in result.stderr.splitlines())
    if not usage_error:  # else click's own wording of a bad flag ("Usage: …", "Error: …")
        problem_lines(result.stderr)  # ours: every line "summit-extract: …"


@fuzz(12)
@given(st.lists(st.tuples(st.booleans(), bad_lines), min_size=1, max_size=5))
def test_extract_batch_with_bad_records_gives_every_good_article(server, lines):
    numbered, titles = [], []
    for i, (good, bad) in enumerate([(True, b""), *lines]):
        if good or i % 2 == 0:
            body = REPORTS["ottawa_1.txt"] if i % 2 else REPORTS["ottawa_2.txt"]
            numbered.append(json.dumps({"title": f"Story {i}", "body": body}).encode())
            titles.append(f"Story {i}")
        else:
            numbered.append(bad)
    with no_hang(30), tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch.jsonl"
        batch.write_bytes(b"\n".join(numbered) + b"\n")
        env = {"OPENAI_BASE_URL": server.base_url, "SUMMIT_MODEL": "fake-model", "SUMMIT_CACHE_DIR": str(Path(tmp) / "cache")}
        failures = Path(tmp) / "failures.jsonl"
        result = invoke(["extract", "--mode", "tools", "--retries", "0", "--failures", str(failures), str(batch)], env=env)
        failed = [json.loads(line) for line in failures.read_text(encoding="utf-8").splitlines()]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    good = [record for record in out if record["source"]["title"] in titles]
    assert [record["source"]["title"] for record in good] == titles
    assert all(record["summits"] for record in good), "a good article lost its meeting"
    assert len(out) + len(failed) == len(numbered), "every record ends on stdout or as a recorded failure"
    assert len(problem_lines(result.stderr)) >= len(failed)  # each failure also said on stderr, in one line
    assert result.exit_code == (1 if failed else 0)
