"""A venue the press names instead of a city is placed in its city."""

from __future__ import annotations

from extractor.normalize.countries import country_of_city
from extractor.normalize.venues import venue_city


def test_seats_of_government_are_in_their_capitals():
    assert venue_city("the White House") == ("Washington", "US")
    assert venue_city("Élysée Palace") == ("Paris", "FR")
    assert venue_city("the Kremlin") == ("Moscow", "RU")
    assert venue_city("Al-Yamamah Palace") == ("Riyadh", "SA")


def test_a_venue_every_capital_has_or_an_unknown_one_gives_no_city():
    assert venue_city("the Presidential Palace") is None
    assert venue_city("Hotel Metropol") is None


def test_an_abbreviated_saint_is_the_larger_city_of_that_name():
    assert country_of_city("St. Petersburg") == "RU"
    assert country_of_city("Saint Petersburg") == "RU"
