"""The contract: the checked-in JSON Schemas are what the code publishes, and records validate."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from extractor.cli import cli
from schemas import PUBLISHED_MODELS, Summit

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas" / "json"


def test_schema_command_prints_exactly_the_checked_in_schemas():
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    on_disk = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMA_DIR.glob("*.json")}
    assert set(printed) == set(PUBLISHED_MODELS)
    assert printed == on_disk, "schemas/json is stale: run `make schema` and commit the result"


def test_schemas_do_not_import_the_extractor():
    """The contract stands alone: nothing under schemas/ imports the extractor package."""
    for path in (Path(__file__).resolve().parents[1] / "schemas").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "extractor" for name in names), f"{path.name} imports {names}"


def test_summit_schema_tells_the_model_the_vocabulary():
    schema = PUBLISHED_MODELS["summit"].model_json_schema()
    assert schema["properties"]["status"]["enum"] == ["held", "ongoing", "planned", "cancelled"]
    assert "Lee–Takaichi summit in Nara" in schema["properties"]["title"]["description"]


@pytest.mark.parametrize("date", ["2026-06-28", "2026-06", "2026", "--06-28", "--09"])
def test_partial_iso_dates_are_accepted(date):
    assert Summit(title="Ahn–Koizumi talks in Seoul", kind="ministerial_meeting", status="held", date=date).date == date


@pytest.mark.parametrize("date", ["June 28", "2026-13", "--13", "2026-06-32", "28/06/2026"])
def test_other_date_forms_are_refused(date):
    with pytest.raises(ValidationError):
        Summit(title="Ahn–Koizumi talks in Seoul", kind="ministerial_meeting", status="held", date=date)


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Summit(title="Ahn–Koizumi talks in Seoul", kind="ministerial_meeting", status="held", venue="Seoul")
