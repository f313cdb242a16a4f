"""Meetings the article names by the countries that hold them: "ahead of the Korea-U.S. summit",
"the Japan-China talks". A code pass, no model time.

The press, Korean and Japanese outlets above all, often names a leaders' meeting by its two
countries and never by its people. Such a phrase is a meeting of the two countries' heads of
state or government, when the article names exactly one for each country (the known-actor table's
presidents and prime ministers, by full name or, for a known person, by surname alone, and anyone
the article titles so: "Australian Prime Minister …"). Its status comes from the words before the
phrase ("ahead of", "will" → planned; "held", "following" → held); with no cue it is not taken.
A phrase of three countries ("Korea-U.S.-Japan cooperation") or without a meeting noun is not
a meeting of two. Its place and date are those the rest of the phrase's clause gives ("the
Korea-Japan summit in Tokyo on Saturday"), else none: the reconciler then joins it to the pair's
meeting when the input has only one (reconcile/grouping.py, "no anchor").
"""

from __future__ import annotations

import re

from extractor.extract.background_scan import places_in
from extractor.extract.kinds import kind_from_roles
from extractor.grounding.evidence import identify_person, name_mentions, sentence_spans
from extractor.grounding.tense import clauses, status_from_text
from extractor.grounding.titles import stated_title, titled_people
from extractor.normalize.countries import to_alpha2
from extractor.normalize.dates import ON_WEEKDAY, Dateline, find_date_phrases, resolve_date
from extractor.normalize.names import known_actor, known_actors, surname_of
from extractor.rules import rule_on
from extractor.rules.registry import COUNTRY_PAIR_MEETINGS
from schemas import Evidence, Location, Summit

# One side: "Korea", "South Korea", "S. Korea", "U.S.", "Japan".
_SIDE = r"(?:(?:South|North)\s+|S\.\s?)?[A-Z][A-Za-z.]*"
_DASH = r"[-\u2010\u2011\u2013]"
_PAIR_MEETING = re.compile(
    rf"(?<![\w.\u2010\u2011\u2013-])(?P<a>{_SIDE}){_DASH}(?P<b>{_SIDE})(?!{_DASH})\s+(?:summit|summit\s+talks|talks|meeting)\b"
)
_HEAD = re.compile(r"\b(?:president|prime\s+minister|premier|chancellor)\b", re.IGNORECASE)


def head_of(text: str, country: str) -> str | None:
    """The one head of state or government of ``country`` (alpha-2) the article names, else None."""
    found: dict[str, None] = {}
    for actor in known_actors():
        if actor.country == country and _HEAD.search(actor.role or ""):
            person = identify_person(text, actor.canonical) or (identify_person(text, actor.surname) if actor.surname else None)
            if person is not None:
                found.setdefault(person.canonical, None)
    for name in titled_people(text, country):
        if known_actor(name) is None and _HEAD.search(stated_title(text, name_mentions(text, name)).role or ""):
            found.setdefault(name, None)
    return next(iter(found)) if len(found) == 1 else None


def _place_and_date(text: str, end: int) -> tuple[tuple[str, str, Evidence] | None, Evidence | None]:
    """The city (name, country, quote) and the date words of the rest of the clause after ``end``
    (what follows the clause may be about something else)."""
    sentence_end = next((e for s, e in sentence_spans(text) if s <= end <= e), len(text))
    clause = clauses(text[end:sentence_end])[0][2]
    places = places_in(clause, set())
    place = None
    if places:
        name, country, start, stop_at = places[0]
        place = (name, country, Evidence(quote=name, start=end + start, end=end + stop_at))
    dates = find_date_phrases(clause) or [(m.start(), m.end()) for m in ON_WEEKDAY.finditer(clause)]
    words = Evidence(quote=clause[dates[0][0] : dates[0][1]], start=end + dates[0][0], end=end + dates[0][1]) if dates else None
    return place, words


def meetings_named_by_countries(
    text: str, summits: list[Summit], published: str | None = None, dateline: Dateline | None = None
) -> list[Summit]:
    """Leaders' meetings named by their two countries that ``summits`` lack (none with the same people)."""
    found: list[Summit] = []
    if not rule_on(COUNTRY_PAIR_MEETINGS):
        return found
    heads_of: dict[str, str | None] = {}  # each country's head looked up once: a long text may repeat the phrase
    for m in _PAIR_MEETING.finditer(text):
        first, second = to_alpha2(m["a"]), to_alpha2(m["b"])
        if first is None or second is None or first == second:
            continue
        for code in (first, second):
            if code not in heads_of:
                heads_of[code] = head_of(text, code)
        head_a, head_b = heads_of[first], heads_of[second]
        if head_a is None or head_b is None:
            continue
        people = [head_a, head_b]
        if any(set(people) == set(other.participants) for other in [*summits, *found]):
            continue  # the article's own meeting, or one already found, named again
        evidence = Evidence(quote=m.group(0), start=m.start(), end=m.end())
        status = status_from_text(text, [evidence])
        if status is None:
            continue
        place, words = _place_and_date(text, m.end())
        resolved = resolve_date(words.quote if words else None, published, upcoming=status == "planned", dateline=dateline)
        if resolved.date is None:
            words = None
        city, country = (place[0], place[1]) if place else (None, None)
        found.append(
            Summit(
                title=f"{'–'.join(surname_of(p) or p for p in people)} summit" + (f" in {city}" if city else ""),
                kind=kind_from_roles("leaders_summit", [a.role if (a := known_actor(p)) else None for p in people]),
                status=status,
                date=resolved.date,
                date_precision=resolved.precision if words else "unknown",
                date_text=words.quote if words else None,
                location=Location(city=city, country=country),
                participants=people,
                pledges=[],
                mention="background",
                evidence=sorted([evidence, *([place[2]] if place else []), *([words] if words else [])], key=lambda e: e.start),
            )
        )
    return found
