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
        "They last held talks in Tokyo in November last year, on the margins of a regional forum."
    )
    records = assembled(
        article, background(city="Tokyo", date_text="last year"), background(city="Tokyo", date_text="in November last year")
    )
    (earlier,) = [s for s in records.summits if s.mention == "background"]
    assert (earlier.location.city, earlier.date) == ("Tokyo", "2024-11")


def test_a_background_meeting_without_a_city_takes_the_country_its_clause_names():
    article = (
        "President Lee Jae-myung and Prime Minister Shigeru Ishiba met in Busan on Tuesday. "
        "The visit reciprocates Lee's trip to Japan last month."
    )
    records = assembled(article, background(date_text="last month"))
    (earlier,) = [s for s in records.summits if s.mention == "background"]
    assert (earlier.location.city, earlier.location.country, earlier.date) == (None, "JP", "2025-08")
