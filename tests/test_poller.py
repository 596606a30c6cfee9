"""Feed pollers against real local HTTP servers and a real SQLite file.

One aiohttp server (127.0.0.1, free port) plays every kind of feed: healthy with ETag/Last-Modified,
failing with 500, rate-limited (429/503 + Retry-After), slow, oversize, malformed, redirecting
forever, and gzip-compressed.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from aiohttp import web

from monitor.config import FeedConfig, PollConfig
from monitor.poller import PollerGroup
from monitor.records import FeedItem
from monitor.storage import Store

BASE_DATE = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LAST_MODIFIED = "Sun, 01 Mar 2026 08:00:00 GMT"


def rss(entries: list[str], title: str = "Local wire") -> bytes:
    """An RSS document of stories in our own words; ``entries`` are GUIDs, oldest first (listed newest first)."""
    items = "".join(
        f"<item><guid isPermaLink='false'>{guid}</guid><title>Story {guid}</title>"
        f"<link>/story/{guid}</link><description>A short note about {guid}.</description>"
        f"<pubDate>{format_datetime(BASE_DATE + timedelta(minutes=n), usegmt=True)}</pubDate></item>"
        for n, guid in reversed(list(enumerate(entries)))
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


@dataclass
class FeedServer:
    """The served feeds' state, the requests seen, and the server's base URL."""

    base: str = ""
    entries: dict[str, list[str]] = field(default_factory=dict)  # path name -> GUIDs, oldest first
    hits: Counter = field(default_factory=Counter)
    requests: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    retry_after: str = "1"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def body(self, name: str) -> bytes:
        return rss(self.entries.get(name, ["a1", "a2"]))


def make_app(server: FeedServer) -> web.Application:
    async def seen(request: web.Request) -> str:
        name = request.match_info["name"]
        server.hits[name] += 1
        server.requests.setdefault(name, []).append(dict(request.headers))
        return name

    async def handle(request: web.Request) -> web.StreamResponse:
        name = await seen(request)
        kind = name.split("-")[0]
        if kind == "ok":  # conditional GET with a content-derived ETag
            body = server.body(name)
            etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag, "Last-Modified": LAST_MODIFIED})
        if kind == "error":
            return web.Response(status=500, text="the backend fell over")
        if kind == "limited":
            return web.Response(status=429, headers={"Retry-After": server.retry_after})
        if kind == "unavailable":
            when = datetime.now(UTC) + timedelta(seconds=3)
            return web.Response(status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
        if kind == "slow":
            await asyncio.sleep(1.5)
            return web.Response(body=server.body(name), content_type="application/rss+xml")
        if kind == "big":  # chunked, no Content-Length: the cap must hold while streaming
            resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await resp.prepare(request)
            try:
                for _ in range(64):
                    await resp.write(b"<!-- padding padding padding padding -->" * 50)
            except (ConnectionResetError, RuntimeError):
                pass
            return resp
        if kind == "declared":  # honest Content-Length over the cap
            return web.Response(body=b" " * 20_000 + server.body(name), content_type="application/rss+xml")
        if kind == "bad":
            return web.Response(body=b"<rss><channel><title>half a feed</chanel", content_type="application/rss+xml")
        if kind == "loop":
            raise web.HTTPFound(f"/{name}")
        if kind == "moved":
            raise web.HTTPMovedPermanently("/ok-target")
        if kind == "gzip":
            resp = web.Response(body=gzip.compress(server.body(name)), content_type="application/rss+xml")
            resp.headers["Content-Encoding"] = "gzip"
            return resp
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/{name}", handle)
    return app


@pytest.fixture()
async def server():
    state = FeedServer()
    runner = web.AppRunner(make_app(state), handler_cancellation=True, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@pytest.fixture()
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'frontwatch.db'}"


@pytest.fixture()
def store(db_url):
    opened = Store(db_url)
    yield opened
    opened.close()


POLL = PollConfig(timeout=0.5, max_bytes=10_000, max_redirects=3, jitter=0.0, max_backoff=0.4)


class Sink:
    """An emit target that records items, and can be told to fail on some keys."""

    def __init__(self, fail_on: set[str] | None = None):
        self.items: list[FeedItem] = []
        self.fail_on = set(fail_on or ())

    async def __call__(self, item: FeedItem) -> None:
        if item.key in self.fail_on:
            self.fail_on.discard(item.key)
            raise RuntimeError("the broker hiccupped")
        self.items.append(item)

    def keys(self, feed_url: str | None = None) -> list[str]:
        return [i.key for i in self.items if feed_url is None or i.feed_url == feed_url]


def feed(server: FeedServer, name: str, interval: float = 0.05) -> FeedConfig:
    return FeedConfig(url=server.url(name), name=name, interval=interval)


async def until(condition, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


# -- one poll at a time -------------------------------------------------------------------------


async def test_new_items_are_emitted_oldest_first_then_marked_seen(server, store):
    server.entries["ok-1"] = ["a1", "a2", "a3"]
    sink = Sink()
    group = PollerGroup(store, POLL, sink)
    try:
        outcome = await group.poll_once(feed(server, "ok-1"))
        assert outcome.status == "ok" and outcome.new_items == 3
        assert sink.keys() == ["a1", "a2", "a3"]
        assert sink.items[0].link == f"{server.base}/story/a1" and sink.items[0].feed_name == "ok-1"
        assert store.unseen(i.id for i in sink.items) == set()
        row = store.get_feed(server.url("ok-1"))
        assert row.last_success is not None and row.consecutive_failures == 0 and row.items_seen == 3
    finally:
        await group.stop()


async def test_304_sends_validators_back_and_re_emits_nothing(server, store):
    sink = Sink()
    group = PollerGroup(store, POLL, sink)
    try:
        first = await group.poll_once(feed(server, "ok-304"))
        row = store.get_feed(server.url("ok-304"))
        assert first.new_items == 2 and row.etag and row.last_modified == LAST_MODIFIED
        second = await group.poll_once(feed(server, "ok-304"))
        sent = server.requests["ok-304"][-1]
        assert sent["If-None-Match"] == row.etag and sent["If-Modified-Since"] == LAST_MODIFIED
        assert second.status == "not_modified" and second.http_status == 304 and second.new_items == 0
        assert len(sink.items) == 2
        server.entries["ok-304"] = ["a1", "a2", "a3"]  # the feed changes: a fresh 200 with one new item
        third = await group.poll_once(feed(server, "ok-304"))
        assert third.status == "ok" and sink.keys()[-1] == "a3" and len(sink.items) == 3
    finally:
        await group.stop()


async def test_backoff_after_500s_grows_and_is_capped_then_resets(server, store):
    group = PollerGroup(store, POLL, Sink())
    try:
        outcomes = [await group.poll_once(feed(server, "error-1", interval=0.05)) for _ in range(5)]
        delays = [o.next_poll_in for o in outcomes]
        assert delays == pytest.approx([0.1, 0.2, 0.4, 0.4, 0.4])  # doubles, capped at max_backoff
        assert [o.consecutive_failures for o in outcomes] == [1, 2, 3, 4, 5]
        row = store.get_feed(server.url("error-1"))
        assert row.consecutive_failures == 5 and row.last_error == "HTTP 500" and row.last_error_at is not None
    finally:
        await group.stop()


async def test_retry_after_seconds_on_429(server, store):
    server.retry_after = "2"
    group = PollerGroup(store, POLL.model_copy(update={"max_backoff": 60}), Sink())
    try:
        outcome = await group.poll_once(feed(server, "limited-1"))
        assert outcome.status == "failed" and outcome.http_status == 429
        assert outcome.retry_after == 2.0 and outcome.next_poll_in >= 2.0
        assert store.get_feed(server.url("limited-1")).last_error == "HTTP 429"
    finally:
        await group.stop()


async def test_retry_after_http_date_on_503(server, store):
    group = PollerGroup(store, POLL.model_copy(update={"max_backoff": 60}), Sink())
    try:
        outcome = await group.poll_once(feed(server, "unavailable-1"))
        assert outcome.http_status == 503
        assert 1.0 <= outcome.retry_after <= 3.0 and outcome.next_poll_in >= outcome.retry_after
    finally:
        await group.stop()


async def test_timeout_is_a_recorded_failure(server, store):
    group = PollerGroup(store, POLL, Sink())
    try:
        started = time.monotonic()
        outcome = await group.poll_once(feed(server, "slow-1"))
        assert time.monotonic() - started < 1.2
        assert outcome.status == "failed" and "0.5s" in outcome.error
        assert store.get_feed(server.url("slow-1")).consecutive_failures == 1
    finally:
        await group.stop()


@pytest.mark.parametrize("name", ["big-1", "declared-1"])
async def test_oversize_body_is_refused(server, store, name):
    group = PollerGroup(store, POLL, Sink())
    try:
        outcome = await group.poll_once(feed(server, name))
        assert outcome.status == "failed" and "10000-byte cap" in outcome.error
        assert "cap" in store.get_feed(server.url(name)).last_error
    finally:
        await group.stop()


async def test_malformed_xml_is_a_recorded_failure(server, store):
    group = PollerGroup(store, POLL, Sink())
    try:
        outcome = await group.poll_once(feed(server, "bad-1"))
        assert outcome.status == "failed" and outcome.error.startswith("malformed feed")
        assert store.get_feed(server.url("bad-1")).last_error.startswith("malformed feed")
    finally:
        await group.stop()


async def test_redirects_are_followed_but_capped(server, store):
    sink = Sink()
    group = PollerGroup(store, POLL, sink)
    try:
        moved = await group.poll_once(feed(server, "moved-1"))
        assert moved.status == "ok" and sink.keys() == ["a1", "a2"]
        looping = await group.poll_once(feed(server, "loop-1"))
        assert looping.status == "failed" and "more than 3 redirects" in looping.error
        assert 3 <= server.hits["loop-1"] <= 4
    finally:
        await group.stop()


async def test_gzip_body_is_decompressed(server, store):
    server.entries["gzip-1"] = ["z1", "z2"]
    sink = Sink()
    group = PollerGroup(store, POLL, sink)
    try:
        outcome = await group.poll_once(feed(server, "gzip-1"))
        assert outcome.status == "ok" and sink.keys() == ["z1", "z2"]
        assert "gzip" in server.requests["gzip-1"][0]["Accept-Encoding"]
    finally:
        await group.stop()


async def test_expected_failures_log_one_line_without_a_traceback(server, store, caplog):
    group = PollerGroup(store, POLL, Sink())
    try:
        with caplog.at_level(logging.WARNING, logger="monitor.poller"):
            await group.poll_once(feed(server, "error-log"))
            await group.poll_once(feed(server, "slow-log"))
        records = [r for r in caplog.records if r.name == "monitor.poller"]
        assert len(records) == 2
        assert all(r.exc_info is None and "\n" not in r.getMessage() for r in records)
        assert "error-log: HTTP 500 (1 in a row)" in records[0].getMessage()
    finally:
        await group.stop()


# -- emit, crash and restart --------------------------------------------------------------------


async def test_an_item_whose_emit_raised_is_re_emitted_next_poll(server, store):
    server.entries["ok-emit"] = ["e1", "e2", "e3"]
    sink = Sink(fail_on={"e2"})
    group = PollerGroup(store, POLL, sink)
    try:
        first = await group.poll_once(feed(server, "ok-emit"))
        assert first.status == "failed" and "emit failed" in first.error and first.new_items == 1
        assert sink.keys() == ["e1"]
        assert store.get_feed(server.url("ok-emit")).etag is None  # validators not advanced: no 304 hides e2
        second = await group.poll_once(feed(server, "ok-emit"))
        assert second.status == "ok" and sink.keys() == ["e1", "e2", "e3"]  # e1 not re-emitted
    finally:
        await group.stop()


async def test_a_restart_on_the_same_database_does_not_re_emit(server, db_url):
    server.entries["ok-restart"] = ["r1", "r2"]
    first_store = Store(db_url)
    sink = Sink()
    group = PollerGroup(first_store, POLL, sink)
    await group.start([feed(server, "ok-restart")])
    await until(lambda: len(sink.items) == 2)
    await group.stop()
    first_store.close()

    server.entries["ok-restart"] = ["r1", "r2", "r3"]
    second_store = Store(db_url)
    again = Sink()
    restarted = PollerGroup(second_store, POLL, again)
    hits_before = server.hits["ok-restart"]
    try:
        await restarted.start([feed(server, "ok-restart")])
        await until(lambda: server.hits["ok-restart"] >= hits_before + 3)
        assert again.keys() == ["r3"]
    finally:
        await restarted.stop()
        second_store.close()


# -- many feeds at once -------------------------------------------------------------------------


BROKEN = ["error-g", "limited-g", "unavailable-g", "slow-g", "big-g", "bad-g", "loop-g"]


async def test_broken_feeds_are_recorded_while_others_keep_flowing(server, store):
    server.entries["ok-g"] = ["g1"]
    server.entries["gzip-g"] = ["c1"]
    sink = Sink()
    outcomes: list[tuple[str, object]] = []
    group = PollerGroup(store, POLL, sink, on_poll=lambda url, outcome: outcomes.append((url, outcome)))
    try:
        await group.start([feed(server, name) for name in ["ok-g", "gzip-g", *BROKEN]])
        assert len(group.feeds) == 9
        await until(lambda: "g1" in sink.keys() and "c1" in sink.keys())
        server.entries["ok-g"] = ["g1", "g2"]  # news arrives while the broken feeds keep failing
        await until(lambda: "g2" in sink.keys())
        await until(lambda: all(store.get_feed(server.url(n)).consecutive_failures >= 1 for n in BROKEN))
        hits = server.hits["ok-g"]
        await asyncio.sleep(0.6)  # longer than the slow feed's timeout: the healthy feed still polls
        assert server.hits["ok-g"] >= hits + 4
    finally:
        await group.stop()
    for name in BROKEN:
        row = store.get_feed(server.url(name))
        assert row.last_error and row.last_success is None, name
    assert store.get_feed(server.url("ok-g")).consecutive_failures == 0
    assert sink.keys(server.url("ok-g")) == ["g1", "g2"]  # each item once, in order
    failed_urls = {url for url, outcome in outcomes if outcome.error}
    assert failed_urls == {server.url(n) for n in BROKEN}


async def test_first_poll_comes_within_a_second_of_start(server, store):
    group = PollerGroup(store, POLL, Sink())
    try:
        started = time.monotonic()
        await group.start([feed(server, "ok-first", interval=3600)])
        await until(lambda: server.hits["ok-first"] == 1, timeout=2.0)
        assert time.monotonic() - started < 1.5
    finally:
        await group.stop()


async def test_update_polls_exactly_the_given_feeds(server, store):
    group = PollerGroup(store, POLL, Sink())
    try:
        await group.start([feed(server, "ok-u1"), feed(server, "ok-u2")])
        await until(lambda: server.hits["ok-u1"] >= 2 and server.hits["ok-u2"] >= 2)
        await group.update([feed(server, "ok-u2"), feed(server, "ok-u3")])
        assert {f.url for f in group.feeds} == {server.url("ok-u2"), server.url("ok-u3")}
        stopped_at = server.hits["ok-u1"]
        await until(lambda: server.hits["ok-u3"] >= 2)
        await asyncio.sleep(0.2)
        assert server.hits["ok-u1"] == stopped_at
        assert store.get_feed(server.url("ok-u3")) is not None
    finally:
        await group.stop()
    assert group.feeds == [] and group._session is None


class FlakyStore(Store):
    """A real store whose first feed read fails, as when the database restarts under us."""

    failures = 1

    def get_feed(self, url):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database went away")
        return super().get_feed(url)


async def test_a_poll_that_breaks_outside_http_is_retried_not_fatal(server, db_url, caplog):
    flaky = FlakyStore(db_url)
    sink = Sink()
    group = PollerGroup(flaky, POLL, sink)
    try:
        with caplog.at_level(logging.ERROR, logger="monitor.poller"):
            await group.start([feed(server, "ok-flaky")])
            await until(lambda: sink.keys() == ["a1", "a2"])
        assert any("database went away" in r.getMessage() for r in caplog.records)
    finally:
        await group.stop()
        flaky.close()


async def test_logs_never_show_credentials_or_query_of_an_unnamed_feed(server, store, caplog):
    port = server.base.rsplit(":", 1)[1]
    secret_feed = FeedConfig(url=f"http://user:hunter2@127.0.0.1:{port}/error-secret?api_key=s3cr3t", interval=0.05)
    group = PollerGroup(store, POLL, Sink())
    try:
        with caplog.at_level(logging.WARNING, logger="monitor.poller"):
            outcome = await group.poll_once(secret_feed)
        assert outcome.error == "HTTP 500"
        message = caplog.records[-1].getMessage()
        assert "/error-secret?…" in message and "hunter2" not in message and "s3cr3t" not in message
    finally:
        await group.stop()
