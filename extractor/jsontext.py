"""JSON from outside (articles, extraction files, gold files): every parse failure in one line.

``json.loads`` fails in three ways on hostile input, and only one of them is ``JSONDecodeError``:
nesting deeper than the interpreter's recursion limit raises ``RecursionError``, and an integer
of more than ``sys.get_int_max_str_digits()`` digits (4,300 by default) raises a bare
``ValueError``. Callers catch ``JSON_ERRORS`` and word the error with ``json_problem``.
"""

from __future__ import annotations

import json

JSON_ERRORS = (ValueError, RecursionError)


def json_problem(error: BaseException) -> str:
    """What was wrong with the JSON, in a few words ("invalid JSON (...)")."""
    if isinstance(error, json.JSONDecodeError):
        where = f"column {error.colno}" if error.lineno == 1 else f"line {error.lineno} column {error.colno}"
        return f"invalid JSON ({error.msg} at {where})"
    if isinstance(error, RecursionError):
        return "invalid JSON (nested too deeply)"
    if "digits" in str(error):
        return "invalid JSON (a number with too many digits)"
    return "invalid JSON"
