"""Held or planned from the article's words, and the date that follows from it."""

from __future__ import annotations

import pytest

from extractor.extract.assemble import assemble_records
from extractor.grounding.tense import status_from_text, status_of_the_reports
from extractor.model.draft import DraftExtraction
from schemas import Evidence


def one_summit(status: str, city: str | None, date_text: str | None) -> DraftExtraction:
    return DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": status,
                    "city": city,
                    "date_text": date_text,
                    "participants": [{"name": "Anna Berg", "role": "Chancellor"}, {"name": "Jonas Lind", "role": "Prime Minister"}],
                }
            ]
        }
    )


def test_a_planned_weekday_is_the_coming_one_even_when_the_model_says_held():
    # Published on Wednesday 2026-03-04: "on Friday" is Friday 2026-03-06.
    text = "Chancellor Anna Berg will visit Stockholm on Friday for talks with Prime Minister Jonas Lind, her office said."
    summit = assemble_records(one_summit("held", "Stockholm", "on Friday"), text, "2026-03-04").summits[0]
    assert (summit.status, summit.date) == ("planned", "2026-03-06")


def test_a_meeting_the_article_says_took_place_is_held():
    text = "Chancellor Anna Berg met Prime Minister Jonas Lind in Stockholm on Friday and agreed to expand trade."
    records = assemble_records(one_summit("planned", "Stockholm", "on Friday"), text, "2026-03-07")
    assert (records.summits[0].status, records.summits[0].date) == ("held", "2026-03-06")
    assert any(d.path == "summits[0].status" for d in records.dropped)  # the model's word is kept, as dropped


@pytest.mark.parametrize(
    ("text", "date_text", "status"),
    [
        ("Berg and Lind are set to hold talks in Stockholm next week, officials said.", "next week", "planned"),
        ("The talks follow their meeting in Stockholm last month.", "last month", "held"),
        ("Chancellor Anna Berg is scheduled to meet Prime Minister Jonas Lind in Stockholm on March 20.", "March 20", "planned"),
        # What a meeting follows has happened.
        (
            "This is their second meeting this year, following a brief encounter at the Nordic summit in Stockholm in January.",
            "in January",
            "held",
        ),
        # The verb far from the place: a forum's long name between them, in one sentence.
        (
            "Berg and Lind last held talks on the sidelines of the Baltic Sea States Council Ministerial "
            "Conference on Maritime Security and Fisheries in Stockholm in early February.",
            "in early February",
            "held",
        ),
    ],
)
def test_cue_words_decide(text, date_text, status):
    text = "Chancellor Anna Berg and Prime Minister Jonas Lind. " + text
    other = "held" if status == "planned" else "planned"
    assert assemble_records(one_summit(other, "Stockholm", date_text), text, "2026-03-04").summits[0].status == status


def test_a_held_meeting_dated_after_publication_is_planned():
    text = "Chancellor Anna Berg and Prime Minister Jonas Lind: the Stockholm meeting on March 20 was confirmed."
    summit = assemble_records(one_summit("held", "Stockholm", "March 20"), text, "2026-03-04").summits[0]
    assert (summit.status, summit.date) == ("planned", "2026-03-20")


def test_reports_that_only_look_ahead_make_a_meeting_planned():
    from extractor.grounding.tense import status_of_the_reports

    reports = [
        "The president landed in Accra on Tuesday to hold summit talks with the prime minister.",
        "The two leaders are expected to take up cocoa prices.",
        "The leaders last met in October and agreed to resume shuttle diplomacy.",  # an earlier meeting
        'He said the summit "will open a new chapter".',  # quoted hope
        # What a relative clause says belongs to the earlier talks it follows.
        "The ministers also spoke by phone last month, where they agreed to share port data.",
    ]
    assert status_of_the_reports(reports) == "planned"
    assert status_of_the_reports([*reports, "The two leaders discussed trade at the summit."]) is None
    assert status_of_the_reports(["The leaders met in Osaka."]) is None


def test_an_article_about_an_arrival_for_a_summit_reports_it_as_planned():
    from extractor.extract.assemble import assemble_records
    from extractor.model.draft import DraftExtraction

    text = (
        "President Bambang Wirawan of Indonesia arrived in Valparaiso on Tuesday to hold summit talks with President Camila Rojas. "
        "At the summit, Wirawan and Rojas are expected to discuss copper and nickel supplies."
    )
    pair = [{"name": "Bambang Wirawan"}, {"name": "Camila Rojas"}]
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Valparaiso",
                    "date_text": "on Tuesday",
                    "participants": pair,
                }
            ]
        }
    )
    [summit] = assemble_records(draft, text, "2026-01-13").summits
    assert (summit.status, summit.date) == ("planned", "2026-01-13")


def test_a_held_meeting_whose_sentences_also_recall_and_announce_other_things_stays_held():
    from extractor.grounding.tense import status_of_the_reports

    reports = [
        "The prime minister met the president in Busan on Tuesday, returning the visit the president paid a month ago.",
        "The prime minister, who has said he will step down, used the trip to urge his successor on.",
    ]
    assert status_of_the_reports(reports) is None


def test_the_next_leg_of_a_trip_is_planned_even_after_the_held_talks_in_its_sentence():
    text = "Lee held talks with Ishiba in Tokyo, his first stop, before heading to Washington for a summit with Trump."
    at = text.index("Washington")
    assert status_from_text(text, [Evidence(quote="Washington", start=at, end=at + 10)]) == "planned"
    text = "Berg met Lind in Oslo on his way to Paris, where he will see the president."
    at = text.index("Paris")
    assert status_from_text(text, [Evidence(quote="Paris", start=at, end=at + 5)]) == "planned"


def test_a_visit_in_progress_is_no_plan_whatever_is_hoped_of_it():
    sentences = ["President Kagame said the ongoing state visit by President Ruto will be a milestone for both countries."]
    assert status_of_the_reports(sentences) is None
