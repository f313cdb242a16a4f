"""From a draft to records: grounded values kept, the rest dropped and counted."""

import pytest

from extractor.extract.assemble import assemble_records, ungrounded_issues
from extractor.extract.kinds import kind_from_roles
from extractor.model.draft import DraftExtraction, DraftParticipant, DraftPledge, DraftSummit
from schemas import ArticleExtraction, Provenance
from tests.support.paths import SEEDS

TEXT = (
    "South Korean President Lee Jae\u2011Myung met Japanese Prime Minister Sanae Takaichi in Nara on Tuesday. "
    "They agreed to cooperate on artificial intelligence and to fight online scam operations. "
    "The two leaders also pledged joint work on AI research. "
    "Earlier, the defence ministers had met in Yokosuka."
)


def _summit(**overrides) -> DraftSummit:
    fields = dict(
        mention="primary",
        kind="leaders_summit",
        status="held",
        participants=[
            DraftParticipant(name="Lee Jae Myung", role="President", country="South Korea"),
            DraftParticipant(name="Sanae Takaichi", role="Prime Minister", country="Japan"),
        ],
        city="Nara",
        country="Japan",
        date_text="on Tuesday",
        pledges=[],
    )
    fields.update(overrides)
    return DraftSummit(**fields)


def _assemble(*summits, published="2026-01-13", text=TEXT):
    return assemble_records(DraftExtraction(summits=list(summits)), text, published)


def test_grounded_summit():
    records = _assemble(_summit())
    [summit] = records.summits
    assert summit.participants == ["Lee Jae-myung", "Sanae Takaichi"]
    assert summit.title == "Lee–Takaichi summit in Nara"
    assert (summit.date, summit.date_precision, summit.date_text) == ("2026-01-13", "day", "on Tuesday")
    assert (summit.location.city, summit.location.country) == ("Nara", "JP")
    assert [e.quote for e in summit.evidence] == ["Nara", "on Tuesday"]
    assert records.dropped == []


def test_undated_article_keeps_only_the_weekday():
    [summit] = _assemble(_summit(), published=None).summits
    assert (summit.date, summit.date_precision) == (None, "weekday")


def test_ungrounded_participant_is_dropped_and_counted():
    participants = [DraftParticipant(name="Lee Jae-myung"), DraftParticipant(name="Kim Min-seok")]
    records = _assemble(_summit(participants=participants))
    # Kim is dropped; Lee does not meet alone: Takaichi, named with him where it is reported, is added.
    assert records.summits[0].participants == ["Lee Jae-myung", "Sanae Takaichi"]
    assert next((d.path, d.value, d.reason) for d in records.dropped) == (
        "summits[0].participants[1]",
        "Kim Min-seok",
        "not named in the article",
    )
    assert "added Sanae Takaichi" in records.dropped[1].reason


def test_summit_without_named_participants_is_dropped():
    records = _assemble(_summit(participants=[DraftParticipant(name="Kim Min-seok")]))
    assert records.summits == []
    assert records.actors == []
    assert [d.path for d in records.dropped] == ["summits[0].participants[0]", "summits[0]"]


def test_city_and_date_not_in_the_article_are_dropped():
    records = _assemble(_summit(city="Busan", country=None, date_text="March 3"))
    [summit] = records.summits
    dropped = {d.path: d.value for d in records.dropped}
    assert dropped["summits[0].date_text"] == "March 3" and dropped["summits[0].city"] == "Busan"
    # Neither is kept: the city the article names as the meeting's place ("met … in Nara") is,
    # and the date its reports give ("on Tuesday"), with their quotes.
    assert (summit.location.city, summit.location.country) == ("Nara", "JP")
    assert (summit.date, summit.date_precision, summit.date_text) == ("2026-01-13", "day", "on Tuesday")
    assert "March 3" not in [e.quote for e in summit.evidence]


def test_country_of_a_grounded_city_wins_over_a_conflicting_draft_country():
    records = _assemble(_summit(city="Yokosuka", country="South Korea", date_text=None))
    assert records.summits[0].location.country == "JP"
    [dropped] = records.dropped
    assert (dropped.path, dropped.value) == ("summits[0].country", "South Korea")


