"""A person's title and country as the article states them beside the name.

The model names who met and nothing more (a name is ~4 tokens; a name with its role and country
was ~20, a quarter of a typical reply), so the role and country of someone the known-actor table
does not know are read here, from the words the press puts around a name:

* before it: "Japanese Prime Minister Sanae Takaichi", "South Korea's Defense Minister Ahn",
  "Foreign Minister Jonas Lind of Sweden";
* after it, as an apposition: "Anna Berg, Austria's chancellor, …", "Jonas Lind, the Swedish
  foreign minister, …".

Only a phrase that ends in a title word counts, so "said Tuesday Jonas Lind" or "met with Jonas
Lind" give nothing. The country is the one the phrase starts with ("Japanese", "Japan's", "South
Korea's") or names after the name ("of Sweden"); otherwise none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.normalize.countries import country_leading, to_alpha2
from schemas import Evidence

# The last word(s) of a title: what the press writes right before a name or in an apposition.
_TITLE_WORD = (
    r"(?:prime\s+minister|minister|premier|president|vice\s+president|chancellor|secretary|"
    r"chairman|chairwoman|chair|leader|king|queen|emperor|emir|amir|sultan|crown\s+prince|prince|pope|ambassador|envoy|counterpart|"
    r"governor|mayor|general|admiral|chief|commander|spokes(?:person|man|woman)|advis[eo]r|"
    r"director|head|representative|speaker|senator|lawmaker|legislator|official|diplomat|negotiator)"
    # "Secretary of State", "Minister of National Defense", "Minister for Foreign Affairs"
    r"(?:\s+(?:of|for)\s+(?:[A-Z][\w]*\s+){0,2}[A-Z][\w]*)?"
)
# Up to four words before the title word: "South Korea's Defense", "Japanese Chief Cabinet",
# "the Swedish foreign": capitalised, or a word that qualifies a title. Not any word: in "told
# reporters after meeting Prime Minister Lind" the title is "Prime Minister" alone.
_WORD = (
    r"(?:(?-i:[A-Z])[\w.'’-]*|defen[cs]e|foreign|trade|finance|economy|interior|industry|unification|"
    r"national|security|deputy|vice|chief|top|senior|cabinet|state|prime|new|former|incoming|outgoing|acting|interim)"
)
TITLE_WORD = _TITLE_WORD  # the last word(s) of a title, for the people finder (grounding.people)
# A whole title phrase as the press writes it before a name: "Kenyan Foreign Minister", "Vice Premier".
TITLED_PHRASE = rf"(?:(?:{_WORD}\s+){{0,4}}?{_TITLE_WORD})"
_BEFORE = re.compile(rf"(?P<phrase>(?:{_WORD}\s+){{0,4}}?{_TITLE_WORD})\s+$", re.IGNORECASE)
_AFTER = re.compile(rf"^,\s+(?:the\s+|a\s+)?(?P<phrase>(?:{_WORD}\s+){{0,4}}?{_TITLE_WORD})\s*(?=[,.;)]|\s+(?:of|for)\b)", re.IGNORECASE)
_OF_COUNTRY = re.compile(r"^\s+of\s+(?P<country>(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})")
# A title phrase stops at a clause's end or a word that joins two phrases: in "with President
# Lee and Prime Minister Ishiba", Ishiba's title is "Prime Minister" only.
# A full stop after a capital is an abbreviation ("U.S. Secretary"), not a clause's end.
_PHRASE_BREAK = re.compile(r"(?<!(?-i:[A-Z]))\.|[;:!?\n,()\"“”]|\b(?:and|with|met|meet|meets|by|to|from|said|says|told)\b", re.IGNORECASE)
_LOOK = 80  # characters around a mention in which its title is looked for
_POSSESSIVE = re.compile(r"['’]s\b")
_LEADING_NOISE = re.compile(r"^(?:the|a|an|former|then|then-|acting|new|incoming|outgoing)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class StatedTitle:
    role: str | None
    country: str | None  # ISO 3166 alpha-2


def stated_title(text: str, mentions: list[Evidence]) -> StatedTitle:
    """The first title the article writes beside one of the mentions, and its country."""
    for mention in mentions:
        before = _PHRASE_BREAK.split(text[max(0, mention.start - _LOOK) : mention.start])[-1]
        after = text[mention.end : mention.end + _LOOK]
        if (m := _BEFORE.search(before)) and ((title := _split(m["phrase"])).role or title.country):
            if title.country is None and (of := _OF_COUNTRY.match(after)):
                return StatedTitle(title.role, country_leading(of["country"]))
            return title
        if (m := _AFTER.match(after)) and ((title := _split(m["phrase"])).role or title.country):
            return title
    return StatedTitle(None, None)


# A sentence's end inside a title phrase ("… in Lima. Chile's Foreign Minister"); "U.S." is none.
_SENTENCE_END = re.compile(r"(?<![A-Z])[.!?]\s+")


def _split(phrase: str) -> StatedTitle:
    """ "South Korea's Defense Minister" -> role "Defense Minister", country KR."""
    words = " ".join(_SENTENCE_END.split(phrase)[-1].split())
    while (trimmed := _LEADING_NOISE.sub("", words)) != words:
        words = trimmed
    parts = words.split()
    for n in range(len(parts) - 1, 0, -1):  # the longest country the phrase starts with
        if code := to_alpha2(_POSSESSIVE.sub("", " ".join(parts[:n]))):
            return StatedTitle(_role(" ".join(parts[n:])), code)
    return StatedTitle(_role(words), None)


def _role(words: str) -> str | None:
    """The title as a role; "counterpart" ("his Japanese counterpart X") tells the country, not the office."""
    return None if not words or words.casefold() == "counterpart" else words


# A title, then a name of two to four capitalised words: "Australian Prime Minister Anthony Albanese".
_TITLED_NAME = re.compile(
    rf"(?P<phrase>(?:{_WORD}\s+){{0,4}}?{_TITLE_WORD}),?\s+(?P<name>(?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+){{1,3}})",
    re.IGNORECASE,
)


def titled_people(text: str, country: str) -> list[str]:
    """Names the article writes after a title that states ``country`` (alpha-2), in order, once
    each: "Australian Prime Minister Anthony Albanese" for AU. For a person the known-actor table
    does not know, this is how the article says whom a country sent."""
    found: dict[str, None] = {}
    for m in _TITLED_NAME.finditer(text):
        if _split(m["phrase"]).country == country:
            found.setdefault(m["name"], None)
    return list(found)
