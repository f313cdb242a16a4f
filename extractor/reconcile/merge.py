"""Merging the lists of an event: pledges reported by several articles, and the people who met.

* **Pledges**: two pledges are one when they have the same domain and similar wording (rapidfuzz
  ``token_set_ratio`` of the folded descriptions at least ``PLEDGE_SIMILARITY``: "cooperation on
  AI" and "cooperation on AI and science" are one pledge). Pledges are visited in sorted order and
  each joins the first group it matches any member of, so the grouping does not depend on input
  order. The merged pledge keeps every wording and every source; its description is the wording
  most articles use; it is ``explicit`` when any article reports it as an agreement.
* **Actors**: one per participant of the event, keyed by the folded name, with every spelling seen
  (in the participants lists and in the articles' actor records) and every article naming them.
  Role and country come from the articles' actor records: the value most articles give.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.fuzz import token_set_ratio
from rapidfuzz.utils import default_process

from extractor.reconcile.mentions import MentionRow, fold_person

PLEDGE_SIMILARITY = 80


def _most_common(counts: dict[str, set[str]]) -> str | None:
    """The value most articles give; ties go to the first in sort order."""
    return min(counts, key=lambda v: (-len(counts[v]), v)) if counts else None


def merge_pledges(rows: Sequence[MentionRow], display: dict[str, str]) -> list[dict]:
    items = []
    for row in rows:
        for pledge in row.summit.pledges:
            # Compared lower-cased, punctuation as spaces ("search-and-rescue" = "search and rescue").
            items.append((pledge.domain, default_process(pledge.description), pledge.description, row.article_id, pledge))
    items.sort(key=lambda i: i[:4])
    groups: list[list[tuple]] = []
    for item in items:
        for group in groups:
            if group[0][0] == item[0] and any(token_set_ratio(item[1], other[1]) >= PLEDGE_SIMILARITY for other in group):
                group.append(item)
                break
        else:
            groups.append([item])

    merged = []
    for group in groups:
        wordings: dict[str, set[str]] = {}
        parties: dict[str, str] = {}
        for _, _, description, article_id, pledge in group:
            wordings.setdefault(description, set()).add(article_id)
            for party in pledge.parties:
                key = fold_person(party)
                parties[key] = min(parties.get(key, display.get(key, party)), display.get(key, party))
        merged.append(
            {
                "description": _most_common(wordings),
                "domain": group[0][0],
                "certainty": "explicit" if any(i[4].certainty == "explicit" for i in group) else "soft",
                "parties": sorted(parties.values()),
                "sources": sorted({i[3] for i in group}),
                "descriptions": sorted(wordings),
            }
        )
    merged.sort(key=lambda p: (p["domain"], p["description"]))
    return merged


def merge_actors(rows: Sequence[MentionRow], display: dict[str, str]) -> list[dict]:
    spellings: dict[str, set[str]] = {key: set() for key in display}
    sources: dict[str, set[str]] = {key: set() for key in display}
    roles: dict[str, dict[str, set[str]]] = {key: {} for key in display}
    countries: dict[str, dict[str, set[str]]] = {key: {} for key in display}
    for row in rows:
        for key, spelling in row.named:
            spellings[key].add(spelling)
            sources[key].add(row.article_id)
        for key in row.persons:
            actor = row.actors.get(key)
            if actor is None:
                continue
            spellings[key].update(s for s in (actor.name, actor.canonical_name, *actor.spellings) if s.strip())
            if actor.role:
                roles[key].setdefault(actor.role, set()).add(row.article_id)
            if actor.country:
                countries[key].setdefault(actor.country, set()).add(row.article_id)
    actors = [
        {
            "canonical_name": name,
            "spellings": sorted(spellings[key]),
            "role": _most_common(roles[key]),
            "country": _most_common(countries[key]),
            "sources": sorted(sources[key]),
        }
        for key, name in display.items()
    ]
    actors.sort(key=lambda a: a["canonical_name"])
    return actors
