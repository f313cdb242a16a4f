"""Who took part, and who only talked about it: briefers and commentators are not participants.

News about a meeting quotes people who were not at the table: a spokesperson who "told
reporters" what was agreed, a national security adviser briefing the press, an analyst or a
professor commenting. A small model lists them among those who met. The rule here: a person
whose title (as the article writes it before the name, or as the model gives it) is a briefing or
commenting role, and whom the article shows speaking about the meeting ("said", "told
reporters", "briefing") is a briefer, not a participant.
"""

from __future__ import annotations

import re

from extractor.grounding.evidence import sentence_spans
from schemas import Evidence

# Titles of people who speak about a meeting rather than hold it.
_BRIEFER_TITLE = re.compile(
    r"\b(?:spokes(?:person|man|woman|people)|press\s+secretary|(?:national\s+)?security\s+advis[eo]r|"
    r"advis[eo]r|chief\s+of\s+staff|presidential\s+secretary|senior\s+secretary|analyst|professor|researcher|"
    r"commentator|expert|correspondent|reporter|columnist|scholar|fellow)\b",
    re.IGNORECASE,
)
# How an article shows someone speaking about the meeting.
_SPEAKING = re.compile(
    r"\b(?:said|says|told|tells|briefing|briefed|briefs|explained|according\s+to|noted|added|stated|"
    r"commented|wrote|announced|quoted)\b",
    re.IGNORECASE,
)
_BEFORE = 60  # characters before a mention in which its title is looked for
_TITLE_RIGHT_BEFORE = re.compile(rf"(?:{_BRIEFER_TITLE.pattern})(?:\s+\([A-Z]+\))?\s+$", re.IGNORECASE)


def _sentence_of(text: str, offset: int) -> str:
    for start, end in sentence_spans(text):
        if start <= offset < end:
            return text[start:end]
    return ""


# Words that report a meeting ("will hold talks with", "met"): a sentence with them and a
# counterpart's name, and no speaking verb, shows the person at the table.
_MEETS = re.compile(
    r"\b(?:met|meet(?:s|ing)?|hold(?:s|ing)?|held|talks|visit(?:s|ed|ing)?|summit|dialogue|hosted|received)\b", re.IGNORECASE
)


def is_briefer(text: str, mentions: list[Evidence], role: str | None, others: tuple[str, ...] = ()) -> bool:
    """True when the person's title is a briefing/commenting one and the article shows them
    speaking, and never shows them meeting one of ``others`` (the meeting's other people):
    a security adviser who holds talks with a foreign minister is a participant."""
    titled = bool(role and _BRIEFER_TITLE.search(role))
    speaking = False
    for mention in mentions:
        sentence = _sentence_of(text, mention.start)
        if _MEETS.search(sentence) and not _SPEAKING.search(sentence) and any(o and o in sentence for o in others):
            return False
        before = text[max(0, mention.start - _BEFORE) : mention.start]
        # The title belongs to this name only when nothing ends the phrase in between.
        before = re.split(r"[.;:!?\n,]|\band\b|\bwith\b|\bmet\b", before)[-1]
        # Right before the name (an acronym in brackets may follow the title): in "spokesperson
        # Amina Yusuf, who noted that Chile views Rafael Soto's visit", the title is not Soto's.
        if _TITLE_RIGHT_BEFORE.search(before):
            titled = True
        if _SPEAKING.search(sentence):
            speaking = True
    return titled and speaking
