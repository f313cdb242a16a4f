"""The post-model rules as a registry: each one named, with its field and the pattern it reads
(``registry``); a switch to run without any of them (``switch``); and the reasons, in words, for
which a value of the model's draft is dropped (``drops``).

    summit-extract rules                          # the registry: name, field, statement
    SUMMIT_RULES_OFF=venue_city summit-extract extract a.txt
    summit-extract evaluate --without venue_city,pledge_scan --gold gold.json articles/*
"""

from __future__ import annotations

from extractor.rules.drops import DropReason
from extractor.rules.registry import BY_NAME, FIELDS, RULES, Field, Rule, rules_for
from extractor.rules.switch import ENV, UnknownRule, parse_names, rule_on, rules_off, switch_off, switched_off

__all__ = [
    "BY_NAME",
    "ENV",
    "FIELDS",
    "RULES",
    "DropReason",
    "Field",
    "Rule",
    "UnknownRule",
    "parse_names",
    "rule_on",
    "rules_for",
    "rules_off",
    "switch_off",
    "switched_off",
]
