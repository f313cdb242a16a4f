"""Resilience run: 1,000 articles through the pipeline with 20 % of model requests faulted, and the same without faults.

    .venv/bin/python bench/resilience_bench.py                      # 1,000 articles, 20 % faults
    .venv/bin/python bench/resilience_bench.py --articles 200 --fault-rate 0.3

The articles go through ``extract_batch`` (what ``summit-extract extract`` runs: the real client,
retries, re-asks, grounding) with a ``--base-url`` provider pointed at the tests' fake
OpenAI-compatible server, ``--concurrency`` articles in flight. In the faulted run a seeded
``FaultPlan`` answers a share of *requests* (first tries and retries alike) with one of every
fault the server knows: 429 with Retry-After, 500/502/503, a reply slower than the client's
timeout, a connection dropped mid-body, a malformed JSON body, tool arguments that break the
schema, empty ``choices``, an HTML page with status 200.

What it checks and reports, for both runs: every article ends exactly once, extracted or failed
with a reason (``lost`` and ``duplicated`` must be 0, else the run exits 1); the requests sent and
the retries among them (requests beyond one per article: transport retries and re-asks); the tokens the server billed and, for
the faulted run, the wasted ones (billed beyond the fault-free run); the wall time.

Settings chosen so that the run takes a minute or two here rather than hours, with every fault
path still taken: the fake model answers after ``--latency`` (20 ms); the client's timeout is
0.5 s and a "slow" fault answers after 1 s; backoff starts at 50 ms with 50 ms of jitter, capped
at 0.5 s; a 429 asks for 50 ms. Five transport attempts and two re-asks, as by default. The
fault plan is seeded (``--seed``); with requests in flight together, which article meets which
fault can vary a little between runs, so the figures may move slightly; the guarantees may not.

Writes ``bench/results/resilience.json`` and, when matplotlib is importable, ``resilience.png``.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

from extractor.model.retries import RetryPolicy  # noqa: E402
from extractor.runtime.pipeline import Outcome, extract_batch  # noqa: E402
from extractor.settings import Settings  # noqa: E402
from tests.support.fake_openai import FAULTS, FakeOpenAIServer, FaultPlan, Reply  # noqa: E402
from tests.support.summit_articles import answer, make_articles  # noqa: E402

TIMEOUT = 0.5
SLOW_SECONDS = 1.0
RETRY = RetryPolicy(transport_attempts=5, backoff_initial=0.05, backoff_max=0.5, jitter=0.05, validation_retries=2)


def _tokens(reply: Reply) -> int:
    """What the server bills for a reply: its ``usage`` (none for an error, an HTML page, a broken body)."""
    body = reply.body
    if isinstance(body, dict) and isinstance(body.get("usage"), dict):
        return int(body["usage"].get("total_tokens") or 0)
    return 0


class BilledResponder:
    """The fake model (``answer``), counting the tokens of every real reply it gives."""

    def __init__(self, latency: float):
        self.latency = latency
        self.tokens = 0
        self._lock = threading.Lock()

    def __call__(self, body: dict) -> Reply:
        reply = answer(body)
        with self._lock:
            self.tokens += _tokens(reply)
        return reply


def run(articles: list, *, faults: FaultPlan | None, latency: float, concurrency: int) -> dict:
    responder = BilledResponder(latency)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory() as cache, FakeOpenAIServer(responder=responder, faults=faults, latency=latency) as server:
        settings = Settings(
            base_url=server.base_url,
            model="fake-model",
            mode="tools",
            concurrency=concurrency,
            timeout=TIMEOUT,
            retry=RETRY,
            use_cache=False,
            cache_dir=Path(cache),
        )
        started = time.perf_counter()
        extract_batch(articles, settings, on_outcome=outcomes.append)
        seconds = time.perf_counter() - started
        requests = len(server.completion_requests)
        served = server.served_counts()
    fault_tokens = sum(count * _tokens(FAULTS[kind](faults)) for kind, count in served.items() if kind != "reply" and faults)

    ended = Counter()
    failures: Counter[str] = Counter()
    for outcome in outcomes:
        if outcome.extraction is not None:
            ended[outcome.extraction.article_id] += 1
        elif outcome.failure is not None:
            ended[outcome.failure.article_id] += 1
            failures[f"{outcome.failure.error}: {outcome.failure.message}"[:160]] += 1
    wanted = Counter(a.article_id for a in articles)
    extracted = sum(o.extraction is not None for o in outcomes)
    with_meeting = sum(bool(o.extraction.summits) for o in outcomes if o.extraction is not None)
    return {
        "articles": len(articles),
        "extracted": extracted,
        "extracted_with_meeting": with_meeting,
        "failed": sum(o.failure is not None for o in outcomes),
        "failed_with_reason": sum(o.failure is not None and bool(o.failure.message) for o in outcomes),
        "failure_reasons": dict(failures.most_common()),
        "lost": sum((wanted - ended).values()),
        "duplicated": sum((ended - wanted).values()),
        "requests": requests,
        "retries": requests - len(articles),
        "served": dict(sorted(served.items())),
        "tokens_billed": responder.tokens + fault_tokens,
        "seconds": round(seconds, 2),
    }


def _plot(clean: dict, faulted: dict, rate: float, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    names = ["no faults", f"{rate:.0%} of requests faulted"]
    left.bar(names, [clean["seconds"], faulted["seconds"]], color=["#4c72b0", "#dd8452"])
    left.set_ylabel("wall time (s)")
    left.set_title(f"{clean['articles']:,} articles: time")
    for i, r in enumerate((clean, faulted)):
        left.text(i, r["seconds"], f"{r['seconds']:.1f} s\n{r['extracted']} extracted, {r['failed']} failed", ha="center", va="bottom")
    left.set_ylim(0, max(clean["seconds"], faulted["seconds"]) * 1.35)
    kinds = sorted(set(clean["served"]) | set(faulted["served"]), key=lambda k: (k != "reply", k))
    bottom = [0, 0]
    for i, kind in enumerate(kinds):
        values = [clean["served"].get(kind, 0), faulted["served"].get(kind, 0)]
        right.bar(names, values, bottom=bottom, label=kind, color=plt.cm.tab20(i))
        bottom = [b + v for b, v in zip(bottom, values)]
    right.set_ylabel("requests")
    right.set_title("requests, by what the server answered")
    right.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of requests answered with a fault")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the fake model takes per request")
    parser.add_argument("--out", type=Path, default=RESULTS / "resilience.json")
    args = parser.parse_args()

    # The retry log lines (one per retry) would bury the figures; failures are counted below.
    logging.disable(logging.ERROR)
    articles = make_articles(args.articles)
    run(articles[:50], faults=None, latency=args.latency, concurrency=args.concurrency)  # warm-up: imports, tables, first connections
    clean = run(articles, faults=None, latency=args.latency, concurrency=args.concurrency)
    print(f"no faults: {json.dumps(clean)}", file=sys.stderr)
    plan = FaultPlan(rate=args.fault_rate, seed=args.seed, retry_after=0.05, slow_seconds=SLOW_SECONDS)
    faulted = run(articles, faults=plan, latency=args.latency, concurrency=args.concurrency)
    faulted["wasted_tokens"] = faulted["tokens_billed"] - clean["tokens_billed"]
    faulted["time_ratio_to_fault_free"] = round(faulted["seconds"] / clean["seconds"], 2)
    print(f"faulted:   {json.dumps(faulted)}", file=sys.stderr)

    result = {
        "command": "python bench/resilience_bench.py " + " ".join(sys.argv[1:]),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "settings": {
            "articles": args.articles,
            "concurrency": args.concurrency,
            "fault_rate": args.fault_rate,
            "fault_kinds": list(plan.kinds),
            "seed": args.seed,
            "model_latency_s": args.latency,
            "client_timeout_s": TIMEOUT,
            "slow_fault_s": SLOW_SECONDS,
            "retry_after_s": plan.retry_after,
            "transport_attempts": RETRY.transport_attempts,
            "backoff_initial_s": RETRY.backoff_initial,
            "backoff_max_s": RETRY.backoff_max,
            "jitter_s": RETRY.jitter,
            "validation_retries": RETRY.validation_retries,
        },
        "fault_free": clean,
        "faulted": faulted,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    plotted = _plot(clean, faulted, args.fault_rate, args.out.with_suffix(".png"))
    print(f"wrote {args.out}" + (f" and {args.out.with_suffix('.png')}" if plotted else ""), file=sys.stderr)
    ok = all(r["lost"] == 0 and r["duplicated"] == 0 and r["failed"] == r["failed_with_reason"] for r in (clean, faulted))
    if not ok:
        print("FAILED: an article was lost, duplicated or failed without a reason", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
