"""Gold files in the ``summit-gold/1`` format (../shared/gold/FORMAT.md): loading, and turning
them into the extractions a perfect extractor would have produced.

The loader is lenient about fields it does not use (other gold files may carry notes of their
own) and strict about the ones it does, so a malformed gold file fails with one clear line.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.errors import GoldFormatError, first_problem
from extractor.jsontext import JSON_ERRORS, json_problem
from schemas import Actor, ArticleExtraction, Location, Pledge, Provenance, SourceMeta, Summit
from schemas.vocab import DatePrecision, MentionKind, SummitKind, SummitStatus

GOLD_FORMAT = "summit-gold/1"


class _GoldModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GoldActor(_GoldModel):
    name: str
    aliases: list[str] = Field(default_factory=list)
    role: str | None = None
    country: str | None = None


class GoldMention(_GoldModel):
    event_key: str
    mention: MentionKind = "primary"
    kind: SummitKind
    status: SummitStatus
    date: str | None = None
    date_precision: DatePrecision = "unknown"
    date_text: str | None = None
    city: str | None = None
    country: str | None = None
    participants: list[str] = Field(default_factory=list)
    pledge_domains: list[str] = Field(default_factory=list)
    optional_pledge_domains: list[str] = Field(default_factory=list)
    optional: bool = False


class GoldArticle(_GoldModel):
    published: str | None = None
    notes: str | None = None
    summits: list[GoldMention] = Field(default_factory=list)


class GoldConflict(_GoldModel):
    field: str
    values: list[str | None]
    resolved: str | None
    why: str | None = None


class GoldEvent(_GoldModel):
    date: str | None = None
    city: str | None = None
    country: str | None = None
    sources: list[str] = Field(default_factory=list)
    conflicts: list[GoldConflict] = Field(default_factory=list)


class GoldNonMerge(_GoldModel):
    """Look-alike events that must stay apart (a trap for the reconciler), and why."""

    events: list[str] = Field(min_length=2)
    why: str | None = None


class GoldFile(_GoldModel):
    format: Literal["summit-gold/1"]
    domains: list[str] = Field(default_factory=list)
    actors: list[GoldActor] = Field(default_factory=list)
    articles: dict[str, GoldArticle]
    events: dict[str, GoldEvent] = Field(default_factory=dict)
    non_merge: list[GoldNonMerge] = Field(default_factory=list)


def load_gold(path: str | Path) -> GoldFile:
    """Read and check a gold file; every problem becomes one ``GoldFormatError`` line."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldFormatError(f"{path}: gold file not found") from None
    except OSError as exc:
        raise GoldFormatError(f"{path}: cannot read the gold file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise GoldFormatError(f"{path}: gold file is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise GoldFormatError(f"{path}: gold file is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except JSON_ERRORS as exc:  # nested too deeply, or a number too long to parse
        raise GoldFormatError(f"{path}: gold file is not valid JSON ({json_problem(exc)})") from None
    if not isinstance(raw, dict) or raw.get("format") != GOLD_FORMAT:
        found = raw.get("format") if isinstance(raw, dict) else type(raw).__name__
        raise GoldFormatError(f"{path}: not a {GOLD_FORMAT} gold file (format is {found!r})")
    try:
        return GoldFile.model_validate(raw)
    except ValidationError as exc:
        raise GoldFormatError(f"{path}: bad gold record at {first_problem(exc)}") from None
    except RecursionError:
        raise GoldFormatError(f"{path}: bad gold record (nested too deeply)") from None


def gold_article_id(file_name: str) -> str:
    """A stable stand-in article id for a gold article (the gold has no text to hash)."""
    return hashlib.sha256(file_name.encode("utf-8")).hexdigest()[:16]


def gold_to_extractions(gold: GoldFile) -> list[ArticleExtraction]:
    """The extractions a perfect extractor would produce for the gold's articles.

    Optional mentions are left out; pledges get one entry per gold domain. Used to test the
    reconciler and the scorer on input whose right answer is known.
    """
    # A mention may name a person by one of their aliases: the actor record still knows them.
    roles = {name: actor for actor in gold.actors for name in (*actor.aliases, actor.name)}
    extractions = []
    for file_name, article in sorted(gold.articles.items()):
        summits = []
        names: set[str] = set()
        for mention in article.summits:
            if mention.optional:
                continue
            names.update(mention.participants)
            summits.append(
                Summit(
                    title=f"{' – '.join(mention.participants)} {mention.kind.replace('_', ' ')} in {mention.city or 'an unknown place'}",
                    kind=mention.kind,
                    status=mention.status,
                    date=mention.date,
                    date_precision=mention.date_precision,
                    date_text=mention.date_text,
                    location=Location(city=mention.city, country=mention.country),
                    participants=list(mention.participants),
                    pledges=[
                        Pledge(description=f"cooperation on {domain.replace('_', ' ')}", domain=domain, parties=list(mention.participants))
                        for domain in mention.pledge_domains
                    ],
                    mention=mention.mention,
                )
            )
        actors = [
            Actor(
                name=name,
                canonical_name=name,
                spellings=[name],
                role=roles[name].role if name in roles else None,
                country=roles[name].country if name in roles else None,
            )
            for name in sorted(names)
        ]
        extractions.append(
            ArticleExtraction(
                article_id=gold_article_id(file_name),
                source=SourceMeta(file=file_name, published=article.published),
                summits=summits,
                actors=actors,
                provenance=Provenance(model="gold", prompt_version="gold"),
            )
        )
    return extractions