def test_country_from_the_city_alone():
    [summit] = _assemble(_summit(city="Yokosuka", country=None)).summits
    assert summit.location.country == "JP"


def test_pledges_grounded_domained_and_deduplicated():
    pledges = [
        DraftPledge(description="cooperate on artificial intelligence", domain="technology_ai"),
        DraftPledge(description="joint work on AI research", domain="technology_ai"),
        DraftPledge(description="fight online scam operations", domain="other"),
        DraftPledge(description="sign a free trade agreement", domain="economy_trade"),
    ]
    records = _assemble(_summit(pledges=pledges))
    kept = records.summits[0].pledges
    assert [(p.description, p.domain) for p in kept] == [
        ("cooperate on artificial intelligence", "technology_ai"),
        ("fight online scam operations", "transnational_crime"),
    ]
    assert kept[0].evidence[0].quote.startswith("They agreed to cooperate on artificial intelligence")
    assert kept[0].parties == ["Lee Jae-myung", "Sanae Takaichi"]
    reasons = {d.path: d.reason for d in records.dropped}
    assert reasons["summits[0].pledges[3]"] == "no supporting sentence in the article"
    assert "same domain 'technology_ai'" in reasons["summits[0].pledges[1]"]


def test_actors_merged_across_summits_with_every_spelling():
    background = _summit(
        mention="background",
        status="planned",
        date_text=None,
        city="Yokosuka",
        country=None,
        participants=[DraftParticipant(name="President Lee Jae-Myung"), DraftParticipant(name="Takaichi")],
    )
    records = _assemble(_summit(), background)
    assert [s.participants for s in records.summits] == [["Lee Jae-myung", "Sanae Takaichi"]] * 2
    lee, takaichi = records.actors
    assert (lee.canonical_name, lee.name, lee.spellings) == ("Lee Jae-myung", "Lee Jae\u2011Myung", ["Lee Jae\u2011Myung"])
    assert (lee.role, lee.country) == ("President", "KR")
    assert [e.quote for e in lee.evidence] == ["Lee Jae\u2011Myung"]
    assert takaichi.canonical_name == "Sanae Takaichi"
    assert records.summits[1].title == "Lee–Takaichi summit in Yokosuka"


def test_a_background_meeting_that_only_repeats_the_primary_is_dropped():
    echo = _summit(mention="background", status="planned", date_text=None, city=None, country="Japan")
    records = _assemble(_summit(), echo)
    assert [s.mention for s in records.summits] == ["primary"]
    assert any(d.reason == "repeats the primary meeting" for d in records.dropped)


def test_a_place_the_model_put_in_the_date_is_taken_back():
    text = "The ministers Ahn Gyu-back and Shinjiro Koizumi met in Yokosuka. The meeting follows talks in September in Seoul."
    earlier = _summit(
        mention="background",
        kind="ministerial_meeting",
        city=None,
        country="Japan",
        date_text="September in Seoul",
        participants=[DraftParticipant(name="Ahn Gyu-back"), DraftParticipant(name="Shinjiro Koizumi")],
    )
    summit = _assemble(earlier, text=text, published=None).summits[0]
    assert (summit.location.city, summit.location.country) == ("Seoul", "KR")
    assert (summit.date, summit.date_precision, summit.date_text) == ("--09", "month", "September")


def test_words_that_are_not_a_date_are_not_kept_as_one():
    records = _assemble(
        _summit(date_text="on Tuesday"), _summit(mention="background", status="planned", city="Yokosuka", date_text="the defence ministers")
    )
    assert records.summits[1].date is None and records.summits[1].date_text is None
    assert any(d.reason == "not a date" for d in records.dropped)


def test_role_conflicting_with_the_known_role_is_replaced_and_noted():
    participants = [DraftParticipant(name="Lee Jae Myung", role="Prime Minister", country="Japan")]
    records = _assemble(_summit(participants=participants))
    [lee] = records.actors
    assert (lee.role, lee.country) == ("President", "KR")
    reasons = {d.path: d.reason for d in records.dropped}
    assert reasons["summits[0].participants[0].role"] == "role conflicts with known role 'President'"
    assert "summits[0].participants[0].country" in reasons


