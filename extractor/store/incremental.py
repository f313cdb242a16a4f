"""What one save changes: the new extraction reconciled again with the few stored events it can touch.

``reconcile.link_keys`` promises that extractions sharing no person key (directly or through
others) never influence each other. Re-reconciling that whole component on every save is exact,
but on data where people meet many others the component is the whole store (on the reconciler
benchmark's generator it is: pairs of people chain into one), so a save's cost grew with the store.

Exactness does not need the whole component, only every mention whose decision can change. The
reconciler places mentions greedily, one at a time in a canonical order, and a mention's decision
depends only on the events it is compared with and on its own article's story (its main report's
event, for an article with no publication date). It is compared only with events that share one
of its people (their person keys: link_keys), and it can fit one only when one's people are
within the other's, names matched by spelling allowed (``participants_fit``, at every stage of the
event). So a change spreads from an event only to mentions that may fit it, and from them only if
they decide otherwise: through events that really change, not through every shared person. A save
therefore works on a *region* of stored events, grown until it holds that spread:

* **The seed**: the events of the article's earlier extraction (it is replaced), and the stored
  events each new mention may fit (sharing a person, people nested).
* **Stories**: for an article with no publication date among the region's, the event of its main
  report comes in too.
* **Before and after**: the region's mentions are reconciled as the store had them, and with the
  new extraction. The first run must give back exactly the stored events of the region; if not, a
  decision in it was made by an event outside it, the events of the people concerned (and of
  their counterparts) come in, and the round starts again.
* **The change**: the events that differ between the two runs. A stored mention that may fit one
  of them may decide otherwise, so its event comes in; that event may then change, if only in
  when it grew, so mentions that may fit *it* come in too, and so on. Each of those mentions, and
  each new one, is then decided with every stored event it may fit present, lest it be judged
  on a partial picture. When a main report's event changes, its article's passing references
  decide again too. Whatever is missing comes in and the round starts again; when nothing is,
  the change is the one the batch reconciler makes.

The index keeps each stored mention's people (store/index.py), so which mentions may fit which
events is worked out from it, without reading their extractions; only the region's are read.

An article only partly in the region keeps its other summits as placeholders that name nobody
(a mention naming nobody stands alone and meets no event), so every mention keeps its summit
index, hence its event's id, and the rest of the article stays out of the region.

What this costs depends on how many meetings the new extraction's people had together (and how
many mentions name one of them alone), not on the size of the store (``bench/store_bench.py``).
A region that will not settle, or grows past ``MAX_REGION_MENTIONS``, raises ``RegionTooLarge``:
the store then reconciles everything once (exact, slow, and not seen on the benchmark's data).

This leans on how the reconciler decides (above) more than ``link_keys`` states: a change there
that lets a mention meet an event on other grounds must come with a change here. The tests that
hold it (tests/test_store_incremental.py) save invented linked reports one at a time and compare
every state of the store with ``reconcile_events``.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from extractor.normalize.partial_dates import parse_iso_day
from extractor.reconcile.events import build_event, event_id, pending_event
from extractor.reconcile.grouping import group_mentions
from extractor.reconcile.identity import variant_keys
from extractor.reconcile.matching import Cluster
from extractor.reconcile.mentions import MentionRow, flatten
from extractor.store.index import EventRecord, MentionKey, Shape, StoreIndex
from schemas import ArticleExtraction, Summit

# A region past this many stored mentions is not worth growing: everything is reconciled instead.
MAX_REGION_MENTIONS = 20_000
# Rounds of growing the region before giving up on it (one is the rule on the benchmark's data).
MAX_ROUNDS = 8


class RegionTooLarge(Exception):
    """The change could not be confined to a region of bounded size: reconcile everything."""


@dataclass(frozen=True)
class SavePlan:
    """What a save writes: the stored events it replaces, and the events that replace them."""

    removed: frozenset[str]
    written: tuple[EventRecord, ...]
    region_events: int  # stored events reconciled again
    region_mentions: int
    rounds: int


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # As reconcile_events does: grouping makes many small objects and no cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _mentions(cluster: Cluster) -> list[MentionKey]:
    return [(row.article_id, row.summit_index) for row in cluster.rows]


def group(extractions: Iterable[ArticleExtraction]) -> dict[str, Cluster]:
    """The reconciler's grouping, by event id (what ``reconcile_events`` builds its events from)."""
    return _group_rows(flatten(extractions))


