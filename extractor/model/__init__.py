"""How to talk to the model (the wire): prompts, the draft it fills, the client factory, the
instructor/openai calls with their error mapping and salvage (``wire``), retries, token counts.

Who serves the model is ``extractor.providers``' business.
"""
