"""A city the article names only as a government is not a meeting's place."""

import pytest

from extractor.extract.assemble import assemble_records
from extractor.grounding.places import named_only_as_a_government
from extractor.model.draft import DraftExtraction


@pytest.mark.parametrize(
    ("text", "city", "government"),
    [
        ("Oslo and Lima are fine-tuning the details of the visit.", "Lima", True),
        ("Oslo and Lima are fine-tuning the details of the visit.", "Oslo", True),
        ("Lima said the talks would cover fisheries.", "Lima", True),
        # Named as a place once is enough.
        ("Lima said the talks would cover fisheries. Dahl will fly to Lima on Friday.", "Lima", False),
        ("The ministers met in Lima on Monday.", "Lima", False),
        ("Lima is the venue.", "Lima", False),
        ("The article never names the city.", "Lima", False),
    ],
)
def test_a_city_named_for_its_government(text, city, government):
    assert named_only_as_a_government(text, city) is government


def test_such_a_city_is_not_the_meetings_place():
    text = (
        "Trade Minister Ola Dahl of Norway is set to visit Peru next week to meet Foreign Minister Rosa Vega. "
        "Oslo and Lima are fine-tuning the details of the trip, officials said."
    )
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "ministerial_meeting",
                    "status": "planned",
                    "participants": [{"name": "Ola Dahl"}, {"name": "Rosa Vega"}],
                    "city": "Lima",
                    "date_text": "next week",
                }
            ]
        }
    )
    records = assemble_records(draft, text, "2026-03-04")
    [summit] = records.summits
    assert summit.location.city is None
    assert any(d.path == "summits[0].city" and "government" in d.reason for d in records.dropped)
