"""Cancelled or under way, from the words by the meeting's place or date."""

from __future__ import annotations

from extractor.grounding.evidence import locate_phrase
from extractor.grounding.lifecycle import lifecycle_status


def status_of(text: str, place: str) -> str | None:
    evidence = locate_phrase(text, place)
    assert evidence is not None
    return lifecycle_status(text, [evidence])


def test_a_meeting_called_off_shelved_or_postponed_is_cancelled():
    assert status_of("The summit in Lima between Boric and Lula was called off on Friday.", "Lima") == "cancelled"
    assert status_of("Jakarta has shelved the visit to Canberra planned for May.", "Canberra") == "cancelled"
    assert status_of("Ruto and Museveni were to meet in Kampala in June. That meeting was postponed at the last minute.", "Kampala") == (
        "cancelled"
    )


def test_a_cancellation_that_only_times_another_meeting_is_not_this_ones():
    text = "The talks in Doha, which included the emir, came hours after peace talks in Luanda were cancelled."
    assert status_of(text, "Doha") is None


def test_talks_under_way_are_ongoing_but_ongoing_tensions_are_no_meeting():
    assert status_of("The ongoing talks between Scholz and Tinubu in Abuja cover energy.", "Abuja") == "ongoing"
    assert status_of("Talks in Riyadh are under way, officials said.", "Riyadh") == "ongoing"
    assert status_of("Anwar met Widodo in Bogor amid ongoing tensions over fishing.", "Bogor") is None
