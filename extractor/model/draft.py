"""What the model fills: a short draft, turned into full records by grounding and normalisation.

A 1.5B model on two cores spends about a tenth of a second per generated token, so the draft asks
only for what the model alone can tell: who met, where, the date *as the article words it*,
whether the meeting took place, and what was agreed. Offsets, canonical names, ISO dates and
country codes are computed afterwards, in code that can be tested.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, WithJsonSchema, model_validator
from pydantic.json_schema import SkipJsonSchema

from schemas.vocab import MentionKind, PledgeCertainty, PledgeDomain, SummitKind, SummitStatus

# The article's grounding check while its reply is validated (see ``DraftExtraction._grounded``).
# A context variable, not instructor's ``context``: instructor renders every message as a Jinja
# template when given a context, so an article's own "{{ … }}" was evaluated and a stray "{%"
# failed the article as an internal error (and compiling the templates cost CPU per request).
# Each asyncio task and thread sees only its own article's check.
GroundingCheck = Callable[["DraftExtraction"], list[str]]
_grounding_check: ContextVar[GroundingCheck | None] = ContextVar("grounding_check", default=None)


@contextlib.contextmanager
def grounding_check(check: GroundingCheck | None) -> Iterator[None]:
    """Validate drafts against ``check`` within the block (the re-ask before dropping)."""
    token = _grounding_check.set(check)
    try:
        yield
    finally:
        _grounding_check.reset(token)


class DraftParticipant(BaseModel):
    """One person who met. The model gives only the name (see ``Participants``); the role and
    country come from the article's own words around it, or from the known-actor table."""

    name: str = Field(max_length=60, description="Full name as written in the article, e.g. 'Lee Jae Myung'.")
    role: str | None = Field(default=None, max_length=60, description="Title as written, e.g. 'President', 'defence minister'.")
    country: str | None = Field(default=None, description="Country the person represents, e.g. 'South Korea'.")


def _names_as_participants(value: object) -> object:
    """["Anna Berg"] -> [{"name": "Anna Berg"}]; a participant given as an object stays one."""
    if isinstance(value, list):
        return [{"name": item} if isinstance(item, str) else item for item in value]
    return value


# What the model writes for the people who met: their names, nothing else. A name costs about 4
# output tokens; the same person as {"name", "role", "country"} cost about 20, repeated in every
# meeting they attended, and output tokens are most of an article's time on two cores. A server
# or a recording that gives the objects is still read (the role and country are then checked
# like before).
Participants = Annotated[
    list[DraftParticipant],
    BeforeValidator(_names_as_participants),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "string", "maxLength": 60},
            "maxItems": 8,
            "description": "Full names of the people who met, exactly as written in the article.",
        }
    ),
]


class DraftPledge(BaseModel):
    description: str = Field(max_length=100, description="What was agreed, in at most ten words.")
    domain: PledgeDomain = Field(description="Policy area.")
    # Not asked of the model (left out of the schema, 6 tokens a pledge): a pledge is kept only
    # when its sentence states an agreement (extract.pledge_scan), so what is kept is explicit.
    certainty: SkipJsonSchema[PledgeCertainty] = "explicit"


class DraftSummit(BaseModel):
    # Field order is generation order: the model settles who met and where before it words
    # the date and the pledges. The title is not asked for: code builds it from these fields.
    #
    # Not asked of the model either (left out of the schema; ~20 output tokens a meeting, measured
    # to change no score on the dev set and the seeds when filled by code from recorded answers):
    # * mention: the model lists the main meeting first (``DraftExtraction._main_meeting_first``);
    # * kind: from who met, by their roles (extract.kinds); a summit until the roles say otherwise;
    # * country: the city's (geonames), else the one country the meeting's reports place it in.
    # A server or a recording that gives them is still read.
    mention: SkipJsonSchema[MentionKind | None] = None
    kind: SkipJsonSchema[SummitKind] = "leaders_summit"
    status: SummitStatus = Field(description="'held' if it took place, 'planned' if announced for later.")
    participants: Participants = Field(max_length=8)
    city: str | None = Field(default=None, max_length=60, description="City of the meeting, as written.")
    country: SkipJsonSchema[str | None] = None
    date_text: str | None = Field(
        default=None,
        max_length=60,
        description="The article's exact words for the meeting's date, e.g. 'on Tuesday', 'June 28', 'in September'; null if none.",
    )
    pledges: list[DraftPledge] = Field(
        default_factory=list, max_length=8, description="What was agreed at this meeting; empty for a background meeting."
    )


class DraftExtraction(BaseModel):
    # The length limits are in the JSON Schema, so llama.cpp's grammar enforces them while
    # generating: a small model cannot loop into an endless list and run out of tokens.
    summits: list[DraftSummit] = Field(max_length=6, description="Every meeting the article mentions, the main one first.")

    @model_validator(mode="after")
    def _main_meeting_first(self) -> DraftExtraction:
        """The first meeting is the main one, the others background, unless the reply says."""
        for index, summit in enumerate(self.summits):
            if summit.mention is None:
                summit.mention = "primary" if index == 0 else "background"
        return self

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> DraftExtraction:
        """Re-ask the model about values the article does not support.

        The check is set by the extraction step (``grounding_check``), or passed in the
        validation context (``{"grounding_check": fn}``); without one this model is a plain schema.
        """
        check = (info.context or {}).get("grounding_check") or _grounding_check.get()
        issues = check(self) if check else []
        if issues:
            raise ValueError("values not supported by the article: " + "; ".join(issues))
        return self
