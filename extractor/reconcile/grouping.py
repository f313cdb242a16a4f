"""Grouping mentions into events: one greedy pass over mentions in canonical order.

Each mention, strongest first (mentions.MentionRow.order_key), goes to the one candidate event it
fits best (matching.fit), or founds a new event. Two guards keep a guess from merging meetings:

* **Ambiguity.** When two or more events fit equally best, the mention could be a report of
  either; it founds its own event rather than pick one.
* **No anchor.** A mention with neither a city nor a date of month precision or better (e.g.
  "the leaders met before, on the sidelines of APEC") says only who met. It joins an event only
  when its people have exactly one plausible event (same people, compatible kind, not ruled out
  by the year or a cancellation it gives) in the whole input; when the pair met several times,
  it cannot say which meeting it means, so it stands alone. Its country does not narrow the
  choice: with no city, a model fills the country from the article's main story or the
  visitor's home (measured: a vague "the leaders met" took the home country and would have
  picked the one meeting held there, not the one it meant). Such mentions are processed last,
  so every anchored event already exists when they are counted.

A placed mention that fits no event in its own city (nor one with no city yet) is compared once
more with the events of its people in every city: a passing reference may carry a wrong city
(``matching.place_may_be_wrong``). Only then, so a clean fit is always preferred.

The pass is deterministic: the order comes from the mentions' content and ids, candidates are
visited in event-creation order, and ties are never broken by input order.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.reconcile.blocking import BlockIndex
from extractor.reconcile.matching import Cluster, fit, has_day, plausible_without_a_place
from extractor.reconcile.mentions import MentionRow


def _best(row: MentionRow, candidates: list[Cluster]) -> tuple[Cluster | None, bool]:
    """The one best-fitting event (None when none fits or several fit equally), and whether any fits."""
    best_fit, best, tied = None, None, False
    for cluster in candidates:
        score = fit(row, cluster)
        if score is None:
            continue
        if best_fit is None or score > best_fit:
            best_fit, best, tied = score, cluster, False
        elif score == best_fit:
            tied = True
    return (None if tied else best), best_fit is not None


def _unanchored(row: MentionRow, candidates: list[Cluster]) -> Cluster | None:
    plausible = [c for c in candidates if plausible_without_a_place(row, c)]
    if len(plausible) != 1:
        return None
    return plausible[0] if fit(row, plausible[0]) is not None else None


def _anchored(row: MentionRow, index: BlockIndex) -> Cluster | None:
    chosen, fits = _best(row, index.candidates(row))
    if not fits and row.city_key is not None and len(row.persons) >= 2 and has_day(row.date):
        chosen, _ = _best(row, index.candidates(row, every_city=True))
    return chosen


def group_mentions(rows: Iterable[MentionRow]) -> list[Cluster]:
    """Events as clusters of mention rows; ``rows`` must already be in canonical order."""
    index = BlockIndex()
    clusters: list[Cluster] = []
    for row in rows:
        chosen = None
        if row.persons:  # a mention naming nobody cannot be matched on anything: it stands alone
            chosen = _anchored(row, index) if row.anchored else _unanchored(row, index.candidates(row))
        if chosen is None:
            chosen = Cluster(id=len(clusters))
            clusters.append(chosen)
        chosen.add(row)
        if row.persons:
            index.register(chosen)
    return clusters
