"""summit-extractor: grounded records of diplomatic meetings from news articles.

The pipeline, one package per stage: ``ingest`` → ``model`` (prompt, client, retries) →
``extract`` → ``grounding`` → ``normalize`` → ``reconcile``, with ``evaluate`` scoring a run
against gold; ``runtime`` runs it (``ExtractionSession``, batches, the cache), ``cli`` is the
shell. The records themselves live in the separate ``schemas`` package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from extractor.runtime.session import ExtractionSession, Outcome

# Loaded on first use: `import extractor` (and `summit-extract --help`) must not load the
# model client.
_LAZY = {"ExtractionSession": "extractor.runtime.session", "Outcome": "extractor.runtime.session"}

__all__ = ["ExtractionSession", "Outcome", "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
