"""Person names: the comparison key and the canonical spelling.

Articles write one name several ways: "Lee Jae Myung", "Lee Jae-myung", "Lee Jae‑Myung" (with
U+2011, a non-breaking hyphen). ``fold_name`` maps all of them to one key: case folded, every
Unicode dash or hyphen and every run of spaces made one ASCII space.

``canonical_name`` gives the standard spelling (titles stripped, known aliases from
extractor/data/actors.json applied), ``known_actor`` the known person's role and country, and
``role_conflicts`` says whether two role strings name different offices.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# Every dash-like code point (Unicode category Pd: hyphen, U+2010, U+2011, en and em dashes ...)
# plus the minus sign, which is not in Pd but appears in scraped text.
_DASHES = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Pd") + "\u2212"
_DASH_OR_SPACE = re.compile(f"[{re.escape(_DASHES)}\\s]+")


@functools.lru_cache(maxsize=1 << 16)
def fold_place(name: str) -> str:
    """A place for comparison: name folding plus diacritics dropped, so "Jeju-si" = "jeju si"."""
    decomposed = unicodedata.normalize("NFKD", fold_name(name))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Names repeat (every known actor is looked for in every article, each participant is checked
# several times): the name functions below are memoised. Their results are strings or frozen
# records, so a cached one cannot be changed by a caller.
_NAMES_CACHED = 1 << 14


@functools.lru_cache(maxsize=_NAMES_CACHED)
def fold_name(name: str) -> str:
    """The key under which spellings of one name compare equal."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _DASH_OR_SPACE.sub(" ", text).strip()


# --- Canonical spelling -------------------------------------------------------------------------
#
# ``canonical_name`` cleans a name (titles off, one space, ASCII hyphens) and maps the spellings of
# known people (extractor/data/actors.json) to one canonical form. Unknown names are only cleaned:
# their case and hyphenation are the article's, because a rule that guessed "Jae-myung" from
# "Jae Myung" would mangle names whose spelling it does not know.

# Beside the package (shipped as package data); a path, because ``extractor`` may be a namespace package.
ACTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "actors.json"


def actors_file() -> Path | None:
    """The known-actor table in use: ``$SUMMIT_ACTORS_FILE`` if set (empty: none at all, to
    measure what the rules do without it), else the one shipped with the package."""
    chosen = os.environ.get("SUMMIT_ACTORS_FILE")
    if chosen is None:
        return ACTORS_FILE
    return Path(chosen) if chosen.strip() else None


# Titles that precede a name in the press, longest first so "Prime Minister" wins over "Minister".
_TITLES = [
    r"Deputy Prime Minister",
    r"Prime Minister",
    r"Vice President",
    r"President",
    r"Premier",
    r"PM",
    r"(?:Defen[cs]e|Foreign|Finance|Trade|Unification|Economy) Minister",
    r"Minister of (?:National )?Defen[cs]e",
    r"Minister of Foreign Affairs",
    r"Minister",
    r"Secretary of (?:State|Defen[cs]e|War)",
    r"(?:Defen[cs]e|Foreign) Secretary",
    r"Secretary",
    r"Chief Cabinet Secretary",
    r"Chancellor",
    r"Chairman",
    r"General Secretary",
    r"Supreme Leader",
    r"King",
    r"Queen",
    r"Emperor",
    r"Crown Prince",
    r"Ambassador",
    r"Governor",
    r"Mayor",
    r"Gen\.",  # with its period: "Gen" alone is a given name (Gen Nakatani)
    r"General",
    r"Adm\.?",
    r"Admiral",
    r"Mr\.?",
    r"Mrs\.?",
    r"Ms\.?",
    r"Dr\.?",
    r"Sir",
]
_TITLE = "(?:" + "|".join(sorted(_TITLES, key=len, reverse=True)) + ")"
# Up to two words before the title ("South Korean President", "former Prime Minister"), then the
# title, then at least one more word: a title alone is not stripped.
_LEADING_TITLE = re.compile(
    rf"^(?:(?:former|then|then-|acting|incumbent)\s*)?(?:[A-Z][\w.'’]*\s+){{0,2}}?{_TITLE}(?=\s+\S)\s+",
)
_EDGE_JUNK = re.compile(r"^[\s\"'“”‘’,;:()]+|[\s\"'“”‘’,;:()]+$")
_DASH = re.compile(f"[{re.escape(_DASHES)}]")
_SPACED_HYPHEN = re.compile(r"\s*-\s*")


@functools.lru_cache(maxsize=_NAMES_CACHED)
def clean_name(name: str) -> str:
    """Titles off, Unicode hyphens made ASCII '-', one space between words; case untouched."""
    text = unicodedata.normalize("NFKC", name)
    text = _DASH.sub("-", text)
    text = _SPACED_HYPHEN.sub("-", " ".join(text.split()))
    text = _EDGE_JUNK.sub("", text)
    while (stripped := _LEADING_TITLE.sub("", text, count=1)) != text:
        text = stripped
    return text


