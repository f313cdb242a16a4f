"""The score of a run: counts with their ratios, for `--json`, and a table for a reader."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, computed_field


def _ratio(num: int, den: int) -> float | None:
    # An empty denominator has no ratio: None ("n/a"), never a flattering 1.0 or a harsh 0.0.
    return num / den if den else None


class Counts(BaseModel):
    """True positives, false positives and false negatives, with precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float | None:
        # 2TP / (2TP + FP + FN): the harmonic mean where both exist, 0 when nothing was right.
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn


class Accuracy(BaseModel):
    correct: int = 0
    total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.total)

    def add(self, right: bool) -> None:
        self.correct += right
        self.total += 1


class MentionPair(BaseModel):
    extracted_index: int
    gold_index: int
    event_key: str
    optional: bool = False


class FieldError(BaseModel):
    """One wrong field of a matched mention, to show a reader where the points went.

    For ``participants`` and ``pledge_domains``, ``gold`` lists what was missed and ``extracted``
    what was extra.
    """

    file: str
    event_key: str
    field: str
    gold: Any
    extracted: Any


class ArticleScore(BaseModel):
    file: str = Field(description="Gold article file.")
    source_file: str | None = Field(description="The extraction's own source.file.")
    matched: list[MentionPair] = Field(default_factory=list)
    false_positives: list[int] = Field(default_factory=list, description="Indices of extracted summits matching no gold mention.")
    missed: list[str] = Field(default_factory=list, description="event_keys of required gold mentions left unmatched.")


class ConflictCheck(BaseModel):
    """Did the reconciled event settle a known conflict the way the gold says, and record it?"""

    event_key: str
    field: str
    resolved: Any
    event_id: str | None = Field(description="The event holding most of this event_key's matched mentions; None if none.")
    chosen: Any = None
    holds_resolved: bool = False
    recorded: bool = False

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        return self.holds_resolved and self.recorded


class ConflictTotals(BaseModel):
    """The gold conflicts summed up: how many hold the resolved value, are recorded, or both."""

    gold: int = 0
    right_value: int = 0
    recorded: int = 0
    passed: int = 0


class EventTotals(BaseModel):
    """How the gold events came out: split over several events, or sharing one with another event.

    ``traps`` are the gold's ``non_merge`` pairs whose two events both have scored mentions;
    ``traps_merged`` those of them that some event merged.
    """

    gold: int = 0
    split: int = 0
    mixed: int = Field(0, description="Reconciled events holding mentions of two or more gold events.")
    traps: int = 0
    traps_merged: int = 0


class PairErrors(BaseModel):
    """The pairs the reconciler got wrong, counted by what their two gold mentions have in common.

    Each wrong pair counts once under each of its traits (evaluate/errors.py: people, place, date,
    status, roles, kind): ``missed`` are pairs of one gold event left apart, ``wrong`` pairs of
    two gold events merged. A reader sees which kind of evidence the reconciler mishandles.
    """

    missed: dict[str, int] = Field(default_factory=dict)
    wrong: dict[str, int] = Field(default_factory=dict)


class ReconciliationScore(BaseModel):
    pairwise: Counts = Field(default_factory=Counts, description="Pairs of matched mentions merged into one event.")
    mentions: int = Field(0, description="Matched mentions the pairs are drawn from.")
    not_in_any_event: int = Field(0, description="Matched mentions no event lists; each counts as an event of its own.")
    events: EventTotals = Field(default_factory=EventTotals)
    pair_errors: PairErrors = Field(default_factory=PairErrors)
    conflicts: list[ConflictCheck] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def conflict_totals(self) -> ConflictTotals:
        checks = self.conflicts
        return ConflictTotals(
            gold=len(checks),
            right_value=sum(c.holds_resolved for c in checks),
            recorded=sum(c.recorded for c in checks),
            passed=sum(c.passed for c in checks),
        )


class ModelSeconds(BaseModel):
    """Seconds each article took to extract, over those the model really extracted (not cached)."""

    articles: int = 0
    median: float | None = None
    p90: float | None = None
    max: float | None = None


