"""Other meetings an article recalls or announces, found by reading it: a code pass, no model time.

A small model lists the meeting an article is about and often stops there; the earlier and
upcoming meetings mentioned in passing ("the talks follow their summit in Gyeongju in late
October", "ahead of Lee's summit with Trump in Washington on Aug. 25") are missed. This pass reads
every sentence that has a meeting word ("summit", "talks", "met", "visit" …) and a place or a
date, and takes its people, place and date from that sentence alone, never from the article at
large: a background meeting's facts must come from the passage that reports it.

People in a sentence: the meeting's known participants and the people the model named anywhere
in the article, by full name, by title and surname, or — once the article has named them in full —
by surname alone; "the two leaders", "they", "both" stand for the main meeting's participants when
the sentence names nobody. A candidate needs two people and a place or a date, must not be the
main meeting told again (the same people, and no other place or date), and must not repeat a
meeting already extracted. Its status comes from the sentence's tense (grounding.tense).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.extract.kinds import kind_from_roles
from extractor.grounding.evidence import name_mentions, sentence_spans
from extractor.grounding.lifecycle import lifecycle_status
from extractor.grounding.people import short_name, titled_names
from extractor.grounding.tense import EARLIER, clauses, recalls_an_earlier_meeting, status_from_text
from extractor.grounding.titles import stated_title
from extractor.normalize.countries import country_by_region, major_city_country, to_alpha2
from extractor.normalize.dates import Dateline, counted_from, dated_after_publication, find_date_phrases, find_span_shifts, resolve_date
from extractor.normalize.names import fold_name, known_actor, known_actors, surname_of
from extractor.normalize.partial_dates import date_parts, parts_agree
from extractor.normalize.venues import venue_city
from extractor.rules import rule_on
from extractor.rules.registry import BACKGROUND_SCAN
from schemas import Evidence, Location, Summit

MEETING_WORDS = re.compile(
    r"\b(?:summits?|talks|met|meets?|meeting|visit(?:ed|s|ing)?|trip|held|host(?:s|ed|ing)?|sat\s+down|conference|encounter|"
    r"(?:first|second|third|fourth|fifth|next|new|another|latest|previous|last)\s+round)\b",
    re.IGNORECASE,
)
_THE_PAIR = re.compile(
    r"\b(?:the\s+two\s+(?:leaders|presidents|prime\s+ministers|premiers|heads\s+of\s+state|ministers|envoys|sides|men|women)|"
    r"the\s+pair|they|their|both)\b",
    re.IGNORECASE,
)
# A run of up to four capitalised words, accented letters and the particles of place names
# included ("Brasília", "Rio de Janeiro", "The Hague", "St. Petersburg"); the longest leading part that is a
# city counts ("Lima Monday" is Lima).
_CAP = r"[A-ZÀ-Þ][^\W\d_]+"
_PLACE_WORDS = re.compile(
    rf"\b(?:(?:St|Ste|Mt|Ft)\.\s)?{_CAP}(?:(?:[\s-](?:de|do|da|del|dos|das|la|el|al|es|sur|upon))?[\s-]{_CAP}){{0,3}}\b"
)


@dataclass(frozen=True)
class Person:
    canonical: str
    names: tuple[str, ...]  # the spellings to look for: full names and the bare surname


def people_named(text: str, participants: list[str], *, titled: bool = False) -> list[Person]:
    """Everyone a background sentence may name: the extracted participants, known actors the
    article names in full somewhere and, with ``titled``, the people it names after a title
    (grounding.people). Each is looked for by full name and by the short name the article itself
    uses for them."""
    people: dict[str, Person] = {}
    found = list(titled_names(text)) if titled else []
    candidates = list(dict.fromkeys(participants + found + [a.canonical for a in known_actors()]))
    for name in candidates:
        if name not in participants and not name_mentions(text, name):
            # The article never names them: a bare surname would not be theirs. (A participant is
            # grounded already, maybe in a spelling of its own: "Ahn Gyun-back" for Ahn Gyu-back.)
            continue
        actor = known_actor(name)
        spellings = [name, *(actor.aliases if actor else [])]
        spellings += [short for short in (short_name(text, name), surname_of(name)) if short]
        people.setdefault(fold_name(name), Person(name, tuple(dict.fromkeys(spellings))))
    return list(people.values())


def named_in(sentence: str, person: Person) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(spelling)}(?!\w)", sentence) for spelling in person.names)


# A city that says where someone else is, or where the meeting is not: "officials in Seoul said",
# "holding the meeting outside Seoul".
_NOT_THE_VENUE = re.compile(
    r"\b(?:(?:officials?|diplomats?|sources?|analysts?|observers?|experts?|people|residents?|reporters?|"
    r"journalists?|government|embassy|media)\s+(?:in|from)|outside|beyond|away\s+from|far\s+from|instead\s+of|"
    r"rather\s+than|"
    # A landmark that says where the venue is: "a mountain resort west of Calgary", "40 km north of Doha".
    r"(?:north|south|east|west)(?:-?(?:east|west))?\s+of|(?:miles|kilometres|kilometers|km)\s+from)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# A city that says where something other than a meeting happens: "a ceasefire in Gaza", "the war
# in Sudan", "attacks in Kabul", "developments in Caracas".
SITUATION_BEFORE = re.compile(
    r"\b(?:cease[\s-]*fire|truce|war|conflict|crisis|fighting|violence|attacks?|bombings?|strikes?|shelling|situation|"
    r"developments|elections?|protests?|unrest|hostages?|aid|peace|security|stability|tensions?|aggression|occupation|"
    r"invasion|offensive|siege|famine|refugees|clashes|operations?|killings?|disaster|earthquake|floods?)"
    r"\s+(?:\w+\s+)?(?:in|on|at|over|across|inside|around)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# Where someone came from is not where they met: "who flew in from Tirana", "arriving from Kyiv".
_DEPARTED_FROM = r"\b(?:fl(?:ew|own|ying)|arriv(?:ed|ing|es)|came|com(?:es|ing)|return(?:ed|ing|s)|travel+(?:ed|ing)|head(?:ed|ing))\s+(?:\w+\s+)?from\s+(?:the\s+)?$"
NOT_A_MEETING_PLACE = re.compile(rf"{SITUATION_BEFORE.pattern}|{_DEPARTED_FROM}", re.IGNORECASE)


# A city named as a place: after a word that places ("in Busan", "visit to Tokyo", "hosted Lee
# in Nara"), or before a meeting noun ("the Tokyo summit"). Without one, a capital is usually its
# government ("the weight Tokyo attached to the visit", "Seoul and Tokyo agreed").
_PLACED_BEFORE = re.compile(r"\b(?:in|at|to|from|near|of|into|towards?|visit(?:ed|ing|s)?)\s+(?:the\s+)?$", re.IGNORECASE)
_ADJECTIVE_AFTER = re.compile(r"-(?:based|born|bound|led|backed|made|centred|centered)\b", re.IGNORECASE)
_MEETING_AFTER = re.compile(r"\s+(?:summits?|talks|meetings?|visits?|trip|conference|forum|gathering)\b", re.IGNORECASE)


def places_in(sentence: str, excluded: set[str]) -> list[tuple[str, str, int, int]]:
    """The cities the sentence names as places (name, country, start, end), skipping people's
    names, cities named as governments, and cities that are not where a meeting is ("officials in
    Seoul", "outside Seoul")."""
    places: list[tuple[str, str, int, int]] = []
    for run in _PLACE_WORDS.finditer(sentence):
        m = _city_prefix(sentence, run)
        if m is None:
            continue
        name = m.group(0)
        if (
            fold_name(name) in excluded
            or _NOT_THE_VENUE.search(sentence, 0, m.start())
            or NOT_A_MEETING_PLACE.search(sentence, 0, m.start())
        ):
            continue
        if not (_PLACED_BEFORE.search(sentence, 0, m.start()) or _MEETING_AFTER.match(sentence, m.end())):
            continue
        if _ADJECTIVE_AFTER.match(sentence, m.end()):
            continue  # "the Seoul-based news agency"
        if places and _NEAR.fullmatch(sentence, places[-1][3], m.start()):
            continue  # "the city of Yokosuka near Tokyo": a landmark for the place before it
        venue = venue_city(name)
        country = venue[1] if venue else country_by_region(sentence, name) or major_city_country(name)
        if country:
            places.append((name, country, m.start(), m.end()))
    return places


def _city_prefix(sentence: str, run: re.Match[str]) -> re.Match[str] | None:
    """The longest leading part of a run of capitalised words that names a city or a venue."""
    words = list(re.finditer(r"\S+", run.group(0)))
    for n in range(len(words), 0, -1):
        end = run.start() + words[n - 1].end()
        candidate = sentence[run.start() : end]
        if venue_city(candidate) or major_city_country(candidate):
            if candidate.endswith(" City") and major_city_country(candidate[: -len(" City")]):
                end -= len(" City")  # "New York City" is New York; "Mexico City" stays whole
            return re.compile(re.escape(sentence[run.start() : end])).match(sentence, run.start(), end)
    return None


_NEAR = re.compile(r",?\s+(?:near|close\s+to|outside|south|north|east|west)(?:\s+of)?\s+", re.IGNORECASE)


_COUNTRY_PLACED = re.compile(r"\b(?:in|to)\s+(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})")


def country_placed_in(sentence: str, near: int | None = None) -> tuple[str, str, int, int] | None:
    """The country the sentence places something in ("in Malaysia", "a trip to the United
    States"): (ISO code, name as written, start, end); of several, the first, or the one nearest
    the offset ``near`` (the meeting's date: "arrived in Korea, returning Lee's trip to Japan last
    month")."""
    found = []
    for m in _COUNTRY_PLACED.finditer(sentence):
        if _NOT_THE_VENUE.search(sentence, 0, m.start(1)):
            continue
        words = m.group(1).split()
        # The longest leading run of words that names a country: "South Korea", not "South".
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size]).rstrip(".")
            # A code is written in capitals ("the US"); "St" of "St. Petersburg" is no country.
            code = to_alpha2(name) if len(name) > 3 or name.isupper() else None
            if code:
                found.append((code, name, m.start(1), m.start(1) + len(name)))
                break
    if not found:
        return None
    if near is None:
        return found[0]
    return min(found, key=lambda place: min(abs(near - place[3]), abs(near - place[2])))


