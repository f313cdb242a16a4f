"""Assembling one ``Event`` from a finished cluster of mentions.

Everything is built as plain dicts and validated once per event by ``Event.model_validate``:
pydantic-core validates a nested dict in one pass, which is several times cheaper than
constructing each nested model in Python, and the output is still fully validated.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from extractor.normalize.partial_dates import date_parts, precision_label
from extractor.reconcile.matching import Cluster
from extractor.reconcile.merge import merge_actors, merge_pledges
from extractor.reconcile.resolution import (
    Resolution,
    resolve_city,
    resolve_country,
    resolve_date,
    resolve_kind,
    resolve_participants,
    resolve_status,
    resolve_title,
)
from schemas import Event

_EACH_NAME_A_PERSON: dict[str, int] = {}


def event_id(mention_keys: list[tuple[str, int]]) -> str:
    """First 16 hex digits of the SHA-256 of the sorted (article id, summit index) pairs, as JSON."""
    payload = json.dumps(sorted(mention_keys), separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class PendingEvent:
    """A finished cluster with what its sort key needed: resolved once, reused to build it."""

    rows: list
    date: Resolution
    title: Resolution
    event_id: str
    person_of: dict[str, int]  # folded spelling → person, where some person has several spellings

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.date.chosen or "", self.title.chosen, self.event_id)


def pending_event(cluster: Cluster) -> PendingEvent:
    rows = sorted(cluster.rows, key=lambda r: (r.article_id, r.summit_index))
    # Kept only when someone is spelled two ways: otherwise each folded name is a person (and
    # a million pending events need not hold a dict each).
    person_of = cluster.spelled if cluster.spelled is not None else _EACH_NAME_A_PERSON
    return PendingEvent(rows, resolve_date(rows), resolve_title(rows), event_id([(r.article_id, r.summit_index) for r in rows]), person_of)


def build_event(pending: PendingEvent) -> Event:
    rows, date, title = pending.rows, pending.date, pending.title
    city, country = resolve_city(rows), resolve_country(rows)
    kind, status = resolve_kind(rows), resolve_status(rows, date.chosen)
    participants, display = resolve_participants(rows, pending.person_of)
    resolutions = {
        "city": city,
        "country": country,
        "date": date,
        "kind": kind,
        "participants": participants,
        "status": status,
        "title": title,
    }

    if date.chosen is not None:
        precision = precision_label(date_parts(date.chosen))
    else:
        precision = "weekday" if any(r.summit.date_precision == "weekday" for r in rows) else "unknown"
    outlets = {("outlet", r.outlet) if r.outlet else ("article", r.article_id) for r in rows}
    data = {
        "event_id": pending.event_id,
        "title": title.chosen,
        "kind": kind.chosen,
        "status": status.chosen,
        "date": date.chosen,
        "date_precision": precision,
        "city": city.chosen,
        "country": country.chosen,
        "participants": participants.chosen,
        "pledges": merge_pledges(rows, display),
        "actors": merge_actors(rows, display),
        "fields": {name: r.as_field() for name, r in resolutions.items()},
        "conflicts": [r.conflict for _, r in sorted(resolutions.items()) if r.conflict],
        "mentions": [
            {
                "article_id": r.article_id,
                "file": r.file,
                "outlet": r.outlet,
                "published": r.published,
                "summit_index": r.summit_index,
                "mention": r.summit.mention,
            }
            for r in rows
        ],
        "source_count": len({r.article_id for r in rows}),
        "outlet_count": len(outlets),
    }
    return Event.model_validate(data)
