"""Grounding: quotes, names, phrases and sentences found in the article, with offsets into it."""

import pytest

from extractor.grounding.evidence import (
    best_sentence,
    find_quote,
    identify_person,
    locate_name,
    locate_phrase,
    name_mentions,
    sentence_spans,
)
from tests.support.paths import SEEDS

TEXT = (
    "South Korean President Lee Jae\u2011Myung met Japanese Prime Minister Sanae Takaichi in Nara on Tuesday.\n"
    "The two leaders agreed to hold joint naval search-and-rescue drills next year.\n"
    "President Lee said the talks were \u201cfrank and useful\u201d. Prime Minister Takaichi thanked him.\n"
    "Cooperation on artificial intelligence is another priority."
)


def _at(text, evidence):
    return text[evidence.start : evidence.end]


def test_exact_quote():
    ev = find_quote(TEXT, "met Japanese Prime Minister")
    assert (ev.alignment, ev.score) == ("exact", 1.0)
    assert _at(TEXT, ev) == ev.quote == "met Japanese Prime Minister"


def test_quote_with_other_dashes_quotes_and_spacing_is_exact_and_points_at_the_original():
    ev = find_quote(TEXT, "Lee Jae-Myung  met")
    assert ev.alignment == "exact"
    assert ev.quote == "Lee Jae\u2011Myung met" == _at(TEXT, ev)
    ev = find_quote(TEXT, 'the talks were "frank and useful"')
    assert ev.quote == "the talks were \u201cfrank and useful\u201d"


def test_fuzzy_quote_offsets_point_at_the_matching_passage():
    ev = find_quote(TEXT, "agreed to hold joint naval search and rescue drill")
    assert ev.alignment == "fuzzy"
    assert 0.9 <= ev.score < 1.0
    assert _at(TEXT, ev) == ev.quote
    assert ev.quote.startswith("agreed to hold joint naval search-and-rescue drill")
    assert ev.start == TEXT.index("agreed to hold")


def test_unsupported_quote():
    assert find_quote(TEXT, "the leaders signed a free trade agreement") is None
    assert find_quote(TEXT, "") is None


@pytest.mark.parametrize("name", ["Lee Jae-myung", "Lee Jae Myung", "lee jae-myung", "Lee Jaemyung"])
def test_name_found_in_any_folded_spelling(name):
    ev = locate_name(TEXT, name)
    assert ev.quote == "Lee Jae\u2011Myung"
    assert ev.start == TEXT.index("Lee Jae")


def test_surname_after_a_title_grounds_the_name():
    text = "President Lee met reporters. Lee smiled."
    ev = locate_name(text, "Lee Jae-myung")
    assert ev.quote == "President Lee"
    assert [e.quote for e in name_mentions(text, "Lee Jae-myung")] == ["President Lee"]  # the bare "Lee" does not count


def test_bare_surname_does_not_ground_a_full_name_or_an_unknown_person():
    assert locate_name("Lee met Takaichi on Tuesday.", "Lee Jae-myung") is None
    assert locate_name("Okafor met Lindqvist on Tuesday.", "Lindqvist") is None


def test_a_known_persons_bare_surname_grounds_them_in_a_headline_style_article():
    # Some reports never write the full name: "Takaichi" is the one known person of that name.
    person = identify_person("Lee met Takaichi on Tuesday. Takaichi said the talks went well.", "Takaichi")
    assert person.canonical == "Sanae Takaichi"
    assert [m.start for m in person.mentions] == [8, 29]


def test_a_bare_surname_beside_another_given_name_is_not_taken_for_the_known_person():
    assert identify_person("Kenji Takaichi, a local official, said Takaichi would attend.", "Takaichi") is None


def test_title_that_contradicts_the_known_role_does_not_ground():
    # Kim Min-seok is a prime minister: "President Kim" is someone else.
    assert locate_name("President Kim arrived.", "Kim Min-seok") is None
    assert locate_name("Prime Minister Kim arrived.", "Kim Min-seok").quote == "Prime Minister Kim"


