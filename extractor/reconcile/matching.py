"""The compatibility decision: can this mention be a report of that event, and how well does it fit?

A mention joins an event only when nothing about them contradicts:

* **Same article** — never. An article that mentions two meetings means two meetings.
* **Participants** — people, not strings: a name is matched to a person of the event by its
  spellings (identity.py: word order, surname only, transliteration), never to two people at
  once. Then, against the event's people and each of its mentions' — the same set; or one set
  inside the other with at least two people shared (a report naming two of three ministers). One
  shared person is otherwise not enough: a leader meets many people. It is enough in two cases:
  the lone visitor of a *state visit* inside the other set ("Lee's state visit to Japan" names
  only Lee; the summit report names Lee and Ishiba); and a report that names one of the people
  *pinned* to the event by place and day — the same city and the same day of the month, both at
  day precision (a report of a minister's talks in a city on the 14th that lost the counterpart's
  name). A person attends one meeting of a kind in one city on one day; when they attend two,
  both events fit and the ambiguity guard (grouping.py) keeps the report apart.
* **Kind** — equal; ``leaders_summit`` and ``state_visit`` (a state visit holds a summit); and
  ``other_meeting`` is the catch-all label, compatible with any kind.
* **Status** — planned, ongoing and held are stages of one meeting (a planned mention and a later
  held report are one event). ``cancelled`` follows only ``planned``: a cancelled meeting was not
  held, so it is a different meeting from a held or ongoing one. A planned report published well
  after the meeting was reported held is about a later meeting (timeline.py).
* **Place** — two known cities must be equal; two known countries must be equal. A mention with
  no city fits any city. Exceptions, all *soft* (the mention joins only when nothing fits
  cleanly, and the disagreement is a recorded conflict), and all for the same people (two or
  more, named as the event names them):

  - *one visit, another city in the same country*: the same day, or days of one visit
    (timeline.VISIT_SPAN_DAYS): a report that names a nearby city for the venue;
  - *announced, then held elsewhere*: a planned report against a held one (or the reverse), in
    the same country, dates agreeing to the month at least;
  - *a passing reference on the same day*, any city or country: a model copies the city of the
    article's main story onto the meetings it mentions in passing.

  Two places in different countries on the same day, in reports about the meeting itself, are
  two meetings.
* **Date** — compared at each mention's precision (``--09`` fits 2025-09-xx, ``--06-28`` fits
  2026-06-28; unknown dates fit anything; a weekday only fits a day on that weekday). Two dates
  that contradict are a *hard* contradiction — two meetings — when both are strong (day
  precision with a year, from a primary mention), or when both carry a year and the years differ;
  unless they are days of one visit (same people, same place), which is soft. Otherwise the
  weaker value (a month, no year, a passing background reference) may be wrong, so the
  contradiction is *soft*: the mention may still join, but only when both name the same city.

The fit of a compatible pair is a tuple compared lexicographically: no contradiction first, then
how many date components agree, then city, exact participants, kind and country agreement, and
last whether some article is about the event (see ``fit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from extractor.normalize.partial_dates import DateParts, parts_agree, shared_components
from extractor.reconcile.identity import match_names
from extractor.reconcile.mentions import MentionRow
from extractor.reconcile.timeline import planned_after_held, reported_by, within_one_visit

# Status stages that exclude each other: a cancelled meeting did not take place.
_EXCLUSIVE_STATUS = {frozenset({"cancelled", "held"}), frozenset({"cancelled", "ongoing"})}
_LEADER_KINDS = frozenset({"leaders_summit", "state_visit"})
_HELD = frozenset({"held", "ongoing"})


@dataclass(slots=True, eq=False)
class Cluster:
    """An event being built: its mentions and the aggregates every comparison needs."""

    id: int
    rows: list[MentionRow] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    persons: frozenset[str] = frozenset()  # every folded spelling of its people (blocking keys)
    people: list[set[str]] = field(default_factory=list)  # one set of folded spellings per person
    person_of: dict[str, int] = field(default_factory=dict)  # folded spelling → index in people
    country_of: dict[str, str] = field(default_factory=dict)  # folded spelling → actor country, where known
    person_sets: set[frozenset[int]] = field(default_factory=set)  # each member's own people
    city_key: str | None = None  # the first city: where blocking lists it first
    cities: set[str] = field(default_factory=set)
    planned_cities: set[str] = field(default_factory=set)  # cities of the reports calling it planned
    held_cities: set[str] = field(default_factory=set)  # cities of the reports calling it held or under way
    countries: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    statuses: set[str] = field(default_factory=set)
    primaries: int = 0  # how many members come from an article about this meeting
    dates: dict[DateParts, bool] = field(default_factory=dict)  # distinct dates → any strong report
    days: set[date] = field(default_factory=set)  # the calendar days members give
    held_by: date | None = None  # the earliest day by which some report says it was held
    planned_published: date | None = None  # the latest publication of a report calling it planned
    registered: set[tuple] = field(default_factory=set)  # (block key, city) buckets it is listed in

    @property
    def country(self) -> str | None:
        return min(self.countries) if len(self.countries) == 1 else None

    def add(self, row: MentionRow) -> None:
        own: set[int] = set()
        for name, index in zip(sorted(row.persons), _person_indices(row, self)):
            if index < 0:
                index = len(self.people)
                self.people.append(set())
            self.people[index].add(name)
            self.person_of[name] = index
            country = row.country_of.get(name)
            if country is not None:
                self.country_of.setdefault(name, country)
            own.add(index)
        self.rows.append(row)
        self.articles.add(row.article_id)
        self.persons = self.persons | row.persons
        self.person_sets.add(frozenset(own))
        self.city_key = self.city_key or row.city_key
        if row.city_key is not None:
            self.cities.add(row.city_key)
            if row.summit.status == "planned":
                self.planned_cities.add(row.city_key)
            elif row.summit.status in _HELD:
                self.held_cities.add(row.city_key)
        if row.country is not None:
            self.countries.add(row.country)
        self.kinds.add(row.summit.kind)
        self.statuses.add(row.summit.status)
        self.primaries += row.primary
        if row.date[1] is not None or row.date[0] is not None:
            self.dates[row.date] = self.dates.get(row.date, False) or is_strong_date(row)
        if row.day is not None:
            self.days.add(row.day)
        held = held_by(row)
        if held is not None and (self.held_by is None or held < self.held_by):
            self.held_by = held
        planned = row.published_day if row.summit.status == "planned" else None
        if planned is not None and (self.planned_published is None or planned > self.planned_published):
            self.planned_published = planned


def _person_indices(row: MentionRow, cluster: Cluster) -> list[int]:
    """The event's person index of each of the row's names, in sorted order; negative for nobody of the event."""

    def country_of(name: str) -> str | None:
        return row.country_of.get(name) or cluster.country_of.get(name)

    found = match_names(sorted(row.persons), cluster.person_of, cluster.people, country_of)
    return [index if index is not None else -1 - n for n, index in enumerate(found)]


def people_of(row: MentionRow, cluster: Cluster, spellings: bool = True) -> tuple[frozenset[int], bool]:
    """The row's people as the event's person indices (a name matching nobody: a new negative index),
    and whether any name was matched by its spelling rather than found as written.

    ``spellings=False``: names as written only (the first, cheap search; grouping.py).
    """
    person_of = cluster.person_of
    if all(name in person_of for name in row.persons):
        return frozenset(person_of[name] for name in row.persons), False
    if not spellings:
        return frozenset(person_of.get(name, -1 - n) for n, name in enumerate(sorted(row.persons))), False
    indices = _person_indices(row, cluster)
    return frozenset(indices), any(index >= 0 and name not in person_of for name, index in zip(sorted(row.persons), indices))


def held_by(row: MentionRow) -> date | None:
    """The day by which this report says the meeting was held: its publication, or its own strong day."""
    if row.summit.status not in _HELD:
        return None
    bounds = [d for d in (reported_by(row.published_day, row.story_day), row.day if is_strong_date(row) else None) if d is not None]
    return min(bounds) if bounds else None


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


def same_month(row: MentionRow, cluster: Cluster) -> bool:
    """The mention's date and one of the event's agree on two components at least (year and month, or month and day)."""
    return row.date[1] is not None and any(
        parts_agree(row.date, parts) and shared_components(row.date, parts) >= 1 for parts in cluster.dates
    )


def one_visit(row: MentionRow, cluster: Cluster) -> bool:
    """The mention's day and one of the event's are days of one visit (but not the same day)."""
    return has_day(row.date) and any(within_one_visit(row.date, parts) for parts in cluster.dates)


def weekday_contradicts(row: MentionRow, cluster: Cluster) -> bool:
    """The mention names a weekday, and no day the event is dated on falls on it."""
    return row.weekday is not None and bool(cluster.days) and all(day.weekday() != row.weekday for day in cluster.days)


def outside_window(row: MentionRow, cluster: Cluster) -> bool:
    """The days the mention means, read from its publication, hold none of the event's days."""
    if row.window is None or not cluster.days:
        return False
    start, end = row.window
    return all(not start <= day <= end for day in cluster.days)


