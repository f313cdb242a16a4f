"""The reconciled record: one real event, merged from many articles' mentions."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from schemas.records import COUNTRY_CODE, Record
from schemas.vocab import DatePrecision, MentionKind, PledgeCertainty, PledgeDomain, SummitKind, SummitStatus


class SourceRef(Record):
    """One article's mention of the event."""

    article_id: str
    file: str | None = None
    outlet: str | None = None
    published: str | None = None
    summit_index: int = Field(description="Index of the summit in that article's extraction.")
    mention: MentionKind = "primary"


class SeenValue(Record):
    """A value some articles gave for a field, and who gave it."""

    value: Any
    sources: list[str] = Field(description="Article ids that gave this value.")
    quotes: list[str] = Field(default_factory=list, description="The articles' own words for it, where known.")


class FieldResolution(Record):
    """How one field of the event was settled."""

    chosen: Any
    rule: str = Field(description="The rule that chose the value, e.g. 'more_precise', 'primary_mention'.")
    confidence: float = Field(ge=0.0, le=1.0)
    values: list[SeenValue]


class Conflict(Record):
    """Sources disagreed on a field: the values, their sources, and the choice made."""

    field: str
    values: list[SeenValue]
    chosen: Any
    rule: str
    why: str = Field(description="The rule in words, for a reader.")


class MergedPledge(Record):
    description: str
    domain: PledgeDomain
    certainty: PledgeCertainty
    parties: list[str] = Field(default_factory=list)
    sources: list[str] = Field(description="Article ids that report this pledge.")
    descriptions: list[str] = Field(default_factory=list, description="Every wording seen.")


class MergedActor(Record):
    canonical_name: str
    spellings: list[str] = Field(description="Every spelling seen across articles.")
    role: str | None = None
    country: str | None = COUNTRY_CODE
    sources: list[str]


class Event(Record):
    """One real meeting, as many articles report it."""

    event_id: str = Field(description="Stable id derived from the event's mentions.")
    title: str
    kind: SummitKind
    status: SummitStatus
    date: str | None = None
    date_precision: DatePrecision = "unknown"
    city: str | None = None
    country: str | None = COUNTRY_CODE
    participants: list[str] = Field(default_factory=list)
    pledges: list[MergedPledge] = Field(default_factory=list)
    actors: list[MergedActor] = Field(default_factory=list)
    fields: dict[str, FieldResolution] = Field(default_factory=dict, description="Every field: values seen, choice, rule, confidence.")
    conflicts: list[Conflict] = Field(default_factory=list)
    mentions: list[SourceRef] = Field(default_factory=list)
    source_count: int = Field(description="Distinct articles reporting the event.")
    outlet_count: int = Field(description="Distinct outlets reporting the event (unknown outlets count per article).")
