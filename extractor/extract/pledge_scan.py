"""Pledges found by reading the article's commitment sentences, to complete the model's list.

The 1.5B model names two or three agreed areas where an article lists six. Every sentence that
states an agreement (a commitment verb — "agreed", "pledged", "committed", "vowed", "signed" … —
not preceded by a hedge such as "are expected to", "may", "hope to", "plan to") is read for what
was agreed: the words after the commitment verb ("After a row over naval drills, they agreed to
resume talks" agreed to resume talks, not drills), split into clauses, and each clause's policy
area (``normalize.domains``) not yet covered becomes a pledge whose evidence is that sentence.
It costs no model time.

The gold convention (../shared/gold/FORMAT.md) counts agreements and pledges only: agendas,
hopes, "discussed" and possible outcomes are not pledges. So a sentence is not read when:

* its commitment is hedged, or is a treaty's name ("the Paris Agreement") or a noun
  ("a sign of warmer ties");
* the commitment was made elsewhere ("reaffirmed in an interview", "pledged in a speech");
* it dates itself to an earlier year than the meeting's ("an accord signed in 2009");
* it places another meeting the article mentions (that meeting's date or city words) and not
  this one ("they last met in Lisbon in May, where they agreed ...");
* the people it says agreed are only those of another meeting in the article.

Every domain is read, ``regional_security`` and ``diplomatic_dialogue`` included: they were left
to the model while the whole sentence was read, since "security" and "talks" occur in most
sentences of a diplomatic story; read only in what was agreed, they are as reliable as the rest.

Measured on the seed articles (../shared/gold): pledge-domain F1 0.714 → 0.880. With the rules
above (and those of ``normalize.domains`` and ``assemble._domain``), re-scoring recorded model
answers offline, pledge-domain P/R/F1: dev set (../shared/devset) 0.615/0.571/0.593 →
1.000/0.929/0.963; sample articles (examples/, cassettes) 0.833/0.735/0.781 → 0.938/0.882/0.909.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.grounding.evidence import sentence_spans
from extractor.normalize.domains import to_domain
from extractor.normalize.names import surname_of
from extractor.rules import rule_on
from extractor.rules.registry import PLEDGE_SCAN
from schemas import Evidence, Pledge

# Commitment words. "sign" only as a verb ("a sign that" is a noun), "concluded" only with what
# was concluded (a meeting that "concluded" agreed nothing), "commit" not "committee".
_COMMITMENT = re.compile(
    r"\b(?:agree[ds]?|agreeing|agreements?|pledg(?:e|es|ed|ing)|commit(?:s|ted|ting|ments?)?|vow(?:s|ed|ing)?|"
    r"promis(?:e|es|ed|ing)|sign(?:ed|ing)|(?<=to )sign|(?<=will )sign|decid(?:e|es|ed|ing)|specified|reaffirm\w*|adopted|"
    r"memorand\w*|MOUs?|(?:reach\w*|conclud\w*|struck|strike\w*|seal\w*)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:deal|accord|pact|treaty|consensus|understanding)s?|"
    # What the parties jointly announced they would do ("they said they would cooperate on AI"):
    # the reported form of "we will", a commitment; not what a meeting "would discuss" or "be".
    r"(?:said|stated|announced)\s+(?:that\s+)?(?:(?:they|we|both|the\s+two)(?:\s+(?:sides|countries|governments|leaders|ministers|nations))?|the\s+(?:sides|leaders|ministers|governments))"
    r"\s+would(?!\s+(?:be|have|like|need|take\s+place|discuss|meet|focus|consider|seek|try)\b))\b",
    re.IGNORECASE,
)
# What an article says of a meeting's agenda, hopes or likely outcomes: not an agreement (the gold
# convention, ../shared/gold/FORMAT.md). A sentence with one of these before its commitment verb
# ("are expected to agree", "may sign") states no pledge.
_HEDGE = re.compile(
    r"\b(expect\w*|likely|may|might|could|would|hope\w*|possibl\w*|plan\w* to|aim\w* to|seek\w* to|"
    r"set to|to discuss|will discuss|agenda|propos\w*|consider\w*|call\w* for|urg\w*|ask\w*|want\w*|if|whether|apparently)\b",
    re.IGNORECASE,
)
# "would" in reported speech ("they said they would cooperate on AI") is the past of "will": what
# was announced, not a condition.
_REPORTED_WOULD = re.compile(r"\b(?:said|says|stated|announced|declared)\s+(?:that\s+)?(?:[\w'’-]+\s+){1,3}$", re.IGNORECASE)
# A participle after a comma states its own fact: in "the premier said Oslo would work with Ottawa,
# pledging to hold yearly talks" the pledge is made, whatever the first clause's "would".
_PARTICIPLE_AFTER_COMMA = re.compile(r"[,;]\s*(?:also\s+)?$")
# The commitment was made somewhere other than at a meeting: a party's stance, not an agreement.
_MADE_ELSEWHERE = re.compile(
    r"\s+in\s+(?:an?|the|his|her|their|its)\s+(?:[\w'’-]+\s+){0,4}?(?:interview|speech|op-ed|column|editorial)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


# "his commitment to", "Norway's commitment to": one side's stance, not something agreed.
_STANCE = re.compile(r"\b(?:his|her|\w+['’]s)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


# A commitment noun after an indefinite article names no pledge that was made ("what tends to
# follow a pledge like this", "such agreements often fail"), unless someone made, gave or signed
# one ("they signed an agreement", "a memorandum of understanding was signed").
_ANY_SUCH = re.compile(r"\b(?:a|an|such|any)\s+$", re.IGNORECASE)
_WAS_MADE = re.compile(
    r"(?:\s+[\w'’-]+){0,8}?\s+(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:signed|reached|made|adopted|agreed|concluded|struck|sealed|announced|exchanged)\b",
    re.IGNORECASE,
)
_MADE_ONE = re.compile(
    r"\b(?:made|make|makes|gave|give|issued|signed|offered|struck|reached|noted|expressed|stated|declared|announced|"
    r"renewed|reaffirmed|affirmed|voiced|adopted)\s+(?:a|an)\s+$",
    re.IGNORECASE,
)


def _commitments(sentence: str) -> Iterable[re.Match[str]]:
    for match in _COMMITMENT.finditer(sentence):
        word = match.group()
        before = sentence[: match.start()].strip(" \t\n\"'“‘(")
        if word[0].isupper() and not word.isupper() and before:
            continue  # capitalised mid-sentence: a name ("the Paris Agreement", "a Memorandum of 2015")
        if word.casefold().startswith("commitment") and _STANCE.search(sentence, 0, match.start()):
            continue
        if _ANY_SUCH.search(sentence, 0, match.start()) and not (
            _MADE_ONE.search(sentence, 0, match.start()) or _WAS_MADE.match(sentence, match.end())
        ):
            continue  # "what tends to follow a pledge like this": a pledge in general, none made
        yield match


def agreement_in(sentence: str) -> re.Match[str] | None:
    """The commitment word by which the sentence states an agreement or a pledge, else None."""
    for match in _commitments(sentence):
        if _MADE_ELSEWHERE.match(sentence, match.end()):
            return None
        participle = match.group().casefold().endswith("ing") and _PARTICIPLE_AFTER_COMMA.search(sentence[: match.start()])
        if not any(_hedges(sentence, match.start() if participle else 0, match.start())):
            return match
    return None


def _hedges(sentence: str, start: int, end: int) -> Iterable[re.Match[str]]:
    for hedge in _HEDGE.finditer(sentence, start, end):
        if hedge.group().casefold() == "would" and _REPORTED_WOULD.search(sentence, 0, hedge.start()):
            continue
        yield hedge


def states_agreement(sentence: str) -> bool:
    """True when the sentence says something was agreed or pledged, not merely hoped for or expected."""
    return agreement_in(sentence) is not None


def dated_before(sentence: str, year: int | None) -> bool:
    """The sentence dates its agreement to a year before ``year`` ("a port accord signed in 2011").

    Only a year in the commitment's own clause counts: "they agreed to expand tourism, renewing
    an accord of 2015" is this meeting's agreement.
    """
    commitment = agreement_in(sentence)
    if year is None or commitment is None:
        return False
    starts = [m.end() for m in re.finditer(r"[,;]", sentence[: commitment.start()])]
    end = re.search(r"[,;]", sentence[commitment.end() :])
    clause = sentence[max(starts, default=0) : commitment.end() + end.start() if end else len(sentence)]
    years = [int(y) for y in _YEAR.findall(clause)]
    return bool(years) and max(years) < year


_CLAUSE = re.compile(r",\s*|;\s*|\s+and\s+|\s+as well as\s+|\s+including\s+")
_CLAUSE_START = re.compile(r"[,;:]|\s+(?:where|when|after|while)\s+", re.IGNORECASE)
# Where the agreement was made ("during the summit", "at their talks", "on the sidelines of the
# G20 summit") is not what was agreed.
_SETTING = re.compile(
    r"\b(?:(?:during|at|after|before|ahead of|on the (?:sidelines|margins) of)\s+(?:(?:the|their|this|a|its)\s+)?|in\s+(?:the|their|this|a|its)\s+)"
    r"(?:[^\s,;]+\s+){0,5}?(?:summit|meeting|talks|visit|conference|session)s?\b[\w'’-]*",
    re.IGNORECASE,
)
# What was agreed, written before the commitment word: its noun phrase ("a three-year customs
# agreement was signed"), back to its article, at most six words; not the clause around it
# ("talks would follow to carry out the agreement").
_WORDS_BEFORE = 6
_PHRASE_START = re.compile(r"a|an|the|this|that|these|those|their|its|his|her|our|to|will|would|shall|can|must", re.IGNORECASE)
_MAX_DESCRIPTION = 100


# What one side restates of its own stance: "reaffirmed Kenya's consistent foreign policy" (not "its
# defence commitments to …", a pledge to the others).
_OWN_STANCE = re.compile(
    r"\s+(?:\w+['’]s|his|her|its|their\s+own)\s+(?:[\w-]+\s+){0,3}?(?:policy|policies|stance|position|principles?|doctrine|line)\b",
    re.IGNORECASE,
)
# A noun phrase that names only the meeting ("Saturday's talks and agreements"): no area agreed.
_ONLY_THE_MEETING = re.compile(
    r"^\W*(?:[\w’']+['’]s\s+)?(?:\w+\s+)?(?:talks|meetings?|summits?|visits?|discussions)(?:\s+and)?\W*$", re.IGNORECASE
)


def agreed_areas(sentence: str, commitment: re.Match[str]) -> list[tuple[str, str]]:
    """(clause, domain) for each area the sentence says was agreed, in the sentence's order.

    What was agreed follows the commitment word; where nothing follows it ("a customs
    agreement was signed"), the noun phrase that ends at the commitment word is read instead.
    """
    if _OWN_STANCE.match(sentence, commitment.end()) and re.match(r"reaffirm", commitment.group(0), re.IGNORECASE):
        return []  # "reaffirmed Chile's policy of …": one side restating its own stance, not an agreement
    found = _clause_domains(sentence[commitment.end() :])
    if not found:
        starts = [m.end() for m in _CLAUSE_START.finditer(sentence, 0, commitment.start())]
        phrase: list[str] = []
        for word in reversed(sentence[max(starts, default=0) : commitment.start()].split()[-_WORDS_BEFORE:]):
            if _PHRASE_START.fullmatch(word):
                break
            phrase.insert(0, word)
        found = [(clause, domain) for clause, domain in _clause_domains(" ".join(phrase)) if not _ONLY_THE_MEETING.match(clause)]
    return found


# A clause that says where a statement comes from or what it followed, not what was agreed:
# "according to a joint statement", "following talks between …", "which was a step towards …".
_NOT_WHAT_WAS_AGREED = re.compile(
    r"^\W*(?:according\s+to|following|after|before|which|who|whom|where|when|while|amid|during|said|says|told)\b", re.IGNORECASE
)


def _clause_domains(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for clause in _CLAUSE.split(_SETTING.sub(" ", text)):
        if _NOT_WHAT_WAS_AGREED.match(clause):
            continue
        domain = to_domain(clause)
        if domain != "other":
            found.append((clause, domain))
    return found


def scan_pledges(
    text: str,
    covered: Iterable[Pledge],
    parties: list[str],
    *,
    year: int | None = None,
    elsewhere: Iterable[tuple[int, int]] = (),
    here: Iterable[str] = (),
    others: Iterable[str] = (),
) -> list[Pledge]:
    """Pledges in domains the ``covered`` pledges lack, one per domain, from the article's commitment sentences.

    ``year``: the meeting's year (or the publication's); sentences dated earlier are history.
    ``elsewhere``: the offsets of the words placing the article's other meetings (their dates and
    cities); ``here``: the words placing this one. A sentence holding the first and none of the
    second reports another meeting's agreement. ``others``: the people of the article's other
    meetings; a sentence whose agreeing people are only those is theirs (see ``_agreeing``).
    A clause that holds a covered pledge's whole description is not read again: the model read
    that clause and gave it a domain ("critical minerals supply chains" as supply_chain, which the
    keyword table would read as economic_security). A clause of a longer description is read: the
    model gives one domain to "defense and economic security policies".
    """
    if not rule_on(PLEDGE_SCAN):
        return []
    covered = list(covered)
    domains = {p.domain for p in covered}
    described = [_words(p.description) for p in covered]
    found: dict[str, Pledge] = {}
    other_spans = list(elsewhere)
    own_words = [w.casefold() for w in here if w]
    own = {_surname(p) for p in parties}
    names = own | {_surname(p) for p in others}
    spans = sentence_spans(text)
    for n, (start, end) in enumerate(spans):
        sentence = text[start:end]
        commitment = agreement_in(sentence)
        if commitment is None or dated_before(sentence, year):
            continue
        if any(start <= s and e <= end for s, e in other_spans) and not any(w in sentence.casefold() for w in own_words):
            continue
        agreeing = _agreeing(sentence, commitment, [text[a:b] for a, b in reversed(spans[max(0, n - 2) : n])], names)
        if agreeing and not agreeing & own:
            continue
        for clause, domain in agreed_areas(sentence, commitment):
            if domain in domains or domain in found or any(f" {d} " in f" {_words(clause)} " for d in described if d):
                continue
            found[domain] = Pledge(
                description=_words_of(clause)[:_MAX_DESCRIPTION],
                domain=domain,
                parties=list(parties),
                certainty="explicit",
                evidence=[Evidence(quote=sentence, start=start, end=end)],
            )
    return list(found.values())


def _words_of(clause: str) -> str:
    """The clause as a description: "to continue shuttle diplomacy." → "continue shuttle diplomacy"."""
    return re.sub(r"^(?:to|and|also)\s+", "", " ".join(clause.split()), flags=re.IGNORECASE).rstrip(" .;:")


def _words(text: str) -> str:
    return " ".join(re.sub(r"^to\s+", "", re.sub(r"[^\w\s]", " ", text.casefold()).strip()).split())


def _surname(name: str) -> str:
    return surname_of(name) or name.split()[-1]


def _agreeing(sentence: str, commitment: re.Match[str], previous: list[str], names: set[str]) -> set[str]:
    """The people the sentence says agreed: named before the commitment word, in its first clause
    (the subject) or in the clause that ends at the word; else, when the subject stands for people
    named before ("They", "The two leaders"), those the nearest earlier sentence names. Empty when
    nobody is named (a subject such as "South Korea and Japan" is not judged).
    """
    head = sentence[: commitment.start()]
    parts = [head.split(",", 1)[0], re.split(r"[,;]", head)[-1]]
    if _ANAPHORIC_SUBJECT.match(sentence):
        parts += previous
    for part in parts:
        named = {name for name in names if re.search(rf"\b{re.escape(name)}\b", part)}
        if named:
            return named
    return set()


_ANAPHORIC_SUBJECT = re.compile(
    r"\s*(?:[\"“]\s*)?(?:they|both|he|she|the\s+(?:two|three|pair|leaders|ministers|sides|officials|presidents|premiers))\b", re.IGNORECASE
)
