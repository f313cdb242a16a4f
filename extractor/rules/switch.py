"""Which rules are switched off: ``$SUMMIT_RULES_OFF`` (names, comma-separated) and ``--without``.

A rule is applied where the code asks ``rule_on(RULE)``; nothing else reads the switch. The set
switched off is part of the code's identity (``runtime.cache.code_identity``), so an extraction
made with other rules is never served from the cache or the worker's store.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable, Iterator

from extractor.errors import ConfigError
from extractor.rules.registry import BY_NAME, RULES, Rule

ENV = "SUMMIT_RULES_OFF"

# Switched off for the rest of the process (``--without``), on top of the environment's.
_switched_off: frozenset[str] = frozenset()


class UnknownRule(ConfigError):
    """A rule name the registry does not hold (exit status 2, as for any bad setting)."""


def parse_names(names: str | Iterable[str], *, where: str = ENV) -> frozenset[str]:
    """Rule names from "a,b" (or an iterable of names), checked against the registry."""
    if isinstance(names, str):
        names = names.split(",")
    found = frozenset(name.strip() for name in names if name.strip())
    unknown = sorted(found - BY_NAME.keys())
    if unknown:
        valid = ", ".join(rule.name for rule in RULES)
        raise UnknownRule(f"{where}: no rule named {', '.join(unknown)}; the rules are: {valid}")
    return found


@functools.lru_cache(maxsize=16)
def _from_environment(value: str) -> frozenset[str]:
    return parse_names(value)


def rules_off() -> frozenset[str]:
    """The names of the rules switched off, by the environment and by ``switch_off``."""
    return _from_environment(os.environ.get(ENV, "")) | _switched_off


def rule_on(rule: Rule) -> bool:
    """Whether ``rule`` applies: the one place where a rule's switch is read."""
    return rule.name not in rules_off()


def switch_off(names: str | Iterable[str], *, where: str = "--without") -> frozenset[str]:
    """Switch these rules off for the rest of the process; returns every rule now off."""
    global _switched_off
    _switched_off = _switched_off | parse_names(names, where=where)
    return rules_off()


@contextlib.contextmanager
def switched_off(names: str | Iterable[str], *, where: str = "--without") -> Iterator[frozenset[str]]:
    """These rules off inside the ``with`` block only (tests, benches)."""
    global _switched_off
    before = _switched_off
    try:
        yield switch_off(names, where=where)
    finally:
        _switched_off = before