def kinds_compatible(a: str, b: str) -> bool:
    return a == b or "other_meeting" in (a, b) or (a in _LEADER_KINDS and b in _LEADER_KINDS)


def _people_fit(persons: frozenset[int], other: frozenset[int], row_kind: str, cluster: Cluster, pinned: bool) -> int | None:
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


def participants_fit(persons: frozenset[int], row_kind: str, cluster: Cluster, pinned: bool = False) -> int | None:
    """None when the people cannot be the same meeting's; 2 for the same set, 1 for a subset.

    ``persons``: the mention's people as the event's person indices (``people_of``). ``pinned``:
    the mention and the event share a city and a day (one shared person is then enough).

    Checked against the union AND each member: a three-way mention ("Lee, Takaichi and Xi at
    APEC") nests both the Lee–Xi and the Lee–Takaichi pairs, but the two pairs do not nest in
    each other, so they never join through it (the union alone let a chain merge them). A member
    naming one person (a lone visitor, a report that lost a name) is not checked on its own: it
    says only that this person was there, which the union says too.
    """
    everyone = frozenset(range(len(cluster.people)))
    fits = [_people_fit(persons, everyone, row_kind, cluster, pinned)]
    fits += [_people_fit(persons, member, row_kind, cluster, pinned) for member in cluster.person_sets if len(member) > 1]
    if any(f is None for f in fits):
        return None
    return min(f for f in fits if f is not None)


