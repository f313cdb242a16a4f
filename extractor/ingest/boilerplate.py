"""Page furniture around a story: what to strip, and the publication statement to keep.

Articles arrive as text copied or scraped from news sites. The model should see only the story:
every line of navigation, rating widget or subscription pitch costs tokens on a slow model and
invites it to "extract" things that are not news. The rules here are general on purpose (short
menu-like lines, well-known widget phrases, a tail marker after which nothing is story) so a page
from another site degrades gracefully instead of needing a new exact-match entry.

A plain article must come through untouched apart from a trailing "Help us improve."-style line
and a stand-alone publication line, so the heavy rules run only on text that looks scraped
(several unmistakable widget lines).

The publication date is read *before* anything is stripped: the line that states it ("X broke the
news in Y on Tuesday, January 13, 2026.") is usually itself furniture.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime

from extractor.normalize.dates import MONTH_WORDS, WEEKDAY_WORDS, resolve_date

# Lines longer than this are never furniture; it also keeps every regex below on short input.
_SHORT_LINE = 200

_BULLET = re.compile(r"^[\u2022\u2023\u25aa\u25cf\u2043\u2219*\-–]\s+")

# Whole lines that are widgets, navigation or pitches wherever they stand on a scraped page.
_FURNITURE = re.compile(
    r"""^(?:
        skip\s+to\s+(?:main\s+)?content
      | (?:published|updated|posted)\b.*\bloading\b.*
      | (?:published|updated|posted|share|print|e-?mail|comments?)\W*
      | read\s+(?:the\s+)?full\s+(?:article|story)\b.*
      | (?:continue|keep)\s+reading\b.*
      | insights\s+by\s+.{1,40}
      | \d[\d,]*\s+(?:articles?|sources?|comments?|shares?|stories)
      | \+\d+\s+reposted\s+by\b.*
      | (?:far\s+|lean\s+)?(?:left|right|cent(?:er|re))
      | \d{1,3}\s?%\s.{0,40}\b(?:left|right|cent(?:er|re))
      | bias\s+distribution | factuality\b.* | ownership | blindspot\b.*
      | .*\bupgrade\s+to\s+\w+.*
      | sources\s+are\s+mostly\b.*
      | (?:sign\s+(?:in|up)|log\s*in|accept\s+(?:all\s+)?cookies|advertisement|menu)\b.{0,40}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

_SUBSCRIBE = re.compile(r"subscri(?:be|ption)", re.IGNORECASE)
_PITCH = re.compile(r"\$\s?\d|full\s+access|newsletter|sign\s+up|per\s+(?:month|year)|/year", re.IGNORECASE)

# After one of these, the rest of the page is recommendations, ratings or feedback widgets.
_TAIL_MARKER = re.compile(
    r"""^(?:
        similar\s+(?:news\s+)?topics | related\s+(?:articles|stories|news|topics|coverage)
      | more\s+(?:stories|news|articles)\b.* | recommended(?:\s+for\s+you)? | you\s+may\s+also\s+like
      | bias\s+distribution | help\s+us\s+improve\W* | was\s+this\s+(?:article\s+)?helpful\W*
      | most\s+(?:read|popular)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Short closing lines that may end even a plain article (seeds/002 ends with "Help us improve.").
_TRAILING = re.compile(
    r"""^(?:
        help\s+us\s+improve | was\s+this\s+(?:article\s+)?helpful | share\s+(?:this\s+)?(?:article|story)?
      | advertisement | subscribe(?:\s+now)? | read\s+more | comments?
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)

_MONTH = r"(?:" + "|".join(MONTH_WORDS) + r")\.?"
_WEEKDAY = r"(?:(?:" + "|".join(WEEKDAY_WORDS) + r")\.?,?\s+)?"
# A full calendar date (with a year): the only kind a publication statement is trusted to give.
_DATE = (
    rf"{_WEEKDAY}(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
# The rest of a dateline after the date: a time, a zone, a separator and a little more.
_AFTER = r"(?:\s*(?:,|at|[|·•\-–]|\d{1,2}:\d{2}).{0,40})?"
# A bare date line may carry a time and zone, nothing more: "March 3, 2026 - Leaders met" is story.
_AFTER_BARE = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_SEP = r"(?:^|^.{0,60}?[|·•]\s*)"

_BROKE = re.compile(
    rf"^(?P<outlet>\S.{{0,80}}?)\s+broke\s+the\s+news(?:\s+in\s+.{{1,60}}?)?"
    rf"\s+on\s+(?P<date>{_DATE}){_AFTER}\.?$",
    re.IGNORECASE,
)
_LABELLED = re.compile(
    rf"{_SEP}(?P<label>(?:first\s+|originally\s+)?published|posted|(?:last\s+)?updated|(?:last\s+)?modified)"
    rf"(?:\s+(?:on|at))?\s*:?\s*(?P<date>{_DATE}){_AFTER}\.?$",
    re.IGNORECASE,
)
_BARE_DATE = re.compile(rf"^(?P<date>{_DATE}){_AFTER_BARE}$", re.IGNORECASE)
# A masthead line: "Gyeongbuk Daily Report — Monday, June 15, 2026".
_MASTHEAD = re.compile(rf"^(?P<outlet>[^|·•—–]{{2,60}}?)\s+[|·•—–-]\s+(?P<date>{_DATE})$", re.IGNORECASE)
# A wire-style dateline opening the story: "SEOUL, May 11, 2026 — Japanese Prime Minister ...".
# The line is story, so it is read but never removed.
_DATELINE = re.compile(rf"^(?P<place>[A-Z][A-Z.'’ -]{{1,40}}),\s+(?P<date>{_DATE})\s*[—–-]+\s+\S", re.IGNORECASE)

# Stands in the cleaned lines of a page where a tail marker was.
_TAIL = "\x00tail"

# Statements looked at per page: a real page has one or two; a hostile one must stay cheap.
_MAX_STATEMENTS = 20

# A bare date line counts as the dateline only near the top of the page.
_DATELINE_WINDOW = 10


@dataclass(frozen=True)
class Publication:
    """What a page says about its own publication, and which lines say it (so they can go)."""

    published: str | None
    outlet: str | None
    line_indexes: frozenset[int]


@functools.lru_cache(maxsize=256)
def parse_date(phrase: str) -> str | None:
    """An ISO date (YYYY-MM-DD) for a phrase naming a full date, or None.

    ISO strings keep their own calendar date (no shift to another time zone): the date the outlet
    printed is the one a reader would quote.
    """
    phrase = phrase.strip()
    # No year, no date: "June 28" or "2 days ago" would be guessed relative to today.
    if not phrase or len(phrase) > 80 or not re.search(r"\d{4}", phrase):
        return None
    try:
        return datetime.fromisoformat(phrase.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    resolved = resolve_date(phrase, None)  # no publication date: a year must be in the phrase
    if resolved.precision != "day" or not resolved.date or resolved.date.startswith("--"):
        return None
    return resolved.date if 1900 <= int(resolved.date[:4]) <= 2100 else None


def find_publication(lines: list[str]) -> Publication:
    """The date (and outlet) a page states for its own publication, never a date from the story.

    Only whole lines shaped like a publication statement count: "X broke the news in Y on DATE",
    "Published: DATE", "Updated DATE", or near the top a bare date line, a masthead
    ("Outlet — DATE") or a wire dateline opening the story ("SEOUL, May 11, 2026 — ..."). A first-publication
    statement wins over an update; an update over a bare date.
    """
    found: list[tuple[int, int, str, str | None]] = []  # (rank, index, iso date, outlet)
    statement_lines: set[int] = set()
    non_blank = attempts = 0
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        non_blank += 1
        if non_blank <= _DATELINE_WINDOW and (dateline := _DATELINE.match(line)) and dateline["place"].isupper():
            if (iso := parse_date(dateline["date"])) is not None:
                found.append((2, index, iso, None))
            continue
        if len(line) > _SHORT_LINE:
            continue
        if match := _BROKE.match(line):
            rank, outlet = 0, match["outlet"].strip()
        elif match := _LABELLED.match(line):
            label = match["label"].lower()
            rank, outlet = (1 if "updated" in label or "modified" in label else 0), None
        elif non_blank <= _DATELINE_WINDOW and (match := _BARE_DATE.match(line)):
            rank, outlet = 2, None
        elif non_blank <= _DATELINE_WINDOW and (match := _MASTHEAD.match(line)):
            rank, outlet = 2, match["outlet"].strip()
        else:
            continue
        attempts += 1
        if attempts > _MAX_STATEMENTS:
            break
        iso = parse_date(match["date"])
        if iso is not None:
            found.append((rank, index, iso, outlet))
            statement_lines.add(index)
    if not found:
        return Publication(None, None, frozenset())
    _, _, iso, outlet = min(found, key=lambda item: (item[0], item[1]))
    return Publication(iso, outlet, frozenset(statement_lines))


def _is_doubled(line: str) -> bool:
    """A logo's alt text glued to the name beside it: "Associated Press NewsAssociated Press News"."""
    half, rest = divmod(len(line), 2)
    return rest == 0 and half >= 3 and line[:half] == line[half:]


def _is_furniture(line: str) -> bool:
    """True for a line of a scraped page that is not story (judged on the line alone)."""
    if len(line) > _SHORT_LINE:
        return False
    if _FURNITURE.match(line) or _is_doubled(line):
        return True
    if _SUBSCRIBE.search(line) and (_PITCH.search(line) or len(line.split()) <= 4):
        return True
    words = line.split()
    if len(words) <= 8 and re.search(r"\b(?:icon|logo)\b", line, re.IGNORECASE):
        return True
    # Menu entries, tags, bylines of one or two words: short and not a sentence.
    return len(words) <= 3 and not re.search(r"[.!?\"”]$", line)


def looks_scraped(lines: list[str]) -> bool:
    """Several unmistakable widget lines: only then are the heavy rules worth the risk."""
    signals = sum(
        1
        for line in lines
        if (stripped := line.strip())
        and len(stripped) <= _SHORT_LINE
        and (_FURNITURE.match(stripped) or _TAIL_MARKER.match(stripped) or _is_doubled(stripped))
    )
    return signals >= 3


def _is_paragraph(line: str) -> bool:
    return len(line.split()) >= 12 or bool(re.search(r"[.!?\"”]$", line))


def strip_page(lines: list[str], drop: frozenset[int] = frozenset()) -> list[str]:
    """The story lines of a scraped page, with blank lines kept as paragraph breaks.

    The headline is the first story line followed by a paragraph; everything above it is
    masthead. A tail marker after the headline ends the story. A line repeating one already kept
    (the headline echoed in a source card) is dropped. Bullet glyphs are dropped, their text kept.
    """
    cleaned: list[str | None] = []  # None marks a blank line, _TAIL a tail marker
    for index, raw in enumerate(lines):
        line = _BULLET.sub("", raw.strip())
        if not line:
            cleaned.append(None)
        elif index in drop:
            continue
        elif _TAIL_MARKER.match(line):
            cleaned.append(_TAIL)
        elif not _is_furniture(line):
            cleaned.append(line)

    story = [i for i, line in enumerate(cleaned) if line is not None and line != _TAIL]
    start = next(
        (
            i
            for pos, i in enumerate(story)
            if pos + 1 < len(story) and len(cleaned[i].split()) >= 4 and _is_paragraph(cleaned[story[pos + 1]])
        ),
        story[0] if story else 0,
    )
    kept: list[str] = []
    seen: set[str] = set()
    for line in cleaned[start:]:
        if line == _TAIL:
            break
        if line is None:
            if kept and kept[-1] != "":
                kept.append("")
        elif line not in seen:
            seen.add(line)
            kept.append(line)
    return kept


def strip_trailing(lines: list[str]) -> list[str]:
    """A plain article without closing widgets ("Help us improve.") and trailing blank lines."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or _TRAILING.match(lines[end - 1].strip())):
        end -= 1
    return lines[:end]


def plain_headline(lines: list[str]) -> str | None:
    """An obvious headline among the first lines of plain text, or None.

    Obvious means: 3 to 25 words, no sentence-ending punctuation, not a byline, and more text after
    it. Only the first three non-blank lines are considered (a summary sometimes precedes the
    headline, as in seeds/002).
    """
    non_blank = [line.strip() for line in lines if line.strip()]
    for pos, line in enumerate(non_blank[:3]):
        words = line.split()
        if (
            3 <= len(words) <= 25
            and len(line) <= 200
            and not re.search(r"[.!?:;,\"”]$", line)
            and not _BULLET.match(line)
            and not re.match(r"by\s", line, re.IGNORECASE)  # a byline
            and pos + 1 < len(non_blank)
        ):
            return line
    return None


def page_headline(lines: list[str]) -> str | None:
    """The headline of a stripped page: its first line of at least three words."""
    return next((line for line in lines if len(line.split()) >= 3), None)
