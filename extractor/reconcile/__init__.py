"""Reconciliation: many articles' summit mentions merged into one ``Event`` per real meeting.

The stages, one module each:

* ``mentions`` — flatten extractions into slotted rows with comparison keys, in canonical order;
* ``blocking`` — list events under participant-pair keys so a mention meets only a few of them;
* ``matching`` — the compatibility decision and how well a mention fits an event;
* ``grouping`` — the greedy pass that puts each mention in an event;
* ``resolution`` — the named rules that settle each field, with confidence and conflicts;
* ``merge`` — pledges and actors merged across articles;
* ``events`` — one validated ``Event`` per group; ``scoring`` — pairwise P/R/F1 of a grouping.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.reconcile.events import build_event, event_id
from extractor.reconcile.grouping import group_mentions
from extractor.reconcile.mentions import flatten
from extractor.reconcile.scoring import PairwiseScores, pairwise_scores
from schemas import ArticleExtraction, Event


def reconcile_events(extractions: Iterable[ArticleExtraction]) -> list[Event]:
    """One event per real meeting, sorted by (date, title, event id); the same for any input order."""
    events = [build_event(cluster) for cluster in group_mentions(flatten(extractions))]
    events.sort(key=lambda e: (e.date or "", e.title, e.event_id))
    return events


__all__ = ["PairwiseScores", "event_id", "pairwise_scores", "reconcile_events"]
