"""The whole pipeline on real model answers, replayed offline from cassettes.

Each sample article in ``examples/articles`` is extracted through the real client, retries,
grounding and normalisation, with the model's HTTP answers replayed from
``cassettes/examples/<stem>.yaml``. No model runs and nothing leaves the machine: the client
points at a sentinel server on 127.0.0.1 that fails the run if any request reaches it.

Re-record (after changing a prompt template or the draft schema) with ``make record``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from extractor.errors import ModelError
from extractor.evaluate.gold import load_gold
from extractor.evaluate.score import score_extractions
from extractor.extract.extractor import Extractor
from extractor.ingest.articles import parse_article
from extractor.model.client import make_client
from extractor.model.prompting import load_prompt
from extractor.model.retries import RetryPolicy
from extractor.normalize.names import fold_name
from extractor.providers import Endpoint, provider_for
from extractor.providers.embedded.weights import MODEL_NAME
from extractor.reconcile import reconcile_events
from extractor.settings import Settings
from schemas import ArticleExtraction
from tests.support.fake_openai import FakeOpenAIServer, error_reply
from tests.support.replay import (
    CASSETTE_DIR,
    EXAMPLE_ARTICLES,
    REPO,
    RERECORD_HINT,
    SECRET_HEADERS,
    is_cassette_miss,
    replay_vcr,
)

pytestmark = pytest.mark.replay

GOLD = load_gold(REPO / "examples" / "gold.json")
SETTINGS = Settings(temperature=0.0, retry=RetryPolicy(transport_attempts=1, validation_retries=2), use_cache=False)


@pytest.fixture(scope="session")
def sentinel():
    """A server on 127.0.0.1 that no replayed request may reach: it counts any that escape."""
    with FakeOpenAIServer([error_reply(500, "a request escaped the cassette")]) as server:
        yield server


@pytest.fixture(scope="session")
def endpoint(record_mode, sentinel):
    """Replaying: the sentinel. Recording (``make record``): the embedded model."""
    if record_mode == "none":
        yield Endpoint(sentinel.base_url, MODEL_NAME, "json_schema")
    else:
        with provider_for(replace(SETTINGS, base_url=None)).endpoint() as live:
            yield live


class CassetteMiss(Exception):
    pass


def replay_one(path, extractor: Extractor, recorder, record_mode: str) -> ArticleExtraction:
    """Extract one sample article with its cassette; in replay, every recorded answer must be played."""
    article = parse_article(path.read_bytes(), file=path.name)
    if record_mode == "rewrite":
        (Path(recorder.cassette_library_dir) / f"{path.stem}.yaml").unlink(missing_ok=True)
    with recorder.use_cassette(f"{path.stem}.yaml") as cassette:
        try:
            extraction = extractor.extract(article)
        except ModelError as error:
            if is_cassette_miss(error):
                raise CassetteMiss(f"{path.name}: {RERECORD_HINT}") from None
            raise
        if record_mode == "none" and not cassette.all_played:
            raise CassetteMiss(f"{path.name}: the cassette holds answers no request asked for; re-record with `make record`")
    return extraction


@pytest.fixture(scope="session")
def extract_replayed(endpoint, record_mode):
    recorder = replay_vcr(record_mode)
    extractor = Extractor(make_client(SETTINGS, endpoint), load_prompt(), SETTINGS)

    @cache
    def run(path) -> ArticleExtraction:
        try:
            return replay_one(path, extractor, recorder, record_mode)
        except CassetteMiss as miss:
            pytest.fail(str(miss), pytrace=False)

    return run


def _primary(file_name: str):
    return next(m for m in GOLD.articles[file_name].summits if m.mention == "primary")


def _matching_summit(extraction: ArticleExtraction, gold_mention):
    wanted = {fold_name(p) for p in gold_mention.participants}
    candidates = [s for s in extraction.summits if wanted & {fold_name(p) for p in s.participants}]
    assert candidates, f"no extracted summit has any of {gold_mention.participants}: {[s.title for s in extraction.summits]}"
    return max(candidates, key=lambda s: (s.mention == "primary", len(wanted & {fold_name(p) for p in s.participants})))


def _date_fits(extracted: str | None, gold: str | None) -> bool:
    """Dates agree at the gold's precision ("2026-06-28" fits "--06-28" and "2026-06")."""
    if gold is None:
        return extracted is None
    if extracted is None:
        return False
    if gold.startswith("--"):
        return extracted.endswith(gold[1:]) or extracted[4:].startswith(gold[1:])
    return extracted.startswith(gold)


# What the embedded 1.5B model gets wrong in the recorded answers, field by field. Each is an
# expected failure, strictly: when a re-recording (a better prompt or model) gets it right, the
# test reports XPASS and the entry must go. Nothing here hides a bug of ours.
KNOWN_MODEL_MISSES: dict[tuple[str, str], str] = {
    # None since the model is asked for less (prompt without mention, kind and country, session 5):
    # sample 05's date and sample 10's participants and pledge domains, misses before, are right.
}

