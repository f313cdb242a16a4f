"""A person's role and country, read from the words the article writes beside their name."""

import re

import pytest

from extractor.grounding.titles import StatedTitle, stated_title
from schemas import Evidence


def _title(text: str, name: str) -> StatedTitle:
    mentions = [
        Evidence(quote=name, start=m.start(), end=m.end(), alignment="exact", score=1.0) for m in re.finditer(re.escape(name), text)
    ]
    return stated_title(text, mentions)


@pytest.mark.parametrize(
    ("text", "name", "role", "country"),
    [
        ("Norwegian Prime Minister Ola Dahl met his Danish counterpart.", "Ola Dahl", "Prime Minister", "NO"),
        ("Chile's Foreign Minister Rosa Vega arrived in Lima on Monday.", "Rosa Vega", "Foreign Minister", "CL"),
        ("Foreign Minister Rosa Vega of Chile arrived in Lima on Monday.", "Rosa Vega", "Foreign Minister", "CL"),
        ("Rosa Vega, Chile's foreign minister, arrived in Lima.", "Rosa Vega", "foreign minister", "CL"),
        ("Rosa Vega, the Chilean foreign minister, arrived in Lima.", "Rosa Vega", "foreign minister", "CL"),
        ("U.S. Secretary of State Tom Reed flew to Seoul.", "Tom Reed", "Secretary of State", "US"),
        # A title with no country: the role alone.
        ("Ola Dahl met President Mia Berg in Oslo.", "Mia Berg", "President", None),
        # Two people in one phrase: each keeps only their own title.
        ("Peruvian President Ana Soto and Prime Minister Ola Dahl met in Lima.", "Ola Dahl", "Prime Minister", None),
        # Only the title, not the words before it that qualify nothing.
        ("She told reporters after meeting Prime Minister Ola Dahl that talks went well.", "Ola Dahl", "Prime Minister", None),
    ],
)
def test_the_title_beside_the_name(text, name, role, country):
    assert _title(text, name) == StatedTitle(role, country)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("He met with Ola Dahl on Monday.", "Ola Dahl"),
        ("Officials said Tuesday that Ola Dahl would travel.", "Ola Dahl"),
        ("Ola Dahl arrived in Lima on Monday.", "Ola Dahl"),
        ("Officials briefed reporters after meeting Ola Dahl in Lima.", "Ola Dahl"),
    ],
)
def test_no_title_gives_nothing(text, name):
    assert _title(text, name) == StatedTitle(None, None)


def test_the_first_titled_mention_counts():
    text = "Ola Dahl landed on Sunday. Norway's Defense Minister Ola Dahl then met Chile's minister."
    assert _title(text, "Ola Dahl") == StatedTitle("Defense Minister", "NO")