def _kind(text: str, people: list[str]) -> str:
    """From the people's roles: the known-actor table's, else the title the article writes by the name."""
    roles = [actor.role if (actor := known_actor(p)) else stated_title(text, name_mentions(text, p)).role for p in people]
    return kind_from_roles("leaders_summit", roles)


def scan_background(text: str, published: str | None, summits: list[Summit], dateline: Dateline | None = None) -> list[Summit]:
    """Meetings the article mentions in passing that ``summits`` (the model's, grounded) lack.

    ``dateline``: the article's year-less dateline, which dates relative words when ``published`` is None.
    """
    primary = next((s for s in summits if s.mention == "primary"), None)
    if primary is None or not rule_on(BACKGROUND_SCAN):
        return []
    named = [p for s in summits for p in s.participants]
    people = people_named(text, named, titled=True)
    excluded = {fold_name(n) for p in people for n in p.names}
    found: list[Summit] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not MEETING_WORDS.search(sentence):
            continue
        recalled = any(start <= e.start < end for e in primary.evidence)
        if recalled:
            # The sentence that places or dates the main meeting reports the main meeting; only a
            # clause of it that recalls an earlier one may name another ("Lee will hold talks with
            # Xi on Monday, following their meeting in Gyeongju in early November").
            sentence = _earlier_clauses_only(sentence, [(e.start - start, e.end - start) for e in primary.evidence])
            if not sentence.strip():
                continue
        places = places_in(sentence, excluded)
        dates = find_date_phrases(sentence)
        # With neither, a span counted from the main meeting may date the other one ("Lee's visit
        # comes six days after he returned from a summit with Xi").
        spans = find_span_shifts(sentence) if not places and not dates else []
        if not places and not dates and not spans:
            continue
        # With several places and dates in one sentence, each date is a meeting at the place
        # nearest it ("met in Yokosuka, after talks in Kuala Lumpur last year"; "will host her in
        # Hamburg on Friday, and the two travel to Kyiv next month"); the passage check
        # (extract.passages) then keeps those whose own clause reports a meeting.
        for place, date in _places_with_dates(places, dates):
            who = [p.canonical for p in people if named_in(sentence, p)]
            if len(who) < 2 and (_THE_PAIR.search(sentence) or (not who and _CONTINUATION.search(sentence))):
                # "the two leaders", "they"; or, naming nobody, the next round of the same talks.
                who = list(dict.fromkeys(who + primary.participants))
            if len(who) == 1 and _PRONOUN_SUBJECT.match(sentence) and (subject := _previous_subject(text, start, people)):
                # "She met X in Brasilia in March": she is whom the sentence before was about.
                who = list(dict.fromkeys([subject, *who]))
            if len(who) == 1 and (host := _host_visited(text, sentence, who[0], primary, place)):
                who = [p for p in primary.participants if p in (who[0], host)]
            if len(who) < 2:
                continue
            evidence: list[Evidence] = []
            city = country = None
            if place:
                venue = venue_city(place[0])
                city, country = (venue[0] if venue else place[0]), place[1]
                evidence.append(Evidence(quote=place[0], start=start + place[2], end=start + place[3]))
            elif named_country := country_placed_in(sentence, near=dates[0][0] if dates else None):
                # No city, but a country the meeting was in ("last met in Malaysia in November").
                country = named_country[0]
                evidence.append(Evidence(quote=named_country[1], start=start + named_country[2], end=start + named_country[3]))
            date_text = None
            if date or spans:
                # The date nearest the place, else the span counted from the main meeting.
                d_start, d_end = date or spans[0]
                date_text = sentence[d_start:d_end]
                evidence.append(Evidence(quote=date_text, start=start + d_start, end=start + d_end))
            if spans and date_text:
                resolved = counted_from(date_text, _day_of(primary) or published)
                # "after": the other meeting came first, so it was held; "before": it is still to come
                # when the main one is.
                status = "planned" if "before" in date_text.lower() and primary.status == "planned" else "held"
            else:
                status = status_from_text(text, evidence, date_text) or "held"
                resolved = resolve_date(date_text, published, upcoming=status == "planned", dateline=dateline)
            if lifecycle_status(text, evidence) == "cancelled":
                status = "cancelled"
            if resolved.precision == "unknown" and city is None:
                continue
            if status == "held" and dated_after_publication(resolved, published):
                status = "planned"
            summit = Summit(
                title=f"{'–'.join(surname_of(p) or p for p in who[:3])} meeting" + (f" in {city}" if city else ""),
                kind=_kind(text, who),
                status=status,
                date=resolved.date,
                date_precision=resolved.precision,
                date_text=resolved.text,
                location=Location(city=city, country=country),
                participants=who,
                pledges=[],
                mention="background",
                evidence=sorted(evidence, key=lambda e: e.start),
            )
            # A meeting recalled by a clause of the main meeting's own sentence, or recalled as an
            # earlier one while the main meeting is still to come ("they last met in Malaysia in
            # November"), is by its words not the main meeting.
            earlier = bool(evidence) and recalls_an_earlier_meeting(text, min(evidence, key=lambda e: e.start))
            others = [s for s in summits if not (s is primary and (recalled or (earlier and primary.status == "planned")))]
            if any(_same(summit, other) for other in [*others, *found]):
                continue
            found.append(summit)
    return found