def _group_rows(rows: list[MentionRow]) -> dict[str, Cluster]:
    with _cyclic_gc_paused():
        return {event_id(_mentions(cluster)): cluster for cluster in group_mentions(rows)}


def event_record(cluster: Cluster) -> EventRecord:
    with _cyclic_gc_paused():
        event = build_event(pending_event(cluster))
    return EventRecord(event, {(row.article_id, row.summit_index): row.persons for row in cluster.rows})


def all_records(extractions: Iterable[ArticleExtraction]) -> list[EventRecord]:
    """Every event of these extractions, as ``reconcile_events`` makes them."""
    return [event_record(cluster) for cluster in group(extractions).values()]


def _persons(shapes: Iterable[Shape]) -> set[str]:
    return {person for shape in shapes for names in shape.values() for person in names}


def _shape(cluster: Cluster) -> Shape:
    return {(row.article_id, row.summit_index): row.persons for row in cluster.rows}


@functools.lru_cache(maxsize=1 << 16)
def _spellings(names: frozenset[str]) -> frozenset[str]:
    """The variant keys of these names (two spellings of a person share one: identity.same_person)."""
    return frozenset(key for name in names for key in variant_keys(name))


def _within(names: frozenset[str], others: frozenset[str]) -> bool:
    """Every name is one of the others, or may be another spelling of one."""
    missing = names - others
    if not missing:
        return True
    spelled = _spellings(others)
    return all(not spelled.isdisjoint(_spellings(frozenset((name,)))) for name in missing)


@dataclass(frozen=True)
class _People:
    """An event as ``_may_meet`` sees it: everyone in it, and each member's people."""

    everyone: frozenset[str]
    members: frozenset[frozenset[str]]

    @classmethod
    def of(cls, shape: Shape) -> _People:
        members = frozenset(names for names in shape.values() if names)
        return cls(frozenset().union(*members), members)


def _may_meet(names: frozenset[str], event: _People) -> bool:
    """Whether a mention of these people can fit the event at some stage of it: they share a
    person, and the mention's people are within the event's, or a stage of the event (its first
    member's people, at least) is within the mention's (``participants_fit``, names matched by
    spelling allowed)."""
    if names.isdisjoint(event.everyone):
        return False
    return _within(names, event.everyone) or any(_within(member, names) for member in event.members)


def _placeholder(summit: Summit) -> Summit:
    return summit.model_copy(update={"participants": [], "mention": "background"})


