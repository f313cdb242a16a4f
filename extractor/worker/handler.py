"""The seam between the worker and extraction: one ``Article`` in, one ``Outcome`` out.

Everything the worker knows about extracting is here, so that moving to the long-lived
``ExtractionSession`` is a change to this file alone.
"""

from __future__ import annotations

import contextlib
import re

from extractor.client import make_async_client, model_endpoint
from extractor.extract import Extractor, public_url
from extractor.ingest import Article
from extractor.pipeline import Outcome, _model_identity, article_failure
from extractor.errors import SummitError
from extractor.prompting import load_prompt
from extractor.settings import Settings
from schemas import ExtractionFailure

# A model failure that says nothing about the article: the server is down, overloaded or slow.
# The worker waits for it rather than counting an attempt against the message. The phrases are
# those extractor.extract.model_error writes (one owner for them).
_OUTAGE = re.compile(r"cannot reach the model server|answered HTTP (?:5\d\d|429|408)\b|did not answer in time")


def is_model_outage(failure: ExtractionFailure) -> bool:
    return failure.error == "model" and bool(_OUTAGE.search(failure.message))


class ArticleHandler:
    """``with ArticleHandler(settings) as handler: outcome = await handler.extract(article)``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.prompt = load_prompt(settings.prompt_name)
        self.model_identity = _model_identity(settings)
        self._stack = contextlib.ExitStack()
        self._extractor: Extractor | None = None
        self.base_url: str | None = None

    @property
    def prompt_version(self) -> str:
        return self.prompt.version

    def __enter__(self) -> ArticleHandler:
        endpoint = self._stack.enter_context(model_endpoint(self.settings))
        self.base_url = endpoint.base_url
        client = make_async_client(self.settings, endpoint)
        self._extractor = Extractor(client, self.prompt, self.settings, base_url=endpoint.base_url)
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    @property
    def public_base_url(self) -> str | None:
        return public_url(self.base_url)

    async def extract(self, article: Article) -> Outcome:
        assert self._extractor is not None, "enter the handler first"
        try:
            return Outcome(extraction=await self._extractor.extract_async(article))
        except SummitError as error:
            return Outcome(failure=article_failure(article, error))
        except Exception as error:  # noqa: BLE001 - a bug on one article is that article's failure
            failure = article_failure(article, SummitError(f"internal error: {type(error).__name__}: {error}"[:300]))
            return Outcome(failure=failure.model_copy(update={"error": "internal"}))