def _compact(name: str) -> str:
    """fold_name without any spaces: "Lee Jaemyung" and "Lee Jae-myung" share this key."""
    return fold_name(name).replace(" ", "")


@dataclass(frozen=True)
class KnownActor:
    canonical: str
    role: str | None
    country: str | None
    surname: str | None
    aliases: tuple[str, ...]


@cache
def _known_actors() -> dict[str, KnownActor]:
    """Compact key of every canonical name and alias -> the known actor."""
    path = actors_file()
    data = json.loads(path.read_text(encoding="utf-8")) if path else {"actors": []}
    table: dict[str, KnownActor] = {}
    for entry in data["actors"]:
        actor = KnownActor(
            canonical=entry["name"],
            role=entry.get("role"),
            country=entry.get("country"),
            surname=entry.get("surname"),
            aliases=tuple(entry.get("aliases", ())),
        )
        for spelling in (actor.canonical, *actor.aliases):
            table[_compact(spelling)] = actor
    return table


def known_actors() -> list[KnownActor]:
    """Every known person, once each."""
    return list({id(actor): actor for actor in _known_actors().values()}.values())


def known_actor(name: str) -> KnownActor | None:
    """The known person this name (any spelling, with or without title) refers to, else None.

    A spelling one letter away from a known one, surname kept, is that person: the press
    misspells a romanised given name ("Ahn Gyun-back" for Ahn Gyu-back), and the reconciler
    would otherwise keep two people where there is one.
    """
    table = _known_actors()
    return table.get(_compact(name)) or table.get(_compact(clean_name(name))) or _misspelt_known_actor(clean_name(name))


_MISSPELT_MIN_LENGTH = 8  # compact letters: shorter names are too close to each other to guess


@lru_cache(maxsize=4096)
def _misspelt_known_actor(name: str) -> KnownActor | None:
    key, words = _compact(name), fold_name(name).split()
    if len(key) < _MISSPELT_MIN_LENGTH or len(words) < 2:
        return None
    table = _known_actors()
    found = process.extractOne(key, list(table), scorer=fuzz.ratio, score_cutoff=90)
    if found is None or Levenshtein.distance(key, found[0]) > 1:
        return None
    actor = table[found[0]]
    # The surname must be written as the known person's: a one-letter change there is someone else.
    surname = fold_name(actor.surname or "")
    return actor if surname and surname in (words[0], words[-1]) else None


def canonical_name(name: str) -> str:
    """The standard spelling: a known person's canonical name, else the cleaned name."""
    actor = known_actor(name)
    return actor.canonical if actor else clean_name(name)


def surname_of(name: str) -> str | None:
    """The family name: from the known-actor table, else a guess from the word order.

    Korean and Chinese names written surname first usually carry a hyphenated or two-part given
    name ("Kim Min-seok"): a hyphen in the second word means the first word is the surname.
    Otherwise the last word is (Western order, and Japanese names in the English press).
    """
    if actor := known_actor(name):
        return actor.surname
    words = clean_name(name).split()
    if len(words) < 2:
        return None
    return words[0] if "-" in words[1] else words[-1]


# --- Roles --------------------------------------------------------------------------------------

# Offices a role string can be recognised as; roles that match none are never called conflicting.
_OFFICES = [
    ("vice_president", re.compile(r"\bvice[\s-]*president\b")),
    ("president", re.compile(r"\bpresident\b")),
    ("deputy_prime_minister", re.compile(r"\bdeputy prime minister\b")),
    ("prime_minister", re.compile(r"\b(?:prime minister|premier|pm)\b")),
    (
        "defense_minister",
        re.compile(
            r"\b(?:defen[cs]e (?:minister|secretary|chief)|(?:minister|secretary) (?:of |for )?(?:national )?defen[cs]e|secretary of war)\b"
        ),
    ),
    ("foreign_minister", re.compile(r"\b(?:foreign (?:minister|secretary)|minister (?:of |for )?foreign affairs|secretary of state)\b")),
    ("supreme_leader", re.compile(r"\b(?:supreme leader|general secretary|chairman)\b")),
    ("monarch", re.compile(r"\b(?:king|queen|emperor)\b")),
]


def _office(role: str) -> str | None:
    text = " ".join(role.casefold().replace("-", " ").split())
    for office, pattern in _OFFICES:
        if pattern.search(text):
            return office
    return None


def role_conflicts(role: str | None, known_role: str | None) -> bool:
    """True when both roles name recognised offices and the offices differ.

    "President" and "Prime Minister" conflict; "defence minister" and "Minister of Defense" do
    not (same office); a vague role ("leader", "official") conflicts with nothing.
    """
    if not role or not known_role:
        return False
    office, known_office = _office(role), _office(known_role)
    return office is not None and known_office is not None and office != known_office