def _status_fits(row: MentionRow, cluster: Cluster) -> bool:
    status = row.summit.status
    if any(frozenset((status, s)) in _EXCLUSIVE_STATUS for s in cluster.statuses):
        return False
    if status == "planned" and planned_after_held(row.published_day, cluster.held_by):
        return False
    held = held_by(row)
    return not (held is not None and planned_after_held(cluster.planned_published, held))


def same_people_and_kind(row: MentionRow, cluster: Cluster) -> bool:
    """Could be the same meeting judging by who met and what kind of meeting, ignoring when and where."""
    kind = row.summit.kind
    persons, _ = people_of(row, cluster)
    return participants_fit(persons, kind, cluster) is not None and all(kinds_compatible(kind, k) for k in cluster.kinds)


def plausible_without_a_place(row: MentionRow, cluster: Cluster) -> bool:
    """Same people and kind, and neither the year, the weekday, the status nor a country rules the event out.

    For a mention with no city and no month: the year it gives ("next week", "last year",
    resolved against the publication date), its weekday and its status are its own words. Its
    country counts only when the article is about this meeting: with no city, a model fills a
    passing reference's country from the article's main story or the visitor's home (see
    grouping.py).
    """
    if not same_people_and_kind(row, cluster) or not _status_fits(row, cluster):
        return False
    if weekday_contradicts(row, cluster):
        return False
    if row.primary and row.country is not None and cluster.countries and row.country not in cluster.countries:
        return False
    year = row.date[0]
    return year is None or all(parts[0] is None or parts[0] == year for parts in cluster.dates)


