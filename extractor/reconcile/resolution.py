"""Settling each field of an event from the values its mentions give, by named rules.

Every value seen is kept (``FieldResolution.values``: value, the article ids that gave it, their
own words where known). One value is chosen by a cascade of rules; each rule keeps the candidates
it prefers, and the rule that narrows the candidates to one is the rule recorded:

* ``only_value`` — every mention that gives the field gives the same value.
* ``more_precise`` — a day beats a month, a month beats a year; a specific kind beats
  ``other_meeting``; any value beats null.
* ``primary_mention`` — a value from an article about the meeting beats one from an article that
  mentions it in passing.
* ``held_report`` — (date, place) a value from a report of the meeting as held (or under way)
  beats one from a report of it as planned: plans move, and the report of the meeting saw where
  and when it took place (a meeting announced for one city and held in another).
* ``near_publication`` — (dates) a date reported by an article published within
  ``NEAR_PUBLICATION_DAYS`` of it (or in that month, for a month) beats a later passing reference.
* ``agreeing_sources`` — the value that more distinct articles agree with beats a lone one.
* ``tie_break`` — nothing else separates them: the first in sort order, so the result never
  depends on input order.
* ``latest_report`` — (status) the furthest stage wins: held > ongoing > planned, and
  cancelled > planned; a later report supersedes an earlier plan. A "held" report from an
  article published before the meeting's day (both known to the day) cannot have seen it held
  and does not count, unless every report is one (then the day may be what is wrong).
* ``union`` — (participants) everyone named by any mention (blocking only merges mentions whose
  people nest, so the union is the largest set reported).

Order of the cascade: when the values *agree* at the coarser precision ("2026-06-28" and
"2026-06") nothing is disputed, so the finer value wins first (``more_precise``). When they
*contradict* ("2026-06-28" and "--09") the quality of the source decides first:
``primary_mention``, ``held_report``, ``near_publication``, then ``more_precise``,
``agreeing_sources``, ``tie_break``. Only contradicting values are a ``Conflict``, and differing statuses (a planned
report and a held one: stages over time, settled by the furthest stage); titles (free wording)
are never conflicts.

Confidence: the weighted share of the mentions giving a non-null value whose value agrees with
the chosen one (agreeing at the coarser precision counts), a primary mention weighing 1.0 and a
background mention 0.5. With no value at all, the confidence is 0. For participants it is the
mean, over the chosen people, of the weighted share of mentions naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rapidfuzz.fuzz import token_set_ratio
from rapidfuzz.utils import default_process

from extractor.normalize.partial_dates import DateParts, date_parts, parts_agree, specificity, to_calendar
from extractor.reconcile.identity import fuller
from extractor.reconcile.mentions import MentionRow, fold_person

NEAR_PUBLICATION_DAYS = 7
TITLE_SIMILARITY = 80  # rapidfuzz token_set_ratio at or above which two titles say the same
AGREEING_PEERS = 32  # how many of the most reported values each value is compared with (see _cascade)

_STATUS_STAGE = {"planned": 0, "ongoing": 1, "held": 2, "cancelled": 2}
_HELD = frozenset({"held", "ongoing"})

# One observation: the value as the article gives it, its comparison key, the mention, a quote.
Obs = tuple[Any, Any, MentionRow, str | None]


@dataclass(slots=True)
class Resolution:
    chosen: Any
    rule: str
    confidence: float
    values: list[dict]  # SeenValue dicts
    conflict: dict | None = None  # Conflict dict, when values contradict

    def as_field(self) -> dict:
        return {"chosen": self.chosen, "rule": self.rule, "confidence": self.confidence, "values": self.values}


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field compares and ranks values; None where a notion does not apply."""

    name: str
    agree: Callable[[Any, Any], bool]
    specificity: Callable[[Any], int] | None = None
    near_publication: Callable[[Any, MentionRow], bool] | None = None
    conflicts: bool = True
    held_report: bool = False  # a value from a report of the meeting as held beats a planned one


def seen_values(obs: Sequence[Obs]) -> list[dict]:
    """Each distinct value (nulls included, so a reader sees who gave none) with sources and quotes."""
    grouped: dict[Any, tuple[set[str], set[str]]] = {}
    for value, _, row, quote in obs:
        found = grouped.get(value)
        if found is None:
            found = grouped[value] = (set(), set())
        found[0].add(row.article_id)
        if quote:
            found[1].add(quote)
    if len(grouped) == 1:  # the common case: every mention gives one value
        [(value, (sources, quotes))] = grouped.items()
        return [{"value": value, "sources": sorted(sources), "quotes": sorted(quotes)}]
    ordered = sorted(grouped.items(), key=lambda kv: (kv[0] is None, -len(kv[1][0]), str(kv[0])))
    return [{"value": v, "sources": sorted(s), "quotes": sorted(q)} for v, (s, q) in ordered]


