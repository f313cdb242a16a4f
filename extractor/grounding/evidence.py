"""Grounding: finding, in the article text, the words that support each value the model gave.

Every function returns an ``Evidence`` whose offsets index the ORIGINAL text and whose quote is
the original text at those offsets, so ``text[e.start:e.end] == e.quote`` always holds.

* ``find_quote``: a passage copied by the model. Exact, then exact after folding case,
  whitespace, quote marks and dashes (still ``alignment='exact'``: the stored quote is verbatim
  article text), then a fuzzy alignment (rapidfuzz ``partial_ratio_alignment``) widened to whole
  words, ``alignment='fuzzy'`` with its score.
* ``locate_name``: a person. **Name-grounding rule:** a participant is named in the article when
  the text has (a) the full name in any spelling that folds to it (case, spaces, Unicode hyphens:
  "Lee Jae‑Myung" with U+2011 and "Lee Jae Myung" both ground "Lee Jae-myung"), or a known alias
  of the same person ("Ahn Gyu-baek" for "Ahn Gyu-back"); or (b) the surname right after a title
  ("President Lee", "Defense Minister Ahn"), unless the title contradicts the person's known
  role. A bare surname ("Lee met ...") does not ground a name: it could be anyone of that name.
* ``locate_phrase``: places and date words, case-insensitive, on word boundaries.
* ``best_sentence``: the article sentence that best supports a pledge description.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from extractor.grounding.people import full_name_for
from extractor.normalize.names import (
    _DASHES,
    KnownActor,
    canonical_name,
    clean_name,
    fold_name,
    known_actor,
    known_actors,
    role_conflicts,
    surname_of,
)
from schemas import Evidence

_SEP = f"[{re.escape(_DASHES)}\\s]+"  # between two words of a name or phrase

# Texts whose sentence spans (and name mentions) are remembered: an article's are asked for by
# the grounding of each participant, the pledges, the briefer check, the background scan … (about
# ten times an article). Room for the articles of --concurrency 64 (an article's text, and its text without
# instruction-like passages when it has some), so each article's are found once; at most
# 128 texts of up to 200,000 characters are held.
TEXTS_CACHED = 128

_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
}


# --- quotes -------------------------------------------------------------------------------------


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Text folded for comparison, and for each folded character the index of its source character.

    Folding: lower case, every dash '-', curly quotes straight, each run of whitespace one space.
    """
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            folded = " "
        elif char in _DASHES:
            folded = "-"
        else:
            folded = _QUOTES.get(char, char).lower()
        for piece in folded:  # lower() may give two characters ("İ"): both map to i
            out.append(piece)
            where.append(i)
    return "".join(out), where


def _evidence(text: str, start: int, end: int, alignment: str = "exact", score: float = 1.0) -> Evidence | None:
    # Trim whitespace so the quote starts and ends on article words.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Evidence(quote=text[start:end], start=start, end=end, alignment=alignment, score=round(score, 4))


def find_quote(text: str, quote: str, *, min_score: float = 90) -> Evidence | None:
    """Where the article says ``quote``: exact, exact after folding, or fuzzy (score ≥ min_score of 100)."""
    if not quote or not quote.strip() or not text:
        return None
    if (start := text.find(quote)) >= 0:
        return _evidence(text, start, start + len(quote))
    folded_text, where = _fold_with_map(text)
    folded_quote, _ = _fold_with_map(quote.strip())
    if (start := folded_text.find(folded_quote)) >= 0:
        return _evidence(text, where[start], where[start + len(folded_quote) - 1] + 1)
    alignment = fuzz.partial_ratio_alignment(folded_quote, folded_text, score_cutoff=min_score)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    start, end = where[alignment.dest_start], where[alignment.dest_end - 1] + 1
    # Widen to whole words: an alignment may start or end inside one.
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return _evidence(text, start, end, "fuzzy", alignment.score / 100)


# --- phrases and names --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # places and date words recur across articles: compiled once each
def _phrase_pattern(phrase: str) -> re.Pattern | None:
    """A phrase's words in order, any dashes/whitespace between them, on word boundaries, any case."""
    words = [w for w in re.split(_SEP, phrase.strip()) if w]
    if not words:
        return None
    body = _SEP.join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def locate_phrase(text: str, phrase: str | None) -> Evidence | None:
    """The first place the text says ``phrase`` (case-insensitive, whole words, any spacing/dashes)."""
    if not phrase or not (pattern := _phrase_pattern(phrase)):
        return None
    m = pattern.search(text)
    return _evidence(text, m.start(), m.end()) if m else None


