"""Benchmark of the event store: what one save costs as the store grows.

    .venv/bin/python bench/store_bench.py                       # 1k, 10k, 100k stored extractions, SQLite
    .venv/bin/python bench/store_bench.py --sizes 1000,2000 --saves 10
    .venv/bin/python bench/store_bench.py --store postgresql    # a fresh database on 127.0.0.1:5432

A store is filled with ``size`` extractions from the reconciler benchmark's generator
(``bench/reconcile_bench.py``: many events of 3–5 mentions, people meeting in pairs, passing
references in other articles), loaded in bulk (rows inserted, the events of one batch reconcile
written with their index), as a store that has grown to that size looks. Then ``--saves`` new extractions of the same
generator are saved one by one through ``EventStore.save``, as a worker saves them, and each save
is timed, in wall time and in the process's CPU time (which other load on the machine disturbs
less). The saves may add at most 5 % to a store, so that every save sees the store about as full
as the first did: a small size is timed on several stores of other seeds (1,000: six stores of
50 saves). The stores take turns (a change in the machine's load during the run slows every size
alike), and the first save on each store is not counted. Also reported:
the region each save reconciled again (stored events and mentions, rounds: store/incremental.py),
and whether the stored events still equal ``reconcile_events`` of the store.

Writes ``bench/results/store.json`` and, when matplotlib is importable, ``store.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from reconcile_bench import generate  # noqa: E402
from sqlalchemy import text  # noqa: E402

from extractor.reconcile import reconcile_events  # noqa: E402
from extractor.store import EventStore  # noqa: E402
from extractor.store.event_store import event_line  # noqa: E402
from extractor.store.incremental import all_records  # noqa: E402
from extractor.store.index import write_events  # noqa: E402
from extractor.store.tables import extractions as extractions_table  # noqa: E402

MODEL = "bench|fake-model"
POSTGRES_ADMIN = "postgresql://root@127.0.0.1:5432/test"
# The share of a store its timed saves may add (a small store is timed as several stores).
MAX_GROWTH = 0.05


def key(extraction) -> str:
    return hashlib.sha256(f"{extraction.article_id}\x1f{MODEL}".encode()).hexdigest()


def bulk_fill(url: str, extractions) -> None:
    """The store as it is after ``extractions`` were saved: their rows, and one batch reconcile's events and index."""
    with EventStore(url) as store, store.engine.begin() as connection:
        rows = [
            {
                "storage_key": key(e),
                "article_id": e.article_id,
                "model": MODEL,
                "prompt_version": "bench",
                "schema_version": e.provenance.schema_version or "bench",
                "record": e.model_dump_json(),
            }
            for e in extractions
        ]
        for start in range(0, len(rows), 1000):
            connection.execute(extractions_table.insert(), rows[start : start + 1000])
        write_events(connection, (), all_records(extractions))
    if url.startswith("postgresql"):
        # Statistics, as autovacuum keeps them for a store that grew by saves (a bulk load has none).
        with EventStore(url) as store, store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def prepare(size: int, saves: int, url: str, seed: int) -> list:
    """Fill the store with ``size`` extractions; return the ``saves`` extractions to time on it."""
    extractions, _ = generate(int((size + saves) * 1.35), seed=seed)
    fill, timed = extractions[:size], extractions[size : size + saves]
    assert len(timed) == saves, "the generator made too few extractions"
    bulk_fill(url, fill)
    return timed


def time_saves(stores: list[tuple[int, EventStore, list]]) -> dict[int, list[tuple[float, float, tuple]]]:
    """Each store's saves, taken in turn (one save on each store, then the next): a machine whose
    load changes during the run slows every size alike. The first save on each store is left out."""
    samples: dict[int, list[tuple[float, float, tuple]]] = {size: [] for size, _, _ in stores}
    for turn in range(max(len(timed) for _, _, timed in stores)):
        for size, store, timed in stores:
            if turn >= len(timed):
                continue
            extraction = timed[turn]
            started, started_cpu = time.perf_counter(), time.process_time()
            store.save(key(extraction), extraction, model_identity=MODEL)
            seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
            plan = store.last_plan
            if turn:
                samples[size].append((seconds, cpu, (plan.region_events, plan.region_mentions, plan.rounds) if plan else (size, size, 0)))
    return samples


