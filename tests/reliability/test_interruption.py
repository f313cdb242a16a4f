"""Interruption: Ctrl-C (SIGINT) and SIGKILL in the middle of a batch, and the embedded server's end.

A real ``summit-extract extract`` child process works through a batch against the fake server,
whose replies take a little while (latency); once a few extractions are on stdout it is
interrupted. What a user relies on afterwards: stdout holds only whole JSON lines, the cache
database passes SQLite's integrity check, and running the same command again takes the finished
articles from the cache (the fake server counts the requests) and asks the model only for the rest.

The embedded model server is tested without the model: ``LocalModelServer`` runs a stand-in
child that ignores SIGTERM and SIGINT and never reads its stdin (the worst case of a server
busy generating); it must be gone within a few seconds of ``stop()`` or of its parent's end,
however the parent ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.extract.test_extractor import GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply
from tests.test_cli import ARTICLE, REPO, base_env, server_env

ARTICLES = 12
LATENCY = 0.25  # seconds per reply: the batch takes ~3 s, time enough to interrupt it midway


def write_batch(directory: Path) -> Path:
    directory.mkdir()
    for i in range(ARTICLES):  # distinct texts: distinct cache entries
        (directory / f"{i:02d}.txt").write_text(f"Story {i}. " + ARTICLE, encoding="utf-8")
    return directory


def extract_command(articles: Path, concurrency: int) -> list[str]:
    return [sys.executable, "-m", "extractor.cli", "extract", "--mode", "tools", "--concurrency", str(concurrency), str(articles)]


def _ctrl_c_as_on_a_terminal() -> None:
    # A test run started in the background (`make test &`) ignores SIGINT, and its children
    # would inherit that: restore the default, so Python turns Ctrl-C into KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def json_lines(stdout: bytes, stderr: bytes) -> list[dict]:
    """Every stdout line is a whole JSON document; a broken one is shown with what stderr said."""
    records = []
    for number, line in enumerate(stdout.decode().splitlines(), start=1):
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"stdout line {number} is not whole JSON: {line[:200]!r}\nstderr: {stderr.decode()[-2000:]}")
    return records


def cache_rows(cache_dir: Path) -> int:
    """Rows in the cache, after SQLite's own integrity check of the database (WAL included)."""
    with sqlite3.connect(cache_dir / "extractions.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT record FROM extractions").fetchall()
    for (record,) in rows:
        assert json.loads(record)["article_id"]  # every stored record is whole
    return len(rows)


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_batch_leaves_whole_lines_an_intact_cache_and_a_cheap_rerun(tmp_path, signum, concurrency):
    articles = write_batch(tmp_path / "articles")
    with FakeOpenAIServer(responder=lambda body: tool_call_reply(GOOD_DRAFT), latency=LATENCY) as server:
        env = server_env(tmp_path, server)
        process = subprocess.Popen(
            extract_command(articles, concurrency),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
            preexec_fn=_ctrl_c_as_on_a_terminal,
            # Unbuffered: communicate() below reads the pipe itself, so whatever a buffered
            # readline() had read beyond the third line (the head of the fourth) was lost, and
            # the fourth line looked torn when the batch was quick enough to have written it.
            bufsize=0,
        )
        first = [process.stdout.readline() for _ in range(3)]  # three extractions are out: midway
        process.send_signal(signum)
        rest, stderr = process.communicate(timeout=30)
        stdout = b"".join(first) + rest
        requests_before = len(server.completion_requests)

        if signum == signal.SIGINT:
            assert process.returncode == 130
            assert stderr.decode().strip().splitlines()[-1] == "summit-extract: interrupted"
        else:
            assert process.returncode == -signal.SIGKILL
        assert b"Traceback" not in stderr
        assert stdout.endswith(b"\n"), "a partial line on stdout"
        printed = json_lines(stdout, stderr)
        assert 3 <= len(printed) < ARTICLES, "interrupted midway"
        cached = cache_rows(tmp_path / "cache")
        assert cached >= len(printed)  # every article printed was cached before it was printed

        rerun = subprocess.run(extract_command(articles, concurrency), capture_output=True, env=env, cwd=REPO, timeout=60)
        asked = len(server.completion_requests) - requests_before
    assert rerun.returncode == 0, rerun.stderr.decode()
    records = json_lines(rerun.stdout, rerun.stderr)
    assert len(records) == ARTICLES and len({r["article_id"] for r in records}) == ARTICLES
    # Served without model time: every record in the cache, and any article whose reply was kept
    # (the reply cache) though the kill came before its record was.
    served = sum(r["provenance"]["cached"] for r in records)
    assert served >= cached
    assert asked == ARTICLES - served, "the rerun asked the model again for articles already in the cache"
    first_ids = {r["article_id"] for r in printed}
    assert all(r["provenance"]["cached"] for r in records if r["article_id"] in first_ids)
    assert cache_rows(tmp_path / "cache") == ARTICLES


