"""The event report: one self-contained HTML page of reconciled events, their sources,
conflicts and quotes, readable offline (``summit-extract report``, ``run --report``).

* ``data`` — the page's data: every value with the articles that gave it and quote spans;
* ``evidence`` — quotes located in the articles; ``rules`` — the reconciler's rules in words;
* ``page`` — the HTML, with styles, script and data inlined and every article string escaped;
* ``inputs`` — reading events and extractions for the command line, one bad line at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.ingest import Article
from extractor.report.data import report_data
from extractor.report.page import render_page
from schemas import ArticleExtraction, Event


def build_report(
    events: Iterable[Event],
    extractions: Iterable[ArticleExtraction] | None = None,
    articles: Iterable[Article] | None = None,
    *,
    title: str = "Summit events",
    problems: Iterable[str] = (),
) -> str:
    """The report as one HTML document.

    ``extractions`` (optional) give each quote's offsets, ``articles`` (optional) the texts the
    quotes are highlighted in; without them the page still shows every event, value and source.
    ``problems`` are input lines that could not be read, listed at the top of the page.
    """
    return render_page(report_data(events, extractions, articles, title=title, problems=problems))


__all__ = ["build_report"]
