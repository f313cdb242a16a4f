"""Benchmark of the remote path: articles per second with 1, 8, 32 and 64 in flight, against ideal.

    .venv/bin/python bench/remote_bench.py                              # the issue's figure
    .venv/bin/python bench/remote_bench.py --concurrency 1,64 --repeats 1 --latency 0.1

The model is the tests' fake OpenAI-compatible server (``tests/support/fake_openai.py``) answering
every article with a valid draft (``tests.support.summit_articles.answer``) after a fixed latency
(200 ms by default), keeping connections alive as real servers do. It runs in a child process, as any remote server would: in our own process
its threads would compete with the client for the interpreter lock and the figure would measure
the fake server as much as us (``--in-process`` shows that).

Each point extracts ``max(40, 4 × N)`` distinct articles through ``extract_batch`` with
``Settings(concurrency=N)`` (the CLI's ``--concurrency N``), mode ``tools``, no cache, after one
warm-up batch (imports, the city table). The ideal is every article taking exactly the latency:
``articles / (ceil(articles / N) × latency)`` articles per second, i.e. ``N / latency`` when N
divides the article count. The ratio is achieved over ideal (the issue's target: ≥ 0.95 at 64);
the gap is what the client spends per article (HTTP, instructor, validation, grounding,
assembly), shown as CPU milliseconds per article of this process; the fake server's own CPU per
article (its child process, from /proc) shows whether it, not the client, is the limit. Each
point runs ``--repeats`` times; the median run is reported, every run is kept.

Writes ``bench/results/remote.json`` and, when matplotlib is importable, ``remote.png``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

from extractor.runtime.pipeline import extract_batch  # noqa: E402
from extractor.settings import Settings  # noqa: E402
from tests.support.fake_openai import FakeOpenAIServer  # noqa: E402
from tests.support.summit_articles import answer, make_articles  # noqa: E402


def serve(latency: float) -> None:
    """The child: serve until stdin closes, having printed the base URL."""
    with FakeOpenAIServer(responder=answer, latency=latency, keep_alive=True) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()


class ChildServer:
    """The fake server in a child process (this script with ``--serve``)."""

    def __init__(self, latency: float):
        self.latency = latency

    def __enter__(self) -> ChildServer:
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--serve", "--latency", str(self.latency)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            self._process.kill()
            raise SystemExit(f"remote_bench: the fake server did not start (said {self.base_url!r})")
        return self

    def cpu_seconds(self) -> float | None:
        """The child's CPU time so far (user + system), where /proc tells it."""
        try:
            fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def __exit__(self, *exc) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()  # the child's signal to stop
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def ideal_rate(articles: int, concurrency: int, latency: float) -> float:
    """Articles per second if every article took exactly the model's latency and nothing else."""
    return articles / (math.ceil(articles / concurrency) * latency)


def one_run(base_url: str, concurrency: int, count: int, cache_dir: Path, server_cpu=lambda: None) -> dict:
    settings = Settings(base_url=base_url, model="fake-model", mode="tools", concurrency=concurrency, use_cache=False, cache_dir=cache_dir)
    articles = make_articles(count)
    failures: list[str] = []

    def collect(outcome) -> None:
        if not outcome.ok:
            failures.append(outcome.failure.message)

    cpu, served, started = time.process_time(), server_cpu(), time.monotonic()
    summary = extract_batch(articles, settings, on_outcome=collect)
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    served = server_cpu() - served if served is not None else None
    if failures:
        raise SystemExit(f"remote_bench: {len(failures)} of {count} articles failed at concurrency {concurrency}: {failures[0]}")
    return {
        "articles": summary.extracted,
        "seconds": round(wall, 3),
        "articles_per_s": round(count / wall, 2),
        "client_cpu_ms_per_article": round(1000 * cpu / count, 2),
        "server_cpu_ms_per_article": round(1000 * served / count, 2) if served is not None else None,
    }


