"""Person identity: when two spellings can name the same person.

Articles name one person several ways, and folding case and hyphens (``fold_name``) does not
reach all of them:

* **word order** — "Haruto Kameyama" and "Kameyama Haruto";
* **spacing** — "Chen Weiming" and "Chen Wei-ming" ("chen wei ming" after folding);
* **surname only** — "Kameyama" against "Haruto Kameyama"; an initial for a given name
  ("H. Kameyama");
* **transliteration** — "Volkonsky", "Volkonskiy", "Volkonskii"; "Mohammed" and "Muhammad";
  given names romanised with other vowels or consonants ("Ji-hoon", "Ji-hun"; "Gwang-su",
  "Kwang-soo"); diacritics written or not ("Nguyễn" and "Nguyen").

``same_person`` says whether two folded names *can* be one person. It is deliberately generous,
because it is never the only evidence: the reconciler asks it only about people of an event that
the mention already fits on its other people, its place and its time, and a name that could be
two people of the event (a bare "Kim" in an event of two Kims) is left unmatched (``match_names``).
What it refuses is as important: the two must share a word (in its transliteration skeleton:
``variant_keys``, what blocking finds variants by), tokens with digits must be equal, short words
(three letters or fewer) must be equal or an initial, and every word of the shorter name must find
its own word in the longer one. Countries from the articles' actor records, where both are known and differ,
make two names two people (``countries_differ``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import permutations

from rapidfuzz.distance import Levenshtein

_NOT_A_LETTER = re.compile(r"[^\w\s]|_")
# Spelling differences that transliteration makes and that carry no meaning for a name:
# y/i ("Dmitriy", "Dmitri"), w/v ("Wladimir"), ph/f, kh/k, doubled letters.
_SKELETON_STEPS = (("kh", "k"), ("ph", "f"), ("y", "i"), ("w", "v"))
_DOUBLED = re.compile(r"(\w)\1+")
_CLASS_OF = {"g": "k", "c": "k", "q": "k", "d": "t", "b": "p", "z": "j", "r": "l"}
_CLASS_OF.update(dict.fromkeys("aeiouy", ""))
_CONSONANT_CLASS = re.compile("[" + "".join(_CLASS_OF) + "]")


def plain_words(folded: str) -> tuple[str, ...]:
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(_NOT_A_LETTER.sub(" ", plain).split())


@functools.lru_cache(maxsize=1 << 16)
def name_tokens(folded: str) -> tuple[str, ...]:
    """The words of a folded name, diacritics and punctuation dropped ("h. kameyama" → h, kameyama)."""
    return plain_words(folded)


def skeleton(token: str) -> str:
    """The word as transliterations agree on it; its first letter kept ("Yi" stays "yi")."""
    head, rest = token[:1], token[1:]
    for old, new in _SKELETON_STEPS:
        rest = rest.replace(old, new)
    return _DOUBLED.sub(r"\1", head + rest)


def _close(a: str, b: str) -> bool:
    """Two words one transliteration apart: same first letter, one edit (two for words of eight letters or more)."""
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 6 or a[0] != b[0]:
        return False
    sa, sb = skeleton(a), skeleton(b)
    return Levenshtein.distance(sa, sb, score_cutoff=2) <= (1 if min(len(sa), len(sb)) < 8 else 2)


def _word_match(a: str, b: str) -> int:
    """2: the same word; 1: the same word in another transliteration; 0: different words."""
    if a == b:
        return 2
    if any(ch.isdigit() for ch in a + b):
        return 0
    if len(a) > 3 and len(b) > 3 and (skeleton(a) == skeleton(b) or _close(a, b)):
        return 1
    return 0


def _aligned(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Every word of the shorter name has its own word in the longer one (initials: a word with that letter)."""
    free = list(long)
    words = sorted(short, key=lambda t: len(t) == 1)  # full words first: initials take what is left
    anchored = False
    for word in words:
        if len(word) == 1:
            found = next((t for t in free if t[0] == word and not t.isdigit()), None)
        else:
            found = max(free, key=lambda t: _word_match(word, t), default=None)
            if found is not None and not _word_match(word, found):
                found = None
            anchored = anchored or found is not None
        if found is None:
            return False
        free.remove(found)
    return anchored