def _display(obs: Sequence[Obs], key: Any) -> Any:
    """The spelling of a key most articles use; ties go to the first in sort order."""
    counts: dict[Any, set[str]] = {}
    for value, k, row, _ in obs:
        if k == key:
            counts.setdefault(value, set()).add(row.article_id)
    return min(counts, key=lambda v: (-len(counts[v]), str(v)))


def _cascade(rule: FieldRule, keys: list, obs: Sequence[Obs], agreeing: bool) -> tuple[Any, str, Callable[[], list[str]]]:
    """(chosen key, deciding rule, and the rules that on their own would prefer the chosen key, when asked).

    Linear in the observations: each rule's score per key comes from the observations grouped by
    key once. ``agreeing_sources`` compares each key with the ``AGREEING_PEERS`` keys most articles
    give (and itself), not with every other key: exact for any field with that few distinct
    values, and bounded for one meeting reported in thousands of wordings (titles).
    """
    by_key: dict[Any, list[MentionRow]] = {}
    for _, key, row, _ in obs:
        if key is not None:
            by_key.setdefault(key, []).append(row)
    articles = {k: {row.article_id for row in by_key[k]} for k in keys}
    peers = keys if len(keys) <= AGREEING_PEERS else sorted(keys, key=lambda k: (-len(articles[k]), str(k)))[:AGREEING_PEERS]

    def agreeing_articles(k: Any) -> int:
        found = articles[k]
        for other in peers:
            if other != k and rule.agree(other, k):
                found = found | articles[other]
        return len(found)

    # Each rule as a score per candidate (higher is preferred), worked out when first needed.
    rules: dict[str, Callable[[Any], int]] = {
        "primary_mention": lambda k: int(any(row.primary for row in by_key[k])),
        "agreeing_sources": agreeing_articles,
    }
    if rule.held_report:
        rules["held_report"] = lambda k: int(any(row.summit.status in _HELD for row in by_key[k]))
    near = rule.near_publication
    if near is not None:
        rules["near_publication"] = lambda k: int(any(near(k, row) for row in by_key[k]))
    specificity = rule.specificity
    if specificity is not None:
        rules["more_precise"] = specificity
    order = ["primary_mention", "held_report", "near_publication", "more_precise", "agreeing_sources"]
    if agreeing:
        order.insert(0, order.pop(order.index("more_precise")))
    order = [name for name in order if name in rules]
    scores: dict[str, dict[Any, int]] = {}

    def score(name: str) -> dict[Any, int]:
        found = scores.get(name)
        if found is None:
            found = scores[name] = {k: rules[name](k) for k in keys}
        return found

    candidates = sorted(keys, key=str)
    decided = None
    for name in order:
        by = score(name)
        top = max(by[k] for k in candidates)
        candidates = [k for k in candidates if by[k] == top]
        if len(candidates) == 1:
            decided = name
            break
    chosen = candidates[0]  # the first in sort order when nothing decided: the tie-break

    def support() -> list[str]:
        """Every rule that on its own would prefer the chosen key (for the conflict's words)."""
        return [name for name in order if score(name)[chosen] > max((v for k, v in score(name).items() if k != chosen), default=-1)]

    return chosen, decided or "tie_break", support


def confidence(rule: FieldRule, obs: Sequence[Obs], chosen_key: Any) -> float:
    total = agree = 0.0
    for _, key, row, _ in obs:
        if key is None:
            continue
        total += row.weight
        if rule.agree(key, chosen_key):
            agree += row.weight
    return round(agree / total, 4) if total else 0.0


_WHY = {
    "primary_mention": "it comes from an article about the meeting itself, the others only mention it in passing",
    "near_publication": f"an article published within {NEAR_PUBLICATION_DAYS} days of that date reports it",
    "held_report": "it comes from a report of the meeting as held, the others from reports of it as planned",
    "more_precise": "it is the most precise value",
    "agreeing_sources": "more independent articles agree with it than with any other value",
    "tie_break": "nothing else separates the values, so the first in sort order is taken",
}


def _why(field: str, values: list[dict], obs: Sequence[Obs], chosen: Any, rule: str, support: list[str]) -> str:
    def described(value: dict) -> str:
        n = len(value["sources"])
        kinds = sorted({"primary" if o[2].primary else "background" for o in obs if o[0] == value["value"]}, reverse=True)
        return f"{value['value']} ({n} article{'s' * (n != 1)}, {' and '.join(kinds)})"

    listed = "; ".join(described(v) for v in values)
    text = f"Sources disagree on the {field}: {listed}. {chosen} was chosen by {rule}: {_WHY[rule]}"
    also = [name for name in support if name != rule]
    if also:
        text += "; also " + ", ".join(f"{name} ({_WHY[name]})" for name in also)
    return text + "."


