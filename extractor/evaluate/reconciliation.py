"""Scoring the reconciler (FORMAT.md step 4): which mentions it merged, and how it settled conflicts.

Only matched mentions take part: an unmatched one has no gold event_key to be right or wrong
about, and its absence is already charged to mention recall.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from extractor.evaluate.compare import NameKeys, date_matches_gold, fold_place
from extractor.evaluate.errors import pair_traits
from extractor.evaluate.gold import GoldConflict, GoldFile, GoldMention
from extractor.evaluate.report import ConflictCheck, EventTotals, ReconciliationScore
from schemas import Event


@dataclass(frozen=True)
class ScoredMention:
    """A matched extracted summit, by the key events use for it, and its gold event (and mention)."""

    article_id: str
    summit_index: int
    event_key: str
    gold: GoldMention | None = field(default=None, compare=False)


def score_reconciliation(gold: GoldFile, mentions: Sequence[ScoredMention], events: Sequence[Event]) -> ReconciliationScore:
    event_of: dict[tuple[str, int], int] = {}
    for position, event in enumerate(events):
        for ref in event.mentions:
            # A mention listed by two events is a reconciler bug; the first event keeps it.
            event_of.setdefault((ref.article_id, ref.summit_index), position)

    # A mention in no event stands alone: it was merged with nothing.
    cluster = [event_of.get((m.article_id, m.summit_index), ("alone", n)) for n, m in enumerate(mentions)]
    score = ReconciliationScore(mentions=len(mentions), not_in_any_event=sum(isinstance(c, tuple) for c in cluster))
    names = NameKeys(gold.actors)
    for (a, ca), (b, cb) in combinations(zip(mentions, cluster), 2):
        same_gold, same_event = a.event_key == b.event_key, ca == cb
        score.pairwise.add(tp=same_gold and same_event, fp=same_event and not same_gold, fn=same_gold and not same_event)
        if same_gold != same_event and a.gold is not None and b.gold is not None:
            counts = score.pair_errors.missed if same_gold else score.pair_errors.wrong
            for trait in pair_traits(a.gold, b.gold, names):
                counts[trait] = counts.get(trait, 0) + 1

    score.events = _event_totals(gold, mentions, cluster)
    for event_key, gold_event in gold.events.items():
        votes = Counter(c for m, c in zip(mentions, cluster) if m.event_key == event_key and not isinstance(c, tuple))
        # The event holding most of this key's mentions; on a tie, the one listed first.
        chosen = min(votes, key=lambda position: (-votes[position], position)) if votes else None
        for conflict in gold_event.conflicts:
            score.conflicts.append(_check_conflict(event_key, conflict, events[chosen] if chosen is not None else None))
    return score


def _event_totals(gold: GoldFile, mentions: Sequence[ScoredMention], cluster: Sequence[Hashable]) -> EventTotals:
    """Gold events split or mixed, and the non-merge traps that were merged, over the scored mentions."""
    events_of: dict[str, set[Hashable]] = defaultdict(set)
    keys_of: dict[Hashable, set[str]] = defaultdict(set)
    for mention, event in zip(mentions, cluster):
        events_of[mention.event_key].add(event)
        keys_of[event].add(mention.event_key)
    totals = EventTotals(
        gold=len(events_of),
        split=sum(len(events) > 1 for events in events_of.values()),
        mixed=sum(len(keys) > 1 for keys in keys_of.values()),
    )
    for trap in gold.non_merge:
        for a, b in combinations(sorted(set(trap.events)), 2):
            if a in events_of and b in events_of:
                totals.traps += 1
                totals.traps_merged += bool(events_of[a] & events_of[b])
    return totals


def _check_conflict(event_key: str, conflict: GoldConflict, event: Event | None) -> ConflictCheck:
    check = ConflictCheck(event_key=event_key, field=conflict.field, resolved=conflict.resolved, event_id=None)
    if event is None:
        return check
    check.event_id = event.event_id
    check.chosen = _event_value(event, conflict.field)
    check.holds_resolved = _agrees(conflict.field, check.chosen, conflict.resolved)
    check.recorded = any(recorded.field == conflict.field for recorded in event.conflicts)
    return check


def _event_value(event: Event, field: str) -> Any:
    """The event's value for a field: its own attribute, else the choice in ``event.fields``."""
    if field in Event.model_fields and field not in ("fields", "conflicts", "mentions"):
        return getattr(event, field)
    resolution = event.fields.get(field)
    return resolution.chosen if resolution is not None else None


def _agrees(field: str, chosen: Any, resolved: Any) -> bool:
    if field == "date":
        return date_matches_gold(chosen, resolved)
    if isinstance(chosen, str) and isinstance(resolved, str):
        return fold_place(chosen) == fold_place(resolved)
    return chosen == resolved
