"""Benchmark of the pipeline's own cost: CPU milliseconds per article spent outside the model.

    .venv/bin/python bench/overhead_bench.py                 # the sample articles, 20 repeats
    .venv/bin/python bench/overhead_bench.py --repeats 3

The sample articles (``examples/articles``) go through the real pipeline (``parse_article``,
then ``ExtractionSession.extract`` against an OpenAI-compatible server, then the JSON line)
with the model's recorded answers (``cassettes/examples``, re-asks included) served by the tests'
fake server (``responder_from_cassettes``) with no latency. The server runs in a child process,
so ``time.process_time`` in this one counts only our side.

Each stage's CPU time is its own (exclusive: a stage called inside another is charged to itself):

* ingest: ``parse_article`` (input shape, boilerplate, publication date);
* validate: the reply checked against the draft schema (pydantic, inside instructor);
* ground: the grounding check that decides a re-ask (each summit grounded once per reply, the
  assembly reusing it), and the grounding while assembling (names, places, dates and pledges
  located in the article);
* normalise: dates resolved, country codes, canonical names, pledge domains;
* assemble: the records, titles, actors and provenance built, and the JSON line written;
* client: the rest of the article's time: the prompt, instructor, the openai client, HTTP and
  our retrying transport.

Stages are timed by wrapping the functions named in ``STAGES`` for the run (the wrappers cost
about a microsecond a call). One warm-up pass first (its per-article totals are reported as
``cold``: the first article also loads the city table and compiles patterns); then ``--repeats``
passes over every article. Median and p90 are over every article × repeat.

Writes ``bench/results/overhead.json`` and, when matplotlib is importable, ``overhead.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

import extractor.extract.assemble as assemble_module  # noqa: E402
import extractor.extract.extractor as extractor_module  # noqa: E402
from extractor.ingest import parse_article  # noqa: E402
from extractor.model import wire  # noqa: E402
from extractor.model.retries import RetryPolicy  # noqa: E402
from extractor.providers.embedded.weights import MODEL_NAME  # noqa: E402
from extractor.runtime.session import ExtractionSession  # noqa: E402
from extractor.settings import Settings  # noqa: E402
from tests.support.fake_openai import FakeOpenAIServer, responder_from_cassettes  # noqa: E402
from tests.support.replay import CASSETTE_DIR, EXAMPLE_ARTICLES  # noqa: E402

# The settings the cassettes were recorded with (tests/test_replay.py): the same request bodies.
SETTINGS = dict(temperature=0.0, retry=RetryPolicy(transport_attempts=1, validation_retries=2), use_cache=False, mode="json_schema")

# (module or class, attribute) → stage. Functions the assembly imports are wrapped where it
# looks them up (its module's namespace), so calls from elsewhere are not counted twice.
STAGES: dict[str, list[tuple[object, str]]] = {
    "validate": [(wire._RESPONSE_MODEL, "model_validate_json")],
    "ground": [(assemble_module.DraftGrounding, "issues")]
    + [
        (assemble_module, name)
        for name in (
            "identify_person",
            "locate_phrase",
            "sentence_support",
            "snap_to_text_name",
            "participant_supported",
            "is_briefer",
            "status_from_text",
            "locate_country",
            "scan_pledges",
            "states_agreement",
            "dated_before",
        )
    ],
    "normalise": [
        (assemble_module, name)
        for name in (
            "city_in_country",
            "country_name",
            "country_of_city",
            "to_alpha2",
            "usual_case",
            "resolve_date",
            "matching_domains",
            "to_domain",
            "known_actor",
            "role_conflicts",
            "surname_of",
        )
    ],
    "assemble": [(extractor_module.Extractor, "_record")],
}
ORDER = ["ingest", "validate", "ground", "normalise", "assemble", "client"]


class StageClock:
    """Exclusive CPU time per stage: entering a stage pauses the one it was called from."""

    def __init__(self) -> None:
        self.totals: Counter[str] = Counter()
        self._stack: list[str] = []
        self._mark = 0.0

    def enter(self, stage: str) -> None:
        now = time.process_time()
        if self._stack:
            self.totals[self._stack[-1]] += now - self._mark
        self._stack.append(stage)
        self._mark = now

    def leave(self) -> None:
        now = time.process_time()
        self.totals[self._stack.pop()] += now - self._mark
        self._mark = now

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.enter(name)
        try:
            yield
        finally:
            self.leave()

    def timed(self, stage: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            self.enter(stage)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        return wrapper


@contextlib.contextmanager
def instrumented(clock: StageClock) -> Iterator[None]:
    """The STAGES functions wrapped for the block, restored after."""
    undo: list[Callable[[], None]] = []
    for stage, places in STAGES.items():
        for owner, name in places:
            if isinstance(owner, type):
                # The raw attribute (a classmethod stays one), wherever in the class tree it is.
                raw = next(k.__dict__[name] for k in owner.__mro__ if name in k.__dict__)
                own = name in owner.__dict__
                if isinstance(raw, classmethod):
                    wrapped: object = classmethod(clock.timed(stage, raw.__func__))
                else:
                    wrapped = clock.timed(stage, raw)
                undo.append(functools.partial(setattr, owner, name, raw) if own else functools.partial(delattr, owner, name))
            else:
                raw = getattr(owner, name)
                wrapped = clock.timed(stage, raw)
                undo.append(functools.partial(setattr, owner, name, raw))
            setattr(owner, name, wrapped)
    try:
        yield
    finally:
        for restore in reversed(undo):
            restore()


def serve() -> None:
    """The child: the cassettes' answers, until stdin closes."""
    with FakeOpenAIServer(
        responder=responder_from_cassettes(sorted(CASSETTE_DIR.glob("*.yaml"))), keep_alive=True, json_schema=True
    ) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()


