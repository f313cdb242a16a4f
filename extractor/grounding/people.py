"""People an article names, found the way news prose writes them: no table of known people.

* ``titled_names``: a name right after a title ("Kenyan Foreign Minister Musalia Mudavadi",
  "External Affairs Minister S. Jaishankar", "Vice Premier He Lifeng", "Chancellor Anna van der
  Berg"). A name is two to four capitalised words; initials ("S.") and the particles of many
  naming traditions ("van der", "von", "da", "bin", "ibn", "al-") may stand inside it.
* ``short_name``: the word (or particle phrase) of a full name that the same article uses alone
  for that person: "Xi" for Xi Jinping, "Modi" for Narendra Modi, "Prabowo" for Prabowo
  Subianto, "van der Berg" for Anna van der Berg. Family-name-first order and single-name
  traditions are read off the article's own usage, not guessed from a list of surnames.
* ``full_name_for``: the other way round, the one full name an article gives for a word used
  alone ("Ruto" → "William Ruto"), or None when it gives none or several.
"""

from __future__ import annotations

import functools
import re

from extractor.grounding.titles import TITLE_WORD, TITLED_PHRASE
from extractor.normalize.names import clean_name, fold_name, fold_place

# Particles that stand inside a name in lower case: Dutch, German, Romance, Arabic, Malay usage.
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|das|dos|du|le|la|bin|binti|bint|ibn|abu|ben|al|el)"
# One capitalised word of a name ("Jae-myung", "O'Neill"), an initial ("S."), or an Arabic "al-" form.
_NAME_WORD = r"(?:(?:al|el|ad|ash|as|at|az)-[A-Z][\w'’]+|[A-Z]\.|[A-Z][\w'’]*(?:[-\u2010\u2011][\w'’]+)*)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_WORD}){{1,5}}"
_TITLED = re.compile(rf"{TITLED_PHRASE},?\s+(?P<name>(?-i:{_NAME}))", re.IGNORECASE)
# Capitalised words that end a name when they follow it: days, months, sentence openers.
_NOT_NAME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december the a an and but on in at of for to with as after before "
    "when while said says told met meets during since".split()
)
# Of those, the ones that may stand capitalised after a name without being a name ("Said" may be one).
_AFTER_A_NAME = _NOT_NAME_WORDS - {"said", "says", "told", "met", "meets"}


# Honorifics the press puts before a name, after the title: "Chief Adviser Professor Amina Diallo".
_HONORIFIC = r"(?:professor|prof\.?|dr\.?|doctor|mr\.?|mrs\.?|ms\.?|sir|dame|lord|lady|hon\.?|honourable|honorable|excellency)"

# Words that make a capitalised phrase a body or a place, not a person ("People's Republic").
_NOT_PERSON = frozenset(
    "republic kingdom union nations states party ministry council committee government commission "
    "agency office department assembly parliament congress federation organisation organization "
    "forum summit bank fund court army navy force forces university institute news press times post".split()
)


def _trimmed(name: str) -> str | None:
    """The name up to the first word that is not a name part; None when less than two words remain
    or when the phrase names a body or a place."""
    words = name.split()
    while words and (
        (words[0].isupper() and len(words[0].rstrip(".")) > 1)
        or (
            re.fullmatch(rf"(?:{TITLE_WORD}|{_HONORIFIC})", words[0], re.IGNORECASE)
            # A title word before a particle is a given name: "Crown Prince Sultan bin Fahd".
            and not (len(words) > 1 and re.fullmatch(_PARTICLE, words[1]))
        )
    ):
        words = words[1:]  # a leading acronym or title word is a title ("NSA Ajit Doval", "Adviser Professor …")
    if any(re.sub(r"['’]s$", "", word).casefold() in _NOT_PERSON for word in words):
        return None
    for i, word in enumerate(words):
        if word.casefold().rstrip(".,") in _AFTER_A_NAME and not re.fullmatch(_PARTICLE, word):
            words = words[:i]
            break
    while words and re.fullmatch(_PARTICLE, words[-1]):
        words.pop()  # a particle ends no name
    return " ".join(words) if len(words) >= 2 else None


