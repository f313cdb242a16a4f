"""Names: canonical spellings, known actors, roles."""

import pytest

from extractor.normalize.names import canonical_name, clean_name, fold_name, known_actor, role_conflicts, surname_of


@pytest.mark.parametrize(
    "name",
    [
        "Lee Jae-myung",
        "Lee Jae Myung",
        "Lee Jae\u2011Myung",
        "Lee Jae-Myung",
        "Lee Jaemyung",
        "LEE JAE MYUNG",
        "South Korean President Lee Jae Myung",
        "President Lee Jae\u2011Myung",
    ],
)
def test_spellings_of_lee_jae_myung(name):
    assert canonical_name(name) == "Lee Jae-myung"


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Japanese Prime Minister Sanae Takaichi", "Sanae Takaichi"),
        ("Defense Minister Ahn Gyu-baek", "Ahn Gyu-back"),
        ("Minister of Defense Shinjiro Koizumi", "Shinjiro Koizumi"),
        ("U.S. President Donald Trump", "Donald Trump"),
        ("former Prime Minister Fumio Kishida", "Fumio Kishida"),
        ("Mr. Xi  Jinping", "Xi Jinping"),
    ],
)
def test_titles_are_stripped_and_aliases_applied(name, canonical):
    assert canonical_name(name) == canonical


def test_unknown_names_are_only_cleaned():
    assert canonical_name("Park  Chan\u2010dae") == "Park Chan-dae"
    assert canonical_name("Mr. John Smith") == "John Smith"
    assert canonical_name("park chan dae") == "park chan dae"  # case is the article's
    assert clean_name("President") == "President"  # a title alone stays


def test_fold_name_unchanged():
    assert fold_name("Lee Jae\u2011Myung") == fold_name("lee jae myung")


def test_known_actor():
    actor = known_actor("Lee Jae\u2011Myung")
    assert (actor.canonical, actor.role, actor.country) == ("Lee Jae-myung", "President", "KR")
    assert known_actor("Ahn Gyu-baek").canonical == "Ahn Gyu-back"
    assert known_actor("Koizumi") is None  # a bare surname names too many people
    assert known_actor("Jane Doe") is None


def test_surname_of():
    assert surname_of("Lee Jae Myung") == "Lee"
    assert surname_of("Sanae Takaichi") == "Takaichi"
    assert surname_of("Kim Yong-hyun") == "Kim"  # hyphenated given name: Korean order
    assert surname_of("John Smith") == "Smith"


@pytest.mark.parametrize(
    ("role", "known", "conflict"),
    [
        ("President", "Prime Minister", True),
        ("prime minister", "President", True),
        ("defence minister", "Minister of Defense", False),
        ("Defense Minister", "Minister of National Defense", False),
        ("Foreign Minister", "Minister of Defense", True),
        ("Secretary of State", "Minister of Foreign Affairs", False),
        ("Vice President", "President", True),
        ("leader", "President", False),  # vague: no conflict
        ("presidential secretary", "President", False),
        (None, "President", False),
        ("President", None, False),
    ],
)
def test_role_conflicts(role, known, conflict):
    assert role_conflicts(role, known) is conflict


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Ahn Gyun-back", "Ahn Gyu-back"),  # one letter more in the given name
        ("Takashi Iwaya", "Takeshi Iwaya"),  # one letter changed
        ("Gen Nakatan", None),  # the surname changed: someone else
        ("Kim Jong-il", None),  # not one letter away from anyone known
    ],
)
def test_a_known_person_misspelt_by_one_letter_is_still_that_person(written, canonical):
    actor = known_actor(written)
    assert (actor.canonical if actor else None) == canonical
