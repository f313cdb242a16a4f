"""Background meetings take their people, place and date from their own passage (extract.passages)."""

from __future__ import annotations

from extractor.extract.assemble import assemble_records
from extractor.model.draft import DraftExtraction

PAIR = [{"name": "Lee Jae-myung", "role": "President"}, {"name": "Shigeru Ishiba", "role": "Prime Minister"}]
MAIN = {"mention": "primary", "kind": "leaders_summit", "status": "held", "city": "Busan", "date_text": "on Tuesday", "participants": PAIR}


def background(**fields) -> dict:
    return {"mention": "background", "kind": "leaders_summit", "status": "held", "participants": PAIR, **fields}


def assembled(article: str, *others: dict):
    return assemble_records(DraftExtraction.model_validate({"summits": [MAIN, *others]}), article, "2025-09-30")


def soto_berg(status: str, **fields) -> DraftExtraction:
    """The model's answer naming one main leaders' summit of Ana Soto and Erik Berg."""
    summit = {"mention": "primary", "kind": "leaders_summit", "status": status, "participants": ["Ana Soto", "Erik Berg"], **fields}
    return DraftExtraction.model_validate({"summits": [summit]})


def test_a_date_whose_clause_reports_no_meeting_is_no_background_meeting():
    article = (
        "President Lee Jae-myung and Prime Minister Shigeru Ishiba met in Busan on Tuesday. "
        "Ishiba said Lee's visit to Tokyo was the first trip abroad since taking office in June."
    )
    records = assembled(article, background(city="Tokyo", date_text="in June"))
    assert [s.location.city for s in records.summits if s.mention == "background"] == []
    assert any("dates no meeting of theirs" in d.reason for d in records.dropped)


def test_a_year_that_names_a_gathering_dates_that_gathering_not_a_meeting_of_theirs():
    article = (
        "President Lee Jae-myung and Prime Minister Shigeru Ishiba met in Busan on Tuesday. "
        "The two leaders began with a walk through a hall built for the 2005 APEC summit in Busan."
    )
    records = assembled(article, background(city="Busan", date_text="2005"))
    assert [s for s in records.summits if s.mention == "background"] == []


def test_the_main_citys_name_beside_another_meetings_date_gives_way_to_the_city_of_that_passage():
    article = (
        "President Lee Jae-myung and Prime Minister Shigeru Ishiba met in Busan on Tuesday. "
        "The two leaders first held talks in Tokyo in August."
    )
    records = assembled(article, background(city="Busan", date_text="in August"))
    (earlier,) = [s for s in records.summits if s.mention == "background"]
    assert (earlier.location.city, earlier.date) == ("Tokyo", "2025-08")
    assert earlier.title == "Lee–Ishiba summit in Tokyo"
    assert all(article[e.start : e.end] == e.quote for e in earlier.evidence)


def test_a_meeting_listed_again_less_precisely_is_dropped_and_the_date_words_widen_to_the_whole_phrase():
    article = (
        "President Lee Jae-myung and Prime Minister Shigeru Ishiba met in Busan on Tuesday. "
        "Their previous talks took place in Tokyo in November last year, at a regional forum."
    )
    records = assembled(
        article, background(city="Tokyo", date_text="last year"), background(city="Tokyo", date_text="in November last year")
    )
    (earlier,) = [s for s in records.summits if s.mention == "background"]
    assert (earlier.location.city, earlier.date) == ("Tokyo", "2024-11")


def test_a_background_meeting_without_a_city_takes_the_country_its_clause_names():
    article = (
        "President Lee Jae-myung and Prime Minister Shigeru Ishiba met in Busan on Tuesday. It follows a trip Lee made to Japan last month."
    )
    records = assembled(article, background(date_text="last month"))
    (earlier,) = [s for s in records.summits if s.mention == "background"]
    assert (earlier.location.city, earlier.location.country, earlier.date) == (None, "JP", "2025-08")


def test_a_model_that_lists_everyone_in_every_meeting_keeps_each_meetings_own_people():
    # Asked for names only, a small model may put every person the article names into every
    # meeting; each keeps the people named where it is dated.
    article = (
        "Trade Minister Ola Dahl will meet Foreign Minister Rosa Vega on March 20 in Lima, officials said. "
        "Before that, President Ana Soto is scheduled to visit Oslo on March 12 for a summit with Prime Minister Erik Berg."
    )
    everyone = ["Ola Dahl", "Rosa Vega", "Ana Soto", "Erik Berg"]
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "ministerial_meeting",
                    "status": "planned",
                    "participants": everyone,
                    "city": "Lima",
                    "date_text": "on March 20",
                },
                {
                    "mention": "background",
                    "kind": "leaders_summit",
                    "status": "planned",
                    "participants": everyone,
                    "city": "Oslo",
                    "date_text": "on March 12",
                },
            ]
        }
    )
    records = assemble_records(draft, article, "2026-03-04")
    assert [(s.location.city, s.participants) for s in records.summits] == [
        ("Lima", ["Ola Dahl", "Rosa Vega"]),
        ("Oslo", ["Ana Soto", "Erik Berg"]),
    ]
    assert {a.name for a in records.actors} == set(everyone)