def _compact_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The same surname word and the rest written together or apart: "wei ming" and "weiming"."""
    for word in set(a) & set(b):
        if len(word) < 2 or word.isdigit():
            continue
        words_a = [t for t in a if t != word]
        words_b = [t for t in b if t != word]
        if not words_a or not words_b or len(words_a) > 3 or len(words_b) > 3 or any(ch.isdigit() for ch in "".join(words_a + words_b)):
            continue
        # The rest in any order: keys hold a name's words sorted (mentions.fold_person).
        syllables = max(len(words_a), len(words_b)) >= 2
        for rest_a in {"".join(p) for p in permutations(words_a)}:
            for rest_b in {"".join(p) for p in permutations(words_b)}:
                if skeleton(rest_a) == skeleton(rest_b) or _close(rest_a, rest_b):
                    return True
                # A given name of syllables ("Ji-hoon", "Gwang-su") romanised otherwise ("Ji-hun", "Kwang-soo").
                if syllables and min(len(rest_a), len(rest_b)) >= 5 and _consonants(rest_a) == _consonants(rest_b):
                    return True
    return False


def _consonants(word: str) -> str:
    """A word's consonants, voiced and voiceless alike: romanisations of one syllable differ in
    vowels ("hoon", "hun") and in g/k, d/t, b/p, j/ch, r/l ("Gwang", "Kwang")."""
    classes = _CONSONANT_CLASS.sub(lambda m: _CLASS_OF[m.group(0)], skeleton(word.replace("ch", "j").replace("sh", "s")))
    return _DOUBLED.sub(r"\1", classes)


@functools.lru_cache(maxsize=1 << 18)
def same_person(a: str, b: str) -> bool:
    """Whether two folded names can be spellings of one person's name (see the module docstring)."""
    if a == b:
        return True
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb or _numbers(ta) != _numbers(tb):
        return False
    # Two spellings share a word (in its skeleton): the key blocking finds variants by, so no match
    # is made that the search for variants could not have found (see BlockIndex.has_variant).
    if set(variant_keys(a)).isdisjoint(variant_keys(b)):
        return False
    if ta == tb or "".join(ta) == "".join(tb) or sorted(ta) == sorted(tb):
        return True
    if len(ta) == len(tb):
        return _aligned(ta, tb) or _aligned(tb, ta) or _compact_match(ta, tb)
    short, long = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    return _aligned(short, long) or _compact_match(ta, tb)


@functools.lru_cache(maxsize=1 << 16)
def _numbers(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The words with digits: a number in a name (a regnal number, a code) must be the same."""
    return tuple(sorted(t for t in tokens if any(ch.isdigit() for ch in t)))


def variant_keys(folded: str) -> list[str]:
    """Keys under which a spelling of this name is listed: each of its words (skeleton), with its numbers.

    Two names ``same_person`` can match share one, but for a few transliterations of a whole
    one-word name ("Tokaev"); the numbers make names that differ by a number never meet.
    """
    tokens = plain_words(folded)
    numbers = ",".join(sorted(t for t in tokens if any(ch.isdigit() for ch in t)))
    return sorted({f"{skeleton(t)}#{numbers}" for t in tokens if len(t) > 1 and not t.isdigit()})


def countries_differ(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def fuller(spellings: Iterable[str]) -> int:
    """How much of a name a spelling gives: its words that are more than an initial."""
    return max((sum(len(t) > 1 for t in name_tokens(s)) for s in spellings), default=0)


def match_names(
    names: Sequence[str], person_of: Mapping[str, int], people: Sequence[set[str]], country_of: Callable[[str], str | None]
) -> list[int | None]:
    """The person (index into ``people``, each a set of folded spellings) each name can be, or None.

    A name among a person's spellings (``person_of``) is that person. Otherwise it is the person
    whose spellings it can be (``same_person``, countries not differing), when exactly one person
    not already named by another name qualifies; a name that fits two people fits none (a bare
    surname that two people of the event share).
    """
    found = [person_of.get(name) for name in names]
    if None not in found or not people:
        return found
    free = [i for i in range(len(people)) if i not in found]
    for n, name in enumerate(names):
        if found[n] is not None or not free:
            continue
        country = country_of(name)
        fits = [
            i
            for i in free
            if any(same_person(name, s) for s in people[i]) and not any(countries_differ(country, country_of(s)) for s in people[i])
        ]
        if len(fits) == 1:
            found[n] = fits[0]
            free.remove(fits[0])
    return found
