"""Benchmark of the event report with 1,000 events: build time, file size, and how long headless
Chromium takes to draw the page and to apply each filter.

    .venv/bin/python bench/report_bench.py              # 1,000 events (needs the test extra and chromium)
    .venv/bin/python bench/report_bench.py --events 5000

The events come from the reconciler benchmark's synthetic generator (``reconcile_bench.generate``),
reconciled for real; their articles have no text, so the page holds events, values and sources
but no article bodies. In the browser, each figure is the median of ``--repeats`` runs:

* ``ready_ms`` — from navigation start until the page's script has drawn every event (the
  5.5 MB file read and parsed included); ``first_paint_ms`` — until the next frame after that;
* ``script_ms`` — the script alone (parse the data, build the timeline, set up the filters);
* each filter — typing a participant, choosing a country or a domain, unticking a status,
  clearing them — from the change until the layout is done (the script runs, then a forced
  layout), and until the next frame is painted.

Writes ``bench/results/report.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# A filter change as a reader makes it, timed in the page: to layout done, and to the next paint.
_FILTER = """
const [id, value, done] = arguments;
const field = document.getElementById(id);
const t0 = performance.now();
if (field.type === 'checkbox') field.checked = value; else field.value = value;
field.dispatchEvent(new Event(field.tagName === 'SELECT' || field.type === 'checkbox' ? 'change' : 'input', {bubbles: true}));
void document.body.offsetHeight;
const layout = performance.now() - t0;
const shown = document.getElementById('shown').textContent;
requestAnimationFrame(() => setTimeout(() => done([layout, performance.now() - t0, shown]), 0));
"""


def make_events(count: int, seed: int):
    from reconcile_bench import generate

    from extractor.reconcile import reconcile_events

    extractions, _ = generate(count * 4, seed)  # about four mentions per event
    events = reconcile_events(extractions)
    while len(events) < count:  # a few more mentions, should grouping have merged more
        extractions, _ = generate(int(len(extractions) * 4 * 1.1) + 8, seed)
        events = reconcile_events(extractions)
    return events[:count], extractions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260628)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "report.json")
    args = parser.parse_args(argv)

    from extractor.report import build_report
    from tests.support.browser import MISSING, browser_installed, open_report, start_chromium

    if not browser_installed():
        print(MISSING, file=sys.stderr)
        return 2
    events, extractions = make_events(args.events, args.seed)
    started = time.perf_counter()
    page = build_report(events, extractions)
    build_seconds = time.perf_counter() - started
    people = sorted({p for e in events for p in e.participants})
    probe = people[len(people) // 2].split()[-1].lower()  # a surname-like part: a few events match
    country = sorted({e.country for e in events if e.country})[0]
    domain = "defense"

    steps = [
        ("participant", "f-participant", probe),
        ("clear participant", "f-participant", ""),
        ("country", "f-country", country),
        ("clear country", "f-country", ""),
        ("domain", "f-domain", domain),
        ("clear domain", "f-domain", ""),
        ("untick held", "f-status-held", False),
        ("tick held", "f-status-held", True),
    ]
    runs: dict[str, list] = {"ready_ms": [], "first_paint_ms": [], "script_ms": []}
    shown: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        path.write_text(page, encoding="utf-8")
        driver = start_chromium(Path(tmp) / "profile")
        try:
            driver.set_script_timeout(60)
            for _ in range(args.repeats):
                open_report(driver, path, timeout=120)
                timings = driver.execute_async_script(
                    "const done = arguments[0]; (function wait() { const t = window.__reportTimings;"
                    " if (t.paintedMs) done(t); else setTimeout(wait, 5); })();"
                )
                runs["ready_ms"].append(timings["readyMs"])
                runs["first_paint_ms"].append(timings["paintedMs"])
                runs["script_ms"].append(timings["renderMs"])
                for name, field, value in steps:
                    layout, painted, text = driver.execute_async_script(_FILTER, field, value)
                    runs.setdefault(f"{name}: layout_ms", []).append(layout)
                    runs.setdefault(f"{name}: painted_ms", []).append(painted)
                    shown[name] = text
                    assert "showing" in text, text
            version = driver.capabilities.get("browserVersion")
        finally:
            driver.quit()

    medians = {name: round(statistics.median(values), 1) for name, values in runs.items()}
    result = {
        "benchmark": "report",
        "command": " ".join([".venv/bin/python", "bench/report_bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "events": len(events),
        "conflicts": sum(len(e.conflicts) for e in events),
        "mentions": sum(len(e.mentions) for e in events),
        "html_bytes": len(page.encode("utf-8")),
        "build_seconds": round(build_seconds, 3),
        "browser": f"headless Chromium {version} (Debian), 2 cores",
        "repeats": args.repeats,
        "median_ms": medians,
        "shown_after_each_step": shown,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("events", "conflicts", "html_bytes", "build_seconds")}))
    for name, value in medians.items():
        print(f"{name:32} {value:8.1f} ms")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
