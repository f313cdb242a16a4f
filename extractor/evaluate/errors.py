"""What two gold mentions have in common: the traits a wrongly merged or wrongly split pair is
counted under (``PairErrors`` in report.py), read from the gold alone.

Each trait is one word pair, ``aspect_value``:

* ``people_`` — ``same`` (the same names), ``spelled`` (the same people once the gold's aliases are
  applied, written differently), ``nested`` (one set inside the other), ``overlap``, ``disjoint``;
* ``place_`` — ``same_city``, ``one_city`` (the other gives none), ``no_city`` (neither gives
  one), ``other_city`` (same country or a country missing), ``other_country``;
* ``date_`` — ``same_day``, ``near_days`` (days at most two apart), ``agree`` (no component
  contradicts), ``contradict``, ``one`` (the other gives no date), ``none`` (neither gives one);
* ``status_`` — ``same``, ``planned_held`` (planned against held or ongoing), ``cancelled``
  (one is cancelled), ``other``;
* ``roles_`` — ``primary``, ``mixed``, ``background``;
* ``kind_`` — ``same``, ``other``.
"""

from __future__ import annotations

from extractor.evaluate.compare import NameKeys, date_parts, dates_contradict, places_equal
from extractor.evaluate.gold import GoldMention
from extractor.normalize.names import fold_name
from extractor.normalize.partial_dates import to_calendar


def _people(a: GoldMention, b: GoldMention, names: NameKeys) -> str:
    if {fold_name(n) for n in a.participants} == {fold_name(n) for n in b.participants}:
        return "same"
    ka, kb = names.keys(a.participants), names.keys(b.participants)
    if ka == kb:
        return "spelled"
    if ka <= kb or kb <= ka:
        return "nested"
    return "overlap" if ka & kb else "disjoint"


def _place(a: GoldMention, b: GoldMention) -> str:
    if a.city is None and b.city is None:
        return "no_city"
    if a.city is None or b.city is None:
        return "one_city"
    if places_equal(a.city, b.city):
        return "same_city"
    if a.country is not None and b.country is not None and a.country != b.country:
        return "other_country"
    return "other_city"


def _date(a: GoldMention, b: GoldMention) -> str:
    pa, pb = date_parts(a.date) if a.date else None, date_parts(b.date) if b.date else None
    if pa is None and pb is None:
        return "none"
    if pa is None or pb is None:
        return "one"
    if dates_contradict(a.date, b.date):
        da, db = to_calendar(pa), to_calendar(pb)
        return "near_days" if da is not None and db is not None and abs((da - db).days) <= 2 else "contradict"
    return "same_day" if pa[1:] == pb[1:] and pa[2] is not None else "agree"


def _status(a: GoldMention, b: GoldMention) -> str:
    pair = {a.status, b.status}
    if len(pair) == 1:
        return "same"
    if "cancelled" in pair:
        return "cancelled"
    return "planned_held" if "planned" in pair else "other"


def pair_traits(a: GoldMention, b: GoldMention, names: NameKeys) -> list[str]:
    roles = {a.mention, b.mention}
    return [
        f"people_{_people(a, b, names)}",
        f"place_{_place(a, b)}",
        f"date_{_date(a, b)}",
        f"status_{_status(a, b)}",
        "roles_" + ("mixed" if len(roles) == 2 else "primary" if "primary" in roles else "background"),
        f"kind_{'same' if a.kind == b.kind else 'other'}",
    ]
