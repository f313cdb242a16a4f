"""A small real OpenAI-compatible server for tests and benchmarks: real HTTP on 127.0.0.1.

Three ways to say what it answers, from simplest to most general:

* **scripted** ``replies``: each request to ``/v1/chat/completions`` takes the next ``Reply`` (the
  last one repeats), so a test can say "429 with Retry-After, then a good answer";
* a **responder**: a function of the request's JSON body returning the ``Reply`` (a benchmark
  answers each article with its own draft; ``responder_from_cassettes`` replays recorded answers);
* **injected faults** on top of either (``FaultPlan``): a seeded share of requests is answered
  with a fault instead: 429 + Retry-After, 500/502/503, a reply slower than the client's
  timeout, a connection dropped mid-body, a malformed JSON body, tool arguments that break the
  schema, empty ``choices``, an HTML page with status 200. The same seed and the same request
  order give the same faults.

``latency`` delays every reply (the model's thinking time). Every request is recorded (path,
headers, JSON body) and what was served for it (``served``: "reply" or the fault's name).

For a model outage, ``refuse_connections`` / ``accept_connections`` and ``fail_with`` (every
completion answered with one reply, e.g. a 503) stage it.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: dict | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (to provoke client timeouts)
    content_type: str = "application/json"
    # Drop the connection: "before_headers" closes without answering; "mid_body" sends the
    # headers (with the full Content-Length) and half the body, then closes.
    drop: str | None = None
    body_delay: float = 0.0  # pause after the headers and half the body (a stall mid-reply)


def content_reply(content: str | dict) -> Reply:
    """A chat completion whose answer is in the message text (JSON, as json_schema mode gets it)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 90, "completion_tokens": 30, "total_tokens": 120},
        }
    )


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


# -- faults ------------------------------------------------------------------------------------------


def rate_limited(retry_after: float = 1) -> Reply:
    return error_reply(429, "rate limit reached, slow down", {"Retry-After": f"{retry_after:g}"})


def server_error(status: int = 500) -> Reply:
    return error_reply(status, {500: "internal server error", 502: "bad gateway", 503: "service unavailable"}.get(status, "server error"))


def slow_reply(seconds: float, reply: Reply | None = None) -> Reply:
    """``reply`` (by default a good-looking empty answer) after ``seconds``: longer than a timeout."""
    base = reply or tool_call_reply({"summits": []})
    return Reply(base.status, base.body, dict(base.headers), base.delay + seconds, base.content_type, base.drop, base.body_delay)


def dropped_mid_body(reply: Reply | None = None) -> Reply:
    base = reply or tool_call_reply({"summits": []})
    return Reply(base.status, base.body, dict(base.headers), base.delay, base.content_type, "mid_body", base.body_delay)


def stalled_mid_body(seconds: float, reply: Reply | None = None) -> Reply:
    """Headers and half the body at once, the rest after ``seconds``: a timeout after the headers."""
    base = reply or tool_call_reply({"summits": []})
    return Reply(base.status, base.body, dict(base.headers), base.delay, base.content_type, base.drop, seconds)


def dropped_before_headers() -> Reply:
    return Reply(drop="before_headers")


def malformed_json() -> Reply:
    return Reply(body='{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{"index": 0, "mess')


def schema_invalid_tool_call() -> Reply:
    """A well-formed completion whose tool arguments do not fit the draft schema."""
    return tool_call_reply({"summits": [{"mention": "primary", "kind": "tea_party", "participants": "everyone"}]})


def empty_choices() -> Reply:
    return Reply(
        body={
            "id": "chatcmpl-empty",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [],
            "usage": {"prompt_tokens": 100, "completion_tokens": 0, "total_tokens": 100},
        }
    )


def html_page() -> Reply:
    """What a misconfigured proxy or a login page answers: HTML with status 200."""
    return Reply(
        body="<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>",
        content_type="text/html; charset=utf-8",
    )


# Every fault by name; ``slow`` needs the client's timeout to be meaningful (FaultPlan.slow_seconds).
FAULTS: dict[str, Callable[[FaultPlan], Reply]] = {
    "429": lambda plan: rate_limited(plan.retry_after),
    "500": lambda plan: server_error(500),
    "502": lambda plan: server_error(502),
    "503": lambda plan: server_error(503),
    "slow": lambda plan: slow_reply(plan.slow_seconds),
    "drop_mid_body": lambda plan: dropped_mid_body(),
    "malformed_json": lambda plan: malformed_json(),
    "schema_invalid": lambda plan: schema_invalid_tool_call(),
    "empty_choices": lambda plan: empty_choices(),
    "html_200": lambda plan: html_page(),
}


@dataclass
class FaultPlan:
    """Answer a seeded share (``rate``) of requests with one of ``kinds`` instead of the real reply."""

    rate: float = 0.2
    seed: int = 0
    kinds: Sequence[str] = tuple(FAULTS)
    retry_after: float = 0.05  # what the 429s ask for: short, so that tests stay fast
    slow_seconds: float = 3.0  # set it above the client's --timeout

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}; known: {sorted(FAULTS)}")
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """The fault for the next request, or None for the real reply."""
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice(list(self.kinds))


