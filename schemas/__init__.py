"""The contract: Pydantic records for articles, summits, pledges, actors and reconciled events.

This package imports nothing from ``extractor``; everything else imports it.
"""

from typing import Any

from pydantic import BaseModel

from schemas.events import Conflict, Event, FieldResolution, MergedActor, MergedPledge, SeenValue, SourceRef
from schemas.records import (
    SCHEMA_VERSION,
    Actor,
    ArticleExtraction,
    DroppedValue,
    Evidence,
    ExtractionFailure,
    Location,
    Pledge,
    Provenance,
    SourceMeta,
    Summit,
    TokenUsage,
)
from schemas.vocab import PLEDGE_DOMAINS, SUMMIT_KINDS, SUMMIT_STATUSES

# Models published as JSON Schema files under schemas/json/, by file stem.
PUBLISHED_MODELS: dict[str, type[BaseModel]] = {
    "article_extraction": ArticleExtraction,
    "extraction_failure": ExtractionFailure,
    "summit": Summit,
    "pledge": Pledge,
    "actor": Actor,
    "evidence": Evidence,
    "event": Event,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every published model, by file stem."""
    return {name: model.model_json_schema() for name, model in PUBLISHED_MODELS.items()}


__all__ = [
    "PLEDGE_DOMAINS",
    "PUBLISHED_MODELS",
    "SCHEMA_VERSION",
    "SUMMIT_KINDS",
    "SUMMIT_STATUSES",
    "Actor",
    "ArticleExtraction",
    "Conflict",
    "DroppedValue",
    "Event",
    "Evidence",
    "ExtractionFailure",
    "FieldResolution",
    "Location",
    "MergedActor",
    "MergedPledge",
    "Pledge",
    "Provenance",
    "SeenValue",
    "SourceMeta",
    "SourceRef",
    "Summit",
    "TokenUsage",
    "json_schemas",
]
