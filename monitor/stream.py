"""The stream topology: every topic, agent, table and timer of the worker, declared in one place.

    pollers ─▶ feed-items ─▶ [clean] ─▶ articles ─▶ [extract] ─▶ events ─▶ [control map + rules] ─▶ alerts ─▶ [deliver]
                 key: item       fetch page,   key: article   gazetteer,   key: place   Faust table by place,   key: alert   apprise,
                                 trafilatura                  actors, time              SQL history, rules              retries

Agents only move records between topics and the services in ``monitor.runtime.Services``; every
decision lives in a pure module (``clean``, ``extract``, ``control``, ``rules``, ``alerting``).
Events are keyed by the place's key, so the ``control`` table and the ``events`` topic are
co-partitioned: more partitions + more workers = more throughput.

Feeds are polled by exactly one worker: feed ``f`` belongs to partition ``crc32(f.url) % N`` of the
feed-items topic, and whoever holds that partition after a rebalance polls it.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable

import faust

from monitor import metrics
from monitor.config import FeedConfig, MonitorConfig
from monitor.records import Article, Event, FeedItem
from monitor.runtime import Services

log = logging.getLogger("monitor.stream")

APP_ID = "frontwatch"

# topic name -> what it carries; every one has `config.partitions` partitions
TOPIC_NAMES = {
    "feed_items": f"{APP_ID}-feed-items",
    "articles": f"{APP_ID}-articles",
    "events": f"{APP_ID}-events",
    "alerts": f"{APP_ID}-alerts",
}
CONTROL_TABLE = "control"


def topic_partitions(partitions: int) -> dict[str, int]:
    """Every topic the worker needs, with the partition counts Faust expects (created before start)."""
    topics = {name: partitions for name in TOPIC_NAMES.values()}
    topics[f"{APP_ID}-{CONTROL_TABLE}-changelog"] = partitions
    topics[f"{APP_ID}-__assignor-__leader"] = 1
    return topics


def feed_partition(feed: FeedConfig, partitions: int) -> int:
    return zlib.crc32(feed.url.encode("utf-8")) % partitions


def owned_feeds(feeds: list[FeedConfig], owned_partitions: set[int], partitions: int) -> list[FeedConfig]:
    return [feed for feed in feeds if feed_partition(feed, partitions) in owned_partitions]


async def handle_safely(stage: str, record_id: str, step: Callable[[], Awaitable[None]], attempts: int = 3) -> None:
    """Run one record through one stage; a failing record is retried, then logged, never kills the agent."""
    for attempt in range(1, attempts + 1):
        try:
            await step()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            if attempt == attempts:
                log.exception("%s: giving up on %s after %d attempts", stage, record_id, attempts)
                return
            log.warning("%s: attempt %d on %s failed; retrying", stage, attempt, record_id, exc_info=True)
            await asyncio.sleep(0.2 * 2**attempt)


async def send_acked(topic: faust.TopicT, key: str, value: dict) -> None:
    """Send and wait until the broker has the message: only then may the caller forget its input
    (mark a feed item seen, let the agent's offset be committed). Faust's ``send`` only buffers."""
    pending = await topic.send(key=key.encode(), value=value)
    await pending


def rewind_uncommitted_partitions(app: faust.App, topics: set[str]) -> None:
    """Make "earliest" true for partitions that have no committed offset yet.

    Faust drops records it fetched while its flow was stopped (during a rebalance) and then seeks every
    partition back to its committed offset; a partition that nobody ever committed (a worker died before
    its first commit, or records arrived after it died) is not sought at all, so those records were lost.
    After Faust's seek, such partitions of our topics are sent back to their first offset: their records
    are read again (every stage is idempotent) rather than skipped.
    """
    consumer = app.consumer
    seek_to_committed = consumer.seek_to_committed

    async def seek_to_committed_or_beginning():
        committed = await seek_to_committed()
        never_committed = [tp for tp, offset in committed.items() if not offset and tp.topic in topics]
        if never_committed:
            log.debug("no committed offset: reading %s from the start", never_committed)
            for tp in never_committed:  # offset 0; where retention removed it, "earliest" applies
                await consumer.seek(tp, 0)
        return committed

    consumer.seek_to_committed = seek_to_committed_or_beginning


def build_app(config: MonitorConfig, broker_url: str, services: Services) -> faust.App:
    """The Faust app with its topics, table, agents and timers."""
    app = faust.App(
        APP_ID,
        broker=broker_url,
        store="memory://",
        topic_partitions=config.partitions,
        topic_allow_declare=False,  # ensure_topics() created them with the right counts
        topic_disable_leader=False,
        broker_rebalance_timeout=3.0,
        broker_session_timeout=10.0,
        broker_heartbeat_interval=1.0,
        consumer_auto_offset_reset="earliest",
        table_standby_replicas=0,
        web_enabled=False,
        value_serializer="json",
        key_serializer="raw",
    )

    feed_items = app.topic(TOPIC_NAMES["feed_items"], partitions=config.partitions)
    articles = app.topic(TOPIC_NAMES["articles"], partitions=config.partitions)
    events = app.topic(TOPIC_NAMES["events"], partitions=config.partitions)
    alerts = app.topic(TOPIC_NAMES["alerts"], partitions=config.partitions)

    # Who holds each place, keyed by place key; rebuilt from SQL on demand (the broker keeps nothing).
    control = app.Table(CONTROL_TABLE, partitions=config.partitions)

    async def emit_item(item: FeedItem) -> None:
        await send_acked(feed_items, item.id, item.to_json())

    services.set_emitter(emit_item)
    rewind_uncommitted_partitions(app, topics=set(TOPIC_NAMES.values()))

    @app.agent(feed_items)
    async def clean(stream):
        async for value in stream:
            item = FeedItem.model_validate(value)

            async def step() -> None:
                article = await services.build_article(item)
                if article is not None:
                    await send_acked(articles, article.id, article.to_json())

            await handle_safely("clean", item.link or item.key, step)

    @app.agent(articles)
    async def extract(stream):
        async for value in stream:
            article = Article.model_validate(value)

            async def step() -> None:
                for event in await services.extract_events(article):
                    await send_acked(events, event.location.key, event.to_json())

            await handle_safely("extract", article.url or article.id, step)

    @app.agent(events)
    async def control_map(stream):
        async for value in stream:
            event = Event.model_validate(value)
            place_key = event.location.key

            async def step() -> None:
                new_state, fired = await services.handle_event(event, control.get(place_key))
                if new_state is not None:
                    control[place_key] = new_state
                for alert_key in fired:
                    await send_acked(alerts, alert_key, {"key": alert_key})

            await handle_safely("control", f"{place_key} ({event.id})", step)

    @app.agent(alerts)
    async def deliver(stream):
        async for _value in stream:
            services.wake_dispatcher()

    @app.task
    async def start_background() -> None:
        await services.start_background()

    @app.on_rebalance_complete.connect
    async def assign_feeds(sender, **kwargs) -> None:
        owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == feed_items.get_topic_name()}
        mine = owned_feeds(config.feeds, owned, config.partitions)
        log.info("this worker polls %d of %d feeds", len(mine), len(config.feeds))
        await services.poll_feeds(mine)

    lag_reported: set = set()

    @app.timer(5.0)
    async def consumer_lag() -> None:
        """Messages not yet consumed, per partition this worker owns (the /metrics gauge)."""
        owned = {tp for tp in app.assignor.assigned_actives() if tp.topic in TOPIC_NAMES.values()}
        for tp in lag_reported - owned:
            metrics.forget_partition(tp.topic, tp.partition)
        lag_reported.clear()
        if not owned:
            return
        highwaters = await app.consumer.highwaters(*owned)
        for tp in owned:
            position = await app.consumer.position(tp)
            if position is not None and tp in highwaters:
                metrics.set_consumer_lag(tp.topic, tp.partition, highwaters[tp] - position)
                lag_reported.add(tp)

    if config.status_interval > 0:

        @app.timer(config.status_interval)
        async def status() -> None:
            services.report_status()

    @app.on_before_shutdown.connect
    def on_shutdown(sender, **kwargs) -> None:
        log.info("shutting down")

    return app
