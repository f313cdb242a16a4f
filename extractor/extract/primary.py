"""The main meeting, checked against the whole article once the model's draft is grounded.

The main meeting is the one the article reports in most of its sentences, so they can correct
what a small model gets wrong about it:

* **one person does not meet alone**: a main meeting the model gave a single participant gets
  the known people named beside that person where the meeting is placed, dated or reported
  (briefers and commentators excepted);
* **a dateline is where the reporter is**: a city named only in a wire dateline ("Nairobi, Mar 3
  (Newswire) … plans a visit to Brazil") gives way to the country the article sends them to;
* **a place from its reports**: a main meeting the model gave no city (or a country for one)
  takes the one city its reports name as a place ("headed to Nara … to hold the summit", "a
  summit … in the southeastern city of Gyeongju"); sentences about an earlier meeting ("they last
  met in X") do not count, and two cities named so settle nothing;
* **a country from its reports**: a main meeting with no city and no country takes the one
  country its reports place it in ("President Lee's visit to Japan");
* **held or planned from all its reports**: when every sentence about it only looks ahead to it
  ("arrived … to hold a summit", "are expected to discuss") and none says it happened, it is
  planned, and has agreed nothing yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.extract.background_scan import MEETING_WORDS, Person, country_placed_in, named_in, people_named, places_in
from extractor.grounding.date_words import resolve_words
from extractor.grounding.evidence import name_mentions, sentence_spans
from extractor.grounding.places import named_as_a_government
from extractor.grounding.roles import is_briefer
from extractor.grounding.tense import EARLIER, clauses, status_of_the_reports
from extractor.normalize.countries import country_leading, country_of_city
from extractor.normalize.dates import ON_WEEKDAY, ResolvedDate, find_date_phrases
from extractor.normalize.names import fold_name, known_actor, surname_of
from extractor.normalize.partial_dates import common_parts, date_parts, format_parts, parts_agree, precision_label
from extractor.rules import DropReason, rule_on
from extractor.rules.registry import (
    PRIMARY_CITY_FROM_REPORTS,
    PRIMARY_COUNTERPARTS,
    PRIMARY_COUNTRY_FROM_REPORTS,
    PRIMARY_DATE_FROM_REPORTS,
    PRIMARY_DATE_OF_TALKS,
    PRIMARY_DATE_STAMP,
    PRIMARY_DATELINE_CITY,
    PRIMARY_ONLY_AHEAD,
)
from schemas import DroppedValue, Evidence, Location, Summit

# The main meeting's people referred to together ("the two leaders", "both sides").
_THE_PAIR = re.compile(
    r"\b(?:the\s+two\s+(?:leaders|ministers|sides)|both\s+(?:leaders|ministers|sides)|the\s+leaders|the\s+ministers)\b", re.IGNORECASE
)


@dataclass
class SettledPrimary:
    """The main meeting after these rules (the same object when nothing changed), and what fell."""

    summit: Summit
    dropped: list[DroppedValue] = field(default_factory=list)


def settle_primary(text: str, primary: Summit, published: str | None, path: str) -> SettledPrimary:
    """Apply the module's rules to the article's one main meeting (``path``: its place in the draft)."""
    summit, dropped = primary, []
    if len(summit.participants) == 1 and rule_on(PRIMARY_COUNTERPARTS) and (found := counterparts(text, summit)):
        reason = DropReason.NOT_ALONE.words(people=", ".join(found))
        dropped.append(DroppedValue(path=f"{path}.participants", value=summit.participants[0], reason=reason))
        summit = summit.model_copy(update={"participants": [*summit.participants, *found]})
    if rule_on(PRIMARY_DATELINE_CITY) and (
        (destination := destination_beyond_dateline(text, summit)) is not None or where_the_reporter_is(text, summit)
    ):
        city = summit.location.city or ""
        why = DropReason.DATELINE_DESTINATION if destination else DropReason.DATELINE_OR_GOVERNMENT
        dropped.append(DroppedValue(path=f"{path}.city", value=city, reason=why.words()))
        evidence = [e for e in summit.evidence if e.quote.casefold() != city.casefold()]
        summit = summit.model_copy(update={"location": Location(city=None, country=destination), "evidence": evidence})
    if (
        rule_on(PRIMARY_DATE_STAMP)
        and (stamp := _dated_by_the_stamp(text, summit)) is not None
        and (reported := date_of_the_reports(text, stamp, published))
    ):
        # The model copied the page's date stamp (" date 2026-02-01 Seoul: …"): when the article
        # was filed. Its reports date the meeting ("held talks in Yokosuka on Friday").
        dropped.append(DroppedValue(path=f"{path}.date_text", value=summit.date_text or "", reason=DropReason.DATE_STAMP.words()))
        summit = _dated(stamp, *reported)
    if (
        summit.location.city is None
        and rule_on(PRIMARY_CITY_FROM_REPORTS)
        and (found_city := city_of_the_reports(text, summit)) is not None
    ):
        # Nothing of the model's is dropped here: the city is added, with its quote as evidence.
        name, country, quote = found_city
        summit = summit.model_copy(
            update={
                "location": Location(city=name, country=country),
                "evidence": sorted([*summit.evidence, quote], key=lambda e: e.start),
            }
        )
    if (
        summit.location.city is None
        and summit.location.country is None
        and rule_on(PRIMARY_COUNTRY_FROM_REPORTS)
        and (found_country := country_of_the_reports(text, summit))
    ):
        code, quote = found_country
        summit = summit.model_copy(
            update={"location": Location(city=None, country=code), "evidence": sorted([*summit.evidence, quote], key=lambda e: e.start)}
        )
    if rule_on(PRIMARY_DATE_OF_TALKS) and (talks := date_of_the_talks(text, summit, published)) is not None:
        words, resolved = talks
        old = summit.date_text or ""
        dropped.append(DroppedValue(path=f"{path}.date_text", value=old, reason=DropReason.JOURNEY_DAY.words(date=words.quote)))
        evidence = sorted([*(e for e in summit.evidence if e.quote != old), words], key=lambda e: e.start)
        summit = summit.model_copy(
            update={"date": resolved.date, "date_precision": resolved.precision, "date_text": resolved.text, "evidence": evidence}
        )
    if rule_on(PRIMARY_DATE_FROM_REPORTS) and (reported := date_of_the_reports(text, summit, published)) is not None:
        # Nothing of the model's is dropped here: the date is added, with its words as evidence.
        summit = _dated(summit, *reported)
    if summit.status == "held" and rule_on(PRIMARY_ONLY_AHEAD) and only_looked_forward_to(text, summit, published):
        dropped.append(DroppedValue(path=f"{path}.status", value="held", reason=DropReason.ONLY_AHEAD.words()))
        dropped += [
            DroppedValue(path=f"{path}.pledges", value=p.description, reason=DropReason.PLANNED_AGREED_NOTHING.words())
            for p in summit.pledges
        ]
        summit = summit.model_copy(update={"status": "planned", "pledges": []})
    return SettledPrimary(summit, dropped)


def counterparts(text: str, primary: Summit) -> list[str]:
    """The people a one-person main meeting was held with: those named beside its person in the
    sentences that place or date it, else in the sentences that report it (a meeting word and its
    person); briefers and commentators excepted. Known people only (extract.background_scan)."""
    person = primary.participants[0]
    named = people_named(text, [person])
    people = [p for p in named if p.canonical != person]
    if not people:
        return []
    this_person = next((p for p in named if p.canonical == person), Person(person, (person,)))
    spans = sentence_spans(text)
    placed = [text[s:e] for s, e in spans if any(s <= ev.start < e for ev in primary.evidence)]
    reporting = [text[s:e] for s, e in spans if MEETING_WORDS.search(text[s:e]) and named_in(text[s:e], this_person)]
    for sentences in (placed, reporting):
        found = [
            p.canonical
            for p in people
            if any(name_mentions(sentence, p.canonical) for sentence in sentences)  # in full or titled: "Cho" alone could be another Cho
            and not is_briefer(text, name_mentions(text, p.canonical), actor.role if (actor := known_actor(p.canonical)) else None)
        ]
        if found:
            return found[:3]
    return []


# A wire dateline: "SEOUL, Jan. 21 (Yonhap) --", "Tokyo, Sept. 26 (Jiji Press)--", "Seoul, Jan 21 (IANS)".
_DATELINE_TAIL = re.compile(r"^\s*,?\s*(?:[A-Z][\w ]{0,20},\s*)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b|\()")
# Where the people travel to: "to visit Japan", "trip to China", "arrived in Japan".
_DESTINATION = re.compile(
    r"\b(?:visit(?:s|ed|ing)?|trip\s+to|travel(?:s|led|ling)?\s+to|arrived?\s+in|arrives\s+in|heads?\s+(?:to|for))\s+(?:the\s+)?((?:[A-Z][\w-]*\s?){1,3})"
)


def destination_beyond_dateline(text: str, primary: Summit) -> str | None:
    """The country the article sends the main meeting's people to, when its city is named only in
    a dateline ("Nairobi, Mar 3 (Newswire) … plans a visit to Brazil next week"): a dateline says
    where the reporter is, not where the meeting is. None when the city stands."""
    city = primary.location.city
    if not city:
        return None
    mentions = list(re.finditer(rf"(?<!\w){re.escape(city)}(?!\w)", text, re.IGNORECASE))
    if not mentions or not all(_DATELINE_TAIL.match(text[m.end() : m.end() + 40]) for m in mentions):
        return None
    city_country = primary.location.country or country_of_city(city)
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not any(name_mentions(sentence, p) for p in primary.participants):
            continue
        for m in _DESTINATION.finditer(sentence):
            country = country_leading(m.group(1))
            if country and country != city_country:
                return country
    return None


# Its people referred to without names, as the sentences that place a meeting often do.
_THE_SIDES = re.compile(r"\b(?:the\s+two\s+(?:countries|nations|governments|allies|neighbou?rs))\b", re.IGNORECASE)


def _dated(summit: Summit, words: Evidence, resolved: ResolvedDate) -> Summit:
    return summit.model_copy(
        update={
            "date": resolved.date,
            "date_precision": resolved.precision,
            "date_text": resolved.text,
            "evidence": sorted([*summit.evidence, words], key=lambda e: e.start),
        }
    )


# A scraped page's date stamp before the story: " date 2026-03-02 Lima: Peru and …".
_DATE_STAMP = re.compile(r"\A\s*date\s+\d{4}-\d{2}-\d{2}\b")


def _dated_by_the_stamp(text: str, primary: Summit) -> Summit | None:
    """The main meeting without its date, when its date words are only the page's date stamp."""
    stamp = _DATE_STAMP.match(text)
    words = [e for e in primary.evidence if primary.date_text and e.quote == primary.date_text]
    if stamp is None or not words or any(e.start >= stamp.end() for e in words):
        return None
    evidence = [e for e in primary.evidence if e not in words]
    return primary.model_copy(update={"date": None, "date_precision": "unknown", "date_text": None, "evidence": evidence})


