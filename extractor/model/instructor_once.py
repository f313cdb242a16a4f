"""instructor's check for async validators, made once per response model instead of on every call.

instructor (1.17) refuses response models carrying its own async validators, which its runtime
does not run. It checks by walking the model's classes, every member of every base class, and
does so seven times per request (the client, the patched ``create``, the retry loop, the
response parsing …), for a model that never changes. For our draft model a walk costs about
0.23 ms (measured on the 2-core machine while busy), so some 1.6 ms of CPU per article: more
than half of what instructor, openai and httpx spent per request (4.4 → 1.9 ms with an
in-memory transport), and a large part of what kept 64 articles in flight from N / latency.

``install`` wraps the check so that a class that passed it once passes again without the walk.
A model that fails still fails, every time; non-class response models (``None``, ``Iterable[X]``)
are checked as before. Nothing else in instructor changes.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any

from instructor.v2.core import patch as _instructor_patch
from instructor.v2.validation import async_validators as _async_validators

# The modules that call the check through their own global (the others import it from
# ``async_validators`` at call time, so they find the wrapper there).
_HOLDERS = (_async_validators, _instructor_patch)


def _checked_once(check: Callable[[Any], None]) -> Callable[[Any], None]:
    passed: weakref.WeakSet[type] = weakref.WeakSet()
    lock = threading.Lock()

    @functools.wraps(check)
    def reject_async_validators(response_model: Any) -> None:
        if isinstance(response_model, type):
            with lock:
                if response_model in passed:
                    return
        check(response_model)  # raises for a model with async validators: not remembered
        if isinstance(response_model, type):
            with lock:
                passed.add(response_model)

    reject_async_validators.__wrapped_once__ = True  # type: ignore[attr-defined]
    return reject_async_validators


def install() -> None:
    """Wrap instructor's check where it is looked up; idempotent."""
    check = _async_validators.reject_async_validators
    if getattr(check, "__wrapped_once__", False):
        return
    once = _checked_once(check)
    for module in _HOLDERS:
        if getattr(module, "reject_async_validators", None) is check:
            module.reject_async_validators = once  # type: ignore[attr-defined]
