"""Linking reports on evidence: one event per real meeting when reports disagree, and look-alike
meetings kept apart only on positive evidence that they differ.

Invented people, places and days from several regions and naming traditions; one test per case
of the reconciler's rules (matching.py, grouping.py, timeline.py, resolution.py).
"""

from __future__ import annotations

from extractor.reconcile import reconcile_events
from tests.reconcile.test_reconcile import article, event_of, groups, summit

# A Nigerian and a Norwegian minister; a Japanese and an Uzbek leader; a Mexican and a Vietnamese one.
ADEBAYO, SOLBERG = "Oyelaran Adebayo", "Ingrid Solvang"
KAMEYAMA, RAKHMANOV = "Haruto Kameyama", "Aziz Rakhmanov"
QUINTERO, NGUYEN = "Rafael Quintero Saldaña", "Nguyễn Thị Lan"
MINISTERS = dict(kind="ministerial_meeting")


def grouping(events) -> list[list[tuple[str, int]]]:
    return sorted(map(sorted, groups(events)))


def conflict(event, field):
    return next(c for c in event.conflicts if c.field == field)


# --- one visit, several days and places ---------------------------------------------------------


def test_a_two_day_visit_reported_on_consecutive_days_is_one_event():
    """Three reports of one state visit dated on its two days (same pair, same city): one event,
    the dates a recorded conflict settled by the reports (here: two say the first day)."""
    events = reconcile_events(
        [
            article("day1", summit([KAMEYAMA, RAKHMANOV], "Samarkand", "2027-04-12"), published="2027-04-12"),
            article("day1b", summit([RAKHMANOV, KAMEYAMA], "Samarkand", "2027-04-12"), published="2027-04-13"),
            article("day2", summit([KAMEYAMA, RAKHMANOV], "Samarkand", "2027-04-13"), published="2027-04-13"),
        ]
    )
    [event] = events
    assert event.date == "2027-04-12"
    date = conflict(event, "date")
    assert {v.value for v in date.values} == {"2027-04-12", "2027-04-13"}
    assert date.chosen == "2027-04-12" and date.rule == "agreeing_sources"
    assert {s for v in date.values for s in v.sources} == {"day1", "day1b", "day2"}


def test_days_too_far_apart_for_one_visit_are_two_meetings():
    events = reconcile_events(
        [
            article("april", summit([KAMEYAMA, RAKHMANOV], "Samarkand", "2027-04-12")),
            article("later", summit([KAMEYAMA, RAKHMANOV], "Samarkand", "2027-04-16")),
        ]
    )
    assert len(events) == 2


def test_a_nearby_city_in_one_report_does_not_split_the_event():
    """Two reports give the venue, a third the big city next to it, on the same day and in the same
    country: one event; the city is what most reports give, and the disagreement is recorded."""
    events = reconcile_events(
        [
            article("a", summit([ADEBAYO, SOLBERG], "Bergen", "2027-05-11", country="NO", **MINISTERS)),
            article("b", summit([SOLBERG, ADEBAYO], "Bergen", "2027-05-11", country="NO", **MINISTERS)),
            article("c", summit([ADEBAYO, SOLBERG], "Oslo", "2027-05-11", country="NO", **MINISTERS)),
        ]
    )
    [event] = events
    city = conflict(event, "city")
    assert (event.city, city.chosen, city.rule) == ("Bergen", "Bergen", "agreeing_sources")
    assert {v.value: v.sources for v in city.values} == {"Bergen": ["a", "b"], "Oslo": ["c"]}


def test_two_countries_on_one_day_are_two_meetings():
    events = reconcile_events(
        [
            article("a", summit([ADEBAYO, SOLBERG], "Bergen", "2027-05-11", country="NO", **MINISTERS)),
            article("b", summit([ADEBAYO, SOLBERG], "Abuja", "2027-05-11", country="NG", **MINISTERS)),
        ]
    )
    assert len(events) == 2


