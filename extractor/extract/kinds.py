"""The kind of a meeting, checked against who met: ministers meet at ministerial meetings, heads
of state or government at summits. Small models call every meeting a summit."""

from __future__ import annotations

import re

# Heads of state or government; a vice president or deputy premier is not one.
_HEAD = re.compile(
    r"(?<!vice )(?<!vice-)(?<!deputy )\b(president|prime minister|premier|chancellor|king|queen|emperor|emir|sultan|general secretary|supreme leader|crown prince|head of (?:state|government))\b",
    re.IGNORECASE,
)


def kind_from_roles(kind: str, roles: list[str | None]) -> str:
    """``kind`` corrected by the participants' roles, those that are known; unchanged when none is.

    The model no longer says the kind (model/draft.py): a meeting starts as a summit, and the
    people whose roles the article or the known-actor table gives decide ("Defence Minister Ahn"
    and a counterpart named without a title meet at a ministerial meeting)."""
    known = [role for role in roles if role is not None]
    if not known:
        return kind
    heads = [bool(_HEAD.search(role)) for role in known]
    # Anyone else with a title (a minister, a secretary, an envoy, a security adviser, a vice
    # premier) meets at the ministerial level: no head of state or government is among them.
    ministers = [not head for head in heads]
    if kind == "multilateral_summit" and len(roles) == 2:
        # Two people are a bilateral meeting, even on the sidelines of a multilateral one.
        kind = "leaders_summit" if all(heads) else "ministerial_meeting" if all(ministers) else kind
        return kind
    if kind == "state_visit" and len(roles) >= 2 and all(heads):
        # Heads of state or government who meet on a state visit hold a summit (the gold's
        # convention: a state visit is the visitor's trip, named alone).
        return "leaders_summit"
    if kind in ("leaders_summit", "other_meeting") and all(ministers):
        return "ministerial_meeting"
    if kind == "ministerial_meeting" and all(heads):
        return "leaders_summit"
    return kind
