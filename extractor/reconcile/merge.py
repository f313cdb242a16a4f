"""Merging the lists of an event: pledges reported by several articles, and the people who met.

* **Pledges**: two pledges are one when they have the same domain and similar wording (rapidfuzz
  ``token_set_ratio`` of the folded descriptions at least ``PLEDGE_SIMILARITY``: "cooperation on
  AI" and "cooperation on AI and science" are one pledge). Pledges are visited in sorted order and
  each joins the first group it matches any member of, so the grouping does not depend on input
  order; a pledge is compared only with the pledges sharing a core word with it
  (``_group_wordings``), so one meeting reported by thousands of articles merges in about linear
  time. The merged
  pledge keeps every wording and every source; its description is the wording most articles use;
  it is ``explicit`` when any article reports it as an agreement.
* **Actors**: one per person of the event (one person may be spelled several ways: identity.py),
  with every spelling seen (in the participants lists and in the articles' actor records) and
  every article naming them. Role and country come from the articles' actor records: the value
  most articles give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rapidfuzz.fuzz import token_set_ratio
from rapidfuzz.utils import default_process

from extractor.reconcile.mentions import MentionRow, fold_person

PLEDGE_SIMILARITY = 80
PAIRWISE_UP_TO = 64  # wordings of a domain up to which every pair is compared


def _most_common(counts: dict[str, set[str]]) -> str | None:
    """The value most articles give; ties go to the first in sort order."""
    return min(counts, key=lambda v: (-len(counts[v]), v)) if counts else None


def _core(words: list[str]) -> list[str]:
    """The rarest words of a wording that make up more than a third of it (``words`` rarest first).

    ``token_set_ratio`` of 80 or more needs the words two wordings share to make up two thirds of
    one of them (or the rest of both to be alike letter by letter: a typo, not a rewording), so a
    wording similar to another shares one of its core words with it, or holds one of the other's.
    """
    total = sum(map(len, words)) + len(words) - 1
    core, covered = [], 0
    for word in words:
        core.append(word)
        covered += len(word) + 1
        if 3 * covered > total:
            break
    return core


def _group_pairwise(texts: Sequence[str]) -> list[int]:
    """``_group_wordings`` for a few wordings: each compared with every member of the earlier groups."""
    groups: list[list[str]] = []
    group_of = []
    for text in texts:
        for number, members in enumerate(groups):
            if text in members or any(token_set_ratio(text, other) >= PLEDGE_SIMILARITY for other in members):
                members.append(text)
                group_of.append(number)
                break
        else:
            group_of.append(len(groups))
            groups.append([text])
    return group_of


def _group_wordings(texts: Sequence[str]) -> list[int]:
    """The group of each wording (folded, in sorted order): the first group with a member it is similar to.

    Single linkage. Up to ``PAIRWISE_UP_TO`` wordings every pair is compared. Beyond,
    a wording is compared only with the groups whose members share a core word with it (``_core``),
    groups visited first to last and each left at its first similar member: one meeting reported
    in thousands of wordings merges in about linear time, and only wordings alike letter by
    letter rather than word by word ("research", "search") may go unmatched there.
    """
    if len(texts) <= PAIRWISE_UP_TO:
        return _group_pairwise(texts)
    frequency = Counter(word for text in set(texts) for word in set(text.split()))
    group_of: list[int] = []
    first_of: dict[str, int] = {}  # an identical wording joins the first one's group at once
    by_word: dict[str, dict[int, list[int]]] = {}  # word → group → earlier wordings using it
    by_core: dict[str, dict[int, list[int]]] = {}  # word → group → earlier wordings with it as a core word
    groups = 0
    for index, text in enumerate(texts):
        same = first_of.get(text)
        if same is not None:
            group_of.append(group_of[same])
            continue
        first_of[text] = index
        words = sorted(set(text.split()), key=lambda w: (frequency[w], w))
        core = _core(words)
        found: dict[int, list[list[int]]] = {}
        for lookups, table in ((core, by_word), (words, by_core)):
            for word in lookups:
                for group, members in table.get(word, {}).items():
                    found.setdefault(group, []).append(members)
        chosen = next(
            (g for g in sorted(found) if any(token_set_ratio(text, texts[m]) >= PLEDGE_SIMILARITY for ms in found[g] for m in ms)),
            None,
        )
        if chosen is None:
            chosen, groups = groups, groups + 1
        group_of.append(chosen)
        for lookups, table in ((words, by_word), (core, by_core)):
            for word in lookups:
                table.setdefault(word, {}).setdefault(chosen, []).append(index)
    return group_of


def merge_pledges(rows: Sequence[MentionRow], display: dict[str, str]) -> list[dict]:
    items = []
    for row in rows:
        for pledge in row.summit.pledges:
            # Compared lower-cased, punctuation as spaces ("search-and-rescue" = "search and rescue").
            items.append((pledge.domain, default_process(pledge.description), pledge.description, row.article_id, pledge))
    items.sort(key=lambda i: i[:4])
    by_domain: dict[str, list[tuple]] = {}
    for item in items:
        by_domain.setdefault(item[0], []).append(item)
    groups: dict[tuple[str, int], list[tuple]] = {}
    for domain, in_domain in by_domain.items():
        for item, group in zip(in_domain, _group_wordings([item[1] for item in in_domain])):
            groups.setdefault((domain, group), []).append(item)

    merged = []
    for group in groups.values():
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
    """One actor per person of the event: ``display`` maps each folded spelling to the person's name."""
    spellings: dict[str, set[str]] = {name: set() for name in display.values()}
    sources: dict[str, set[str]] = {name: set() for name in display.values()}
    roles: dict[str, dict[str, set[str]]] = {name: {} for name in display.values()}
    countries: dict[str, dict[str, set[str]]] = {name: {} for name in display.values()}
    for row in rows:
        for key, spelling in row.named:
            spellings[display[key]].add(spelling)
            sources[display[key]].add(row.article_id)
        for key in row.persons:
            actor = row.actors.get(key)
            if actor is None:
                continue
            person = display[key]
            spellings[person].update(s for s in (actor.name, actor.canonical_name, *actor.spellings) if s.strip())
            if actor.role:
                roles[person].setdefault(actor.role, set()).add(row.article_id)
            if actor.country:
                countries[person].setdefault(actor.country, set()).add(row.article_id)
    actors = [
        {
            "canonical_name": name,
            "spellings": sorted(spellings[name]),
            "role": _most_common(roles[name]),
            "country": _most_common(countries[name]),
            "sources": sorted(sources[name]),
        }
        for name in spellings
    ]
    actors.sort(key=lambda a: a["canonical_name"])
    return actors
