"""Cancelled or under way: what the words about a meeting say beyond held and planned.

The tense rules (grounding.tense) tell a meeting that took place from one still to come. Two
more states are common in diplomatic news and have their own words:

* cancelled: a meeting noun with a verb that ends it, either way round: "the summit was called
  off", "the visit has been postponed", "talks were shelved", "Nairobi cancelled the meeting",
  "scrapped his trip". A postponed meeting with no new date is, for the record, not going ahead.
* ongoing: a meeting noun said to be in progress: "the ongoing talks", "talks are under way",
  "negotiations continue", "the summit is taking place".

Only the sentence that places or dates the meeting counts, and the next sentence when it opens
by pointing back at it ("That meeting was cancelled at the last minute"). "Amid ongoing
tensions" is no meeting in progress: the state word must stand by a meeting noun.
"""

from __future__ import annotations

import re
from typing import Literal

from extractor.grounding.evidence import sentence_spans
from schemas import Evidence

Lifecycle = Literal["cancelled", "ongoing"]

_MEETING = r"(?:summit|talks|meeting|visit|trip|negotiations|dialogue|conference|session)s?"
_ENDED = r"(?:cancel+ed|called\s+off|scrapped|shelved|scuttled|postponed|put\s+off|abandoned)"
_ENDING = r"(?:cancel+(?:ed|s)?|call(?:ed|s)?\s+off|scrap(?:ped|s)?|shelve[ds]?|postpone[ds]?|put\s+off|abandon(?:ed|s)?)"
# A few words may stand between the noun and the verb ("the meeting planned for May was called off").
_GAP = r"(?:\s+[\w'’,-]+){0,6}?"
_CANCELLED = re.compile(
    rf"\b{_MEETING}{_GAP}\s+(?:(?:was|were|is|are|has|have|had|been|be|being|got|now)\s+)+{_ENDED}\b"
    rf"|\b{_ENDING}\s+(?:the|a|an|his|her|their|its|this|that|next\s+week's|planned|scheduled)\s+(?:\w+\s+){{0,3}}?{_MEETING}\b",
    re.IGNORECASE,
)
_ONGOING = re.compile(
    rf"\b(?:ongoing|continuing)\s+(?:\w+\s+)?{_MEETING}\b"
    rf"|\b{_MEETING}{_GAP}\s+(?:(?:is|are|was|were)\s+)?(?:under\s*way|in\s+progress|ongoing|continu(?:e|es|ed|ing))\b"
    rf"|\b{_MEETING}{_GAP}\s+(?:is|are)\s+(?:taking\s+place|being\s+held)\b",
    re.IGNORECASE,
)
# A sentence that opens by pointing back at the meeting just named.
_POINTS_BACK = re.compile(rf"^\s*(?:(?:that|the|this)\s+{_MEETING}|it)\b", re.IGNORECASE)


# A state that only times another event: "came hours after peace talks in Lusaka were called off".
_TIMES_ANOTHER = re.compile(r"\b(?:after|before|following|since|amid|despite|when|as|like)\b(?:\s+\S+){0,3}\s*$", re.IGNORECASE)


def _says(pattern: re.Pattern[str], sentence: str, *, at_start: bool) -> bool:
    """The sentence states the meeting's state; ``at_start``: as its opening words (a sentence
    that points back at the meeting speaks of it only there)."""
    for m in pattern.finditer(sentence):
        if at_start and m.start() > _POINTS_BACK_REACH:
            continue
        if not _TIMES_ANOTHER.search(sentence[max(0, m.start() - 40) : m.start()]):
            return True
    return False


_POINTS_BACK_REACH = 12  # characters: "That meeting was …", "The summit, …"


def _sentences_about(text: str, evidence: list[Evidence]) -> list[tuple[str, bool]]:
    """The sentences that place or date the meeting, and (flagged True) a next one that opens by
    pointing back at it."""
    spans = sentence_spans(text)
    found: list[tuple[str, bool]] = []
    for ev in evidence:
        for i, (start, end) in enumerate(spans):
            if start <= ev.start < end:
                found.append((text[start:end], False))
                if i + 1 < len(spans) and _POINTS_BACK.match(following := text[spans[i + 1][0] : spans[i + 1][1]]):
                    found.append((following, True))
                break
    return found


def lifecycle_status(text: str, evidence: list[Evidence]) -> Lifecycle | None:
    """ "cancelled" or "ongoing" when the sentences about the meeting say so, else None."""
    sentences = _sentences_about(text, evidence)
    if any(_says(_CANCELLED, s, at_start=back) for s, back in sentences):
        return "cancelled"
    if any(_says(_ONGOING, s, at_start=back) for s, back in sentences):
        return "ongoing"
    return None