def test_compatible_role_is_kept_as_written():
    participants = [DraftParticipant(name="Lee Jae Myung", role="president")]
    [lee] = _assemble(_summit(participants=participants)).actors
    assert lee.role == "president"


def test_ungrounded_issues_for_the_model():
    draft = DraftExtraction(
        summits=[
            _summit(
                participants=[DraftParticipant(name="Lee Jae Myung"), DraftParticipant(name="Kim Min-seok")],
                city="Busan",
                date_text="March 3",
                pledges=[DraftPledge(description="sign a free trade agreement", domain="economy_trade")],
            )
        ]
    )
    issues = ungrounded_issues(draft, TEXT)
    # Only the people are asked again: an unsupported place, date or pledge is dropped without a
    # re-ask (measured: the model repeated itself, and each re-ask costs a whole generation).
    assert issues == ["summits[0]: participant 'Kim Min-seok' is not named in the article"]
    assert any(d.value == "sign a free trade agreement" for d in assemble_records(draft, TEXT, None).dropped)
    assert ungrounded_issues(DraftExtraction(summits=[_summit()]), TEXT) == []


def test_seed_article_with_a_non_breaking_hyphen_makes_a_valid_extraction():
    text = (SEEDS / "004_c5b0b4fb1f035136.txt").read_text(encoding="utf-8")
    draft = DraftExtraction(
        summits=[
            _summit(
                participants=[DraftParticipant(name="Lee Jae-Myung"), DraftParticipant(name="Shigeru Ishiba")],
                city="Tokyo",
                country="Japan",
                date_text=None,
                pledges=[DraftPledge(description="resume shuttle diplomacy", domain="diplomatic_dialogue")],
            ),
            _summit(
                mention="background",
                status="planned",
                city="Washington",
                country=None,
                date_text=None,
                participants=[DraftParticipant(name="Lee Jae-Myung"), DraftParticipant(name="Donald Trump")],
            ),
        ]
    )
    records = assemble_records(draft, text, None)
    assert [s.title for s in records.summits] == ["Lee–Ishiba summit in Tokyo", "Lee–Trump summit in Washington"]
    assert [s.location.country for s in records.summits] == ["JP", "US"]
    assert records.dropped == []
    extraction = ArticleExtraction(
        article_id="0" * 16,
        summits=records.summits,
        actors=records.actors,
        dropped=records.dropped,
        provenance=Provenance(model="test", prompt_version="test"),
    )
    for actor in extraction.actors:
        for ev in actor.evidence:
            assert text[ev.start : ev.end] == ev.quote


def test_a_misspelt_name_is_snapped_to_the_articles_spelling():
    # The model copied "Lee Jae‑Myung" (U+2011) as "Lee Jae-Mung".
    misspelt = _summit(
        participants=[
            DraftParticipant(name="Lee Jae-Mung", role="President", country="South Korea"),
            DraftParticipant(name="Sanae Takaichi", role="Prime Minister", country="Japan"),
        ]
    )
    records = _assemble(misspelt)
    assert records.summits[0].participants == ["Lee Jae-myung", "Sanae Takaichi"]
    lee = next(a for a in records.actors if a.canonical_name == "Lee Jae-myung")
    assert "Lee Jae\u2011Myung" in lee.spellings


def test_ministers_meet_at_a_ministerial_meeting_whatever_the_model_says():
    text = "Defence ministers Ahn Gyu-back and Shinjiro Koizumi met in Yokosuka on Friday."
    ministers = _summit(
        kind="leaders_summit",
        participants=[
            DraftParticipant(name="Ahn Gyu-back", role="defence minister", country="South Korea"),
            DraftParticipant(name="Shinjiro Koizumi", role="defence minister", country="Japan"),
        ],
        city="Yokosuka",
        date_text="on Friday",
    )
    summit = _assemble(ministers, text=text, published=None).summits[0]
    assert summit.kind == "ministerial_meeting"
    assert "meeting in Yokosuka" in summit.title