# One person's visit to a place: "X's state visit to Delhi", "X visited Canada", "a trip to Peru".
_VISIT_TO = re.compile(r"\b(?:visit(?:ed|s|ing)?|trip|travel+(?:ed|ing)?|journey)\s+(?:to\s+)?(?:the\s+)?$", re.IGNORECASE)


# The same talks continued: "a second round is expected in …", "the next meeting", "talks will resume".
_CONTINUATION = re.compile(
    r"\b(?:(?:second|third|fourth|next|new|another|follow-up)\s+(?:round|meeting|session)|"
    r"talks\s+(?:will|would|are\s+(?:due|expected)\s+to)\s+resume|resume\s+(?:the\s+)?(?:talks|negotiations))\b",
    re.IGNORECASE,
)


# A sentence whose subject is a pronoun: "She met …", "He later held talks …".
_PRONOUN_SUBJECT = re.compile(r"\s*(?:He|She)\b")


def _previous_subject(text: str, start: int, people: list[Person]) -> str | None:
    """The first person named in the sentence before ``start``: whom a following "he" or "she"
    most often refers to in news prose."""
    before = [(s, e) for s, e in sentence_spans(text) if e <= start]
    if not before:
        return None
    sentence = text[before[-1][0] : before[-1][1]]
    named = [
        (m.start(), p.canonical)
        for p in people
        for spelling in p.names
        for m in re.finditer(rf"(?<!\w){re.escape(spelling)}(?!\w)", sentence)
    ]
    return min(named)[1] if named else None


