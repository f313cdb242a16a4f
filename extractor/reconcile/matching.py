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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from extractor.normalize.partial_dates import DateParts, parts_agree, shared_components, to_calendar
from extractor.reconcile.identity import match_names
from extractor.reconcile.mentions import MentionRow
from extractor.reconcile.timeline import planned_after_held, reported_by, within_one_visit
from schemas.vocab import SUMMIT_KINDS

# Status stages that exclude each other: a cancelled meeting did not take place.
_EXCLUDES = {"cancelled": frozenset({"held", "ongoing"}), "held": frozenset({"cancelled"}), "ongoing": frozenset({"cancelled"})}
_LEADER_KINDS = frozenset({"leaders_summit", "state_visit"})
_HELD = frozenset({"held", "ongoing"})
_PLANNED = frozenset({"planned"})


@dataclass(slots=True, eq=False)
class Cluster:
    """An event being built: its mentions and the aggregates every comparison needs.

    Small collections are tuples (most events have one city, one kind, one status): a million
    mentions make hundreds of thousands of these.
    """

    id: int
    rows: list[MentionRow] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    persons: frozenset[str] = frozenset()  # every folded spelling of its people (blocking keys)
    name_sets: set[frozenset[str]] = field(default_factory=set)  # each member's own folded names
    # Folded spelling → person (0, 1, ...), once someone is spelled two ways; until then (None),
    # each folded name is a person of its own: most events never need the dict.
    spelled: dict[str, int] | None = None
    city_key: str | None = None  # the first city: where blocking lists it first
    cities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    primaries: int = 0  # how many members come from an article about this meeting
    dates: dict[DateParts, bool] = field(default_factory=dict)  # distinct dates → any strong report
    planned_published: date | None = None  # the latest publication of a report calling it planned
    held_since_asked: bool = True  # a held report joined since ``held_by`` was last worked out
    held_day: date | None = None  # ``held_by`` as last worked out
    registered: set[tuple] = field(default_factory=set)  # (block key, city) buckets it is listed in

    @property
    def country(self) -> str | None:
        return self.countries[0] if len(self.countries) == 1 else None

    @property
    def held_by(self) -> date | None:
        """The earliest day by which some member says it was held (worked out when a plan is compared)."""
        if self.held_since_asked:
            days = [day for day in map(held_by, self.rows) if day is not None]
            self.held_day, self.held_since_asked = (min(days) if days else None), False
        return self.held_day

    @property
    def days(self) -> list[date]:
        """The calendar days its members give (worked out when asked: a weekday or a window to check)."""
        return [day for day in map(to_calendar, self.dates) if day is not None]

    def cities_reported(self, statuses: frozenset[str]) -> set[str]:
        """The cities of the members reporting it at these stages."""
        return {row.city_key for row in self.rows if row.city_key is not None and row.summit.status in statuses}

    @property
    def spelled_two_ways(self) -> bool:
        return self.spelled is not None

    @property
    def person_of(self) -> dict[str, int]:
        """Folded spelling → person (0, 1, ...)."""
        if self.spelled is not None:
            return self.spelled
        return {name: number for number, name in enumerate(sorted(self.persons))}

    @property
    def people(self) -> int:
        return len(set(self.spelled.values())) if self.spelled is not None else len(self.persons)

    def spellings(self) -> list[set[str]]:
        """Each person's folded spellings, by person."""
        found: list[set[str]] = [set() for _ in range(self.people)]
        for name, person in self.person_of.items():
            found[person].add(name)
        return found

    def add(self, row: MentionRow, spellings: bool = True) -> None:
        """Add a member. ``spellings=False``: none of its names can be another spelling of one
        listed anywhere (blocking.BlockIndex.has_variant), so a new name is a new person."""
        persons = row.persons
        if not self.persons >= persons:
            if self.persons and (spellings or self.spelled is not None):
                person_of = self.person_of
                people = self.people
                matched_by_spelling = False
                for name, index in zip(sorted(persons), _person_indices(row, self)):
                    if name not in person_of:
                        if index < 0:
                            index, people = people, people + 1
                        else:
                            matched_by_spelling = True
                        person_of[name] = index
                if matched_by_spelling or self.spelled is not None:
                    self.spelled = person_of
            self.persons = self.persons | persons
        self.rows.append(row)
        self.articles.add(row.article_id)
        self.name_sets.add(persons)
        summit = row.summit
        status, city = summit.status, row.city_key
        if city is not None:
            self.city_key = self.city_key or city
            if city not in self.cities:
                self.cities += (city,)
        if row.country is not None and row.country not in self.countries:
            self.countries += (row.country,)
        if summit.kind not in self.kinds:
            self.kinds += (summit.kind,)
        if status not in self.statuses:
            self.statuses += (status,)
        self.primaries += row.primary
        parts = row.date
        if parts[1] is not None or parts[0] is not None:
            self.dates[parts] = self.dates.get(parts, False) or is_strong_date(row)
        if status in _HELD:
            self.held_since_asked = True
        elif status == "planned":
            planned = row.published_day
            if planned is not None and (self.planned_published is None or planned > self.planned_published):
                self.planned_published = planned