def test_two_heads_who_meet_on_a_state_visit_hold_a_summit():
    text = "Chilean President Ana Soto began a state visit to Peru on Monday and met President Luis Mora in Lima."
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {"mention": "primary", "kind": "state_visit", "status": "held", "participants": ["Ana Soto", "Luis Mora"], "city": "Lima"}
            ]
        }
    )
    summit = assemble_records(draft, text, "2026-03-04").summits[0]
    assert summit.kind == "leaders_summit" and summit.title == "Soto–Mora summit in Lima"


def test_a_city_written_with_its_country_keeps_the_city():
    text = "President Lee Jae Myung met Prime Minister Sanae Takaichi in Nara, Japan, on Tuesday."
    summit = _assemble(_summit(city="Nara, Japan", country=None), text=text).summits[0]
    assert summit.location.city == "Nara"
    assert summit.location.country == "JP"


def test_agreed_areas_the_model_left_out_are_read_from_the_commitment_sentences():
    text = (
        "President Lee Jae Myung met Prime Minister Sanae Takaichi in Nara on Tuesday. "
        "They agreed to cooperate on supply chains, measures against transnational crime and the remains of forced laborers. "
        "Analysts said regional security was on everyone's mind."
    )
    summit = _assemble(_summit(pledges=[DraftPledge(description="cooperate on supply chains", domain="supply_chain")]), text=text).summits[
        0
    ]
    assert {p.domain for p in summit.pledges} == {"supply_chain", "transnational_crime", "history_humanitarian"}
    crime = next(p for p in summit.pledges if p.domain == "transnational_crime")
    assert crime.certainty == "explicit"
    assert text[crime.evidence[0].start : crime.evidence[0].end].startswith("They agreed")


def test_a_meeting_listed_twice_is_kept_once():
    # (held: the article says the ministers "had met" in Yokosuka)
    twice = _summit(mention="background", status="held", city="Yokosuka", date_text=None)
    records = _assemble(_summit(), twice, twice)
    assert [s.location.city for s in records.summits] == ["Nara", "Yokosuka"]
    assert [d.reason for d in records.dropped] == ["listed twice"]


def test_a_description_after_the_city_is_not_part_of_it():
    text = "President Lee Jae Myung will host Prime Minister Sanae Takaichi in Andong, Lee's home region in South Korea."
    summit = _assemble(
        _summit(status="planned", city="Andong, Lee's home region in South Korea", country=None, date_text=None), text=text
    ).summits[0]
    assert (summit.location.city, summit.location.country) == ("Andong", "KR")


def test_countries_bylines_and_joined_names_are_not_taken_as_participants():
    text = "By MARA VOSS\nSouth Korea and Austria held talks in Vienna on Monday. Chancellor Anna Berg met President Lee Jae-myung there."
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Vienna",
                    "participants": [{"name": "Austria"}, {"name": "MARA VOSS"}, {"name": "Anna Berg, Lee Jae-myung"}],
                }
            ]
        }
    )
    records = assemble_records(draft, text, "2026-03-02")
    assert records.summits[0].participants == ["Anna Berg", "Lee Jae-myung"]
    reasons = {d.value: d.reason for d in records.dropped}
    # Austria's representative is no one we know of: the country tells us nobody.
    assert reasons["Austria"] == "a place, not a person"
    assert "byline" in reasons["MARA VOSS"]


def test_a_city_is_named_without_its_province_country_or_city_suffix():
    text = "Chancellor Anna Berg met President Lee Jae-myung in Nara, Nara Prefecture, Japan. They meet again in New York City."
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Nara, Nara Prefecture, Japan",
                    "participants": [{"name": "Anna Berg"}, {"name": "Lee Jae-myung"}],
                },
                {
                    "mention": "background",
                    "kind": "leaders_summit",
                    "status": "planned",
                    "city": "New York City",
                    "participants": [{"name": "Anna Berg"}, {"name": "Lee Jae-myung"}],
                },
            ]
        }
    )
    summits = assemble_records(draft, text, None).summits
    assert [(s.location.city, s.location.country) for s in summits] == [("Nara", "JP"), ("New York", "US")]


