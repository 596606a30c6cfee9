"""The pure poll decisions: conditional headers, response meaning, new items, delays, Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from monitor.config import FeedConfig, PollConfig
from monitor.polling import (
    Failure,
    FeedState,
    NotModified,
    PollDecider,
    Success,
    parse_items,
    parse_retry_after,
)
from monitor.records import FeedItem

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
FEED = FeedConfig(url="http://127.0.0.1:1/feed.xml", name="Test Wire", interval=60)

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Wire title</title><link>http://127.0.0.1:1/</link>
<item><guid>g-2</guid><title>Second</title><link>http://127.0.0.1:1/b</link>
  <description>later &lt;b&gt;news&lt;/b&gt;</description><pubDate>Sat, 10 Jan 2026 11:00:00 GMT</pubDate></item>
<item><title>First</title><link>/a</link><description>earlier</description>
  <pubDate>Sat, 10 Jan 2026 10:00:00 GMT</pubDate></item>
</channel></rss>"""


def decider(**overrides) -> PollDecider:
    return PollDecider(PollConfig(**({"jitter": 0.0, "max_backoff": 600} | overrides)))


def item(key: str, published: datetime | None) -> FeedItem:
    return FeedItem(feed_url=FEED.url, feed_name="x", key=key, published=published, fetched_at=NOW)


def test_conditional_headers_come_from_stored_validators():
    plain = PollDecider.request_headers(FeedState())
    assert "If-None-Match" not in plain and "If-Modified-Since" not in plain
    assert "application/rss+xml" in plain["Accept"]
    headers = PollDecider.request_headers(FeedState(etag='"v1"', last_modified="Sat, 10 Jan 2026 10:00:00 GMT"))
    assert headers["If-None-Match"] == '"v1"' and headers["If-Modified-Since"] == "Sat, 10 Jan 2026 10:00:00 GMT"


def test_parse_items_keys_links_dates_and_outlet():
    items = parse_items(FEED, RSS, {"content-type": "application/rss+xml"}, FEED.url, NOW)
    assert [i.key for i in items] == ["g-2", "http://127.0.0.1:1/a"]  # GUID, else the (resolved) link
    assert items[0].published == datetime(2026, 1, 10, 11, 0, tzinfo=UTC)
    assert items[0].feed_name == "Test Wire"
    assert "news" in items[0].summary
    unnamed = parse_items(FeedConfig(url=FEED.url), RSS, {}, FEED.url, NOW)
    assert unnamed[0].feed_name == "Wire title"


def test_interpret_success_not_modified_and_failures():
    d = decider()
    ok = d.interpret(FEED, FeedState(), 200, {"etag": '"e"', "last-modified": "x"}, RSS, FEED.url, NOW)
    assert isinstance(ok, Success) and len(ok.items) == 2 and ok.etag == '"e"' and ok.last_modified == "x"
    nm = d.interpret(FEED, FeedState(etag='"e"', last_modified="x"), 304, {}, b"", FEED.url, NOW)
    assert nm == NotModified(etag='"e"', last_modified="x")
    err = d.interpret(FEED, FeedState(), 500, {"retry-after": "5"}, b"", FEED.url, NOW)
    assert err == Failure(error="HTTP 500", http_status=500, retry_after=None)  # only 429/503 carry it
    limited = d.interpret(FEED, FeedState(), 429, {"retry-after": "7"}, b"", FEED.url, NOW)
    assert isinstance(limited, Failure) and limited.retry_after == 7.0


def test_malformed_xml_is_a_failure_but_an_empty_feed_is_not():
    d = decider()
    for body in (b"<<<this is not xml & never was", b"<rss><channel><title>x</chanel>", b"<html><p>hi</p></html>", b""):
        bad = d.interpret(FEED, FeedState(), 200, {}, body, FEED.url, NOW)
        assert isinstance(bad, Failure) and bad.error.startswith("malformed feed"), body
    salvaged = d.interpret(FEED, FeedState(), 200, {}, RSS.replace(b"</channel></rss>", b""), FEED.url, NOW)
    assert isinstance(salvaged, Success) and len(salvaged.items) == 2  # broken, but nothing to lose
    empty = d.interpret(FEED, FeedState(), 200, {}, b'<rss version="2.0"><channel><title>t</title></channel></rss>', FEED.url, NOW)
    assert isinstance(empty, Success) and empty.items == ()


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after(format_datetime(NOW + timedelta(seconds=90), usegmt=True), NOW) == 90.0
    assert parse_retry_after(format_datetime(NOW - timedelta(seconds=90), usegmt=True), NOW) == 0.0
    assert parse_retry_after("soon-ish", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_new_items_are_unseen_deduplicated_and_oldest_first():
    a, b, c = item("a", NOW - timedelta(hours=3)), item("b", NOW - timedelta(hours=1)), item("c", NOW - timedelta(hours=2))
    fresh = PollDecider.new_items([b, c, a, b], {a.id, b.id, c.id})
    assert [i.key for i in fresh] == ["a", "c", "b"]
    assert [i.key for i in PollDecider.new_items([b, c, a], {c.id})] == ["c"]
    undated = [item("new", None), item("old", None)]  # feed order: newest first
    assert [i.key for i in PollDecider.new_items(undated, {i.id for i in undated})] == ["old", "new"]


def test_backoff_doubles_and_is_capped():
    d = decider(max_backoff=100)
    delays = [d.next_delay(10, failures) for failures in range(0, 6)]
    assert delays == [10, 20, 40, 80, 100, 100]
    assert d.next_delay(10, 10_000) == 100  # no overflow on long outages
    assert decider(max_backoff=5).next_delay(10, 3) == 10  # never below the interval itself


def test_retry_after_is_a_floor_capped_by_max_backoff():
    d = decider(max_backoff=100)
    assert d.next_delay(10, 1, retry_after=30) == 30
    assert d.next_delay(10, 1, retry_after=1) == 10
    assert d.next_delay(10, 1, retry_after=10_000) == 100


@pytest.mark.parametrize("draw", [-1.0, -0.3, 0.0, 0.5, 1.0])
def test_jitter_stays_within_its_fraction(draw):
    d = decider(jitter=0.2)
    assert 8.0 <= d.next_delay(10, 0, draw=draw) <= 12.0
    assert 30.0 <= d.next_delay(10, 1, retry_after=30, draw=draw) <= 36.0  # never shortens a Retry-After


def test_first_poll_is_within_a_second():
    assert PollDecider.first_delay(300, 0.999) < 1.0
    assert PollDecider.first_delay(0.05, 0.999) <= 0.05