def date_contradiction_is_hard(a: DateParts, a_strong: bool, b: DateParts, b_strong: bool) -> bool:
    """Two contradicting dates that cannot both describe one meeting (see the module docstring)."""
    if a_strong and b_strong:
        return True
    return a[0] is not None and b[0] is not None and a[0] != b[0]


def _place_may_differ(row: MentionRow, cluster: Cluster, exact_people: bool, day: bool, visit: bool, other_country: bool) -> bool:
    """A contradicting city (or country) that is soft: see the module docstring, "Place"."""
    if not exact_people or len(row.persons) < 2:
        return False
    if day and not (row.primary and cluster.primaries):
        return True  # a passing reference carrying its article's main city
    if other_country:
        return False
    if day or visit:
        return True  # one visit: a nearby city named for the venue
    status = row.summit.status
    if status == "planned":
        announced = bool(cluster.held_cities)  # announced here, reported held there
    else:
        announced = status in _HELD and bool(cluster.planned_cities) and not cluster.held_cities
    months_agree = any(parts_agree(row.date, parts) and shared_components(row.date, parts) >= 2 for parts in cluster.dates)
    return announced and months_agree


def fit(row: MentionRow, cluster: Cluster, spellings: bool = True) -> tuple | None:
    """How well the mention fits the event (higher is better), or None when something contradicts.

    The last component prefers an event that some article is about over one only mentioned in
    passing: when a mention fits both equally (an undated "the two will meet in the capital", and
    a meeting there years ago that a single article recalls), it refers to the meeting that made
    the news more often than to another passing reference. It decides only what the
    mention's own fields leave open; two events that some article is about still tie.

    ``spellings=False`` matches people by their names as written only (see ``people_of``).
    """
    if row.article_id in cluster.articles:
        return None
    summit = row.summit
    day = same_day(row, cluster)
    same_city = row.city_key is not None and row.city_key in cluster.cities
    persons, by_spelling = people_of(row, cluster, spellings)
    people = participants_fit(persons, summit.kind, cluster, pinned=same_city and same_month(row, cluster))
    if people is None:
        return None
    if not all(kinds_compatible(summit.kind, k) for k in cluster.kinds):
        return None
    if not _status_fits(row, cluster):
        return None
    other_city = row.city_key is not None and bool(cluster.cities) and not same_city
    other_country = row.country is not None and bool(cluster.countries) and row.country not in cluster.countries
    visit = not day and people == 2 and one_visit(row, cluster)
    misplaced = other_city or other_country
    if misplaced and not _place_may_differ(row, cluster, people == 2, day, visit, other_country):
        return None

    soft, shared = weekday_contradicts(row, cluster), 0
    if row.date[0] is not None or row.date[1] is not None:
        strong = is_strong_date(row)
        for parts, parts_strong in cluster.dates.items():
            if parts_agree(row.date, parts):
                shared = max(shared, shared_components(row.date, parts))
            elif people == 2 and within_one_visit(row.date, parts) and not other_country:
                soft = True  # another day of one visit
            elif date_contradiction_is_hard(row.date, strong, parts, parts_strong):
                return None
            else:
                soft = True
    # Two passing references, one giving only a place and the other only a date, corroborate nothing.
    if row.anchored and not row.primary and not cluster.primaries and not (same_city or shared):
        return None
    # A weak date may be wrong only where the place agrees; a place only where the date agrees.
    if soft and misplaced and not (visit and not other_country):
        return None
    if soft and not same_city and not visit:
        return None
    return (
        not (soft or misplaced),
        not outside_window(row, cluster),
        shared,
        same_city,
        people == 2,
        not by_spelling,
        summit.kind in cluster.kinds,
        row.country is not None and row.country in cluster.countries,
        cluster.primaries > 0,
    )
