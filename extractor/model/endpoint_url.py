"""What a ``--base-url`` may hold, and where each part of it goes.

A URL such as ``http://user:pass@host/v1?key=abc`` carries credentials two ways, and the openai
client handles neither as a user expects: it glued ``?key=abc`` in front of ``/chat/completions``
and sent the user info as HTTP Basic auth in place of the Bearer key, while our logs and failure
records would have shown the URL whole.

* A query string (``?key=abc``, ``?api-version=…``, as some gateways want) is kept off the base
  URL and sent with every request (the client's ``default_query``); its values are registered as
  secrets, so they are redacted wherever we print.
* User info (``user:password@``) is refused: the key belongs in ``--api-key`` /
  ``OPENAI_API_KEY``, and a Basic-auth proxy in front of the server is not something the openai
  client can talk to alongside a Bearer key. The refusal never repeats the password.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from extractor.errors import ConfigError
from extractor.logs import register_secret


def split_base_url(url: str) -> tuple[str, dict[str, str]]:
    """(base URL without query or fragment, the query's parameters). Refuses user info."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a port that is not a number
    except ValueError:
        raise ConfigError("--base-url is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("--base-url must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080/v1")
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            "--base-url holds a user name or password (user:password@host); give the server's key "
            "with --api-key or OPENAI_API_KEY instead, never in the URL"
        )
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for value in query.values():
        if len(value) >= 3:  # "?v=1" is no secret, and redacting every "1" would garble the logs
            register_secret(value)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")), query
