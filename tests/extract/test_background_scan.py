"""The meetings an article recalls or announces in passing, with facts from their own sentence."""

from __future__ import annotations

from extractor.extract.assemble import assemble_records
from extractor.model.draft import DraftExtraction

ARTICLE = (
    "President Lee Jae-myung and Prime Minister Sanae Takaichi held talks in Nara on Tuesday. "
    "The two leaders agreed to expand youth exchanges. "
    "Their summit follows a first meeting in Gyeongju in late October 2025. "
    "Lee will travel to Washington next week for a summit with President Donald Trump."
)


def primary_only() -> DraftExtraction:
    return DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Nara",
                    "date_text": "on Tuesday",
                    "participants": [{"name": "Lee Jae-myung", "role": "President"}, {"name": "Sanae Takaichi", "role": "Prime Minister"}],
                }
            ]
        }
    )


def test_a_recalled_meeting_and_an_announced_one_come_from_their_own_sentences():
    summits = assemble_records(primary_only(), ARTICLE, "2026-01-13").summits
    background = {s.location.city: s for s in summits if s.mention == "background"}
    assert set(background) == {"Gyeongju", "Washington"}
    gyeongju, washington = background["Gyeongju"], background["Washington"]
    assert (gyeongju.status, gyeongju.date, gyeongju.participants) == ("held", "2025-10", ["Lee Jae-myung", "Sanae Takaichi"])
    # Not the main meeting's people: the sentence names Lee and Trump.
    assert (washington.status, set(washington.participants)) == ("planned", {"Lee Jae-myung", "Donald Trump"})
    for summit in (gyeongju, washington):
        assert all(ARTICLE[e.start : e.end] == e.quote for e in summit.evidence)


def test_the_main_meeting_told_again_is_not_a_second_meeting():
    text = ARTICLE + " The talks in Nara lasted two hours, the leaders said on Tuesday."
    summits = assemble_records(primary_only(), text, "2026-01-13").summits
    assert [s.location.city for s in summits].count("Nara") == 1


def test_a_sentence_without_a_place_or_date_adds_nothing():
    text = "President Lee Jae-myung and Prime Minister Sanae Takaichi held talks in Nara on Tuesday. They have met several times."
    summits = assemble_records(primary_only(), text, "2026-01-13").summits
    assert len(summits) == 1
