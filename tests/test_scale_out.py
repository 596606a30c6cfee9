"""Two workers in one consumer group on a real broker and the real PostgreSQL: feeds are polled once,
and when one worker is killed mid-stream its feeds move, every item is processed, and no alert is lost
or sent twice.
"""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import sqlalchemy

from monitor.broker import EmbeddedBroker
from monitor.config import FeedConfig
from monitor.stream import feed_partition, owned_feeds
from tests.e2e import Monitor, NewsSite, Page, Servers, Webhook, wait_for

pytestmark = pytest.mark.slow

PARTITIONS = 4

# Short reports written for this test, one change of control each; {place} is filled in.
REPORTS = [
    ("Rebels take {place}", "Rebel fighters have captured the town of {place} from government forces, a war monitor said."),
    ("Army retakes {place}", "Government troops have recaptured the town of {place} from the rebels, state media reported."),
]
PLACES_FIRST = ["Saraqib", "Kafr Nabl", "Khan Shaykhun", "Ariha"]
PLACES_SECOND = ["Manbij", "Jarablus", "Azaz", "Salqin"]


def test_feed_ownership_is_a_partition_of_the_feeds():
    feeds = [FeedConfig(url=f"http://site/{n}.xml") for n in range(40)]
    halves = [owned_feeds(feeds, {0, 1}, 4), owned_feeds(feeds, {2, 3}, 4)]
    assert sorted(f.url for half in halves for f in half) == sorted(f.url for f in feeds)
    assert not {f.url for f in halves[0]} & {f.url for f in halves[1]}
    assert all(0 <= feed_partition(f, 4) < 4 for f in feeds)


def spread_feed_names(base: str) -> list[str]:
    """Four feed names whose URLs fall on four different partitions, so both workers get feeds."""
    chosen: dict[int, str] = {}
    n = 0
    while len(chosen) < PARTITIONS:
        name = f"desk{n}"
        chosen.setdefault(feed_partition(FeedConfig(url=f"{base}/feeds/{name}.xml"), PARTITIONS), name)
        n += 1
    return list(chosen.values())


def report(place: str, index: int) -> Page:
    title, text = REPORTS[index % len(REPORTS)]
    slug = place.lower().replace(" ", "-")
    return Page(f"/news/{slug}", title.format(place=place), text.format(place=place), format_datetime(datetime.now(UTC)))


