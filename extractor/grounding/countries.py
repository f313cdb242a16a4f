"""Grounding a country: where the article states it, by name, short form or demonym.

"South Korea", "Korea", "South Korean", "Japan", "Japanese", "Chilean" all state a country (the
demonyms are countryinfo's); a country the article never names this way is not grounded (the caller may still accept
it as the country of a city the article names). A match inside a longer name of another country
does not count: "Korean" in "North Korean" does not state South Korea.
"""

from __future__ import annotations

import functools
import re

from extractor.grounding.evidence import _evidence, _phrase_pattern
from extractor.normalize.countries import names_of_country, to_alpha2
from schemas import Evidence

_WORD_BEFORE = re.compile(r"([A-Za-z]+)[\s\-\u2010\u2011]+$")


@functools.lru_cache(maxsize=512)
def _country_patterns(code: str) -> tuple[re.Pattern, ...]:
    """The country's names and demonyms as patterns, longest first: made once per country."""
    names = names_of_country(code)
    return tuple(pattern for name in sorted(dict.fromkeys(names), key=len, reverse=True) if (pattern := _phrase_pattern(name)))


def locate_country(text: str, code: str | None) -> Evidence | None:
    """The first place the article names the country ``code`` (alpha-2), else None.

    Longer names are tried first, so "South Korean" is quoted whole rather than as "Korean".
    """
    if not code:
        return None
    for pattern in _country_patterns(code):
        for m in pattern.finditer(text):
            before = _WORD_BEFORE.search(text, max(0, m.start() - 20), m.start())
            if before and to_alpha2(f"{before.group(1)} {m.group(0)}") not in (None, code):
                continue  # part of another country's name: "North Korean", "South Sudan"
            if ev := _evidence(text, m.start(), m.end()):
                return ev
    return None