def summary(size: int, stores: list[EventStore], samples: list[tuple[float, float, tuple]]) -> dict:
    equal = all(store.event_lines() == [event_line(e) for e in reconcile_events(store.extractions())] for store in stores)
    seconds, cpu, regions = [s[0] for s in samples], [s[1] for s in samples], [s[2] for s in samples]
    result = {
        "stored": size,
        "stores": len(stores),
        "saves": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "median_cpu_ms": round(statistics.median(cpu) * 1000, 1),
        "p90_ms": round(sorted(seconds)[int(0.9 * (len(seconds) - 1))] * 1000, 1),
        "saves_per_second": round(len(seconds) / sum(seconds), 2),
        "saves_per_cpu_second": round(len(cpu) / sum(cpu), 2),
        "region_events_median": int(statistics.median(r[0] for r in regions)),
        "region_mentions_median": int(statistics.median(r[1] for r in regions)),
        "region_mentions_mean": round(statistics.mean(r[1] for r in regions), 1),
        "region_mentions_max": max(r[1] for r in regions),
        "rounds_max": max(r[2] for r in regions),
        "reconciled_everything": sum(r[2] == 0 for r in regions),
        "events_equal_reconcile": equal,
    }
    print(json.dumps(result), file=sys.stderr)
    return result


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh store's URL: a SQLite file in a scratch directory, or a PostgreSQL database (dropped after)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as scratch:
            yield f"sqlite:///{Path(scratch) / 'events.sqlite3'}"
        return
    import psycopg

    name = f"store_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://root@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--saves", type=int, default=300, help="saves timed per size (after one untimed save on each store)")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--out", type=Path, default=RESULTS / "store.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with contextlib.ExitStack() as stack:
        stores: list[tuple[int, EventStore, list]] = []
        for size in sizes:
            # The saves timed add at most MAX_GROWTH to a store (each sees it about as filled as
            # the first did): a small size takes several stores, of other seeds, to make its count.
            count = math.ceil(args.saves / max(1, int(size * MAX_GROWTH)))
            for n in range(count):
                url = stack.enter_context(database(args.store))
                timed = prepare(size, math.ceil(args.saves / count) + 1, url, seed=20260628 + size + n)
                stores.append((size, stack.enter_context(EventStore(url)), timed))
        # The generated extractions live as long as the run: frozen, so that a collection triggered
        # inside a save does not walk them (a worker's heap holds no such data set).
        gc.collect()
        gc.freeze()
        samples = time_saves(stores)
        gc.unfreeze()
        results = [summary(size, [store for s, store, _ in stores if s == size], samples[size]) for size in sizes]
    document = {
        "command": "python bench/store_bench.py " + " ".join(sys.argv[1:]),
        "store": args.store,
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpu_count": os.cpu_count()},
        "runs": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    if _plot(document, args.out.with_suffix(".png")):
        print(f"wrote {args.out.with_suffix('.png')}", file=sys.stderr)
    return 0


def _plot(document: dict, path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    runs = document["runs"]
    stored = [r["stored"] for r in runs]
    fig, axis = plt.subplots(figsize=(6, 4))
    first = runs[0]["saves_per_second"]
    axis.axhspan(0.8 * first, 1.2 * first, color="grey", alpha=0.15, label=f"within 20 % of {stored[0]:,} stored")
    axis.plot(stored, [r["saves_per_second"] for r in runs], "o-", label="saves per second (wall)")
    axis.plot(stored, [r["saves_per_cpu_second"] for r in runs], "s--", label="saves per CPU second")
    for r in runs:
        axis.annotate(
            f"{r['median_ms']:.0f} ms median, region {r['region_mentions_mean']:.0f} mentions",
            (r["stored"], r["saves_per_second"]),
            textcoords="offset points",
            xytext=(-40, 8),
            fontsize=8,
        )
    axis.set(
        xscale="log",
        xlabel="stored extractions",
        ylabel="saves per second, one process",
        title=f"Event store saves ({document['store']})",
        ylim=(0, None),
    )
    axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


if __name__ == "__main__":
    raise SystemExit(main())