def test_two_workers_share_feeds_and_survive_a_kill(tmp_path, pg_url):
    servers = Servers()
    servers.start()
    site, hook = NewsSite(), Webhook()
    site.port = servers.serve(site.app())
    hook.port = servers.serve(hook.app())
    names = spread_feed_names(site.base)
    for name in names:
        site.feeds[name] = []

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "all.yaml").write_text(
        f"""
notifiers:
  hook: json://127.0.0.1:{hook.port}/alerts
rules:
  - name: every-change
    when: control_change
    max_age: 30d
    group_wait: 0s
    notify: [hook]
"""
    )
    feeds = "".join(f"  - {{name: {n}, url: '{site.base}/feeds/{n}.xml', interval: 1s}}\n" for n in names)
    config = tmp_path / "monitor.yaml"
    config.write_text(
        f"""
broker: ${{KAFKA_URL}}
database: {pg_url}
rules: ["{rules}/*.yaml"]
web_port: 0
partitions: {PARTITIONS}
status_interval: 5s
poll:
  timeout: 5
  user_agent: frontwatch-test/${{WORKER_NAME}}
feeds:
{feeds}"""
    )
    broker = EmbeddedBroker()
    broker.start()
    env = {"KAFKA_URL": broker.url}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    worker_a = Monitor(config, cwd=tmp_path / "a", env={**env, "WORKER_NAME": "a"})
    worker_b = Monitor(config, cwd=tmp_path / "b", env={**env, "WORKER_NAME": "b"})
    logs = lambda: "--- a ---\n" + worker_a.output()[-3000:] + "\n--- b ---\n" + worker_b.output()[-3000:]  # noqa: E731
    engine = sqlalchemy.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg2://"))
    try:
        # 1. Both workers joined: every feed is polled, each by exactly one worker, and both poll.
        wait_for(lambda: _pollers_by_feed(site, since=0.0, settle=True), 90, what="both workers polling", diagnose=logs)
        time.sleep(3)  # let both workers finish handing feeds over after the rebalance
        window_start = time.monotonic()
        time.sleep(5)
        by_feed = _pollers_by_feed(site, since=window_start)
        assert set(by_feed) == {f"/feeds/{n}.xml" for n in names}, by_feed
        assert all(len(agents) == 1 for agents in by_feed.values()), f"a feed was polled twice: {by_feed}"
        assert {a for agents in by_feed.values() for a in agents} == {"frontwatch-test/a", "frontwatch-test/b"}

        # 2. A first batch flows through to one alert per change.
        for i, (name, place) in enumerate(zip(names, PLACES_FIRST, strict=True)):
            site.feeds[name].append(report(place, i))
        wait_for(lambda: len(hook.received) >= 4, 60, what="the first four alerts", diagnose=logs)

        # 3. Kill worker a mid-stream, as the second batch arrives.
        for i, (name, place) in enumerate(zip(names, PLACES_SECOND, strict=True)):
            site.feeds[name].append(report(place, i + 1))
        worker_a.process.send_signal(signal.SIGKILL)
        worker_a.process.wait(10)
        killed_at = time.monotonic()

        # Its feeds move to b.
        def b_polls_everything() -> bool:
            recent = _pollers_by_feed(site, since=time.monotonic() - 2.5)
            return len(recent) == 4 and all(agents == {"frontwatch-test/b"} for agents in recent.values())

        wait_for(b_polls_everything, 60, what="worker b taking over every feed", diagnose=logs)
        assert time.monotonic() > killed_at

        # Every change is alerted at most once, and every item is processed.
        total = len(PLACES_FIRST) + len(PLACES_SECOND)
        all_stored = _eventually(lambda: _count(engine, "articles") == total, 60)
        wait_for(lambda: len(hook.received) >= _count(engine, "alerts"), 30, what="recorded alerts sent", diagnose=logs)
        time.sleep(5)
        alerted = [str(body) for body in hook.received]
        for place in PLACES_FIRST + PLACES_SECOND:
            assert sum(place in body for body in alerted) <= 1, f"{place} alerted twice: {alerted}"
        # Records sent into the dead worker's partitions before anyone committed there are read too
        # (monitor.stream.rewind_uncommitted_partitions; without it, 1 run in 4 lost one).
        assert all_stored, f"{_count(engine, 'articles')} of {total} items processed after the failover\n{logs()}"
        assert len(alerted) == total, alerted
        for place in PLACES_FIRST + PLACES_SECOND:
            assert sum(place in body for body in alerted) == 1, (place, alerted)
    finally:
        for worker in (worker_a, worker_b):
            worker.stop(signal.SIGTERM)
        engine.dispose()
        broker.stop()
        servers.stop()


def _pollers_by_feed(site: NewsSite, since: float, settle: bool = False):
    by_feed: dict[str, set[str]] = {}
    for at, path, agent in site.polls:
        if at >= since:
            by_feed.setdefault(path, set()).add(agent)
    if settle:  # both workers have polled something and all four feeds are covered
        agents = {a for group in by_feed.values() for a in group}
        return len(by_feed) == 4 and len(agents) == 2 and by_feed
    return by_feed


def _eventually(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def _count(engine, table: str) -> int:
    try:
        with engine.connect() as connection:
            return connection.execute(sqlalchemy.text(f"select count(*) from {table}")).scalar_one()
    except sqlalchemy.exc.SQLAlchemyError:
        return 0
