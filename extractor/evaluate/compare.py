"""When two values agree: partial dates, place names and person names.

Every comparison the scorer makes goes through here, so "equal" means one thing everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from extractor.evaluate.gold import GoldActor
from extractor.normalize.names import fold_name, fold_place
from extractor.normalize.partial_dates import NO_DATE, DateParts
from extractor.normalize.partial_dates import date_parts as _partial_date_parts


def date_parts(date: str) -> DateParts | None:
    """(year, month, day), None where the date does not say; None for text that is no partial date."""
    parts = _partial_date_parts(date)
    return None if parts == NO_DATE else parts


def dates_contradict(a: str | None, b: str | None) -> bool:
    """True when both dates are known and differ in a component both of them give.

    "2026-06-28" and "--06-28" agree (no common year to differ on); "2026-06-28" and "--09" do
    not. A missing date, or text that is no partial date, never contradicts: nothing to compare.
    """
    if a is None or b is None:
        return False
    pa, pb = date_parts(a), date_parts(b)
    if pa is None or pb is None:
        return False
    return any(x is not None and y is not None and x != y for x, y in zip(pa, pb))


def date_matches_gold(extracted: str | None, gold: str | None) -> bool:
    """The extracted date at the gold's precision: every component the gold gives, equal.

    Extra precision is fine ("2026-06-28" is right for gold "2026-06"); less is not ("--06-28"
    lacks the year of gold "2026-06-28"). A null gold date means the article gives no date, so
    any extracted date is invented and wrong.
    """
    if gold is None or extracted is None:
        return gold is None and extracted is None
    pg, pe = date_parts(gold), date_parts(extracted)
    if pg is None or pe is None:
        return gold.strip() == extracted.strip()
    return all(g is None or g == e for g, e in zip(pg, pe))


def places_contradict(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold_place(a) != fold_place(b)


def places_equal(a: str | None, b: str | None) -> bool:
    """Equal after folding; two nulls are equal (both say "not known")."""
    if a is None or b is None:
        return a is None and b is None
    return fold_place(a) == fold_place(b)


class NameKeys:
    """Folded person names, with every gold alias mapped to its actor's canonical name."""

    def __init__(self, actors: Iterable[GoldActor]):
        actors = list(actors)
        canonical = {fold_name(actor.name) for actor in actors}
        owners: dict[str, set[str]] = defaultdict(set)
        for actor in actors:
            for alias in actor.aliases:
                owners[fold_name(alias)].add(fold_name(actor.name))
        # An alias two actors share ("Lee" for two Lees) is left as written: guessing would credit
        # the wrong person. A canonical name is never remapped as someone else's alias.
        self._canonical_of = {alias: next(iter(names)) for alias, names in owners.items() if len(names) == 1 and alias not in canonical}

    def key(self, name: str) -> str:
        folded = fold_name(name)
        return self._canonical_of.get(folded, folded)

    def keys(self, names: Iterable[str]) -> set[str]:
        return {self.key(name) for name in names}
