"""Time as evidence: what the dates, weekdays and publication days of reports say about one meeting.

* **One visit.** Reports of one visit of several days date it on different days: two days at most
  ``VISIT_SPAN_DAYS`` apart can be one meeting (when the same people meet in the same place;
  matching.py decides), and the dates' disagreement is recorded as a conflict.
* **The lifecycle.** A meeting is planned, then held (or called off). A report that calls it
  *planned* cannot come from after it was held: a planned report published more than
  ``LIFECYCLE_SLACK_DAYS`` after a report of it as held (or after the day a report about it
  says it was held) is about another, later meeting of the same people. An article with no
  publication date is taken as written within ``STORY_SLACK_DAYS`` of the meeting it is about
  (its primary mention's event, once dated): news is written when it happens, so a meeting it
  recalls as held was held by then.
* **Weekdays.** "on Tuesday", with no date, names a day of the week: it fits a meeting on a
  Tuesday, not one known to have been on a Monday.
* **When the report was written.** A report dates a meeting by its own publication when it
  gives no year: an undated report of a meeting *held*, from an article about it, was written
  within ``RECENT_DAYS`` of it; a month or day without a year is the latest such one before
  publication (held) or the next one after it (planned). ``report_window`` gives those days;
  an event none of whose days falls in them is a worse fit (soft: preferred against, never
  excluded, since the publication date or the status may be what is wrong).
* **Recency.** A passing reference that gives no date ("the leaders met") most likely means the
  latest meeting of those people before the article: used only to choose between meetings that
  fit it otherwise equally (grouping.py), and only when exactly one of them falls in the
  ``RECENT_DAYS`` before publication.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from extractor.normalize.partial_dates import DateParts

VISIT_SPAN_DAYS = 2
LIFECYCLE_SLACK_DAYS = 7
STORY_SLACK_DAYS = 92
RECENT_DAYS = 31

_WEEKDAY_OF = {calendar.day_name[i].lower(): i for i in range(7)}
_WEEKDAY_OF.update({calendar.day_abbr[i].lower(): i for i in range(7)})
_WEEKDAY_OF.update({"tues": 1, "thur": 3, "thurs": 3})
_WEEKDAY_WORD = re.compile(r"\b(" + "|".join(sorted(_WEEKDAY_OF, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE)


def named_weekday(text: str | None) -> int | None:
    """The one weekday a date's words name (0 = Monday); None for none, or for two different ones."""
    if not text:
        return None
    found = {_WEEKDAY_OF[m.group(1).lower()] for m in _WEEKDAY_WORD.finditer(text)}
    return found.pop() if len(found) == 1 else None


def days_apart(a: DateParts, b: DateParts) -> int | None:
    """Days between two dates that both give month and day (a missing year taken from the other).

    None when either gives no day, or both give years that differ, or no year is known at all
    and the two days fall in different months (no year to count across).
    """
    if a[1] is None or a[2] is None or b[1] is None or b[2] is None:
        return None
    if a[0] is not None and b[0] is not None and a[0] != b[0]:
        first, second = _calendar(a, a[0]), _calendar(b, b[0])
    else:
        year = a[0] if a[0] is not None else b[0]
        if year is None and a[1] != b[1]:
            return None
        first, second = _calendar(a, year or 2000), _calendar(b, year or 2000)
    if first is None or second is None:
        return None
    return abs((first - second).days)


def _calendar(parts: DateParts, year: int) -> date | None:
    try:
        return date(year, parts[1] or 0, parts[2] or 0)
    except ValueError:
        return None


def within_one_visit(a: DateParts, b: DateParts) -> bool:
    """Two different days close enough to be days of one visit."""
    if a[2] is None or b[2] is None or a[1] is None or b[1] is None:
        return False
    if a[1] == b[1] and (a[0] is None or b[0] is None or a[0] == b[0]):
        return 0 < abs(a[2] - b[2]) <= VISIT_SPAN_DAYS  # the common case, without calendar arithmetic
    if (b[1] - a[1]) % 12 not in (1, 11):
        return False  # neither the same month nor the next
    apart = days_apart(a, b)
    return apart is not None and 0 < apart <= VISIT_SPAN_DAYS


def planned_after_held(planned_published: date | None, held_by: date | None) -> bool:
    """A planned report published well after the meeting was reported held: another meeting."""
    return planned_published is not None and held_by is not None and planned_published > held_by + timedelta(days=LIFECYCLE_SLACK_DAYS)


def reported_by(published: date | None, story_day: date | None) -> date | None:
    """The day by which an article had been written: its publication, or its story's day plus the slack."""
    if published is not None:
        return published
    return story_day + timedelta(days=STORY_SLACK_DAYS) if story_day is not None else None


def report_window(parts: DateParts, status: str, primary: bool, published: date | None) -> tuple[date, date] | None:
    """The days a report with no year means, read from its publication day; None when it says nothing more."""
    if published is None or parts[0] is not None or status == "cancelled":
        return None
    month, day = parts[1], parts[2]
    held = status != "planned"
    if month is not None:
        years = (published.year, published.year - 1) if held else (published.year, published.year + 1)
        for year in years:
            start = _calendar((year, month, day or 1), year)
            if start is None:
                return None
            end = start if day is not None else date(year, month, calendar.monthrange(year, month)[1])
            if (held and start <= published + timedelta(days=1)) or (not held and end >= published - timedelta(days=1)):
                return start, end
        return None
    if held:
        return (published - timedelta(days=RECENT_DAYS) if primary else date.min), published + timedelta(days=1)
    return published - timedelta(days=1), date.max


def falls_within(parts: DateParts, start: date, end: date) -> bool:
    """The date (a day, or a month) overlaps [start, end]; a date without a year never does."""
    year, month, day = parts
    if year is None or month is None:
        return False
    if day is not None:
        low = high = _calendar(parts, year)
        if low is None:
            return False
    else:
        low = date(year, month, 1)
        high = date(year, month, calendar.monthrange(year, month)[1])
    assert high is not None
    return low <= end and high >= start


def recent_window(published: date, status: str) -> tuple[date, date]:
    """The days a report published then means by an undated meeting: the month before it for a
    held one, the month after it for a planned one, either for a cancelled one."""
    before, after = published - timedelta(days=RECENT_DAYS), published + timedelta(days=RECENT_DAYS)
    if status == "planned":
        return published - timedelta(days=1), after
    if status == "cancelled":
        return before, after
    return before, published + timedelta(days=1)