# A capitalised word (any case: datelines write places in capitals).
_PLACE_WORD = re.compile(r"\b[A-ZÀ-Þ][^\W\d_]+\b")
# A lower-case word other than a name's particle ("de", "al"): a run across it is two names.
_LOWER_WORD = re.compile(r"\b[a-z]{4,}\b")


def locate_misspelt_place(text: str, phrase: str | None, *, min_score: float = 85.0) -> Evidence | None:
    """Where the text names the place the model misspelt ("Kanaskis" for the article's
    "Kananaskis"): the capitalised run of the same first letter and about the same length that is
    closest to it (rapidfuzz ratio ≥ ``min_score``), as the article writes it; None if none is close.
    Only names of five letters or more: a short name is too easily close to another word."""
    name = (phrase or "").split(",")[0].strip()
    if len(name) < 5:
        return None
    wanted = name.casefold()
    words = list(_PLACE_WORD.finditer(text))
    best: tuple[float, int, int] | None = None
    for i, first in enumerate(words):
        for last in words[i : i + 3]:  # runs of one to three words, "Rio de Janeiro" too
            found = text[first.start() : last.end()]
            if "\n" in found or _LOWER_WORD.search(found) or found[0].casefold() != wanted[0] or abs(len(found) - len(wanted)) > 3:
                continue
            score = fuzz.ratio(wanted, found.casefold())
            if score >= min_score and (best is None or score > best[0]):
                best = (score, first.start(), last.end())
    if best is None:
        return None
    return _evidence(text, best[1], best[2], alignment="fuzzy", score=round(best[0] / 100, 3))


def _spellings(name: str) -> list[str]:
    """The name without its titles, its canonical form and, for a known person, every alias."""
    spellings = [clean_name(name), canonical_name(name)]
    if actor := known_actor(name):
        spellings += [actor.canonical, *actor.aliases]
    unique: dict[str, str] = {}
    for spelling in spellings:
        if spelling.strip():
            unique.setdefault(fold_name(spelling), spelling)
    return list(unique.values())


# Titles that ground a surname: "President Lee", "Prime Minister Takaichi", "Defence Minister Ahn".
_SURNAME_TITLES = (
    r"(?:Vice\s+)?President|(?:Deputy\s+)?Prime\s+Minister|PM|Premier|Chancellor|Chairman|Secretary|"
    r"(?:(?:Defen[cs]e|Foreign|Finance|Trade|Unification)\s+)?Minister|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Gen\.|General"
)


@dataclass(frozen=True)
class PersonMatch:
    """A person the article names: canonical name, every grounding mention, the spellings of the full name."""

    canonical: str
    mentions: list[Evidence]
    spellings: list[str]


@dataclass(frozen=True)
class _NamePatterns:
    """What to look for in a text to ground one name: made once per name, not per article."""

    full: tuple[re.Pattern, ...]  # its spellings (none for a one-word name: a bare surname)
    titled: re.Pattern | None  # a title, then the surname
    surname: str  # as the titled pattern matches it (case and all): a text without it cannot match
    actor: KnownActor | None


@functools.lru_cache(maxsize=1 << 12)
def _name_patterns(name: str) -> _NamePatterns:
    words = clean_name(name).split()
    full: list[re.Pattern] = []
    if len(words) >= 2:  # a one-word name is a bare surname: only a title grounds it
        full = [pattern for spelling in _spellings(name) if (pattern := _phrase_pattern(spelling))]
    surname = surname_of(name) if len(words) >= 2 else (words[0] if words else None)
    titled = re.compile(rf"(?<!\w)(?P<title>{_SURNAME_TITLES}){_SEP}{re.escape(surname)}(?!\w)") if surname else None
    return _NamePatterns(tuple(full), titled, surname or "", known_actor(name))


def _mentions(text: str, name: str) -> dict[int, tuple[Evidence, bool]]:
    """Start offset -> (mention, titled?) for the name-grounding rule (module docstring).

    The search is remembered per text (``_mention_spans``); the Evidence is made afresh on every
    call, so no two callers share a record they might keep or change.
    """
    return {start: (_exact(text, start, end), titled) for start, end, titled in _mention_spans(text, name)}


