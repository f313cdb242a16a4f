"""Controlled vocabularies shared by every record.

They are plain ``Literal`` types so that the JSON Schema the model sees lists the allowed
values inline, and so that a newcomer can read the whole vocabulary in one place.
"""

from __future__ import annotations

from typing import Literal, get_args

SummitKind = Literal[
    "leaders_summit",
    "ministerial_meeting",
    "multilateral_summit",
    "state_visit",
    "other_meeting",
]

SummitStatus = Literal["held", "ongoing", "planned", "cancelled"]

# ``primary`` is the meeting an article is about; ``background`` is another meeting it mentions
# (an earlier one, a planned one).
MentionKind = Literal["primary", "background"]

DatePrecision = Literal["day", "month", "year", "weekday", "unknown"]

ActorKind = Literal["person", "government", "organisation"]

# ``explicit``: the parties agreed or signed; ``soft``: a statement of intent or emphasis.
PledgeCertainty = Literal["explicit", "soft"]

# Alignment of a quote with the article text: found verbatim, or by a close fuzzy match.
Alignment = Literal["exact", "fuzzy"]

# The pledge-domain vocabulary of ../shared/gold/seeds.gold.json.
PledgeDomain = Literal[
    "defense",
    "economic_security",
    "economy_trade",
    "technology_ai",
    "supply_chain",
    "energy_climate",
    "history_humanitarian",
    "people_exchange",
    "transnational_crime",
    "north_korea",
    "regional_security",
    "diplomatic_dialogue",
    "other",
]

PLEDGE_DOMAINS: tuple[str, ...] = get_args(PledgeDomain)
SUMMIT_KINDS: tuple[str, ...] = get_args(SummitKind)
SUMMIT_STATUSES: tuple[str, ...] = get_args(SummitStatus)

# A partial ISO 8601 calendar date: YYYY-MM-DD, YYYY-MM, YYYY, --MM-DD (no year), --MM (month only).
PARTIAL_DATE_PATTERN = r"^(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?|--(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)$"

# Why an article could not be extracted (``ExtractionFailure.error``): bad input, settings that
# cannot work, the model server, a reply no valid record could be made of, or a bug of ours.
FailureKind = Literal["input", "config", "model", "validation", "internal"]
FAILURE_KINDS: tuple[str, ...] = get_args(FailureKind)
