"""Every failure kind has one exit status, the one its error class declares (README: Exit status)."""

from __future__ import annotations

from extractor.errors import ConfigError, ExtractionError, InputError, InternalError, ModelError, exit_code_of
from schemas.vocab import FAILURE_KINDS


def test_each_failure_kind_exits_as_the_readme_says():
    assert {kind: exit_code_of(kind) for kind in FAILURE_KINDS} == {"input": 2, "config": 2, "model": 3, "validation": 3, "internal": 70}


def test_the_kind_an_error_reports_is_one_a_failure_record_accepts():
    assert {cls.kind for cls in (InputError, ConfigError, ModelError, ExtractionError, InternalError)} == set(FAILURE_KINDS)