def _person_indices(row: MentionRow, cluster: Cluster) -> list[int]:
    """The event's person of each of the row's names, in sorted order; negative for nobody of the event."""

    def country_of(name: str) -> str | None:
        """The country an actor record gives for the name: the mention's article's, else a member's."""
        return row.country_of(name) or next((c for member in cluster.rows if (c := member.country_of(name)) is not None), None)

    found = match_names(sorted(row.persons), cluster.person_of, cluster.spellings(), country_of)
    return [index if index is not None else -1 - n for n, index in enumerate(found)]


def people_of(row: MentionRow, cluster: Cluster, spellings: bool = True) -> tuple[frozenset, frozenset, Iterable[frozenset], bool]:
    """The row's people, the event's and each member's, comparable as sets; and whether a name was
    matched by its spelling rather than found as written.

    When nobody of the event is spelled two ways and the row's names are found as written (or
    ``spellings=False``: the first, cheap search), they are the folded names themselves.
    Otherwise people are the event's person numbers, a name matching nobody a new negative one.
    """
    known = cluster.persons >= row.persons
    if not cluster.spelled_two_ways and (known or not spellings):
        return row.persons, cluster.persons, cluster.name_sets, False
    person_of = cluster.person_of
    if known or not spellings:
        persons = frozenset(person_of.get(name, -1 - n) for n, name in enumerate(sorted(row.persons)))
        by_spelling = False
    else:
        indices = _person_indices(row, cluster)
        persons = frozenset(indices)
        by_spelling = any(index >= 0 and name not in person_of for name, index in zip(sorted(row.persons), indices))
    members = [frozenset(person_of[name] for name in names) for names in cluster.name_sets]
    return persons, frozenset(range(cluster.people)), members, by_spelling


def held_by(row: MentionRow) -> date | None:
    """The day by which this report says the meeting was held: its publication, or its own strong day."""
    if row.summit.status not in _HELD:
        return None
    reported = reported_by(row.published_day, row.story_day)
    day = row.day if is_strong_date(row) else None
    if reported is None or day is None:
        return reported or day
    return min(reported, day)


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
    """The mention's date and one of the event's agree, both giving the month."""
    month = row.date[1]
    return month is not None and any(parts[1] == month and parts_agree(row.date, parts) for parts in cluster.dates)


def one_visit(row: MentionRow, cluster: Cluster) -> bool:
    """The mention's day and one of the event's are days of one visit (but not the same day)."""
    return has_day(row.date) and any(within_one_visit(row.date, parts) for parts in cluster.dates)


def weekday_contradicts(row: MentionRow, cluster: Cluster) -> bool:
    """The mention names a weekday, and no day the event is dated on falls on it."""
    if row.weekday is None:
        return False
    days = cluster.days
    return bool(days) and all(day.weekday() != row.weekday for day in days)


def outside_window(row: MentionRow, cluster: Cluster) -> bool:
    """The days the mention means, read from its publication, hold none of the event's days."""
    if row.window is None:
        return False
    days = cluster.days
    start, end = row.window
    return bool(days) and all(not start <= day <= end for day in days)


def kinds_compatible(a: str, b: str) -> bool:
    return a == b or "other_meeting" in (a, b) or (a in _LEADER_KINDS and b in _LEADER_KINDS)


_COMPATIBLE = {kind: frozenset(other for other in SUMMIT_KINDS if kinds_compatible(kind, other)) for kind in SUMMIT_KINDS}


def _people_fit(persons: frozenset, other: frozenset, row_kind: str, cluster: Cluster, pinned: bool) -> int | None:
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


