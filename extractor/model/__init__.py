"""Talking to the model: client factory, retry policy, token counts, prompts and the draft it fills."""
