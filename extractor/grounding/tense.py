"""Held or planned: what the words next to a meeting's place and date say.

A small model often calls a meeting "held" because the article is about it, even when the article
says it "will" take place ("Lee will visit Tokyo on Saturday"), and the date is then resolved
backwards and is wrong as well. The article's tense is the better witness. For each place where
the article states the meeting's date or city, the clause before it is read for the nearest cue:

* planned: "will", "is set to", "is scheduled", "is expected to", "plans to", "ahead of",
  "upcoming", "is due to", "to visit", "to hold", "next", and the next leg of a trip ("before
  heading to", "on his way to", "en route to");
* held: "met", "held", "visited", "agreed", "signed", "talked", "hosted", "last", "earlier",
  "following".

The nearest cue before the date or place wins; cues in different places that disagree settle
nothing, and the model's status stands.
"""

from __future__ import annotations

import re
from typing import Literal

from schemas import Evidence

Status = Literal["held", "planned"]

_PLANNED = (
    r"will|shall|(?:is|are)\s+(?:set|scheduled|expected|due|slated|poised|planning|going|likely)\s+to|"
    r"(?:is|are)\s+scheduled|scheduled\s+(?:for|to)|plans?\s+to|planned\s+for|ahead\s+of|upcoming|forthcoming|"
    r"to\s+(?:visit|hold|meet|attend|travel)|next|prepar(?:es|ing)\s+(?:to|for)|"
    # The next leg of a trip: "held talks in Tokyo before heading to Washington for a summit".
    r"before\s+(?:heading|travel+ing|flying|going|moving\s+on)|on\s+(?:his|her|their)\s+way|en\s+route|moves\s+on"
)
_HELD = (
    r"met|meets|held|visited|agreed|signed|talked|hosted|discussed|concluded|wrapped\s+up|"
    r"(?:was|were)\s+held|had\s+(?:talks|a\s+meeting|a\s+summit)|took\s+place|last|earlier|previous|ago|since|"
    # "the talks follow their meeting in Lima", "following an encounter in Lima": what is followed
    # has happened.
    r"follows|following"
)
_CUE = re.compile(rf"\b(?:(?P<planned>{_PLANNED})|(?P<held>{_HELD}))\b", re.IGNORECASE)
# The clause a cue must share with the place or date: no sentence end or semicolon between.
_CLAUSE_BREAK = re.compile(r"[.;!?\n]")
# Characters before the evidence in which the nearest cue is looked for, within its sentence: a
# forum's long name can stand between the verb and the place ("last held talks on the margins of
# the … Defence Ministers' Meeting-Plus in Kuala Lumpur").
_WINDOW = 240


def _cues_before(text: str, evidence: Evidence) -> list[re.Match[str]]:
    """The tense cues of the clause that leads up to the place or date, in order."""
    before = _CLAUSE_BREAK.split(text[max(0, evidence.start - _WINDOW) : evidence.start])[-1]
    return list(_CUE.finditer(before))


def _nearest_cue(text: str, evidence: Evidence) -> Status | None:
    cues = _cues_before(text, evidence)
    if not cues:
        return None
    return "planned" if cues[-1]["planned"] else "held"


def recalls_an_earlier_meeting(text: str, evidence: Evidence) -> bool:
    """The nearest cue before the place or date says an earlier meeting: "they last met in …",
    "since their talks in …", "following a visit to …"."""
    cues = _cues_before(text, evidence)
    # The held cues since the last planned one: "last met", "since their talks".
    last_planned = max((i for i, cue in enumerate(cues) if cue["planned"]), default=-1)
    return any(EARLIER.fullmatch(cue.group(0)) for cue in cues[last_planned + 1 :])


# Date words that are themselves a tense: "next week", "last month", "two days ago".
_DATE_PLANNED = re.compile(r"\b(?:next|coming|upcoming|later\s+this|tomorrow)\b", re.IGNORECASE)
_DATE_HELD = re.compile(r"\b(?:last|previous|earlier|ago|yesterday|past)\b", re.IGNORECASE)


