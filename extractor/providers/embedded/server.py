"""The embedded model server: an OpenAI-compatible llama.cpp server on loopback.

Two engines serve the same GGUF file (chosen by measurement, bench/engine_bench.py):

* ``native`` (the default): llama.cpp's own C++ server from the prebuilt ``xllamacpp`` wheel
  (no compiler at install time), run by ``providers/embedded/native.py`` in a child process.
  Its grammar sampling is native, it understands ``response_format: json_schema``, and it keeps
  the fixed prompt prefix in its KV cache between requests.
* ``llama-cpp-python``: llama-cpp-python's Python server (compiled at install time), kept for
  side-by-side measurement and for machines that already have it.

One server serves a whole session. It is started on a free port of 127.0.0.1, waited for until it
answers, and stopped when the command ends — normally, on an error, or on Ctrl-C. On Linux the
child is also told to die with its parent, so a killed command leaves no server behind.
"""

from __future__ import annotations

import contextlib
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
from extractor.providers.embedded import prompt_state
from extractor.settings import ENGINES

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1

# How long a stopping server gets before SIGKILL: llama-cpp-python finishes the token it is on
# before it looks at signals, and may be mid-way through a long reply.
_STOP_GRACE_SECONDS = 2.0


def _die_with_parent() -> None:  # runs in the child, before exec
    try:
        # SIGKILL, not SIGTERM: a server busy generating may not act on SIGTERM for many seconds.
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    # The child ignores Ctrl-C: the parent decides when it stops, and stops it cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def idle_cores() -> int:
    """The threads to give llama.cpp: ``SUMMIT_THREADS`` if set, else the cores this process may
    use that other work is not already keeping busy (the 1-minute load average), at least one.

    llama.cpp's threads wait for each other at every step: with 2 threads on 2 cores and a third
    busy process, one thread is often descheduled and generation falls from ~29 to ~1 token/s,
    while one thread keeps ~6 (bench/contention_bench.py)."""
    if (wanted := os.environ.get("SUMMIT_THREADS", "").strip()).isdigit() and int(wanted) > 0:
        return int(wanted)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    busy = int(os.getloadavg()[0] + 0.5) if hasattr(os, "getloadavg") else 0
    return max(1, cores - busy)


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
        engine: str = "native",
    ):
        if engine not in ENGINES:
            raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        self.engine = engine
        self.model_path = model_path
        self.model_alias = model_alias
        self.context_size = context_size
        self.threads = threads or idle_cores()
        self.startup_timeout = startup_timeout
        self.log_path = log_path or model_path.parent / "llama-server.log"
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._state_dir = prompt_state.state_dir(model_path)
        self._state_name = prompt_state.state_name(model_path, context_size)

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def start(self) -> None:
        self.port = free_port()
        command = self._command()
        log.info("starting the embedded model server (%s) on 127.0.0.1:%d (log: %s)", self.engine, self.port, self.log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._state_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as server_log:
            # stdin is a pipe the child watches: it closes when we stop or die, and the child exits.
            self._process = subprocess.Popen(
                command, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.PIPE, preexec_fn=_die_with_parent
            )
        try:
            self._wait_until_ready()
        except BaseException:  # Ctrl-C or a failed start: never leave the server behind
            self.stop(keep_state=False)
            raise
        if self.engine == "native":
            prompt_state.restore(self.root_url, self._state_dir, self._state_name)

    def _command(self) -> list[str]:
        # Looked up, not imported: importing the engine would load the whole library in this process.
        if self.engine == "native":
            if importlib.util.find_spec("xllamacpp") is None:
                raise ConfigError(
                    "the embedded model needs xllamacpp: pip install '.[local]' (or point at a server with --base-url / OPENAI_BASE_URL)"
                )
            return [
                sys.executable,
                "-m",
                "extractor.providers.embedded.native",
                "--model",
                str(self.model_path),
                "--alias",
                self.model_alias,
                "--port",
                str(self.port),
                "--ctx",
                str(self.context_size),
                "--threads",
                str(self.threads),
                "--state-dir",
                str(self._state_dir),
                *_experimental_native_flags(),
            ]
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                "the llama-cpp-python engine needs llama-cpp-python: pip install '.[llama-cpp-python]' "
                "(or use the default engine, --engine native)"
            )
        return [
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
        self.stop(keep_state=False)
        raise ModelError(f"the embedded model server did not answer within {self.startup_timeout:.0f} s; see {self.log_path}")

    def stop(self, *, keep_state: bool = True) -> None:
        """Stop the server; ``keep_state``: first save its prompt state for the next run (native)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        if keep_state and self.engine == "native":
            prompt_state.save(self.root_url, self._state_dir, self._state_name)
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # the native server exits when its stdin closes
        process.terminate()
        try:
            process.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("embedded model server stopped")

    def exit_status(self) -> int | None:
        """The server process's exit status if it has exited (a crash: -11 for SIGSEGV), else None."""
        return self._process.poll() if self._process is not None else None

    def __enter__(self) -> LocalModelServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        # After Ctrl-C, stop at once: saving the state can wait for a run that ends normally.
        self.stop(keep_state=not isinstance(exc, KeyboardInterrupt))


def _experimental_native_flags() -> list[str]:
    # Measuring aid (bench): SUMMIT_DRAFT_NGRAM=M[,N] turns on prompt-lookup speculative decoding.
    value = os.environ.get("SUMMIT_DRAFT_NGRAM", "").strip()
    if not value:
        return []
    draft, _, lookup = value.partition(",")
    return ["--draft-ngram", draft, *(["--draft-lookup", lookup] if lookup else [])]
