"""The embedded model server: llama-cpp-python's OpenAI-compatible server on loopback.

One server serves a whole batch. It is started on a free port of 127.0.0.1, waited for until it
answers, and stopped when the command ends — normally, on an error, or on Ctrl-C. On Linux the
child is also told to die with its parent, so a killed command leaves no server behind.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from extractor.errors import ConfigError, ModelError

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child, before exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
    # The child ignores Ctrl-C: the parent decides when it stops, and stops it cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalModelServer:
    """``with LocalModelServer(gguf) as server: server.base_url`` — a running server, then none."""

    def __init__(
        self,
        model_path: Path,
        *,
        model_alias: str,
        context_size: int = 8192,
        threads: int | None = None,
        startup_timeout: float = 180.0,
        log_path: Path | None = None,
    ):
        self.model_path = model_path
        self.model_alias = model_alias
        self.context_size = context_size
        self.threads = threads or max(1, os.cpu_count() or 1)
        self.startup_timeout = startup_timeout
        self.log_path = log_path or model_path.parent / "llama-server.log"
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        # Looked up, not imported: importing llama_cpp would load the whole library in this process.
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                "the embedded model needs llama-cpp-python: pip install '.[local]' (or point at a server with --base-url / OPENAI_BASE_URL)"
            )
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model_path),
            "--model_alias",
            self.model_alias,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.context_size),
            "--n_threads",
            str(self.threads),
        ]
        log.info("starting the embedded model server on 127.0.0.1:%d (log: %s)", self.port, self.log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as server_log:
            self._process = subprocess.Popen(
                command, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent
            )
        try:
            self._wait_until_ready()
        except BaseException:  # Ctrl-C or a failed start: never leave the server behind
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        assert self._process is not None, "start() first"
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ModelError(f"the embedded model server exited with status {self._process.returncode}; see {self.log_path}")
            try:
                # trust_env=False: a proxy from the environment must not stand between us and loopback.
                if httpx.get(f"{self.base_url}/models", timeout=2.0, trust_env=False).status_code == 200:
                    log.info("embedded model server ready")
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise ModelError(f"the embedded model server did not answer within {self.startup_timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("embedded model server stopped")

    def __enter__(self) -> LocalModelServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