class _Region:
    """What the save has read of the store, each thing once (the index locks as it reads)."""

    def __init__(self, index: StoreIndex, new: ArticleExtraction, old: ArticleExtraction | None):
        self.index, self.new, self.old = index, new, old
        self.persons: dict[str, frozenset[str]] = {}  # event id → the persons of its mentions
        self.holders_of: dict[str, set[str]] = {}  # person → the events naming them
        self.shapes: dict[str, Shape] = {}  # event id → its mentions and their people
        self.extractions: dict[str, ArticleExtraction] = {} if old is None else {new.article_id: old}
        self.storied: set[str] = set()  # undated articles whose main reports' events are in
        # Flattened once, for both runs of every round: (article, its summits in the region) → rows.
        self.flat: dict[tuple[str, frozenset[int]], list[MentionRow]] = {}

    def holders(self, persons: Collection[str]) -> set[str]:
        """The stored events naming one of these people."""
        todo = set(persons) - self.holders_of.keys()
        if todo:
            found = self.index.holders(todo)
            self.persons.update(found)
            for person in todo:
                self.holders_of[person] = set()
            for event, named in found.items():
                for person in named & todo:
                    self.holders_of[person].add(event)
        return {event for person in persons for event in self.holders_of[person]}

    def ring(self, persons: Collection[str]) -> set[str]:
        """The events of these people, and the events of everyone those events name."""
        first = self.holders(persons)
        return first | self.holders({person for event in first for person in self.persons[event]})

    def shape(self, events: Collection[str]) -> dict[str, Shape]:
        todo = [event for event in events if event not in self.shapes]
        if todo:
            self.shapes.update(self.index.mentions(todo))
        return {event: self.shapes[event] for event in events}

    def meeting(self, names: Iterable[frozenset[str]]) -> set[str]:
        """The stored events a mention of each of these sets of people may fit (its candidates)."""
        sets = [n for n in set(names) if n]
        near = self.shape(self.holders(set().union(*sets)))
        people = {event: _People.of(shape) for event, shape in near.items()}
        return {event for event, them in people.items() if any(_may_meet(n, them) for n in sets)}

    def deciding(self, changed: list[Shape]) -> tuple[set[str], list[frozenset[str]]]:
        """The stored events with a mention that may fit a changed event, and the people of those
        mentions. Such a mention may decide otherwise; its event then changes, if only in when it
        grew, so mentions that may fit *it* count too, and so on."""
        found: set[str] = set()
        movers: list[frozenset[str]] = []
        watched = changed
        while watched:
            near = self.shape(self.holders(_persons(watched)) - found)
            seen = [_People.of(shape) for shape in watched]
            fresh = {}
            for event, shape in near.items():
                names = [n for n in set(shape.values()) if n and any(_may_meet(n, w) for w in seen)]
                if names:
                    fresh[event] = shape
                    movers += names
            found |= fresh.keys()
            watched = list(fresh.values())
        return found, movers

    def of_articles(self, articles: Collection[str]) -> dict[MentionKey, str]:
        found, persons = self.index.events_of(articles)
        self.persons.update(persons)
        return found

    def rows(self, events: Collection[str]) -> set[MentionKey]:
        """The stored mentions of these events; their articles' extractions are read too."""
        rows = {key for shape in self.shape(events).values() for key in shape}
        articles = {article for article, _ in rows} - self.extractions.keys() - {self.new.article_id}
        if articles:
            self.extractions.update(self.index.newest(articles))
        return rows

    def with_stories(self, events: set[str]) -> set[str]:
        """The events plus, for each article with no publication date among theirs, the events of its main reports."""
        while True:
            articles = {article for article, _ in self.rows(events)} - self.storied - {self.new.article_id}
            undated = {article for article in articles if parse_iso_day(self.extractions[article].source.published) is None}
            self.storied |= articles
            if not undated:
                return events
            found = self.of_articles(undated)
            events = events | {
                event for (article, index), event in found.items() if self.extractions[article].summits[index].mention == "primary"
            }

    def mention_rows(self, rows: set[MentionKey], *, after: bool) -> list[MentionRow]:
        """The region's mentions in canonical order (as ``flatten`` gives them), with the new
        extraction's or the old one's; an article's summits outside the region are placeholders."""
        kept: dict[str, set[int]] = {}
        for article, index in rows:
            if article != self.new.article_id:
                kept.setdefault(article, set()).add(index)
        parts = [self._flat(article, frozenset(indices)) for article, indices in kept.items()]
        replaced = self.new if after else self.old
        if replaced is not None:
            parts.append(self._flat(replaced.article_id, None, replaced))
        out = [row for part in parts for row in part]
        for row in out:
            row.story_day = None  # set by grouping (an undated article's story): reused rows start afresh
        out.sort(key=MentionRow.order_key)
        return out

    def _flat(self, article: str, indices: frozenset[int] | None, extraction: ArticleExtraction | None = None) -> list[MentionRow]:
        key = (article if extraction is None else f"{article}\x1f{id(extraction)}", indices or frozenset())
        found = self.flat.get(key)
        if found is None:
            if extraction is None:
                extraction = self.extractions[article]
                if indices is not None and len(indices) < len(extraction.summits):
                    summits = [s if i in indices else _placeholder(s) for i, s in enumerate(extraction.summits)]
                    extraction = extraction.model_copy(update={"summits": summits})
            found = self.flat[key] = flatten([extraction])
        return found


