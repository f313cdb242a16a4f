"""The seam between the worker and extraction: one ``Article`` in, one ``Outcome`` out.

It is the long-lived ``ExtractionSession``: the model endpoint starts on the first article and
stays up for the worker's life. What the worker adds is the storage key (what an extraction
depends on, as the CLI's cache key says it) and the health check's URL.
"""

from __future__ import annotations

from extractor.ingest import Article
from extractor.model.wire import public_url
from extractor.runtime.cache import code_identity
from extractor.runtime.session import ExtractionSession, Outcome, prompt_identity
from extractor.settings import Settings
from extractor.store import storage_key


def public_identity(identity: str, base_url: str | None) -> str:
    """The model's identity without the ``--base-url``'s query string, which may hold a token.

    It is written to the store (the ``model`` column) and hashed into every storage key: a token
    there would be readable by anyone who reads the database, and rotating it would make every
    article look new. What the query carries (a key, an API version) does not change the model.
    """
    if base_url and base_url in identity:
        return identity.replace(base_url, public_url(base_url) or base_url)
    return identity


class ArticleHandler:
    """``with ArticleHandler(settings) as handler: outcome = await handler.extract(article)``."""

    def __init__(self, settings: Settings, *, code: str | None = None):
        """``code``: the code's identity in the storage key (by default the package's own hash)."""
        self.settings = settings
        self.session = ExtractionSession(settings)
        self.model_identity = public_identity(self.session.provider.identity, settings.base_url)
        self.prompt_version = prompt_identity(settings, self.session.prompt)
        self.code_identity = code if code is not None else code_identity()

    def __enter__(self) -> ArticleHandler:
        self.session.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.session.close()

    def storage_key(self, article: Article) -> str:
        return storage_key(
            article.article_id,
            article.published,
            self.model_identity,
            self.prompt_version,
            mode=self.settings.mode,
            code=self.code_identity,
        )

    @property
    def base_url(self) -> str | None:
        """Where the model answers (for the health check): the configured server, or the
        embedded one once it has started."""
        return self.settings.base_url or self.session.base_url

    async def extract(self, article: Article) -> Outcome:
        return await self.session.extract_async(article)

    async def aclose(self) -> None:
        """Close the async model client before the event loop that made it ends."""
        await self.session.aclose()
