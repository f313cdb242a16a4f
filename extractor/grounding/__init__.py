"""Grounding: the words in the article that support each value (``evidence``)."""
