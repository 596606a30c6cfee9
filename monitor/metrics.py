"""Prometheus metrics of one worker, served on ``/metrics`` by the web app.

Other modules count with the named objects or the helpers below::

    from monitor import metrics
    metrics.feeds_polled.inc()
    metrics.poll_errors.inc()
    metrics.items.inc(len(new_items))
    metrics.observe_alert_latency(fetched_at=item.fetched_at, published_at=item.published)

Everything lives in one registry of its own (``REGISTRY``), not the library's global one, so a test or
a second app in the same process reads exactly Frontwatch's metrics. Counters are per worker process;
Prometheus sums them across workers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

NAMESPACE = "frontwatch"

feeds_polled = Counter("feeds_polled", "Feed polls attempted.", namespace=NAMESPACE, registry=REGISTRY)
poll_errors = Counter("poll_errors", "Feed polls that failed.", namespace=NAMESPACE, registry=REGISTRY)
items = Counter("items", "New feed items taken into the stream.", namespace=NAMESPACE, registry=REGISTRY)
articles = Counter("articles", "Articles cleaned and stored.", namespace=NAMESPACE, registry=REGISTRY)
events = Counter("events", "Control-change events extracted.", namespace=NAMESPACE, registry=REGISTRY)
alerts_sent = Counter(
    "alerts_sent", "Alert deliveries that succeeded.", ["notifier"], namespace=NAMESPACE, registry=REGISTRY
)
alerts_failed = Counter(
    "alerts_failed",
    "Alert deliveries that failed for good (retries exhausted).",
    ["notifier"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)
consumer_lag = Gauge(
    "consumer_lag",
    "Messages not yet consumed, per topic partition this worker owns.",
    ["topic", "partition"],
    namespace=NAMESPACE,
    registry=REGISTRY,
)

# From a minute (the target) to a day (a feed item published long before it was fetched).
LATENCY_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)
alert_latency = Histogram(
    "alert_latency_seconds",
    "End-to-end latency: from the feed item being fetched (since=fetched) or published (since=published) "
    "to its alert being recorded.",
    ["since"],
    buckets=LATENCY_BUCKETS,
    namespace=NAMESPACE,
    registry=REGISTRY,
)


def _seconds_between(start: datetime, end: datetime) -> float:
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return max(0.0, (end - start).total_seconds())


def observe_alert_latency(
    *, fetched_at: datetime | None, published_at: datetime | None = None, now: datetime | None = None
) -> None:
    """Record how long an alert took from its item's fetch (and publication, when known). Naive = UTC."""
    now = now or datetime.now(UTC)
    if fetched_at is not None:
        alert_latency.labels(since="fetched").observe(_seconds_between(fetched_at, now))
    if published_at is not None:
        alert_latency.labels(since="published").observe(_seconds_between(published_at, now))


def delivery(notifier: str, ok: bool) -> None:
    """Count one alert delivery outcome for a notifier (by its name, never its URL)."""
    (alerts_sent if ok else alerts_failed).labels(notifier=notifier).inc()


def set_consumer_lag(topic: str, partition: int, lag: int) -> None:
    consumer_lag.labels(topic=topic, partition=str(partition)).set(max(0, lag))


def forget_partition(topic: str, partition: int) -> None:
    """Drop a partition's lag gauge when the worker no longer owns it (after a rebalance)."""
    try:
        consumer_lag.remove(topic, str(partition))
    except KeyError:
        pass


def exposition() -> tuple[bytes, str]:
    """The registry in Prometheus text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
