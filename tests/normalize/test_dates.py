"""Dates: the article's words resolved only against its own publication date; no invented years."""

import pytest

from extractor.normalize.dates import ResolvedDate, resolve_date


@pytest.mark.parametrize(
    ("text", "published", "date", "precision"),
    [
        # Seeds: "Tuesday" in an article published on Tuesday 2026-01-13 is that day.
        ("Tuesday", "2026-01-13", "2026-01-13", "day"),
        ("on Tuesday", "2026-01-13", "2026-01-13", "day"),
        # The most recent such weekday on or before publication.
        ("Friday", "2026-01-13", "2026-01-09", "day"),
        ("last Tuesday", "2026-01-13", "2026-01-06", "day"),
        ("next Tuesday", "2026-01-13", "2026-01-20", "day"),
        # Undated article: only a weekday is known.
        ("on Friday", None, None, "weekday"),
        ("June 28", "2026-06-28", "2026-06-28", "day"),
        ("June 28", "2026-06-28 04:40:03+00:00", "2026-06-28", "day"),
        ("June 28", None, "--06-28", "day"),
        ("28 June", None, "--06-28", "day"),
        ("September", None, "--09", "month"),
        ("talks in September", None, "--09", "month"),
        ("September 2025", None, "2025-09", "month"),
        ("2025", None, "2025", "year"),
        ("January 13, 2026", None, "2026-01-13", "day"),
        ("Tuesday, January 13, 2026", None, "2026-01-13", "day"),
        ("Jan. 13, 2026", "2027-05-01", "2026-01-13", "day"),
        ("2026-01-13", None, "2026-01-13", "day"),
        ("13.01.2026", None, "2026-01-13", "day"),
        ("June 28-29", None, "--06-28", "day"),
        ("yesterday", "2026-01-13", "2026-01-12", "day"),
        ("last month", "2026-01-13", "2025-12", "month"),
        ("this year", "2026-01-13", "2026", "year"),
        ("two days ago", "2026-01-13", "2026-01-11", "day"),
    ],
)
def test_resolves_the_articles_words(text, published, date, precision):
    assert resolve_date(text, published) == ResolvedDate(date, precision, text)


@pytest.mark.parametrize(
    ("text", "published", "date"),
    [
        # The latest occurrence starting no later than 30 days after publication.
        ("September", "2026-01-13", "2025-09"),
        ("February", "2026-01-13", "2026-02"),
        ("January 10", "2026-01-13", "2026-01-10"),
        ("February 2", "2026-01-13", "2026-02-02"),  # an announced meeting, three weeks ahead
        ("December 28", "2026-01-05", "2025-12-28"),
        ("January 3", "2025-12-20", "2026-01-03"),
        ("February 29", "2026-03-01", "2024-02-29"),
    ],
)
def test_year_of_a_yearless_date_comes_from_the_publication_date(text, published, date):
    assert resolve_date(text, published).date == date


@pytest.mark.parametrize("text", ["yesterday", "last month", "this week", "two days ago"])
def test_relative_words_need_a_publication_date(text):
    assert resolve_date(text, None) == ResolvedDate(None, "unknown", text)


@pytest.mark.parametrize("text", ["soon", "the summit", "Feb. 30", "may"])
def test_garbage_is_unknown_and_keeps_its_text(text):
    assert resolve_date(text, "2026-01-13") == ResolvedDate(None, "unknown", text)


def test_nothing_given():
    assert resolve_date(None, "2026-01-13") == ResolvedDate(None, "unknown", None)
    assert resolve_date("  ", None) == ResolvedDate(None, "unknown", None)


def test_bad_publication_date_is_ignored():
    assert resolve_date("Tuesday", "not a date") == ResolvedDate(None, "weekday", "Tuesday")


def test_a_planned_meetings_weekday_looks_forward():
    # Published Tuesday 2026-01-13: "will visit Horyuji on Wednesday" is the 14th, not the 7th.
    assert resolve_date("on Wednesday", "2026-01-13", upcoming=True).date == "2026-01-14"
    assert resolve_date("on Wednesday", "2026-01-13").date == "2026-01-07"
    assert resolve_date("on Tuesday", "2026-01-13", upcoming=True).date == "2026-01-13"


@pytest.mark.parametrize(
    ("text", "published", "upcoming", "date"),
    [
        ("on the 30th", "2025-09-30", False, "2025-09-30"),  # the same day
        ("on the 24th", "2025-10-27", False, "2025-10-24"),  # earlier this month
        ("on the 30th", "2025-10-02", False, "2025-09-30"),  # last month: the 30th is still ahead
        ("on the 31st", "2025-10-02", False, "2025-08-31"),  # September has no 31st
        ("on the 30th", "2025-09-24", True, "2025-09-30"),  # planned: the coming 30th
        ("on the 2nd", "2025-10-27", True, "2025-11-02"),  # planned: next month's 2nd
    ],
)
def test_a_day_of_the_month_is_read_in_the_publication_month(text, published, upcoming, date):
    resolved = resolve_date(text, published, upcoming=upcoming)
    assert (resolved.date, resolved.precision) == (date, "day")


def test_a_day_of_the_month_needs_a_publication_date_and_an_ordinal():
    assert resolve_date("on the 30th", None).date is None
    assert resolve_date("the 30 delegates", "2025-09-30").date is None