def _exact(text: str, start: int, end: int) -> Evidence:
    evidence = _evidence(text, start, end)
    assert evidence is not None, "the span of a mention found before"
    return evidence


@functools.lru_cache(maxsize=TEXTS_CACHED)
def _mention_memo(text: str) -> dict[str, tuple[tuple[int, int, bool], ...]]:
    """Name -> its mention spans in ``text``, filled as names are asked for.

    The background scan asks whether the article names each known actor (about forty names)
    three times per article (``people_named``, from scan_background and twice from
    check_background): searching the text once per name, not three times, saved about a tenth
    of the client's CPU per article at --concurrency 64. Held per text, like the sentence spans:
    at most ``TEXTS_CACHED`` texts. Threads share it: a name looked up by two at once is searched
    twice, with the same answer.
    """
    return {}


def _mention_spans(text: str, name: str) -> tuple[tuple[int, int, bool], ...]:
    memo = _mention_memo(text)
    spans = memo.get(name)
    if spans is None:
        spans = memo[name] = tuple((ev.start, ev.end, titled) for ev, titled in _find_mentions(text, name).values())
    return spans


def _find_mentions(text: str, name: str) -> dict[int, tuple[Evidence, bool]]:
    """The search behind ``_mentions``, in text order."""
    patterns = _name_patterns(name)
    found: dict[int, tuple[Evidence, bool]] = {}
    for pattern in patterns.full:
        for m in pattern.finditer(text):
            if (ev := _evidence(text, m.start(), m.end())) and ev.start not in found:
                found[ev.start] = (ev, False)
    actor = patterns.actor
    if patterns.titled is not None and patterns.surname in text:  # the titled search is the slow one
        for m in patterns.titled.finditer(text):
            if actor and role_conflicts(m["title"], actor.role):
                continue  # "President Kim" is not Prime Minister Kim Min-seok
            if any(ev.start <= m.start() < ev.end or m.start() <= ev.start < m.end() for ev, _ in found.values()):
                continue  # already inside a full-name mention
            if (following := re.match(r"[ \t]+([A-Z][a-z]+)", text[m.end() :])) and not _is_title_or_word(following[1]):
                continue  # "Minister Cho Hyun" names another Cho, in full
            if ev := _evidence(text, m.start(), m.end()):
                found[ev.start] = (ev, True)
    return dict(sorted(found.items()))


def name_mentions(text: str, name: str) -> list[Evidence]:
    """Every place the article names this person, by the name-grounding rule (module docstring), in text order."""
    return [ev for ev, _ in _mentions(text, name).values()]


def identify_person(text: str, name: str) -> PersonMatch | None:
    """Who the model's name refers to, if the article names them; else None.

    A one-word name ("Takaichi") is taken as a known person's surname when that person's full
    name appears in the article, or when they are the only known person of that surname and the
    article names no one else of that surname; otherwise it is grounded only by a title
    ("President Prabowo").
    """
    words = clean_name(name).split()
    known = []
    if len(words) == 1:
        known = [actor.canonical for actor in known_actors() if actor.surname and fold_name(actor.surname) == fold_name(words[0])]
    for candidate in known:
        mentions = _mentions(text, candidate)
        if any(not titled for _, titled in mentions.values()):  # a known person's surname: their full name appears
            spellings = list(dict.fromkeys(ev.quote for ev, titled in mentions.values() if not titled))
            return PersonMatch(canonical_name(candidate), [ev for ev, _ in mentions.values()], spellings)
    if len(known) == 1 and (bare := _bare_surname_mentions(text, words[0])):
        # The only known person of that surname, and the article never names them in full nor
        # names anyone else of that surname: "President Lee", or "Lee" alone (headline style).
        return PersonMatch(canonical_name(known[0]), bare, [])
    if len(words) == 1 and (full := full_name_for(text, words[0])) is not None:
        # A name given by one word ("Netanyahu") that the article writes in full after a title
        # ("Israeli Prime Minister Benjamin Netanyahu"), and for no one else: that person.
        return identify_person(text, full)
    if len(words) >= 2 and (full := full_name_for(text, name)) is not None and len(fold_name(full)) > len(fold_name(name)):
        # A shortened form ("Sheikh Tamim") of the one full name the article titles ("Emir Sheikh
        # Tamim bin Hamad Al Thani"): that person, by the full name.
        return identify_person(text, full)
    mentions = _mentions(text, name)
    if mentions:
        spellings = list(dict.fromkeys(ev.quote for ev, titled in mentions.values() if not titled))
        return PersonMatch(canonical_name(name), [ev for ev, _ in mentions.values()], spellings)
    return None


