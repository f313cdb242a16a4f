"""Evaluating an extraction run against a gold file (../shared/gold/FORMAT.md, "How a run is scored").

``gold`` reads the gold file, ``compare`` says when two values agree, ``matching`` pairs extracted
summits with gold mentions, ``reconciliation`` scores merged events, ``report`` holds the result
and prints it, ``score`` is the entry point.
"""

from extractor.evaluate.gold import load_gold
from extractor.evaluate.score import render_table, score_extractions

__all__ = ["load_gold", "render_table", "score_extractions"]