# -- the embedded server's end ---------------------------------------------------------------------

# A stand-in for a model server busy generating: ignores SIGTERM and SIGINT and never reads its
# stdin; says it is ready by creating the file named by its argument.
SLEEPER = textwrap.dedent(
    """
    import pathlib, signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pathlib.Path(sys.argv[1]).touch()
    time.sleep(120)
    """
)

STAND_IN = textwrap.dedent(
    """
    import sys
    from extractor.providers.embedded.server import LocalModelServer

    class StandInServer(LocalModelServer):
        '''Runs the sleeper instead of llama.cpp; "ready" when the sleeper has set its signals.'''

        def _command(self):
            return [sys.executable, "-c", SLEEPER, str(self.model_path.parent / "ready")]

        def _wait_until_ready(self):
            import time
            ready = self.model_path.parent / "ready"
            while not ready.exists():
                time.sleep(0.02)
    """
)


def stand_in_server(tmp_path: Path):
    namespace: dict = {"SLEEPER": SLEEPER}
    exec(STAND_IN, namespace)  # the same class the parent-process script defines
    return namespace["StandInServer"](tmp_path / "model.gguf", model_alias="stand-in", log_path=tmp_path / "server.log")


def gone(pid: int) -> bool:
    """The process has exited (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def wait_gone(pid: int, seconds: float) -> float | None:
    """Seconds until ``pid`` is gone, or None if it outlives ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if gone(pid):
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def test_stop_kills_a_server_that_ignores_sigterm_within_the_grace_period(tmp_path):
    server = stand_in_server(tmp_path)
    server.start()
    pid = server._process.pid
    started = time.monotonic()
    server.stop()
    took = time.monotonic() - started
    assert gone(pid)
    assert 1.5 <= took < 3.0, f"stop took {took:.1f} s"  # the 2 s grace, then SIGKILL


# The parent: starts the stand-in as the CLI starts the real server, prints its pid, waits.
PARENT = textwrap.dedent(
    """
    import pathlib, time
    where = pathlib.Path(sys.argv[1])
    with StandInServer(where / "model.gguf", model_alias="stand-in", log_path=where / "server.log") as server:
        print(server._process.pid, flush=True)
        time.sleep(120)
    """
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT], ids=["SIGTERM", "SIGKILL", "SIGINT"])
def test_the_server_dies_with_its_parent_whatever_the_signal(tmp_path, signum):
    script = f"SLEEPER = {SLEEPER!r}\n{STAND_IN}\n{PARENT}"
    env = {**base_env(tmp_path), "PYTHONPATH": str(REPO)}
    with subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, env=env, cwd=REPO) as parent:
        try:
            child = int(parent.stdout.readline())
            assert not gone(child)
            parent.send_signal(signum)
            # SIGINT stops the server the graceful way: SIGTERM, 2 s of grace, then SIGKILL (this
            # stand-in ignores SIGTERM). 5 s leaves room for a loaded CI machine (3.5 s was missed once).
            took = wait_gone(child, 5.0)
            parent.wait(timeout=10)
        finally:
            if parent.poll() is None:
                parent.kill()
    if took is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)  # do not leave it behind, then fail
    assert took is not None, f"the server outlived its parent ({signal.Signals(signum).name}) by over 5 s"
