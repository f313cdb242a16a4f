"""Many distinct articles about a few meetings, and a fake model that reads them correctly.

Each meeting (two leaders, a city, a day) is reported by several articles in different words,
so the reconciler has real work: mentions to group, dates at different precisions to settle.
``answer`` is a responder for ``FakeOpenAIServer``: it reads the article in the request and
replies with the draft a good model would give; an article containing ``POISON`` gets a reply
that never fits the schema (a message that can only fail).
"""

from __future__ import annotations

import json
import re

from extractor.ingest import Article, parse_article
from tests.support.fake_openai import Reply, error_reply, tool_call_reply

LEADERS = [
    ("President", "Amara Okafor", "Nigeria"),
    ("Prime Minister", "Lars Eriksen", "Norway"),
    ("President", "Camila Duarte", "Brazil"),
    ("Chancellor", "Jonas Weber", "Germany"),
    ("Prime Minister", "Hiroshi Tanaka", "Japan"),
    ("President", "Elena Petrova", "Bulgaria"),
    ("Prime Minister", "Rahul Mehta", "India"),
    ("President", "Sofia Lindqvist", "Finland"),
]
CITIES = {
    "Nigeria": "Lagos",
    "Norway": "Oslo",
    "Brazil": "Brasilia",
    "Germany": "Berlin",
    "Japan": "Tokyo",
    "Bulgaria": "Sofia",
    "India": "New Delhi",
    "Finland": "Helsinki",
}
TOPICS = [("trade and investment", "economy_trade"), ("clean energy", "energy_climate"), ("maritime security", "defense")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

_SENTENCE = re.compile(
    r"(?P<role1>President|Prime Minister|Chancellor) (?P<name1>[A-Z]\w+ [A-Z]\w+) of (?P<country1>[A-Z]\w+) "
    r"(?:met|held talks with) (?P<role2>President|Prime Minister|Chancellor) (?P<name2>[A-Z]\w+ [A-Z]\w+) of (?P<country2>[A-Z]\w+) "
    r"in (?P<city>[A-Z][\w ]+?) (?P<date>on \w+ \d+, \d{4}|in \w+ \d{4})\. .*?cooperation on (?P<topic>[a-z ]+)\."
)


def meeting(index: int) -> dict:
    first = LEADERS[index % len(LEADERS)]
    second = LEADERS[(index * 3 + 1) % len(LEADERS)]
    if second == first:
        second = LEADERS[(index + 1) % len(LEADERS)]
    month = MONTHS[index % 12]
    topic = TOPICS[index % len(TOPICS)]
    return {"first": first, "second": second, "city": CITIES[first[2]], "month": month, "day": 1 + index % 27, "topic": topic}


def article_text(index: int, report: int, meetings: int) -> str:
    m = meeting(index % meetings)
    (role1, name1, country1), (role2, name2, country2) = m["first"], m["second"]
    # Most reports give the day; every fourth only the month, as a passing reference would.
    when = f"in {m['month']} 2026" if report % 4 == 3 else f"on {m['month']} {m['day']}, 2026"
    verb = "met" if report % 2 == 0 else "held talks with"
    return (
        f"{role1} {name1} of {country1} {verb} {role2} {name2} of {country2} in {m['city']} {when}. "
        f"The two leaders agreed to expand cooperation on {m['topic'][0]}.\n\n"
        f"Report {report} from desk {index}.\n"
    )


def make_articles(count: int, *, meetings: int = 40, poison: int = 0) -> list[Article]:
    """``count`` distinct articles over ``meetings`` meetings; the last ``poison`` of them can only fail."""
    articles = []
    for index in range(count):
        text = article_text(index, index // meetings, meetings)
        if index >= count - poison:
            text = "POISON " + text
        record = {"title": f"Leaders meet ({index})", "body": text, "published_at": "2026-12-31"}
        articles.append(parse_article(json.dumps(record).encode(), file=f"article-{index:03d}.json"))
    return articles


def answer(body: dict, *, delay: float = 0.0) -> Reply:
    """The reply a good model gives to an extraction request for one of these articles."""
    # The article is in the first user message (a re-ask appends the error after it).
    users = [m.get("content") or "" for m in body.get("messages", []) if m.get("role") == "user"] if isinstance(body, dict) else []
    prompt = users[0] if users else ""
    if "POISON" in prompt:
        return Reply(body=tool_call_reply("this is not the JSON you asked for").body, delay=delay)
    found = _SENTENCE.search(prompt)
    if not found:
        return error_reply(400, "the fake model does not know this article")
    g = found.groupdict()
    domain = next(d for t, d in TOPICS if t == g["topic"])
    draft = {
        "summits": [
            {
                "mention": "primary",
                "kind": "leaders_summit",
                "status": "held",
                "participants": [
                    {"name": g["name1"], "role": g["role1"], "country": g["country1"]},
                    {"name": g["name2"], "role": g["role2"], "country": g["country2"]},
                ],
                "city": g["city"],
                "country": g["country1"],
                "date_text": g["date"],
                "pledges": [{"description": f"cooperation on {g['topic']}", "domain": domain, "certainty": "explicit"}],
            }
        ]
    }
    reply = tool_call_reply(draft)
    return Reply(body=reply.body, delay=delay)
