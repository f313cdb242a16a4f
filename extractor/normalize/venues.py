"""Where a named venue is: the seats of government and meeting places the press names instead of a
city ("at the White House", "in the Kremlin", "at the Élysée Palace").

A meeting held "at the White House" was held in Washington; the gazetteer of cities does not know
buildings (and one alternate name of Casablanca is "White House"). This is a gazetteer of the
best-known seats of heads of state and government and of a few standing diplomatic venues, by
country, not a list drawn from any article.
"""

from __future__ import annotations

import re

from extractor.normalize.names import fold_place
from extractor.rules import rule_on
from extractor.rules.registry import VENUE_CITY

# Venue (as the press writes it, without "the") -> (city, ISO alpha-2).
_VENUES: dict[str, tuple[str, str]] = {
    "White House": ("Washington", "US"),
    "Oval Office": ("Washington", "US"),
    "Camp David": ("Camp David", "US"),
    "Mar-a-Lago": ("Palm Beach", "US"),
    "Kremlin": ("Moscow", "RU"),
    "Elysee Palace": ("Paris", "FR"),
    "Elysee": ("Paris", "FR"),
    "Downing Street": ("London", "GB"),
    "10 Downing Street": ("London", "GB"),
    "Chequers": ("Chequers", "GB"),
    "Chancellery": ("Berlin", "DE"),
    "Bellevue Palace": ("Berlin", "DE"),
    "Quirinal Palace": ("Rome", "IT"),
    "Palazzo Chigi": ("Rome", "IT"),
    "Moncloa Palace": ("Madrid", "ES"),
    "Berlaymont": ("Brussels", "BE"),
    "Mariinsky Palace": ("Kyiv", "UA"),
    "Zhongnanhai": ("Beijing", "CN"),
    "Great Hall of the People": ("Beijing", "CN"),
    "Diaoyutai State Guesthouse": ("Beijing", "CN"),
    "Kantei": ("Tokyo", "JP"),
    "Akasaka Palace": ("Tokyo", "JP"),
    "Blue House": ("Seoul", "KR"),
    "Yongsan Presidential Office": ("Seoul", "KR"),
    "Rashtrapati Bhavan": ("New Delhi", "IN"),
    "Hyderabad House": ("New Delhi", "IN"),
    "Presidential Palace": ("", ""),  # every capital has one: the city must come from the text
    "Planalto Palace": ("Brasilia", "BR"),
    "Alvorada Palace": ("Brasilia", "BR"),
    "Casa Rosada": ("Buenos Aires", "AR"),
    "Los Pinos": ("Mexico City", "MX"),
    "National Palace": ("", ""),
    "Miraflores Palace": ("Caracas", "VE"),
    "Dolmabahce Palace": ("Istanbul", "TR"),
    "Vahdettin Mansion": ("Istanbul", "TR"),
    "Bestepe": ("Ankara", "TR"),
    "Al-Yamamah Palace": ("Riyadh", "SA"),
    "Al Yamamah Palace": ("Riyadh", "SA"),
    "Al-Salam Palace": ("Jeddah", "SA"),
    "Ittihadiya Palace": ("Cairo", "EG"),
    "Union Buildings": ("Pretoria", "ZA"),
    "State House": ("", ""),
    "Istana Merdeka": ("Jakarta", "ID"),
    "Merdeka Palace": ("Jakarta", "ID"),
    "Malacanang Palace": ("Manila", "PH"),
    "Government House": ("", ""),
    "Parliament House": ("", ""),
    "The Lodge": ("Canberra", "AU"),
    "Rideau Hall": ("Ottawa", "CA"),
    "Parliament Hill": ("Ottawa", "CA"),
    "Palais des Nations": ("Geneva", "CH"),
    "United Nations headquarters": ("New York", "US"),
    "UN headquarters": ("New York", "US"),
}


def _key(name: str) -> str:
    return re.sub(r"^the\s+", "", fold_place(name.replace("’", "'")))


_INDEX = {_key(name): place for name, place in _VENUES.items()}


def venue_city(name: str | None) -> tuple[str, str] | None:
    """(city, alpha-2) of a venue the press names in place of a city; None for an unknown name or a
    venue every capital has ("the Presidential Palace")."""
    if not name or not rule_on(VENUE_CITY):
        return None
    place = _INDEX.get(_key(name))
    return place if place and place[0] else None
