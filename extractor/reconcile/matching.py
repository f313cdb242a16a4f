"""The compatibility decision: can this mention be a report of that event, and how well does it fit?

A mention joins an event only when nothing about them contradicts:

* **Same article** — never. An article that mentions two meetings means two meetings.
* **Participants** (folded names), against the event's people and each of its mentions' — the
  same set; or one set inside the other with at least two people shared (a report naming two of
  three ministers). One shared person is otherwise not enough: a leader meets many people. It is
  enough in two cases: the lone visitor of a *state visit* inside the other set ("Lee's state
  visit to Japan" names only Lee; the summit report names Lee and Ishiba); and a report that
  names one of the people *pinned* to the event by place and day — the same city and the same
  day of the month, both at day precision (a report of a minister's talks in a city on the 14th
  that lost the counterpart's name). A person attends one meeting of a kind in one city
  on one day; when they attend two, both events fit and the ambiguity guard (grouping.py) keeps
  the report apart.
* **Kind** — equal; ``leaders_summit`` and ``state_visit`` (a state visit holds a summit); and
  ``other_meeting`` is the catch-all label, compatible with any kind.
* **Status** — planned, ongoing and held are stages of one meeting (a planned mention and a later
  held report are one event). ``cancelled`` follows only ``planned``: a cancelled meeting was not
  held, so it is a different meeting from a held or ongoing one.
* **Place** — two known cities must be equal; two known countries must be equal. A mention with
  no city fits any city. One exception, *soft* like a weak date below: a passing (background)
  reference that names the same people as the event on the same day (day precision, no date of
  the event contradicting) may give another city. The same two people do not hold two meetings
  in two cities on one day, and a model copies the city of the article's main story onto the
  meetings it mentions in passing; so the city is what is wrong. Two primary reports keep their
  cities: each article is about its meeting and names where it is.
* **Date** — compared at each mention's precision (``--09`` fits 2025-09-xx, ``--06-28`` fits
  2026-06-28; weekday-only and unknown dates fit anything). Two dates that contradict are a
  *hard* contradiction — two meetings — when both are strong (day precision with a year, from a
  primary mention), or when both carry a year and the years differ. Otherwise the weaker value
  (a month, no year, a passing background reference) may be wrong, so the contradiction is
  *soft*: the mention may still join, but only when both name the same city (participants,
  kind and place all agree) and no candidate fits without a contradiction. The conflict is then
  recorded and settled by the field rules (resolution.py).

The fit of a compatible pair is a tuple compared lexicographically: no contradiction first, then
how many date components agree, then city, exact participants, kind and country agreement, and
last whether some article is about the event (see ``fit``).
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
    primaries: int = 0  # how many members come from an article about this meeting
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
        self.primaries += row.primary
        if row.date[1] is not None or row.date[0] is not None:
            self.dates[row.date] = self.dates.get(row.date, False) or is_strong_date(row)


def is_strong_date(row: MentionRow) -> bool:
    """A day with a year, from the article about the meeting: too specific to be a slip."""
    year, _, day = row.date
    return year is not None and day is not None and row.primary


def has_day(parts: DateParts) -> bool:
    """A date that names the day of the month (with or without a year)."""
    return parts[1] is not None and parts[2] is not None


def same_day(row: MentionRow, cluster: Cluster) -> bool:
    """The mention gives a day, and the event is reported on that day by some member (years may be missing)."""
    return has_day(row.date) and any(has_day(parts) and parts_agree(row.date, parts) for parts in cluster.dates)


def kinds_compatible(a: str, b: str) -> bool:
    return a == b or "other_meeting" in (a, b) or (a in _LEADER_KINDS and b in _LEADER_KINDS)


def _people_fit(persons: frozenset[str], other: frozenset[str], row_kind: str, cluster: Cluster, pinned: bool) -> int | None:
    if persons == other:
        return 2
    if not (persons <= other or other <= persons) or not persons & other:
        return None
    if len(persons & other) >= 2:
        return 1
    # One shared person, pinned to the event by its city and day: a report that lost a name.
    if pinned:
        return 1
    # One shared person: only the lone visitor of a state visit.
    if (len(persons) == 1 or len(other) == 1) and (row_kind == "state_visit" or "state_visit" in cluster.kinds):
        return 1
    return None


def participants_fit(persons: frozenset[str], row_kind: str, cluster: Cluster, pinned: bool = False) -> int | None:
    """None when the people cannot be the same meeting's; 2 for the same set, 1 for a subset.

    ``pinned``: the mention and the event share a city and a day (one shared person is then enough).

    Checked against the union AND each member: a three-way mention ("Lee, Takaichi and Xi at
    APEC") nests both the Lee–Xi and the Lee–Takaichi pairs, but the two pairs do not nest in
    each other, so they never join through it (the union alone let a chain merge them). A member
    naming one person (a lone visitor, a report that lost a name) is not checked on its own: it
    says only that this person was there, which the union says too.
    """
    fits = [_people_fit(persons, cluster.persons, row_kind, cluster, pinned)]
    fits += [_people_fit(persons, member, row_kind, cluster, pinned) for member in cluster.person_sets if len(member) > 1]
    if any(f is None for f in fits):
        return None
    return min(f for f in fits if f is not None)


def same_people_and_kind(row: MentionRow, cluster: Cluster) -> bool:
    """Could be the same meeting judging by who met and what kind of meeting, ignoring when and where."""
    kind = row.summit.kind
    return participants_fit(row.persons, kind, cluster) is not None and all(kinds_compatible(kind, k) for k in cluster.kinds)


def plausible_without_a_place(row: MentionRow, cluster: Cluster) -> bool:
    """Same people and kind, and neither the year nor the status rules the event out.

    For a mention with no city and no month: the year it gives ("next week", "last year",
    resolved against the publication date) and a cancellation are read from its own words; its
    country is not (see grouping.py), so it does not count here.
    """
    if not same_people_and_kind(row, cluster):
        return False
    if any(frozenset((row.summit.status, s)) in _EXCLUSIVE_STATUS for s in cluster.statuses):
        return False
    year = row.date[0]
    return year is None or all(parts[0] is None or parts[0] == year for parts in cluster.dates)


def date_contradiction_is_hard(a: DateParts, a_strong: bool, b: DateParts, b_strong: bool) -> bool:
    """Two contradicting dates that cannot both describe one meeting (see the module docstring)."""
    if a_strong and b_strong:
        return True
    return a[0] is not None and b[0] is not None and a[0] != b[0]


def place_may_be_wrong(row: MentionRow, cluster: Cluster, people: int, day: bool) -> bool:
    """A contradicting city or country is soft: the same people on the same day, in a passing reference.

    Only for two or more people named exactly as the event names them (one person may well be in
    two cities in a day), and never between two primary reports (see the module docstring).
    """
    return day and people == 2 and len(row.persons) >= 2 and not (row.primary and cluster.primaries)


def fit(row: MentionRow, cluster: Cluster) -> tuple | None:
    """How well the mention fits the event (higher is better), or None when something contradicts.

    The last component prefers an event that some article is about over one only mentioned in
    passing: when a mention fits both equally (an undated "the two will meet in the capital", and
    a meeting there years ago that a single article recalls), it refers to the meeting that made
    the news more often than to another passing reference. It decides only what the
    mention's own fields leave open; two events that some article is about still tie.
    """
    if row.article_id in cluster.articles:
        return None
    summit = row.summit
    day = same_day(row, cluster)
    same_city = row.city_key is not None and row.city_key == cluster.city_key
    people = participants_fit(row.persons, summit.kind, cluster, pinned=day and same_city)
    if people is None:
        return None
    if not all(kinds_compatible(summit.kind, k) for k in cluster.kinds):
        return None
    if any(frozenset((summit.status, s)) in _EXCLUSIVE_STATUS for s in cluster.statuses):
        return None
    other_city = row.city_key is not None and cluster.city_key is not None and not same_city
    other_country = row.country is not None and cluster.country is not None and row.country != cluster.country
    misplaced = other_city or other_country
    if misplaced and not place_may_be_wrong(row, cluster, people, day):
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
    # A weak date may be wrong only where the place agrees; a place only where the date agrees.
    if soft and (not same_city or misplaced):
        return None
    return (
        not (soft or misplaced),
        shared,
        same_city,
        people == 2,
        summit.kind in cluster.kinds,
        row.country is not None and row.country == cluster.country,
        cluster.primaries > 0,
    )