def resolve(rule: FieldRule, obs: Sequence[Obs]) -> Resolution:
    """Choose a value for one field by the cascade above, and record how."""
    values = seen_values(obs)
    if len(values) == 1 and obs[0][1] is not None:
        # Every mention gives the same value: the common case, settled without the cascade.
        return Resolution(values[0]["value"], "only_value", 1.0, values)
    keys = sorted({o[1] for o in obs if o[1] is not None}, key=str)
    if not keys:
        return Resolution(None, "no_value", 0.0, values)
    has_null = any(o[1] is None for o in obs)
    if len(keys) == 1:
        key, name, support, agreeing = keys[0], ("more_precise" if has_null else "only_value"), list, True
    else:
        # A field that is never disputed (titles) skips the pairwise check.
        agreeing = not rule.conflicts or all(rule.agree(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :])
        key, name, support = _cascade(rule, keys, obs, agreeing)
    chosen = _display(obs, key)
    result = Resolution(chosen, name, confidence(rule, obs, key), values)
    if not agreeing and rule.conflicts:
        disputed = [v for v in values if v["value"] is not None]
        result.conflict = {
            "field": rule.name,
            "values": disputed,
            "chosen": chosen,
            "rule": name,
            "why": _why(rule.name, disputed, obs, chosen, name, support()),
        }
    return result


# --- the fields -------------------------------------------------------------------------------


def _date_near_publication(parts: DateParts, row: MentionRow) -> bool:
    published = row.published_day
    if published is None:
        return False
    day = to_calendar(parts)
    if day is not None:
        return abs(day - published) <= timedelta(days=NEAR_PUBLICATION_DAYS)
    year, month, _ = parts
    return year == published.year and month == published.month


DATE = FieldRule("date", agree=parts_agree, specificity=specificity, near_publication=_date_near_publication, held_report=True)
CITY = FieldRule("city", agree=lambda a, b: a == b, held_report=True)
COUNTRY = FieldRule("country", agree=lambda a, b: a == b, held_report=True)
KIND = FieldRule("kind", agree=lambda a, b: a == b or "other_meeting" in (a, b), specificity=lambda k: 0 if k == "other_meeting" else 1)
TITLE = FieldRule("title", agree=lambda a, b: a == b or token_set_ratio(a, b) >= TITLE_SIMILARITY, conflicts=False)


def _meeting_quote(row: MentionRow) -> str | None:
    return row.summit.evidence[0].quote if row.summit.evidence else None


def _place_quote(row: MentionRow, place: str | None) -> str | None:
    if not place:
        return None
    folded = place.casefold()
    return next((e.quote for e in row.summit.evidence if folded in e.quote.casefold()), None)


def resolve_date(rows: Sequence[MentionRow]) -> Resolution:
    # A date with no year and no month (null, or text that is no partial date) has no key: shown, not compared.
    obs = [(r.summit.date, r.date if r.date_rank else None, r, r.summit.date_text) for r in rows]
    return resolve(DATE, obs)


def resolve_city(rows: Sequence[MentionRow]) -> Resolution:
    obs = [(r.summit.location.city, r.city_key, r, _place_quote(r, r.summit.location.city)) for r in rows]
    return resolve(CITY, obs)


def resolve_country(rows: Sequence[MentionRow]) -> Resolution:
    return resolve(COUNTRY, [(r.country, r.country, r, None) for r in rows])


def resolve_kind(rows: Sequence[MentionRow]) -> Resolution:
    return resolve(KIND, [(r.summit.kind, r.summit.kind, r, _meeting_quote(r)) for r in rows])


def resolve_title(rows: Sequence[MentionRow]) -> Resolution:
    # Compared as words: case, hyphens and punctuation aside ("Kim–Ito talks" = "Kim-Ito talks").
    return resolve(TITLE, [(r.summit.title, _title_key(r.summit.title), r, None) for r in rows])


def _title_key(title: str) -> str:
    return " ".join(default_process(title).split())


def _held_before_the_day(row: MentionRow, day: date | None) -> bool:
    """A "held" report published before the meeting's day: it cannot have seen the meeting."""
    published = row.published_day
    return row.summit.status == "held" and day is not None and published is not None and published < day


def _reported_by(rows: Sequence[MentionRow], status: str, shown: int = 3) -> str:
    """Which articles gave a status, with their publication dates where known (the latest first, a few)."""
    seen = sorted({(r.published or "", r.article_id) for r in rows if r.summit.status == status}, reverse=True)
    named = [
        f"{article} (published {published[:10]})" if published else f"{article} (no publication date)"
        for published, article in seen[:shown]
    ]
    more = f" and {len(seen) - shown} more" if len(seen) > shown else ""
    return ", ".join(named) + more


