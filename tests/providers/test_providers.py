"""Choosing a provider, and what each one tells the cache and the retry policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.model.retries import RetryPolicy
from extractor.providers import EmbeddedModel, OpenAICompatible, provider_for
from extractor.settings import Settings


def test_a_base_url_names_a_remote_server_and_none_the_embedded_model(tmp_path):
    assert provider_for(Settings(base_url="http://127.0.0.1:8080/v1", model="local")) == OpenAICompatible(
        "http://127.0.0.1:8080/v1", "local"
    )
    gguf = tmp_path / "other.gguf"
    assert provider_for(Settings(cache_dir=tmp_path, gguf=gguf, model="mine")) == EmbeddedModel(cache_dir=tmp_path, gguf=gguf, alias="mine")


def test_two_servers_with_the_same_model_name_are_two_identities():
    one = OpenAICompatible("http://127.0.0.1:8080/v1", "local").identity
    two = OpenAICompatible("http://127.0.0.1:8081/v1", "local").identity
    assert one != two


def test_two_model_files_with_the_same_name_are_two_identities(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "model.gguf", tmp_path / "b" / "model.gguf"
    first.write_bytes(b"GGUF one")
    second.write_bytes(b"GGUF two")
    identities = {
        EmbeddedModel(tmp_path, gguf=first).identity,
        EmbeddedModel(tmp_path, gguf=second).identity,
        EmbeddedModel(tmp_path).identity,
    }
    assert len(identities) == 3


def test_only_the_embedded_server_gives_up_retrying_timeouts(tmp_path):
    policy = RetryPolicy(transport_attempts=5)
    assert OpenAICompatible("http://127.0.0.1:8080/v1", "m").retry_policy(policy) == policy
    embedded = EmbeddedModel(tmp_path).retry_policy(policy)
    assert embedded.retry_timeouts is False and embedded.transport_attempts == 5


def test_a_remote_server_needs_a_model_name():
    with pytest.raises(ConfigError, match="a model name is needed"), OpenAICompatible("http://127.0.0.1:8080/v1", None).endpoint():
        pass


def test_a_file_that_is_not_gguf_is_refused_before_any_server_starts(tmp_path):
    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_text("hello")
    with pytest.raises(ConfigError, match="not a GGUF model file"), EmbeddedModel(tmp_path, gguf=Path(not_a_model)).endpoint():
        pass
