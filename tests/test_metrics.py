"""Prometheus metrics: counted through the helpers, scraped from /metrics and parsed as Prometheus does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from monitor import metrics
from monitor.storage import Store
from monitor.web.app import make_web_app


async def scrape(store: Store) -> dict[str, dict[tuple, float]]:
    """/metrics as {sample name: {sorted labels: value}}."""
    async with TestClient(TestServer(make_web_app(store))) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = await response.text()
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get(name, {}).get(tuple(sorted(labels.items())), 0.0)


async def test_metrics_are_scraped_and_parsed(tmp_path: Path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    before = await scrape(store)

    metrics.feeds_polled.inc(3)
    metrics.poll_errors.inc()
    metrics.items.inc(5)
    metrics.events.inc(2)
    metrics.delivery("ops-slack", ok=True)
    metrics.delivery("analysts", ok=False)
    metrics.set_consumer_lag("events", 1, 7)
    now = datetime.now(UTC)
    metrics.observe_alert_latency(fetched_at=now - timedelta(seconds=3), published_at=now - timedelta(hours=2), now=now)

    after = await scrape(store)
    grew = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert grew("frontwatch_feeds_polled_total") == 3
    assert grew("frontwatch_poll_errors_total") == 1
    assert grew("frontwatch_items_total") == 5
    assert grew("frontwatch_events_total") == 2
    assert grew("frontwatch_alerts_sent_total", notifier="ops-slack") == 1
    assert grew("frontwatch_alerts_failed_total", notifier="analysts") == 1
    assert value(after, "frontwatch_consumer_lag", topic="events", partition="1") == 7
    # 3 s since fetch lands in the 5 s bucket, not the 2 s one; 2 h since publication past the 1 h bucket.
    assert grew("frontwatch_alert_latency_seconds_bucket", since="fetched", le="5.0") == 1
    assert grew("frontwatch_alert_latency_seconds_bucket", since="fetched", le="2.0") == 0
    assert grew("frontwatch_alert_latency_seconds_bucket", since="published", le="3600.0") == 0
    assert grew("frontwatch_alert_latency_seconds_count", since="published") == 1
    assert value(after, "process_cpu_seconds_total") > 0 or "process_cpu_seconds_total" not in after

    metrics.forget_partition("events", 1)
    assert ("partition", "1") not in {l for labels in (await scrape(store)).get("frontwatch_consumer_lag", {}) for l in labels}
    store.close()


def test_latency_clock_skew_and_naive_times():
    """A fetch time in the future (clock skew) counts as zero; naive datetimes are UTC."""
    histogram = metrics.alert_latency.labels(since="fetched")
    count_before = histogram._sum.get()
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    metrics.observe_alert_latency(fetched_at=now + timedelta(seconds=30), now=now)
    metrics.observe_alert_latency(fetched_at=datetime(2026, 1, 1, 11, 59, 50), now=now)
    assert histogram._sum.get() - count_before == 10.0