# Where the reporter is: a city that opens the story ("Seoul: …", "Seoul, Jan 21 (IANS)"), and
# a city that stands for its government ("Seoul's defence ministry said").
_OPENS_THE_STORY = re.compile(r"\s*(?::|--|—)")
_ITS_INSTITUTION = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:ministry|government|office|officials?|spokes(?:man|woman|person)|authorities|embassy)\b", re.IGNORECASE
)


def where_the_reporter_is(text: str, primary: Summit, *, capitals: bool = False) -> bool:
    """Whether the main meeting's city is named only where a story opens (a dateline) or as a
    government ("Seoul: … Seoul's defence ministry said"), never as where anyone met.

    ``capitals``: count the city written in capitals too ("BEIJING: …"). For the main meeting a
    capitals dateline usually is where it happens; for another meeting it never says so."""
    city = primary.location.city
    if not city:
        return False
    mentions = list(re.finditer(rf"(?<!\w){re.escape(city)}(?!\w)", text, re.IGNORECASE if capitals else 0))
    if not mentions:
        return False
    stamp = _DATE_STAMP.match(text)
    governed = named_as_a_government(text, city)
    for m in mentions:
        line_start = text.rfind("\n", 0, m.start()) + 1
        opens = not text[stamp.end() if stamp and line_start < stamp.end() else line_start : m.start()].strip()
        if opens and (_OPENS_THE_STORY.match(text, m.end()) or _DATELINE_TAIL.match(text[m.end() : m.end() + 40])):
            continue
        if _ITS_INSTITUTION.match(text, m.end()) or m.start() in governed:
            continue
        return False
    return True


