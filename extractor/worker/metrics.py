"""Prometheus metrics and a health endpoint, served from one small HTTP thread.

``/metrics`` is the Prometheus text format; ``/healthz`` answers 200 with
``{"model": true, "broker": true, "store": true}`` when all three answered at the last check
(or since: a failed call marks its dependency down at once), else 503 with the same body.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class WorkerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.processed = Counter("summit_articles_processed", "Articles stored (or found stored) and acked.", registry=r)
        self.failed = Counter("summit_articles_failed", "Failed extraction attempts, by kind.", ["kind"], registry=r)
        self.dead_lettered = Counter("summit_articles_dead_lettered", "Messages moved to the dead-letter stream.", registry=r)
        self.retries = Counter(
            "summit_retries", "Attempts repeated: model outages waited out, failed attempts requeued.", ["reason"], registry=r
        )
        self.in_flight = Gauge("summit_in_flight", "Messages this worker holds now.", registry=r)
        self.queue_lag = Gauge("summit_queue_lag", "Messages in the input stream not yet done by any worker.", registry=r)
        self.latency = Histogram(
            "summit_article_seconds",
            "Seconds from taking a message to settling it.",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300),
            registry=r,
        )
        self.tokens = Counter("summit_model_tokens", "Model tokens used, by kind.", ["kind"], registry=r)
        self.up = Gauge(
            "summit_dependency_up", "1 while the dependency answers (model, broker, store), else 0.", ["dependency"], registry=r
        )
        self.health = {"model": False, "broker": False, "store": False}
        for name in self.health:
            self.up.labels(name).set(0)
        self._server: ThreadingHTTPServer | None = None

    def set_health(self, dependency: str, answers: bool) -> None:
        self.health[dependency] = answers
        self.up.labels(dependency).set(1 if answers else 0)

    def serve(self, port: int, host: str = "127.0.0.1") -> int:
        """Serve /metrics and /healthz; returns the port (0 picks a free one)."""
        metrics = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.startswith("/metrics"):
                    self._reply(200, generate_latest(metrics.registry), CONTENT_TYPE_LATEST)
                elif self.path.startswith("/healthz"):
                    health = dict(metrics.health)
                    self._reply(200 if all(health.values()) else 503, json.dumps(health).encode(), "application/json")
                else:
                    self._reply(404, b"not found\n", "text/plain")

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True, name="metrics").start()
        return self._server.server_address[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
