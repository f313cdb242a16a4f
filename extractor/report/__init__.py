"""The event report: one self-contained HTML page of reconciled events, their sources,
conflicts and quotes, readable offline (``summit-extract report``, ``run --report``).

* ``data`` — the page's data: every value with the articles that gave it and quote spans;
* ``evidence`` — quotes located in the articles; ``rules`` — the reconciler's rules in words;
* ``page`` — the HTML, with styles, script and data inlined and every article string escaped;
* ``inputs`` — reading events and extractions for the command line, one bad line at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from extractor.ingest import Article
from extractor.report.data import report_data
from extractor.report.output import check_writable, write_html
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


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    events: int
    conflicts: int

    def line(self) -> str:
        """The closing line of a command that wrote the report: where it is and what it holds."""
        return (
            f"report written to {self.path}: {self.events} event{'s' * (self.events != 1)}, "
            f"{self.conflicts} conflict{'s' * (self.conflicts != 1)}"
        )


def write_report(
    path: Path,
    events: Iterable[Event],
    extractions: Iterable[ArticleExtraction] | None = None,
    articles: Iterable[Article] | None = None,
    *,
    title: str = "Summit events",
    problems: Iterable[str] = (),
    flag: str = "-o",
) -> WrittenReport:
    """Build the report and write it to ``path`` whole; a path that cannot be written is a
    ``ConfigError`` naming ``flag``."""
    events = list(events)
    write_html(path, build_report(events, extractions, articles, title=title, problems=problems), flag)
    return WrittenReport(path, len(events), sum(len(e.conflicts) for e in events))


__all__ = ["WrittenReport", "build_report", "check_writable", "write_report"]