def status_from_text(text: str, evidence: list[Evidence], date_words: str | None = None) -> Status | None:
    """The status the article's words give the meeting, or None if they say nothing or disagree.

    ``evidence``: where the article states the meeting's date and place; ``date_words``: the
    date as written, itself a cue when relative ("next week", "last month").
    """
    if date_words and _DATE_PLANNED.search(date_words) and not _DATE_HELD.search(date_words):
        return "planned"
    if date_words and _DATE_HELD.search(date_words) and not _DATE_PLANNED.search(date_words):
        return "held"
    found = {cue for ev in evidence if (cue := _nearest_cue(text, ev)) is not None}
    return found.pop() if len(found) == 1 else None


# Held cues that point at an earlier meeting rather than this one ("last", "previous", "since").
_THIS_MEETING_HELD = re.compile(
    r"\b(?:met|held|visited|agreed|signed|talked|hosted|received|welcomed|discussed|concluded|wrapped\s+up|took\s+place|"
    r"had\s+(?:talks|a\s+meeting|a\s+summit))\b",
    re.IGNORECASE,
)
_PLANNED_CUE = re.compile(rf"\b(?:{_PLANNED})\b", re.IGNORECASE)


_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]*[\"\u201d]")
# A sentence about an earlier meeting ("they last met in Gyeongju", "following talks in June").
EARLIER = re.compile(r"\b(?:last|previous(?:ly)?|earlier|ago|following|since|first\s+time\s+in)\b", re.IGNORECASE)


# Where a clause ends: another clause may speak of another event ("…, returning the visit Lee
# paid a month ago", "Ishiba, who has said he will step down, …").
_CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\b(?:who|which|where|when|while|whereas|after|before|as)\b", re.IGNORECASE)
# What makes a clause about a meeting: a meeting word (the one a planned cue looks ahead to).
_MEETING_WORD = re.compile(r"\b(?:summits?|talks|meet(?:s|ing)?|met|visit(?:s|ed|ing)?|trip|discuss(?:ions?)?|conference)\b", re.IGNORECASE)


def status_of_the_reports(sentences: list[str]) -> Status | None:
    """ "planned" when the sentences reporting a meeting only look ahead to it ("arrived … to hold
    a summit", "is scheduled to hold", "are expected to discuss") and none says it happened;
    else None (the model's status stands). Read clause by clause: quoted speech is left out (a
    hope that the summit "will serve as a cornerstone" is said after it), a held cue in a clause
    about an earlier meeting ("they last met in October") does not count, and a planned cue
    counts only in a clause about a meeting ("who has said he will step down" is not)."""
    planned = held = 0
    for sentence in sentences:
        earlier = False
        for _, opener, clause in clauses(_QUOTED.sub(" ", sentence)):
            if not clause.strip():
                continue  # between ", " and "where": the next clause keeps what came before
            # A relative clause speaks of what the clause before it named: in "they held phone
            # talks last month, where they agreed …" the agreement is the earlier talks'.
            earlier = bool(EARLIER.search(clause)) or (earlier and _RELATIVE.fullmatch(opener.strip()) is not None)
            if _THIS_MEETING_HELD.search(clause):
                held += not earlier
            elif _PLANNED_CUE.search(clause) and _MEETING_WORD.search(clause) and not _IN_PROGRESS.search(clause):
                planned += 1
    return "planned" if planned and not held else None


_RELATIVE = re.compile(r"where|which|when|who", re.IGNORECASE)
# A meeting said to be in progress is no plan, whatever is hoped of it: "the ongoing visit will be
# a milestone".
_IN_PROGRESS = re.compile(r"\b(?:ongoing|under\s*way|current|present)\b", re.IGNORECASE)


def clauses(sentence: str) -> list[tuple[int, str, str]]:
    """The sentence's clauses: (offset in the sentence, the mark or word that opened it ("" for
    the first), the clause)."""
    result, start, opener = [], 0, ""
    for m in _CLAUSE.finditer(sentence):
        result.append((start, opener, sentence[start : m.start()]))
        start, opener = m.end(), m.group(0)
    result.append((start, opener, sentence[start:]))
    return result
