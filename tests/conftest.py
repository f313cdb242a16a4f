"""Shared test set-up: the tests read ../shared (seed articles and gold) beside the repository."""

from __future__ import annotations

import pytest

from tests.support.paths import SEED_GOLD, SEEDS, SHARED

# Fixtures for the real services: redis_stream, rabbit_queue, postgres_store, sqlite_store; and
# fleet_factory, worker processes on them.
pytest_plugins = ("tests.support.services", "tests.support.fleet")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not SEEDS.is_dir() or not SEED_GOLD.is_file():
        raise pytest.UsageError(
            f"the tests read the seed articles and gold in {SHARED} (../shared beside this repository); "
            "it is missing — check out the project's shared/ folder next to the repository"
        )