def _places_with_dates(
    places: list[tuple[str, str, int, int]], dates: list[tuple[int, int]]
) -> list[tuple[tuple[str, str, int, int] | None, tuple[int, int] | None]]:
    """(place, date) of each meeting a sentence may tell: every date with the place nearest it
    (a place once, with its nearest date); with no date, the first place; with no place, the first date."""
    if not dates:
        return [(places[0], None)] if places else [(None, None)]
    if not places:
        return [(None, dates[0])]
    pairs: dict[int, tuple[tuple[str, str, int, int], tuple[int, int]]] = {}
    for date in dates:
        place = min(places, key=lambda pl: min(abs(date[0] - pl[3]), abs(pl[2] - date[1])))
        distance = min(abs(date[0] - place[3]), abs(place[2] - date[1]))
        kept = pairs.get(place[2])
        if kept is None or distance < min(abs(kept[1][0] - place[3]), abs(place[2] - kept[1][1])):
            pairs[place[2]] = (place, date)
    return [pairs[at] for at in sorted(pairs)]


def _host_visited(text: str, sentence: str, visitor: str, primary: Summit, place: tuple[str, str, int, int] | None) -> str | None:
    """The main meeting's other participant, when the sentence tells of ``visitor``'s visit to a
    place in that person's country ("following Ruto's state visit to Beijing", with Xi the other
    participant): a visit is a meeting with its host. None when that is not so, or not known."""
    if len(primary.participants) != 2 or visitor not in primary.participants:
        return None
    host = next(p for p in primary.participants if p != visitor)
    where = (place[1], place[2]) if place else None
    if where is None and (country := country_placed_in(sentence)):
        where = (country[0], country[2])
    if where is None or not _VISIT_TO.search(sentence, 0, where[1]):
        return None
    host_country, visitor_country = _country_of(text, host), _country_of(text, visitor)
    if host_country:
        return host if host_country == where[0] else None
    # The host's country unstated: a visit abroad by one of a bilateral pair is to the other's.
    return host if visitor_country and visitor_country != where[0] else None


