"""Grouping mentions into events: one greedy pass over mentions in canonical order.

Each mention, strongest first (mentions.MentionRow.order_key), goes to the one candidate event it
fits best (matching.fit), or founds a new event. Two guards keep a guess from merging meetings:

* **Ambiguity.** When two or more events fit equally best, the mention could be a report of
  either; it founds its own event rather than pick one.
* **No anchor.** A mention with neither a city nor a date of month precision or better (e.g.
  "the leaders met before, on the sidelines of APEC") says only who met. It joins an event only
  when its people have exactly one plausible event (same people, compatible kind) in the whole
  input; when the pair met several times, it cannot say which meeting it means, so it stands
  alone. Such mentions are processed last, so every anchored event already exists when they are
  counted.

The pass is deterministic: the order comes from the mentions' content and ids, candidates are
visited in event-creation order, and ties are never broken by input order.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.reconcile.blocking import BlockIndex
from extractor.reconcile.matching import Cluster, fit, same_people_and_kind
from extractor.reconcile.mentions import MentionRow


def _best(row: MentionRow, candidates: list[Cluster]) -> Cluster | None:
    best_fit, best, tied = None, None, False
    for cluster in candidates:
        score = fit(row, cluster)
        if score is None:
            continue
        if best_fit is None or score > best_fit:
            best_fit, best, tied = score, cluster, False
        elif score == best_fit:
            tied = True
    return None if tied else best


def _unanchored(row: MentionRow, candidates: list[Cluster]) -> Cluster | None:
    plausible = [c for c in candidates if same_people_and_kind(row, c)]
    if len(plausible) != 1:
        return None
    return plausible[0] if fit(row, plausible[0]) is not None else None


def group_mentions(rows: Iterable[MentionRow]) -> list[Cluster]:
    """Events as clusters of mention rows; ``rows`` must already be in canonical order."""
    index = BlockIndex()
    clusters: list[Cluster] = []
    for row in rows:
        chosen = None
        if row.persons:  # a mention naming nobody cannot be matched on anything: it stands alone
            candidates = index.candidates(row)
            chosen = _best(row, candidates) if row.anchored else _unanchored(row, candidates)
        if chosen is None:
            chosen = Cluster(id=len(clusters))
            clusters.append(chosen)
        chosen.add(row)
        if row.persons:
            index.register(chosen)
    return clusters