@functools.lru_cache(maxsize=128)
def titled_names(text: str) -> tuple[str, ...]:
    """Every name the article writes after a title, once each (by folded name), in text order."""
    found: dict[str, str] = {}
    for m in _TITLED.finditer(text):
        name = _trimmed(clean_name(m["name"]))
        if name:
            found.setdefault(fold_name(name), name)
    return tuple(found.values())


# Short capitalised English words that open sentences: never taken for a name used alone ("He said").
_SENTENCE_WORDS = frozenset("he she it we they his her its our their as at by if in is on or so to an no do us".split())


def _name_word_before(before: str) -> bool:
    """The text before a word ends with a capitalised name word of the same phrase ("Jinping" in
    "Xi Jinping"), not with a sentence's end ("… on Monday. Xi said") or a title."""
    prev = re.search(r"([\w'’.-]+)\s+$", before)
    if prev is not None and re.fullmatch(_PARTICLE, prev[1]):
        return True  # "bin Salman", "van der Berg": the tail of a longer name
    if prev is None or not prev[1][:1].isupper():
        return False
    word = prev[1]
    if word.endswith((".", ",", ";", ":")) and not re.fullmatch(r"[A-Z]\.", word):
        return False  # a sentence or clause ended; an initial ("S.") belongs to the name
    if word.casefold() in _NOT_NAME_WORDS or (word.isupper() and len(word) > 1):
        return False  # an acronym is a title or a country ("PM Modi", "US President"), not a name
    return not re.search(rf"{TITLED_PHRASE}\s+$", before, re.IGNORECASE)


def _alone(text: str, part: str) -> str | None:
    """How the text writes ``part`` where it stands on its own, not inside a longer name ("Xi
    said", "Modi's visit"; not "Xi Jinping", not "Li Qiang" for Li); None if it never does."""
    flags = re.IGNORECASE if " " in part else 0  # "Van der Berg" opens a sentence
    for m in re.finditer(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text, flags):
        if _name_word_before(text[max(0, m.start() - 40) : m.start()]):
            continue
        if re.match(rf"\s+{_PARTICLE}\s+(?-i:[A-Z])", text[m.end() : m.end() + 40]):
            continue  # "Mohammed bin Salman": the head of a longer name
        following = re.match(r"\s+([\w'’-]+)", text[m.end() : m.end() + 40])
        if following and following[1][:1].isupper() and following[1].casefold() not in _NOT_NAME_WORDS:
            continue  # a name word after it
        return m.group(0)
    return None


def short_name(text: str, name: str) -> str | None:
    """The part of ``name`` the article uses alone for the person, else None (see module doc)."""
    words = clean_name(name).split()
    if len(words) < 2:
        return None
    # A particle phrase is one surname: "van der Berg", "bin Salman", "al-Sisi".
    candidates: list[str] = []
    for i in range(1, len(words)):
        if re.fullmatch(_PARTICLE, words[i], re.IGNORECASE) and i < len(words) - 1:
            candidates.append(" ".join(words[i:]))
            break
    candidates += [words[-1], words[0], *words[1:-1]]
    for part in candidates:
        if part.endswith(".") or part.casefold() in _SENTENCE_WORDS or len(part) < 2:
            continue
        if written := _alone(text, part):
            return written
    return None


def full_name_for(text: str, word: str) -> str | None:
    """The one full name, among those the article titles, of which ``word`` is a part (accents
    aside: the model often writes "Erdogan" for "Erdoğan")."""
    folded = fold_place(word)
    matches = [name for name in titled_names(text) if f" {folded} " in f" {fold_place(name)} "]
    return matches[0] if len(matches) == 1 else None
