"""Pairing what was extracted with what the gold holds: articles by file name, then summits.

FORMAT.md step 1: an extracted summit matches a gold mention when they share a participant and
neither their city nor their date contradicts. Pairs are one-to-one, chosen greedily by score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from extractor.evaluate.compare import NameKeys, dates_contradict, places_contradict, places_equal
from extractor.evaluate.gold import GoldMention
from schemas import ArticleExtraction, Summit


def _base_name(path: str) -> str:
    # Extractions may carry Windows paths; gold keys are bare file names.
    return PurePosixPath(path.replace("\\", "/")).name


def _stem(name: str) -> str:
    return PurePosixPath(name).stem


@dataclass
class FileMatch:
    """Which extraction scores which gold article, and what could not be placed."""

    by_gold_file: dict[str, ArticleExtraction] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


def match_files(gold_files: Iterable[str], extractions: Sequence[ArticleExtraction]) -> FileMatch:
    """Extractions by the gold file they are about: same base name, else same stem.

    A stem match lets "003_x.json" score against gold "003_x.txt" when the article was converted;
    it is used only when the stem names one gold file. The first extraction for a gold file is
    scored; later ones are reported as duplicates rather than silently averaged in.
    """
    gold_files = list(gold_files)
    by_name = {_base_name(name): name for name in gold_files}
    stems: dict[str, list[str]] = {}
    for name in gold_files:
        stems.setdefault(_stem(_base_name(name)), []).append(name)

    result = FileMatch()
    for extraction in extractions:
        file = extraction.source.file
        if not file:
            result.unmatched.append(f"(no file) article {extraction.article_id}")
            continue
        base = _base_name(file)
        gold_file = by_name.get(base)
        if gold_file is None and len(stems.get(_stem(base), [])) == 1:
            gold_file = stems[_stem(base)][0]
        if gold_file is None:
            result.unmatched.append(file)
        elif gold_file in result.by_gold_file:
            result.duplicates.append(file)
        else:
            result.by_gold_file[gold_file] = extraction
    return result


def match_mentions(extracted: Sequence[Summit], gold: Sequence[GoldMention], names: NameKeys) -> list[tuple[int, int]]:
    """One-to-one (extracted index, gold index) pairs, best-scoring first, sorted by extracted index.

    Score: shared participants, plus one each for an agreeing city and an agreeing date. Ties go
    to the pair whose mention role and status also agree, then to a required gold mention over an
    optional one (a hit there counts), then to the lower indices, so a run always scores the same.
    """
    candidates = []
    for i, summit in enumerate(extracted):
        ours = names.keys(summit.participants)
        for j, mention in enumerate(gold):
            shared = len(ours & names.keys(mention.participants))
            city = summit.location.city
            if not shared or places_contradict(city, mention.city) or dates_contradict(summit.date, mention.date):
                continue
            score = shared + (city is not None and places_equal(city, mention.city))
            score += summit.date is not None and mention.date is not None
            also = (summit.mention == mention.mention) + (summit.status == mention.status)
            candidates.append((-score, -also, mention.optional, i, j))

    pairs, used_extracted, used_gold = [], set(), set()
    for *_, i, j in sorted(candidates):
        if i not in used_extracted and j not in used_gold:
            pairs.append((i, j))
            used_extracted.add(i)
            used_gold.add(j)
    return sorted(pairs)
