"""Dates: the article's words for a date, turned into a partial ISO date at the precision they support.

The model copies the article's own words ("on Tuesday", "June 28", "in September"); this module
decides what calendar date those words mean. Two rules keep it honest:

* **Relative words are resolved only against the article's publication date.** "Tuesday" in an
  article published on 2026-01-13 (a Tuesday) is 2026-01-13; in an undated article it is only a
  weekday (precision ``weekday``, date ``None``). "yesterday", "last month", "this year" and
  "two days ago" likewise need the publication date, and are ``unknown`` without it.
* **A year is never invented.** "June 28" without a publication date is ``--06-28``; "September"
  is ``--09``. With a publication date, a yearless date takes the year of its **latest occurrence
  that starts no later than 30 days after publication** (``LOOKAHEAD``): news mostly reports what
  happened, and sometimes announces a meeting a few weeks ahead. So, published 2026-01-13:
  "January 10" → 2026-01-10, "February 2" → 2026-02-02 (announced), "September" → 2025-09,
  "December 28" → 2025-12-28; published 2025-12-20, "January 3" → 2026-01-03. For a planned
  meeting (``upcoming``) it is the first occurrence on or after publication, within 330 days
  (``PLANNED_HORIZON``): published 2026-01-21, "will meet in March" → 2026-03.

A day of the month alone ("on the 30th") is read in the publication month: the last such day on
or before publication (the next one on or after it for a planned meeting); without a publication
date it is unknown.

Weekdays: a bare weekday is the most recent such day on or before publication (the same day when
the article was published on that weekday); "next Tuesday" is the first one after it and
"last Tuesday" the most recent one strictly before it. A day range ("June 28-29") resolves to its
first day. Times of day are never produced.

**A wire dateline without a year** ("Tokyo, Sept. 26 (Jiji Press)--", "GYEONGJU, South Korea,
Oct. 30 (Yonhap) --") is no publication date (a year is never invented), but it is the day the
story was filed, so in an article with no publication date the relative words resolve against it
to a year-less day: "yesterday" → ``--09-25``, "on the 30th" → ``--09-30``, "last month" → ``--08``.
A weekday needs the dateline's weekday, which the article pins where wire copy names the filing
day instead of "today": "the governments said Friday", "expected later Thursday" (``find_dateline``).

"the previous day", "the day before", "the next day", "the following day" shift another day the
same passage states ("According to the office on the 2nd, … held the previous day"): the caller
gives that day as ``anchor``; alone they are unknown.

A span counted from another meeting ("Lee's visit comes six days after he returned from a summit
with Xi", "the talks come two weeks before the G20") dates that other meeting from the day the
caller gives (``counted_from``): such spans are rounded, and "after he returned from" dates the
return, not the talks, so the result is a month or a year, never a day (see ``counted_from``).

Month-name forms are parsed here with a small regex, because we need to know *which parts* the
text gives (dateparser fills missing parts from today's date); numeric and "N days ago" forms go
to dateparser with ``REQUIRE_PARTS`` = day, month and year, so it cannot fill anything in.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

import dateparser
from dateutil.relativedelta import relativedelta

from schemas.vocab import DatePrecision

# How far after publication a yearless date may fall (an announced meeting).
LOOKAHEAD = timedelta(days=30)
# How far ahead a planned meeting's yearless date may fall (otherwise LOOKAHEAD's rule stands).
PLANNED_HORIZON = timedelta(days=330)


@dataclass(frozen=True)
class ResolvedDate:
    """A partial ISO date (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, ``--MM-DD``, ``--MM``) or None."""

    date: str | None
    precision: DatePrecision
    text: str | None


_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9
_WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}
_WEEKDAYS.update({calendar.day_abbr[i].lower(): i for i in range(7)})

# The month and weekday words, longest first (for regex alternation); boilerplate.py uses them too.
MONTH_WORDS = tuple(sorted(_MONTHS, key=len, reverse=True))
WEEKDAY_WORDS = tuple(sorted(_WEEKDAYS, key=len, reverse=True))
# A weekday as the press dates a meeting of the coming or past days: "on Monday", "Tuesday".
ON_WEEKDAY = re.compile(r"\b(?:on\s+)?(?:" + "|".join(WEEKDAY_WORDS) + r")\b", re.IGNORECASE)

_MONTH = r"(?P<month>" + "|".join(MONTH_WORDS) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20|21)\d\d)"
_DAY_RANGE = r"(?:\s*[-\u2010-\u2015]\s*[0-3]?\d(?:st|nd|rd|th)?|\s+(?:and|to)\s+[0-3]?\d(?:st|nd|rd|th)?)?"

# "January 13, 2026", "Jan. 13", "June 28-29", "13 January 2026", "the 13th of January", "September 2025",
# "September". Each pattern is searched anywhere in the text, so "Tuesday, January 13, 2026" works.
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_DAY_RANGE}(?:\s*,?\s*{_YEAR}\b)?", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b{_DAY}{_DAY_RANGE}\s+(?:of\s+)?{_MONTH}(?:\s*,?\s*{_YEAR}\b)?", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:\s+of)?\s*,?\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b{_MONTH}(?!\w)", re.IGNORECASE)
_YEAR_ONLY = re.compile(rf"\b{_YEAR}\b")
_ISO_DAY = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")
_WEEKDAY = re.compile(
    r"\b(?:(?P<which>last|next|this|this\s+coming|this\s+past|past|coming)\s+)?(?P<weekday>" + "|".join(WEEKDAY_WORDS) + r")\b\.?",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:(?P<day_word>today|yesterday|tomorrow|tonight)"
    r"|(?P<which>this|last|next|past|previous|coming|earlier\s+this|later\s+this)\s+(?P<unit>week|month|year))\b",
    re.IGNORECASE,
)
# "on the 30th", "the 2nd": a day of the month named alone (the ordinal suffix is required, so
# that a bare number is never read as a day). A month after it is _DAY_MONTH's, tried first.
# An ordinal that counts something ("the 6th summit", "the 3rd Forum", "the 10th round") is no day:
# a day stands before punctuation, "of", or a word that is no noun it could count.
_DAY_OF_MONTH = re.compile(
    r"\bthe\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:(?-i:[A-Z])|(?:annual|round|session|edition|meeting|summit|"
    r"anniversary|time|century|day|week|month|year|floor|time|consecutive|straight|largest|biggest)\b))",
    re.IGNORECASE,
)
# Words that only make sense relative to a moment: they go to dateparser, with the publication date.
_RELATIVE_CUE = re.compile(r"\b(?:ago|later|earlier|before|after|since)\b", re.IGNORECASE)
_NUMERIC = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
# A day counted from another day of the same passage: "the previous day", "the day after".
# "The day before" counts only where nothing follows it ("the day before the summit" is not that).
_DAY_SHIFT = re.compile(
    r"\bthe\s+(?:(?P<back>previous|preceding)\s+day|(?:next|following)\s+day|day\s+(?:(?P<before>before)|after)(?=\s*(?:[,.;:)]|$)))\b",
    re.IGNORECASE,
)

# A span between two meetings: "six days after", "a week before", "two months after". The count
# must be a number: "a few days after", "weeks before" say too little.
_COUNTS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_SPAN_SHIFT = re.compile(
    rf"\b(?P<count>an?|{'|'.join(_COUNTS)}|\d{{1,2}})\s+(?P<unit>days?|weeks?|months?)\s+(?P<way>after|before)\b", re.IGNORECASE
)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}


@dataclass(frozen=True)
class Dateline:
    """The day a wire story was filed, from a dateline without a year; its weekday where the article pins it."""

    month: int
    day: int
    weekday: int | None  # 0 = Monday, as ``date.weekday()``


# "Tokyo, Sept. 26 (Jiji Press)--", "GYEONGJU, South Korea, Oct. 30 (Yonhap) --", "SEOUL, Jan 21 (IANS)":
# a place (one to three comma-separated capitalised names), a month and day with no year, then a
# news agency in brackets or a dash. It opens the story, so only the first lines are searched.
_PLACE_PART = r"[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2}"
_DATELINE = re.compile(
    rf"(?:^|(?<=[\s)]))(?P<place>{_PLACE_PART}(?:,[ \t]+{_PLACE_PART}){{0,2}}),[ \t]+"
    rf"(?i:(?P<month>{'|'.join(MONTH_WORDS)}))\.?[ \t]+(?P<day>[0-3]?\d)(?![\d,:]|[ \t]+\d)"
    r"(?:[ \t]*\((?P<agency>[A-Z][^()\n]{1,40})\)|[ \t]*(?:--|[\u2013\u2014]))",
    re.MULTILINE,
)
_DATELINE_LINES = 8  # non-blank lines from the top in which a dateline may stand
# Where wire copy names the filing day by its weekday instead of "today": the day a statement was
# made ("the ministry said Friday", "told reporters on Friday") and "later Thursday" / "earlier Thursday".
_FILING_WEEKDAY = re.compile(
    r"\b(?:(?:said|says|announced|confirmed|stated|told\s+(?:reporters|journalists|a\s+news\s+conference))\s+(?:on\s+)?"
    r"|(?:[Ll]ater|[Ee]arlier)\s+(?:on\s+)?)(?P<weekday>" + "|".join(calendar.day_name) + r")\b"
)


def find_dateline(text: str) -> Dateline | None:
    """The year-less dateline that opens a wire story, with the weekday the article pins to it, else None.

    The weekday is known only where every filing-day cue ("said Friday", "later Friday") names the
    same one; a dateline whose cues disagree, or that has none, keeps ``weekday=None``.
    """
    head = "\n".join([line for line in text.split("\n") if line.strip()][:_DATELINE_LINES])
    # At the start of a line, or after page furniture when a news agency follows ("IANS) Seoul,
    # Jan 21 (IANS) …"); "talks in Seoul, May 3 – and" inside a sentence is no dateline.
    m = next((m for m in _DATELINE.finditer(head) if m["agency"] or not head[head.rfind("\n", 0, m.start()) + 1 : m.start()].strip()), None)
    if m is None:
        return None
    month, day = _MONTHS[m["month"].lower()], int(m["day"])
    if _day(2000, month, day) is None:  # 2000 is a leap year: every real month-day exists in it
        return None
    pinned = {_WEEKDAYS[cue["weekday"].lower()] for cue in _FILING_WEEKDAY.finditer(text)}
    return Dateline(month, day, pinned.pop() if len(pinned) == 1 else None)


def resolve_date(
    date_text: str | None,
    published: str | None,
    *,
    upcoming: bool = False,
    dateline: Dateline | None = None,
    anchor: str | None = None,
) -> ResolvedDate:
    """Resolve the article's words for a date; see the module docstring for the rules.

    ``upcoming``: the date is of a planned meeting, so a bare weekday ("will visit on Wednesday")
    is the next such day on or after publication rather than the last one before it.
    ``dateline``: the article's year-less dateline, used only when there is no publication date.
    ``anchor``: the day (partial ISO) that "the previous day" and the like count from.
    """
    if date_text is None or not date_text.strip():
        return ResolvedDate(None, "unknown", None)
    text = date_text.strip()
    if shifts_a_day(text):
        return ResolvedDate(*_shifted(text, anchor), text)
    pub = parse_published(published)
    if pub is None and dateline is not None:
        undated = resolve_date(text, None, upcoming=upcoming)
        if undated.date is None and (from_dateline := _against_dateline(text, dateline, upcoming)) is not None:
            return ResolvedDate(*from_dateline, text)
        return undated
    absolute = partial(_absolute, upcoming=upcoming)
    weekday = partial(_weekday, upcoming=upcoming)
    day_of_month = partial(_day_of_month, upcoming=upcoming)
    for resolver in (absolute, _relative, weekday, day_of_month, _with_dateparser):
        found = resolver(text, pub)
        if found is not None:
            iso, precision = found
            return ResolvedDate(iso, precision, text)
    return ResolvedDate(None, "unknown", text)


def shifts_a_day(text: str) -> bool:
    """ "the previous day", "the following day": a day counted from another one (see ``anchor``)."""
    return bool(_DAY_SHIFT.search(text)) and _absolute(text, None) is None


def _shifted(text: str, anchor: str | None) -> tuple[str | None, DatePrecision]:
    """ "the previous day" and the like: one day from ``anchor`` (a day, with or without its year)."""
    m = _DAY_SHIFT.search(text)
    parts = _anchor_day(anchor)
    if m is None or parts is None:
        return None, "unknown"
    step = -1 if (m["back"] or m["before"]) else 1
    year, month, day = parts
    if year is not None:
        return (date(year, month, day) + timedelta(days=step)).isoformat(), "day"
    return _yearless_shift(date(2001 if (month, day) != (2, 29) else 2000, month, day), step)


def find_span_shifts(text: str) -> list[tuple[int, int]]:
    """(start, end) of each span counted from another day: "six days after", "a week before"."""
    return [(m.start(), m.end()) for m in _SPAN_SHIFT.finditer(text)]


def counted_from(text: str, anchor: str | None) -> ResolvedDate:
    """The meeting that ``text`` ("six days after", "two weeks before") counts from ``anchor``.

    ``anchor`` is the day the span is counted from (a full ISO day): the meeting on the other side
    of "comes six days after …" (the caller knows which). The span is read loosely: the true day
    lies within a quarter of the span, at least three days, either side (a "week" may be eight
    days; "after he returned from" counts from the return, not the talks). The result is the month
    that whole window lies in, else its year, else unknown; never a day.
    """
    m = _SPAN_SHIFT.search(text or "")
    parts = _anchor_day(anchor)
    if m is None or parts is None:
        return ResolvedDate(None, "unknown", text)
    year, month, day = parts
    if year is None:
        return ResolvedDate(None, "unknown", text)
    count_word = m["count"].lower()
    count = 1 if count_word in ("a", "an") else _COUNTS.get(count_word) or int(count_word)
    days = count * _UNIT_DAYS[m["unit"].lower().rstrip("s")]
    step = -1 if m["way"].lower() == "after" else 1  # "X comes N days after Y": Y is N days before X
    centre = date(year, month, day) + timedelta(days=step * days)
    slack = timedelta(days=max(3, days // 4))
    low, high = centre - slack, centre + slack
    if (low.year, low.month) == (high.year, high.month):
        return ResolvedDate(f"{low.year:04d}-{low.month:02d}", "month", text)
    if low.year == high.year:
        return ResolvedDate(f"{low.year:04d}", "year", text)
    return ResolvedDate(None, "unknown", text)


def _anchor_day(anchor: str | None) -> tuple[int | None, int, int] | None:
    m = re.fullmatch(r"(?:(?P<year>\d{4})|-)-(?P<month>\d\d)-(?P<day>\d\d)", (anchor or "").strip())
    if m is None or _day(2000, int(m["month"]), int(m["day"])) is None:
        return None
    return (int(m["year"]) if m["year"] else None), int(m["month"]), int(m["day"])


def _yearless_shift(start: date, days: int) -> tuple[str | None, DatePrecision]:
    """``start`` moved by ``days`` in a year we do not know: unknown across the end of February,
    where the answer depends on whether that year was a leap year."""
    end = start + timedelta(days=days)
    low, high = sorted((start, end))
    if any(low <= date(year, 2, 28) < high for year in {low.year, high.year}):
        return None, "unknown"
    return f"--{end.month:02d}-{end.day:02d}", "day"


def _against_dateline(text: str, dateline: Dateline, upcoming: bool) -> tuple[str | None, DatePrecision] | None:
    """Relative words read from the dateline's day, in a year of the right weekday; the year is then dropped.

    A weekday without a pinned dateline weekday is not resolved. A result in another month than
    the dateline's is kept; one that needs to know whether February had 29 days is not.
    """
    if _WEEKDAY.search(text) and dateline.weekday is None:
        return None
    years = [y for y in range(2000, 2028) if _day(y, dateline.month, dateline.day) is not None]
    if dateline.weekday is not None:
        years = [y for y in years if date(y, dateline.month, dateline.day).weekday() == dateline.weekday]
    filed = date(years[0], dateline.month, dateline.day)
    found = resolve_date(text, filed.isoformat(), upcoming=upcoming)
    if found.date is None or found.precision not in ("day", "month"):
        return None
    if found.precision == "month":
        return f"--{found.date[5:7]}", "month"
    return _yearless_shift(filed, (date.fromisoformat(found.date) - filed).days)


def dated_after_publication(resolved: ResolvedDate, published: str | None) -> bool:
    """A day-precise date after the article was published: a meeting not yet held."""
    return resolved.precision == "day" and bool(resolved.date) and bool(published) and str(resolved.date) > str(published)[:10]


def with_year_from(partial: str, anchor: str) -> str:
    """A year-less date ("--11", "--11-01") with the year it takes when ``anchor`` is the publication
    date (the ``LOOKAHEAD`` rule); any other date, or a bad anchor, leaves it as it is."""
    pub = parse_published(anchor)
    m = re.fullmatch(r"--(?P<month>\d\d)(?:-(?P<day>\d\d))?", partial)
    if pub is None or m is None or not 1 <= int(m["month"]) <= 12:
        return partial
    found = _yearless_day(int(m["month"]), int(m["day"]), pub) if m["day"] else _yearless_month(int(m["month"]), pub)
    return found[0] if found and found[0] else partial


def parse_published(published: str | None) -> date | None:
    """The publication date from an ISO string ("2026-06-28" or "2026-06-28 04:40:03+00:00"), else None."""
    if not published:
        return None
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def _absolute(text: str, pub: date | None, *, upcoming: bool = False) -> tuple[str | None, DatePrecision] | None:
    """Calendar words: month names, ISO days and bare years. Only the parts given are used."""
    if m := _ISO_DAY.search(text):
        return _day(int(m["year"]), int(m["month"]), int(m["day"]))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        if (m := pattern.search(text)) and _is_month(m):
            month, day = _MONTHS[m["month"].lower()], int(m["day"])
            if m["year"]:
                return _day(int(m["year"]), month, day)
            if pub is not None and (year := _stated_year(text, pub)) is not None:
                return _day(year, month, day)
            return _yearless_day(month, day, pub, upcoming=upcoming)
    if (m := _MONTH_YEAR.search(text)) and _is_month(m):
        return f"{m['year']}-{_MONTHS[m['month'].lower()]:02d}", "month"
    numeric = _NUMERIC.search(text)  # "13.01.2026" is dateparser's, not a bare year
    if (m := _YEAR_ONLY.search(text)) and not numeric and not _MONTH_ONLY.search(text):
        return m["year"], "year"
    for m in _MONTH_ONLY.finditer(text):
        if _is_month(m):
            if pub is not None and (year := _stated_year(text, pub)) is not None:
                return f"{year}-{_MONTHS[m['month'].lower()]:02d}", "month"
            return _yearless_month(_MONTHS[m["month"].lower()], pub, upcoming=upcoming)
    return None


_YEAR_WORDS = re.compile(r"\b(?P<which>last|previous|this|next|coming)\s+year\b", re.IGNORECASE)


def _stated_year(text: str, pub: date) -> int | None:
    """The year that "November last year", "June next year" name, counted from publication."""
    m = _YEAR_WORDS.search(text)
    if m is None:
        return None
    which = m["which"].lower()
    return pub.year - 1 if which in ("last", "previous") else pub.year + 1 if which in ("next", "coming") else pub.year


def _is_month(match: re.Match) -> bool:
    """'May' and 'March' are also words: in lower case they count only next to a number."""
    word = match["month"]
    if word.lower() not in ("may", "march", "mar") or word[0].isupper():
        return True
    return bool(match.groupdict().get("day") or match.groupdict().get("year"))


def _day(year: int, month: int, day: int) -> tuple[str | None, DatePrecision] | None:
    try:
        return date(year, month, day).isoformat(), "day"
    except ValueError:
        return None  # "February 30": not a date, let the other readers try


def _yearless_day(month: int, day: int, pub: date | None, *, upcoming: bool = False) -> tuple[str | None, DatePrecision] | None:
    if pub is None:
        # --MM-DD: check the day exists in some year (Feb 29 does, in a leap year).
        return (f"--{month:02d}-{day:02d}", "day") if _day(2000, month, day) else None
    if upcoming:
        # A planned meeting: the first such day on or after publication ("will meet on March 3",
        # published in January, is this March, not last March), unless that is most of a year
        # away: then the meeting is more likely past and its status wrong.
        for year in range(pub.year, pub.year + 8):
            with contextlib.suppress(ValueError):
                if (candidate := date(year, month, day)) >= pub:
                    if candidate - pub <= PLANNED_HORIZON:
                        return candidate.isoformat(), "day"
                    break
    latest = pub + LOOKAHEAD
    for year in range(latest.year, latest.year - 8, -1):  # 8 years always include a leap year
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= latest:
            return candidate.isoformat(), "day"
    return None


def _yearless_month(month: int, pub: date | None, *, upcoming: bool = False) -> tuple[str | None, DatePrecision]:
    if pub is None:
        return f"--{month:02d}", "month"
    if upcoming:
        # A planned meeting: this month or the next such month ("in March", published in January).
        year = pub.year if month >= pub.month else pub.year + 1
        if date(year, month, 1) - pub <= PLANNED_HORIZON:
            return f"{year}-{month:02d}", "month"
    latest = pub + LOOKAHEAD
    year = latest.year if date(latest.year, month, 1) <= latest else latest.year - 1
    return f"{year}-{month:02d}", "month"


def _relative(text: str, pub: date | None) -> tuple[str | None, DatePrecision] | None:
    """today / yesterday / tomorrow, and this|last|next week|month|year."""
    m = _RELATIVE.search(text)
    if m is None:
        return None
    if pub is None:
        return None, "unknown"
    if word := m["day_word"]:
        shift = {"yesterday": -1, "tomorrow": 1}.get(word.lower(), 0)
        return (pub + timedelta(days=shift)).isoformat(), "day"
    which = m["which"].lower().split()[0]
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(which, 0)
    unit = m["unit"].lower()
    if unit == "year":
        return f"{pub.year + step:04d}", "year"
    if unit == "month":
        month = pub + relativedelta(months=step)
        return f"{month.year:04d}-{month.month:02d}", "month"
    # A week has no partial-ISO form: give its month when its working days (Monday..Friday) lie
    # in one month, else its year when they lie in one year, else nothing. Official meetings are
    # held on working days far more often than at weekends, so a week whose weekend alone spills
    # into the next month ("next week" from Wednesday 21 January 2026: 26 January to 1 February)
    # is that month's week; a week split on a weekday tells only its year.
    monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
    friday = monday + timedelta(days=4)
    if (monday.year, monday.month) == (friday.year, friday.month):
        return f"{monday.year:04d}-{monday.month:02d}", "month"
    if monday.year == friday.year:
        return f"{monday.year:04d}", "year"
    return None, "unknown"


def _weekday(text: str, pub: date | None, *, upcoming: bool = False) -> tuple[str | None, DatePrecision] | None:
    m = _WEEKDAY.search(text)
    if m is None:
        return None
    if pub is None:
        return None, "weekday"
    target = _WEEKDAYS[m["weekday"].lower().rstrip(".")]
    which = " ".join((m["which"] or "").lower().split())
    back = (pub.weekday() - target) % 7  # days back to the most recent such weekday, 0 = today
    if which in ("next", "coming", "this coming"):
        return (pub + timedelta(days=(target - pub.weekday()) % 7 or 7)).isoformat(), "day"
    if which in ("last", "past", "this past"):
        back = back or 7
    elif upcoming and not which:
        return (pub + timedelta(days=(target - pub.weekday()) % 7)).isoformat(), "day"
    return (pub - timedelta(days=back)).isoformat(), "day"


def _day_of_month(text: str, pub: date | None, *, upcoming: bool = False) -> tuple[str | None, DatePrecision] | None:
    """ "on the 30th": that day in the publication month, or the month before (after, if upcoming)."""
    m = _DAY_OF_MONTH.search(text)
    if m is None or not 1 <= int(m["day"]) <= 31:
        return None
    if pub is None:
        return None, "unknown"
    day = int(m["day"])
    step = 1 if upcoming else -1
    month = date(pub.year, pub.month, 1)
    for _ in range(3):  # the 31st may be two months away
        with_day = _day(month.year, month.month, day)
        if with_day is not None and with_day[0] is not None:
            candidate = date.fromisoformat(with_day[0])
            if (candidate >= pub) if upcoming else (candidate <= pub):
                return with_day
        month += relativedelta(months=step)
    return None


def _with_dateparser(text: str, pub: date | None) -> tuple[str | None, DatePrecision] | None:
    """Numeric dates ("13.01.2026") and relative phrases ("two days ago"), day precision only.

    ``REQUIRE_PARTS`` makes dateparser return nothing unless the text (or, for a relative phrase,
    the publication date given as ``RELATIVE_BASE``) fixes day, month and year.
    """
    numeric = bool(_NUMERIC.search(text))
    if not numeric and not (pub is not None and _RELATIVE_CUE.search(text)):
        return None
    settings: dict = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"}
    if pub is not None:
        settings["RELATIVE_BASE"] = datetime(pub.year, pub.month, pub.day)
    elif not numeric:
        return None
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    return parsed.date().isoformat(), "day"


# A date phrase as it stands in running text, for finding (not resolving) dates: the calendar
# forms above with the words that often lead them ("in early November", "on Aug. 23"), and the
# relative ones ("last month", "earlier this month", "yesterday").
_QUALIFIER = r"(?:(?:in|on|at|by|since|during)\s+)?(?:(?:early|mid|late|the\s+end\s+of|the\s+start\s+of)[\s-]+)?"
_PHRASES = [re.compile(_QUALIFIER + pattern.pattern, re.IGNORECASE) for pattern in (_MONTH_DAY, _DAY_MONTH, _MONTH_YEAR)] + [
    re.compile(_QUALIFIER + rf"\b{_MONTH}(?:\s+(?:of\s+)?(?:last|this|next)\s+year)?(?!\w)", re.IGNORECASE),
    re.compile(r"\b(?:in\s+)?" + _YEAR + r"\b"),
    re.compile(
        r"\b(?:(?:earlier|later)\s+this\s+(?:week|month|year)|(?:last|next|this|past|previous|coming)\s+(?:week|month|year)"
        r"|yesterday|tomorrow)\b",
        re.IGNORECASE,
    ),
    # "on the 2nd" (a month named after it is _DAY_MONTH's, which is longer and wins) and
    # "the previous day", which translated news uses with it.
    re.compile(r"\b(?:(?:on|since|by)\s+)?" + _DAY_OF_MONTH.pattern + rf"(?![\s-]+(?:of\s+)?{_MONTH})", re.IGNORECASE),
    _DAY_SHIFT,
]


def find_date_phrases(text: str) -> list[tuple[int, int]]:
    """(start, end) of each date phrase in ``text``, longest first where they overlap."""
    found: list[tuple[int, int]] = []
    for pattern in _PHRASES:
        for m in pattern.finditer(text):
            if m.groupdict().get("month") and not _is_month(m):
                continue  # "may" the verb
            found.append((m.start(), m.end()))
    found.sort(key=lambda span: (span[0], -(span[1] - span[0])))
    result: list[tuple[int, int]] = []
    for start, end in found:
        if not result or start >= result[-1][1]:
            result.append((start, end))
    return [(start, end - 1 if _FULL_WORD_STOP.search(text, start, end) else end) for start, end in result]


# A full stop after a whole month or weekday name ends the sentence; it is not an abbreviation's
# ("in February." → "in February"; "Feb." and "Mon." keep theirs).
_FULL_WORD_STOP = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\.$",
    re.IGNORECASE,
)
