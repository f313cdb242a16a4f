"""What the worker depends on (the model server, the broker, the event store): up or down.

A dependency that fails is not the article's fault: the worker stops taking new work, waits
with exponential backoff (``Backoff``), and tries again; nothing is retried against the message's
attempt count and nothing is dead-lettered for it. Each outage is logged once when it starts and
once when it ends, counted (``summit_retries{reason="<name>_outage"}`` for every wait), and shown
on ``/healthz`` while it lasts.
"""

from __future__ import annotations

import asyncio
import logging
import time

from extractor.logs import redact
from extractor.worker.metrics import WorkerMetrics

log = logging.getLogger("extractor.worker")


class Backoff:
    """Seconds to wait before each next try: ``initial``, doubled each time, at most ``maximum``."""

    def __init__(self, initial: float, maximum: float):
        self.initial, self.maximum = initial, maximum
        self._next = initial

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial


class Dependency:
    """One thing the worker needs; ``up`` is set while it answers."""

    def __init__(self, name: str, metrics: WorkerMetrics, what: str):
        self.name = name
        self.what = what  # in words, for the log: "model", "event store"
        self.metrics = metrics
        self.up = asyncio.Event()
        self.up.set()
        self._since = 0.0

    def failed(self, reason: str) -> None:
        """A call failed because of the dependency: log the outage's start, count the wait."""
        if self.up.is_set():
            self._since = time.monotonic()
            log.warning("%s unavailable (%s); pausing intake, retrying with backoff", self.what, redact(reason)[:300])
            self.metrics.set_health(self.name, False)
        self.up.clear()
        self.metrics.retries.labels(f"{self.name}_outage").inc()

    def answered(self) -> None:
        if not self.up.is_set():
            log.info("%s answers again after %.1f s; resuming", self.what, time.monotonic() - self._since)
            self.metrics.set_health(self.name, True)
        self.up.set()
