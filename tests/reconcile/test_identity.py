"""One person, several spellings: word order, surname only, transliteration, diacritics.

Invented names from several naming traditions. A spelling variant must not split an event, and
two people who merely look alike must never become one.
"""

from __future__ import annotations

import pytest

from extractor.normalize.names import fold_name
from extractor.reconcile import reconcile_events
from extractor.reconcile.identity import match_names, same_person
from schemas import Actor
from tests.reconcile.test_reconcile import article, groups, summit


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Haruto Kameyama", "Kameyama Haruto"),  # family name first or last
        ("Chen Weiming", "Chen Wei-ming"),  # a given name written together or apart
        ("Haruto Kameyama", "Kameyama"),  # surname only
        ("Haruto Kameyama", "H. Kameyama"),  # an initial
        ("Dmitri Volkonsky", "Dmitriy Volkonskiy"),  # transliteration: y/i
        ("Volkonskii", "Dmitri Volkonsky"),
        ("Mohammed Al-Farsi", "Muhammad al Farsi"),
        ("Nguyễn Thị Lan", "Nguyen Thi Lan"),  # diacritics
        ("Seo Ji-hoon", "Seo Ji-hun"),  # romanisation: vowels
        ("Baek Gwang-su", "Baek Kwang-soo"),  # romanisation: consonants
        ("Rafael Quintero Saldaña", "Quintero Saldana"),  # two family names, given name left out
        ("Sione Taufa", "Taufa"),
    ],
)
def test_spellings_of_one_name(a, b):
    assert same_person(fold_name(a), fold_name(b))
    assert same_person(fold_name(b), fold_name(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Haruto Kameyama", "Kenta Kameda"),
        ("Seo Ji-hoon", "Seo Ji-min"),  # siblings' names share a syllable
        ("Baek Gwang-su", "Baek Kwang-min"),
        ("Ingrid Solvang", "Ingrid Solheim"),
        ("Anna Berg", "Anna Borg"),
        ("Peter Hansen", "Petra Hansen"),
        ("Ali Hassan", "Ali Hussein"),
        ("Li Wen", "Li Wenhua"),
        ("Delegate 12", "Delegate 13"),  # a number in a name must be the same
    ],
)
def test_names_that_only_look_alike(a, b):
    assert not same_person(fold_name(a), fold_name(b))


def test_a_bare_surname_shared_by_two_people_of_the_event_is_neither():
    people = [{fold_name("Kim Seo-yeon")}, {fold_name("Kim Do-hyun")}]
    person_of = {name: i for i, spellings in enumerate(people) for name in spellings}
    assert match_names([fold_name("Kim")], person_of, people, lambda name: None) == [None]
    assert match_names([fold_name("Kim Dohyun")], person_of, people, lambda name: None) == [1]


def test_countries_keep_two_people_with_one_surname_apart():
    people = [{fold_name("Haruto Kameyama")}]
    person_of = {fold_name("Haruto Kameyama"): 0}
    countries = {fold_name("Kameyama"): "BR", fold_name("Haruto Kameyama"): "JP"}
    assert match_names([fold_name("Kameyama")], person_of, people, countries.get) == [None]


def test_a_minister_spelled_two_ways_across_outlets_is_one_event():
    """One outlet transliterates the visitor otherwise and names the host by surname only."""
    events = reconcile_events(
        [
            article("a", summit(["Dmitri Volkonsky", "Oyelaran Adebayo"], "Abuja", "2027-02-17", kind="ministerial_meeting")),
            article("b", summit(["Oyelaran Adebayo", "Dmitriy Volkonskiy"], "Abuja", "2027-02-17", kind="ministerial_meeting")),
            article("c", summit(["Adebayo", "Dmitri Volkonsky"], "Abuja", "2027-02", kind="ministerial_meeting", status="planned")),
        ]
    )
    [event] = events
    # Each person once, under the fullest spelling (then the one most articles use).
    assert event.participants == ["Dmitri Volkonsky", "Oyelaran Adebayo"]
    spellings = {actor.canonical_name: actor.spellings for actor in event.actors}
    assert spellings == {
        "Dmitri Volkonsky": ["Dmitri Volkonsky", "Dmitriy Volkonskiy"],
        "Oyelaran Adebayo": ["Adebayo", "Oyelaran Adebayo"],
    }
    assert {actor.canonical_name: actor.sources for actor in event.actors}["Oyelaran Adebayo"] == ["a", "b", "c"]


def test_given_name_order_and_spacing_do_not_split_an_event():
    events = reconcile_events(
        [
            article("a", summit(["Chen Weiming", "Haruto Kameyama"], "Kyoto", "2027-09-01")),
            article("b", summit(["Kameyama Haruto", "Chen Wei-ming"], "Kyoto", "2027-09-01")),
        ]
    )
    assert len(events) == 1


def test_a_surname_that_fits_two_people_does_not_join_either():
    """An event with two Kims: a report naming 'Kim' and the host cannot say which Kim met them."""
    events = reconcile_events(
        [
            article("a", summit(["Kim Seo-yeon", "Sione Taufa"], "Nuku'alofa", "2027-03-09")),
            article("b", summit(["Kim Do-hyun", "Sione Taufa"], "Nuku'alofa", "2027-03-09")),
            article("c", summit(["Kim", "Sione Taufa"], "Nuku'alofa", "2027-03-09")),
        ]
    )
    assert sorted(map(sorted, groups(events))) == [[("a", 0)], [("b", 0)], [("c", 0)]]


def test_actor_countries_keep_namesakes_in_two_events():
    """Two visitors with one surname, from two countries: the host's two meetings stay apart."""
    actors_br = [Actor(name="Kameyama", canonical_name="Kameyama", country="BR")]
    events = reconcile_events(
        [
            article(
                "jp",
                summit(["Haruto Kameyama", "Aziz Rakhmanov"], "Tashkent", "2027-05-04"),
                actors=[Actor(name="Haruto Kameyama", canonical_name="Haruto Kameyama", country="JP")],
            ),
            article("br", summit(["Kameyama", "Aziz Rakhmanov"], "Tashkent", "2027-05"), actors=actors_br),
        ]
    )
    assert len(events) == 2