def test_announced_in_one_city_held_in_another_is_one_event_placed_where_it_was_held():
    events = reconcile_events(
        [
            article("plan", summit([QUINTERO, NGUYEN], "Hanoi", "2027-10", status="planned", country="VN"), published="2027-09-20"),
            article("held", summit([QUINTERO, NGUYEN], "Da Nang", "2027-10-08", country="VN"), published="2027-10-08"),
        ]
    )
    [event] = events
    assert (event.city, event.status, event.date) == ("Da Nang", "held", "2027-10-08")
    city = conflict(event, "city")
    assert (city.chosen, city.rule) == ("Da Nang", "held_report")
    assert "held" in city.why
    assert conflict(event, "status").chosen == "held"


def test_an_announced_city_in_another_month_is_another_meeting():
    events = reconcile_events(
        [
            article("plan", summit([QUINTERO, NGUYEN], "Hanoi", "2027-03", status="planned", country="VN")),
            article("held", summit([QUINTERO, NGUYEN], "Da Nang", "2027-10-08", country="VN")),
        ]
    )
    assert len(events) == 2


# --- the lifecycle ------------------------------------------------------------------------------


def test_planned_then_shelved_is_one_cancelled_event():
    events = reconcile_events(
        [
            article("plan", summit([ADEBAYO, SOLBERG], "Abuja", "2027-06", status="planned", **MINISTERS), published="2027-05-02"),
            article("shelved", summit([SOLBERG, ADEBAYO], None, None, status="cancelled", **MINISTERS), published="2027-06-20"),
        ]
    )
    [event] = events
    assert event.status == "cancelled"
    status = conflict(event, "status")
    assert (status.chosen, status.rule) == ("cancelled", "latest_report")


def test_a_shelved_meeting_is_not_a_held_one():
    events = reconcile_events(
        [
            article("held", summit([ADEBAYO, SOLBERG], "Abuja", "2027-06-03", **MINISTERS)),
            article("shelved", summit([SOLBERG, ADEBAYO], "Abuja", "2027-06", status="cancelled", **MINISTERS)),
        ]
    )
    assert len(events) == 2


def test_a_plan_published_long_after_the_meeting_was_held_is_a_later_meeting():
    """The pair met in a city; a year later an article announces they will meet there again."""
    events = reconcile_events(
        [
            article("held", summit([KAMEYAMA, RAKHMANOV], "Tashkent", "2026-11-03"), published="2026-11-03"),
            article("again", summit([RAKHMANOV, KAMEYAMA], "Tashkent", None, status="planned"), published="2027-11-20"),
            article("report", summit([KAMEYAMA, RAKHMANOV], "Tashkent", None, date_text="on Friday", precision="weekday")),
        ]
    )
    assert grouping(events) == [[("again", 0), ("report", 0)], [("held", 0)]]
    later = event_of(events, "again")
    assert later.status == "held" and conflict(later, "status").chosen == "held"


def test_an_undated_article_recalls_a_meeting_before_its_own_story():
    """An article with no publication date about a meeting in the spring recalls an earlier one in
    the capital: it cannot mean the meeting announced there a year later."""
    events = reconcile_events(
        [
            article("first", summit([KAMEYAMA, RAKHMANOV], "Tashkent", "2026-11-03"), published="2026-11-03"),
            article("plan", summit([KAMEYAMA, RAKHMANOV], "Tashkent", None, status="planned"), published="2027-11-20"),
            article(
                "spring",
                summit([KAMEYAMA, RAKHMANOV], "Osaka", "2027-04-02"),
                summit([RAKHMANOV, KAMEYAMA], "Tashkent", "--12", mention="background"),
            ),
        ]
    )
    assert grouping(events) == [[("first", 0), ("spring", 1)], [("plan", 0)], [("spring", 0)]]


# --- time from weekdays and publication ---------------------------------------------------------


