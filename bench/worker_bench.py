"""Benchmark of the worker: articles per second for 1, 2 and 4 worker processes, against ideal.

    .venv/bin/python bench/worker_bench.py                          # Redis, 200 ms model latency
    .venv/bin/python bench/worker_bench.py --workers 1,2 --per-worker 20
    .venv/bin/python bench/worker_bench.py --broker amqp://guest:guest@127.0.0.1:5672/

The model is the tests' fake OpenAI-compatible server answering every request after a fixed
latency (200 ms by default), so the figure measures the worker's own overhead (message handling,
grounding, the store's insert and re-reconcile, acks), not a model. Each worker process keeps
``--concurrency`` articles in flight (1 by default). Two ratios are reported:

* ``scaling``: throughput over ``workers ×`` the one-worker throughput, i.e. how close adding
  processes comes to linear scale-out (the issue's target: ≥ 0.9 at 4);
* ``ratio_to_model_bound``: over ``workers × concurrency / latency``, the ceiling if the worker
  spent no time of its own; the gap is the per-article work done between model calls (parsing,
  grounding, the store's insert and re-reconcile: about 20–25 ms here).
Each run has its own stream and a fresh SQLite store (one machine); the workers are started and
warmed up (one article each) before the clock starts, then ``per-worker × workers`` articles
are enqueued at once and timed until the last one is committed.

Writes ``bench/results/worker.json`` and, when matplotlib is importable, ``worker.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

from extractor.worker.connect import open_broker  # noqa: E402
from extractor.worker.messages import encode_article  # noqa: E402
from tests.support.fake_openai import FakeOpenAIServer  # noqa: E402
from tests.support.summit_articles import answer, make_articles  # noqa: E402


def stored(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=30) as db:
            return db.execute("SELECT count(*) FROM extractions").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not migrated yet


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"worker_bench: timed out waiting for {what}")
        time.sleep(0.05)


async def publish(broker_url: str, stream: str, articles) -> None:
    broker = open_broker(broker_url, stream)
    await broker.connect()
    try:
        for article in articles:
            await broker.publish(encode_article(article))
    finally:
        await broker.close()


async def cleanup(broker_url: str, stream: str) -> None:
    broker = open_broker(broker_url, stream)
    await broker.connect()
    try:
        if hasattr(broker, "client"):
            await broker.client.delete(stream, f"{stream}:results", f"{stream}:dead")
        else:
            for name in (stream, f"{stream}:results", f"{stream}:dead"):
                await broker._channel.queue_delete(name)
    finally:
        await broker.close()


def run(workers: int, args, server: FakeOpenAIServer, scratch: Path) -> dict:
    stream = f"bench:{uuid.uuid4().hex[:8]}"
    store = scratch / f"events-{workers}.sqlite3"
    total = args.per_worker * workers
    articles = make_articles(workers + total, meetings=max(10, total // 5))
    warm, timed = articles[:workers], articles[workers:]
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env["SUMMIT_CACHE_DIR"] = str(scratch / "cache")
    command = [
        sys.executable,
        "-m",
        "extractor.cli",
        "worker",
        "--broker",
        args.broker,
        "--stream",
        stream,
        "--store",
        f"sqlite:///{store}",
        "--base-url",
        server.base_url,
        "--model",
        "fake-model",
        "--concurrency",
        str(args.concurrency),
        "--retries",
        "1",
        "--validation-retries",
        "0",
    ]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    try:
        asyncio.run(publish(args.broker, stream, warm))
        wait_for(lambda: stored(store) >= len(warm), 120, "the warm-up articles")
        started = time.monotonic()
        asyncio.run(publish(args.broker, stream, timed))
        wait_for(lambda: stored(store) >= len(warm) + total, 600, "the timed articles")
        seconds = time.monotonic() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=60) for process in processes]
        asyncio.run(cleanup(args.broker, stream))
    rate = total / seconds
    ideal = workers * args.concurrency / args.latency
    result = {
        "workers": workers,
        "concurrency": args.concurrency,
        "articles": total,
        "seconds": round(seconds, 2),
        "articles_per_second": round(rate, 2),
        "ideal_per_second": round(ideal, 2),
        "ratio_to_model_bound": round(rate / ideal, 3),
        "exit_codes": codes,
    }
    print(json.dumps(result), file=sys.stderr)
    return result


def _plot(results: list[dict], latency: float, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axis = plt.subplots(figsize=(6, 4))
    workers = [r["workers"] for r in results]
    axis.plot(workers, [r["ideal_per_second"] for r in results], "k--", label="model-bound ceiling")
    axis.plot(workers, [r["articles_per_second"] for r in results], "o-", label="measured")
    one = results[0]["articles_per_second"] / results[0]["workers"]
    axis.plot(workers, [one * w for w in workers], ":", color="grey", label="linear from 1 worker")
    for r in results:
        axis.annotate(
            f"{r['scaling']:.2f}× linear, {r['ratio_to_model_bound']:.2f}× bound",
            (r["workers"], r["articles_per_second"]),
            textcoords="offset points",
            xytext=(-30, -14),
            fontsize=8,
        )
    axis.set(
        xlabel="worker processes",
        ylabel="articles / second",
        xticks=workers,
        title=f"worker throughput, model latency {latency * 1000:.0f} ms (2 cores)",
    )
    axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker process counts")
    parser.add_argument("--per-worker", type=int, default=40, help="timed articles per worker process")
    parser.add_argument("--concurrency", type=int, default=1, help="articles in flight per worker")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the fake model takes per request")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--out", type=Path, default=RESULTS / "worker.json")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as scratch, FakeOpenAIServer(responder=lambda body: answer(body, delay=args.latency)) as server:
        for workers in (int(n) for n in args.workers.split(",")):
            results.append(run(workers, args, server, Path(scratch)))
    base = results[0]["articles_per_second"] / results[0]["workers"]
    for result in results:
        result["scaling"] = round(result["articles_per_second"] / (base * result["workers"]), 3)
    document = {
        "latency_seconds": args.latency,
        "broker": args.broker.split("://")[0],
        "store": "sqlite",
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpu_count": os.cpu_count()},
        "runs": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    plotted = _plot(results, args.latency, args.out.with_suffix(".png"))
    print(f"wrote {args.out}" + (f" and {args.out.with_suffix('.png')}" if plotted else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
