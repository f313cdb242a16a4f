"""The embedded model as a provider: our own llama.cpp server on loopback, for as long as needed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from extractor.model.retries import RetryPolicy
from extractor.providers.base import Endpoint
from extractor.providers.embedded.server import LocalModelServer
from extractor.providers.embedded.weights import MODEL_NAME, MODEL_SHA256, check_gguf, ensure_default_model


@dataclass(frozen=True)
class EmbeddedModel:
    cache_dir: Path  # where the assembled default weights and the server's log live
    gguf: Path | None = None  # another model file; None: the default Qwen2.5-Coder-1.5B
    alias: str | None = None  # the model name the server answers to (default: the file's)
    engine: str = "native"  # the server that runs it (settings.ENGINES)

    @property
    def mode(self) -> str:
        """llama.cpp's native server takes json_schema; llama-cpp-python's refuses it (HTTP 500)."""
        return "json_schema" if self.engine == "native" else "tools"

    @property
    def identity(self) -> str:
        # Two GGUF files may share a stem: the file's path, size and time name it. The default
        # model is named by its checksum.
        # The engine too: two engines sample differently and take different modes.
        if self.gguf is None:
            return f"embedded|{self.engine}|{MODEL_SHA256}"
        try:
            stat = self.gguf.resolve().stat()
            return f"gguf|{self.engine}|{self.gguf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        except OSError:
            return f"gguf|{self.engine}|{self.gguf}"  # the server start will say what is wrong with it

    @property
    def served_name(self) -> str:
        """The model name the server answers to, and the requests carry."""
        return self.alias or (self.gguf.stem if self.gguf is not None else MODEL_NAME)

    @contextlib.contextmanager
    def endpoint(self) -> Iterator[Endpoint]:
        if self.gguf is not None:
            model_path = check_gguf(self.gguf)
            alias = self.alias or model_path.stem
        else:
            model_path = ensure_default_model(self.cache_dir)
            alias = MODEL_NAME
        server = LocalModelServer(model_path, model_alias=alias, log_path=self.cache_dir / "llama-server.log", engine=self.engine)
        with server:
            yield Endpoint(server.base_url, alias, self.mode)

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        # The server works on one request at a time: a timed-out request keeps it busy, so a
        # retry would only queue behind it.
        return replace(policy, retry_timeouts=False)
