"""The fixed prompt's KV cache, kept from one run to the next.

Within a run the native server reuses what it computed for the previous request's prompt
(``cache_prompt``): the instructions and the worked example, ~650 tokens, are read once. A new
process starts with nothing and reads them again, ~11 s at this machine's 60 tokens/s, before the
first article's own words: most of why the first article of a batch is the slowest. llama.cpp can
save a slot's state to a file and restore it (its ``/slots`` API, ``--slot-save-path``): the
server saves it when it stops and restores it when it starts, so a run begins where the last one
ended, and the next prompt shares its prefix with the last one the machine computed.

A state file holds the KV cache of one model file at one context size, written by one build of
the engine: its name carries all three, so a new model, context or engine never reads an old
file. Saving and restoring are best effort: a failure is logged and the prompt is read as before.
Only a server that has read a prompt saves (a run whose articles all came from the extraction
cache must not replace a good state with an empty one), and it writes under a temporary name then
renames, so two servers stopping at once never leave half a file.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
import re
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger(__name__)

_TIMEOUT = 10.0  # seconds; a state is ~30 MB on loopback
_SLOT = 0  # one slot: the embedded server serves one request at a time


def state_dir(model_path: Path) -> Path:
    """Where the states of this model's server are kept (beside the model)."""
    return model_path.parent / "prompt-state"


def state_name(model_path: Path, context_size: int) -> str:
    """The file name of the state for this model, context size and engine build."""
    try:
        engine = importlib.metadata.version("xllamacpp")
    except importlib.metadata.PackageNotFoundError:
        engine = "unknown"
    name = f"{model_path.stem}-ctx{context_size}-xllamacpp{engine}.bin"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)  # the server takes a bare file name only


def restore(root_url: str, directory: Path, name: str) -> bool:
    """Load the saved state into the server's slot; True when it was loaded."""
    if not (directory / name).is_file():
        return False
    restored = _slot_action(root_url, "restore", name)
    if restored is not None:
        log.info("prompt state restored (%s tokens)", restored.get("n_restored", "?"))
    return restored is not None


def save(root_url: str, directory: Path, name: str) -> bool:
    """Save the server's slot for the next run, if this server has read any prompt; True when saved."""
    try:
        if _prompt_tokens_read(root_url) == 0:
            return False
    except httpx.HTTPError as exc:
        log.info("prompt state not saved: %s", exc)
        return False
    partial = f".{name}.{os.getpid()}.part"
    if _slot_action(root_url, "save", partial) is None:
        return False
    try:
        os.replace(directory / partial, directory / name)
    except OSError as exc:
        log.info("prompt state not saved: %s", exc)
        with contextlib.suppress(OSError):
            (directory / partial).unlink()
        return False
    return True


def _slot_action(root_url: str, action: str, filename: str) -> dict[str, Any] | None:
    """POST /slots/0?action=… (llama.cpp); its JSON answer, or None (logged) when it failed."""
    try:
        response = httpx.post(f"{root_url}/slots/{_SLOT}?action={action}", json={"filename": filename}, timeout=_TIMEOUT, trust_env=False)
    except httpx.HTTPError as exc:
        log.info("prompt state not %s: %s", _DONE[action], exc)
        return None
    if response.status_code != 200:
        log.info("prompt state not %s: HTTP %d %s", _DONE[action], response.status_code, response.text[:200])
        return None
    answer: dict[str, Any] = response.json()
    return answer


_DONE = {"save": "saved", "restore": "restored"}


def _prompt_tokens_read(root_url: str) -> float:
    """Prompt tokens this server has computed, from its Prometheus metrics (0 if none or unknown)."""
    response = httpx.get(f"{root_url}/metrics", timeout=_TIMEOUT, trust_env=False)
    for line in response.text.splitlines():
        if line.startswith("llamacpp:prompt_tokens_total"):
            return float(line.split()[-1])
    return 0.0
