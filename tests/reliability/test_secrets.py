"""Secrets never reach stdout, stderr, debug logs, --failures or the cache.

The CLI runs against the fake server with a key in the environment, a password-free URL whose
query carries a token, and replies that fail (401, 500) or echo the key and the token back; then
every output is searched for them, the cache database byte by byte.
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import quote

from tests.extract.test_extractor import GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, error_reply, tool_call_reply
from tests.test_cli import REPORTS, base_env

KEY = "sk-live-9f8e7d6c5b4a39281706"
TOKEN = "querytok-5566778899aabb"
SECRETS = (KEY, TOKEN)


def _echoing_draft() -> dict:
    summit = dict(GOOD_DRAFT["summits"][0])
    summit["participants"] = [*summit["participants"], {"name": f"Agent {KEY}", "country": TOKEN}]
    summit["city"] = f"Ottawa {TOKEN}"
    return {"summits": [summit]}


def test_no_output_holds_the_key_or_the_query_token(tmp_path):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "\n".join(json.dumps({"title": f"Report {i}", "body": body}) for i, body in enumerate(REPORTS.values())) + "\n", encoding="utf-8"
    )
    failures = tmp_path / "failures.jsonl"
    replies = [
        error_reply(401, f"Incorrect API key provided: {KEY} (token {TOKEN})"),
        error_reply(500, f"upstream failed for key={KEY}&token={TOKEN}"),
        tool_call_reply(_echoing_draft()),
    ]
    outputs = []
    with FakeOpenAIServer(replies) as server:
        env = {**base_env(tmp_path), "OPENAI_API_KEY": KEY, "SUMMIT_MODEL": "fake-model"}
        for _ in range(2):  # the second run also reads the cache
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "extractor.cli",
                    "-vv",
                    "extract",
                    "--retries",
                    "0",
                    "--base-url",
                    f"{server.base_url}?token={TOKEN}",
                    "--failures",
                    str(failures),
                    str(batch),
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            outputs += [result.stdout, result.stderr, failures.read_text(encoding="utf-8")]
        assert any(r.headers.get("authorization") == f"Bearer {KEY}" for r in server.completion_requests)
    assert "Incorrect API key" in "".join(outputs)  # the 401 was reported ...
    assert any(json.loads(line)["summits"] for line in outputs[0].splitlines())  # ... and an echo extracted
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, path


def test_a_percent_encoded_query_token_is_redacted_under_vv(tmp_path):
    token = "s3cr3t/tok+en=="  # httpx logs it as s3cr3t%2Ftok%2Ben%3D%3D
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"title": "Report", "body": next(iter(REPORTS.values()))}) + "\n", encoding="utf-8")
    with FakeOpenAIServer([tool_call_reply(_echoing_draft())]) as server:
        env = {**base_env(tmp_path), "SUMMIT_MODEL": "fake-model"}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "extractor.cli",
                "-vv",
                "extract",
                "--base-url",
                f"{server.base_url}?key={quote(token, safe='')}",
                str(batch),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        paths = [r.path for r in server.completion_requests]
    assert paths and all(p.endswith("?key=s3cr3t%2Ftok%2Ben%3D%3D") for p in paths)  # sent as given
    assert "HTTP Request: POST" in result.stderr  # the debug lines that quote the URL are there ...
    for form in (token, quote(token, safe=""), quote(token, safe="").lower(), "s3cr3t"):
        assert form not in result.stderr + result.stdout  # ... without the token in any form


def test_the_event_store_holds_no_query_token_and_rotating_it_extracts_nothing_again(tmp_path, fleet_factory, redis_stream, sqlite_store):
    from sqlalchemy import text

    from extractor.store import EventStore
    from tests.support.fleet import RedisView, enqueue, stored_ids, wait_until, write_jsonl
    from tests.support.services import REDIS_URL
    from tests.support.summit_articles import answer, make_articles

    articles = make_articles(4, meetings=2)
    batch = write_jsonl(tmp_path / "a.jsonl", articles)
    view = RedisView(redis_stream)

    def all_done() -> bool:
        return len(stored_ids(sqlite_store)) == 4 and view.pending() == 0 and view.client.xinfo_groups(redis_stream)[0]["lag"] == 0

    bodies = []
    with FakeOpenAIServer(responder=answer) as server:
        for token in ("first-token-1234567", "rotated-token-7654321"):
            fleet = fleet_factory(REDIS_URL, redis_stream, sqlite_store, f"{server.base_url}?key={token}")
            enqueue(REDIS_URL, redis_stream, batch)
            fleet.start()
            wait_until(all_done, 60, "the batch done", fleet)
            assert fleet.stop_all() == [0]
            bodies.append(json.dumps([r.body for r in server.completion_requests]))
    # The same articles and the same model: after the token was rotated, no article was asked again.
    last_lines = [article.text.strip().splitlines()[-1] for article in articles]
    assert all(line in bodies[0] for line in last_lines)
    assert bodies[1].count("from desk") == bodies[0].count("from desk")
    with EventStore(sqlite_store, migrate=False) as store, store.engine.connect() as connection:
        models = {row[0] for row in connection.execute(text("SELECT model FROM extractions"))}
    assert models == {f"{server.base_url}|fake-model"}
    database = (tmp_path / "events.sqlite3").read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("events.sqlite3-*"))
    assert b"first-token-1234567" not in database and b"rotated-token" not in database