def participants_fit(
    persons: frozenset, everyone: frozenset, members: Iterable[frozenset], row_kind: str, cluster: Cluster, pinned: bool = False
) -> int | None:
    """None when the people cannot be the same meeting's; 2 for the same set, 1 for a subset.

    ``persons``, ``everyone``, ``members``: the mention's people, the event's and each member's
    (``people_of``). ``pinned``: the mention and the event share a city and a date (one shared
    person is then enough).

    Checked against the union AND each member: a three-way mention ("Lee, Takaichi and Xi at
    APEC") nests both the Lee–Xi and the Lee–Takaichi pairs, but the two pairs do not nest in
    each other, so they never join through it (the union alone let a chain merge them). A member
    naming one person (a lone visitor, a report that lost a name) is not checked on its own: it
    says only that this person was there, which the union says too.
    """
    found = _people_fit(persons, everyone, row_kind, cluster, pinned)
    for member in members:
        if found is None:
            break
        if len(member) > 1:
            fits = _people_fit(persons, member, row_kind, cluster, pinned)
            found = None if fits is None else min(found, fits)
    return found


def _status_fits(row: MentionRow, cluster: Cluster) -> bool:
    status = row.summit.status
    excluded = _EXCLUDES.get(status)
    if excluded is not None and not excluded.isdisjoint(cluster.statuses):
        return False
    if status == "planned" and not _HELD.isdisjoint(cluster.statuses) and planned_after_held(row.published_day, cluster.held_by):
        return False
    if cluster.planned_published is None:
        return True
    held = held_by(row)
    return not (held is not None and planned_after_held(cluster.planned_published, held))


def same_people_and_kind(row: MentionRow, cluster: Cluster) -> bool:
    """Could be the same meeting judging by who met and what kind of meeting, ignoring when and where."""
    kind = row.summit.kind
    persons, everyone, members, _ = people_of(row, cluster)
    return participants_fit(persons, everyone, members, kind, cluster) is not None and _COMPATIBLE[kind].issuperset(cluster.kinds)


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
        announced = bool(cluster.cities_reported(_HELD))  # announced here, reported held there
    else:
        announced = status in _HELD and bool(cluster.cities_reported(_PLANNED)) and not cluster.cities_reported(_HELD)
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
    if not _COMPATIBLE[summit.kind].issuperset(cluster.kinds) or not _status_fits(row, cluster):
        return None
    same_city = row.city_key is not None and row.city_key in cluster.cities
    if cluster.spelled_two_ways or (spellings and not cluster.persons >= row.persons):
        persons, everyone, members, by_spelling = people_of(row, cluster, spellings)
    else:  # nobody spelled two ways, every name as written: the names themselves (people_of)
        persons, everyone, members, by_spelling = row.persons, cluster.persons, cluster.name_sets, False
    # Pinned (one shared person is then enough): worked out only where it can matter.
    pinned = same_city and len(persons & everyone) == 1 and same_month(row, cluster)
    people = participants_fit(persons, everyone, members, summit.kind, cluster, pinned=pinned)
    if people is None:
        return None
    day = same_day(row, cluster)
    other_city = row.city_key is not None and bool(cluster.cities) and not same_city
    other_country = row.country is not None and bool(cluster.countries) and row.country not in cluster.countries
    misplaced = other_city or other_country
    exact = people == 2
    visit = None  # days of one visit: worked out only when a place or a date disagrees

    def one_visit_apart() -> bool:
        nonlocal visit
        if visit is None:
            visit = not day and exact and one_visit(row, cluster)
        return visit

    if misplaced and not _place_may_differ(row, cluster, exact, day, one_visit_apart(), other_country):
        return None

    soft, shared = weekday_contradicts(row, cluster), 0
    if row.date[0] is not None or row.date[1] is not None:
        strong = is_strong_date(row)
        for parts, parts_strong in cluster.dates.items():
            if parts_agree(row.date, parts):
                shared = max(shared, shared_components(row.date, parts))
            elif exact and not other_country and within_one_visit(row.date, parts):
                soft = True  # another day of one visit
            elif date_contradiction_is_hard(row.date, strong, parts, parts_strong):
                return None
            else:
                soft = True
    # Two passing references, one giving only a place and the other only a date, corroborate nothing.
    if row.anchored and not row.primary and not cluster.primaries and not (same_city or shared):
        return None
    # A weak date may be wrong only where the place agrees; a place only where the date agrees.
    if soft and misplaced and not (one_visit_apart() and not other_country):
        return None
    if soft and not same_city and not one_visit_apart():
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