class Report(BaseModel):
    gold_articles: int
    articles: list[ArticleScore] = Field(default_factory=list)
    missing_files: list[str] = Field(default_factory=list, description="Gold articles with no extraction: all their mentions missed.")
    unmatched_files: list[str] = Field(default_factory=list, description="Extractions of files the gold does not cover: ignored.")
    duplicate_files: list[str] = Field(default_factory=list, description="Second extractions of a gold file: ignored.")
    mentions: Counts = Field(default_factory=Counts)
    primary_mentions: Counts = Field(default_factory=Counts)
    fields: dict[str, Accuracy] = Field(default_factory=dict)
    participants: Counts = Field(default_factory=Counts)
    pledge_domains: Counts = Field(default_factory=Counts)
    errors: list[FieldError] = Field(default_factory=list)
    reconciliation: ReconciliationScore | None = None
    seconds_per_article: ModelSeconds = Field(default_factory=ModelSeconds)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def articles_missing(self) -> int:
        """How many gold articles have no extraction, for a reader of the totals alone."""
        return len(self.missing_files)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _prf(counts: Counts) -> tuple[str, str]:
    value = "/".join(_num(v) for v in (counts.precision, counts.recall, counts.f1))
    return value, f"tp {counts.tp}  fp {counts.fp}  fn {counts.fn}"


def _verdict(check: ConflictCheck) -> str:
    if check.event_id is None:
        return "no event"
    problems = [p for p, bad in (("wrong value", not check.holds_resolved), ("not recorded", not check.recorded)) if bad]
    return ", ".join(problems) or "ok"


def render_table(report: Report) -> str:
    """A compact aligned table: metric, value, and the counts behind it."""
    rows: list[tuple[str, str, str]] = [
        ("articles scored", f"{len(report.articles)}/{report.gold_articles}", f"missing {len(report.missing_files)}"),
        ("mentions P/R/F1", *_prf(report.mentions)),
        ("primary mentions P/R/F1", *_prf(report.primary_mentions)),
    ]
    for name, acc in report.fields.items():
        rows.append((f"{name} acc", _num(acc.accuracy), f"{acc.correct}/{acc.total}"))
    rows.append(("participants P/R/F1", *_prf(report.participants)))
    rows.append(("pledge domains P/R/F1", *_prf(report.pledge_domains)))
    timing = report.seconds_per_article
    if timing.articles:
        rows.append(
            (
                "seconds per article",
                f"median {timing.median:.1f}",
                f"p90 {timing.p90:.1f}, max {timing.max:.1f} ({timing.articles} extracted)",
            )
        )
    rec = report.reconciliation
    if rec is not None:
        value, counts = _prf(rec.pairwise)
        rows.append(("reconcile pairwise P/R/F1", value, f"{counts}  ({rec.mentions} mentions, {rec.not_in_any_event} in no event)"))
        ev = rec.events
        rows.append(("gold events split", f"{ev.split}/{ev.gold}", f"{ev.mixed} events mix gold events"))
        rows.append(("non-merge traps merged", f"{ev.traps_merged}/{ev.traps}", "look-alike events put together"))
        passed = sum(check.passed for check in rec.conflicts)
        rows.append(("conflicts resolved", f"{passed}/{len(rec.conflicts)}", "gold conflicts"))
        for check in rec.conflicts:
            rows.append((f"  {check.event_key} {check.field}", _verdict(check), f"chose {check.chosen!r}, gold {check.resolved!r}"))

    widths = [max(len(row[k]) for row in [("metric", "value", "n"), *rows]) for k in range(2)]
    lines = [f"{'metric':<{widths[0]}}  {'value':<{widths[1]}}  n"]
    lines += [f"{m:<{widths[0]}}  {v:<{widths[1]}}  {n}" for m, v, n in rows]
    for label, files in (
        ("missing", report.missing_files),
        ("unmatched files", report.unmatched_files),
        ("duplicates", report.duplicate_files),
    ):
        if files:
            lines.append(f"{label}: {', '.join(files)}")
    return "\n".join(lines)
