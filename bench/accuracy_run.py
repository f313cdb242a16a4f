"""Extract a set of articles with the embedded model, keeping every model answer, so that a change
to grounding, normalisation or the reconciler can be re-scored in seconds without the model.

    .venv/bin/python bench/accuracy_run.py --answers /tmp/devset-answers --out devset.jsonl ../shared/devset/articles/*
    summit-extract evaluate --gold ../shared/devset/gold.json --extractions devset.jsonl

Each article's HTTP exchanges with the model are kept in ``--answers/<stem>.yaml`` (vcrpy,
matched on method, path and JSON body, like the replay tests). A request seen before is answered
from there; a new one (a changed prompt, or a re-ask the new rules provoke) goes to the model and
is added. So the first run costs model time and later runs cost only what changed. Keep
``--answers`` OUTSIDE the repository when the articles are third-party text (../shared/devset).

``--offline`` never starts the model: an article whose requests are not all on file fails with a
clear message. Prints the batch summary on stderr, the extractions (JSONL) to ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import vcr  # noqa: E402

from extractor.ingest.articles import Article, InputFailure, read_articles  # noqa: E402
from extractor.model.retries import RetryPolicy  # noqa: E402
from extractor.providers import EmbeddedModel, Endpoint  # noqa: E402
from extractor.providers.embedded.weights import MODEL_NAME  # noqa: E402
from extractor.runtime.session import ExtractionSession  # noqa: E402
from extractor.settings import Settings  # noqa: E402
from tests.support.replay import SECRET_HEADERS, json_body_matcher  # noqa: E402


def _recorder(directory: Path, offline: bool) -> vcr.VCR:
    recorder = vcr.VCR(
        cassette_library_dir=str(directory),
        record_mode="none" if offline else "new_episodes",
        match_on=["method", "path", "json_body"],
        filter_headers=list(SECRET_HEADERS),
        decode_compressed_response=True,
    )
    recorder.register_matcher("json_body", json_body_matcher)
    return recorder


class _NoModel:
    """A provider for --offline: an address nothing listens on; every answer must be on file."""

    def __init__(self, mode: str):
        self.mode = mode
        self.identity = "offline"

    @contextlib.contextmanager
    def endpoint(self):
        yield Endpoint("http://127.0.0.1:9/v1", MODEL_NAME, self.mode)

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        return replace(policy, transport_attempts=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="+")
    parser.add_argument("--answers", required=True, type=Path, help="Directory of recorded model answers (outside the repo).")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--prompt", default="extract")
    parser.add_argument("--engine", default="native")
    parser.add_argument("--offline", action="store_true", help="Never start the model; fail articles whose answers are missing.")
    args = parser.parse_args()
    args.answers.mkdir(parents=True, exist_ok=True)

    settings = Settings(engine=args.engine, prompt_name=args.prompt, use_cache=False)
    recorder = _recorder(args.answers, args.offline)
    items = list(read_articles(args.articles))
    done = failed = 0
    model_seconds: list[float] = []
    provider = _NoModel(EmbeddedModel(settings.cache_dir, engine=args.engine).mode) if args.offline else None
    with ExtractionSession(settings, provider=provider) as session, args.out.open("w", encoding="utf-8") as out:
        for item in items:
            if isinstance(item, InputFailure):
                print(f"{item.file}: {item.message}", file=sys.stderr)
                failed += 1
                continue
            assert isinstance(item, Article)
            stem = Path(item.file or item.article_id).stem
            started = time.monotonic()
            with recorder.use_cassette(f"{stem}.yaml"):
                outcome = session.extract(item)
            if not outcome.ok:
                print(f"{stem}: failed: {outcome.failure.message}"[:300], file=sys.stderr)
                failed += 1
                continue
            extraction = outcome.extraction
            seconds = time.monotonic() - started
            model_seconds.append(seconds)
            out.write(extraction.model_dump_json() + "\n")
            done += 1
            print(
                f"{stem}: {seconds:.1f} s, {extraction.provenance.usage.completion_tokens} completion tokens, "
                f"{len(extraction.summits)} summit(s)",
                file=sys.stderr,
            )
    print(f"extracted {done}, failed {failed}; {sum(model_seconds):.1f} s in all", file=sys.stderr)


if __name__ == "__main__":
    main()