@contextlib.contextmanager
def child_server() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"overhead_bench: the fake server did not start (said {base_url!r})")
        yield base_url
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def one_article(session: ExtractionSession, raw: bytes, name: str) -> dict[str, float]:
    """One article's CPU milliseconds per stage, and its total."""
    clock = StageClock()
    started = time.process_time()
    with clock.stage("ingest"):
        article = parse_article(raw, file=name)
    with clock.stage("client"), instrumented(clock):
        outcome = session.extract(article)
    if not outcome.ok:
        raise SystemExit(f"overhead_bench: {name} failed: {outcome.failure.message}")
    with clock.stage("assemble"):
        outcome.extraction.model_dump_json()
    total = time.process_time() - started
    row = {stage: 1000 * clock.totals[stage] for stage in ORDER}
    row["total"] = 1000 * total
    return row


def summarise(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p90_ms": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
    }


def plot(results: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    stages = [*ORDER, "total"]
    medians = [results["stages"][s]["median_ms"] for s in stages]
    p90s = [results["stages"][s]["p90_ms"] for s in stages]
    xs = range(len(stages))
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.bar([x - 0.2 for x in xs], medians, 0.4, label="median")
    ax.bar([x + 0.2 for x in xs], p90s, 0.4, label="p90")
    ax.set_xticks(list(xs), stages)
    ax.set_ylabel("CPU ms per article")
    ax.legend()
    ax.set_title(
        f"pipeline overhead outside the model: {results['articles']} sample articles × {results['settings']['repeats']} repeats\n"
        f"{results['date']} ({results['machine']})",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="passes over the articles after the warm-up pass")
    parser.add_argument("--out", default=str(RESULTS / "overhead.json"))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    # Article 10's recorded re-asks end with its last reply salvaged: instructor logs each such
    # "Max retries exceeded" as a warning, which is the run going as recorded, not news.
    logging.getLogger("instructor").setLevel(logging.ERROR)
    articles = [(path.name, path.read_bytes()) for path in EXAMPLE_ARTICLES]
    samples: list[dict[str, float]] = []
    per_article: dict[str, list[dict[str, float]]] = {name: [] for name, _ in articles}
    with child_server() as base_url, tempfile.TemporaryDirectory() as cache_dir:
        settings = Settings(base_url=base_url, model=MODEL_NAME, cache_dir=Path(cache_dir), **SETTINGS)
        with ExtractionSession(settings) as session:
            cold = {name: round(one_article(session, raw, name)["total"], 2) for name, raw in articles}
            for _ in range(args.repeats):
                for name, raw in articles:
                    row = one_article(session, raw, name)
                    samples.append(row)
                    per_article[name].append(row)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "command": "bench/overhead_bench.py " + " ".join(sys.argv[1:]),
        "settings": {
            "articles": "examples/articles, model answers replayed from cassettes/examples (re-asks included)",
            "server": "fake OpenAI-compatible server in a child process, no latency",
            "mode": "json_schema",
            "cache": False,
            "repeats": args.repeats,
            "clock": "time.process_time, exclusive per stage",
        },
        "articles": len(articles),
        "stages": {stage: summarise([s[stage] for s in samples]) for stage in [*ORDER, "total"]},
        "cold_total_ms": cold,
        "per_article_median_ms": {
            name: {stage: round(statistics.median(r[stage] for r in rows), 3) for stage in [*ORDER, "total"]}
            for name, rows in per_article.items()
        },
    }
    RESULTS.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    plot(results, Path(args.out).with_suffix(".png"))
    for stage in [*ORDER, "total"]:
        print(
            f"{stage:>9}: median {results['stages'][stage]['median_ms']:7.2f} ms, p90 {results['stages'][stage]['p90_ms']:7.2f} ms",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
