"""Where each value of an event stands in its articles: quotes located as character spans.

A reconciled ``Event`` names the articles that gave each value and, where known, their words
for it; the extractions hold the quotes with their offsets into the article text. This module
joins the two: for one article's mention of an event it finds the span of each quote, so the
page can show the article with the very words highlighted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schemas import ArticleExtraction, Evidence, Summit

# A located quote: [start, end, quote] (a list, as it goes into the page's JSON).
Span = list


@dataclass(frozen=True)
class MentionEvidence:
    """One article's mention of an event: its summit, the article's quotes, and its text if known."""

    extraction: ArticleExtraction
    summit: Summit
    text: str | None = None

    def bank(self) -> Iterable[Evidence]:
        """Every quote with offsets that this mention can draw on, the meeting's own first."""
        yield from self.summit.evidence
        for pledge in self.summit.pledges:
            yield from pledge.evidence
        for actor in self.extraction.actors:
            yield from actor.evidence

    def locate(self, quote: str) -> Span | None:
        """The span of ``quote`` in the article: inside a recorded quote first, else in the text."""
        if not quote:
            return None
        for evidence in self.bank():
            at = evidence.quote.find(quote)
            if at >= 0:
                return [evidence.start + at, evidence.start + at + len(quote), quote]
        if self.text is not None:
            at = self.text.find(quote)
            if at >= 0:
                return [at, at + len(quote), quote]
        return None

    def meeting(self) -> list[Span]:
        """The article's words for the meeting itself: where a value has no quote of its own."""
        return [as_span(e) for e in self.summit.evidence[:1]]

    def spans(self, quotes: Iterable[str]) -> list[Span]:
        found = [span for span in map(self.locate, quotes) if span is not None]
        return found or self.meeting()

    def actor_spans(self, names: Iterable[str]) -> list[Span]:
        """The first quote naming each of ``names`` (canonical names or spellings)."""
        wanted = {name.casefold() for name in names}
        found = []
        for actor in self.extraction.actors:
            spellings = {actor.canonical_name.casefold(), actor.name.casefold(), *(s.casefold() for s in actor.spellings)}
            if spellings & wanted and actor.evidence:
                found.append(as_span(actor.evidence[0]))
        return found

    def pledge_spans(self, descriptions: Iterable[str]) -> list[Span]:
        wanted = set(descriptions)
        return [as_span(e) for pledge in self.summit.pledges if pledge.description in wanted for e in pledge.evidence[:1]]


def as_span(evidence: Evidence) -> Span:
    return [evidence.start, evidence.end, evidence.quote]
