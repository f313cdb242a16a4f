"""Each post-model rule switched off in turn, scored on the development sets from the model's kept
replies: what every rule is worth, and which articles it changes. The model is never started.

    .venv/bin/python bench/rules_ablation.py                         # every rule, the three sets
    .venv/bin/python bench/rules_ablation.py --rules venue_city,pledge_scan --sets devset

For each rule (``summit-extract rules``) and each set, the articles are extracted again with
``--replies-only --without RULE`` and scored with ``summit-extract evaluate --json``; the open
sets (../shared/devset, ../shared/devset-world) through ``extract`` then ``evaluate
--extractions``, so that the articles whose extraction changed can be counted; the sealed set only
through ``../shared/tools/score-sealed --replies-only --without RULE``, which prints totals.

``--replies-only`` answers every model request from the reply cache
(``extractor/model/reply_cache.py``) and never starts or calls the model. Switching a rule off may
change what is asked (a re-ask the kept replies have never seen): that article fails at once and
is counted as a miss; its gold mentions then count as missed, so a rule with misses is scored
low by them, not by what it does. The reply cache is read from a snapshot taken at the start, in
a directory of its own, so the run neither disturbs nor is disturbed by another run's cache.

Writes ``--out`` (JSON: the baseline's scores per set, and per rule its articles changed, misses
and deltas) and prints the markdown table of docs/MEASUREMENTS.md on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
OPEN_SETS = {"devset": SHARED / "devset", "devset-world": SHARED / "devset-world"}
SEALED = "sealed"
SCORE_SEALED = SHARED / "tools" / "score-sealed"
# The metrics of the table: (key in the flattened report, column heading).
METRICS = [
    ("mentions.f1", "mentions F1"),
    ("primary_mentions.f1", "primary F1"),
    ("fields.status.accuracy", "status"),
    ("fields.date.accuracy", "date"),
    ("fields.kind.accuracy", "kind"),
    ("fields.city.accuracy", "city"),
    ("participants.f1", "participants F1"),
    ("pledge_domains.f1", "pledge F1"),
]
MISSING_REPLY = "has no kept reply"


@dataclass(frozen=True)
class Run:
    """One set scored with some rules off: its totals, the extractions by article, the misses."""

    totals: dict[str, float]
    extractions: dict[str, dict[str, Any]] | None  # None for the sealed set: totals only
    misses: int
    errors: int = 0  # articles failed for another reason than a missing reply (a bug: should be none)


def _flatten(report: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """The report's numbers, keyed "mentions.f1", "fields.status.accuracy" …; lists left out."""
    out: dict[str, float] = {}
    for key, value in report.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = value
    return out


def _environment(cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ, SUMMIT_CACHE_DIR=str(cache_dir), PYTHONPATH=str(REPO))
    env.pop("SUMMIT_RULES_OFF", None)  # the rules off are this bench's to say
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor.cli", *args]


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    """An extraction without what says how it was made (seconds, tokens, cached): what it says."""
    return {k: v for k, v in record.items() if k != "provenance"}


def _open_set(name: str, without: str | None, cache_dir: Path, work: Path) -> Run:
    folder = OPEN_SETS[name]
    articles = sorted(str(p) for p in (folder / "articles").iterdir() if p.is_file())
    tag = f"{name}-{without or 'baseline'}"
    out, failures = work / f"{tag}.jsonl", work / f"{tag}.failures.jsonl"
    flags = ["--replies-only", "--failures", str(failures), *(["--without", without] if without else [])]
    env = _environment(cache_dir)
    with out.open("w", encoding="utf-8") as stream:
        extracted = subprocess.run(_cli("-q", "extract", *flags, *articles), stdout=stream, stderr=subprocess.PIPE, text=True, env=env)
    if extracted.returncode not in (0, 1):
        raise SystemExit(f"{tag}: extract failed (exit {extracted.returncode}): {extracted.stderr.strip()[-300:]}")
    scored = subprocess.run(
        _cli("evaluate", "--json", "--gold", str(folder / "gold.json"), "--extractions", str(out)),
        capture_output=True,
        text=True,
        env=env,
    )
    if scored.returncode != 0:
        raise SystemExit(f"{tag}: evaluate failed (exit {scored.returncode}): {scored.stderr.strip()[-300:]}")
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines() if line.strip()]
    failed = [json.loads(line) for line in failures.read_text("utf-8").splitlines() if line.strip()] if failures.exists() else []
    return Run(
        totals=_flatten(json.loads(scored.stdout)),
        extractions={r["source"]["file"]: _comparable(r) for r in records},
        misses=sum(MISSING_REPLY in f["message"] for f in failed),
        errors=sum(MISSING_REPLY not in f["message"] for f in failed),
    )


def _sealed_set(without: str | None, cache_dir: Path) -> Run:
    """Totals only, through the tool that keeps the sealed articles out of sight."""
    flags = ["--replies-only", *(["--without", without] if without else [])]
    scored = subprocess.run([str(SCORE_SEALED), *flags], cwd=REPO, capture_output=True, text=True, env=_environment(cache_dir))
    totals: dict[str, float] = {}
    for line in scored.stdout.splitlines():
        key, _, value = line.rpartition(" ")
        try:
            totals[key.strip()] = float(value)
        except ValueError:
            continue
    if not totals:
        raise SystemExit(
            f"sealed {without or 'baseline'}: score-sealed printed no totals (exit {scored.returncode}): {scored.stderr.strip()[-300:]}"
        )
    return Run(totals=totals, extractions=None, misses=int(totals.get("articles_missing", 0)))


def _run(set_name: str, without: str | None, cache_dir: Path, work: Path) -> Run:
    return _sealed_set(without, cache_dir) if set_name == SEALED else _open_set(set_name, without, cache_dir, work)


