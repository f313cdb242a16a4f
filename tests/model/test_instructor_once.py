"""instructor's async-validator check runs once per response model, not on every request, and
still refuses a model it would refuse."""

from __future__ import annotations

import pytest
from instructor.v2.core import patch as instructor_patch
from instructor.v2.validation import async_validators
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel

from extractor.extract.extractor import Extractor
from extractor.model import instructor_once
from extractor.model.client import make_client
from extractor.model.prompting import load_prompt
from extractor.model.wire import _RESPONSE_MODEL
from extractor.providers import Endpoint
from extractor.settings import Settings
from tests.extract.test_extractor import ARTICLE, GOOD_DRAFT
from tests.support.fake_openai import FakeOpenAIServer, tool_call_reply


class WithAsyncValidator(BaseModel):
    name: str

    @async_field_validator("name")
    async def _check(self, value: str) -> str:
        return value


def test_the_check_is_wrapped_where_instructor_looks_it_up():
    # Both places instructor calls it from: if an upgrade moves it, this says so.
    assert getattr(async_validators.reject_async_validators, "__wrapped_once__", False)
    assert instructor_patch.reject_async_validators is async_validators.reject_async_validators


def test_requests_do_not_walk_the_draft_model_again(monkeypatch):
    walked = []
    real = async_validators.get_origin  # the walk asks it of every type it visits
    monkeypatch.setattr(async_validators, "get_origin", lambda t: walked.append(t) or real(t))
    async_validators.reject_async_validators(_RESPONSE_MODEL)  # checked once (already, on import)
    walked.clear()
    with FakeOpenAIServer([tool_call_reply(GOOD_DRAFT)]) as server:
        settings = Settings(base_url=server.base_url, model="fake-model", mode="tools")
        extractor = Extractor(make_client(settings, Endpoint(server.base_url, "fake-model")), load_prompt(), settings)
        for _ in range(3):
            assert extractor.extract(ARTICLE).summits
    assert walked == []


def test_a_model_with_async_validators_is_still_refused_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="async validators are not supported"):
            async_validators.reject_async_validators(WithAsyncValidator)


def test_a_class_is_walked_once_and_other_response_models_every_time():
    calls: list[object] = []
    once = instructor_once._checked_once(calls.append)
    for model in (_RESPONSE_MODEL, _RESPONSE_MODEL, None, None):
        once(model)
    assert calls == [_RESPONSE_MODEL, None, None]
