"""Background meetings checked against their own passage: its people, place and date.

Asked for every meeting an article mentions, a small model fills a background meeting from the
article at large: the main meeting's people copied onto a meeting with someone else ("… on his way
to Washington to meet President X on Aug. 25" becomes a second meeting of the main pair), the
main meeting's city put beside another meeting's date, or a date that dates no meeting at all
("since taking office in June", "a venue built for the 2005 APEC summit"). The issue's rule: a
background mention's people, place and date come from the same passage of the text.

The passage is the clause that states the meeting's date (else its place): the part of its
sentence between commas, dashes, parentheses and words that open another clause ("while",
"after", "since", "where" …). In that clause:

* **the date must date a meeting of theirs**: a meeting word ("talks", "met", "visit", "summit" …)
  in the clause, and in its sentence a reference to the people (a name, "the two leaders",
  "they", "his" …) or no one named at all; otherwise the mention is dropped;
* **the people**: when the clause names someone the model left out, the clause's people replace
  the model's, completed when it names only one by the model's participant named last before it
  (the "his" of "his way");
* **the place**: a city the model gave must be named within the date's sentence or the ones
  beside it; otherwise the city the clause names, else none.

Any meeting, the main one included, that the model gave more than two people keeps those named in
the sentence stating its date (else its place), when at least two are (a model asked for names may list
everyone the article names in every meeting).

Finally a background meeting that only repeats another, less precisely (the same people, a date
that contains the other's, no other place), is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.extract.background_scan import MEETING_WORDS, Person, named_in, people_named, places_in
from extractor.grounding.evidence import sentence_spans
from extractor.normalize.countries import country_leading
from extractor.normalize.names import fold_name
from extractor.normalize.partial_dates import date_parts, parts_agree
from extractor.rules import DropReason, rule_on
from extractor.rules.registry import PASSAGE_CHECK, PASSAGE_PEOPLE, REPEATS_LESS_PRECISELY
from schemas import Evidence, Location, Summit

# Where one clause of a sentence ends and the next, possibly about another meeting, begins.
_CLAUSE_SPLIT = re.compile(
    r"[,;:()\u2013\u2014]|\s-\s|\b(?:while|whereas|where|which|who|after|before|ahead\s+of|following|since|when|as|and\s+then|but)\b",
    re.IGNORECASE,
)
# Words that refer back to people already named: "the two leaders", "they", "his".
_REFERENCE = re.compile(
    r"\b(?:the\s+two|both|the\s+pair|they|their|them|he|his|him|she|her|the\s+leaders|the\s+ministers|counterparts?)\b", re.IGNORECASE
)


# A year naming a gathering ("the 2005 APEC summit", "the 2018 G20 Summit") dates that gathering:
# its "summit" alone does not make the clause report a meeting of the people.
_NAMED_GATHERING = re.compile(r"\b(?:19|20)\d\d\s+(?:[A-Z][\w&-]*\s+){1,4}(?:summits?|meetings?|conference|forum|games)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PassageCheck:
    """A background summit as its passage supports it (None: dropped), and what changed, in words."""

    summit: Summit | None
    changes: list[str]


def check_background(text: str, summits: list[Summit]) -> list[PassageCheck]:
    """Each summit checked against its own passage: every meeting's people when the model listed
    more than two, and the rest of the rules for background meetings."""
    people = people_named(text, [p for s in summits for p in s.participants])
    excluded = {fold_name(n) for p in people for n in p.names}
    spans = sentence_spans(text)
    checks = []
    for summit in summits:
        narrowed = _people_of_its_sentences(text, summit, people, spans)
        if summit.mention == "background" and summit.evidence and rule_on(PASSAGE_CHECK):
            check = _check(text, narrowed.summit or summit, people, excluded, spans)
            checks.append(PassageCheck(check.summit, narrowed.changes + check.changes))
        else:
            checks.append(narrowed)
    return _without_repeats(checks)


def _people_of_its_sentences(text: str, summit: Summit, people: list[Person], spans: list[tuple[int, int]]) -> PassageCheck:
    """A meeting the model gave more than two people, narrowed to those named in the sentence
    that states its date (else its place), when at least two of them are: asked for names only, a
    small model may list everyone the article names in every meeting it lists."""
    if len(summit.participants) <= 2 or not summit.evidence or not rule_on(PASSAGE_PEOPLE):
        return PassageCheck(summit, [])
    # The sentence that states its date, else its place (as for the rest of the passage rules).
    anchor = next((e for e in summit.evidence if summit.date_text and e.quote == summit.date_text), summit.evidence[0])
    sentences = [text[start:end] for start, end in spans if start <= anchor.start < end]
    by_name = {p.canonical: p for p in people}
    named = [n for n in summit.participants if (person := by_name.get(n)) and any(named_in(s, person) for s in sentences)]
    if not 2 <= len(named) < len(summit.participants):
        return PassageCheck(summit, [])
    left_out = [n for n in summit.participants if n not in named]
    change = DropReason.NOT_NAMED_NEAR_DATE.words(people=", ".join(left_out))
    return PassageCheck(summit.model_copy(update={"participants": named}), [change])


def _check(text: str, summit: Summit, people: list[Person], excluded: set[str], spans: list[tuple[int, int]]) -> PassageCheck:
    date_ev = next((e for e in summit.evidence if summit.date_text and e.quote == summit.date_text), None)
    city_ev = next((e for e in summit.evidence if e is not date_ev), None)
    anchor = date_ev or city_ev
    assert anchor is not None
    index, (s_start, s_end) = next(((i, span) for i, span in enumerate(spans) if span[0] <= anchor.start < span[1]), (0, (0, len(text))))
    sentence = text[s_start:s_end]
    lo, hi = _clause_around(sentence, anchor.start - s_start, anchor.end - s_start)
    clause = sentence[lo:hi]
    changes: list[str] = []

    named_here = [p for p in people if named_in(clause, p)]
    participants = _clause_people(summit, people, [p.canonical for p in named_here], sentence[:lo])
    if participants != summit.participants:
        changes.append(DropReason.NOT_THE_PASSAGE_PEOPLE.words(people=", ".join(summit.participants)))
    # The meeting word must be in the date's own clause; the people may be named anywhere in its
    # sentence ("The two leaders last met in X, a sideline encounter at the … summit in November"),
    # and a sentence naming nobody ("The meeting follows talks in September in Seoul.") speaks of
    # the same people; one whose date clause names only others speaks of theirs.
    others_only = named_here and all(p.canonical not in participants for p in named_here)
    refers = not others_only and (
        any(named_in(sentence, p) for p in people if p.canonical in participants)
        or _REFERENCE.search(sentence)
        or not any(named_in(sentence, p) for p in people)
    )
    if date_ev is not None and not (MEETING_WORDS.search(_NAMED_GATHERING.sub(" ", clause)) and refers):
        return PassageCheck(None, [DropReason.DATES_NO_MEETING.words(date=date_ev.quote, clause=clause.strip())])

    location, evidence = summit.location, list(summit.evidence)
    if date_ev is not None and city_ev is not None:
        # The date's sentence, with a neighbour only where an abbreviation cut it short ("Sept.").
        window_start = spans[index - 1][0] if index > 0 and spans[index - 1][1] - spans[index - 1][0] < 40 else s_start
        window_end = spans[index + 1][1] if index + 1 < len(spans) and s_end - s_start < 40 else s_end
        near = re.search(rf"(?<!\w){re.escape(city_ev.quote)}(?!\w)", text[window_start:window_end])
        if near:
            at = window_start + near.start()
            evidence = [date_ev, Evidence(quote=city_ev.quote, start=at, end=at + len(city_ev.quote))]
        else:
            places = places_in(clause, excluded)
            changes.append(DropReason.CITY_NOT_NEAR_DATE.words(city=location.city))
            if places:
                name, country, p_start, p_end = places[0]
                at = s_start + lo + p_start
                location = Location(city=name, country=country)
                evidence = [date_ev, Evidence(quote=name, start=at, end=s_start + lo + p_end)]
            else:
                location, evidence = Location(city=None, country=None), [date_ev]
    if location.city is None and location.country is None and (stated := _country_in(clause)):
        location = Location(city=None, country=stated)  # "Lee's trip to Japan last month"
        changes.append(DropReason.COUNTRY_NEAR_DATE.words(country=stated))
    if not changes:
        return PassageCheck(summit, [])
    updated = summit.model_copy(
        update={"participants": participants, "location": location, "evidence": sorted(evidence, key=lambda e: e.start)}
    )
    return PassageCheck(updated, changes)


_TO_PLACE = re.compile(r"\b(?:in|to|visit(?:s|ed|ing)?)\s+(?:the\s+)?((?:[A-Z][\w-]*\s?){1,3})")


def _country_in(clause: str) -> str | None:
    """The country a clause puts the meeting in ("trip to Japan", "summit in Canada"), if one."""
    found = set()
    for m in _TO_PLACE.finditer(clause):
        if code := country_leading(m.group(1)):
            found.add(code)
    return found.pop() if len(found) == 1 else None


def _clause_around(sentence: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) within ``sentence`` of the clause holding [start, end). A fragment that is
    only the date ("Earlier, on May 2, after their summit in Busan") takes the clause after it."""
    splits = list(_CLAUSE_SPLIT.finditer(sentence))
    lo = max((m.end() for m in splits if m.end() <= start), default=0)
    ends = [m.start() for m in splits if m.start() >= end] + [len(sentence)]
    hi = ends[0]
    for later in ends[1:]:
        rest = sentence[lo:start] + sentence[end:hi]
        if len(re.findall(r"[^\W\d_]{2,}", rest)) >= 2:
            break
        hi = later
    starts = [0] + [m.end() for m in splits if m.end() <= start]
    while not _LOWER_WORD.search(sentence[lo:start] + sentence[end:hi]) and len(starts) > 1:
        # Still only the date and names, at the sentence's end: it dates the clause before it
        # ("met in Anchorage, Alaska, on Aug. 15").
        starts.pop()
        lo = starts[-1]
    if hi < len(sentence) and (where := _WHERE_AFTER.match(sentence, hi)):
        # "took her to Paris in March, where she met X": the meeting is told in the clause that
        # says what happened there and then.
        hi = next((m.start() for m in splits if m.start() >= where.end()), len(sentence))
    return lo, hi