CHECKS = ("participants", "place", "date", "pledge_domains")


def _cases():
    for path in EXAMPLE_ARTICLES:
        for check in CHECKS:
            reason = KNOWN_MODEL_MISSES.get((path.stem, check))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(path, check, marks=marks, id=f"{path.stem}-{check}")


@pytest.mark.parametrize(("path", "check"), list(_cases()))
def test_replayed_extraction_gets_the_main_meeting_right(path, check, extract_replayed):
    extraction = extract_replayed(path)
    gold = _primary(path.name)
    summit = _matching_summit(extraction, gold)
    if check == "participants":
        assert sorted(map(fold_name, summit.participants)) == sorted(map(fold_name, gold.participants))
    elif check == "place":
        assert ((summit.location.city or "").casefold(), summit.location.country) == ((gold.city or "").casefold(), gold.country)
    elif check == "date":
        assert _date_fits(summit.date, gold.date), f"date {summit.date!r}, gold {gold.date!r}"
    else:
        domains = {p.domain for p in summit.pledges}
        wanted = set(gold.pledge_domains)
        allowed = wanted | set(gold.optional_pledge_domains)
        if wanted:  # at least half the agreed areas found, and at most one the article does not report
            assert len(domains & wanted) * 2 >= len(wanted), f"found {sorted(domains & wanted)} of {sorted(wanted)}"
        assert len(domains - allowed) <= 1, f"domains the article does not report: {sorted(domains - allowed)}"


@pytest.mark.parametrize("path", EXAMPLE_ARTICLES, ids=lambda p: p.stem)
def test_replayed_evidence_quotes_the_article(path, extract_replayed):
    """Grounding holds on real answers: every quote is the article's text at its offsets."""
    extraction = extract_replayed(path)
    text = parse_article(path.read_bytes()).text
    quotes = [e for a in extraction.actors for e in a.evidence] + [
        e for s in extraction.summits for e in s.evidence + [q for p in s.pledges for q in p.evidence]
    ]
    assert quotes
    for evidence in quotes:
        assert text[evidence.start : evidence.end] == evidence.quote


def test_replayed_articles_reconcile_into_the_gold_events(extract_replayed):
    extractions = [extract_replayed(path) for path in EXAMPLE_ARTICLES]
    report = score_extractions(GOLD, extractions, reconcile_events(extractions))
    merges = report.reconciliation.pairwise
    # Every merge the reconciler made joins mentions of one real event, and most are made.
    assert merges.precision == 1.0, report.to_json()
    assert merges.recall >= 0.5, report.to_json()
    events = reconcile_events(extractions)
    seoul = [e for e in events if e.city == "Seoul" and fold_name("Shinjiro Koizumi") in map(fold_name, e.participants)]
    assert len(seoul) == 1 and seoul[0].date == "2026-06-28"


def test_replay_sends_nothing_to_the_network(extract_replayed, sentinel, record_mode):
    if record_mode != "none":
        pytest.skip("recording talks to the embedded model on purpose")
    extract_replayed(EXAMPLE_ARTICLES[0])
    assert sentinel.completion_requests == [], "a replayed request reached a server"


def test_a_changed_prompt_misses_the_cassette_and_says_how_to_re_record(endpoint, record_mode):
    if record_mode != "none":
        pytest.skip("only meaningful when replaying")
    prompt = load_prompt()
    changed = replace(prompt, system=prompt.system + "\nBe brief.")
    extractor = Extractor(make_client(SETTINGS, endpoint), changed, SETTINGS)
    with pytest.raises(CassetteMiss, match=r"prompt template.*make record"):
        replay_one(EXAMPLE_ARTICLES[3], extractor, replay_vcr("none"), "none")


def test_cassettes_hold_no_secret():
    pattern = re.compile(r"sk-[A-Za-z0-9]{8,}|bearer\s+[A-Za-z0-9._-]{8,}", re.IGNORECASE)
    cassettes = sorted(CASSETTE_DIR.glob("*.yaml"))
    assert cassettes, "no cassettes recorded: run `make record`"
    for cassette in cassettes:
        text = cassette.read_text(encoding="utf-8")
        lowered = text.lower()
        for header in SECRET_HEADERS:
            assert f"{header}:" not in lowered.replace(" ", ""), f"{cassette.name} records a {header} header"
        assert not pattern.search(text), f"{cassette.name} holds something shaped like a key"


def test_every_cassette_belongs_to_a_sample_article():
    stems = {path.stem for path in EXAMPLE_ARTICLES}
    orphans = [c.name for c in CASSETTE_DIR.glob("*.yaml") if c.stem not in stems]
    assert not orphans, f"cassettes with no sample article (delete them or re-record): {orphans}"
    missing = sorted(stems - {c.stem for c in CASSETTE_DIR.glob("*.yaml")})
    assert not missing, f"sample articles with no cassette: {missing}; run `make record`"
