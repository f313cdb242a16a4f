"""Shared test set-up: the tests read ../shared (seed articles and gold) beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (SHARED / "seeds").is_dir() or not (SHARED / "gold" / "seeds.gold.json").is_file():
        raise pytest.UsageError(
            f"the tests read the seed articles and gold in {SHARED} (../shared beside this repository); "
            "it is missing — check out the project's shared/ folder next to the repository"
        )
