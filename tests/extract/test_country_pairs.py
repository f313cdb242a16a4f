"""Leaders' meetings named by their two countries ("before the upcoming Korea-U.S. summit")."""

from __future__ import annotations

from extractor.extract.assemble import assemble_records
from extractor.extract.country_pairs import head_of, meetings_named_by_countries
from extractor.model.draft import DraftExtraction


def _lee_ishiba(article: str):
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Tokyo",
                    "date_text": "on Saturday",
                    "participants": ["Lee Jae-myung", "Shigeru Ishiba"],
                }
            ]
        }
    )
    return assemble_records(draft, article, "2025-08-24").summits


def test_a_summit_named_by_two_countries_is_a_meeting_of_their_leaders_named_in_the_article():
    article = (
        "President Lee Jae-myung met Prime Minister Shigeru Ishiba in Tokyo on Saturday. "
        "Ishiba, who has already met Trump, shared his experience of tariff talks. "
        "Trade was on the agenda before the upcoming Korea-U.S. summit, the presidential office said."
    )
    summits = _lee_ishiba(article)
    [pair] = [s for s in summits if s.mention == "background"]
    assert (set(pair.participants), pair.status, pair.kind) == ({"Lee Jae-myung", "Donald Trump"}, "planned", "leaders_summit")
    assert (pair.date, pair.location.city) == (None, None)
    assert [article[e.start : e.end] for e in pair.evidence] == ["Korea-U.S. summit"]


def test_the_articles_own_meeting_named_by_its_countries_is_not_a_second_one():
    article = "President Lee Jae-myung met Prime Minister Shigeru Ishiba in Tokyo on Saturday. The Korea-Japan summit lasted two hours."
    assert [s.mention for s in _lee_ishiba(article)] == ["primary"]


def test_three_countries_no_cue_or_two_possible_leaders_name_no_meeting():
    text = "Prime Minister Shigeru Ishiba met Donald Trump and President Lee Jae-myung."
    # Three countries: cooperation of three, not a meeting of two.
    assert meetings_named_by_countries(text + " They pledged Korea-U.S.-Japan talks will go on.", []) == []
    # No word says whether it took place.
    assert meetings_named_by_countries(text + " The Korea-U.S. summit drew attention.", []) == []
    # Two presidents of the United States named: which one is meant is not said.
    both = text + " Joe Biden was absent. Lee will travel for the Korea-U.S. summit."
    assert meetings_named_by_countries(both, []) == []


def test_a_countrys_head_is_read_from_the_articles_titles_too():
    text = "Austrian Chancellor Anna Berg spoke. Later, Swedish Foreign Minister Jonas Lind arrived."
    assert head_of(text, "AT") == "Anna Berg"
    assert head_of(text, "SE") is None  # a foreign minister heads no government


def test_the_place_and_date_of_the_phrases_own_clause_are_the_meetings():
    text = (
        "President Lee Jae-myung met Prime Minister Shigeru Ishiba. Donald Trump phoned later. "
        "Lee will fly out for the Korea-U.S. summit in Washington on Monday, while Ishiba returns to Tokyo on Friday."
    )
    [pair] = meetings_named_by_countries(text, [], "2025-08-20")
    assert (pair.status, pair.location.city, pair.location.country, pair.date) == ("planned", "Washington", "US", "2025-08-25")
    assert [text[e.start : e.end] for e in pair.evidence] == ["Korea-U.S. summit", "Washington", "on Monday"]