def measure(server, concurrencies: list[int], latency: float, repeats: int, minimum: int, per_slot: int) -> list[dict]:
    points = []
    base_url = server.base_url
    server_cpu = getattr(server, "cpu_seconds", lambda: None)  # the child's; none in process
    with tempfile.TemporaryDirectory() as cache_dir:
        one_run(base_url, 8, 16, Path(cache_dir))  # warm-up: imports, the city table, instructor's schema
        for concurrency in concurrencies:
            count = max(minimum, per_slot * concurrency)
            runs = [one_run(base_url, concurrency, count, Path(cache_dir), server_cpu) for _ in range(repeats)]
            median = sorted(runs, key=lambda r: r["articles_per_s"])[len(runs) // 2]
            ideal = ideal_rate(count, concurrency, latency)
            point = {
                "concurrency": concurrency,
                "articles": count,
                "ideal_articles_per_s": round(ideal, 2),
                "articles_per_s": median["articles_per_s"],
                "ratio_to_ideal": round(median["articles_per_s"] / ideal, 3),
                "client_cpu_ms_per_article": round(statistics.median(r["client_cpu_ms_per_article"] for r in runs), 2),
                "server_cpu_ms_per_article": _median_or_none([r["server_cpu_ms_per_article"] for r in runs]),
                "runs": runs,
            }
            print(
                f"concurrency {concurrency:>3}: {count} articles, {point['articles_per_s']} articles/s of {point['ideal_articles_per_s']} ideal "
                f"(ratio {point['ratio_to_ideal']}), client CPU {point['client_cpu_ms_per_article']} ms/article, "
                f"fake server CPU {point['server_cpu_ms_per_article']} ms/article",
                file=sys.stderr,
            )
            points.append(point)
    return points


def _median_or_none(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def plot(results: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    points = results["points"]
    labels = [str(p["concurrency"]) for p in points]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    xs = range(len(points))
    left.bar([x - 0.2 for x in xs], [p["ideal_articles_per_s"] for p in points], 0.4, label="ideal (N / latency)", color="#bbb")
    left.bar([x + 0.2 for x in xs], [p["articles_per_s"] for p in points], 0.4, label="measured")
    left.set_xticks(list(xs), labels)
    left.set_xlabel("articles in flight")
    left.set_ylabel("articles per second")
    left.legend()
    right.bar(list(xs), [p["ratio_to_ideal"] for p in points])
    right.axhline(results["settings"]["target_ratio"], color="red", linestyle="--", label=f"target {results['settings']['target_ratio']}")
    right.set_xticks(list(xs), labels)
    right.set_ylim(0, 1.05)
    right.set_xlabel("articles in flight")
    right.set_ylabel("ratio to ideal")
    right.legend(loc="lower left")
    fig.suptitle(f"remote path, fake server at {results['settings']['latency_s']} s latency, {results['date']} ({results['machine']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", default="1,8,32,64", help="articles in flight, comma-separated")
    parser.add_argument("--latency", type=float, default=0.2, help="the fake model's seconds per reply")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--min-articles", type=int, default=40)
    parser.add_argument("--per-slot", type=int, default=4, help="articles per slot in flight (articles = max(min, per-slot × N))")
    parser.add_argument("--in-process", action="store_true", help="run the fake server in this process (shares the interpreter lock)")
    parser.add_argument("--out", default=str(RESULTS / "remote.json"))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.latency)
        return
    concurrencies = [int(n) for n in args.concurrency.split(",")]
    server = FakeOpenAIServer(responder=answer, latency=args.latency, keep_alive=True) if args.in_process else ChildServer(args.latency)
    with server:
        points = measure(server, concurrencies, args.latency, args.repeats, args.min_articles, args.per_slot)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "command": "bench/remote_bench.py " + " ".join(sys.argv[1:]),
        "settings": {
            "latency_s": args.latency,
            "server": "fake OpenAI-compatible server (tests/support/fake_openai.py), "
            + ("in this process" if args.in_process else "child process"),
            "mode": "tools",
            "cache": False,
            "repeats": args.repeats,
            "articles_per_point": f"max({args.min_articles}, {args.per_slot} × concurrency)",
            "target_ratio": 0.95,
        },
        "points": points,
    }
    RESULTS.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    plot(results, Path(args.out).with_suffix(".png"))
    print(json.dumps({p["concurrency"]: p["ratio_to_ideal"] for p in points}))


if __name__ == "__main__":
    main()
