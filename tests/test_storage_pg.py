"""The Store on both databases it runs on: a SQLite file and the real PostgreSQL server.

Every test here runs twice (``database_url`` is parametrised); PostgreSQL cases get a fresh schema.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from monitor.records import ActorRef, Article, Event, Place, Source
from monitor.storage import AlertRow, Store
from tests.pgtools import database_url, pg_url  # noqa: F401 - fixtures

ALEPPO = Place(name="Ḥalab", mention="حلب", geonameid=170063, country="SY", admin1="Aleppo", lat=36.2, lon=37.16)
GROUP = ActorRef(id="group-a", name="Group A", side="non_state")
STATE = ActorRef(id="state-b", name="State B forces", side="state")


@pytest.fixture()
def store(database_url: str):  # noqa: F811
    opened = Store(database_url)
    yield opened
    opened.close()


def make_event(article_id: str = "a1", place: Place = ALEPPO, day: date = date(2024, 11, 30)) -> Event:
    return Event(
        subtype="non_state_overtakes", location=place, actor=GROUP, previous=STATE, date=day, confidence=0.9,
        evidence=["Group A said it entered the city (test wording)."],
        source=Source(outlet="Test Wire", url="https://news.test/1", article_id=article_id),
    )


def test_backend_is_the_one_asked_for(store: Store, database_url: str):  # noqa: F811
    assert store.engine.dialect.name == ("postgresql" if database_url.startswith("postgresql") else "sqlite")
    store.ping()
    assert store.counts() == {"feeds": 0, "items": 0, "articles": 0, "events": 0, "alerts": 0}


def test_feed_health_and_times_are_naive_utc(store: Store):
    store.ensure_feed("https://news.test/rss", "Test")
    store.ensure_feed("https://news.test/rss", "Test renamed")
    at = datetime(2026, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    store.record_poll_success("https://news.test/rss", etag='"e1"', last_modified=None, new_items=3, at=at)
    assert store.record_poll_failure("https://news.test/rss", error="timeout" * 500, at=at) == 1
    assert store.record_poll_failure("https://news.test/rss", error="503", at=at) == 2
    store.record_poll_success("https://news.test/rss", etag='"e2"', last_modified="x", new_items=2, at=at)
    (feed,) = store.list_feeds()
    assert feed.name == "Test renamed" and feed.etag == '"e2"' and feed.items_seen == 5
    assert feed.consecutive_failures == 0 and feed.last_error == "503"
    assert feed.last_success == datetime(2026, 3, 1, 12, 0) and feed.last_success.tzinfo is None


def test_seen_items(store: Store):
    assert store.unseen([]) == set()
    store.mark_seen("https://news.test/rss", [("i1", "guid-1"), ("i2", "guid-2")])
    store.mark_seen("https://news.test/rss", [("i2", "guid-2"), ("i3", "guid-3")])
    assert store.unseen(["i1", "i3", "i4"]) == {"i4"}
    assert store.counts()["items"] == 3


def test_articles_and_events_are_stored_once_and_round_trip(store: Store):
    article = Article(id="a1", url="https://news.test/1", title="عنوان", outlet="Test Wire",
                      published=datetime(2024, 11, 30, 9, tzinfo=UTC), text="نص " * 20_000)
    assert store.save_article(article) is True
    assert store.save_article(article) is False
    event = make_event()
    assert store.save_event(event) is True
    assert store.save_event(event) is False
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert store.events_since(since) == [event]  # the whole contract survives JSON storage
    assert store.events_since(datetime.now(UTC) + timedelta(minutes=1)) == []
    assert store.events_by_id([event.id, "missing"])[event.id].place_name == "Ḥalab"
    assert store.latest_event_by_place([ALEPPO.key])[ALEPPO.key].id == event.id
    assert [row.id for row in store.recent_events()] == [event.id]


def test_control_state_and_history(store: Store):
    assert store.load_control() == {}
    store.save_control(ALEPPO.key, {"holder": GROUP.to_json(), "since": date(2024, 11, 30)},
                       {"place_name": "Ḥalab", "holder_id": "group-a", "previous_id": "state-b",
                        "event_date": "2024-11-30", "event_id": "e1"})
    store.save_control(ALEPPO.key, {"holder": STATE.to_json()},
                       {"place_name": "Ḥalab", "holder_id": "state-b", "previous_id": "group-a", "change": "contest"})
    store.save_control("name:sy:elsewhere", {"holder": None})
    state = store.load_control()
    assert state[ALEPPO.key] == {"holder": STATE.to_json()} and state["name:sy:elsewhere"] == {"holder": None}
    history = store.control_history()
    assert [(h.holder_id, h.change) for h in history] == [("state-b", "contest"), ("group-a", "change")]
    assert history[1].event_date == date(2024, 11, 30) and history[1].payload["event_id"] == "e1"
    assert store.control_history(place_key="name:sy:elsewhere") == []
    assert {row.place_key for row in store.list_control()} == {ALEPPO.key, "name:sy:elsewhere"}


def test_alerts_are_recorded_once_with_their_deliveries(store: Store):
    row = AlertRow(key="k1", rule="r", place_key=ALEPPO.key, summary="s", payload={"x": 1})
    assert store.record_alert(row, ["slack", "mail"]) is True
    assert store.record_alert(AlertRow(key="k1", rule="r"), ["slack"]) is False
    assert store.get_alert("k1").payload == {"x": 1}
    assert {d.notifier for d in store.deliveries("k1")} == {"slack", "mail"}
    assert {d.notifier for d in store.deliveries_for(["k1", "k2"])} == {"slack", "mail"}
    assert [a.key for a in store.list_alerts(status="pending")] == ["k1"]
    assert store.list_alerts(status="sent") == []


def test_two_workers_record_the_same_alert_once(database_url: str):  # noqa: F811
    """Two stores (two workers) racing on one alert key: exactly one records it, neither raises."""
    first, second = Store(database_url), Store(database_url)
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def record(store: Store) -> None:
        barrier.wait()
        results.append(store.record_alert(AlertRow(key="same", rule="r"), ["slack"]))

    threads = [threading.Thread(target=record, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert len(first.deliveries("same")) == 1
    first.close()
    second.close()
