"""The fixed prompt's KV cache kept between runs, against a small server that answers llama.cpp's
``/slots`` and ``/metrics`` the way llama.cpp does (over real HTTP on 127.0.0.1)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from extractor.providers.embedded import prompt_state


class FakeSlots:
    """What the test server holds: its slot's state, the prompt tokens it has read, the calls."""

    def __init__(self, directory: Path, prompt_tokens: int):
        self.directory, self.prompt_tokens, self.calls = directory, prompt_tokens, []


@pytest.fixture
def server(tmp_path):
    slots = FakeSlots(tmp_path, prompt_tokens=0)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, status: int, body: str, kind: str = "application/json") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/metrics":
                self._reply(
                    200, f"# TYPE llamacpp:prompt_tokens_total counter\nllamacpp:prompt_tokens_total {slots.prompt_tokens}\n", "text/plain"
                )
            else:
                self._reply(404, "{}")

        def do_POST(self):
            filename = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["filename"]
            slots.calls.append((self.path, filename))
            if self.path == "/slots/0?action=save":
                (slots.directory / filename).write_bytes(b"KV" * 100)
                self._reply(200, json.dumps({"id_slot": 0, "filename": filename, "n_saved": 100}))
            elif self.path == "/slots/0?action=restore" and (slots.directory / filename).is_file():
                self._reply(200, json.dumps({"id_slot": 0, "filename": filename, "n_restored": 100}))
            else:
                self._reply(400, json.dumps({"error": {"message": "failed to restore slot"}}))

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", slots
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_server_that_read_prompts_saves_its_state_and_the_next_restores_it(server, tmp_path):
    url, slots = server
    name = prompt_state.state_name(Path("/models/qwen-q4.gguf"), 8192)
    assert not prompt_state.restore(url, tmp_path, name)  # the first run: nothing to restore
    slots.prompt_tokens = 1200
    assert prompt_state.save(url, tmp_path, name)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # written under a temporary name, then renamed
    assert prompt_state.restore(url, tmp_path, name)
    assert slots.calls[-1] == ("/slots/0?action=restore", name)


def test_a_server_that_read_no_prompt_keeps_the_saved_state(server, tmp_path):
    # A run whose articles all came from the extraction cache must not replace a good state with an empty one.
    url, slots = server
    name = "state.bin"
    (tmp_path / name).write_bytes(b"good")
    assert not prompt_state.save(url, tmp_path, name)
    assert (tmp_path / name).read_bytes() == b"good" and slots.calls == []


def test_a_state_that_fails_to_load_is_ignored(server, tmp_path):
    url, slots = server
    (tmp_path / "other.bin").write_bytes(b"x")
    slots.directory = tmp_path / "elsewhere"  # the server cannot find it: it answers 400
    assert not prompt_state.restore(url, tmp_path, "other.bin")


def test_the_name_changes_with_the_model_and_the_context():
    a = prompt_state.state_name(Path("/m/qwen-q4.gguf"), 8192)
    assert a != prompt_state.state_name(Path("/m/qwen-q8.gguf"), 8192)
    assert a != prompt_state.state_name(Path("/m/qwen-q4.gguf"), 4096)
    assert "/" not in a and a.endswith(".bin")