def _by_surname(primary: Summit) -> list[Person]:
    """The main meeting's people as the press names them again: by surname."""
    return [Person(n, (n,)) for n in (surname_of(p) or p for p in primary.participants)]


# A sentence about where a meeting will be held need not name its people (invented: "Mombasa is
# the likeliest venue of the talks").
_VENUE = re.compile(r"\bvenue\b", re.IGNORECASE)


def _reports(text: str, primary: Summit) -> list[tuple[int, str]]:
    """(start, text) of the sentences that report the main meeting: a meeting word, and one
    of its people, the pair ("the two leaders") or a venue named; not about an earlier meeting."""
    by_surname = _by_surname(primary)
    reports = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not MEETING_WORDS.search(sentence) or EARLIER.search(sentence):
            continue
        names_them = _THE_PAIR.search(sentence) or _THE_SIDES.search(sentence) or any(named_in(sentence, p) for p in by_surname)
        if names_them or _VENUE.search(sentence):
            reports.append((start, sentence))
    return reports


def city_of_the_reports(text: str, primary: Summit) -> tuple[str, str, Evidence] | None:
    """(city, country, quote) of the one city the main meeting's reports name as a place, else None.

    A report is a sentence with a meeting word that names one of its people, refers to them
    together or names a venue, and is not about an earlier meeting (``EARLIER``: "last", "previous", "following" …).
    """
    people = {fold_name(n) for n in [*primary.participants, *(p.canonical for p in _by_surname(primary))]}
    found: dict[str, tuple[str, Evidence]] = {}
    for start, sentence in _reports(text, primary):
        # The code pass's notion of a place ("in Nara", "the city of Gyeongju", not "officials in Seoul").
        for name, country, p_start, p_end in places_in(sentence, people):
            if primary.location.country in (None, country):
                found.setdefault(name, (country, Evidence(quote=name, start=start + p_start, end=start + p_end)))
    if len(found) != 1:
        return None
    [(name, (country, evidence))] = found.items()
    return name, country, evidence


