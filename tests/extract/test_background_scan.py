"""The meetings an article recalls or announces in passing, with facts from their own sentence."""

from __future__ import annotations

from extractor.extract.assemble import assemble_records
from extractor.extract.background_scan import country_placed_in
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


def test_a_background_meeting_the_model_gave_the_main_pair_takes_the_people_of_its_own_clause():
    # The model copied the main meeting's people onto the Beijing meeting; its own clause names a
    # known person (extractor/data/actors.json), Li Qiang, and the "she" who flies on is Adebayo,
    # the participant named last before that clause.
    article = (
        "President Ngozi Adebayo of Nigeria will visit Hanoi on Aug. 23 for talks with Prime Minister Pham Thi Lan. "
        "Adebayo's two-day stay in Hanoi closes with a state banquet, "
        "after which she flies on to Beijing to meet Premier Li Qiang on Aug. 25."
    )
    pair = [{"name": "Ngozi Adebayo", "role": "President"}, {"name": "Pham Thi Lan", "role": "Prime Minister"}]
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "planned",
                    "city": "Hanoi",
                    "date_text": "Aug. 23",
                    "participants": pair,
                },
                {
                    "mention": "background",
                    "kind": "leaders_summit",
                    "status": "planned",
                    "city": "Beijing",
                    "date_text": "Aug. 25",
                    "participants": pair,
                },
            ]
        }
    )
    records = assemble_records(draft, article, "2025-08-14")
    beijing = next(s for s in records.summits if s.location.city == "Beijing")
    assert (beijing.participants, beijing.date) == (["Ngozi Adebayo", "Li Qiang"], "2025-08-25")
    assert beijing.title == "Adebayo–Li summit in Beijing"
    hanoi = next(s for s in records.summits if s.location.city == "Hanoi")
    assert hanoi.participants == ["Ngozi Adebayo", "Pham Thi Lan"]  # the main meeting is untouched
    assert any("not the people its own passage names" in d.reason for d in records.dropped)


def test_a_background_meeting_whose_clause_names_only_its_own_people_keeps_them():
    article = (
        "President Lee Jae-myung and Prime Minister Shigeru Ishiba met in Busan on Tuesday. "
        "Their talks follow Lee's visit to Tokyo in August, when he met Ishiba."
    )
    pair = [{"name": "Lee Jae-myung"}, {"name": "Shigeru Ishiba"}]
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Busan",
                    "date_text": "on Tuesday",
                    "participants": pair,
                },
                {
                    "mention": "background",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Tokyo",
                    "date_text": "in August",
                    "participants": pair,
                },
            ]
        }
    )
    tokyo = next(s for s in assemble_records(draft, article, "2025-09-30").summits if s.location.city == "Tokyo")
    assert set(tokyo.participants) == {"Lee Jae-myung", "Shigeru Ishiba"}


def _ministers_meeting(city: str, date_text: str, status: str, names: list[str]) -> DraftExtraction:
    return DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "ministerial_meeting",
                    "status": status,
                    "city": city,
                    "date_text": date_text,
                    "participants": names,
                }
            ]
        }
    )


def test_a_meeting_recalled_in_a_sentence_glued_to_the_last_takes_its_country_when_it_names_no_city():
    # Scraped pages lose the space after a full stop; the recalled meeting names only a country.
    article = (
        "Trade Minister Khalid bin Hamad of Oman is due in Chile next week to hold talks with Trade Minister "
        "Valentina Munoz in Valparaiso, his office said.Hamad and Munoz had already held talks in Malaysia last "
        "November, at a trade fair."
    )
    draft = _ministers_meeting("Valparaiso", "next week", "planned", ["Khalid bin Hamad", "Valentina Munoz"])
    summits = assemble_records(draft, article, "2026-01-20").summits
    background = [s for s in summits if s.mention == "background"]
    assert [(s.status, s.date, s.location.city, s.location.country) for s in background] == [("held", "2025-11", None, "MY")]
    assert set(background[0].participants) == {"Khalid bin Hamad", "Valentina Munoz"}
    assert all(article[e.start : e.end] == e.quote for e in background[0].evidence)


def test_the_tail_of_the_main_meetings_sentence_that_recalls_their_last_talks_is_an_earlier_meeting():
    article = (
        "Foreign Minister Anna Berg of Austria, Foreign Minister Jonas Lind of Sweden and Foreign Minister "
        "Eva Holm of Norway will meet in Geneva on Monday, their first three-way meeting since they last "
        "sat down together at a G20 gathering in Brazil in February."
    )
    draft = _ministers_meeting("Geneva", "on Monday", "planned", ["Anna Berg", "Jonas Lind", "Eva Holm"])
    summits = assemble_records(draft, article, "2026-09-16").summits
    background = [s for s in summits if s.mention == "background"]
    assert [(s.status, s.date, s.location.country) for s in background] == [("held", "2026-02", "BR")]
    assert set(background[0].participants) == {"Anna Berg", "Jonas Lind", "Eva Holm"}


