"""Pledges read from commitment sentences: what counts as an agreement, what was agreed, and whose."""

import pytest

from extractor.extract.pledge_scan import dated_before, scan_pledges, states_agreement
from schemas import Pledge

PARTIES = ["Lee Jae-myung", "Sanae Takaichi"]


@pytest.mark.parametrize(
    "sentence",
    [
        "They agreed to cooperate on fisheries.",
        "Other agreements covered fisheries and port fees.",  # the plural
        "Both governments signed a customs accord.",
        "The two sides concluded a fisheries pact.",
        "The ministers reached a broad consensus on port security.",
        # The participle states its own fact, whatever the first clause's "would".
        "She said Ottawa would work with Oslo on a new framework, pledging to hold yearly talks.",
        # Reported speech: "they would" is what they announced, not a condition.
        "They said they would cooperate on clean energy.",
        "They also said the two governments would coordinate on fisheries.",
    ],
)
def test_states_an_agreement(sentence):
    assert states_agreement(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Both leaders are expected to agree on fisheries.",
        "Observers read the handshake as a sign of warmer ties.",  # a noun
        "Analysts called the fisheries visit significant.",  # "sign" inside a word
        "The forum concluded in Lima on Friday.",  # the meeting ended; nothing was agreed
        "The premier praised the Nordic Fisheries Agreement.",  # a treaty's name
        "The minister reaffirmed in a radio interview that the policy stands.",  # said elsewhere
        "Analysts wonder whether the two leaders will reaffirm their alliance.",
        "The trip shows Norway's commitment to closer ties.",  # one side's stance
        "They said the talks would focus on fisheries.",  # an agenda
        "Both sides apparently agreed on a venue.",
    ],
)
def test_states_no_agreement(sentence):
    assert not states_agreement(sentence)


def test_a_sentence_dated_to_an_earlier_year_is_history():
    assert dated_before("A first fisheries deal was signed in 2009 and renewed twice.", 2026)
    assert not dated_before("The accord signed in 2026 replaces the one of 2009.", 2026)
    assert not dated_before("The two signed a swap deal.", 2026)
    assert not dated_before("The deal of 2009 was renewed.", None)
    # Only the commitment's own clause dates it.
    assert not dated_before("They agreed to expand tourism, renewing a visa accord of 2015.", 2026)
    assert dated_before("Before that, an earlier port accord was signed in 2011, and it lapsed.", 2026)


def _domains(text, covered=(), **kwargs):
    return {p.domain: p for p in scan_pledges(text, list(covered), PARTIES, **kwargs)}


def test_what_was_agreed_follows_the_commitment_word():
    text = "After a row over naval drills, Lee and Takaichi agreed to resume regular consultations."
    found = _domains(text)
    assert set(found) == {"diplomatic_dialogue"}  # the drills are the setting, not a pledge
    assert found["diplomatic_dialogue"].description == "resume regular consultations"


def test_regional_security_and_dialogue_are_read_too():
    text = "The leaders agreed to set up a hotline between their offices and to deepen maritime security cooperation."
    assert set(_domains(text)) == {"diplomatic_dialogue", "regional_security"}


def test_where_the_agreement_was_made_is_not_what_was_agreed():
    text = "During the summit in Nara, Lee and Takaichi signed an accord on port fees and tariffs."
    assert set(_domains(text)) == {"economy_trade"}


def test_what_was_agreed_may_precede_a_noun_commitment():
    assert set(_domains("A three-year customs and tariff agreement was signed.")) == {"economy_trade"}
    # ... but only its own noun phrase, not the clause around it.
    assert set(_domains("Trade and energy agreements were signed.")) == {"economy_trade", "energy_climate"}
    assert _domains("Working-level talks will carry out the agreement.") == {}


def test_an_earlier_years_agreement_is_not_this_meetings():
    text = "Lee and Takaichi agreed to expand tourism. A fisheries pact on illegal fishing was signed in 2019."
    assert set(_domains(text, year=2026)) == {"people_exchange"}
    assert set(_domains(text, year=None)) == {"people_exchange", "transnational_crime"}


def test_agreements_of_other_people_in_the_article_are_theirs():
    text = (
        "Prime Minister Ana Ruiz met Chancellor Otto Berg on Monday. They agreed to expand tariff-free trade. "
        "President Lee and Prime Minister Takaichi agreed to cooperate on supply chains. "
        "Ruiz and Berg also agreed to fight drug trafficking. "
        "South Korea and Japan agreed to resume youth exchanges."  # no person named: not judged
    )
    found = _domains(text, others=["Ana Ruiz", "Otto Berg"])
    assert set(found) == {"supply_chain", "people_exchange"}
    # Without knowing of the other meeting, every agreement would be read as this one's.
    assert set(_domains(text)) == {"economy_trade", "supply_chain", "transnational_crime", "people_exchange"}


def test_a_sentence_placing_another_meeting_reports_that_meetings_agreement():
    text = (
        "Lee and Takaichi met in Nara on Tuesday and agreed to cooperate on semiconductors. "
        "They last met in Gyeongju in October, where they agreed to expand tourism."
    )
    gyeongju = text.index("Gyeongju")
    found = _domains(text, elsewhere=[(gyeongju, gyeongju + len("Gyeongju"))], here=["Nara", "on Tuesday"])
    assert set(found) == {"supply_chain"}


def test_a_clause_the_model_already_read_is_not_read_again():
    model = Pledge(description="deepen cooperation on critical minerals supply chains", domain="supply_chain", parties=PARTIES)
    text = "Lee and Takaichi agreed to deepen cooperation on critical minerals supply chains."
    assert _domains(text, covered=[model]) == {}
    # A clause that is only part of the model's description is read: the model gave the whole one domain.
    partial = Pledge(description="align their defense and economic security policies", domain="defense", parties=PARTIES)
    text = "Lee and Takaichi agreed to align their defense and economic security policies."
    assert set(_domains(text, covered=[partial])) == {"economic_security"}


def test_a_pledge_spoken_of_in_general_is_not_one_made_but_one_made_or_signed_is():
    assert not states_agreement("The interesting part is what tends to follow a pledge like this: shared test rules for AI systems.")
    assert not states_agreement("Such agreements often fail, and the two sides are still far from an agreement on fishing.")
    assert states_agreement("They made a pledge to cut tariffs on steel.")
    assert states_agreement("A memorandum of understanding on hydrogen was signed on Monday.")
    assert states_agreement("In their communique the ministers noted a commitment to keeping sea lanes open.")


def test_what_a_joint_statement_says_the_ministers_would_do_is_agreed():
    assert states_agreement("A joint statement said the ministers would pursue closer work in artificial intelligence.")
    assert not states_agreement("Officials said the ministers would discuss artificial intelligence.")


def test_where_a_statement_comes_from_is_not_what_was_agreed():
    from extractor.extract.pledge_scan import agreed_areas, agreement_in

    sentence = "The two presidents agreed to a truce, according to a joint statement issued after talks in Nairobi."
    commitment = agreement_in(sentence)
    assert commitment is not None
    assert [domain for _, domain in agreed_areas(sentence, commitment)] == ["regional_security"]


def test_one_side_restating_its_own_policy_or_a_phrase_naming_the_meeting_is_no_pledge():
    from extractor.extract.pledge_scan import agreed_areas, agreement_in

    for sentence in (
        "President Boric reaffirmed Chile's consistent policy of peace and multilateral cooperation.",
        "Monday's talks and agreements are seen as progress on the bilateral agenda.",
    ):
        commitment = agreement_in(sentence)
        assert commitment is not None
        assert agreed_areas(sentence, commitment) == []