def country_of_the_reports(text: str, primary: Summit) -> tuple[str, Evidence] | None:
    """(ISO code, quote) of the one country the main meeting's reports place it in ("President
    Lee's visit to Japan"), for a main meeting with no city; None if none or several."""
    found: dict[str, Evidence] = {}
    for start, sentence in _reports(text, primary):
        if (placed := country_placed_in(sentence)) is not None:
            code, name, p_start, p_end = placed
            found.setdefault(code, Evidence(quote=name, start=start + p_start, end=start + p_end))
    return next(iter(found.items())) if len(found) == 1 else None


# Travel: the day someone arrives or sets off is not the day they meet.
_TRAVEL = re.compile(
    r"\b(?:arriv(?:ed|es|ing)|land(?:ed|s|ing)|depart(?:ed|s|ing)|left|leaves|fl(?:ew|ies)|head(?:ed|s|ing)|set\s+off)\b", re.IGNORECASE
)


def date_of_the_talks(text: str, primary: Summit, published: str | None) -> tuple[Evidence, ResolvedDate] | None:
    """When the main meeting is dated by a journey (invented: "landed in Hanoi on Sunday to meet
    Pham"), the date of the one clause that has its people meeting ("Adebayo and Pham will sit
    down on Monday"), resolved; else None (no journey, no such clause, or several dates)."""
    date_words = next((e for e in primary.evidence if primary.date_text and e.quote == primary.date_text), None)
    if date_words is None or not published or len(primary.participants) < 2:
        return None
    spans = sentence_spans(text)
    own = next(((s, e) for s, e in spans if s <= date_words.start < e), None)
    if own is None or not _TRAVEL.search(text, own[0], date_words.start):
        return None
    found = [(words, clause) for words, clause, sentence in _dates_of_its_meeting(text, primary, in_one_clause=True) if sentence != own]
    if len(found) != 1:
        return None
    [(words, clause)] = found
    resolved = _resolved(text, words, clause, primary, published)
    return (words, resolved) if resolved.precision != "unknown" else None


