"""Benchmark of the embedded engines, side by side in one run, on the same model file and requests.

    .venv/bin/python bench/engine_bench.py                      # both engines, the sample articles
    .venv/bin/python bench/engine_bench.py --engines native --articles ../shared/devset/articles/*

For each engine (``native``: llama.cpp's server from the xllamacpp wheel; ``llama-cpp-python``),
one server is started and, in this order:

1. **raw engine**: one fixed request, streamed, twice (the first warms the prompt cache): prefill
   tokens/s (prompt tokens over the time to the first token, on the second run only the part of
   the prompt not already cached is counted by the server, so the first run is reported) and
   decode tokens/s (tokens after the first over the time after it), free and schema-constrained;
2. **pipeline**: the articles extracted through the real pipeline (``ExtractionSession``-free
   ``extract_batch``, no cache) in the engine's ``auto`` mode: seconds per article (median, p90),
   prompt and completion tokens, and the pipeline's throughput (completion tokens per second of
   model time) as a ratio of the engine's own decode rate measured in step 1.

The engine missing from this machine is reported as skipped. Writes bench/results/engine.json
and, when matplotlib is importable, engine.png.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(REPO))

from extractor.errors import SummitError  # noqa: E402
from extractor.ingest.articles import read_articles  # noqa: E402
from extractor.providers import EmbeddedModel  # noqa: E402
from extractor.providers.embedded.server import LocalModelServer  # noqa: E402
from extractor.providers.embedded.weights import MODEL_NAME, ensure_default_model  # noqa: E402
from extractor.runtime.pipeline import extract_batch  # noqa: E402
from extractor.settings import Settings  # noqa: E402

# A fixed raw request: an article-sized prompt and a reply long enough to time decoding.
_RAW_ARTICLE = " ".join(
    f"Paragraph {n}: the foreign ministers of two neighbouring countries met in a port city and agreed to "
    f"resume regular talks, expand student exchanges, and cooperate on supply chains for critical minerals."
    for n in range(1, 25)
)
_RAW_SCHEMA = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "string", "maxLength": 80}, "maxItems": 12}},
    "required": ["items"],
}


def _stream(base_url: str, model: str, *, schema: bool, max_tokens: int = 160) -> dict:
    body: dict = {
        "model": model,
        "messages": [
            {"role": "system", "content": "List every agreement in the article, one short item each."},
            {"role": "user", "content": _RAW_ARTICLE},
        ],
        "max_tokens": max_tokens,
        "temperature": 0,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if schema:
        body["response_format"] = {"type": "json_schema", "json_schema": {"name": "items", "schema": _RAW_SCHEMA}}
    started = time.monotonic()
    first = None
    chunks = 0
    usage = None
    with httpx.stream("POST", f"{base_url}/chat/completions", json=body, timeout=600, trust_env=False) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            data = json.loads(line[5:])
            if data.get("usage"):
                usage = data["usage"]
            for choice in data.get("choices", []):
                if (choice.get("delta") or {}).get("content"):
                    chunks += 1
                    if first is None:
                        first = time.monotonic()
    ended = time.monotonic()
    prompt_tokens = (usage or {}).get("prompt_tokens")
    completion_tokens = (usage or {}).get("completion_tokens") or chunks
    ttft = (first or ended) - started
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "time_to_first_token_s": round(ttft, 3),
        "prefill_tok_s": round(prompt_tokens / ttft, 1) if prompt_tokens and ttft > 0 else None,
        "decode_tok_s": round((completion_tokens - 1) / (ended - first), 1) if first and completion_tokens > 1 and ended > first else None,
        "seconds": round(ended - started, 3),
    }


def _raw(base_url: str) -> dict:
    started = time.monotonic()
    free_cold = _stream(base_url, MODEL_NAME, schema=False)
    free_warm = _stream(base_url, MODEL_NAME, schema=False)
    try:
        constrained = _stream(base_url, MODEL_NAME, schema=True)
    except httpx.HTTPStatusError as error:
        constrained = {"error": f"HTTP {error.response.status_code}"}
    return {
        "free_cold": free_cold,
        "free_warm": free_warm,
        "schema_constrained": constrained,
        "seconds": round(time.monotonic() - started, 1),
    }


def _engine_busy_seconds(base_url: str) -> float | None:
    """Seconds the server spent on prompts and generation so far (llama.cpp's /metrics), if it says."""
    try:
        response = httpx.get(base_url.removesuffix("/v1") + "/metrics", timeout=5, trust_env=False)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    total = 0.0
    for line in response.text.splitlines():
        name, _, value = line.partition(" ")
        if name in ("llamacpp:prompt_seconds_total", "llamacpp:tokens_predicted_seconds_total"):
            total += float(value)
    return total


def _pipeline(engine: str, base_url: str, articles: list[str], cache_dir: Path) -> dict:
    # The bench's own server, reached as a --base-url server would be, so that its metrics can
    # be read around the run; the mode is the one the embedded engine uses.
    mode = EmbeddedModel(cache_dir, engine=engine).mode
    settings = Settings(base_url=base_url, model=MODEL_NAME, mode=mode, use_cache=False, cache_dir=cache_dir)
    outcomes = []
    busy_before = _engine_busy_seconds(base_url)
    started = time.monotonic()
    summary = extract_batch(read_articles(articles), settings, on_outcome=outcomes.append)
    wall = time.monotonic() - started
    busy_after = _engine_busy_seconds(base_url)
    per_article = []
    for outcome in outcomes:
        if outcome.ok:
            p = outcome.extraction.provenance
            per_article.append(
                {
                    "file": Path(outcome.extraction.source.file or "").name,
                    "seconds": p.seconds,
                    "prompt_tokens": p.usage.prompt_tokens,
                    "completion_tokens": p.usage.completion_tokens,
                    "attempts": p.attempts,
                }
            )
        else:
            per_article.append({"file": Path(outcome.failure.source.file or "").name, "failed": outcome.failure.message})
    seconds = sorted(a["seconds"] for a in per_article if "seconds" in a)
    completion = sum(a.get("completion_tokens", 0) for a in per_article)
    busy = busy_after - busy_before if busy_before is not None and busy_after is not None else None
    return {
        "mode": mode,
        "articles": len(per_article),
        "failed": summary.failed_total,
        "wall_seconds": round(wall, 1),
        # The share of the pipeline's wall time that the engine spent computing (native only):
        # what our code, retries and waits add is the rest.
        "engine_busy_ratio": round(busy / wall, 3) if busy is not None and wall > 0 else None,
        "median_s": round(statistics.median(seconds), 2) if seconds else None,
        "p90_s": round(seconds[min(len(seconds) - 1, int(0.9 * len(seconds)))], 2) if seconds else None,
        "mean_prompt_tokens": round(statistics.mean(a["prompt_tokens"] for a in per_article if "prompt_tokens" in a), 1)
        if seconds
        else None,
        "mean_completion_tokens": round(statistics.mean(a["completion_tokens"] for a in per_article if "completion_tokens" in a), 1)
        if seconds
        else None,
        "completion_tok_per_model_s": round(completion / sum(seconds), 2) if seconds else None,
        "per_article": per_article,
    }


def _engine_available(engine: str) -> bool:
    import importlib.util

    return importlib.util.find_spec("xllamacpp" if engine == "native" else "llama_cpp") is not None


def _plot(results: dict, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    engines = [e for e, r in results["engines"].items() if "raw" in r]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    width = 0.35
    xs = range(len(engines))
    prefill = [results["engines"][e]["raw"]["free_cold"]["prefill_tok_s"] or 0 for e in engines]
    decode = [results["engines"][e]["raw"]["free_warm"]["decode_tok_s"] or 0 for e in engines]
    left.bar([x - width / 2 for x in xs], prefill, width, label="prefill tok/s")
    left.bar([x + width / 2 for x in xs], decode, width, label="decode tok/s")
    left.set_xticks(list(xs), engines)
    left.set_title("raw engine (same request)")
    left.legend()
    medians = [results["engines"][e]["pipeline"]["median_s"] or 0 for e in engines]
    p90s = [results["engines"][e]["pipeline"]["p90_s"] or 0 for e in engines]
    right.bar([x - width / 2 for x in xs], medians, width, label="median s/article")
    right.bar([x + width / 2 for x in xs], p90s, width, label="p90 s/article")
    right.set_xticks(list(xs), engines)
    right.set_title(f"pipeline, {results['articles']} articles")
    right.legend()
    fig.suptitle(f"embedded engines, {results['date']} ({results['machine']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="native,llama-cpp-python")
    parser.add_argument("--articles", nargs="*", default=sorted(str(p) for p in (REPO / "examples" / "articles").glob("0[1-5]*.txt")))
    parser.add_argument("--out", default=str(RESULTS / "engine.json"))
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    model_path = ensure_default_model()
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
        "model": MODEL_NAME,
        "articles": len(args.articles),
        "command": "bench/engine_bench.py " + " ".join(sys.argv[1:]),
        "engines": {},
    }
    for engine in args.engines.split(","):
        if not _engine_available(engine):
            results["engines"][engine] = {"skipped": "not installed"}
            print(f"{engine}: not installed, skipped", file=sys.stderr)
            continue
        started = time.monotonic()
        with LocalModelServer(model_path, model_alias=MODEL_NAME, engine=engine, log_path=RESULTS / f"{engine}-server.log.tmp") as server:
            start_seconds = round(time.monotonic() - started, 1)
            print(f"{engine}: started in {start_seconds} s; raw engine …", file=sys.stderr)
            try:
                raw = _raw(server.base_url)
                raw["server_start_s"] = start_seconds
                print(f"{engine}: {json.dumps(raw)}", file=sys.stderr)
                print(f"{engine}: pipeline on {len(args.articles)} articles …", file=sys.stderr)
                pipeline = _pipeline(engine, server.base_url, args.articles, RESULTS / f".cache-{engine}.tmp")
            except (httpx.HTTPError, SummitError) as exc:
                # One engine failing (llama-cpp-python 0.3.36 built here segfaults on its first
                # request: exit 139) is a result to report, not a reason to lose the other's.
                failure = f"{type(exc).__name__}: {exc}; server exit status {server.exit_status()}"
                results["engines"][engine] = {"failed": failure, "server_start_s": start_seconds}
                print(f"{engine}: FAILED: {failure}", file=sys.stderr)
                continue
        decode = (raw["schema_constrained"].get("decode_tok_s") if pipeline["mode"] == "json_schema" else None) or raw["free_warm"][
            "decode_tok_s"
        ]
        if decode and pipeline["completion_tok_per_model_s"]:
            pipeline["ratio_to_engine_decode"] = round(pipeline["completion_tok_per_model_s"] / decode, 3)
        print(f"{engine}: median {pipeline['median_s']} s, p90 {pipeline['p90_s']} s", file=sys.stderr)
        results["engines"][engine] = {"raw": raw, "pipeline": pipeline}
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    _plot(results, Path(args.out).with_suffix(".png"))
    print(
        json.dumps(
            {e: {k: v for k, v in r.get("pipeline", r).items() if k != "per_article"} for e, r in results["engines"].items()}, indent=2
        )
    )


if __name__ == "__main__":
    main()