def _country_of(text: str, person: str) -> str | None:
    actor = known_actor(person)
    return actor.country if actor else stated_title(text, name_mentions(text, person)).country


def _day_of(summit: Summit) -> str | None:
    """The summit's date when it is a full day with its year, else None."""
    return summit.date if summit.date and summit.date_precision == "day" and not summit.date.startswith("--") else None


def _earlier_clauses_only(sentence: str, own: list[tuple[int, int]]) -> str:
    """The sentence with every clause blanked (same length, so offsets hold) except those that
    recall an earlier meeting and hold none of the main meeting's own words (``own`` spans)."""
    kept = [" "] * len(sentence)
    for at, _, clause in clauses(sentence):
        if EARLIER.search(clause) and not any(at <= a < at + len(clause) for a, _ in own):
            kept[at : at + len(clause)] = clause
    # The sentence's tail from a cue word on, when none of the main meeting's words follow it: the
    # cue's clause often begins among the main meeting's people ("the first meeting among A, B and
    # C since their last talks during the G20 summit in Brazil in February").
    after_own = max((end for _, end in own), default=0)
    cue = next((m for m in EARLIER.finditer(sentence) if m.start() >= after_own), None)
    if cue is not None:
        kept[cue.start() :] = sentence[cue.start() :]
    return "".join(kept)


def _same(candidate: Summit, other: Summit) -> bool:
    """The same meeting: shared people, and neither place nor date tells them apart.

    With no city, only the people and a date tie them, so each must not name someone the other
    lacks: Lee–Xi "six days" before a Lee–Takaichi summit of the same month is another meeting.
    """
    mine, theirs = set(candidate.participants), set(other.participants)
    if not mine & theirs:
        return False
    a, b = candidate.location.city, other.location.city
    if a and b and fold_name(a) != fold_name(b):
        return False
    if not a and not (mine <= theirs or theirs <= mine):
        return False
    return not candidate.date or not other.date or parts_agree(date_parts(candidate.date), date_parts(other.date))
