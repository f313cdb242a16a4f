"""Reconciliation: many articles' summit mentions merged into one ``Event`` per real meeting.

The stages, one module each:

* ``mentions`` — flatten extractions into slotted rows with comparison keys, in canonical order;
* ``identity`` — when two spellings can name one person (word order, surname only, transliteration);
* ``timeline`` — time as evidence: days of one visit, the planned → held lifecycle, weekdays, recency;
* ``blocking`` — list events under participant-pair keys so a mention meets only a few of them;
* ``matching`` — the compatibility decision and how well a mention fits an event;
* ``grouping`` — the greedy pass (clean fits, then soft ones, then unanchored mentions);
* ``resolution`` — the named rules that settle each field, with confidence and conflicts;
* ``merge`` — pledges and actors merged across articles;
* ``events`` — one validated ``Event`` per group; ``scoring`` — pairwise P/R/F1 of a grouping.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from extractor.reconcile.events import build_event, event_id, pending_event
from extractor.reconcile.grouping import group_mentions
from extractor.reconcile.mentions import flatten
from extractor.reconcile.scoring import PairwiseScores, pairwise_scores
from schemas import ArticleExtraction, Event


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while reconciling.

    Reconciling allocates millions of small objects and frees almost none, so the collector
    keeps running full passes over a heap that holds the whole input: measured, that was more
    than half the wall time at 100k mentions. Nothing built here forms a reference cycle, so
    reference counting frees it all the same.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def iter_events(extractions: Iterable[ArticleExtraction]) -> Iterator[Event]:
    """The events one at a time, in the order of ``reconcile_events``, each built when asked for.

    Grouping needs every mention, but building the ``Event`` records does not: a caller that
    writes each event out (the CLI) holds the input and one event, not the input and every
    event. The sort key (date, title, id) is settled per group before any event is built.
    """
    with _cyclic_gc_paused():
        pending = sorted((pending_event(cluster) for cluster in group_mentions(flatten(extractions))), key=lambda event: event.sort_key)
        # What grouping left behind lives as long as the events are built: a collection would
        # walk it again and again and free nothing, so the collector stops looking at it. Only
        # when nobody else froze objects (a pre-forking server does): unfreezing is global.
        freezing = gc.get_freeze_count() == 0
        if freezing:
            gc.freeze()
    try:
        for event in pending:
            yield build_event(event)
    finally:
        if freezing:
            gc.unfreeze()


def reconcile_events(extractions: Iterable[ArticleExtraction]) -> list[Event]:
    """One event per real meeting, sorted by (date, title, event id); the same for any input order."""
    with _cyclic_gc_paused():
        return list(iter_events(extractions))


def link_keys(extraction: ArticleExtraction) -> set[tuple[str, str]]:
    """The keys through which this extraction's mentions can meet other extractions' at all.

    The contract an incremental store relies on: group extractions that share a key (directly or
    through others); reconciling one group alone gives exactly the events the whole batch gives
    for it. A mention is compared only with events listed under the person keys of its own
    names (mentions.fold_person: word order and transliteration already folded); every rule
    that links on other evidence (spellings, a nearby city, the lifecycle, recency, an undated
    article's story) looks only at those events or at its own article's. Held by
    tests/reconcile/test_locality.py.
    """
    keys = {("article", extraction.article_id)}
    keys.update(("person", person) for row in flatten([extraction]) for person in row.persons)
    return keys


__all__ = ["PairwiseScores", "event_id", "iter_events", "link_keys", "pairwise_scores", "reconcile_events"]
