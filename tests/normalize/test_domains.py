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
    ],
)
def test_to_domain(text, domain):
    assert to_domain(text) == domain


@pytest.mark.parametrize("text", ["", None, "hello world", "the weather"])
def test_nothing_fits(text):
    assert to_domain(text) == "other"


def test_always_in_the_vocabulary():
    for text in ["defence", "AI", "xyz", "green energy", "trade"]:
        assert to_domain(text) in PLEDGE_DOMAINS