def test_a_country_is_a_meetings_place_only_where_the_sentence_places_something_in_it():
    sentence = "Hamad and Munoz had talks in Malaysia in November"
    code, name, start, end = country_placed_in(sentence)
    assert (code, name, sentence[start:end]) == ("MY", "Malaysia", "Malaysia")
    # Of two countries, the one nearest the meeting's date.
    sentence = "Lind arrived in Austria on Tuesday, returning Berg's visit to Sweden last month"
    assert country_placed_in(sentence, near=sentence.index("last month"))[0] == "SE"
    assert country_placed_in("a visit to the United States next week")[:2] == ("US", "United States")
    assert country_placed_in("Officials in Malaysia said the ministers met in November") is None
    assert country_placed_in("they met in November in Gothenburg") is None


def test_a_meeting_dated_only_by_its_distance_from_the_main_one_is_a_held_background_meeting():
    # No place and no calendar date: "ten days after" counts back from the main meeting's day.
    text = (
        "President Lee Jae-myung and Prime Minister Sanae Takaichi held talks in Nara on Tuesday. "
        "The visit came ten days after Lee returned from a state visit to meet President Xi Jinping."
    )
    summits = assemble_records(primary_only(), text, "2026-01-27").summits
    recalled = [s for s in summits if s.mention == "background"]
    assert [(s.status, s.date, s.date_precision, s.location.city) for s in recalled] == [("held", "2026-01", "month", None)]
    assert set(recalled[0].participants) == {"Lee Jae-myung", "Xi Jinping"}
    assert [e.quote for e in recalled[0].evidence] == ["ten days after"]


def test_a_distance_too_vague_to_count_adds_no_meeting():
    text = (
        "President Lee Jae-myung and Prime Minister Sanae Takaichi held talks in Nara on Tuesday. "
        "The visit came a few days after Lee returned from a summit with President Xi Jinping."
    )
    summits = assemble_records(primary_only(), text, "2026-01-27").summits
    assert [s.mention for s in summits] == ["primary"]


def test_where_someone_flew_in_from_is_not_where_they_met():
    from extractor.extract.background_scan import places_in

    sentence = "Ramaphosa, who flew in from Lusaka, met Lula in Brasilia on Monday."
    assert [place[0] for place in places_in(sentence, set())] == ["Brasilia"]


def test_a_seat_of_government_is_a_place_in_its_capital():
    from extractor.extract.background_scan import places_in

    found = places_in("Orban held talks at the Kremlin in July.", set())
    assert [(name, country) for name, country, _, _ in found] == [("Kremlin", "RU")]


def test_cities_with_accents_particles_or_three_words_are_places():
    from extractor.extract.background_scan import places_in

    assert [p[0] for p in places_in("Petro met Lula in Brasília Monday.", set())] == ["Brasília"]
    assert [p[0] for p in places_in("They met in Rio de Janeiro in 2024.", set())] == ["Rio de Janeiro"]
    assert [p[0] for p in places_in("They meet again in New York City.", set())] == ["New York"]


def test_a_visit_by_one_of_the_pair_to_the_others_country_is_a_meeting_of_the_pair():
    text = (
        "Kenyan President Samuel Kiprono and Peruvian President Lucia Quispe met in Nairobi on Monday. "
        "The talks build on Kiprono's state visit to Lima in March 2024, officials said."
    )
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "status": "held",
                    "city": "Nairobi",
                    "date_text": "on Monday",
                    "participants": ["Samuel Kiprono", "Lucia Quispe"],
                }
            ]
        }
    )
    summits = assemble_records(draft, text, "2025-06-04").summits
    visit = [s for s in summits if s.mention == "background"]
    assert [(s.participants, s.location.city, s.date, s.status) for s in visit] == [
        (["Samuel Kiprono", "Lucia Quispe"], "Lima", "2024-03", "held")
    ]


def test_an_abbreviated_saint_is_part_of_the_city_and_no_country():
    from extractor.extract.background_scan import places_in

    assert [p[:2] for p in places_in("They last met in St. Petersburg in April.", set())] == [("St. Petersburg", "RU")]
    # "St" alone is no country code (São Tomé's is ST): a code is written in capitals.
    assert country_placed_in("The envoys met in St. Mark's Square.") is None
    assert country_placed_in("He flew to the US in May.") == ("US", "US", 15, 17)


