"""Briefers and commentators are not participants; the people who met are."""

from __future__ import annotations

from extractor.extract.assemble import assemble_records
from extractor.grounding.evidence import name_mentions
from extractor.grounding.roles import is_briefer
from extractor.model.draft import DraftExtraction

ARTICLE = (
    "President Anna Berg of Austria met Prime Minister Jonas Lind of Sweden in Vienna on Monday. "
    "The two leaders agreed to expand student exchanges, presidential spokesperson Karl Huber told reporters "
    "after the talks. National Security Adviser Eva Moser said the leaders also discussed energy."
)


def draft(*names_and_roles: tuple[str, str]) -> DraftExtraction:
    return DraftExtraction.model_validate(
        {
            "summits": [
                {
                    "mention": "primary",
                    "kind": "leaders_summit",
                    "status": "held",
                    "city": "Vienna",
                    "date_text": "on Monday",
                    "participants": [{"name": name, "role": role} for name, role in names_and_roles],
                }
            ]
        }
    )


def test_a_spokesperson_and_an_adviser_who_brief_are_dropped_with_the_reason():
    records = assemble_records(
        draft(("Anna Berg", "President"), ("Jonas Lind", "Prime Minister"), ("Karl Huber", None), ("Eva Moser", "adviser")),
        ARTICLE,
        "2026-03-02",
    )
    assert records.summits[0].participants == ["Anna Berg", "Jonas Lind"]
    reasons = {d.value: d.reason for d in records.dropped}
    assert "briefer" in reasons["Karl Huber"] and "briefer" in reasons["Eva Moser"]


def test_a_leader_who_speaks_is_still_a_participant():
    text = "President Anna Berg met Prime Minister Jonas Lind in Vienna. Berg said the talks went well, Lind told reporters."
    records = assemble_records(draft(("Anna Berg", "President"), ("Jonas Lind", "Prime Minister")), text, None)
    assert records.summits[0].participants == ["Anna Berg", "Jonas Lind"]


def test_a_briefers_title_before_someone_else_is_not_the_participants():
    text = (
        "Foreign Minister Lucia Ferraz met Kenyan envoy Otieno Were in Brasilia on Monday. A statement quoted "
        "ministry spokesperson Ana Paiva, who noted that Brazil sees Otieno Were's visit as a chance to deepen ties."
    )
    mentions = name_mentions(text, "Otieno Were")
    assert not is_briefer(text, mentions, None)
    assert is_briefer(text, name_mentions(text, "Ana Paiva"), None)


def test_an_adviser_who_holds_talks_with_a_counterpart_is_a_participant():
    text = (
        "National Security Adviser Rafael Ortiz and Japanese Foreign Minister Keiko Mori will hold talks in Tokyo on Monday. "
        "Rafael Ortiz said the agenda was open."
    )
    mentions = name_mentions(text, "Rafael Ortiz")
    assert is_briefer(text, mentions, None)  # titled as a briefer, and speaking
    assert not is_briefer(text, mentions, None, ("Keiko Mori",))  # but shown meeting the counterpart
