"""Why a value of the model's draft was dropped or replaced, in the words ``dropped`` carries.

Each reason names the rule that drops for it (``extractor.rules.registry``), or none for the
grounding itself (a value the article does not contain). ``DroppedValue.reason`` stays a string
in the records (the contract, ``schemas``); the words are written here only, filled in by
``DropReason.X.words(...)``, and a test drops a value for each reason.
"""

from __future__ import annotations

import string
from enum import Enum

from extractor.rules import registry as r


class DropReason(Enum):
    """(words, with ``{placeholders}`` for what they quote; the rule that drops, or None)."""

    # A participant
    NOT_NAMED = ("not named in the article", None)
    A_PLACE_NOT_A_PERSON = ("a place, not a person", r.COUNTRY_NOT_PERSON)
    BYLINE = ("named only in a byline, in capitals", r.BYLINE_NOT_PARTICIPANT)
    NO_MEETING_REPORTED = ("named only where no meeting is reported", r.NAMED_WHERE_MEETING_REPORTED)
    BRIEFER = ("speaks about the meeting (a briefer or commentator), did not take part", r.BRIEFER_NOT_PARTICIPANT)
    NOT_ALONE = (
        "one person does not meet alone: added {people}, named with them where the meeting is reported",
        r.PRIMARY_COUNTERPARTS,
    )
    # A whole meeting
    NO_PARTICIPANT = ("no participant is named in the article", None)
    NO_COUNTERPART = ("a meeting mentioned in passing that names no counterpart", r.PASSING_NEEDS_COUNTERPART)
    LISTED_TWICE = ("listed twice", r.LISTED_TWICE)
    REPEATS_PRIMARY = ("repeats the primary meeting", r.ECHO_OF_PRIMARY)
    REPEATS_LESS_PRECISELY = ("repeats '{title}' less precisely", r.REPEATS_LESS_PRECISELY)
    DATES_NO_MEETING = ("its date '{date}' dates no meeting of theirs (\"{clause}\")", r.PASSAGE_CHECK)
    NOT_THE_PASSAGE_PEOPLE = ("participants {people}: not the people its own passage names", r.PASSAGE_CHECK)
    CITY_NOT_NEAR_DATE = ("city {city}: not named where the meeting is dated", r.PASSAGE_CHECK)
    COUNTRY_NEAR_DATE = ("country {country}: named where the meeting is dated", r.PASSAGE_CHECK)
    NOT_NAMED_NEAR_DATE = ("participants {people}: not named where the meeting is dated or placed", r.PASSAGE_PEOPLE)
    NO_PLACE_NOR_DATE = ("neither a place nor a date of its own", r.BACKGROUND_DATELINE_CITY)
    # A place
    NOT_FOUND = ("not found in the article", None)
    INJECTED = ("stated only inside an instruction-like passage (prompt injection)", r.INJECTED_PASSAGES)
    SITUATION = ("named only as where something else happens ('a ceasefire in …'), not the meeting", r.CITY_NOT_SITUATION)
    GOVERNMENT = ("named only as a government ('Seoul and Tokyo agreed'), not as a place", r.CITY_NOT_GOVERNMENT)
    NOT_A_KNOWN_CITY = ("not a known city", r.KNOWN_CITY_ONLY)
    DATELINE_DESTINATION = ("named only in the dateline; the article sends them to another country", r.PRIMARY_DATELINE_CITY)
    DATELINE_OR_GOVERNMENT = ("named only in the dateline or as a government", r.PRIMARY_DATELINE_CITY)
    OTHER_MEETING_DATELINE = ("named only in the dateline or as a government", r.BACKGROUND_DATELINE_CITY)
    NOT_A_COUNTRY = ("not a recognised country", None)
    COUNTRY_OF_CITY = ("conflicts with the country of {city} ({country})", r.CITY_DECIDES_COUNTRY)
    COUNTRY_NOT_STATED = ("not stated in the article", r.COUNTRY_STATED)
    # A date
    DATED_BY_ITS_SENTENCE = ("not a date; its sentence dates the meeting '{date}'", r.DATE_IN_OWN_SENTENCE)
    NOT_A_DATE = ("not a date", r.NOT_A_DATE)
    DATE_STAMP = ("the article's date stamp, not the meeting's date", r.PRIMARY_DATE_STAMP)
    JOURNEY_DAY = ("the day of the journey; the meeting is dated '{date}'", r.PRIMARY_DATE_OF_TALKS)
    # A status
    TENSE = ("the article's words say {status}", r.STATUS_FROM_TENSE)
    LIFECYCLE = ("the article's words say {status}", r.CANCELLED_OR_ONGOING)
    AFTER_PUBLICATION = ("dated {date}, after the article was published", r.HELD_AFTER_PUBLICATION)
    ONLY_AHEAD = ("every report of it looks ahead to it", r.PRIMARY_ONLY_AHEAD)
    # A pledge
    NO_SUPPORT = ("no supporting sentence in the article", None)
    NO_AGREEMENT = ("its sentence states no agreement", r.PLEDGE_STATES_AGREEMENT)
    EARLIER_AGREEMENT = ("its sentence dates the agreement to an earlier year", r.PLEDGE_NOT_EARLIER)
    NO_DOMAIN_WORD = ("no word of it or of its sentence is about '{domain}'", r.PLEDGE_DOMAIN_FROM_WORDS)
    SAME_DOMAIN = ("same domain '{domain}' as {better}, which has better evidence", r.ONE_PLEDGE_PER_DOMAIN)
    NOT_YET_AGREED = ("the meeting is {status}: nothing has been agreed there yet", r.PLEDGES_ONLY_WHEN_HELD)
    PLANNED_AGREED_NOTHING = ("the meeting is planned: nothing has been agreed there yet", r.PRIMARY_ONLY_AHEAD)
    # An actor's role or country, checked against the known-actor table and the article
    ROLE_CONFLICT = ("role conflicts with known role '{role}'", None)
    COUNTRY_CONFLICT = ("country conflicts with known country '{country}'", None)
    ACTOR_COUNTRY_NOT_STATED = ("not stated in the article", None)

    def __init__(self, template: str, rule: r.Rule | None) -> None:
        self.template = template
        self.rule = rule

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The names the words quote, as ``words`` takes them."""
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.template) if name)

    def words(self, **values: object) -> str:
        """The reason as ``dropped`` says it, with what it quotes filled in."""
        return self.template.format(**values)
