"""Scoring an extraction run against a gold file (../shared/gold/FORMAT.md, "How a run is scored").

``compare`` says when two values agree, ``matching`` pairs extracted summits with gold mentions,
``reconciliation`` scores merged events, ``report`` holds the result and prints it. The entry
point is ``extractor.evaluate.score_extractions``.
"""
