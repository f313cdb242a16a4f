"""Secrets never reach stdout, stderr, debug logs, --failures or the cache.

The CLI runs against the fake server with a key in the environment, a password-free URL whose
query carries a token, and replies that fail (401, 500) or echo the key and the token back; then
every output is searched for them, the cache database byte by byte.
"""

from __future__ import annotations

import json
import subprocess
import sys

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
