"""Benchmark of the reconciler: wall time, peak memory and pairwise F1 on synthetic extractions.

    .venv/bin/python bench/reconcile_bench.py                      # sizes 10k, 100k, 1M mentions
    .venv/bin/python bench/reconcile_bench.py --sizes 10000,100000
    .venv/bin/python bench/reconcile_bench.py --sizes 1000000 --modes stream --keep

Each (size, mode) runs in a fresh subprocess, so its peak resident memory (``ru_maxrss``) is its
own, and the two modes run side by side: ``list`` times ``reconcile_events`` (every Event held);
``stream`` times ``iter_events`` with each Event serialised to JSON and let go, which is what
``summit-extract reconcile`` does. Generating the input is not timed. The generator (fixed seed) makes
many events of ~3–5 mentions each, with the noise real articles have: name spellings (hyphen,
space, case, U+2011), dates at day, month, year-less and weekday precision, a few wrong months in
passing references, planned-then-held reports, background mentions without a city, and the same
pairs meeting again in other cities and, sometimes, in the same city on another date. A passing
reference calls a meeting planned when its article is about an earlier meeting, and only then. Its truth (which
event each mention reports) gives pairwise precision, recall and F1.

Writes ``bench/results/reconcile.json`` and, when matplotlib is importable, ``reconcile.png``.

    .venv/bin/python bench/reconcile_bench.py --gold ../shared/devset/gold.json --gold ../shared/devset-world/gold.json

    .venv/bin/python bench/reconcile_bench.py --one-meeting 500,1000,2000,4000

``--one-meeting`` times one meeting reported by N articles, each with its own title and two
pledges in wordings of their own (pledge merging and title choice must stay about linear).

``--gold`` scores the reconciler alone on real reports instead: each gold file's own mentions
are the extraction (a perfect one, ``evaluate --gold-mentions``), reconciled and scored against
the gold's events: pairwise P/R/F1, gold conflicts settled right and recorded, non-merge traps
merged. Writes ``bench/results/reconcile_gold.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections import deque
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)

_CITIES = [(f"City{n:03d}", code) for n, code in zip(range(400), ["KR", "JP", "US", "CN", "AU", "CA", "IN", "BR"] * 50)]
_DOMAINS = [
    "defense",
    "economic_security",
    "economy_trade",
    "technology_ai",
    "supply_chain",
    "energy_climate",
    "people_exchange",
    "north_korea",
    "regional_security",
]
_WORDINGS = ["cooperation on {d}", "agreed to deepen {d} cooperation", "pledged closer {d} ties", "a joint {d} framework"]


# --- generation -----------------------------------------------------------------------------------


def _person(n: int) -> str:
    return f"Kim Min-{chr(97 + n % 26)}{chr(97 + n // 26 % 26)}{chr(97 + n // 676 % 26)} Lee-{n}"


def _spell(name: str, rng: random.Random) -> str:
    """A spelling an article might use: as is, hyphens as spaces or U+2011, case changed."""
    roll = rng.random()
    if roll < 0.55:
        return name
    if roll < 0.7:
        return name.replace("-", " ")
    if roll < 0.85:
        return name.replace("-", "\u2011")
    return name.upper() if roll < 0.92 else name.title()


def _date_as_reported(day: date, primary: bool, rng: random.Random) -> tuple[str | None, str]:
    """(partial date, precision) at the precision an article might give, sometimes wrong."""
    roll = rng.random()
    if primary:
        if roll < 0.60:
            return day.isoformat(), "day"
        if roll < 0.72:
            return f"{day:%Y-%m}", "month"
        if roll < 0.82:
            return f"--{day:%m-%d}", "day"
        if roll < 0.90:
            return None, "weekday"
        return None, "unknown"
    if roll < 0.05:  # a passing reference with the wrong month, no year: the Seoul case
        wrong = (day.month + rng.randint(1, 10)) % 12 + 1
        return f"--{wrong:02d}", "month"
    if roll < 0.35:
        return f"{day:%Y-%m}", "month"
    if roll < 0.55:
        return f"--{day:%m}", "month"
    if roll < 0.70:
        return day.isoformat(), "day"
    return None, "unknown"


def _shared(cache: dict, key, make):
    found = cache.get(key)
    if found is None:
        found = cache[key] = make(key)
    return found


def generate(n_mentions: int, seed: int = 20260628):
    """Extractions with about ``n_mentions`` summit mentions, and the true event of each mention."""
    from schemas import Actor, ArticleExtraction, Location, Pledge, Provenance, SourceMeta, Summit

    rng = random.Random(seed)
    n_events = max(1, n_mentions // 4)
    n_people = max(8, n_events // 5)
    n_pairs = max(4, n_events // 3)  # a pair meets about three times: in other cities, on other dates
    pairs = []
    for _ in range(n_pairs):
        group = rng.sample(range(n_people), 3 if rng.random() < 0.1 else 2)
        pairs.append(tuple(_person(p) for p in group))

    events = []  # (people, city, country, day, kind, final status)
    start = date(2020, 1, 1)
    for _ in range(n_events):
        people = rng.choice(pairs)
        city, country = rng.choice(_CITIES)
        kind = "multilateral_summit" if len(people) > 2 else rng.choice(["leaders_summit", "ministerial_meeting"])
        status = "cancelled" if rng.random() < 0.02 else "held"
        events.append((people, city, country, start + timedelta(days=rng.randrange(3650)), kind, status))

    provenance = Provenance.model_construct(model="bench", prompt_version="bench")
    # Identical sub-records are shared (never mutated), so a million mentions fit in memory.
    locations: dict = {}
    actor_records: dict = {}
    articles: list[dict] = []  # article → {"summits": [(event, Summit)], "published": ...}
    recent: deque[int] = deque(maxlen=50)  # recent primary articles, which may mention other meetings
    made = 0
    for number, (people, city, country, day, kind, status) in enumerate(events):
        for position in range(rng.randint(3, 5)):
            if made >= n_mentions:
                break
            made += 1
            primary = position == 0 or rng.random() < 0.6
            reported, precision = _date_as_reported(day, primary, rng)
            shown = status
            if rng.random() < 0.15:
                shown = "planned"  # an earlier report, before the meeting
                if reported is None or len(reported) == 10:
                    reported, precision = f"{day:%Y-%m}", "month"
            mention_kind = kind if rng.random() > 0.05 else "other_meeting"
            names = [_spell(p, rng) for p in people]
            pledges = (
                [
                    Pledge.model_construct(
                        description=rng.choice(_WORDINGS).format(d=d.replace("_", " ")),
                        domain=d,
                        parties=names,
                        certainty="explicit",
                        evidence=[],
                    )
                    for d in rng.sample(_DOMAINS, rng.randint(0, 3))
                ]
                if primary
                else []
            )
            summit = Summit.model_construct(
                title=f"{' – '.join(names)} meeting in {city}",
                kind=mention_kind,
                status=shown,
                date=reported,
                date_precision=precision,
                date_text=None,
                location=_shared(
                    locations,
                    (city if primary or rng.random() < 0.7 else None, country),
                    lambda c: Location.model_construct(city=c[0], country=c[1], venue=None),
                ),
                participants=names,
                pledges=pledges,
                mention="primary" if primary else "background",
                evidence=[],
            )
            target = None
            if not primary and recent and rng.random() < 0.7:
                candidate = rng.choice(recent)
                if len(articles[candidate]["summits"]) < 3 and all(e != number for e, _ in articles[candidate]["summits"]):
                    target = candidate
            if target is None:
                published = (day + timedelta(days=rng.randint(0, 2))).isoformat() if primary and rng.random() < 0.7 else None
                articles.append({"summits": [], "published": published, "outlet": f"Outlet{rng.randrange(200)}", "day": day})
                target = len(articles) - 1
                if primary:
                    recent.append(target)
            elif (articles[target]["day"] < day) != (summit.status == "planned"):
                # A passing reference calls the meeting planned when its article was written before it, and only then.
                summit = summit.model_copy(update={"status": "planned" if articles[target]["day"] < day else status})
            articles[target]["summits"].append((number, summit))

    extractions, truth = [], []
    for number, art in enumerate(articles):
        article_id = f"{number:016x}"
        # The primary mention first, as an extractor lists it.
        summits = sorted(art["summits"], key=lambda es: es[1].mention != "primary")
        names = sorted({n for _, s in summits for n in s.participants})
        actors = [
            _shared(
                actor_records,
                n,
                lambda n: Actor.model_construct(
                    name=n, canonical_name=n, spellings=[n], role="Minister", country=None, kind="person", evidence=[]
                ),
            )
            for n in names
        ]
        source = SourceMeta.model_construct(title=None, url=None, outlet=art["outlet"], published=art["published"], file=None, line=None)
        extractions.append(
            ArticleExtraction.model_construct(
                article_id=article_id, source=source, summits=[s for _, s in summits], actors=actors, dropped=[], provenance=provenance
            )
        )
        truth.extend(((article_id, index), event) for index, (event, _) in enumerate(summits))
    return extractions, truth


# --- one size, in its own process -----------------------------------------------------------------


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(n_mentions: int, seed: int, mode: str = "list") -> dict:
    """Reconcile ``n_mentions`` synthetic mentions in this process.

    ``list``: ``reconcile_events``, every Event held in memory (the library call).
    ``stream``: ``iter_events``, each Event serialised to JSON and let go, as the CLI writes them.
    """
    sys.path.insert(0, str(HERE.parent))
    from extractor.reconcile import iter_events, pairwise_scores, reconcile_events

    started = time.perf_counter()
    extractions, truth = generate(n_mentions, seed)
    generated = time.perf_counter() - started
    baseline = _rss_mb()

    started, cpu_started = time.perf_counter(), time.process_time()
    if mode == "list":
        events = reconcile_events(extractions)
    else:
        groups, with_conflicts, written = [], 0, 0
        for event in iter_events(extractions):
            written += len(event.model_dump_json())
            groups.append([(m.article_id, m.summit_index) for m in event.mentions])
            with_conflicts += bool(event.conflicts)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak = _rss_mb()
    if mode == "list":  # for scoring, outside the timed part (with the collector back on, this is slow)
        groups = [[(m.article_id, m.summit_index) for m in e.mentions] for e in events]
        with_conflicts = sum(1 for e in events if e.conflicts)
    # The first full collection after reconciling walks the whole heap (input and output): the
    # caller pays it sooner or later, so it is measured too, apart.
    started = time.perf_counter()
    gc.collect()
    collect_seconds = time.perf_counter() - started

    gold: dict[int, list] = {}
    for key, event in truth:
        gold.setdefault(event, []).append(key)
    scores = pairwise_scores(groups, gold.values())
    return {
        "mode": mode,
        "mentions": len(truth),
        "articles": len(extractions),
        "true_events": len(gold),
        "events": len(groups),
        "events_with_conflicts": with_conflicts,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),  # less sensitive than wall time to other load on the machine
        "mentions_per_second": round(len(truth) / seconds),
        "gc_collect_after_seconds": round(collect_seconds, 3),
        "generation_seconds": round(generated, 3),
        "rss_after_generation_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "reconcile_rss_increase_mb": round(peak - baseline, 1),
        "pairwise": scores.as_dict(),
    }


def one_meeting(n_reports: int, seed: int) -> list:
    """N articles about one meeting, each with its own title and two pledges worded its own way."""
    from schemas import ArticleExtraction, Location, Pledge, Provenance, SourceMeta, Summit

    rng = random.Random(seed)
    syllables = ["ka", "to", "mi", "ra", "ne", "su", "lo", "pe", "vi", "da", "gu", "zo"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))

    people = ["Ilse Brandt", "Tunde Okoro"]
    extractions = []
    for number in range(n_reports):
        pledges = [
            Pledge(
                description=f"agreed to {word()} {word()} {word()} cooperation",
                domain=_DOMAINS[(number + j) % len(_DOMAINS)],
                parties=people,
            )
            for j in range(2)
        ]
        summit = Summit(
            title=f"Brandt and Okoro talks on {word()} and {word()}",
            kind="leaders_summit",
            status="held",
            date="2027-03-14",
            date_precision="day",
            location=Location(city="Lorvik", country="AA"),
            participants=people,
            pledges=pledges,
        )
        extractions.append(
            ArticleExtraction(
                article_id=f"{number:016x}",
                source=SourceMeta(published="2027-03-15", outlet=f"Outlet{number}"),
                summits=[summit],
                provenance=Provenance(model="bench", prompt_version="bench"),
            )
        )
    return extractions


def main_one_meeting(sizes: list[int], seed: int, out: Path, command: str) -> int:
    sys.path.insert(0, str(HERE.parent))
    from extractor.reconcile import reconcile_events

    results = []
    for size in sizes:
        extractions = one_meeting(size, seed)
        started, cpu_started = time.perf_counter(), time.process_time()
        events = reconcile_events(extractions)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        result = {"reports": size, "events": len(events), "pledges": len(events[0].pledges), "seconds": round(seconds, 3)}
        result["cpu_seconds"] = round(cpu_seconds, 3)
        results.append(result)
        print(f"{size:>6} reports of one meeting  {seconds:6.2f} s  ({len(events)} event, {result['pledges']} pledges)", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"benchmark": "one meeting, many reports", "command": command, "machine": _machine(), "results": results}, indent=2)
        + "\n"
    )
    print(f"wrote {out}")
    return 0


def run_gold(path: Path) -> tuple[dict, list[str]]:
    """The reconciler on a gold file's own mentions: the scores of ``evaluate --gold-mentions``.

    Also the gold conflicts not settled, for the terminal only: the results file keeps numbers,
    never the gold's event keys (they name the people of real articles).
    """
    sys.path.insert(0, str(HERE.parent))
    from extractor.evaluate import load_gold, score_extractions
    from extractor.evaluate.gold import gold_to_extractions
    from extractor.reconcile import reconcile_events

    gold = load_gold(path)
    extractions = gold_to_extractions(gold)
    started = time.perf_counter()
    events = reconcile_events(extractions)
    seconds = time.perf_counter() - started
    rec = score_extractions(gold, extractions, events).reconciliation
    assert rec is not None
    return {
        "gold": str(path),
        "mentions": rec.mentions,
        "events": len(events),
        "seconds": round(seconds, 4),
        "pairwise": rec.pairwise.model_dump(),
        "events_split_mixed_traps": rec.events.model_dump(),
        "conflicts": rec.conflict_totals.model_dump(),
    }, [f"{c.event_key} {c.field}: chose {c.chosen!r}, gold {c.resolved!r}" for c in rec.conflicts if not c.passed]


def main_gold(paths: list[Path], out: Path, command: str) -> int:
    results = []
    for path in paths:
        result, failed = run_gold(path)
        results.append(result)
        pw, conflicts, ev = result["pairwise"], result["conflicts"], result["events_split_mixed_traps"]
        print(
            f"{path}: {result['mentions']} mentions  pairwise P/R/F1 {pw['precision']:.3f}/{pw['recall']:.3f}/{pw['f1']:.3f}"
            f" (tp {pw['tp']} fp {pw['fp']} fn {pw['fn']})  conflicts {conflicts['passed']}/{conflicts['gold']}"
            f"  split {ev['split']}/{ev['gold']}  traps merged {ev['traps_merged']}/{ev['traps']}",
            flush=True,
        )
        for line in failed:
            print(f"    conflict not settled: {line}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"benchmark": "reconcile on gold mentions", "command": command, "results": results}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


# --- the driver -----------------------------------------------------------------------------------


def _machine() -> dict:
    cpu = (
        next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    memory = None
    if Path("/proc/meminfo").exists():
        total = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = round(int(total.split()[1]) / 1024 / 1024, 1)
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gb": memory,
    }


def _plot(results: list[dict], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for mode, style in (("list", "o-"), ("stream", "s-")):
        runs = sorted((r for r in results if r.get("mode", "list") == mode), key=lambda r: r["mentions"])
        if not runs:
            continue
        sizes = [r["mentions"] for r in runs]
        left.loglog(sizes, [r["seconds"] for r in runs], style, label=mode)
        right.loglog(sizes, [r["peak_rss_mb"] for r in runs], style, label=f"{mode}: peak RSS")
        right.loglog(
            sizes,
            [max(r["reconcile_rss_increase_mb"], 1) for r in runs],
            style.replace("-", "--"),
            label=f"{mode}: added while reconciling",
        )
    left.set(xlabel="mentions", ylabel="seconds", title="reconcile wall time (2 cores)")
    left.legend()
    right.set(xlabel="mentions", ylabel="MB", title="memory")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated mention counts")
    parser.add_argument("--seed", type=int, default=20260628)
    parser.add_argument("--out", type=Path, default=RESULTS / "reconcile.json")
    parser.add_argument("--keep", action="store_true", help="keep the results of other sizes already in --out (to rerun some sizes only)")
    parser.add_argument("--modes", default="list,stream", help="reconcile_events (list) and/or iter_events (stream), side by side")
    parser.add_argument("--gold", type=Path, action="append", help="score the reconciler on this gold file's own mentions (repeatable)")
    parser.add_argument("--one-meeting", help="comma-separated report counts: time one meeting reported that many times")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # one size, in this process
    parser.add_argument("--mode", default="list", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(run_one(args.worker, args.seed, args.mode)))
        return 0

    command = " ".join([".venv/bin/python", "bench/reconcile_bench.py", *(argv if argv is not None else sys.argv[1:])])
    if args.gold:
        out = args.out if args.out != RESULTS / "reconcile.json" else RESULTS / "reconcile_gold.json"
        return main_gold(args.gold, out, command)
    if args.one_meeting:
        out = args.out if args.out != RESULTS / "reconcile.json" else RESULTS / "reconcile_one_meeting.json"
        return main_one_meeting([int(n) for n in args.one_meeting.split(",") if n.strip()], args.seed, out, command)
    results = []
    modes = [m for m in args.modes.split(",") if m.strip()]
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        for mode in modes:  # one fresh process per (size, mode): peak RSS is that run's alone
            done = subprocess.run(
                [sys.executable, __file__, "--worker", str(size), "--seed", str(args.seed), "--mode", mode],
                capture_output=True,
                text=True,
                check=True,
            )
            result = {"requested": size, "command": command, **json.loads(done.stdout.strip().splitlines()[-1])}
            results.append(result)
            print(
                f"{result['mentions']:>9} mentions  {mode:6}  {result['seconds']:8.2f} s  peak {result['peak_rss_mb']:8.1f} MB"
                f"  (+{result['reconcile_rss_increase_mb']:.0f} MB)  F1 {result['pairwise']['f1']:.4f}",
                flush=True,
            )

    if args.keep and args.out.exists():
        rerun = {(r["requested"], r["mode"]) for r in results}
        kept = [
            r
            for r in json.loads(args.out.read_text(encoding="utf-8"))["results"]
            if (r.get("requested"), r.get("mode", "list")) not in rerun
        ]
        results = sorted(kept + results, key=lambda r: (r["requested"], r.get("mode", "list")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    plot = args.out.with_suffix(".png")
    plotted = _plot(results, plot)
    report = {
        "benchmark": "reconcile_events",
        "command": command,  # of this run; each result names the run that measured it
        "seed": args.seed,
        "machine": _machine(),
        "results": results,
        "plot": str(plot.relative_to(HERE.parent)) if plotted else None,
        "note": None if plotted else "matplotlib is not installed: no plot (pip install -e '.[bench]')",
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}" + (f" and {plot}" if plotted else " (no plot: matplotlib not installed)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