def resolve_status(rows: Sequence[MentionRow], chosen_date: str | None = None) -> Resolution:
    """The furthest stage credibly reported (``latest_report``), given the event's chosen date.

    Stages over time never contradict, but differing statuses are recorded as a conflict so that a
    reader sees that reports disagree and which stage was taken, and on whose word.
    """
    obs = [(r.summit.status, r.summit.status, r, _meeting_quote(r)) for r in rows]
    values = seen_values(obs)
    statuses = {r.summit.status for r in rows}
    day = to_calendar(date_parts(chosen_date))
    # A "held" from before the meeting's day is a plan misread; unless every report is one, when
    # the chosen day is as likely to be what is wrong.
    credible = [r for r in rows if not _held_before_the_day(r, day)] or list(rows)
    credible_statuses = {r.summit.status for r in credible}
    top = max(_STATUS_STAGE[s] for s in credible_statuses)
    # Grouping never puts cancelled with held or ongoing; "cancelled" then beats "planned".
    chosen = min(s for s in credible_statuses if _STATUS_STAGE[s] == top)
    rule = "only_value" if len(statuses) == 1 else "latest_report"
    total = sum(r.weight for r in rows)
    agree = sum(r.weight for r in rows if r.summit.status == chosen)
    result = Resolution(chosen, rule, round(agree / total, 4), values)
    if len(statuses) > 1:
        stages = ", ".join(sorted(statuses, key=lambda s: _STATUS_STAGE[s]))
        why = f"reports give {stages}: stages of one meeting over time; the furthest reported, {chosen!r}, is taken, as reported by {_reported_by(rows, chosen)}"
        if _STATUS_STAGE[chosen] < max(_STATUS_STAGE[s] for s in statuses):
            why = (
                f"reports give {stages}: stages of one meeting over time; 'held' comes only from articles published before "
                f"the meeting's day ({chosen_date}), which cannot have seen it held: {_reported_by(rows, 'held')}; the furthest stage "
                f"reported otherwise, {chosen!r}, is taken, as reported by {_reported_by(credible, chosen)}"
            )
        result.conflict = {
            "field": "status",
            "values": [v for v in values if v["value"] is not None],
            "chosen": chosen,
            "rule": rule,
            "why": why,
        }
    return result


def resolve_participants(rows: Sequence[MentionRow], person_of: Mapping[str, int]) -> tuple[Resolution, dict[str, str]]:
    """The union of everyone named, each person once under their fullest spelling; and key → that spelling.

    ``person_of``: folded spelling → person, as grouping matched them (identity.py: "Kameyama"
    and "Haruto Kameyama" are one person). A person's spelling is the one that gives most of the
    name (an initial or a bare surname gives less), then the one most articles use.
    """
    sets = [(sorted(row.summit.participants), None, row, None) for row in rows]
    values = seen_values([(tuple(v), k, r, q) for v, k, r, q in sets])
    for value in values:
        value["value"] = list(value["value"])
    total = sum(r.weight for r in rows)
    if not person_of:  # one folded name per person: its spellings differ in case and hyphens only
        by_key: dict[str, dict[str, set[str]]] = {}
        for row in rows:
            for key, name in row.named:
                by_key.setdefault(key, {}).setdefault(name, set()).add(row.article_id)
        display = {key: min(seen, key=lambda s: (-len(seen[s]), s)) for key, seen in by_key.items()}
        rule = "only_value" if len({row.persons for row in rows}) == 1 else "union"
        shares = [sum(r.weight for r in rows if key in r.persons) / total for key in display]
        conf = round(sum(shares) / len(shares), 4) if shares else 0.0
        return Resolution(sorted(display.values()), rule, conf, values), display

    spellings: dict[int | str, dict[str, set[str]]] = {}
    for row in rows:
        for key, name in row.named:
            # A name grouping did not see (never, for a cluster's own rows) is a person of its own.
            spellings.setdefault(person_of.get(key, key), {}).setdefault(name, set()).add(row.article_id)
    shown = {person: min(seen, key=lambda s: (-fuller([fold_person(s)]), -len(seen[s]), s)) for person, seen in spellings.items()}
    display = {fold_person(name): shown[person] for person, seen in spellings.items() for name in seen}
    chosen = sorted(set(shown.values()))
    distinct = {frozenset(person_of.get(key, key) for key in row.persons) for row in rows}
    rule = "only_value" if len(distinct) == 1 else "union"
    named_by = [{display[key] for key in r.persons if key in display} for r in rows]
    shares = [sum(r.weight for r, names in zip(rows, named_by) if name in names) / total for name in chosen]
    conf = round(sum(shares) / len(shares), 4) if shares else 0.0
    return Resolution(chosen, rule, conf, values), display
