"""A small real OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted replies.

Each request to ``/v1/chat/completions`` takes the next scripted ``Reply`` (the last one repeats),
so a test can say "429 with Retry-After, then a good answer" and check what the client did.
Every request is recorded (path, headers, JSON body) for the test to inspect.

For tests with many different articles, a ``responder`` (request body → ``Reply``) answers
instead of the script, and ``refuse_connections`` / ``accept_connections`` and ``fail_with``
stage a model outage (connection refused, or every completion answered with a 5xx).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: dict | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (to provoke client timeouts)


def tool_call_reply(
    arguments: dict | str, *, name: str = "DraftExtraction", prompt_tokens: int = 100, completion_tokens: int = 20
) -> Reply:
    """A chat completion whose answer is one tool call, as llama.cpp, vLLM and OpenAI send it."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [{"id": "call_0", "type": "function", "function": {"name": name, "arguments": args}}],
                    },
                    "finish_reason": "tool_calls",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def error_reply(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, body={"error": {"message": message, "type": "error", "code": status}}, headers=headers or {})


def _asks_json_schema(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("response_format"), dict) and body["response_format"].get("type") == "json_schema"


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any


class FakeOpenAIServer:
    """``with FakeOpenAIServer([replies]) as server: server.base_url`` — serves until the block ends."""

    def __init__(
        self,
        replies: list[Reply] | None = None,
        *,
        models: tuple[str, ...] = ("fake-model",),
        json_schema: bool = False,
        responder: Callable[[Any], Reply] | None = None,
    ):
        self.replies = list(replies or [])
        # Whether ``response_format: json_schema`` is taken. When not, such a request is refused
        # with HTTP 400 (as servers that lack it do) without using up a scripted reply, so the
        # client's mode probe ("auto") settles on tools and the script serves the extraction.
        self.json_schema = json_schema
        self.refused: list[RecordedRequest] = []
        self.models = models
        self.responder = responder
        self.failing_with: Reply | None = None  # while set, every completion gets this reply
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server = self._listen(0)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _listen(self, port: int) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        server.daemon_threads = True
        return server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def fail_with(self, reply: Reply | None) -> None:
        """Answer every completion with ``reply`` (e.g. ``error_reply(503, …)``) until given None."""
        self.failing_with = reply

    def refuse_connections(self) -> None:
        """Close the listening socket: clients get "connection refused" until accept_connections()."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def accept_connections(self) -> None:
        """Listen again on the same port."""
        deadline = time.monotonic() + 5
        while True:
            try:
                self._server = self._listen(self._port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def completion_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _next_reply(self) -> Reply:
        with self._lock:
            if len(self.replies) > 1:
                return self.replies.pop(0)
            return self.replies[0] if self.replies else error_reply(500, "no reply scripted")

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def _send(self, reply: Reply) -> None:
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body or {})
                data = payload.encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def do_GET(self) -> None:
                server.requests.append(RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, None))
                if self.path.rstrip("/").endswith("/models"):
                    self._send(Reply(body={"object": "list", "data": [{"id": m, "object": "model"} for m in server.models]}))
                else:
                    self._send(error_reply(404, "not found"))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"null")
                except json.JSONDecodeError:
                    body = raw.decode("utf-8", "replace")
                recorded = RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                if not server.json_schema and _asks_json_schema(body):
                    server.refused.append(recorded)
                    self._send(error_reply(400, "response_format type 'json_schema' is not supported"))
                    return
                server.requests.append(recorded)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(error_reply(404, "not found"))
                    return
                if server.failing_with is not None:
                    reply = server.failing_with
                elif server.responder is not None:
                    reply = server.responder(body)
                else:
                    reply = server._next_reply()
                if reply.delay:
                    time.sleep(reply.delay)
                self._send(reply)

        return Handler

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if not self._thread.is_alive():
            return  # refusing connections at the end: already closed
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