def test_name_not_in_the_text():
    assert locate_name(TEXT, "Kim Min-seok") is None


def test_one_word_name_of_a_known_person_named_in_full():
    person = identify_person(TEXT, "Takaichi")
    assert person.canonical == "Sanae Takaichi"
    assert [e.quote for e in person.mentions] == ["Sanae Takaichi", "Prime Minister Takaichi"]
    assert person.spellings == ["Sanae Takaichi"]


def test_all_mentions_of_a_person():
    quotes = [e.quote for e in name_mentions(TEXT, "Lee Jae-myung")]
    assert quotes == ["Lee Jae\u2011Myung", "President Lee"]


def test_locate_phrase_whole_words_any_case():
    assert locate_phrase(TEXT, "nara").quote == "Nara"
    assert locate_phrase(TEXT, "on tuesday").quote == "on Tuesday"
    assert locate_phrase(TEXT, "Nar") is None
    assert locate_phrase(TEXT, "Busan") is None
    assert locate_phrase(TEXT, None) is None


def test_best_sentence():
    ev = best_sentence(TEXT, "cooperate on AI")
    assert ev.quote == "Cooperation on artificial intelligence is another priority."
    assert _at(TEXT, ev) == ev.quote
    ev = best_sentence(TEXT, "joint naval search-and-rescue drills")
    assert ev.quote.startswith("The two leaders agreed")
    assert best_sentence(TEXT, "sign a currency swap deal") is None


def test_best_sentence_in_a_seed_article():
    text = (SEEDS / "002_6ee9234a710e1662.txt").read_text(encoding="utf-8")
    ev = best_sentence(text, "conduct joint naval search-and-rescue exercises")
    assert "agreed to conduct joint naval search-and-rescue exercises" in ev.quote
    assert text[ev.start : ev.end] == ev.quote


def test_a_month_or_title_abbreviation_does_not_end_a_sentence():
    text = "Busan, Oct. 4 (Newswire)--The envoys met on Sept. 30 in Daegu. Mr. Park said so. They left in Oct.\nNew line. It ended in Nov. Talks resume."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Busan, Oct. 4 (Newswire)--The envoys met on Sept. 30 in Daegu.",
        "Mr. Park said so.",
        "They left in Oct.",
        "New line.",
        "It ended in Nov.",  # no day after it: the abbreviation ends the sentence too
        "Talks resume.",
    ]


def test_a_country_abbreviation_before_a_title_does_not_end_a_sentence_but_one_before_an_opener_does():
    text = "Berg met U.S. Secretary of State Ray Holt. He flew to the U.S. The talks ended. U.S. officials agreed."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Berg met U.S. Secretary of State Ray Holt.",
        "He flew to the U.S.",
        "The talks ended.",
        "U.S. officials agreed.",
    ]


def test_sentences_glued_without_a_space_are_two_sentences():
    # Scraped pages drop the space after a full stop; an initial ("U.S.Navy") is not a sentence end.
    text = "The ministers will meet in Graz.Berg and Lind last met in Malaysia, near a U.S.Navy base."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The ministers will meet in Graz.",
        "Berg and Lind last met in Malaysia, near a U.S.Navy base.",
    ]


def test_a_place_the_model_misspelt_is_found_as_the_article_spells_it():
    from extractor.grounding.evidence import locate_misspelt_place

    text = "BANFF, Alberta - The leaders met at Lake Minnewanka near Banff on Sunday; talks in Limassol follow."
    found = locate_misspelt_place(text, "Minewanka, Alberta")
    assert found is not None and (found.quote, found.alignment) == ("Minnewanka", "fuzzy")
    assert text[found.start : found.end] == found.quote
    assert locate_misspelt_place(text, "Limasol").quote == "Limassol"
    assert locate_misspelt_place(text, "Nicosia") is None  # nothing like it in the text
    assert locate_misspelt_place(text, "Bnff") is None  # too short to guess at