def _snapshot_replies(source: Path, cache_dir: Path) -> int:
    """A consistent copy of the reply cache (its write-ahead log included); the replies it holds."""
    if not source.is_file():
        raise SystemExit(f"no reply cache at {source}: extract the sets once with the model first")
    with sqlite3.connect(source) as src, sqlite3.connect(cache_dir / "replies.sqlite3") as dst:
        src.backup(dst)
        return int(dst.execute("SELECT count(*) FROM replies").fetchone()[0])


def _rules(names: str | None) -> list[dict[str, Any]]:
    listed = subprocess.run(_cli("rules"), capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    rules = [json.loads(line) for line in listed.stdout.splitlines()]
    if names:
        wanted = names.split(",")
        unknown = sorted(set(wanted) - {r["name"] for r in rules})
        if unknown:
            raise SystemExit(f"no rule named {', '.join(unknown)}")
        rules = [r for r in rules if r["name"] in wanted]
    return rules


def _changed(base: Run, run: Run) -> int | None:
    """Articles whose extraction differs from the baseline's (a miss counts as changed)."""
    if base.extractions is None or run.extractions is None:
        return None
    files = base.extractions.keys() | run.extractions.keys()
    return sum(base.extractions.get(f) != run.extractions.get(f) for f in files)


def _delta(base: Run, run: Run, key: str) -> float | None:
    a, b = base.totals.get(key), run.totals.get(key)
    return None if a is None or b is None else round(b - a, 4)


def _cell(values: list[float | None]) -> str:
    def one(value: float | None) -> str:
        if value is None:
            return "–"
        return "=" if abs(value) < 5e-4 else f"{value:+.3f}"

    return " / ".join(one(v) for v in values)


def markdown(result: dict[str, Any]) -> str:
    sets = result["sets"]
    header = ["rule", "field", "articles changed", "misses", *(title for _, title in METRICS)]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    base = result["baseline"]
    lines.append(
        "| *all rules on* | | | "
        + " / ".join(str(base[s]["misses"]) for s in sets)
        + " | "
        + " | ".join(
            " / ".join("–" if base[s]["totals"].get(k) is None else f"{base[s]['totals'][k]:.3f}" for s in sets) for k, _ in METRICS
        )
        + " |"
    )
    for rule in result["rules"]:
        per = rule["sets"]
        changed = " / ".join("–" if per[s]["articles_changed"] is None else str(per[s]["articles_changed"]) for s in sets)
        misses = " / ".join(str(per[s]["misses"]) for s in sets)
        deltas = [_cell([per[s]["deltas"][k] for s in sets]) for k, _ in METRICS]
        lines.append(f"| `{rule['name']}` | {rule['field']} | {changed} | {misses} | " + " | ".join(deltas) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", help="Only these rules (comma-separated names); default: every rule.")
    parser.add_argument("--sets", default="devset,devset-world,sealed", help="Comma-separated: devset, devset-world, sealed.")
    parser.add_argument("--jobs", type=int, default=2, help="Runs at once (each is one process on one core).")
    parser.add_argument("--replies", type=Path, default=None, help="The reply cache to read (default: the user's cache directory's).")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "rules_ablation.json")
    args = parser.parse_args()

    sets = args.sets.split(",")
    unknown_sets = set(sets) - {*OPEN_SETS, SEALED}
    if unknown_sets:
        raise SystemExit(f"unknown set(s): {', '.join(sorted(unknown_sets))}")
    sys.path.insert(0, str(REPO))
    from extractor.settings import default_cache_dir

    rules = _rules(args.rules)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rules-ablation-") as tmp:
        cache_dir, work = Path(tmp) / "cache", Path(tmp) / "work"
        cache_dir.mkdir()
        work.mkdir()
        replies = _snapshot_replies(args.replies or default_cache_dir() / "replies.sqlite3", cache_dir)
        print(f"rules_ablation: {replies} kept replies; {len(rules)} rules x {len(sets)} sets", file=sys.stderr)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            baseline = dict(zip(sets, pool.map(lambda s: _run(s, None, cache_dir, work), sets)))
            for name, run in baseline.items():
                print(f"  baseline {name}: misses {run.misses}", file=sys.stderr)
            tasks = [(rule["name"], s) for rule in rules for s in sets]
            runs = dict(zip(tasks, pool.map(lambda task: _run(task[1], task[0], cache_dir, work), tasks)))
    result: dict[str, Any] = {
        "about": "each post-model rule switched off, scored from the model's kept replies (bench/rules_ablation.py)",
        "date": time.strftime("%Y-%m-%d"),
        "kept_replies": replies,
        "seconds": round(time.monotonic() - started, 1),
        "sets": sets,
        "metrics": [key for key, _ in METRICS],
        "baseline": {s: {"misses": run.misses, "totals": {k: run.totals.get(k) for k, _ in METRICS}} for s, run in baseline.items()},
        "rules": [
            {
                "name": rule["name"],
                "field": rule["field"],
                "statement": rule["statement"],
                "sets": {
                    s: {
                        "articles_changed": _changed(baseline[s], runs[(rule["name"], s)]),
                        "misses": runs[(rule["name"], s)].misses - baseline[s].misses,
                        "errors": runs[(rule["name"], s)].errors,
                        "deltas": {k: _delta(baseline[s], runs[(rule["name"], s)], k) for k, _ in METRICS},
                    }
                    for s in sets
                },
            }
            for rule in rules
        ],
    }
    for (name, s), run in runs.items():
        if run.errors:
            print(
                f"rules_ablation: without {name}, {run.errors} article(s) of {s} failed for another reason than a missing reply",
                file=sys.stderr,
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(markdown(result))
    print(f"rules_ablation: {result['seconds']} s; written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
