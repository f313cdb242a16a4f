"""Score an extraction run against a gold file (FORMAT.md, "How a run is scored").

    report = score_extractions(load_gold(path), extractions, events)
    print(render_table(report))      # for a reader
    print(report.to_json())          # for `--json`

Works on any ``summit-gold/1`` file: nothing here knows our articles, names or places.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from extractor.evaluate.compare import NameKeys, date_matches_gold, places_equal
from extractor.evaluate.gold import GoldFile, GoldMention
from extractor.evaluate.matching import match_files, match_mentions
from extractor.evaluate.reconciliation import ScoredMention, score_reconciliation
from extractor.evaluate.report import Accuracy, ArticleScore, Counts, FieldError, MentionPair, ModelSeconds, Report, render_table
from schemas import ArticleExtraction, Event, Summit

__all__ = ["Report", "render_table", "score_extractions"]

# Fields scored by accuracy on every matched required mention, in table order. "mention" (primary
# or background) is not in FORMAT.md step 3; it is scored because primary-mention detection
# takes the role from the gold and would otherwise never see a mislabelled role.
SCORED_FIELDS = ("status", "kind", "date", "city", "country", "mention")


def score_extractions(gold: GoldFile, extractions: Sequence[ArticleExtraction], events: Sequence[Event] | None = None) -> Report:
    """Score extractions (and, when given, the events reconciled from them) against the gold."""
    names = NameKeys(gold.actors)
    files = match_files(gold.articles, extractions)
    report = Report(
        gold_articles=len(gold.articles),
        unmatched_files=files.unmatched,
        duplicate_files=files.duplicates,
        fields={name: Accuracy() for name in SCORED_FIELDS},
    )
    scored: list[ScoredMention] = []

    for gold_file, article in gold.articles.items():
        extraction = files.by_gold_file.get(gold_file)
        if extraction is None:
            # No extraction: every required mention is missed.
            report.missing_files.append(gold_file)
            for mention in article.summits:
                if not mention.optional:
                    report.mentions.add(fn=1)
                    report.primary_mentions.add(fn=mention.mention == "primary")
            continue

        pairs = match_mentions(extraction.summits, article.summits, names)
        result = ArticleScore(file=gold_file, source_file=extraction.source.file)
        paired_extracted = {i for i, _ in pairs}
        paired_gold = {j for _, j in pairs}

        for i, j in pairs:
            summit, mention = extraction.summits[i], article.summits[j]
            result.matched.append(MentionPair(extracted_index=i, gold_index=j, event_key=mention.event_key, optional=mention.optional))
            if mention.optional:
                continue  # a borderline mention: having it earns nothing and costs nothing
            report.mentions.add(tp=1)
            report.primary_mentions.add(tp=mention.mention == "primary")
            _score_fields(report, gold_file, summit, mention, names)
            scored.append(ScoredMention(extraction.article_id, i, mention.event_key, mention))

        for i, summit in enumerate(extraction.summits):
            if i not in paired_extracted:
                result.false_positives.append(i)
                report.mentions.add(fp=1)
                # No gold role to go by, so the extraction's own "primary" claim is what is wrong.
                report.primary_mentions.add(fp=summit.mention == "primary")
        for j, mention in enumerate(article.summits):
            if j not in paired_gold and not mention.optional:
                result.missed.append(mention.event_key)
                report.mentions.add(fn=1)
                report.primary_mentions.add(fn=mention.mention == "primary")
        report.articles.append(result)

    if events is not None:
        report.reconciliation = score_reconciliation(gold, scored, events)
    report.seconds_per_article = _model_seconds(extractions)
    return report


def _model_seconds(extractions: Sequence[ArticleExtraction]) -> ModelSeconds:
    seconds = sorted(e.provenance.seconds for e in extractions if not e.provenance.cached and e.provenance.seconds is not None)
    if not seconds:
        return ModelSeconds()
    # The nearest-rank percentile: the p90 is an article's own time, never an interpolation.
    return ModelSeconds(
        articles=len(seconds),
        median=round(statistics.median(seconds), 2),
        p90=seconds[max(0, math.ceil(0.9 * len(seconds)) - 1)],
        max=seconds[-1],
    )


def _score_fields(report: Report, file: str, summit: Summit, mention: GoldMention, names: NameKeys) -> None:
    """Field accuracy, participants and pledge domains of one matched required mention."""
    country = summit.location.country
    checks = {
        "status": (summit.status, mention.status, summit.status == mention.status),
        "kind": (summit.kind, mention.kind, summit.kind == mention.kind),
        "date": (summit.date, mention.date, date_matches_gold(summit.date, mention.date)),
        "city": (summit.location.city, mention.city, places_equal(summit.location.city, mention.city)),
        "country": (country, mention.country, places_equal(country, mention.country)),
        "mention": (summit.mention, mention.mention, summit.mention == mention.mention),
    }
    for field, (extracted, expected, right) in checks.items():
        report.fields[field].add(right)
        if not right:
            report.errors.append(FieldError(file=file, event_key=mention.event_key, field=field, gold=expected, extracted=extracted))

    ours, theirs = names.keys(summit.participants), names.keys(mention.participants)
    _add_sets(report, report.participants, file, mention.event_key, "participants", ours, theirs)

    # Each domain counts once per mention; an optional domain is out of both sets.
    optional = set(mention.optional_pledge_domains)
    ours = {pledge.domain for pledge in summit.pledges} - optional
    theirs = set(mention.pledge_domains) - optional
    _add_sets(report, report.pledge_domains, file, mention.event_key, "pledge_domains", ours, theirs)


def _add_sets(report: Report, counts: Counts, file: str, event_key: str, field: str, ours: set[str], theirs: set[str]) -> None:
    counts.add(tp=len(ours & theirs), fp=len(ours - theirs), fn=len(theirs - ours))
    if ours != theirs:
        report.errors.append(
            FieldError(file=file, event_key=event_key, field=field, gold=sorted(theirs - ours), extracted=sorted(ours - theirs))
        )
