"""Dates: the article's words resolved only against its own publication date; no invented years."""

import pytest

from extractor.normalize.dates import Dateline, ResolvedDate, find_date_phrases, find_dateline, resolve_date, shifts_a_day, with_year_from


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


# --- a wire dateline without a year -------------------------------------------------------------

_WIRE = (
    "Leaders to meet in Daegu\n\nBUSAN, Oct. 4 (Newswire)--The two ministers will meet in Daegu on Tuesday, the ministries said Saturday."
)


def test_a_yearless_wire_dateline_is_found_with_the_weekday_the_article_pins():
    assert find_dateline(_WIRE) == Dateline(10, 4, 5)  # "said Saturday": filed on a Saturday
    assert find_dateline("Ulsan, March 2 -- The talks, expected later Monday, will") == Dateline(3, 2, 0)
    assert find_dateline("feed) Incheon, Jan 9 (Wire Service) Officials") == Dateline(1, 9, None)


@pytest.mark.parametrize(
    "text",
    [
        "SEOUL, May 11, 2026 — a dateline with its year is a publication date, not this",
        "Headline\nThe ministers met in Seoul, May 3 -- and agreed",  # inside a sentence, no agency
        "Busan, Feb. 30 (Newswire)--no such day",
        "One\nTwo\nThree\nFour\nFive\nSix\nSeven\nEight\nBUSAN, Oct. 4 (Newswire)--too far down",
    ],
)
def test_what_is_not_a_yearless_dateline(text):
    assert find_dateline(text) is None


def test_filing_day_cues_that_disagree_pin_no_weekday():
    text = "BUSAN, Oct. 4 (Newswire)--The ministry said Saturday that talks held earlier Friday went well."
    assert find_dateline(text) == Dateline(10, 4, None)


@pytest.mark.parametrize(
    ("text", "upcoming", "date", "precision"),
    [
        ("on Tuesday", True, "--10-07", "day"),  # Saturday 4 October: the coming Tuesday
        ("on Tuesday", False, "--09-30", "day"),  # held: the Tuesday before
        ("Saturday", True, "--10-04", "day"),  # the filing day itself
        ("yesterday", False, "--10-03", "day"),
        ("on the 30th", False, "--09-30", "day"),
        ("last month", False, "--09", "month"),
        ("Oct. 9", True, "--10-09", "day"),  # a calendar date needs no dateline
        ("this year", False, None, "unknown"),  # a year is never invented
    ],
)
def test_relative_words_resolve_against_the_dateline_without_a_year(text, upcoming, date, precision):
    resolved = resolve_date(text, None, upcoming=upcoming, dateline=Dateline(10, 4, 5))
    assert (resolved.date, resolved.precision) == (date, precision)


def test_a_dateline_without_a_pinned_weekday_dates_day_words_but_not_weekdays():
    dateline = Dateline(10, 4, None)
    assert resolve_date("tomorrow", None, dateline=dateline).date == "--10-05"
    assert resolve_date("on Tuesday", None, dateline=dateline) == ResolvedDate(None, "weekday", "on Tuesday")


def test_across_the_end_of_february_a_yearless_day_is_unknown():
    # Without the year, the day after 28 February may be the 29th or 1 March.
    assert resolve_date("tomorrow", None, dateline=Dateline(2, 28, None)).date is None
    assert resolve_date("yesterday", None, dateline=Dateline(2, 28, None)).date == "--02-27"


def test_the_publication_date_wins_over_the_dateline():
    assert resolve_date("yesterday", "2026-10-04", dateline=Dateline(1, 1, None)).date == "2026-10-03"


# --- a day counted from another -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "date"),
    [
        ("the previous day", "2025-11-02", "2025-11-01"),
        ("the day before", "2026-03-01", "2026-02-28"),
        ("the following day", "--12-31", "--01-01"),
        ("the next day", "--02-28", None),  # leap year or not: unknown
        ("the previous day", None, None),  # nothing to count from
    ],
)
def test_a_day_counted_from_the_anchor(text, anchor, date):
    assert resolve_date(text, "2026-06-01", anchor=anchor).date == date


def test_the_day_before_an_event_is_not_a_counted_day():
    assert not shifts_a_day("the day before the summit")
    assert shifts_a_day("the day before.") and shifts_a_day("on the sidelines the previous day")


