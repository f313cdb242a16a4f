"""Per-article records: what one article says about the meetings it reports.

The field descriptions are written for a reader: they are published in the JSON Schemas under
``schemas/json/`` and they are what a model sees when it fills these records.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.vocab import (
    PARTIAL_DATE_PATTERN,
    ActorKind,
    Alignment,
    DatePrecision,
    FailureKind,
    MentionKind,
    PledgeCertainty,
    PledgeDomain,
    SummitKind,
    SummitStatus,
)

SCHEMA_VERSION = "1.0"

COUNTRY_CODE = Field(
    default=None,
    pattern=r"^[A-Z]{2}$",
    description="ISO 3166-1 alpha-2 country code, e.g. KR, JP, US.",
)


class Record(BaseModel):
    """Base of every record: unknown fields are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class Evidence(Record):
    """A verbatim quote from the article that supports a value, and where it stands."""

    quote: str = Field(description="Words copied from the article text.", min_length=1)
    start: int = Field(ge=0, description="Character offset of the quote's first character in the article text.")
    end: int = Field(ge=0, description="Character offset one past the quote's last character.")
    alignment: Alignment = Field(
        default="exact",
        description="'exact' when the quote is found verbatim; 'fuzzy' when it matched a close passage, whose offsets are given.",
    )
    score: float = Field(default=1.0, ge=0.0, le=1.0, description="Similarity of quote and passage, 1.0 for exact.")


class Location(Record):
    """Where a meeting was held or is planned."""

    city: str | None = Field(default=None, description="City as named in the article, e.g. 'Nara'.")
    country: str | None = COUNTRY_CODE
    venue: str | None = Field(default=None, description="Building or site, if the article names one.")


class Actor(Record):
    """A person, government or organisation that took part in a meeting."""

    name: str = Field(description="The name as the article writes it.")
    canonical_name: str = Field(description="The name in its standard spelling, e.g. 'Lee Jae-myung'.")
    spellings: list[str] = Field(default_factory=list, description="Every spelling of the name seen in the article.")
    role: str | None = Field(default=None, description="Role or title, e.g. 'President', 'Minister of Defense'.")
    country: str | None = COUNTRY_CODE
    kind: ActorKind = Field(default="person", description="person, government or organisation.")
    evidence: list[Evidence] = Field(default_factory=list, description="Where the article names this actor.")


class Pledge(Record):
    """Something the parties agreed, promised or announced at the meeting."""

    description: str = Field(description="What was agreed, in a short sentence.")
    domain: PledgeDomain = Field(description="The policy area of the pledge.")
    parties: list[str] = Field(default_factory=list, description="Canonical names (or countries) of who pledged it.")
    certainty: PledgeCertainty = Field(
        default="explicit", description="'explicit' for an agreement or commitment; 'soft' for a stated intent or emphasis."
    )
    evidence: list[Evidence] = Field(default_factory=list, description="The article's words for this pledge.")


class Summit(Record):
    """One meeting an article mentions: who met, where, when, and whether it took place."""

    title: str = Field(
        description="A descriptive title naming the people and the place, e.g. 'Lee–Takaichi summit in Nara'; never the bare word 'Summit'.",
        min_length=3,
    )
    kind: SummitKind = Field(description="The kind of meeting.")
    status: SummitStatus = Field(description="held, ongoing, planned or cancelled, as of the article.")
    date: str | None = Field(
        default=None,
        pattern=PARTIAL_DATE_PATTERN,
        description="Partial ISO 8601 date at the precision the article supports: YYYY-MM-DD, YYYY-MM, YYYY, --MM-DD or --MM; null when unknown.",
    )
    date_precision: DatePrecision = Field(
        default="unknown",
        description="day, month, year, weekday (only a weekday is known) or unknown.",
    )
    date_text: str | None = Field(default=None, description="The article's own words for the date, e.g. 'on Tuesday', 'June 28'.")
    location: Location = Field(default_factory=Location, description="Where the meeting was held or is planned.")
    participants: list[str] = Field(default_factory=list, description="Canonical names of the people who met.")
    pledges: list[Pledge] = Field(default_factory=list, description="What was agreed at this meeting.")
    mention: MentionKind = Field(
        default="primary",
        description="'primary' for the meeting the article is about; 'background' for another meeting it mentions.",
    )
    evidence: list[Evidence] = Field(default_factory=list, description="The article's words for this meeting.")


class SourceMeta(Record):
    """Where an article came from."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = Field(default=None, description="Publication date, ISO 8601 (YYYY-MM-DD).")
    file: str | None = Field(default=None, description="Input file the article was read from.")
    line: int | None = Field(default=None, description="Line number, for an article read from JSONL.")


class TokenUsage(Record):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class DroppedValue(Record):
    """A value the model gave that the article does not support, left out of the record."""

    path: str = Field(description="Where it was, e.g. 'summits[0].participants[2]'.")
    value: str
    reason: str


class Provenance(Record):
    model: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    usage: TokenUsage = Field(default_factory=TokenUsage, description="Tokens over all attempts.")
    attempts: int = Field(default=1, ge=1, description="Model calls made, retries included.")
    seconds: float | None = Field(default=None, description="Wall time of the extraction.")
    cached: bool = Field(default=False, description="True when the result came from the cache.")


class ArticleExtraction(Record):
    """Everything extracted from one article."""

    article_id: str = Field(description="SHA-256 (hex, first 16 characters) of the article text the model saw.")
    source: SourceMeta = Field(default_factory=SourceMeta)
    summits: list[Summit] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    dropped: list[DroppedValue] = Field(default_factory=list, description="Unsupported values that were left out.")
    provenance: Provenance


class ExtractionFailure(Record):
    """An article that could not be extracted, and why: nothing is lost silently."""

    article_id: str | None = None
    source: SourceMeta = Field(default_factory=SourceMeta)
    error: FailureKind = Field(description="Kind of error: bad input, settings, the model server, an unusable reply, or a bug of ours.")
    message: str = Field(description="One line a user can act on.")