def _bare_surname_mentions(text: str, surname: str) -> list[Evidence]:
    """Where a known person is named by surname alone, in an article that never names them more
    fully ("Lee and Ishiba met in Busan": headline style). None when the surname also stands next
    to another name ("Lee Jong-seok", "Yoshiko Ishiba"): then it may be someone else's."""
    mentions = []
    for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
        if not text[m.start()].isupper():
            continue
        after = re.match(r"[ \t]+([A-Z][a-z]+)", text[m.end() :])
        before = re.search(r"([A-Z][a-z]+)[ \t]+$", text[max(0, m.start() - 30) : m.start()])
        if (after and not _is_title_or_word(after[1])) or (before and not _is_title_or_word(before[1])):
            return []  # another person's name part beside it
        if ev := _evidence(text, m.start(), m.end()):
            mentions.append(ev)
    return mentions


# Capitalised words that may stand next to a surname without making it someone else's name.
_NOT_A_NAME = re.compile(rf"^(?:{_SURNAME_TITLES}|The|And|But|On|In|At|After|Before|When|While|As|Both|Then|Also|Said|Says)$")


def _is_title_or_word(word: str) -> bool:
    return bool(_NOT_A_NAME.match(word))


def locate_name(text: str, name: str) -> Evidence | None:
    """The first mention of this person that grounds the name, else None (see identify_person)."""
    person = identify_person(text, name)
    return person.mentions[0] if person else None


# --- sentences ----------------------------------------------------------------------------------

# Sentence ends: . ! ? (and a closing quote) before whitespace, line breaks, bullets, and the
# '", "' between fields of a JSON record; and a full stop glued to the next sentence, as scraped
# pages lose the space ("… and Japan.Ahn and Koizumi last met …"): a word of lower-case letters,
# the stop, a capitalised word ("U.S.Navy" and "e.g.Tokyo" are not broken: an initial before it).
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?\u2026])[\"'\u201d\u2019)]?\s+|\n+|\s*[\u2022\u25cf\u00b7]\s*|\"\s*[,:]\s*\"|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])"
)
_WORD = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*")
_STOPWORDS = frozenset(
    "a an the and or of to in on at for with by from as is are was were be been will would shall should "
    "their its it they them this that these those both two sides leaders agreed agree agrees pledged "
    "pledge committed commit to into also more further".split()
)
# Abbreviations expanded before comparing, on both sides.
_EXPANSIONS = [
    (re.compile(r"\bAI\b"), "artificial intelligence"),
    (re.compile(r"\b(?:DPRK|N\.\s?Korea)\b"), "North Korea"),
    (re.compile(r"\bU\.?S\.?A?\b(?!\w)"), "United States"),
    (re.compile(r"\bR&D\b"), "research and development"),
]


@dataclass(frozen=True)
class SentenceSupport:
    evidence: Evidence
    score: float  # share of the description's content words found in the sentence, 0..1
    similarity: float  # token_set_ratio of description and sentence, 0..1: the tie-breaker


# A full stop that ends an abbreviation, not a sentence: a month before its day ("Sept. 26",
# "Oct. 30": a dateline or a date would be cut in two) and a title before a name ("Mr. Kim").
_MONTH_ABBREVIATION = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")
_COUNTRY_ABBREVIATION = re.compile(r"(?<![\w.])(?:U\.S|U\.K|U\.N|E\.U|S)\.$")
_NEXT_WORD = re.compile(r"[A-Z][a-z]+\b")
_SENTENCE_OPENERS = frozenset(
    "The A An He She It They We I You But And Or So Yet Still In On At As This That These Those His Her Their Its "
    "Our If When While After Before Meanwhile However There Then Now Also Earlier Later Last Next".split()
)
_TITLE_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Lt|Col|Maj|Capt|Adm|Sgt|St)\.$")