def test_countries_given_as_participants_become_the_people_the_article_names_for_them():
    text = (
        "Kenya's and Brazil's defence chiefs sat down in Kuala Lumpur on Saturday, at a regional forum. "
        "Kenyan Defence Minister Amina Wanjiru held talks with Brazil's Defence Minister Rafael Albuquerque on the sidelines. "
        "China and the United States also attended the forum."
    )
    # Neither minister is a known actor: their titles say whom each country sent.
    countries = [DraftParticipant(name=n) for n in ("Kenya", "Brazil", "United States")]
    records = _assemble(
        _summit(kind="multilateral_summit", participants=countries, city="Kuala Lumpur", country="Malaysia", date_text="on Saturday"),
        text=text,
        published="2025-11-02",
    )
    [summit] = records.summits
    assert summit.participants == ["Amina Wanjiru", "Rafael Albuquerque"]
    # Two ministers on the sidelines of a forum: a bilateral ministerial meeting.
    assert summit.kind == "ministerial_meeting"
    assert any(d.value == "United States" and d.reason == "a place, not a person" for d in records.dropped)


def test_gen_without_a_period_is_a_given_name_not_a_title():
    text = "Japanese Defense Minister Gen Nakatani and Ahn Gyu-back met in Seoul on Monday."
    participants = [DraftParticipant(name="Nakatani"), DraftParticipant(name="Ahn Gyu-back")]
    [summit] = _assemble(_summit(participants=participants, city="Seoul", date_text="on Monday"), text=text, published="2025-09-08").summits
    assert summit.participants == ["Gen Nakatani", "Ahn Gyu-back"]


def test_a_main_meeting_given_one_person_gets_the_people_named_with_them_where_it_is_reported():
    text = (
        "Meeting his counterparts in New York, Secretary of State Marco Rubio called the alliance vital on Monday. "
        "Rubio spoke after three-way talks with Foreign Minister Cho Hyun and Foreign Minister Takeshi Iwaya. "
        "Presidential spokesperson Kang Yu-jung told reporters the talks went well."
    )
    draft = _summit(kind="ministerial_meeting", participants=[DraftParticipant(name="Marco Rubio")], city="New York", date_text="Monday")
    [summit] = _assemble(draft, text=text, published="2025-09-23").summits
    # Cho Hyun, not another Cho titled "Foreign Minister Cho"; the spokesperson only briefed.
    assert summit.participants == ["Marco Rubio", "Cho Hyun", "Takeshi Iwaya"]


def test_a_city_named_only_in_the_dateline_gives_way_to_the_country_the_article_sends_them_to():
    text = (
        "Nairobi, Mar 3 (Newswire) Kenyan Defence Minister Amina Wanjiru plans a visit to Brazil next week "
        "to meet her Brazilian colleague Rafael Albuquerque, her office announced."
    )
    pair = [DraftParticipant(name="Amina Wanjiru"), DraftParticipant(name="Rafael Albuquerque")]
    draft = _summit(kind="ministerial_meeting", status="planned", participants=pair, city="Nairobi", country="Kenya", date_text="next week")
    [summit] = _assemble(draft, text=text, published="2026-03-03").summits
    assert (summit.location.city, summit.location.country) == (None, "BR")
    assert summit.title == "Wanjiru–Albuquerque meeting in Brazil"


def test_a_dateline_city_that_is_the_meeting_place_stands():
    text = "SEOUL, Sept. 8 (Newswire) -- Defence ministers Ahn Gyu-back and Shinjiro Koizumi held talks on Monday."
    pair = [DraftParticipant(name="Ahn Gyu-back"), DraftParticipant(name="Shinjiro Koizumi")]
    draft = _summit(kind="ministerial_meeting", participants=pair, city="Seoul", country="South Korea", date_text="on Monday")
    [summit] = _assemble(draft, text=text, published="2025-09-08").summits
    assert summit.location.city == "Seoul"


# --- dates the model's words alone do not give -----------------------------------------------------


