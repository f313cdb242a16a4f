"""Grouping mentions into events: a greedy pass over mentions in canonical order, in three rounds.

Each mention, strongest first (mentions.MentionRow.order_key), goes to the one candidate event it
fits best (matching.fit), or founds a new event. The rounds:

1. **Clean fits.** Anchored mentions (a city, or a date of month precision or better) join the
   event they fit without any contradiction, or found one. A mention whose best fit carries a
   contradiction (another day of a visit, a nearby city, a weekday that is not the event's) waits.
2. **Soft fits.** The waiting mentions, once every clean report has placed its meeting: a
   mention that contradicts one event may fit another one cleanly that a later report founded
   (a held report "on Tuesday" with no date, between a Monday meeting and a planned one).
3. **No anchor.** A mention with neither a city nor a date of month precision or better (e.g.
   "the leaders met before, on the sidelines of APEC") says only who met. It joins an event only
   when its people have exactly one plausible event (same people, compatible kind, not ruled out
   by its year, weekday, status or — for an article about the meeting — its country) in the
   whole input; or, among several, exactly one in the month before its article was published
   (timeline.py, recency). When the pair met several times otherwise, it cannot say which
   meeting it means, so it stands alone. A passing reference's country does not narrow the
   choice: with no city, a model fills the country from the article's main story or the
   visitor's home (measured: a vague "the leaders met" took the home country and would have
   picked the one meeting held there, not the one it meant).

Two guards keep a guess from merging meetings:

* **Ambiguity.** When two or more events fit equally best, the mention could be a report of
  either; it founds its own event rather than pick one (unless it gives no date and exactly one
  of them is recent, as above).
* **Wider search only on failure.** A placed mention that fits no event cleanly under its own
  keys, its people matched by their names as written, is compared once more with every event of each of
  its people, in every city, its people matched by their spellings too (identity.py): a report
  may carry a wrong city, or spell a person differently (``BlockIndex.candidates(wider=True)``).
  Only then, so a clean fit is always preferred.

The pass is deterministic: the order comes from the mentions' content and ids, candidates are
visited in event-creation order, and ties are never broken by input order.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.reconcile.blocking import BlockIndex
from extractor.reconcile.matching import Cluster, fit, one_visit, outside_window, plausible_without_a_place, same_month
from extractor.reconcile.mentions import MentionRow
from extractor.reconcile.timeline import falls_within, recent_window


def _recent(row: MentionRow, clusters: list[Cluster]) -> Cluster | None:
    """The one event dated in the month around the row's publication (before it, for a report of a
    past meeting; after it, for a planned one); None when none or several are."""
    published = row.published_day
    if published is None or row.date[0] is not None or row.date[1] is not None:
        return None
    start, end = recent_window(published, row.summit.status)
    recent = [c for c in clusters if any(falls_within(parts, start, end) for parts in c.dates)]
    return recent[0] if len(recent) == 1 else None


def _best(
    row: MentionRow, candidates: list[Cluster], spellings: bool, best_fit: tuple | None = None, best: list[Cluster] | None = None
) -> tuple[tuple | None, list[Cluster]]:
    """The best fit and the events that fit that well (several: the mention cannot say which).

    ``best_fit`` and ``best``: the best found so far among other candidates, to continue from.
    """
    best = list(best or ())
    for cluster in candidates:
        score = fit(row, cluster, spellings)
        if score is None:
            continue
        if best_fit is None or score > best_fit:
            best_fit, best = score, [cluster]
        elif score == best_fit:
            best.append(cluster)
    return best_fit, best


def _anchored(row: MentionRow, index: BlockIndex) -> tuple[Cluster | None, tuple | None]:
    """The one event the mention fits best (None when none does, or several equally), and that fit."""
    first = index.candidates(row)
    best_fit, best = _best(row, first, spellings=False)
    if best_fit is None or not best_fit[0]:
        # Nothing fits cleanly: the event may be in another city, or spell a person otherwise.
        if len(row.persons) > 1 and index.has_variant(row):
            best_fit, best = _best(row, index.candidates(row, wider=True), spellings=True)
        elif row.city_key is not None and row.date[1] is not None:
            # Another city fits only on the same people in the same month, or on days of one
            # visit (matching.py, "Place"): a cheap test first. Names as written either way, so
            # the events of the first search are fitted already.
            seen = {cluster.id for cluster in first}
            others = [
                cluster
                for cluster in index.candidates(row, wider=True)
                if cluster.id not in seen and (same_month(row, cluster) or one_visit(row, cluster))
            ]
            best_fit, best = _best(row, others, spellings=True, best_fit=best_fit, best=best)
            best.sort(key=lambda cluster: cluster.id)
    if len(best) > 1:
        return _recent(row, best), best_fit
    return (best[0] if best else None), best_fit


def _unanchored(row: MentionRow, index: BlockIndex) -> Cluster | None:
    plausible = [c for c in index.candidates(row, wider=True) if plausible_without_a_place(row, c)]
    if len(plausible) > 1:
        # Of several, the ones its publication allows (timeline.report_window), then the recent one.
        plausible = [c for c in plausible if not outside_window(row, c)] or plausible
    chosen = plausible[0] if len(plausible) == 1 else _recent(row, plausible)
    return chosen if chosen is not None and fit(row, chosen) is not None else None


def group_mentions(rows: Iterable[MentionRow]) -> list[Cluster]:
    """Events as clusters of mention rows; ``rows`` must already be in canonical order."""
    index = BlockIndex()
    clusters: list[Cluster] = []

    story: dict[str, Cluster] = {}  # article id → the event its (first placed) primary mention joined

    def dated(row: MentionRow) -> MentionRow:
        """The row with its story's day, when its article gives no publication date (timeline.py)."""
        if not row.primary and row.article_id in story and (row.published is None or row.published_day is None):
            days = story[row.article_id].days
            row.story_day = max(days) if days else None
        return row

    def place(row: MentionRow, chosen: Cluster | None) -> None:
        if chosen is None:
            chosen = Cluster(id=len(clusters))
            clusters.append(chosen)
        chosen.add(row, spellings=index.has_variant(row))
        if row.primary:
            story.setdefault(row.article_id, chosen)
        if row.persons:
            index.register(chosen)

    waiting: list[MentionRow] = []
    unanchored: list[MentionRow] = []
    for row in map(dated, rows):
        if not row.persons:  # a mention naming nobody cannot be matched on anything: it stands alone
            place(row, None)
        elif not row.anchored:
            unanchored.append(row)
        else:
            chosen, best_fit = _anchored(row, index)
            if best_fit is not None and not best_fit[0]:
                waiting.append(row)  # its best fit contradicts something: see round 2
            else:
                place(row, chosen)
    for row in map(dated, waiting):
        place(row, _anchored(row, index)[0])
    for row in map(dated, unanchored):
        place(row, _unanchored(row, index))
    return clusters
