"""The seam between the worker and extraction: one ``Article`` in, one ``Outcome`` out.

It is the long-lived ``ExtractionSession``: the model endpoint starts on the first article and
stays up for the worker's life. What the worker adds is the storage key's parts (the model's
identity and the prompt's) and the health check's URL.
"""

from __future__ import annotations

import re

from extractor.ingest import Article
from extractor.runtime.session import ExtractionSession, Outcome, prompt_identity
from extractor.settings import Settings
from schemas import ExtractionFailure

# A model failure that says nothing about the article: the server is down, overloaded or slow.
# The worker waits for it rather than counting an attempt against the message. The phrases are
# those extractor.model.wire.model_error writes (one owner for them).
_OUTAGE = re.compile(r"cannot reach the model server|answered HTTP (?:5\d\d|429|408)\b|did not answer in time")


def is_model_outage(failure: ExtractionFailure) -> bool:
    return failure.error == "model" and bool(_OUTAGE.search(failure.message))


class ArticleHandler:
    """``with ArticleHandler(settings) as handler: outcome = await handler.extract(article)``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.session = ExtractionSession(settings)
        self.model_identity = self.session.provider.identity
        self.prompt_version = prompt_identity(settings, self.session.prompt)

    def __enter__(self) -> ArticleHandler:
        self.session.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.session.close()

    @property
    def base_url(self) -> str | None:
        """Where the model answers (for the health check): the configured server, or the
        embedded one once it has started."""
        if self.settings.base_url:
            return self.settings.base_url
        endpoint = getattr(self.session, "_endpoint", None)
        return endpoint.base_url if endpoint else None

    async def extract(self, article: Article) -> Outcome:
        return await self.session.extract_async(article)
