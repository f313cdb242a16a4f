"""The compatibility decision: can this mention be a report of that event, and how well does it fit?

A mention joins an event only when nothing about them contradicts:

* **Same article** — never. An article that mentions two meetings means two meetings.
* **Participants** (folded names), against the event's people and each of its mentions' — the
  same set; or one set inside the other with at least two people shared (a report naming two of three ministers); or, for a *state visit*, the lone
  visitor of a one-person mention inside the other set ("Lee's state visit to Japan" names only
  Lee; the summit report names Lee and Ishiba). One shared person is otherwise not enough: a
  leader meets many people.
* **Kind** — equal; ``leaders_summit`` and ``state_visit`` (a state visit holds a summit); and
  ``other_meeting`` is the catch-all label, compatible with any kind.
* **Status** — planned, ongoing and held are stages of one meeting (a planned mention and a later
  held report are one event). ``cancelled`` follows only ``planned``: a cancelled meeting was not
  held, so it is a different meeting from a held or ongoing one.
* **Place** — two known cities must be equal; two known countries must be equal. A mention with
  no city fits any city.
* **Date** — compared at each mention's precision (``--09`` fits 2025-09-xx, ``--06-28`` fits
  2026-06-28; weekday-only and unknown dates fit anything). Two dates that contradict are a
  *hard* contradiction — two meetings — when both are strong (day precision with a year, from a
  primary mention), or when both carry a year and the years differ. Otherwise the weaker value
  (a month, no year, a passing background reference) may be wrong, so the contradiction is
  *soft*: the mention may still join, but only when both name the same city (participants,
  kind and place all agree) and no candidate fits without a contradiction. The conflict is then
  recorded and settled by the field rules (resolution.py).

The fit of a compatible pair is a tuple compared lexicographically: no date contradiction first,
then how many date components agree, then city, exact participants, kind and country agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.normalize.partial_dates import DateParts, parts_agree, shared_components
from extractor.reconcile.mentions import MentionRow

# Status stages that exclude each other: a cancelled meeting did not take place.
_EXCLUSIVE_STATUS = {frozenset({"cancelled", "held"}), frozenset({"cancelled", "ongoing"})}
_LEADER_KINDS = frozenset({"leaders_summit", "state_visit"})


@dataclass(slots=True, eq=False)
class Cluster:
    """An event being built: its mentions and the aggregates every comparison needs."""

    id: int
    rows: list[MentionRow] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    persons: frozenset[str] = frozenset()  # union of the members' folded participants
    person_sets: set[frozenset[str]] = field(default_factory=set)  # each member's own
    city_key: str | None = None
    country: str | None = None
    kinds: set[str] = field(default_factory=set)
    statuses: set[str] = field(default_factory=set)
    dates: dict[DateParts, bool] = field(default_factory=dict)  # distinct dates → any strong report
    registered: set[tuple] = field(default_factory=set)  # (block key, city) buckets it is listed in

    def add(self, row: MentionRow) -> None:
        self.rows.append(row)
        self.articles.add(row.article_id)
        self.persons = self.persons | row.persons
        self.person_sets.add(row.persons)
        self.city_key = self.city_key or row.city_key
        self.country = self.country or row.country
        self.kinds.add(row.summit.kind)
        self.statuses.add(row.summit.status)
        if row.date[1] is not None or row.date[0] is not None:
            self.dates[row.date] = self.dates.get(row.date, False) or is_strong_date(row)


def is_strong_date(row: MentionRow) -> bool:
    """A day with a year, from the article about the meeting: too specific to be a slip."""
    year, _, day = row.date
    return year is not None and day is not None and row.primary


def kinds_compatible(a: str, b: str) -> bool:
    return a == b or "other_meeting" in (a, b) or (a in _LEADER_KINDS and b in _LEADER_KINDS)


def _people_fit(persons: frozenset[str], other: frozenset[str], row_kind: str, cluster: Cluster) -> int | None:
    if persons == other:
        return 2
    if not (persons <= other or other <= persons):
        return None
    if len(persons & other) >= 2:
        return 1
    # One shared person: only the lone visitor of a state visit.
    if (len(persons) == 1 or len(other) == 1) and (row_kind == "state_visit" or "state_visit" in cluster.kinds):
        return 1
    return None


def participants_fit(persons: frozenset[str], row_kind: str, cluster: Cluster) -> int | None:
    """None when the people cannot be the same meeting's; 2 for the same set, 1 for a subset.

    Checked against the union AND each member: a three-way mention ("Lee, Takaichi and Xi at
    APEC") nests both the Lee–Xi and the Lee–Takaichi pairs, but the two pairs do not nest in
    each other, so they never join through it (the union alone let a chain merge them).
    """
    fits = [_people_fit(persons, cluster.persons, row_kind, cluster)]
    fits += [_people_fit(persons, member, row_kind, cluster) for member in cluster.person_sets]
    if any(f is None for f in fits):
        return None
    return min(f for f in fits if f is not None)


def same_people_and_kind(row: MentionRow, cluster: Cluster) -> bool:
    """Could be the same meeting judging by who met and what kind of meeting, ignoring when and where."""
    kind = row.summit.kind
    return participants_fit(row.persons, kind, cluster) is not None and all(kinds_compatible(kind, k) for k in cluster.kinds)


def date_contradiction_is_hard(a: DateParts, a_strong: bool, b: DateParts, b_strong: bool) -> bool:
    """Two contradicting dates that cannot both describe one meeting (see the module docstring)."""
    if a_strong and b_strong:
        return True
    return a[0] is not None and b[0] is not None and a[0] != b[0]


def fit(row: MentionRow, cluster: Cluster) -> tuple | None:
    """How well the mention fits the event (higher is better), or None when something contradicts."""
    if row.article_id in cluster.articles:
        return None
    summit = row.summit
    people = participants_fit(row.persons, summit.kind, cluster)
    if people is None:
        return None
    if not all(kinds_compatible(summit.kind, k) for k in cluster.kinds):
        return None
    if any(frozenset((summit.status, s)) in _EXCLUSIVE_STATUS for s in cluster.statuses):
        return None
    if row.city_key and cluster.city_key and row.city_key != cluster.city_key:
        return None
    if row.country and cluster.country and row.country != cluster.country:
        return None

    soft, shared = False, 0
    if row.date[0] is not None or row.date[1] is not None:
        strong = is_strong_date(row)
        for parts, parts_strong in cluster.dates.items():
            if parts_agree(row.date, parts):
                shared = max(shared, shared_components(row.date, parts))
            elif date_contradiction_is_hard(row.date, strong, parts, parts_strong):
                return None
            else:
                soft = True
    same_city = row.city_key is not None and row.city_key == cluster.city_key
    if soft and not same_city:
        return None
    return (
        not soft,
        shared,
        same_city,
        people == 2,
        summit.kind in cluster.kinds,
        row.country is not None and row.country == cluster.country,
    )
