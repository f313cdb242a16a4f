"""Pledge domains: free text ("defence", "AI", "scam operations") onto the vocabulary of schemas/vocab.py.

How: a keyword table, one row per domain, tried in a fixed priority order, so that the most
specific domain wins when a phrase touches several: "North Korea's missiles" is ``north_korea``
(not ``defense``), "economic security" is ``economic_security`` (not ``economy_trade``), "AI in
defence planning" is ``technology_ai``. Keywords match on word starts ("defen" matches "defence"
and "defensive"). When no keyword matches, rapidfuzz looks for a misspelt long keyword
("artifical inteligence"): partial_ratio ≥ 88 against one-word keywords of eight letters or more
and phrases of eleven characters or more, since short keywords match too much by chance. Nothing found: ``other``.

Names of bodies and forums ("Baltic Defence Ministers' Forum", "Nordic Economic Cooperation",
"the Defense Ministry") are not read: they say where or who, not what was agreed.
Keywords name the area, not a word that merely occurs near it: "China" (a country, in most
sentences of a story about Korea and Japan) is not regional security; "exchange" alone ("exchange
memorandums", "exchange of views") is not people_exchange; "remains" alone ("remains open") is
not history.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from schemas.vocab import PLEDGE_DOMAINS, PledgeDomain

# "exchange" alone is a verb or a trade word ("exchange memorandums", "exchanges and cooperation
# in port trade", "exchange of views"): people_exchange only when people or a programme are named
# ("youth exchanges", "exchange engineers").
_PEOPLE_EXCHANGE = (
    r"(?:people|personnel|youth|student|cultural|academic|military|defen[cs]e|unit|human|civilian|grassroots|sports?|"
    r"educational|tourism|local)[\s-]+exchanges?|exchanges?\s+(?:of\s+)?(?:programs?|programmes?|students?|engineers|experts|officers|"
    r"staff|personnel|researchers|scholars|teachers|journalists|officials|athletes|artists|young)\b"
)

# (domain, keywords), highest priority first. A keyword is a regex fragment matched at a word start.
_KEYWORDS: list[tuple[PledgeDomain, list[str]]] = [
    # Denuclearisation is North Korea's only when no other country is named as its object: "the
    # denuclearisation of Iran" is a nuclear programme elsewhere (regional_security).
    (
        "north_korea",
        [
            r"north korea",
            r"n\.? korea",
            r"dprk",
            r"pyongyang",
            r"denucleari[sz]\w*\b(?!\s+(?:of|in|by)\s+(?!(?:the\s+)?(?:korean|north|dprk|pyongyang)))",
            r"korean peninsula",
        ],
    ),
    (
        "transnational_crime",
        [
            r"transnational crime",
            r"crime",
            r"criminal",
            r"scam",
            r"fraud",
            r"traffick",
            r"drug",
            r"money laundering",
            r"cybercrime",
            r"smuggl",
            r"illegal",
            r"law[\s-]*enforcement",
            r"police",
        ],
    ),
    (
        "history_humanitarian",
        [
            r"forced[\s-]*labou?r",
            r"remains of",
            r"war dead",
            r"histor(?!ic\b)",
            r"colonial",
            r"comfort women",
            r"humanitarian",
            r"refugees?",
            r"displaced",
            r"migra(?:nts?|tion)",
            r"dna",
            r"reconcil",
            r"wartime",
            r"victims?",
            r"apolog",
            r"memorial",
        ],
    ),
    (
        "people_exchange",
        [
            r"working holiday",
            r"people[\s-]*to[\s-]*people",
            _PEOPLE_EXCHANGE,
            r"youth",
            r"young people",
            r"students?",
            r"touris",
            r"visa",
            r"cultur",
            r"sister cit",
            r"aerobatic",
        ],
    ),
    ("economic_security", [r"economic security", r"export control", r"critical minerals?", r"economic coercion", r"technology protection"]),
    ("supply_chain", [r"supply[\s-]*chains?", r"semiconductor", r"chips?\b", r"rare earth", r"stockpil"]),
    (
        "energy_climate",
        [
            r"energy",
            r"climate",
            r"green",
            r"hydrogen",
            r"lng\b",
            r"natural gas",
            r"(?:bio)?fuels?\b",
            r"oil\b",
            r"electricity",
            r"power grids?",
            r"forests?\b",
            r"deforest",
            r"carbon",
            r"renewable",
            r"nuclear power",
            r"emission",
            r"solar",
            r"decarboni",
        ],
    ),
    (
        "technology_ai",
        [
            r"ai\b",
            r"artificial intelligence",
            r"technolog",
            r"tech\b",
            r"quantum",
            r"science",
            r"digital",
            r"cyber",
            r"space\b",
            r"unmanned",
            r"drones?",
            r"innovation",
            r"research",
        ],
    ),
    (
        "defense",
        [
            r"defen[cs]e",
            r"military",
            r"milit",
            r"naval",
            r"navy",
            r"army",
            r"air force",
            r"troops?",
            r"search[\s-]*and[\s-]*rescue",
            r"drills?",
            r"exercises?",
            r"interoperab",
            r"deterr",
            r"gsomia",
            r"intelligence sharing",
            r"missiles?",
            r"weapons?",
            r"arms\b",
            r"alliance",
        ],
    ),
    (
        "regional_security",
        [
            r"regional security",
            r"regional stability",
            r"peace and stability",
            r"stability",
            r"indo[\s-]*pacific",
            r"trilateral",
            r"three[\s-]*way",
            r"taiwan strait",
            r"south china sea",
            r"maritime",
            r"coast guards?",
            r"freedom of navigation",
            # Peace and conflict, in any region's words.
            r"cease[\s-]*fires?",
            r"truce",
            r"armistice",
            r"peace",
            r"conflicts?\b",
            r"hostilit",
            r"de[\s-]*escalat",
            r"(?:border|boundary)\s+(?:disputes?|security|tensions?|clash|issues?|questions?|demarcation|conflicts?|situation|areas?)",
            r"territor",
            r"nuclear",
            r"denucleari",
            r"non[\s-]*proliferation",
            r"terroris",
            r"extremis",
            r"security",
        ],
    ),
    (
        "economy_trade",
        [
            r"trade",
            r"econom",
            r"investment",
            r"tariffs?",
            r"currency swap",
            r"business",
            r"market",
            r"industr",
            r"finan",
            r"fta\b",
            r"export",
            r"import",
        ],
    ),
    (
        "diplomatic_dialogue",
        [
            r"shuttle diplomacy",
            r"shuttle",
            r"diplomac",
            r"dialogue",
            r"consultations?",
            r"summits?",
            r"talks",
            r"visits?",
            r"joint statement",
            r"relations",
            r"ties\b",
            r"communication",
            r"hotline",
            r"meetings?",
        ],
    ),
]
_PATTERNS = [(domain, re.compile(r"\b(?:" + "|".join(words) + ")", re.IGNORECASE)) for domain, words in _KEYWORDS]
# Plain keywords long enough for a fuzzy match to mean something: one word of eight letters or
# more, or a phrase of eleven characters or more ("remains of" would fuzzily match "remains
# open").
_FUZZY_KEYWORDS = [
    (domain, word)
    for domain, words in _KEYWORDS
    for word in words
    if re.fullmatch(r"[a-z]{8,}", word) or re.fullmatch(r"[a-z ]{11,}", word)
]
# The name of a body, a forum or an office ("Baltic Defence Ministers' Forum", "Nordic Economic
# Cooperation", "the Defense Ministry", "the Security Council") says where or who, not
# what was agreed: capitalised words ending in such a noun are not read for keywords.
_INSTITUTION = re.compile(
    r"\b(?:[A-Z][\w'’.-]*\s+(?:(?:of|and|for|on|the)\s+)?)+"
    r"(?:Meeting|Summit|Ministry|Ministers?'?|Forum|Conference|Cooperation|Dialogue|Council|Office|Agency|Organi[sz]ation|Association)"
    r"\b[\w'’-]*"
)


def _without_names(text: str) -> str:
    return _INSTITUTION.sub(" ", text)


def to_domain(text: str | None) -> PledgeDomain:
    """The pledge domain a free-text phrase belongs to, else 'other'."""
    if not text or not text.strip():
        return "other"
    key = text.strip().casefold().replace("-", "_").replace(" ", "_")
    if key in PLEDGE_DOMAINS:
        return key  # already a domain name ("economy_trade", "economy trade")
    text = _without_names(text)
    for domain, pattern in _PATTERNS:
        if pattern.search(text):
            return domain
    folded = " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
    best: tuple[float, PledgeDomain] | None = None
    for domain, word in _FUZZY_KEYWORDS:
        score = fuzz.partial_ratio(word, folded)
        if score >= 88 and (best is None or score > best[0]):
            best = (score, domain)
    return best[1] if best else "other"


def matching_domains(text: str | None) -> list[PledgeDomain]:
    """Every domain whose keywords the phrase contains, highest priority first."""
    if not text:
        return []
    text = _without_names(text)
    return [domain for domain, pattern in _PATTERNS if pattern.search(text)]
