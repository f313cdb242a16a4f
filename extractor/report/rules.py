"""The reconciler's rule names, in words a reader of the report understands.

The rules themselves live in ``extractor.reconcile.resolution``; a test checks that every rule it
can record has words here.
"""

from __future__ import annotations

from extractor.reconcile.resolution import NEAR_PUBLICATION_DAYS

RULE_WORDS = {
    "only_value": "every article that gives it agrees",
    "no_value": "no article gives it",
    "more_precise": "the most precise value (a day beats a month, a month beats a year)",
    "primary_mention": "it comes from an article about the meeting itself; the others mention it only in passing",
    "held_report": "it comes from a report of the meeting as held; the others report it as planned",
    "near_publication": f"an article published within {NEAR_PUBLICATION_DAYS} days of that date reports it",
    "agreeing_sources": "more independent articles agree with it than with any other value",
    "tie_break": "nothing else separates the values, so the first in sort order is taken",
    "latest_report": "the latest stage reported wins (held or cancelled supersede planned)",
    "union": "everyone any article names as taking part",
}


def rule_in_words(rule: str) -> str:
    return RULE_WORDS.get(rule, rule.replace("_", " "))
