"""How many threads the embedded server gets: the idle cores, or what the user says."""

from __future__ import annotations

import os

from extractor.providers.embedded.server import idle_cores


def _machine(monkeypatch, cores: int, load: float) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load), raising=False)
    monkeypatch.delenv("SUMMIT_THREADS", raising=False)


def test_a_quiet_machine_gives_every_core(monkeypatch):
    _machine(monkeypatch, cores=4, load=0.1)
    assert idle_cores() == 4


def test_cores_kept_busy_by_other_work_are_left_to_it(monkeypatch):
    _machine(monkeypatch, cores=2, load=1.2)
    assert idle_cores() == 1
    _machine(monkeypatch, cores=2, load=5.0)
    assert idle_cores() == 1  # never none


def test_summit_threads_decides_when_set(monkeypatch):
    _machine(monkeypatch, cores=2, load=3.0)
    monkeypatch.setenv("SUMMIT_THREADS", "2")
    assert idle_cores() == 2
    monkeypatch.setenv("SUMMIT_THREADS", "zero")  # not a count: the idle cores
    assert idle_cores() == 1