_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")
_WHERE_AFTER = re.compile(r",?\s*(?:where|when)\b", re.IGNORECASE)


def _clause_people(summit: Summit, people: list[Person], in_clause: list[str], before: str) -> list[str]:
    """The clause's people when it names someone the model left out; else the model's."""
    if not any(p not in summit.participants for p in in_clause):
        return summit.participants
    who = list(in_clause)
    if len(who) < 2:
        named_before = [
            (m.start(), p.canonical)
            for p in people
            if p.canonical in summit.participants and p.canonical not in who
            for spelling in p.names
            for m in re.finditer(rf"(?<!\w){re.escape(spelling)}(?!\w)", before)
        ]
        if not named_before:
            return summit.participants
        who.insert(0, max(named_before)[1])
    return who


def _without_repeats(checks: list[PassageCheck]) -> list[PassageCheck]:
    """Drop a background meeting that another one states more precisely (same people, its date
    within the other's, no other place)."""
    kept = [c.summit for c in checks]
    result = []
    for i, check in enumerate(checks):
        summit = check.summit
        if summit is not None and summit.mention == "background" and rule_on(REPEATS_LESS_PRECISELY):
            better = next((other for j, other in enumerate(kept) if j != i and other is not None and _repeats(summit, other, j < i)), None)
            if better is not None:
                kept[i] = None
                result.append(PassageCheck(None, [*check.changes, DropReason.REPEATS_LESS_PRECISELY.words(title=better.title)]))
                continue
        result.append(check)
    return result


def _repeats(summit: Summit, other: Summit, listed_earlier: bool) -> bool:
    if set(summit.participants) != set(other.participants) or summit.location.city not in (None, other.location.city):
        return False
    if (summit.date, summit.location.city) == (other.date, other.location.city):
        return listed_earlier  # listed twice: the first stands
    if summit.date is None:
        return other.date is not None or (other.location.city is not None and summit.location.city is None)
    if other.date is None or (len(summit.date) >= len(other.date) and summit.date != other.date[: len(summit.date)]):
        return False
    less_precise = len(summit.date) < len(other.date) or (summit.location.city is None and other.location.city is not None)
    return less_precise and parts_agree(date_parts(summit.date), date_parts(other.date))
