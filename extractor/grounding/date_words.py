"""Where the article states a meeting's date, beyond the words the model copied.

* **A gloss**: "Yesterday (Aug. 23)", "on Tuesday (Sept. 30)": the article's own calendar date
  for its relative words, in brackets right after them (broadcast transcripts and translated
  news write them so). The words are taken with their gloss, which then dates them even in an
  article with no publication date. A relative word means the same day wherever one article
  uses it, so the gloss may stand at any of its occurrences.
* **The meeting's own sentence**: a small model sometimes gives no date words, or words that are
  no date, for a meeting whose sentence states one (an invented "On March 4, after her talks
  with X in Mombasa, Y told reporters …"). A sentence counts only when it names the meeting's
  place and every participant and holds exactly one date phrase besides the date of the report
  itself ("According to the office on the 2nd, …", "the agency reported on the 14th that …"):
  with two, which one is the meeting's would be a guess.
* **The day a relative phrase counts from**: "the previous day" in "According to the office on
  the 2nd, the leaders signed the accords the previous day" counts from the 2nd; the anchor is
  another day the same sentence states.
"""

from __future__ import annotations

import re

from extractor.grounding.evidence import locate_phrase, sentence_spans
from extractor.normalize.countries import major_city_country
from extractor.normalize.dates import Dateline, ResolvedDate, find_date_phrases, resolve_date, shifts_a_day
from extractor.normalize.names import fold_name, known_actor, surname_of
from schemas import Evidence

# Capitalised words that may be a city ("Busan", "New York"), as background_scan reads them.
_ONE_PLACE_WORD = re.compile(r"\b[A-Z][a-z]+\b")
_TWO_PLACE_WORDS = re.compile(r"\b[A-Z][a-z]+[\s-][A-Z][a-z]+\b")
# A date in brackets right after the words: "(Aug. 23)", "(Sept. 30, local time)".
_GLOSS = re.compile(r"[ \t]*\((?P<inner>[^()\n]{3,40})\)")
# What a date of the report itself follows: "According to the ministry on the 2nd", "said on Friday".
_REPORTED = re.compile(
    r"(?:\baccording\s+to\b[^,.;:]{0,80}|\b(?:said|says|announced|reported|stated|briefed|told\s+reporters)\s*)$",
    re.IGNORECASE,
)


def with_gloss(text: str, words: Evidence) -> Evidence:
    """``words`` extended over the calendar date the article puts in brackets after them, if any."""
    if resolve_date(words.quote, None).date is not None:
        return words  # already a calendar date
    for m in _phrase(words.quote).finditer(text):
        gloss = _GLOSS.match(text, m.end())
        if gloss and (inner := resolve_date(gloss["inner"], None)).date is not None and inner.precision in ("day", "month"):
            return Evidence(quote=text[m.start() : gloss.end()], start=m.start(), end=gloss.end())
    return words


def resolve_words(text: str, words: Evidence | None, published: str | None, *, upcoming: bool, dateline: Dateline | None) -> ResolvedDate:
    """resolve_date for words found in ``text``, with the day their sentence states as the anchor."""
    if words is None:
        return resolve_date(None, published)
    anchor = _anchor(text, words, published, dateline) if shifts_a_day(words.quote) else None
    return resolve_date(words.quote, published, upcoming=upcoming, dateline=dateline, anchor=anchor)


def _anchor(text: str, words: Evidence, published: str | None, dateline: Dateline | None) -> str | None:
    """The first other day (not itself counted from a day) that the sentence around ``words`` states."""
    start, end = _sentence_of(text, words.start)
    for s, e in find_date_phrases(text[start:end]):
        phrase = text[start + s : start + e]
        if start + s != words.start and not shifts_a_day(phrase):
            found = resolve_date(phrase, published, dateline=dateline)
            if found.precision == "day" and found.date:
                return found.date
    return None


def _sentence_of(text: str, offset: int) -> tuple[int, int]:
    return next(((s, e) for s, e in sentence_spans(text) if s <= offset < e), (offset, offset))


def date_in_meeting_sentence(
    text: str, city: str | None, people: list[str], published: str | None, dateline: Dateline | None
) -> Evidence | None:
    """The date phrase of the first sentence that reports this meeting (module docstring), else None."""
    if not city or not people:
        return None
    sentence_start, sentence = next(
        ((s, text[s:e]) for s, e in sentence_spans(text) if locate_phrase(text[s:e], city) and all(_named(text[s:e], p) for p in people)),
        (0, ""),
    )
    phrases = [(s, e) for s, e in find_date_phrases(sentence) if not _REPORTED.search(sentence[:s])]
    if len(phrases) != 1 or not _nearest_place(sentence, phrases[0], city, people):
        return None
    s, e = phrases[0]
    words = Evidence(quote=sentence[s:e], start=sentence_start + s, end=sentence_start + e)
    return words if resolve_words(text, words, published, upcoming=False, dateline=dateline).date is not None else None


def _nearest_place(sentence: str, phrase: tuple[int, int], city: str, people: list[str]) -> bool:
    """No other city of the sentence stands nearer the date phrase than the meeting's city: in
    "after their summit in Busan on Oct. 30, Lee proposed Nara" the date is Busan's."""
    ours = [(m.start(), m.end()) for m in _phrase(city).finditer(sentence)]
    people_words = {fold_name(word) for person in people for word in person.split()}
    others = [
        (m.start(), m.end())
        for pattern in (_ONE_PLACE_WORD, _TWO_PLACE_WORDS)
        for m in pattern.finditer(sentence)
        if fold_name(m.group()) != fold_name(city) and fold_name(m.group()) not in people_words and major_city_country(m.group())
    ]
    if not ours:
        return False
    nearest_ours = min(_gap(span, phrase) for span in ours)
    return all(_gap(span, phrase) > nearest_ours for span in others if not any(a <= span[0] < b for a, b in ours))


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(a[0] - b[1], b[0] - a[1], 0)


def _phrase(words: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(words)}(?!\w)", re.IGNORECASE)


def _named(sentence: str, person: str) -> bool:
    """The sentence names the person: in full, by a known spelling, or by surname."""
    actor = known_actor(person)
    spellings = [person, *(actor.aliases if actor else []), surname_of(person) or person]
    return any(_phrase(spelling).search(sentence) for spelling in spellings if spelling)
