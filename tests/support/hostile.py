"""An article that carries markup everywhere a string can go, and its extraction.

Used by the report's escaping tests: every payload, if it ever ran, would set a ``window.__pwned``
flag; shown as text, it is visible verbatim.
"""

from __future__ import annotations

from extractor.ingest import Article, parse_article
from schemas import Actor, ArticleExtraction, DroppedValue, Evidence, Location, Pledge, Provenance, SourceMeta, Summit

SCRIPT = "<script>window.__pwned = 'script'</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'\">"
CLOSER = "</script><!-- <script>window.__pwned = 'closer'</script>"
TITLE = f"Leaders meet {SCRIPT}"
PARTICIPANT = f"Lee {IMG}"
PLEDGE = f"cooperate on {CLOSER} security"
DROPPED = f"<b>{SCRIPT}</b>"
URL = "https://news.example.org/a?b=<script>"

TEXT = f"President Lee Jae-myung met {PARTICIPANT} in Seoul on June 28. The two agreed to {PLEDGE}. A statement read: {SCRIPT} and {IMG}.\n"


def _span(text: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def hostile_article() -> Article:
    import json

    record = {"title": TITLE, "body": TEXT, "url": URL, "published_at": "2026-06-28", "outlet": f"Outlet {IMG}"}
    return parse_article(json.dumps(record), file=f"evil{SCRIPT}.json")


def hostile_extraction(article: Article) -> ArticleExtraction:
    text = article.text
    summit = Summit(
        title=TITLE,
        kind="leaders_summit",
        status="held",
        date="2026-06-28",
        date_precision="day",
        date_text="on June 28",
        location=Location(city="Seoul", country="KR"),
        participants=["Lee Jae-myung", PARTICIPANT],
        pledges=[Pledge(description=PLEDGE, domain="defense", parties=["Lee Jae-myung"], evidence=[_span(text, PLEDGE)])],
        evidence=[_span(text, "Seoul"), _span(text, "on June 28"), _span(text, SCRIPT)],
    )
    actors = [
        Actor(name=PARTICIPANT, canonical_name=PARTICIPANT, spellings=[PARTICIPANT], evidence=[_span(text, PARTICIPANT)]),
        Actor(name="Lee Jae-myung", canonical_name="Lee Jae-myung", country="KR", evidence=[_span(text, "Lee Jae-myung")]),
    ]
    return ArticleExtraction(
        article_id=article.article_id,
        source=SourceMeta(title=article.title, url=article.url, outlet=article.outlet, published=article.published, file=article.file),
        summits=[summit],
        actors=actors,
        dropped=[DroppedValue(path="summits[0].participants[2]", value=DROPPED, reason=f"not in the article {IMG}")],
        provenance=Provenance(model="test", prompt_version="test"),
    )
