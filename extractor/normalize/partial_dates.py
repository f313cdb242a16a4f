"""Partial ISO dates ("2026-06-28", "2026-06", "--09") as parts: (year, month, day), None where
a date is silent. The reconciler compares them; evaluation reads gold dates with them.

Two dates *agree* when every component both give is equal ("2026-06-28" agrees with "--06-28" and
"2026-06"); they *contradict* when some component both give differs ("2026-06-28" vs "--09").
Whether a contradiction keeps two mentions apart depends on how much each value is worth: see
``extractor.reconcile.matching.date_contradiction_is_hard``.
"""

from __future__ import annotations

import re
from datetime import date as _date

from schemas.vocab import DatePrecision

DateParts = tuple[int | None, int | None, int | None]

# YYYY, YYYY-MM, YYYY-MM-DD, --MM, --MM-DD (the schema's PARTIAL_DATE_PATTERN, parsed).
_PARTIAL = re.compile(r"(?:(\d{4})|-)(?:-(\d{2})(?:-(\d{2}))?)?")

NO_DATE: DateParts = (None, None, None)


def date_parts(value: str | None) -> DateParts:
    """The components a partial ISO date gives; ``NO_DATE`` for null or unparseable text."""
    if not value:
        return NO_DATE
    found = _PARTIAL.fullmatch(value.strip())
    if not found:
        return NO_DATE
    year, month, day = (int(g) if g else None for g in found.groups())
    if month is None and year is None:
        return NO_DATE
    return (year, month, day)


def parts_agree(a: DateParts, b: DateParts) -> bool:
    """Every component both dates give is equal (a missing component agrees with anything)."""
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def shared_components(a: DateParts, b: DateParts) -> int:
    """How many components both dates give and agree on: 3 = same day, 0 = nothing in common."""
    return sum(1 for x, y in zip(a, b) if x is not None and x == y)


def common_parts(a: DateParts, b: DateParts) -> DateParts:
    """What two agreeing dates both say: "2026-01" of 2026-01 and 2026-01-29."""
    return (a[0] if a[0] == b[0] else None, a[1] if a[1] == b[1] else None, a[2] if a[2] == b[2] else None)


def specificity(parts: DateParts) -> int:
    """How much a date says: one point per component (a day beats a month beats a year)."""
    return sum(1 for x in parts if x is not None)


def precision_label(parts: DateParts) -> DatePrecision:
    """The schema's ``date_precision`` for a date's components (yearless days are still 'day')."""
    if parts[2] is not None:
        return "day"
    if parts[1] is not None:
        return "month"
    if parts[0] is not None:
        return "year"
    return "unknown"


def format_parts(parts: DateParts) -> str | None:
    """The partial ISO date of these components ("2026-01", "--09-03"); None if they make none
    (nothing, or a day without its month)."""
    year, month, day = parts
    if month is None:
        return f"{year:04d}" if year is not None and day is None else None
    head = f"{year:04d}" if year is not None else "-"
    return f"{head}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def to_calendar(parts: DateParts) -> _date | None:
    """A real calendar day, only when the date gives all three components and they exist."""
    year, month, day = parts
    if year is None or month is None or day is None:
        return None
    try:
        return _date(year, month, day)
    except ValueError:
        return None


def parse_iso_day(value: str | None) -> _date | None:
    """A publication date (``YYYY-MM-DD``, possibly with a time after it) as a calendar day."""
    if not value or len(value) < 10:
        return None
    try:
        return _date.fromisoformat(value[:10])
    except ValueError:
        return None