# -- recorded replies ----------------------------------------------------------------------------------


def responder_from_cassettes(paths: Sequence[Any]) -> Callable[[Any], Reply]:
    """Answers each request with the recorded reply to the same JSON body (vcrpy cassettes)."""
    import yaml  # vcrpy's own dependency

    answers: dict[str, Reply] = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        for interaction in data.get("interactions", []):
            request, response = interaction["request"], interaction["response"]
            body = request.get("body")
            key = json.dumps(json.loads(body), sort_keys=True) if body else ""
            payload = response["body"]["string"]
            answers[key] = Reply(status=response["status"]["code"], body=payload if isinstance(payload, str) else payload.decode("utf-8"))

    def respond(body: Any) -> Reply:
        return answers.get(json.dumps(body, sort_keys=True), error_reply(404, "no recorded reply for this request"))

    return respond


# -- the server ----------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    """One thread per connection, and a listen backlog for a benchmark's 64 clients connecting at
    once: the standard library's default of 5 made the kernel drop the rest's connections, which
    the client then retried after a backoff of over a second."""

    daemon_threads = True
    request_queue_size = 256


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
        responder: Callable[[Any], Reply] | None = None,
        faults: FaultPlan | None = None,
        latency: float = 0.0,
        json_schema: bool = False,
        keep_alive: bool = False,
    ):
        self.replies = list(replies or [])
        # Whether ``response_format: json_schema`` is taken. When not, such a request is refused
        # with HTTP 400 (as servers that lack it do) without using up a scripted reply or a
        # fault draw, so the client's mode probe ("auto") settles on tools and the script
        # serves the extraction.
        self.json_schema = json_schema
        # HTTP/1.1 keep-alive, as real servers answer: a benchmark's client then reuses its
        # connections instead of opening one per request. Off by default: with it, a connection
        # already open outlives refuse_connections(), which the outage tests rely on.
        self.keep_alive = keep_alive
        self.refused: list[RecordedRequest] = []
        self.models = models
        self.responder = responder
        self.faults = faults
        self.latency = latency
        self.failing_with: Reply | None = None  # while set, every completion gets this reply
        self.requests: list[RecordedRequest] = []
        self.served: list[str] = []  # per completion request: "reply" or the fault's name
        self.connections = 0  # TCP connections accepted (with keep_alive, several requests each)
        self._lock = threading.Lock()
        self._server = self._listen(0)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _listen(self, port: int) -> ThreadingHTTPServer:
        return _Server(("127.0.0.1", port), self._handler())

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
        return [r for r in self.requests if r.path.split("?", 1)[0].endswith("/chat/completions")]

    def served_counts(self) -> Counter:
        with self._lock:
            return Counter(self.served)

    def _next_reply(self, body: Any) -> Reply:
        fault = self.faults.draw() if self.faults else None
        with self._lock:
            self.served.append(fault or "reply")
        if fault:
            return FAULTS[fault](self.faults)
        if self.responder is not None:
            return self.responder(body)
        with self._lock:
            if len(self.replies) > 1:
                return self.replies.pop(0)
            return self.replies[0] if self.replies else error_reply(500, "no reply scripted")

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if server.keep_alive else "HTTP/1.0"
            # Headers and body go out in separate writes: with Nagle's algorithm on, the body of a
            # kept-alive connection's reply waited for the client's delayed ACK (~40 ms a reply).
            disable_nagle_algorithm = True

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def setup(self) -> None:  # once per connection
                super().setup()
                with server._lock:
                    server.connections += 1

            def _send(self, reply: Reply) -> None:
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body or {})
                data = payload.encode("utf-8")
                try:
                    if reply.drop == "before_headers":
                        self.close_connection = True
                        return
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply.body_delay:
                        self.wfile.write(data[: len(data) // 2])
                        self.wfile.flush()
                        time.sleep(reply.body_delay)
                        data = data[len(data) // 2 :]
                    if reply.drop == "mid_body":
                        self.wfile.write(data[: len(data) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (a timeout test): nothing to answer

            def _record(self, body: Any) -> None:
                with server._lock:
                    server.requests.append(RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body))

            def do_GET(self) -> None:
                self._record(None)
                if self.path.split("?", 1)[0].rstrip("/").endswith("/models"):
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
                if not server.json_schema and _asks_json_schema(body):
                    server.refused.append(RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    self._send(error_reply(400, "response_format type 'json_schema' is not supported"))
                    return
                self._record(body)
                if not self.path.split("?", 1)[0].rstrip("/").endswith("/chat/completions"):
                    self._send(error_reply(404, "not found"))
                    return
                reply = server.failing_with if server.failing_with is not None else server._next_reply(body)
                if reply.delay or server.latency:
                    time.sleep(reply.delay + server.latency)
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