def _abbreviation_ends(text: str, brk: re.Match) -> bool:
    """The break after a full stop is inside a date or a name, not between sentences."""
    if not brk.group(0).isspace() or "\n" in brk.group(0):
        return False  # a line break, a closing quote or a bullet ends the sentence whatever came before
    before, after = text[max(0, brk.start() - 6) : brk.start()], text[brk.end() : brk.end() + 1]
    if after.islower():
        return True  # no sentence begins in lower case: "U.S. officials", "approx. two hours"
    if _COUNTRY_ABBREVIATION.search(before):
        # "U.S. Secretary of State Blinken": the next word goes on the sentence, unless it is one
        # that begins sentences ("… to the U.S. The president said …").
        next_word = _NEXT_WORD.match(text, brk.end())
        return next_word is not None and next_word.group(0) not in _SENTENCE_OPENERS
    return bool((_MONTH_ABBREVIATION.search(before) and after.isdigit()) or (_TITLE_ABBREVIATION.search(before) and after.isupper()))


@functools.lru_cache(maxsize=TEXTS_CACHED)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans, start = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        if _abbreviation_ends(text, m):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return tuple((s, e) for s, e in spans if text[s:e].strip())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of the text, by the same rules as the pledge support."""
    return list(_sentences(text))


def _content_words(text: str) -> list[str]:
    for pattern, replacement in _EXPANSIONS:
        text = pattern.sub(replacement, text)
    text = unicodedata.normalize("NFKC", text).casefold().replace("defence", "defense")
    return [w for w in _WORD.findall(text) if w not in _STOPWORDS and len(w) > 1]


def sentence_support(text: str, description: str, *, min_score: float = 0.6) -> SentenceSupport | None:
    """The sentence sharing most of the description's content words (fuzzily), if the share ≥ min_score.

    A description word counts as present when some sentence word is close to it (rapidfuzz ratio
    ≥ 80: "cooperate"/"cooperation", "missile"/"missiles"). Ties go to the higher token_set_ratio.
    """
    wanted = list(dict.fromkeys(_content_words(description)))
    if not wanted:
        return None
    best: tuple[float, float, int, int] | None = None
    for start, end in _sentences(text):
        words = set(_content_words(text[start:end]))
        if not words:
            continue
        hits = sum(1 for w in wanted if w in words or process.extractOne(w, words, scorer=fuzz.ratio, score_cutoff=80))
        share = hits / len(wanted)
        tie = fuzz.token_set_ratio(description, text[start:end]) / 100
        if best is None or (share, tie) > best[:2]:
            best = (share, tie, start, end)
    if best is None or best[0] < min_score:
        return None
    evidence = _evidence(text, best[2], best[3])
    return SentenceSupport(evidence, round(best[0], 4), round(best[1], 4)) if evidence else None


def best_sentence(text: str, description: str, *, min_score: float = 0.6) -> Evidence | None:
    """The article sentence that best supports a pledge description, else None (see sentence_support)."""
    support = sentence_support(text, description, min_score=min_score)
    return support.evidence if support else None


# --- names as the article spells them -------------------------------------------------------------

# A capitalised word (hyphenated parts and Unicode hyphens allowed), and runs of them: a full
# name in news prose is two to four consecutive capitalised words inside such a run.
_CAP_WORD = r"[A-Z][\w'’]*(?:[-\u2010\u2011][\w'’]+)*"
_CAP_RUN = re.compile(rf"\b{_CAP_WORD}(?:\s+{_CAP_WORD})*")


def _name_windows(text: str):
    """Every span of 2–4 consecutive capitalised words ("South Korean President Lee Jae‑Myung"
    yields "Lee Jae‑Myung" among others)."""
    for run in _CAP_RUN.finditer(text):
        words = list(re.finditer(r"\S+", run.group(0)))
        for i in range(len(words)):
            for j in range(i + 1, min(i + 4, len(words))):
                yield text[run.start() + words[i].start() : run.start() + words[j].end()]


def snap_to_text_name(text: str, name: str, *, min_score: float = 85) -> str:
    """The article's own spelling of a name the model misspelt ("Lee Jae-Mung" → "Lee Jae‑Myung").

    Small models drop or swap a letter when copying names. If the full name is not in the text
    as given, the closest full-name-shaped span of the article (folded similarity of at least
    ``min_score``) is taken instead; otherwise the name is returned unchanged, to be judged by
    ``identify_person``.
    """
    folded = fold_name(clean_name(name))
    if len(folded.split()) < 2 or any(not titled for _, titled in _mentions(text, name).values()):
        return name
    best, best_score = name, 0.0
    for span in _name_windows(text):
        score = fuzz.ratio(folded, fold_name(span))
        if score > best_score:
            best, best_score = span, score
    return best if best_score >= min_score else name
