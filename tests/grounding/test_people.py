"""People found the way the press writes them, with no table: after a title, and by the short
name the same article uses for them."""

from __future__ import annotations

from extractor.extract.kinds import kind_from_roles
from extractor.grounding.people import full_name_for, short_name, titled_names

ARTICLE = (
    "Kenyan President William Ruto met Chinese Premier Li Qiang in Nairobi on Monday. Ruto said the talks went well. "
    "Li praised the railway. Chancellor Anna van der Berg of Austria and External Affairs Minister S. Jaishankar spoke by phone. "
    "Van der Berg later met Saudi Crown Prince Mohammed bin Salman in Riyadh. Jaishankar will travel to Hanoi, where "
    "Prime Minister Pham Minh Chinh will host him. Pham said he welcomed the visit. Indonesian President Prabowo Subianto "
    "arrived on Tuesday; Prabowo met Egyptian President Abdel Fattah al-Sisi. National Security Adviser Tomas Okafor-Eze briefed the People's "
    "Republic delegation."
)


def test_names_after_a_title_keep_initials_particles_and_family_names():
    assert titled_names(ARTICLE) == (
        "William Ruto",
        "Li Qiang",
        "Anna van der Berg",
        "S. Jaishankar",
        "Mohammed bin Salman",
        "Pham Minh Chinh",
        "Prabowo Subianto",
        "Abdel Fattah al-Sisi",
        "Tomas Okafor-Eze",  # a hyphenated surname
    )  # and "People's Republic" is a body, not a person


def test_the_short_name_is_the_one_the_article_uses_alone_whatever_the_name_order():
    assert short_name(ARTICLE, "William Ruto") == "Ruto"  # given name first
    assert short_name(ARTICLE, "Li Qiang") == "Li"  # family name first
    assert short_name(ARTICLE, "Pham Minh Chinh") == "Pham"
    assert short_name(ARTICLE, "Prabowo Subianto") == "Prabowo"  # known by one name
    assert short_name(ARTICLE, "Anna van der Berg") == "Van der Berg"  # a surname with particles
    assert short_name(ARTICLE, "S. Jaishankar") == "Jaishankar"
    # Never used alone: "Mohammed" and "Salman" stand only inside the full name.
    assert short_name(ARTICLE, "Mohammed bin Salman") is None


def test_a_word_used_alone_leads_to_the_one_full_name_that_holds_it():
    assert full_name_for(ARTICLE, "Ruto") == "William Ruto"
    assert full_name_for(ARTICLE, "Li") == "Li Qiang"
    assert full_name_for(ARTICLE, "Okonkwo") is None


def test_officials_who_are_not_heads_of_state_or_government_meet_at_ministerial_level():
    assert kind_from_roles("leaders_summit", ["National Security Adviser", "Foreign Minister"]) == "ministerial_meeting"
    assert kind_from_roles("leaders_summit", ["Treasury Secretary", "Vice Premier"]) == "ministerial_meeting"
    assert kind_from_roles("leaders_summit", ["President", "Prime Minister"]) == "leaders_summit"
    assert kind_from_roles("leaders_summit", ["General Secretary", "President"]) == "leaders_summit"


def test_a_head_of_state_received_by_someone_of_another_rank_is_another_kind_of_meeting():
    assert kind_from_roles("leaders_summit", ["President", "Special Envoy"]) == "other_meeting"
    assert kind_from_roles("leaders_summit", ["Prime Minister", "Minister of Finance"]) == "other_meeting"
    assert kind_from_roles("leaders_summit", ["Prime Minister", None]) == "leaders_summit"  # one rank unknown: unchanged


def test_a_name_given_by_one_word_is_the_full_name_the_article_titles():
    from extractor.grounding.evidence import identify_person

    text = "WASHINGTON — President Rosa Alvarado hosted Ghanaian President Kwame Mensah-Boateng at the White House on Monday."
    person = identify_person(text, "Mensah-Boateng")
    assert person is not None and person.canonical == "Kwame Mensah-Boateng"
    assert identify_person(text, "Okonjo") is None


def test_a_counterpart_is_named_by_country_with_or_without_a_comma():
    from extractor.grounding.titles import stated_title, titled_people

    text = (
        "Kenya's Defence Minister Amina Odhiambo and her Peruvian counterpart, Diego Huaman, met in Lima. "
        "Chile's new Foreign Minister Rosa Ibarra joined them."
    )
    assert titled_people(text, "PE") == ["Diego Huaman"]
    assert titled_people(text, "CL") == ["Rosa Ibarra"]  # "new" is part of the title phrase
    assert stated_title(text, []).country is None


def test_a_one_word_name_written_without_its_accents_is_still_the_person():
    from extractor.grounding.evidence import identify_person

    text = "Turkish President Ayşe Kılıç hosted Spanish Prime Minister Inés Peñalver in Ankara. Kılıç said the talks were warm."
    found = identify_person(text, "Penalver")
    assert found is not None and found.canonical == "Inés Peñalver"


def test_a_shortened_name_is_the_full_name_the_article_titles():
    from extractor.grounding.evidence import identify_person

    text = "Oman's Sultan Haitham bin Tariq Al Said received Chief Adviser Professor Amina Diallo in Muscat."
    assert identify_person(text, "Haitham bin Tariq").canonical == "Haitham bin Tariq Al Said"
    assert titled_names(text) == ("Haitham bin Tariq Al Said", "Amina Diallo")  # title words and honorifics are no name


def test_a_title_word_before_a_particle_is_a_given_name():
    from extractor.grounding.people import titled_names

    assert titled_names("The deal was brokered by Crown Prince Sultan bin Fahd.") == ("Sultan bin Fahd",)
    assert titled_names("Sultan Haitham bin Tariq received the envoy.") == ("Haitham bin Tariq",)