def test_a_yearless_wire_dateline_dates_the_weekday_of_an_undated_article():
    text = (
        "Leaders to meet in Nara\n\n"
        "BUSAN, Oct. 4 (Newswire)--South Korean President Lee Jae-myung and Japanese Prime Minister Sanae Takaichi "
        "will meet in Nara on Tuesday, the two governments said Saturday."
    )
    [summit] = _assemble(_summit(status="planned"), published=None, text=text).summits
    assert (summit.date, summit.date_precision, summit.status) == ("--10-07", "day", "planned")


def test_relative_words_take_the_date_the_article_glosses_them_with():
    text = (
        "Yesterday (Aug. 23), Prime Minister Sanae Takaichi received President Lee Jae-myung in Nara. "
        "The dinner after the summit yesterday ran late."
    )
    [summit] = _assemble(_summit(date_text="yesterday"), published=None, text=text).summits
    assert (summit.date, summit.date_text) == ("--08-23", "Yesterday (Aug. 23)")
    assert [e.quote for e in summit.evidence] == ["Yesterday (Aug. 23)", "Nara"]


def test_a_meeting_without_date_words_is_dated_by_its_own_sentence():
    text = (
        "The presidential office said on the 5th that President Lee Jae-myung and Prime Minister Sanae Takaichi "
        "signed five accords in Nara the previous day. The accords cover trade."
    )
    for date_text in (None, "at the signing ceremony"):  # none, or words the article does not have
        [summit] = _assemble(_summit(date_text=date_text), published="2026-03-05", text=text).summits
        assert (summit.date, summit.date_text, summit.status) == ("2026-03-04", "the previous day", "held")


def test_a_recalled_meeting_takes_the_date_nearest_its_own_place():
    text = (
        "President Lee Jae-myung and Prime Minister Sanae Takaichi will meet in Nara next month. "
        "Earlier, on May 2, after their first summit in Busan, Lee said Takaichi had agreed to Nara."
    )
    busan = _summit(mention="background", status="planned", city="Busan", country=None, date_text=None)
    primary = _summit(status="planned", date_text="next month")
    records = _assemble(primary, busan, published="2026-06-10", text=text)
    assert [(s.location.city, s.date, s.status) for s in records.summits] == [
        ("Nara", "2026-07", "planned"),
        ("Busan", "2026-05-02", "held"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Lee Jae-myung and Sanae Takaichi, who met in June, will hold talks in Nara next month.",  # two dates
        "On May 2 in Busan, Lee Jae-myung proposed that Sanae Takaichi visit Nara.",  # Busan's date
        "Lee Jae-myung will visit Nara on May 2.",  # Takaichi is not in it
    ],
)
def test_a_sentence_whose_date_may_be_another_meetings_dates_nothing(sentence):
    [summit] = _assemble(
        _summit(status="planned", date_text=None), published="2026-04-20", text=sentence + " Sanae Takaichi agreed."
    ).summits
    assert summit.date is None


def test_in_an_undated_article_recalled_dates_take_the_year_of_the_main_meetings_date():
    text = (
        "President Lee Jae-myung left for Nara on March 3, 2026 for talks with Prime Minister Sanae Takaichi. "
        "The two leaders last met in Busan in early November."
    )
    busan = _summit(mention="background", city="Busan", country=None, date_text="in early November")
    records = _assemble(_summit(status="planned", date_text="March 3, 2026"), busan, published=None, text=text)
    assert [(s.location.city, s.date) for s in records.summits] == [("Nara", "2026-03-03"), ("Busan", "2025-11")]


def test_a_pledge_whose_domain_no_word_supports_is_dropped():
    # The model's domain must be the description's or its sentence's: working closely together is
    # not transnational_crime.
    text = (
        "President Lee Jae Myung met Prime Minister Sanae Takaichi in Nara on Tuesday. "
        "They agreed to work more closely with each other's governments."
    )
    pledges = [DraftPledge(description="work more closely with each other", domain="transnational_crime")]
    records = _assemble(_summit(pledges=pledges), text=text)
    assert records.summits[0].pledges == []
    reasons = {d.path: d.reason for d in records.dropped}
    assert reasons["summits[0].pledges[0]"] == "no word of it or of its sentence is about 'transnational_crime'"