def test_a_main_meeting_without_a_city_takes_the_one_its_reports_name_as_a_place():
    article = (
        "President Ana Soto landed in Norway on Tuesday for a summit with Prime Minister Erik Berg. "
        "Soto headed straight to Bergen, Berg's hometown, where the two leaders will hold talks. "
        "They last met in Lima in March."
    )
    draft = soto_berg("planned", city="Norway")
    records = assemble_records(draft, article, "2026-03-03")
    summit = records.summits[0]
    assert (summit.location.city, summit.location.country) == ("Bergen", "NO")
    # Lima, named in a sentence about their earlier meeting, is that meeting's place.
    assert [s.location.city for s in records.summits[1:]] == ["Lima"]
    assert article[summit.evidence[-1].start : summit.evidence[-1].end] == "Bergen"
    assert any(d.path == "summits[0].city" and d.value == "Norway" for d in records.dropped)  # the model's "city"


def test_two_cities_named_as_its_place_settle_nothing():
    article = (
        "President Ana Soto will hold talks with Prime Minister Erik Berg in Norway this week. "
        "The summit may be held in Bergen or in Oslo, officials said."
    )
    draft = soto_berg("planned")
    assert assemble_records(draft, article, "2026-03-03").summits[0].location.city is None


def test_the_day_of_the_journey_gives_way_to_the_day_of_the_talks():
    # Published on Sunday 2026-03-01; the model dated the talks by the arrival.
    article = (
        "President Ana Soto arrived in Oslo on Sunday for talks with Prime Minister Erik Berg. "
        "Soto will hold talks with Berg on Monday, following their meeting in Lima in early November."
    )
    draft = soto_berg("held", city="Oslo", date_text="on Sunday")
    records = assemble_records(draft, article, "2026-03-01")
    main, *others = records.summits
    assert (main.status, main.date, main.date_text) == ("planned", "2026-03-02", "on Monday")
    assert any(d.value == "on Sunday" and "journey" in d.reason for d in records.dropped)
    # The earlier meeting recalled in the talks' own sentence is still found.
    assert [(s.location.city, s.date, s.status) for s in others] == [("Lima", "2025-11", "held")]


def test_an_undated_main_meeting_takes_the_date_its_reports_agree_on_not_an_attributions():
    # Published Wednesday 2026-01-21. The model's date words are not in the article; the reports
    # date the visit "next week" and "for January 29-31" (agreeing on January), and "sources said
    # on Wednesday" dates the report, not the talks. The earlier call "last month" is another meeting.
    article = (
        "Defence Minister Ana Soto is expected in Norway next week for talks with her counterpart, "
        "Erik Berg, sources said on Wednesday. "
        "Her office has booked Soto's visit to Norway for January 29-31, when she will hold talks with Berg. "
        "Soto and Berg last held phone talks last month."
    )
    draft = soto_berg("held", date_text="on January 21")
    main = assemble_records(draft, article, "2026-01-21").summits[0]
    assert (main.status, main.date, main.date_precision) == ("planned", "2026-01", "month")
    assert main.date_text == "next week"
    assert any(article[e.start : e.end] == "next week" for e in main.evidence)


def test_reports_that_disagree_on_the_date_leave_the_main_meeting_undated():
    article = (
        "President Ana Soto will visit Norway in March for talks with Prime Minister Erik Berg, officials said. "
        "Others said Soto would hold talks with Berg in May."
    )
    main = assemble_records(soto_berg("planned"), article, "2026-01-21").summits[0]
    assert main.date is None
    # One of the two reports alone dates it, in the coming March (planned), not the last one.
    main = assemble_records(soto_berg("planned"), article.split(" Others")[0], "2026-01-21").summits[0]
    assert (main.date, main.date_text) == ("2026-03", "in March")


def test_a_main_meeting_without_a_city_takes_the_one_named_as_its_venue_not_the_landmark_beside_it():
    article = (
        "Defence Minister Ana Soto plans to travel to Norway next week to meet her counterpart, Erik Berg. "
        "Local radio tipped the port town of Drammen, near Oslo, as the likely venue of their talks."
    )
    main = assemble_records(soto_berg("planned"), article, "2026-01-21").summits[0]
    assert (main.location.city, main.location.country) == ("Drammen", "NO")
    assert any(article[e.start : e.end] == "Drammen" for e in main.evidence)


def test_a_main_meeting_without_a_place_takes_the_one_country_its_reports_send_it_to():
    article = "President Ana Soto met Prime Minister Erik Berg on Saturday. Soto's visit to Norway was her first trip abroad."
    main = assemble_records(soto_berg("held", date_text="on Saturday"), article, "2026-03-01").summits[0]
    assert (main.location.city, main.location.country) == (None, "NO")


def test_the_pages_date_stamp_and_its_dateline_city_are_not_the_meetings():
    # " date … Oslo:" opens the page; "Oslo's defence ministry said" is the government. The model
    # copied both; the reports place and date the talks.
    article = (
        " date 2026-02-01 Oslo: Norway and Austria agreed to resume naval drills, Oslo's defence ministry said.\n\n"
        "Defence Minister Ana Soto and her Norwegian counterpart, Erik Berg, held talks in the port city of Bergen on Friday."
    )
    records = assemble_records(soto_berg("held", city="Oslo", date_text="2026-02-01"), article, "2026-02-01")
    main = records.summits[0]
    assert (main.location.city, main.date, main.date_text) == ("Bergen", "2026-01-30", "on Friday")
    reasons = {d.value: d.reason for d in records.dropped}
    assert "dateline" in reasons["Oslo"] and "date stamp" in reasons["2026-02-01"]
