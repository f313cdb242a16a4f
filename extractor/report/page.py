"""The report as one self-contained HTML file: styles, script and data inlined, nothing fetched.

Safety of article strings, which may carry markup (``<script>``, ``<img onerror>``):

* the data goes in a ``<script type="application/json">`` block, which the browser never runs,
  with every ``<``, ``>`` and ``&`` written as a JSON ``\\u`` escape, so no ``</script>`` or
  ``<!--`` in an article can end the block early;
* the page's script draws everything with ``textContent``, never ``innerHTML``;
* a Content-Security-Policy allows only the page's own script (by its SHA-256) and no network
  at all, so even a markup bug could neither run injected code nor fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib.resources import files
from string import Template
from typing import Any


@cache
def _asset(name: str) -> str:
    return files("extractor.report").joinpath("assets", name).read_text(encoding="utf-8")


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left as such.

    A NaN or an infinity is an error here (``ValueError``): Python would write it, and the
    browser's JSON parser would refuse the whole block and draw nothing.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def content_security_policy(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_page(data: dict[str, Any]) -> str:
    script = _asset("report.js")
    return Template(_asset("report.html")).substitute(
        title=html.escape(data.get("title") or "Summit events"),
        csp=html.escape(content_security_policy(script)),
        css=_asset("report.css"),
        data=json_for_script(data),
        js=script,
    )
