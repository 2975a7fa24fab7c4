"""Prometheus metrics of the API: requests, latency, batch sizes and queue depth.

Each API instance has its own registry, so two instances in one process (tests, or the
pages' server beside an API-only one) never share counters."""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

disable_created_metrics()  # a `_created` series per label set is noise for these counters

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


class ApiMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "fashion_cnn_requests",
            "API requests by route and HTTP status",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "fashion_cnn_request_seconds",
            "Time from a request's arrival to its response, by route",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_images = Histogram(
            "fashion_cnn_batch_images",
            "Images per batch of requests (a large batch runs in parts, one per core)",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.queued = Gauge(
            "fashion_cnn_queued_images",
            "Images waiting for the model, all models together",
            registry=self.registry,
        )
        self.series: dict[tuple[str, int], tuple[Counter, Histogram]] = {}

    def observe(self, route: str, status: int, seconds: float | None) -> None:
        """A request counted, and its time where given (not for a wrong method or path,
        whose instant answers would drag the route's latency towards zero)."""
        series = self.series.get((route, status))
        if series is None:  # `labels` looks the series up under a lock: a few µs a request
            series = self.requests.labels(route, str(status)), self.latency.labels(route)
            self.series[route, status] = series
        series[0].inc()
        if seconds is not None:
            series[1].observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