# --- finding date phrases; years for year-less dates; weeks ----------------------------------------


def test_day_of_the_month_and_counted_days_are_date_phrases():
    text = "Officials said on the 4th that the envoys met the previous day, before talks on the 9th of May in Seoul."
    assert [text[s:e] for s, e in find_date_phrases(text)] == ["on the 4th", "the previous day", "9th of May"]


@pytest.mark.parametrize(
    ("partial", "anchor", "date"),
    [
        ("--11", "2026-01-05", "2025-11"),  # the November before
        ("--11-02", "2026-01-05", "2025-11-02"),
        ("--01-20", "2026-01-05", "2026-01-20"),  # within 30 days after: the coming one
        ("2024-11", "2026-01-05", "2024-11"),  # a year already given stands
        ("--11", "not a date", "--11"),
    ],
)
def test_a_yearless_date_takes_its_year_from_an_anchor_day(partial, anchor, date):
    assert with_year_from(partial, anchor) == date


@pytest.mark.parametrize(
    ("published", "date", "precision"),
    [
        ("2026-01-21", "2026-01", "month"),  # 26-30 January; only the weekend spills into February
        ("2026-03-25", "2026", "year"),  # 30 March to 3 April: split on working days
        ("2026-12-23", None, "unknown"),  # 28 December to 1 January: no one year
        ("2026-05-06", "2026-05", "month"),  # 11-17 May, all in one month
    ],
)
def test_next_week_takes_the_month_of_its_working_days(published, date, precision):
    resolved = resolve_date("next week", published)
    assert (resolved.date, resolved.precision) == (date, precision)


def test_a_month_with_last_or_next_year_takes_that_year_from_the_publication_date():
    assert resolve_date("in August last year", "2025-09-30").date == "2024-08"
    assert resolve_date("November last year", "2026-02-01").date == "2025-11"
    assert resolve_date("June next year", "2025-09-30").date == "2026-06"
    assert resolve_date("August 3 last year", "2025-09-30").date == "2024-08-03"


def test_a_date_phrase_leaves_the_sentences_full_stop_but_keeps_an_abbreviations():
    text = "They last met in February. Talks resume on Sept. 3 or in Feb. 2027, not in May."
    assert [text[s:e] for s, e in find_date_phrases(text)] == ["in February", "on Sept. 3", "in Feb. 2027", "in May"]


def test_a_planned_meetings_yearless_date_is_its_next_occurrence_within_the_horizon():
    published = "2026-01-21"
    assert resolve_date("in March", published, upcoming=True).date == "2026-03"
    assert resolve_date("on March 3", published, upcoming=True).date == "2026-03-03"
    assert resolve_date("in December", published, upcoming=True).date == "2026-12"
    # Reported, not planned: the latest occurrence (at most 30 days ahead), as before.
    assert resolve_date("in March", published).date == "2025-03"
    # A day almost a year ahead is more likely a past meeting whose status is wrong.
    assert resolve_date("on January 10", published, upcoming=True).date == "2026-01-10"


def test_a_span_counted_from_another_meeting_gives_the_month_its_window_lies_in():
    from extractor.normalize.dates import counted_from

    # Six days before 13 January, give or take three: January 2026.
    assert (counted_from("six days after", "2026-01-13").date, counted_from("six days after", "2026-01-13").precision) == (
        "2026-01",
        "month",
    )
    # "a month before" the 10th of March: early April, give or take a week.
    assert counted_from("a month before", "2026-03-10").date == "2026-04"
    # Three days after 2 March, give or take three: late February or early March, so only the year.
    assert (counted_from("3 days after", "2026-03-02").date, counted_from("3 days after", "2026-03-02").precision) == ("2026", "year")
    # Across a new year: nothing.
    assert counted_from("two weeks after", "2026-01-13").date is None
    # No day to count from, or no count: nothing.
    assert counted_from("six days after", "2026-01").date is None
    assert counted_from("a few days after", "2026-01-13").date is None


def test_an_ordinal_that_counts_an_event_is_no_day_of_the_month():
    assert resolve_date("after the 6th Pacific Islands Forum", "2025-04-04").precision == "unknown"
    assert resolve_date("the 10th round of talks", "2025-04-04").precision == "unknown"
    assert resolve_date("on the 30th", "2025-04-04").date == "2025-03-30"
