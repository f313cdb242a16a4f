"""Pledge domains from free text."""

import pytest

from extractor.normalize.domains import to_domain
from schemas import PLEDGE_DOMAINS


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("defence", "defense"),
        ("AI", "technology_ai"),
        ("artificial intelligence", "technology_ai"),
        ("economic security", "economic_security"),
        ("supply chains", "supply_chain"),
        ("forced labor remains", "history_humanitarian"),
        ("scam operations", "transnational_crime"),
        ("working holiday", "people_exchange"),
        ("green energy", "energy_climate"),
        ("shuttle diplomacy", "diplomatic_dialogue"),
        ("North Korea's missiles", "north_korea"),  # the more specific domain wins over defense
        ("search-and-rescue", "defense"),
        ("joint naval search-and-rescue exercises", "defense"),
        ("peace and stability in the region", "regional_security"),
        ("boost trade and investment", "economy_trade"),
        ("economy_trade", "economy_trade"),
        ("artifical inteligence", "technology_ai"),  # misspelt: rapidfuzz
        ("trilateral security cooperation with a common ally", "regional_security"),
        ("three-way cooperation with their common ally", "regional_security"),
        ("freedom of navigation in nearby waters", "regional_security"),
        ("closer ties among their coast guards", "regional_security"),
        ("joint law enforcement work", "transnational_crime"),
        ("talks on denuclearisation", "north_korea"),
        ("maintain regular communication", "diplomatic_dialogue"),
        ("set up a hotline between the two offices", "diplomatic_dialogue"),
        ("double the places in a youth exchange program", "people_exchange"),
        ("exchange engineers between their railways", "people_exchange"),
        ("exchanges and cooperation in port trade", "economy_trade"),  # "exchange" alone: not people
        ("the return of the remains of war dead", "history_humanitarian"),
        ("shipments of liquefied natural gas", "energy_climate"),
        ("cooperate on biofuels and forest protection", "energy_climate"),
        # A forum's name is not the area: not defense, not economy_trade.
        ("trilateral cooperation at the Baltic Defence Ministers' Forum", "regional_security"),
        ("signed at the Nordic Economic Forum", "other"),
    ],
)
def test_to_domain(text, domain):
    assert to_domain(text) == domain


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "hello world",
        "the weather",
        "the border remains open",  # not the remains of the dead, nor fuzzily "remains of"
        "a historic day",  # not history
        "exchange memorandums",  # the verb
        "closer cooperation with China",  # a country is not an area
    ],
)
def test_nothing_fits(text):
    assert to_domain(text) == "other"


def test_always_in_the_vocabulary():
    for text in ["defence", "AI", "xyz", "green energy", "trade"]:
        assert to_domain(text) in PLEDGE_DOMAINS


@pytest.mark.parametrize(
    ("phrase", "domain"),
    [
        ("an immediate and unconditional ceasefire", "regional_security"),
        ("a lasting peace in the Sahel", "regional_security"),
        ("settle the boundary question", "regional_security"),
        ("the denuclearisation of Iran", "regional_security"),  # not North Korea's, though the word is the same
        ("denuclearisation of the Korean Peninsula", "north_korea"),
        ("help refugees return home", "history_humanitarian"),
    ],
)
def test_agendas_of_any_region_find_their_domain(phrase, domain):
    assert to_domain(phrase) == domain
