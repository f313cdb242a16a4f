"""The contract: Pydantic records for articles, summits, pledges, actors and reconciled events.

This package imports nothing from ``extractor``; everything else imports it.
"""

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
PUBLISHED_MODELS = {
    "article_extraction": ArticleExtraction,
    "extraction_failure": ExtractionFailure,
    "summit": Summit,
    "pledge": Pledge,
    "actor": Actor,
    "evidence": Evidence,
    "event": Event,
}


def json_schemas() -> dict[str, dict]:
    """The JSON Schema of every published model, by file stem."""
    return {name: model.model_json_schema() for name, model in PUBLISHED_MODELS.items()}


__all__ = [
    "SCHEMA_VERSION",
    "PLEDGE_DOMAINS",
    "SUMMIT_KINDS",
    "SUMMIT_STATUSES",
    "PUBLISHED_MODELS",
    "json_schemas",
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
]
