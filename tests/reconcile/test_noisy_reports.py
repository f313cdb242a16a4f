"""Reports of one meeting that an extractor got partly wrong still reconcile into one event.

Each test is one rule of matching.py / grouping.py / resolution.py, on invented people, places
and dates: a name lost from a report, a passing reference carrying the main story's city, an
undated reference that fits two events, a "held" from before the meeting. And the look-alikes those rules must keep apart.
"""

from __future__ import annotations

from extractor.reconcile import reconcile_events
from tests.reconcile.test_reconcile import article, event_of, groups, summit

VELIN, OKORO, BRANDT, SAAR = "Mara Velin", "Tunde Okoro", "Ilse Brandt", "Pavo Saar"
MINISTERS = dict(kind="ministerial_meeting")


def grouping(events) -> list[list[tuple[str, int]]]:
    return sorted(map(sorted, groups(events)))


# --- one participant missing -----------------------------------------------------------------


def test_a_report_missing_a_participant_joins_on_the_same_city_and_day():
    """The plan names one minister; the report of the meeting names both: one event, now held."""
    events = reconcile_events(
        [
            article("plan", summit([VELIN], "Lorvik", "--03-14", status="planned", **MINISTERS), published="2027-03-02"),
            article("held", summit([OKORO, VELIN], "Lorvik", "2027-03-14", **MINISTERS), published="2027-03-14"),
        ]
    )
    [event] = events
    assert (event.status, event.date, event.participants) == ("held", "2027-03-14", [VELIN, OKORO])
    [conflict] = event.conflicts
    assert (conflict.field, conflict.chosen, conflict.rule) == ("status", "held", "latest_report")
    assert "held (published 2027-03-14)" in conflict.why


def test_a_fuller_report_completes_an_event_founded_by_a_one_person_report():
    """The report naming one person is the stronger one (a dated primary): the fuller one still joins."""
    events = reconcile_events(
        [
            article("one", summit([SAAR], "Hallam", "2027-05-20", **MINISTERS), published="2027-05-21"),
            article("three", summit([BRANDT, SAAR, OKORO], "Hallam", "--05-20", **MINISTERS)),
            article("two", summit([OKORO, SAAR], "Hallam", "2027-05", mention="background", **MINISTERS)),
        ]
    )
    assert grouping(events) == [[("one", 0), ("three", 0), ("two", 0)]]


def test_one_shared_person_needs_both_the_city_and_a_date_in_common():
    pair = article("pair", summit([VELIN, OKORO], "Lorvik", "2027-03-14", **MINISTERS))
    # The same city and the same month: a report that lost the counterpart's name.
    assert len(reconcile_events([pair, article("one", summit([VELIN], "Lorvik", "2027-03", **MINISTERS))])) == 1
    for other in (
        summit([VELIN], "Lorvik", "2027", **MINISTERS),  # the year only
        summit([VELIN], "Tarn", "2027-03-14", **MINISTERS),  # another city
        summit([VELIN], None, "2027-03-14", **MINISTERS),  # no city
        summit([VELIN], "Lorvik", "2027-03-15", mention="background", **MINISTERS),  # another day
    ):
        assert len(reconcile_events([pair, article("one", other)])) == 2, other


def test_one_person_report_between_two_meetings_of_that_day_stays_apart():
    """The person met two counterparts in the city that day: the report cannot say which meeting."""
    events = reconcile_events(
        [
            article("a", summit([VELIN, OKORO], "Lorvik", "2027-03-14", **MINISTERS)),
            article("b", summit([VELIN, BRANDT], "Lorvik", "2027-03-14", **MINISTERS)),
            article("solo", summit([VELIN], "Lorvik", "2027-03-14", **MINISTERS)),
        ]
    )
    assert grouping(events) == [[("a", 0)], [("b", 0)], [("solo", 0)]]


# --- a wrong city in a passing reference ----------------------------------------------------------


