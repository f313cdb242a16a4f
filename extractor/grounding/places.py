"""A city named as a government, not as a place: "Seoul and Tokyo are fine-tuning the details".

The press names capitals for their governments ("Beijing protested", "Seoul and Tokyo agreed"). A
small model then gives that city as the meeting's place. A city counts as a place when the article
names it so at least once; it is only a government when every mention of it is the subject of an
act ("Tokyo said", "Tokyo and Seoul are …", "Seoul and Tokyo have …").
"""

from __future__ import annotations

import functools
import re

# Acts of a government: what a place cannot do.
_ACTS = (
    r"said|says|say|agreed|agree|agrees|announced|confirmed|denied|protested|warned|urged|accused|"
    r"demanded|rejected|insisted|insists|claimed|claims|wants|hopes|plans|sees|views|responded|vowed"
)
# Two cities joined as one subject, then a verb: a place is never plural ("Seoul and Tokyo are").
_PLURAL_VERB = r"are|were|have|had|will|would|agreed|said|say"


@functools.lru_cache(maxsize=256)
def _government_uses(city: str) -> re.Pattern:
    name = re.escape(city)
    other = r"[A-Z][\w.'’-]+"
    return re.compile(
        rf"(?<![\w-])(?:{name}\s+(?:{_ACTS})\b"
        rf"|{name}\s+and\s+{other}\s+(?:{_PLURAL_VERB})\b"
        rf"|{other}\s+and\s+{name}\s+(?:{_PLURAL_VERB})\b)"
    )


def named_only_as_a_government(text: str, city: str) -> bool:
    """True when the article names ``city`` and every mention is a government's act."""
    mentions = [m.start() for m in re.finditer(rf"(?<![\w-]){re.escape(city)}(?![\w-])", text)]
    if not mentions:
        return False
    as_government = named_as_a_government(text, city)
    return all(start in as_government for start in mentions)


def named_as_a_government(text: str, city: str) -> set[int]:
    """Where the article names ``city`` as the subject of a government's act ("Tokyo said",
    "Seoul and Tokyo are"): the offsets of those mentions."""
    return {m.start() + m.group(0).find(city) for m in _government_uses(city).finditer(text)}