def date_of_the_reports(text: str, primary: Summit, published: str | None) -> tuple[Evidence, ResolvedDate] | None:
    """For a main meeting left undated, the date its reports agree on: the date phrases of the
    clauses that have it taking place, in sentences naming two of its people (invented: "will
    travel to Kenya next month to meet …", "a two-day stay in Nairobi from May 12-13 for
    talks with …"), resolved; what they all say (their common year, month, day), or None if they
    disagree or say nothing. An attribution ("sources said on Wednesday") has no meeting word."""
    if primary.date is not None or not published or len(primary.participants) < 2:
        return None
    found = [(words, _resolved(text, words, clause, primary, published)) for words, clause, _ in _dates_of_its_meeting(text, primary)]
    found = [(words, resolved) for words, resolved in found if resolved.date]
    if not found:
        return None
    common = date_parts(found[0][1].date)
    for _, resolved in found[1:]:
        parts = date_parts(resolved.date)
        if not parts_agree(common, parts):
            return None
        common = common_parts(common, parts)
    words, first = found[0]
    date = format_parts(common)
    if date is None:
        return None
    return words, ResolvedDate(date=date, precision=precision_label(common), text=first.text)


def _dates_of_its_meeting(text: str, primary: Summit, *, in_one_clause: bool = False) -> list[tuple[Evidence, str, tuple[int, int]]]:
    """(date words, their clause, their sentence) of each date phrase in a clause that has a
    meeting word and is not about an earlier meeting or a journey, in a sentence (or, with
    ``in_one_clause``, the clause itself) naming two of the main meeting's people."""
    people = _by_surname(primary)
    found: list[tuple[Evidence, str, tuple[int, int]]] = []
    for start, end in sentence_spans(text):
        if not in_one_clause and sum(named_in(text[start:end], person) for person in people) < 2:
            continue
        for offset, _, clause in clauses(text[start:end]):
            at = start + offset
            if EARLIER.search(clause) or _TRAVEL.search(clause) or not MEETING_WORDS.search(clause):
                continue
            if in_one_clause and sum(named_in(clause, person) for person in people) < 2:
                continue
            # Weekdays too: "on Monday" is how the press dates a meeting of the coming days.
            phrases = sorted({*find_date_phrases(clause), *((m.start(), m.end()) for m in ON_WEEKDAY.finditer(clause))})
            found += [(Evidence(quote=clause[a:b], start=at + a, end=at + b), clause, (start, end)) for a, b in phrases]
    return found


def _resolved(text: str, words: Evidence, clause: str, primary: Summit, published: str | None) -> ResolvedDate:
    # "will hold talks … on Monday" looks ahead, whatever the model called the meeting.
    upcoming = primary.status == "planned" or status_of_the_reports([clause]) == "planned"
    return resolve_words(text, words, published, upcoming=upcoming, dateline=None)


def only_looked_forward_to(text: str, primary: Summit, published: str | None) -> bool:
    """Whether the sentences that report the main meeting (a meeting word and one of its people)
    only look ahead to it: an article about an arrival "to hold a summit" is published before it."""
    date = primary.date
    if date and published and not date.startswith("-") and date[:10] < published[: len(date[:10])]:
        return False  # dated before the article (at the date's own precision: "2026-01" is not before 21 January): it has taken place
    surnames = [surname_of(p) or p for p in primary.participants]
    # The sentences that place or date it report it too, whatever their verb ("X received Y in Riyadh").
    reports = [
        sentence
        for start, end in sentence_spans(text)
        if (sentence := text[start:end])
        and (
            any(start <= e.start < end for e in primary.evidence)
            or (
                MEETING_WORDS.search(sentence)
                and (_THE_PAIR.search(sentence) or any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", sentence) for n in surnames))
            )
        )
    ]
    return status_of_the_reports(reports) == "planned"