def test_a_passing_reference_with_the_main_story_city_joins_on_the_same_day():
    events = reconcile_events(
        [
            article("summit", summit([VELIN, OKORO], "Lorvik", "2027-03-14", country="AA"), published="2027-03-15"),
            # An article about a later meeting in Tarn recalls the Lorvik one, with Tarn copied onto it.
            article(
                "later",
                summit([VELIN, BRANDT], "Tarn", "2027-04-02", country="BB"),
                summit([OKORO, VELIN], "Tarn", "--03-14", country="BB", mention="background"),
            ),
        ]
    )
    summit_event = event_of(events, "summit")
    assert grouping(events) == [[("later", 0)], [("later", 1), ("summit", 0)]]
    assert (summit_event.city, summit_event.country) == ("Lorvik", "AA")
    city = next(c for c in summit_event.conflicts if c.field == "city")
    assert (city.chosen, city.rule) == ("Lorvik", "primary_mention")
    assert {v.value for v in city.values} == {"Lorvik", "Tarn"}


def test_another_city_on_another_day_is_another_meeting():
    """The same people in two cities: a passing reference takes the meeting in its own city, if any."""
    lorvik = article("lorvik", summit([VELIN, OKORO], "Lorvik", "2027-03-14"))
    recall = article("recall", summit([VELIN, OKORO], "Tarn", "--05-02", mention="background"))
    assert len(reconcile_events([lorvik, recall])) == 2  # no day in common: Tarn is not a slip
    tarn = article("tarn", summit([VELIN, OKORO], "Tarn", "2027-05-02"))
    assert grouping(reconcile_events([lorvik, tarn, recall])) == [[("lorvik", 0)], [("recall", 0), ("tarn", 0)]]


def test_two_primary_reports_in_two_countries_stay_apart_even_on_one_day():
    """Two articles about the meeting place it in two countries on one day: two meetings. (In two
    cities of one country, one of them names a nearby city: test_visits_and_places.py.)"""
    events = reconcile_events(
        [
            article("a", summit([VELIN, OKORO], "Lorvik", "2027-03-14", country="AA")),
            article("b", summit([VELIN, OKORO], "Tarn", "2027-03-14", country="BB")),
        ]
    )
    assert len(events) == 2


def test_a_one_person_passing_reference_never_crosses_a_city():
    events = reconcile_events(
        [
            article("a", summit([VELIN, OKORO], "Lorvik", "2027-03-14")),
            article("b", summit([VELIN], "Tarn", "--03-14", mention="background")),
        ]
    )
    assert len(events) == 2


# --- an undated reference that fits two events ----------------------------------------------------


def test_an_undated_reference_goes_to_the_event_an_article_is_about():
    """Equal fits: the meeting some article reports on, not one that another article only recalls."""
    events = reconcile_events(
        [
            article(
                "news",
                summit([VELIN, OKORO], "Lorvik", "2027-03-14"),
                summit([VELIN, OKORO], "Lorvik", "2021", mention="background"),
                published="2027-03-15",
            ),
            article("preview", summit([OKORO, VELIN], "Lorvik", None, status="planned", mention="background")),
        ]
    )
    assert grouping(events) == [[("news", 0), ("preview", 0)], [("news", 1)]]
    assert event_of(events, "preview").status == "held"


def test_an_undated_reference_between_two_reported_meetings_stays_apart():
    events = reconcile_events(
        [
            article("first", summit([VELIN, OKORO], "Lorvik", "2026-03-14")),
            article("second", summit([VELIN, OKORO], "Lorvik", "2027-03-14")),
            article("vague", summit([OKORO, VELIN], "Lorvik", None, mention="background")),
        ]
    )
    assert grouping(events) == [[("first", 0)], [("second", 0)], [("vague", 0)]]


# --- a reference with no place and no date ---------------------------------------------------------