def test_a_pledge_whose_sentence_dates_it_to_an_earlier_year_is_dropped():
    text = (
        "President Lee Jae Myung met Prime Minister Sanae Takaichi in Nara on Tuesday. "
        "A tariff agreement between the two was first signed in 2015, and it lapsed last year."
    )
    pledges = [DraftPledge(description="tariff agreement", domain="economy_trade")]
    records = _assemble(_summit(pledges=pledges), text=text)
    assert records.summits[0].pledges == []
    reasons = {d.path: d.reason for d in records.dropped}
    assert reasons["summits[0].pledges[0]"] == "its sentence dates the agreement to an earlier year"


def test_the_agreements_of_the_articles_other_meetings_are_not_the_primarys():
    text = (
        "President Lee Jae Myung met Prime Minister Sanae Takaichi in Nara on Tuesday, and they agreed to cooperate on supply chains. "
        "A day earlier, Chancellor Otto Berg met President Ana Ruiz in Osaka. They agreed to fight drug trafficking."
    )
    other = DraftSummit(
        mention="background",
        kind="leaders_summit",
        status="held",
        participants=[DraftParticipant(name="Otto Berg"), DraftParticipant(name="Ana Ruiz")],
        city="Osaka",
    )
    primary = _assemble(_summit(), other, text=text).summits[0]
    assert {p.domain for p in primary.pledges} == {"supply_chain"}


def test_a_names_only_draft_takes_roles_and_countries_from_the_article():
    # What the model writes: the names of the people who met, nothing else. The role and the
    # country of a person the known-actor table does not know are the article's own words.
    text = (
        "Chilean Foreign Minister Rosa Vega met Tom Reed, Peru's trade minister, in Lima on Monday. They agreed to cut tariffs on copper."
    )
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "ministerial_meeting",
                    "status": "held",
                    "participants": ["Rosa Vega", "Tom Reed"],
                    "city": "Lima",
                }
            ]
        }
    )
    records = assemble_records(draft, text, "2026-03-04")
    assert records.summits[0].participants == ["Rosa Vega", "Tom Reed"]
    assert {a.name: (a.role, a.country) for a in records.actors} == {
        "Rosa Vega": ("Foreign Minister", "CL"),
        "Tom Reed": ("trade minister", "PE"),
    }
    assert records.dropped == []


def test_the_model_is_asked_for_names_only():
    schema = DraftExtraction.model_json_schema()["$defs"]
    assert schema["DraftSummit"]["properties"]["participants"]["items"] == {"type": "string", "maxLength": 60}
    assert "certainty" not in schema["DraftPledge"]["properties"]


def test_the_model_is_not_asked_what_code_tells_and_the_first_meeting_is_the_main_one():
    summit = DraftExtraction.model_json_schema()["$defs"]["DraftSummit"]["properties"]
    assert {"mention", "kind", "country"}.isdisjoint(summit)
    reply = {
        "summits": [
            {"status": "held", "participants": ["Lee Jae Myung", "Sanae Takaichi"], "city": "Nara", "date_text": "on Tuesday"},
            {"status": "held", "participants": ["Lee Jae Myung", "Sanae Takaichi"], "city": "Gyeongju", "date_text": "in late October"},
        ]
    }
    draft = DraftExtraction.model_validate(reply)
    assert [s.mention for s in draft.summits] == ["primary", "background"]
    # Who met tells the kind; the city tells the country.
    records = assemble_records(draft, TEXT, "2026-01-13")
    main = records.summits[0]
    assert (main.mention, main.kind, main.location.country) == ("primary", "leaders_summit", "JP")
    # A reply that still says them (another server, a recording) is read as it says.
    reply["summits"][0] |= {"mention": "background", "kind": "state_visit", "country": "Japan"}
    reply["summits"][1] |= {"mention": "primary"}
    assert [s.mention for s in DraftExtraction.model_validate(reply).summits] == ["background", "primary"]


