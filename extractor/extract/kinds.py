"""The kind of a meeting, checked against who met: ministers meet at ministerial meetings, heads
of state or government at summits. Small models call every meeting a summit."""

from __future__ import annotations

import re

from extractor.rules import rule_on
from extractor.rules.registry import KIND_FROM_ROLES

# Heads of state or government; a vice president or deputy premier is not one.
_HEAD = re.compile(
    r"(?<!vice )(?<!vice-)(?<!deputy )\b(president|prime minister|premier|chancellor|king|queen|emperor|emir|sultan|chief adviser|general secretary|supreme leader|crown prince|head of (?:state|government))\b",
    re.IGNORECASE,
)


_OFFICIAL = re.compile(
    r"\b(?:minister|secretary|envoy|advis[eo]r|ambassador|vice|deputy|chairman|chairwoman|chair|speaker|governor|mayor|"
    r"director|chief|commander|negotiator|representative|official|diplomat|general|admiral|commissioner)\b",
    re.IGNORECASE,
)


def rank(role: str | None) -> str | None:
    """ "head" (of state or government), "official" (anyone else with a title), or None when the
    role says neither ("leader", "party leader": in some countries the head, in others not)."""
    if not role:
        return None
    if _HEAD.search(role):
        return "head"
    return "official" if _OFFICIAL.search(role) else None


def kind_from_roles(kind: str, roles: list[str | None]) -> str:
    """``kind`` corrected by the participants' ranks, where their roles tell them; unchanged when none does.

    The model no longer says the kind (model/draft.py): a meeting starts as a summit, and the
    people whose roles the article or the known-actor table gives decide: heads of state or
    government hold a summit; ministers, envoys and other officials a ministerial meeting; a head
    received by someone of another rank, another kind of meeting."""
    if not rule_on(KIND_FROM_ROLES):
        return kind
    ranks = [rank(role) for role in roles]
    known = [r for r in ranks if r is not None]
    if not known:
        return kind
    all_heads = all(r == "head" for r in known)
    all_officials = all(r == "official" for r in known)
    if kind == "multilateral_summit" and len(roles) == 2:
        # Two people are a bilateral meeting, even on the sidelines of a multilateral one.
        return "leaders_summit" if all_heads else "ministerial_meeting" if all_officials else kind
    if kind == "state_visit" and len(roles) >= 2 and all_heads:
        # Heads of state or government who meet on a state visit hold a summit (the gold's
        # convention: a state visit is the visitor's trip, named alone).
        return "leaders_summit"
    if kind in ("leaders_summit", "other_meeting") and all_officials:
        return "ministerial_meeting"
    if kind == "ministerial_meeting" and all_heads:
        return "leaders_summit"
    if kind in ("leaders_summit", "ministerial_meeting") and len(known) == len(roles) >= 2 and not all_heads and not all_officials:
        # A head of state or government received by someone of another rank (a president and a
        # foreign minister, a prime minister and an envoy).
        return "other_meeting"
    return kind