def test_a_weekday_picks_the_meeting_on_that_weekday():
    """'On Tuesday', no date: not the Monday meeting in that city, the planned one there."""
    events = reconcile_events(
        [
            article("monday", summit([QUINTERO, NGUYEN], "Hanoi", "2026-11-02"), published="2026-11-02"),
            article("plan", summit([QUINTERO, NGUYEN], "Hanoi", None, status="planned"), published="2027-07-01"),
            article("tuesday", summit([QUINTERO, NGUYEN], "Hanoi", None, date_text="on Tuesday", precision="weekday")),
        ]
    )
    assert grouping(events) == [[("monday", 0)], [("plan", 0), ("tuesday", 0)]]


def test_an_undated_passing_reference_means_the_recent_meeting():
    """Published days after one meeting of the pair and months after another: the recent one."""
    events = reconcile_events(
        [
            article("old", summit([ADEBAYO, SOLBERG], "Bergen", "2027-02-10", **MINISTERS)),
            article("new", summit([ADEBAYO, SOLBERG], "Lagos", "2027-06-01", status="planned", **MINISTERS)),
            article("recall", summit([SOLBERG, ADEBAYO], None, None, mention="background", **MINISTERS), published="2027-06-09"),
        ]
    )
    assert grouping(events) == [[("new", 0), ("recall", 0)], [("old", 0)]]


def test_an_undated_reference_published_long_after_both_meetings_stays_alone():
    events = reconcile_events(
        [
            article("old", summit([ADEBAYO, SOLBERG], "Bergen", "2027-02-10", **MINISTERS)),
            article("new", summit([ADEBAYO, SOLBERG], "Lagos", "2027-06-01", **MINISTERS)),
            article("recall", summit([SOLBERG, ADEBAYO], None, None, mention="background", **MINISTERS), published="2029-01-09"),
        ]
    )
    assert len(events) == 3


def test_two_passing_references_one_with_a_place_one_with_a_date_stay_apart():
    """Neither says anything the other confirms: no evidence that they mean one meeting."""
    events = reconcile_events(
        [
            article("a", summit([KAMEYAMA, RAKHMANOV], "Bukhara", None, mention="background")),
            article("b", summit([RAKHMANOV, KAMEYAMA], None, "2025-09", mention="background")),
        ]
    )
    assert len(events) == 2


# --- traps: look-alikes that stay apart -----------------------------------------------------------


def test_one_article_reporting_two_meetings_of_the_pair_keeps_them_apart():
    events = reconcile_events(
        [
            article(
                "both",
                summit([ADEBAYO, SOLBERG], "Bergen", "2027-05-11", **MINISTERS),
                summit([ADEBAYO, SOLBERG], "Bergen", "2027-05-12", **MINISTERS),
            )
        ]
    )
    assert len(events) == 2


def test_different_pairs_in_one_city_on_consecutive_days_stay_apart():
    events = reconcile_events(
        [
            article("a", summit([KAMEYAMA, RAKHMANOV], "Samarkand", "2027-04-12")),
            article("b", summit([KAMEYAMA, QUINTERO], "Samarkand", "2027-04-13")),
            article("c", summit([RAKHMANOV, QUINTERO], "Samarkand", "2027-04-13")),
        ]
    )
    assert len(events) == 3


def test_consecutive_legs_of_one_trip_stay_apart():
    """The visitor in two countries two days apart, with two different hosts."""
    events = reconcile_events(
        [
            article("leg1", summit([QUINTERO, NGUYEN], "Hanoi", "2027-10-08", country="VN")),
            article("leg2", summit([QUINTERO, KAMEYAMA], "Osaka", "2027-10-10", country="JP")),
            article("trip", summit([QUINTERO, NGUYEN], None, "2027-10", mention="background")),
        ]
    )
    assert grouping(events) == [[("leg1", 0), ("trip", 0)], [("leg2", 0)]]


def test_same_host_same_city_different_visitors_stay_apart():
    events = reconcile_events(
        [
            article("a", summit([NGUYEN, QUINTERO], "Hanoi", "2027-03-02")),
            article("b", summit([NGUYEN, ADEBAYO], "Hanoi", "2027-06-15")),
        ]
    )
    assert len(events) == 2
