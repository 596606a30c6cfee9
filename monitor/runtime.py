"""The worker's services: the I/O parts the stream's agents call, and the order they are called in.

Like a pipeline it does not decide: cleaning, extraction, the control map, rule matching and alert
decisions are pure modules; this class hands them records, then stores and sends what they return.

    item ─▶ ArticleBuilder.build ─▶ Store.save_article ─▶ Extractor.extract ─▶ Store.save_event
         ─▶ AlertingPipeline.handle_event (control map + rules → recorded alerts) ─▶ Dispatcher (apprise)
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from monitor import metrics
from monitor.broker import bootstrap_servers
from monitor.config import FeedConfig, MonitorConfig
from monitor.records import Article, Event, FeedItem, Source
from monitor.storage import Store
from monitor.tasks import cancel_and_wait

log = logging.getLogger("monitor")


class Services:
    """Everything with side effects that the stream needs, created once per worker."""

    def __init__(self, config: MonitorConfig, store: Store):
        from monitor.alerting import AlertingPipeline
        from monitor.articles import ArticleBuilder
        from monitor.extract import default_extractor
        from monitor.notify import Dispatcher, RetryPolicy
        from monitor.rulefiles import RuleBook

        self.config = config
        self.store = store
        self.articles = ArticleBuilder(config.poll)
        self.extractor = default_extractor()
        self.rulebook = RuleBook(config.rules)
        self.alerting = AlertingPipeline(store, self.rulebook)
        delivery = config.delivery
        self.dispatcher = Dispatcher(
            store,
            lambda: self.rulebook.current().notifiers,
            retry=RetryPolicy(
                max_attempts=delivery.max_attempts, first_delay=delivery.first_delay, max_delay=delivery.max_delay
            ),
            lease=delivery.lease,
            send_timeout=delivery.send_timeout,
        )
        self.pollers = None
        self.broker_url = ""  # set by the worker once the broker is up
        self._emit: Callable[[FeedItem], Awaitable[None]] | None = None
        self._stop = asyncio.Event()
        self._background: list[asyncio.Task] = []
        self._web = None
        self.web_port: int | None = None
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()

    # -- wiring --------------------------------------------------------------------------------

    def set_emitter(self, emit: Callable[[FeedItem], Awaitable[None]]) -> None:
        self._emit = emit

    async def _emit_item(self, item: FeedItem) -> None:
        assert self._emit is not None, "the stream sets the emitter before pollers start"
        await self._emit(item)
        self.counts["items"] += 1
        metrics.items.inc()

    def _on_poll(self, url: str, outcome: Any) -> None:
        self.counts["polls"] += 1
        metrics.feeds_polled.inc()
        if getattr(outcome, "error", None):
            self.counts["poll_errors"] += 1
            metrics.poll_errors.inc()

    async def poll_feeds(self, feeds: list[FeedConfig]) -> None:
        """Poll exactly these feeds from now on (called after every rebalance)."""
        from monitor.poller import PollerGroup

        for feed in feeds:
            self.store.ensure_feed(feed.url, feed.display_name)
        if self.pollers is None:
            self.pollers = PollerGroup(self.store, self.config.poll, self._emit_item, on_poll=self._on_poll)
            await self.pollers.start(feeds)
        else:
            await self.pollers.update(feeds)

    async def start_background(self) -> None:
        self._background.append(asyncio.create_task(self.dispatcher.run(self._stop), name="dispatcher"))
        await self.start_web()

    async def start_web(self) -> None:
        """The web view, JSON API, /health and /metrics on the configured port (0 = any free port)."""
        from aiohttp import web

        from monitor.web.app import make_web_app

        app = make_web_app(
            self.store,
            tile_url=self.config.tile_url or None,
            watched=lambda place: self.rulebook.current().watches(place),
            broker_status=self.broker_status,
        )
        self._web = web.AppRunner(app, access_log=None)
        await self._web.setup()
        site = web.TCPSite(self._web, self.config.web_host, self.config.web_port)
        await site.start()
        self.web_port = self._web.addresses[0][1] if self._web.addresses else self.config.web_port
        log.info("web view on http://%s:%s/", self.config.web_host, self.web_port)

    def wake_dispatcher(self) -> None:
        wake = getattr(self.dispatcher, "wake", None)
        if wake:
            wake()

    async def close(self) -> None:
        self._stop.set()
        if self.pollers is not None:
            await self.pollers.stop()
        await cancel_and_wait(self._background)
        if self._web is not None:
            await self._web.cleanup()
        await self.articles.close()

    async def broker_status(self) -> dict[str, Any]:
        """Whether the broker answers on its bootstrap address (for /health)."""
        if not self.broker_url:
            return {"ok": False, "error": "not started"}
        host, _, port = bootstrap_servers(self.broker_url).split(",")[0].rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2.0)
        except (OSError, asyncio.TimeoutError) as exc:
            return {"ok": False, "error": type(exc).__name__}
        writer.close()
        return {"ok": True}

    # -- the stages ----------------------------------------------------------------------------

    async def build_article(self, item: FeedItem) -> Article | None:
        try:
            article = await self.articles.build(item)
        except Exception:  # a bad page must not stop the stream; the item stays in SQL history
            log.exception("could not build an article from %s", item.link or item.key)
            return None
        article = article.model_copy(update={"fetched_at": item.fetched_at})
        self.store.save_article(article)
        self.counts["articles"] += 1
        metrics.articles.inc()
        return article

    async def extract_events(self, article: Article) -> list[Event]:
        source = Source(
            outlet=article.outlet,
            url=article.url,
            title=article.title,
            published=article.published,
            article_id=article.id,
            fetched_at=article.fetched_at,
        )
        published = article.published or datetime.now(UTC)
        events = await asyncio.to_thread(
            self.extractor.extract, article.text, published=published, title=article.title, source=source
        )
        for event in events:
            self.store.save_event(event)
        self.counts["events"] += len(events)
        metrics.events.inc(len(events))
        if events:
            log.info(
                "%s: %s",
                article.title or article.url,
                "; ".join(
                    f"{e.location.name} → {e.actor.name if e.actor else '?'} ({e.timing}, {e.certainty})"
                    for e in events
                ),
            )
        return events

    async def handle_event(self, event: Event, state: Any) -> tuple[Any, list[str]]:
        """Control map + rules for one event; returns the place's new state and the recorded alert keys."""
        new_state, alerts = await asyncio.to_thread(self.alerting.handle_event, event, state)
        keys = [alert.key for alert in alerts]
        if keys and event.source is not None:
            metrics.observe_alert_latency(fetched_at=event.source.fetched_at, published_at=event.source.published)
        self.counts["alerts"] += len(keys)
        return new_state, keys

    # -- progress ------------------------------------------------------------------------------

    def report_status(self) -> None:
        c = self.counts
        feeds = len(self.pollers.feeds) if self.pollers is not None and hasattr(self.pollers, "feeds") else 0
        print(
            f"frontwatch: up {int(time.monotonic() - self.started)}s · {feeds} feeds · {c['polls']} polls"
            f" ({c['poll_errors']} failed) · {c['items']} items · {c['articles']} articles"
            f" · {c['events']} events · {c['alerts']} alerts",
            file=sys.stderr,
            flush=True,
        )