def test_a_vague_reference_is_not_placed_by_its_country_alone():
    """No city, no date: its country is as likely the article's own as the meeting's, so two
    meetings of the pair in two countries leave it alone, whichever country it gives."""
    pair = [
        article("home", summit([VELIN, OKORO], "Lorvik", "2027-03-14", country="AA")),
        article("abroad", summit([VELIN, OKORO], "Tarn", "2027-06-01", country="BB")),
    ]
    for country in ("AA", "BB", None):
        vague = article("vague", summit([OKORO, VELIN], None, None, country=country, mention="background"))
        assert grouping(reconcile_events([*pair, vague])) == [[("abroad", 0)], [("home", 0)], [("vague", 0)]], country


def test_a_vague_reference_with_a_year_joins_the_one_meeting_of_that_year():
    """ "Next week" resolved to a year, no city: of the pair's meetings only one is in that year."""
    pair = [
        article("earlier", summit([VELIN, OKORO], "Lorvik", "2026-11-02", country="AA")),
        article("later", summit([VELIN, OKORO], "Tarn", "2027-06-01", country="BB")),
    ]
    vague = article("vague", summit([OKORO, VELIN], None, "2027", status="planned", mention="background"))
    assert grouping(reconcile_events([*pair, vague])) == [[("earlier", 0)], [("later", 0), ("vague", 0)]]
    yearless = article("vague", summit([OKORO, VELIN], None, None, status="planned", mention="background"))
    assert len(reconcile_events([*pair, yearless])) == 3


# --- planned versus held ----------------------------------------------------------------------------


def test_a_held_report_published_before_the_meeting_does_not_make_it_held():
    events = reconcile_events(
        [
            article("preview", summit([VELIN, OKORO], "Lorvik", "2027-03-14", status="planned"), published="2027-03-10"),
            article("misread", summit([VELIN, OKORO], "Lorvik", "2027-03", mention="background"), published="2027-03-12"),
        ]
    )
    [event] = events
    assert (event.status, event.fields["status"].rule) == ("planned", "latest_report")
    [conflict] = event.conflicts
    assert conflict.chosen == "planned"
    assert "published before the meeting's day (2027-03-14)" in conflict.why and "misread" in conflict.why


def test_a_held_report_published_on_the_day_makes_it_held():
    [event] = reconcile_events(
        [
            article("preview", summit([VELIN, OKORO], "Lorvik", "2027-03", status="planned"), published="2027-03-10"),
            article("report", summit([VELIN, OKORO], "Lorvik", "2027-03-14"), published="2027-03-14"),
        ]
    )
    assert event.status == "held"
    assert "report (published 2027-03-14)" in event.conflicts[0].why


# --- look-alikes ------------------------------------------------------------------------------------


def test_look_alike_meetings_stay_apart():
    """Same format, same city, a year apart, no one in common; and the same pair in two cities."""
    events = reconcile_events(
        [
            # Three ministers in one city "on Monday", a year apart: one report lost its year.
            article("y1", summit([VELIN, OKORO, BRANDT], "Lorvik", None, precision="weekday", **MINISTERS)),
            article("y2", summit(["Ana Ruiz", "Ken Mori", SAAR], "Lorvik", "2027-09-20", **MINISTERS)),
            article("y2-again", summit([SAAR, "Ken Mori", "Ana Ruiz"], "Lorvik", "--09-20", **MINISTERS), published="2027-09-21"),
            # One of them, alone, in that city on that day: the second meeting, not the first.
            article("solo", summit([SAAR], "Lorvik", "--09-20", mention="background", **MINISTERS)),
            # The first three in another city earlier: a different meeting.
            article("earlier", summit([VELIN, OKORO, BRANDT], "Tarn", "--02", mention="background", **MINISTERS)),
        ]
    )
    assert grouping(events) == [[("earlier", 0)], [("solo", 0), ("y2", 0), ("y2-again", 0)], [("y1", 0)]]