def plan_save(index: StoreIndex, new: ArticleExtraction, old: ArticleExtraction | None) -> SavePlan:
    """The events to replace when ``new`` is stored (replacing ``old``, its article's earlier extraction)."""
    # Parsing and grouping make many small objects and no cycles: a collection during the save
    # would walk the caller's whole heap (a worker's is small; a benchmark's holds its data).
    with _cyclic_gc_paused():
        return _plan(index, new, old)


def _plan(index: StoreIndex, new: ArticleExtraction, old: ArticleExtraction | None) -> SavePlan:
    region = _Region(index, new, old)
    seed = set(region.of_articles([new.article_id]).values()) if old is not None else set()
    new_names = [row.persons for row in flatten([new])]
    events = seed | region.meeting(new_names)
    for rounds in range(1, MAX_ROUNDS + 1):
        events = region.with_stories(events)
        rows = region.rows(events)
        if len(rows) > MAX_REGION_MENTIONS:
            raise RegionTooLarge(f"{len(rows)} stored mentions")
        before = {i: c for i, c in _group_rows(region.mention_rows(rows, after=False)).items() if all(key in rows for key in _mentions(c))}
        if before.keys() != events:
            # The region alone does not give back the stored events: a decision in it was made by
            # an event outside it. Bring in the events of the people concerned, and of everyone
            # those events name, and start over.
            stored = _persons(region.shape(events - before.keys()).values())
            more = region.ring(stored | _persons(_shape(before[event]) for event in before.keys() - events)) - events
            if not more:
                raise RegionTooLarge("the region does not give back the stored events")
            events |= more
            continue
        after = {
            i: c
            for i, c in _group_rows(region.mention_rows(rows, after=True)).items()
            if all(a == new.article_id or (a, n) in rows for a, n in _mentions(c))
        }

        def touched(cluster: Cluster) -> bool:  # the article's mentions changed, whatever their event's id
            return new.article_id in cluster.articles

        removed = {i for i, c in before.items() if i not in after or touched(c)}
        written = {i for i, c in after.items() if i not in before or touched(c)}
        changed = [_shape(before[i]) for i in removed] + [_shape(after[i]) for i in written]
        # The mentions that may decide otherwise, in events of their own; then every event each
        # of them, and each new mention, may fit, so that none is judged on a partial picture.
        deciding, movers = region.deciding(changed)
        # An article with no publication date dates its passing references by the event of its
        # main report: when that event changes, they may decide otherwise.
        told = {a for shape in changed for (a, i) in shape if a != new.article_id and _undated_primary(region, a, i)}
        if told:
            theirs = set(region.of_articles(told).values())
            deciding |= theirs
            movers += [names for shape in region.shape(theirs).values() for names in shape.values()]
        needed = deciding | region.meeting(movers + new_names)
        if needed <= events:
            return SavePlan(frozenset(removed), tuple(event_record(after[i]) for i in sorted(written)), len(events), len(rows), rounds)
        events |= needed
    raise RegionTooLarge(f"still growing after {MAX_ROUNDS} rounds")


def _undated_primary(region: _Region, article: str, index: int) -> bool:
    """The mention is the main report of an article with no publication date (its story)."""
    extraction = region.extractions[article]
    return extraction.summits[index].mention == "primary" and parse_iso_day(extraction.source.published) is None
