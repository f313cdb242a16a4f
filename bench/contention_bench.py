"""Benchmark: the embedded model's speed when another process holds a core.

llama.cpp's worker threads spin while waiting for each other (``--poll``, default 50). On a
2-core machine with 2 threads, a second busy process takes one core away, and the thread left
waiting spins against a thread that is not running: generation collapses from ~29 to ~1 token/s.
This runs one fixed request (a sample article, the project's prompt size, 100 tokens out) on the
native server for each setting, on a quiet machine and with one busy process beside it.

    .venv/bin/python bench/contention_bench.py            # writes bench/results/contention.json

Settings: threads x poll. Reported: prompt and generation tokens/s, from llama.cpp's own timings.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractor.providers.embedded.weights import ensure_default_model  # noqa: E402


def _busy(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_setting(model: Path, threads: int, poll: int, prompt: str, repeats: int) -> list[dict]:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "extractor.providers.embedded.native",
        "--model",
        str(model),
        "--alias",
        "m",
        "--port",
        str(port),
        "--threads",
        str(threads),
        "--poll",
        str(poll),
    ]
    server = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        while not server.stdout.readline().startswith("ready"):
            pass
        results = []
        for k in range(repeats):
            body = {
                "model": "m",
                # A different first word each time: no prompt cache reuse between repeats.
                "messages": [{"role": "user", "content": f"Run {k}. Summarise this article in JSON.\n\n{prompt}"}],
                "max_tokens": 100,
                "temperature": 0,
                "ignore_eos": True,
            }
            reply = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body, timeout=900).json()
            timings = reply["timings"]
            results.append({"prompt_tps": round(timings["prompt_per_second"], 1), "gen_tps": round(timings["predicted_per_second"], 1)})
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="2:50,2:0,1:0", help="threads:poll pairs")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "contention.json")
    args = parser.parse_args()
    model = ensure_default_model()
    prompt = (REPO / "examples" / "articles" / "03_yokosuka_trailing_boilerplate.txt").read_text(encoding="utf-8")
    rows = []
    for setting in args.settings.split(","):
        threads, poll = (int(x) for x in setting.split(":"))
        for load in ("quiet", "one busy process"):
            stop = multiprocessing.Event()
            busy = multiprocessing.Process(target=_busy, args=(stop,)) if load != "quiet" else None
            if busy:
                busy.start()
                time.sleep(0.5)
            try:
                runs = _one_setting(model, threads, poll, prompt, args.repeats)
            finally:
                if busy:
                    stop.set()
                    busy.join()
            best = max(runs, key=lambda r: r["gen_tps"])
            row = {"threads": threads, "poll": poll, "load": load, **best, "runs": runs}
            print(json.dumps(row), flush=True)
            rows.append(row)
    args.out.write_text(
        json.dumps(
            {
                "command": "python bench/contention_bench.py " + " ".join(sys.argv[1:]),
                "machine": {"platform": platform.platform(), "cpu_count": os.cpu_count()},
                "rows": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