def test_ministers_meeting_is_a_ministerial_meeting_without_the_model_saying_so():
    text = "Defence Minister Ahn Gyu-back met Defence Minister Shinjiro Koizumi in Yokosuka on Friday."
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {"status": "held", "participants": ["Ahn Gyu-back", "Shinjiro Koizumi"], "city": "Yokosuka", "date_text": "on Friday"}
            ]
        }
    )
    [summit] = assemble_records(draft, text, "2026-01-31").summits
    assert (summit.kind, summit.location.country, summit.date) == ("ministerial_meeting", "JP", "2026-01-30")


def test_a_city_is_grounded_where_the_article_names_it_as_a_place():
    # Washington first stands for the government; the sentence that places the meeting there
    # names its people.
    text = (
        "President Lee Jae-myung met Prime Minister Shigeru Ishiba in Tokyo. "
        "They said their collaboration with Washington remains vital. "
        "Lee will travel to Washington next week to meet President Donald Trump."
    )
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {"status": "held", "participants": ["Lee Jae-myung", "Shigeru Ishiba"], "city": "Tokyo"},
                {"status": "planned", "participants": ["Lee Jae-myung", "Shigeru Ishiba"], "city": "Washington"},
            ]
        }
    )
    washington = assemble_records(draft, text, "2025-08-20").summits[1]
    assert set(washington.participants) == {"Lee Jae-myung", "Donald Trump"}
    [quote] = [e for e in washington.evidence if e.quote == "Washington"]
    assert text[quote.start - 10 : quote.end] == "travel to Washington"


def test_the_known_roles_decide_the_kind_when_another_participants_role_is_not_given():
    assert kind_from_roles("leaders_summit", ["Defence Minister", None]) == "ministerial_meeting"
    assert kind_from_roles("leaders_summit", ["President", None]) == "leaders_summit"
    assert kind_from_roles("leaders_summit", [None, None]) == "leaders_summit"


def test_a_date_the_model_wrapped_in_words_of_its_own_is_found_by_its_date_phrase():
    from extractor.extract.assemble import _locate_date

    text = "Boric and Petro first met in Quito in March 2024, officials recalled."
    found = _locate_date(text, "last met in March 2024")
    assert found is not None and found.quote == "in March 2024" and text[found.start : found.end] == found.quote
    assert _locate_date(text, "in June") is None


def test_a_place_that_no_table_lists_stands_when_the_article_names_its_region():
    from extractor.extract.assemble import assemble_records
    from extractor.model.draft import DraftExtraction

    text = (
        "BANFF, Alberta - Prime Minister Eleanor Whitfield met Prime Minister Haruto Sakamoto on Sunday "
        "on the sidelines of the summit in Lake Louise, Alberta."
    )
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "status": "held",
                    "city": "Lake Louise",
                    "date_text": "on Sunday",
                    "participants": ["Eleanor Whitfield", "Haruto Sakamoto"],
                }
            ]
        }
    )
    [summit] = assemble_records(draft, text, "2026-06-15").summits
    assert (summit.location.city, summit.location.country, summit.date) == ("Lake Louise", "CA", "2026-06-14")


def test_a_background_meeting_placed_only_by_the_dateline_is_not_placed_there():
    from extractor.extract.assemble import assemble_records
    from extractor.model.draft import DraftExtraction

    text = (
        "NAIROBI: President Wanjiru Kamau will attend a regional summit in Kigali from June 16 to 18 at the "
        "invitation of President Eric Mugisha, her office said on Friday."
    )
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {"status": "planned", "city": "Kigali", "date_text": "June 16 to 18", "participants": ["Wanjiru Kamau", "Eric Mugisha"]},
                {"status": "planned", "city": "Nairobi", "participants": ["Wanjiru Kamau", "Eric Mugisha"]},
            ]
        }
    )
    records = assemble_records(draft, text, "2026-06-12")
    assert [(s.location.city, s.date) for s in records.summits] == [("Kigali", "2026-06-16")]
    assert any(d.value == "Nairobi" and "dateline" in d.reason for d in records.dropped)