def test_the_main_meeting_reported_by_a_receiving_verb_stays_held_beside_a_planned_return_visit():
    text = (
        "Chilean President Ignacio Valdes received Moroccan Foreign Minister Youssef Benali in Santiago on Friday. "
        "Benali's visit follows talks between the two in Rabat in March, and Valdes is expected to visit Morocco next year."
    )
    draft = DraftExtraction.model_validate(
        {
            "summits": [
                {"status": "held", "city": "Santiago", "date_text": "on Friday", "participants": ["Ignacio Valdes", "Youssef Benali"]}
            ]
        }
    )
    summits = assemble_records(draft, text, "2026-05-08").summits
    main = next(s for s in summits if s.mention == "primary")
    assert (main.status, main.date, main.location.city) == ("held", "2026-05-08", "Santiago")
    earlier = [s for s in summits if s.mention == "background"]
    assert [(s.location.city, s.date, s.status) for s in earlier] == [("Rabat", "2026-03", "held")]


def _main_meeting(city: str, people: list[str]) -> DraftExtraction:
    return DraftExtraction.model_validate({"summits": [{"status": "held", "city": city, "date_text": "on Monday", "participants": people}]})


def _background(text: str, city: str, people: list[str], published: str) -> list[tuple[str | None, str | None, str, list[str]]]:
    summits = assemble_records(_main_meeting(city, people), text, published).summits
    return [(s.location.city, s.date, s.status, s.participants) for s in summits if s.mention == "background"]


def test_a_date_set_off_by_commas_at_the_end_of_a_sentence_dates_its_clause():
    text = (
        "Chancellor Maria Lindqvist met President Kwame Mensah in Oslo on Monday. "
        "Lindqvist and Mensah first met in Durban, South Africa, on March 4, 2025."
    )
    found = _background(text, "Oslo", ["Maria Lindqvist", "Kwame Mensah"], "2026-02-10")
    assert found == [("Durban", "2025-03-04", "held", ["Maria Lindqvist", "Kwame Mensah"])]


def test_a_trip_dated_in_one_clause_and_told_in_a_where_clause_is_a_meeting():
    text = (
        "Prime Minister Aroha Ngata met President Luis Arce Villca in Wellington on Monday. "
        "Ngata's first trip abroad took her to Lima in March, where she met Arce Villca."
    )
    found = _background(text, "Wellington", ["Aroha Ngata", "Luis Arce Villca"], "2026-06-09")
    assert found == [("Lima", "2026-03", "held", ["Aroha Ngata", "Luis Arce Villca"])]


def test_each_date_of_a_sentence_is_a_meeting_at_the_place_nearest_it():
    text = (
        "Emir Khalid bin Saud met President Ayesha Rahman in Doha on Monday. "
        "The talks follow their meeting in Dhaka in March, and Rahman will host Khalid bin Saud in Sylhet in October."
    )
    found = _background(text, "Doha", ["Khalid bin Saud", "Ayesha Rahman"], "2026-06-09")
    assert [(city, date, status) for city, date, status, _ in found] == [("Dhaka", "2026-03", "held"), ("Sylhet", "2026-10", "planned")]


def test_he_or_she_opening_a_sentence_is_the_person_the_sentence_before_was_about():
    text = (
        "Prime Minister Giulia Ferri met President Tomas Ibarra in Rome on Monday. "
        "Ferri called the talks frank. She met President Joaquim Ferreira in Brasilia in March."
    )
    found = _background(text, "Rome", ["Giulia Ferri", "Tomas Ibarra"], "2026-06-09")
    assert found == [("Brasilia", "2026-03", "held", ["Giulia Ferri", "Joaquim Ferreira"])]


def test_a_city_named_as_a_landmark_for_the_venue_is_not_where_they_met():
    from extractor.extract.background_scan import places_in

    assert places_in("The leaders gathered in a mountain resort west of Calgary for the summit.", set()) == []
    assert places_in("The talks were held at a palace 40 km north of Riyadh.", set()) == []
    assert [p[0] for p in places_in("They met in Lusail, north of Doha, on Monday.", set())] == ["Lusail"]


def test_another_round_of_talks_is_a_meeting():
    text = (
        "Special envoy Mark Delaney and Deputy Foreign Minister Arkady Belousov held talks in Geneva on Monday. "
        "A second round is expected in Istanbul later this month."
    )
    found = _background(text, "Geneva", ["Mark Delaney", "Arkady Belousov"], "2026-03-10")
    assert found == [("Istanbul", "2026-03", "planned", ["Mark Delaney", "Arkady Belousov"])]
