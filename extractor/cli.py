"""``summit-extract``: a thin shell over the library.

stdout carries only JSON (one document) or JSONL (several); logs, progress and the batch summary
go to stderr. Every error a user can cause ends as one line on stderr and a non-zero exit status,
never a traceback.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from extractor.errors import EXIT_SOME_FAILED, ConfigError, InputError, InternalError, ModelError, SummitError, exit_code_of
from extractor.ingest.articles import DEFAULT_MAX_CHARS, Article, InputFailure, read_articles
from extractor.logs import configure_logging, printable, redact, register_secret
from extractor.model.retries import RetryPolicy
from extractor.settings import ENGINES, MODES, Settings
from schemas import ArticleExtraction, json_schemas

if TYPE_CHECKING:
    from extractor.runtime.pipeline import BatchSummary, Outcome

log = logging.getLogger("extractor.cli")

# Exit statuses: 0 all done; EXIT_SOME_FAILED (1) some articles failed; otherwise the error
# class's own (extractor.errors): 2 bad input or settings, 3 the model, 70 a bug of ours.
EXIT_INTERNAL = InternalError.exit_code
EXIT_IO_ERROR = 74  # EX_IOERR: the output could not be written (a full disk)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a reader that went away
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def say(message: str) -> None:
    """One line on stderr; anything from outside in it (file names, server text) made printable."""
    click.echo(f"summit-extract: {printable(message)}", err=True)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush cannot fail noisily."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class SummitGroup(click.Group):
    """Turns a ``SummitError`` anywhere below into one stderr line and its exit status.

    Anything else is a bug of ours: one line saying so (the traceback with -vv), so that a
    worker's log stays readable and a caller still gets a distinct exit status.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SummitError as error:
            say(f"error: {error}")
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            say("interrupted")
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`| head`): stop, say so once, exit as a shell would report it.
            _silence_stdout()
            say("output closed by the reader; stopped")
            sys.exit(EXIT_BROKEN_PIPE)
        except OSError as error:
            if error.errno not in _WRITE_ERRNOS:
                raise
            _silence_stdout()
            say(f"error: cannot write the output ({error.strerror or error})")
            sys.exit(EXIT_IO_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # the last line of defence, see the docstring
            log.debug("internal error", exc_info=True)
            say(f"internal error: {type(error).__name__}: {redact(str(error))[:300]} (run with -vv for details; please report it)")
            sys.exit(EXIT_INTERNAL)


@click.group(cls=SummitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debugging).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.version_option(package_name="summit-extractor")
def cli(verbose: int, quiet: bool) -> None:
    """Extract grounded records of diplomatic meetings from news articles, and reconcile them
    into one record per real event."""
    configure_logging(verbose=verbose, quiet=quiet)


# json.dumps escapes C0 control characters but not DEL and C1 (\x9b starts an escape sequence on
# some terminals): escaped here too, which is still the same JSON.
_UNESCAPED_CONTROL = re.compile("[\x7f-\x9f]")


def _json_text(document: dict | list, **options) -> str:
    text = json.dumps(document, ensure_ascii=False, **options)
    return _UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


# Signals held while a record is written: Ctrl-C or SIGTERM arriving mid-write took effect inside
# the buffered writer's flush and left a torn line on stdout (its head lost, its tail written at
# exit). Held, they act as soon as the record is out whole.
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _write_record(text: str) -> None:
    """One record and its newline on stdout, whole or not at all, whatever signal arrives."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # an in-memory stdout (click's CliRunner)
        click.echo(text)
        return
    data = (text + "\n").encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS) if hasattr(signal, "pthread_sigmask") else None
    try:
        sys.stdout.flush()  # anything already buffered goes first
        view = memoryview(data)
        while view:  # one write for a pipe or a file; a loop for the rare short write
            view = view[os.write(fd, view) :]
    finally:
        if held is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _emit_json(document: dict | list) -> None:
    _write_record(_json_text(document, indent=2))


def _emit_jsonl(record: dict) -> None:
    _write_record(_json_text(record))


# -- schema ----------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--write",
    "write_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one <name>.json file per record into this directory instead.",
)
def schema(write_dir: Path | None) -> None:
    """Print the JSON Schemas of the records (the contract), keyed by record name."""
    schemas = json_schemas()
    if write_dir is None:
        _emit_json(schemas)
        return
    try:
        write_dir.mkdir(parents=True, exist_ok=True)
        for name, document in schemas.items():
            (write_dir / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the schemas to {write_dir} ({exc.strerror})") from None
    click.echo(f"wrote {len(schemas)} schemas to {write_dir}", err=True)


# -- ingest ----------------------------------------------------------------------------------------

_inputs = click.argument("inputs", nargs=-1, type=click.Path(path_type=str))
_max_chars = click.option(
    "--max-chars", type=click.IntRange(min=1), default=DEFAULT_MAX_CHARS, show_default=True, help="Refuse articles longer than this."
)


def _read(inputs: tuple[str, ...], max_chars: int) -> Iterator[Article | InputFailure]:
    sources = list(inputs) or ["-"]
    if sources == ["-"] and sys.stdin.isatty():
        raise InputError("no input: give article files or pipe text on stdin (see --help)")
    return read_articles(sources, max_chars=max_chars, stdin=sys.stdin.buffer)


def _report_input_failure(item: InputFailure) -> None:
    say(item.message)


@cli.command()
@_inputs
@_max_chars
def ingest(inputs: tuple[str, ...], max_chars: int) -> None:
    """Parse articles (text, JSON, JSONL, scraped pages) and print them as JSONL, without a model.

    INPUTS are files, directories or - for stdin (the default).
    """
    failed = ok = 0
    for item in _read(inputs, max_chars):
        if isinstance(item, InputFailure):
            failed += 1
            _report_input_failure(item)
            continue
        ok += 1
        _emit_jsonl(
            {
                "article_id": item.article_id,
                "shape": item.shape,
                "title": item.title,
                "published": item.published,
                "outlet": item.outlet,
                "url": item.url,
                "file": item.file,
                "line": item.line,
                "text": item.text,
            }
        )
    _finish(ok, failed)


def _finish(ok: int, failed: int) -> None:
    if ok + failed > 1 or failed:
        say(f"{ok} ok, {failed} failed")
    if failed:
        # One bad input alone is an input error (2); in a batch, "some failed" (1).
        sys.exit(InputError.exit_code if ok == 0 and failed == 1 else EXIT_SOME_FAILED)


# -- extract ---------------------------------------------------------------------------------------


def _open_for_writing(path: Path, flag: str):
    try:
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: cannot write ({exc.strerror or exc})") from None


def model_options(func):
    options = [
        click.option(
            "--base-url",
            envvar="OPENAI_BASE_URL",
            help="An OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp). Default: start the embedded model.",
        ),
        click.option("--api-key", envvar="OPENAI_API_KEY", help="Key for that server (default: $OPENAI_API_KEY). Never logged."),
        click.option("--model", envvar="SUMMIT_MODEL", help="Model name on that server (default: $SUMMIT_MODEL)."),
        click.option(
            "--mode",
            type=click.Choice(MODES),
            default="auto",
            show_default=True,
            help="How instructor asks for structured output; 'auto' uses json_schema where the server takes it, else tools.",
        ),
        click.option(
            "--gguf",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Serve this GGUF with the embedded server instead of the default model.",
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="native",
            show_default=True,
            help="The embedded server: llama.cpp's native server (xllamacpp) or llama-cpp-python's.",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Articles in flight at once (for remote servers).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=1),
            default=600.0,
            show_default=True,
            help="Seconds to wait for the server: to connect, and for each next piece of a reply. It bounds each wait, not the whole reply (a server that keeps sending is not cut off); each retry waits afresh.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(min=0),
            default=4,
            show_default=True,
            help="Transport retries (429, 5xx, timeouts) per request.",
        ),
        click.option(
            "--fail-fast-after",
            type=click.IntRange(min=0),
            default=3,
            show_default=True,
            help="Connection failures in a row (refused, unreachable) after which the rest of the batch fails at once; 0: never.",
        ),
        click.option(
            "--validation-retries",
            type=click.IntRange(min=0),
            default=2,
            show_default=True,
            help="Times a reply that fails the schema or grounding is asked again.",
        ),
        click.option("--no-cache", is_flag=True, help="Ignore and do not update the extraction cache."),
        click.option(
            "--replies-only",
            is_flag=True,
            help="Never start or call the model: answer every request from the kept replies (the reply cache); an article asking anything new fails.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            envvar="SUMMIT_CACHE_DIR",
            help="Cache directory (default: ~/.cache/summit-extractor).",
        ),
        click.option(
            "--background-pass/--no-background-pass",
            default=False,
            show_default=True,
            help="A second model call for the other meetings an article mentions.",
        ),
        click.option(
            "--prompt",
            "prompt_name",
            default="extract",
            show_default=True,
            help="Prompt template in the prompts package (for measuring variants).",
        ),
        click.option(
            "--failures",
            "failures_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Also write failed articles, with their reasons, to this JSONL file.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(options: dict) -> Settings:
    from extractor.rules import rules_off

    register_secret(options["api_key"])
    rules_off()  # one line and exit 2 for a name in $SUMMIT_RULES_OFF that is no rule
    if options["base_url"]:
        from extractor.model.endpoint_url import split_base_url

        split_base_url(options["base_url"])  # one line and exit 2 for credentials in the URL
    return Settings.from_env(
        base_url=options["base_url"],
        api_key=options["api_key"],
        model=options["model"],
        mode=options["mode"],
        gguf=options["gguf"],
        engine=options["engine"],
        concurrency=options["concurrency"],
        timeout=options["timeout"],
        retry=RetryPolicy(
            transport_attempts=options["retries"] + 1,
            validation_retries=options["validation_retries"],
            breaker_threshold=options["fail_fast_after"],
        ),
        use_cache=not options["no_cache"],
        cache_dir=options["cache_dir"],
        prompt_name=options["prompt_name"],
        background_pass=options["background_pass"],
        replies_only=options["replies_only"],
    )


def _extract(inputs: tuple[str, ...], max_chars: int, options: dict, on_extraction, articles: list[Article] | None = None) -> BatchSummary:
    """Extract the inputs; ``articles``, when given, receives the articles read (for the report).
    The rules named by ``--without`` are off while they are extracted."""
    from extractor.rules import switched_off

    with switched_off(options.get("without") or "", where="--without"):
        return _extract_with_the_rules_on(inputs, max_chars, options, on_extraction, articles)


def _extract_with_the_rules_on(
    inputs: tuple[str, ...], max_chars: int, options: dict, on_extraction, articles: list[Article] | None
) -> BatchSummary:
    # Imported here so that --help, schema and ingest start without loading the model client.
    from extractor.runtime.pipeline import extract_batch

    settings = _settings(options)
    items = list(_read(inputs, max_chars))  # read first: a bad invocation must not truncate --failures
    if articles is not None:
        articles.extend(item for item in items if isinstance(item, Article))
    failures_file = _open_for_writing(options["failures_path"], "--failures") if options["failures_path"] else None
    progress = _progress(items)

    def on_outcome(outcome: Outcome) -> None:
        if outcome.extraction is not None:
            on_extraction(outcome.extraction)
        elif (failure := outcome.failure) is not None:
            where = failure.source.file or "-"
            if failure.source.line:
                where += f":{failure.source.line}"
            message = failure.message if failure.error == "input" else f"{where}: {failure.message}"
            say(message)
            if failures_file:
                failures_file.write(failure.model_dump_json() + "\n")
        progress.advance(outcome)

    try:
        with progress:
            return extract_batch(items, settings, on_outcome=on_outcome)
    finally:
        if failures_file:
            failures_file.close()


_without = click.option(
    "--without",
    metavar="RULE[,RULE...]",
    default="",
    help="Switch these post-model rules off (names as `summit-extract rules` lists them), besides those in $SUMMIT_RULES_OFF.",
)


@cli.command()
@_inputs
@_max_chars
@model_options
@_without
def extract(inputs: tuple[str, ...], max_chars: int, **options) -> None:
    """Extract summits, pledges and actors: one JSON document for one article, JSONL for several.

    INPUTS are files, directories or - for stdin (the default). With no --base-url, the embedded
    model (llama.cpp on 127.0.0.1) is started for the batch and stopped at the end.
    """
    records: list[ArticleExtraction] = []
    several = len(inputs) > 1 or any(Path(p).is_dir() for p in inputs if p != "-")

    def on_extraction(extraction: ArticleExtraction) -> None:
        if several:
            _emit_jsonl(extraction.model_dump(mode="json"))
        else:
            records.append(extraction)

    summary = _extract(inputs, max_chars, options, on_extraction)
    if not several:
        if len(records) == 1 and summary.failed_total == 0:
            _emit_json(records[0].model_dump(mode="json"))
        else:  # JSONL input holding several articles
            for record in records:
                _emit_jsonl(record.model_dump(mode="json"))
    _summarise(summary)


def _summarise(summary: BatchSummary) -> None:
    log.info(summary.line())
    _exit_for(summary)


def _exit_for(summary: BatchSummary) -> None:
    if summary.failed_total:
        kinds = set(summary.failed)
        if summary.extracted == 0 and summary.failed_total == 1:
            sys.exit(exit_code_of(next(iter(kinds))))
        if summary.extracted == 0 and kinds == {"config"}:
            sys.exit(ConfigError.exit_code)  # settings that cannot work failed the whole batch, not "some" articles
        if summary.extracted == 0 and kinds <= {"model", "validation"}:
            sys.exit(ModelError.exit_code)  # the model failed every article: a model failure, as for one article
        sys.exit(EXIT_SOME_FAILED)


# -- reconcile / run -------------------------------------------------------------------------------


def read_extractions(path: Path) -> Iterator[ArticleExtraction | InputFailure]:
    """ArticleExtraction records from a JSONL file (failure records and blank lines skipped).

    A line that is not an extraction record is an ``InputFailure`` with its line number: one bad
    line never hides the good ones. Only a file that cannot be read stops the command. The same
    reader as ``report``'s (``extractor.ingest.records``).
    """
    from extractor.ingest.records import is_failure_record, read_records

    return read_records(path, ArticleExtraction, "an extraction record", skip=is_failure_record, stdin=sys.stdin.buffer)


def _good_extractions(path: Path) -> tuple[list[ArticleExtraction], int]:
    """The file's extraction records, and how many lines were not; each bad line reported."""
    records: list[ArticleExtraction] = []
    failed = 0
    for item in read_extractions(path):
        if isinstance(item, InputFailure):
            failed += 1
            _report_input_failure(item)
        else:
            records.append(item)
    if not records and not failed:
        raise InputError(f"{path}: no extraction records in it")
    return records, failed


def _emit_events(extractions: Iterable[ArticleExtraction], keep: list | None = None) -> int:
    """Print each event as it is built; ``keep``, when given, also holds them (for the report)."""
    from extractor.reconcile import iter_events

    count = 0
    for event in iter_events(extractions):  # written as built: memory holds one event at a time
        _emit_jsonl(event.model_dump(mode="json"))
        if keep is not None:
            keep.append(event)
        count += 1
    return count


@cli.command()
@click.argument("extractions", type=click.Path(dir_okay=False, path_type=Path))
def reconcile(extractions: Path) -> None:
    """Merge extractions (JSONL, as `extract` prints) into one event per real meeting (JSONL)."""
    records, failed = _good_extractions(extractions)
    count = _emit_events(records)
    log.info("reconciled %d extraction(s) into %d event(s)", len(records), count)
    if failed:  # the good lines are reconciled; the bad ones are reported above
        _finish(len(records), failed)


@cli.command()
@_inputs
@_max_chars
@model_options
@_without
@click.option(
    "--extractions",
    "extractions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save the per-article extractions (JSONL) here.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the HTML report of the events here (see `report`).",
)
def run(inputs: tuple[str, ...], max_chars: int, extractions_path: Path | None, report_path: Path | None, **options) -> None:
    """Extract the articles, then reconcile them: prints one event per line (JSONL)."""
    from extractor.report import check_writable, write_report

    records: list[ArticleExtraction] = []
    articles: list[Article] = []
    events: list | None = [] if report_path else None
    # Checked first: a path that cannot be written fails before the model is asked anything.
    if report_path:
        check_writable(report_path, "--report")
    out = _open_for_writing(extractions_path, "--extractions") if extractions_path else None
    try:
        summary = _extract(inputs, max_chars, options, records.append, articles if report_path else None)
        if out:
            for record in records:
                out.write(record.model_dump_json() + "\n")
    finally:
        if out:
            out.close()
    count = _emit_events(records, keep=events)
    log.info("%s; %d event(s)", summary.line(), count)
    if report_path:
        log.info(write_report(report_path, events or [], records, articles, flag="--report").line())
    _exit_for(summary)


@cli.command()
@click.argument("events_path", metavar="EVENTS", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--extractions",
    "extractions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The extractions (JSONL) the events came from: they place each quote in its article.",
)
@click.option(
    "--articles",
    "article_paths",
    multiple=True,
    type=click.Path(path_type=str),
    help="The articles (files or directories, as given to extract): quotes are shown in their text. Repeatable.",
)
@click.option(
    "-o", "--output", "output_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML report here."
)
@click.option("--title", default="Summit events", show_default=True, help="The page's title.")
def report(events_path: Path, extractions_path: Path | None, article_paths: tuple[str, ...], output_path: Path, title: str) -> None:
    """Write an HTML report of events (JSONL, as `reconcile` and `run` print): one self-contained
    page with the timeline, sources, conflicts and quotes, readable offline.

    A line that cannot be read is reported on stderr (and on the page) and left out; the other
    events are shown, and the exit status is 1. An empty events file gives a page that says so.
    """
    from extractor.report import write_report
    from extractor.report.inputs import read_report_inputs

    inputs = read_report_inputs(events_path, extractions_path, article_paths)
    for problem in inputs.problems:
        click.echo(f"summit-extract: {problem}", err=True)
    written = write_report(output_path, inputs.events, inputs.extractions, inputs.articles, title=title, problems=inputs.problems)
    log.info(written.line())
    if inputs.problems:
        sys.exit(EXIT_SOME_FAILED)


# -- rules -----------------------------------------------------------------------------------------


@cli.command()
@click.option("--reasons", is_flag=True, help="List the reasons a value is dropped for, each with the rule that drops it, instead.")
def rules(reasons: bool) -> None:
    """The post-model rules in the order they apply, one JSON line each: name, field, the
    pattern it handles, and whether it is on ($SUMMIT_RULES_OFF, --without switch rules off)."""
    from extractor.rules import RULES, DropReason, rule_on

    if reasons:
        for reason in DropReason:
            _emit_jsonl({"reason": reason.name.lower(), "words": reason.template, "rule": reason.rule.name if reason.rule else None})
        return
    for rule in RULES:
        _emit_jsonl({"name": rule.name, "field": rule.field, "statement": rule.statement, "on": rule_on(rule)})


# -- evaluate --------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--gold", "gold_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Gold file in the summit-gold/1 format."
)
@click.option(
    "--extractions",
    "extractions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Score these extractions (JSONL) instead of extracting INPUTS.",
)
@click.option(
    "--gold-mentions",
    "gold_mentions",
    is_flag=True,
    help="Score the reconciler alone: reconcile the gold's own mentions (a perfect extraction); no articles, no model.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_inputs
@_max_chars
@model_options
@_without
def evaluate(
    gold_path: Path, extractions_path: Path | None, gold_mentions: bool, as_json: bool, inputs: tuple[str, ...], max_chars: int, **options
) -> None:
    """Score extractions and their reconciliation against a gold file.

    Either extract INPUTS (the gold's article files, matched to its entries by file name), read
    --extractions, or take --gold-mentions: the gold's own mentions as the extraction, so only
    the reconciler is scored. Prints a metrics table, or JSON with --json.
    """
    from extractor.evaluate.gold import gold_to_extractions, load_gold
    from extractor.evaluate.score import render_table, score_extractions
    from extractor.reconcile import reconcile_events
    from extractor.rules import parse_names

    parse_names(options["without"], where="--without")  # a misspelt rule: one line, before any work
    gold = load_gold(gold_path)
    summary = None
    unreadable = 0
    if gold_mentions and (extractions_path or inputs):
        raise InputError("--gold-mentions scores the gold's own mentions: give no article files and no --extractions")
    if options["without"] and (gold_mentions or extractions_path):
        raise InputError(
            "--without switches rules off while extracting: give the gold's article files, not --extractions or --gold-mentions"
        )
    if gold_mentions:
        records = gold_to_extractions(gold)
    elif extractions_path:
        records, unreadable = _good_extractions(extractions_path)
    elif inputs:
        records = []
        summary = _extract(inputs, max_chars, options, records.append)
    else:
        raise InputError("nothing to score: give the gold's article files, or --extractions FILE")
    report = score_extractions(gold, records, reconcile_events(records))
    if as_json:
        click.echo(report.to_json())
    else:
        click.echo(render_table(report))
    if summary is not None:  # the scores stand, but a failed extraction is still a failure
        _summarise(summary)
    if unreadable:
        _finish(len(records), unreadable)


# -- progress --------------------------------------------------------------------------------------


class _Progress:
    """A progress bar on stderr when it is a terminal; nothing otherwise.

    It names the article in hand (outcomes arrive in input order, so it is the one after the
    last finished) and the model's seconds for the last article and on average.
    """

    def __init__(self, items: list):
        self._bar = None
        self._names = [_article_name(item) for item in items]
        self._done = 0
        self._seconds: list[float] = []
        if len(items) > 1 and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("extracting {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[pace]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task(self._names[0], total=len(items), pace="")

    def __enter__(self):
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar:
            self._bar.stop()

    def advance(self, outcome: Outcome | None = None) -> None:
        self._done += 1
        extraction = outcome.extraction if outcome is not None else None
        if extraction is not None and not extraction.provenance.cached and extraction.provenance.seconds is not None:
            self._seconds.append(extraction.provenance.seconds)
        if self._bar:
            self._bar.update(self._task, advance=1, description=self.in_hand(), pace=self.pace())

    def in_hand(self) -> str:
        return self._names[self._done] if self._done < len(self._names) else "done"

    def pace(self) -> str:
        """'last 19.4 s, 20.1 s/article' from the articles the model answered (cache hits aside)."""
        if not self._seconds:
            return ""
        return f"last {self._seconds[-1]:.1f} s, {sum(self._seconds) / len(self._seconds):.1f} s/article"


def _article_name(item: Article | InputFailure) -> str:
    where = item.file or getattr(item, "article_id", None) or "-"
    name = Path(where).name if where != "-" else "stdin"
    return f"{name}:{item.line}" if item.line else name


def _progress(items: list) -> _Progress:
    return _Progress(items)


# worker, enqueue, events: the queue-facing commands live with the worker (extractor/worker/cli.py),
# given what they share with the commands above.
from extractor.worker.cli import Shell as _Shell  # noqa: E402
from extractor.worker.cli import register as _register_worker_commands  # noqa: E402

_register_worker_commands(
    cli,
    _Shell(
        model_options=model_options,
        max_chars_option=_max_chars,
        read_inputs=_read,
        report_input_failure=_report_input_failure,
        emit_jsonl=_emit_jsonl,
        settings=_settings,
    ),
)


def main() -> None:
    cli(prog_name="summit-extract")


if __name__ == "__main__":
    main()
