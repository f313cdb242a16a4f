"""Blocking: which events a mention is compared with at all.

Comparing every mention with every event is quadratic. Instead each event is listed under cheap
keys built from its folded participant names, subdivided by city, and a mention is compared only
with the events under its own keys:

* a mention of two or more people looks up every *pair* of them — any event that could share at
  least two of its people shares one of those pairs — plus the ``solo`` key of each of them (a
  one-person state visit that it may complete);
* a one-person mention looks up the ``member`` key of that person (every event they are in);
* within a key, a mention with a city looks only at events in that city and events with no city
  yet; a mention with no city looks at all of them. A mention that fits none of those may ask
  again in every city, and for every event of each of its people (``wider``): a report with a
  wrong city, or one that spells a person otherwise than the event does (matching.py).

Blocking only prunes: ``matching.fit`` makes every decision, so a key that lists an event too
many costs time, never correctness. A key that lists one too few loses a merge; that happens only
for meetings of more than ``MAX_PAIR_PEOPLE`` people, whose pairs are taken from the first
``MAX_PAIR_PEOPLE`` names in sort order (a 20-leader summit would otherwise need 190 keys).
"""

from __future__ import annotations

from itertools import combinations

from extractor.reconcile.identity import same_person, variant_keys
from extractor.reconcile.matching import Cluster
from extractor.reconcile.mentions import MentionRow

MAX_PAIR_PEOPLE = 12

Key = tuple[str, ...]


def _pairs(persons: frozenset[str]) -> list[Key]:
    names = sorted(persons)[:MAX_PAIR_PEOPLE]
    return [("pair", a, b) for a, b in combinations(names, 2)]


def lookup_keys(row: MentionRow) -> list[Key]:
    if len(row.persons) == 1:
        return [("member", next(iter(row.persons)))]
    return _pairs(row.persons) + [("solo", p) for p in sorted(row.persons)]


def register_keys(cluster: Cluster) -> list[Key]:
    keys = _pairs(cluster.persons) + [("member", p) for p in cluster.persons]
    if len(cluster.persons) == 1:
        keys.append(("solo", next(iter(cluster.persons))))
    return keys


class BlockIndex:
    """Block key → city (None for no city yet) → the events listed there, in creation order."""

    __slots__ = ("_buckets", "_keys", "_names", "_spelled", "_spellings")

    def __init__(self) -> None:
        self._buckets: dict[Key, dict[str | None, list[Cluster]]] = {}
        self._names: set[str] = set()  # every folded name listed so far
        # identity.variant_keys → the names listed under it (one name as itself: most keys have one)
        self._spellings: dict[str, str | list[str]] = {}
        self._spelled: set[str] = set()  # listed names that can be another listed name's spelling
        self._keys: dict[str, list[str]] = {}  # name → its identity.variant_keys, worked out once

    def has_variant(self, row: MentionRow) -> bool:
        """Some name of the mention can be another spelling of a name listed already (identity.py)."""
        persons = row.persons
        if not self._spelled.isdisjoint(persons):
            return True
        if self._names.issuperset(persons):
            return False
        return any(self._variants(name) for name in persons - self._names)

    def _variant_keys(self, name: str) -> list[str]:
        keys = self._keys.get(name)
        if keys is None:
            keys = self._keys[name] = variant_keys(name)
        return keys

    def _variants(self, name: str) -> list[str]:
        found = []
        for key in self._variant_keys(name):
            listed = self._spellings.get(key, ())
            for other in (listed,) if isinstance(listed, str) else listed:
                if other != name and same_person(name, other):
                    found.append(other)
        return found

    def _list_name(self, name: str) -> None:
        self._names.add(name)
        variants = self._variants(name)
        if variants:
            self._spelled.add(name)
            self._spelled.update(variants)
        for key in self._variant_keys(name):
            listed = self._spellings.get(key)
            if listed is None:
                self._spellings[key] = name
            elif isinstance(listed, str):
                self._spellings[key] = [listed, name]
            else:
                listed.append(name)

    def register(self, cluster: Cluster) -> None:
        """List the event under every key and city it now has (called again after it grows)."""
        keys = register_keys(cluster)
        if not self._names.issuperset(cluster.persons):
            for name in cluster.persons - self._names:
                self._list_name(name)
        for city in cluster.cities or (None,):
            for key in keys:
                if (key, city) in cluster.registered:
                    continue
                cluster.registered.add((key, city))
                self._buckets.setdefault(key, {}).setdefault(city, []).append(cluster)

    def candidates(self, row: MentionRow, wider: bool = False) -> list[Cluster]:
        """The events worth comparing with this mention, each once, in creation order.

        ``wider``: in every city; and when one of its names may be another spelling of a listed
        name, every event of each of its people (not only of its pairs).
        """
        found: dict[int, Cluster] = {}
        keys = lookup_keys(row)
        if wider and len(row.persons) > 1 and self.has_variant(row):
            keys = keys + [("member", p) for p in sorted(row.persons)]
        for key in keys:
            by_city = self._buckets.get(key)
            if not by_city:
                continue
            if row.city_key is None or wider:
                lists = by_city.values()
            else:
                lists = [by_city.get(row.city_key, ()), by_city.get(None, ())]
            for clusters in lists:
                for cluster in clusters:
                    found.setdefault(cluster.id, cluster)
        return [found[i] for i in sorted(found)]
