"""Person names: the comparison key and the canonical spelling.

Articles write one name several ways: "Lee Jae Myung", "Lee Jae-myung", "Lee Jae‑Myung" (with
U+2011, a non-breaking hyphen). ``fold_name`` maps all of them to one key: case folded, every
Unicode dash or hyphen and every run of spaces made one ASCII space.
"""

from __future__ import annotations

import re
import unicodedata

# Every dash-like code point (Unicode category Pd: hyphen, U+2010, U+2011, en and em dashes ...)
# plus the minus sign, which is not in Pd but appears in scraped text.
_DASHES = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Pd") + "\u2212"
_DASH_OR_SPACE = re.compile(f"[{re.escape(_DASHES)}\\s]+")


def fold_name(name: str) -> str:
    """The key under which spellings of one name compare equal."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _DASH_OR_SPACE.sub(" ", text).strip()
