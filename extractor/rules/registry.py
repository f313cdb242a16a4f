"""Every post-model rule, by name: the field it decides, and the pattern of the article's language it reads.

The model drafts; these rules decide what of the draft stands, and add what the article says and
the model left out. Each rule is applied at one place in the code, behind ``rule_on(RULE)``
(``extractor.rules.switch``), so that it can be switched off (``SUMMIT_RULES_OFF``, ``--without``)
and its worth measured (``bench/rules_ablation.py``). ``RULES`` lists them in the order they are
applied: first each draft meeting, field by field (participants, city, country, date, status,
kind, pledges), then the passes over the whole article.

Grounding itself is no rule here: a participant, place, date words or pledge the article does not
contain is never kept (README, "Grounded"), whatever is switched off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Field = Literal["participants", "city", "country", "date", "status", "kind", "pledges", "article"]
FIELDS: tuple[Field, ...] = ("participants", "city", "country", "date", "status", "kind", "pledges", "article")


@dataclass(frozen=True)
class Rule:
    """A named decision after the model: what it decides (``field``) and, in one line, the
    linguistic pattern it handles (``statement``)."""

    name: str
    field: Field
    statement: str


# -- each draft meeting: its participants ----------------------------------------------------------

SPLIT_NAMES = Rule(
    "split_names",
    "participants",
    "A name field holding several names joined by a comma, 'and' or '&' is several participants.",
)
COUNTRY_NOT_PERSON = Rule(
    "country_not_person",
    "participants",
    "A country given as a participant stands for the one person of that country named where a meeting is reported; else it is dropped.",
)
SNAP_NAME = Rule(
    "snap_name",
    "participants",
    "A participant is looked for under the article's own spelling nearest the model's (a close fuzzy match), not the model's alone.",
)
BYLINE_NOT_PARTICIPANT = Rule(
    "byline_not_participant",
    "participants",
    "A name written only in capitals, as bylines and datelines write them, is the reporter's, not a participant's.",
)
NAMED_WHERE_MEETING_REPORTED = Rule(
    "named_where_meeting_reported",
    "participants",
    "A participant must be named in a sentence that reports a meeting (a meeting word, or another participant's name).",
)
BRIEFER_NOT_PARTICIPANT = Rule(
    "briefer_not_participant",
    "participants",
    "Someone titled as a briefer or commentator (spokesperson, adviser, analyst) and shown speaking about the meeting did not take part.",
)
STATED_TITLE = Rule(
    "stated_title",
    "participants",
    "A participant the known-actor table lacks takes the title and country written beside the name ('Kenyan Foreign Minister X', 'X, Austria's chancellor').",
)
PASSING_NEEDS_COUNTERPART = Rule(
    "passing_needs_counterpart",
    "participants",
    "A meeting mentioned in passing that names one person only (a trip, a visit) is not a meeting that can be placed: dropped.",
)

# -- its city ----------------------------------------------------------------------------------------

CITY_WITHOUT_TAIL = Rule(
    "city_without_tail",
    "city",
    "'<city>, <country>' is a city and its country; a province or a description after the city's name is not part of it; '<name> City' is <name>.",
)
CITY_IN_DATE_WORDS = Rule(
    "city_in_date_words",
    "city",
    "A place the model wrote into the date words ('September in <city>') is the meeting's city, when the article names that city.",
)
MISSPELT_PLACE = Rule(
    "misspelt_place",
    "city",
    "A place the model misspelt stands as the article spells it: the closest capitalised run of its first letter and length (fuzzy, five letters up).",
)
CITY_NOT_SITUATION = Rule(
    "city_not_situation",
    "city",
    "A city named only as where something else happens ('a ceasefire in', 'the war in', 'flew in from') is not where they met.",
)
CITY_NOT_GOVERNMENT = Rule(
    "city_not_government",
    "city",
    "A city named only as the subject of a government's act ('<city> said', '<city> and <city> agreed') is not where they met.",
)
VENUE_CITY = Rule(
    "venue_city",
    "city",
    "A seat of government or standing venue named instead of a city ('at the White House', 'in the Kremlin') is in its city.",
)
KNOWN_CITY_ONLY = Rule(
    "known_city_only",
    "city",
    "A place that is no known city (a building, a region, a phrase) is dropped; a country given there becomes the meeting's country.",
)

# -- its country -------------------------------------------------------------------------------------

CITY_DECIDES_COUNTRY = Rule(
    "city_decides_country",
    "country",
    "The grounded city's country overrides a different country in the draft, unless a city of that name lies in the draft's country.",
)
COUNTRY_STATED = Rule(
    "country_stated",
    "country",
    "The draft's country must be named in the article (name, short form or demonym) unless a grounded city gives it.",
)

# -- its date ----------------------------------------------------------------------------------------

DATELINE_DATES = Rule(
    "dateline_dates",
    "date",
    "In an article with no publication date, a year-less wire dateline ('<CITY>, Jan. 21 (Agency) --') dates its relative words.",
)
DATE_WIDENED = Rule(
    "date_widened",
    "date",
    "Date words are taken with the whole date phrase they are part of ('last year' in 'in November last year'), keeping its precision.",
)
DATE_GLOSS = Rule(
    "date_gloss",
    "date",
    "Relative date words take the calendar date the article puts in brackets after them ('Yesterday (Aug. 23)').",
)
DATE_IN_OWN_SENTENCE = Rule(
    "date_in_own_sentence",
    "date",
    "A meeting without date words that resolve is dated by the one date phrase of the sentence naming its place and all its people.",
)
NOT_A_DATE = Rule(
    "not_a_date",
    "date",
    "The article's words that resolve to no date ('before the next round of talks') are dropped, not kept as the date.",
)
YEAR_FROM_PRIMARY = Rule(
    "year_from_primary",
    "date",
    "In an article with no publication date, the other meetings' year-less dates take the year of the main meeting's full date.",
)

# -- its status --------------------------------------------------------------------------------------

STATUS_FROM_TENSE = Rule(
    "status_from_tense",
    "status",
    "The tense cue nearest the meeting's place or date ('will', 'is set to', 'ahead of' / 'met', 'held', 'last') decides held or planned.",
)
HELD_AFTER_PUBLICATION = Rule(
    "held_after_publication",
    "status",
    "A meeting dated after the article was published has not been held yet: it is planned.",
)
CANCELLED_OR_ONGOING = Rule(
    "cancelled_or_ongoing",
    "status",
    "A meeting noun with a verb that ends it ('was called off', 'postponed') is cancelled; one said to be under way is ongoing.",
)

# -- its kind ----------------------------------------------------------------------------------------

KIND_FROM_ROLES = Rule(
    "kind_from_roles",
    "kind",
    "Heads of state or government hold a summit, ministers and other officials a ministerial meeting, a head and an official another meeting.",
)

# -- its pledges -------------------------------------------------------------------------------------

PLEDGE_STATES_AGREEMENT = Rule(
    "pledge_states_agreement",
    "pledges",
    "A pledge's sentence must state an agreement (a commitment verb not hedged by 'expected to', 'may', 'hope to'): an agenda is none.",
)
PLEDGE_NOT_EARLIER = Rule(
    "pledge_not_earlier",
    "pledges",
    "A pledge whose sentence dates the agreement to a year before the meeting's ('an accord signed in <year>') is an earlier one.",
)
PLEDGE_DOMAIN_FROM_WORDS = Rule(
    "pledge_domain_from_words",
    "pledges",
    "A pledge's domain is what its own words say; else the model's if its sentence has a word of that domain; else it is dropped.",
)
ONE_PLEDGE_PER_DOMAIN = Rule(
    "one_pledge_per_domain",
    "pledges",
    "A meeting has one pledge per policy domain: of several, the one with the best-supported sentence.",
)
PLEDGES_ONLY_WHEN_HELD = Rule(
    "pledges_only_when_held",
    "pledges",
    "A meeting that is planned or cancelled has agreed nothing yet: its pledges are dropped.",
)

# -- passes over the whole article -------------------------------------------------------------------

INJECTED_PASSAGES = Rule(
    "injected_passages",
    "article",
    "A passage that addresses the model ('ignore previous instructions', 'system:', a JSON lookalike) grounds nothing it says.",
)
LISTED_TWICE = Rule(
    "listed_twice",
    "article",
    "A meeting listed twice in one reply (the same people, place, date, status and role) is kept once.",
)
ECHO_OF_PRIMARY = Rule(
    "echo_of_primary",
    "article",
    "A background meeting of the main meeting's people that adds neither a date nor another city is the main meeting told again.",
)
PASSAGE_PEOPLE = Rule(
    "passage_people",
    "article",
    "A meeting given more than two people keeps those named in the sentence stating its date (else its place), when two or more are.",
)
PASSAGE_CHECK = Rule(
    "passage_check",
    "article",
    "A background meeting's people, place and date come from the clause stating its date; a date dating no meeting of theirs drops it.",
)
REPEATS_LESS_PRECISELY = Rule(
    "repeats_less_precisely",
    "article",
    "A background meeting that another one states more precisely (same people, its date within the other's, no other place) is dropped.",
)
BACKGROUND_DATELINE_CITY = Rule(
    "background_dateline_city",
    "article",
    "Another meeting's city named only in the dateline (capitals too) or as a government is the reporter's; with no date either, it goes.",
)
PRIMARY_COUNTERPARTS = Rule(
    "primary_counterparts",
    "article",
    "One person does not meet alone: a main meeting of one person gets the people named beside them where it is placed, dated or reported.",
)
PRIMARY_DATELINE_CITY = Rule(
    "primary_dateline_city",
    "article",
    "A city named only in a dateline or as a government is where the reporter is; a country the article sends the people to replaces it.",
)
PRIMARY_DATE_STAMP = Rule(
    "primary_date_stamp",
    "article",
    "A scraped page's date stamp before the story dates the filing, not the meeting: the date the reports agree on replaces it.",
)
PRIMARY_CITY_FROM_REPORTS = Rule(
    "primary_city_from_reports",
    "article",
    "A main meeting with no city takes the one city its reports name as a place ('headed to <city> to hold the summit').",
)
PRIMARY_COUNTRY_FROM_REPORTS = Rule(
    "primary_country_from_reports",
    "article",
    "A main meeting with no place takes the one country its reports place it in ('the president's visit to <country>').",
)
PRIMARY_DATE_OF_TALKS = Rule(
    "primary_date_of_talks",
    "article",
    "A main meeting dated by a journey ('landed in <city> on Sunday') takes the date of the one clause that has its people meeting.",
)
PRIMARY_DATE_FROM_REPORTS = Rule(
    "primary_date_from_reports",
    "article",
    "An undated main meeting takes the date its reports agree on, from the clauses that have it taking place.",
)
PRIMARY_ONLY_AHEAD = Rule(
    "primary_only_ahead",
    "article",
    "A main meeting whose every report only looks ahead to it ('arrived to hold a summit', 'are expected to discuss') is planned.",
)
PLEDGE_SCAN = Rule(
    "pledge_scan",
    "article",
    "Each unhedged commitment sentence ('agreed to', 'signed', 'pledged') is read for agreed areas the held main meeting's pledges lack.",
)
BACKGROUND_SCAN = Rule(
    "background_scan",
    "article",
    "A sentence with a meeting word, two of the article's people and a place or a date reports another meeting the model left out.",
)
COUNTRY_PAIR_MEETINGS = Rule(
    "country_pair_meetings",
    "article",
    "'The <country>-<country> summit' is a meeting of the two countries' heads, when the article names one for each and a tense cue.",
)

# In the order they are applied: each draft meeting field by field, then the article's passes.
RULES: tuple[Rule, ...] = (
    SPLIT_NAMES,
    COUNTRY_NOT_PERSON,
    SNAP_NAME,
    BYLINE_NOT_PARTICIPANT,
    NAMED_WHERE_MEETING_REPORTED,
    BRIEFER_NOT_PARTICIPANT,
    STATED_TITLE,
    CITY_WITHOUT_TAIL,
    CITY_IN_DATE_WORDS,
    MISSPELT_PLACE,
    CITY_NOT_SITUATION,
    CITY_NOT_GOVERNMENT,
    VENUE_CITY,
    KNOWN_CITY_ONLY,
    CITY_DECIDES_COUNTRY,
    COUNTRY_STATED,
    DATELINE_DATES,
    DATE_WIDENED,
    DATE_GLOSS,
    DATE_IN_OWN_SENTENCE,
    STATUS_FROM_TENSE,
    HELD_AFTER_PUBLICATION,
    CANCELLED_OR_ONGOING,
    NOT_A_DATE,
    PLEDGE_STATES_AGREEMENT,
    PLEDGE_NOT_EARLIER,
    PLEDGE_DOMAIN_FROM_WORDS,
    ONE_PLEDGE_PER_DOMAIN,
    PLEDGES_ONLY_WHEN_HELD,
    PASSING_NEEDS_COUNTERPART,
    KIND_FROM_ROLES,
    INJECTED_PASSAGES,
    LISTED_TWICE,
    ECHO_OF_PRIMARY,
    PASSAGE_PEOPLE,
    PASSAGE_CHECK,
    REPEATS_LESS_PRECISELY,
    BACKGROUND_DATELINE_CITY,
    PRIMARY_COUNTERPARTS,
    PRIMARY_DATELINE_CITY,
    PRIMARY_DATE_STAMP,
    PRIMARY_CITY_FROM_REPORTS,
    PRIMARY_COUNTRY_FROM_REPORTS,
    PRIMARY_DATE_OF_TALKS,
    PRIMARY_DATE_FROM_REPORTS,
    PRIMARY_ONLY_AHEAD,
    PLEDGE_SCAN,
    BACKGROUND_SCAN,
    COUNTRY_PAIR_MEETINGS,
    YEAR_FROM_PRIMARY,
)

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def rules_for(field: Field) -> list[Rule]:
    """The rules that decide ``field``, in the order they are applied."""
    return [rule for rule in RULES if rule.field == field]
