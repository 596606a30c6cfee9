"""Durable state in SQL through sqlmodel: SQLite by default, PostgreSQL in deployment.

The broker keeps nothing that must survive a restart; this does: which feed items were seen,
feed health, articles, events, who holds what (and the history of it), alerts and deliveries.
The worker rebuilds its in-memory tables from here on start.

``Store`` is the only thing that talks SQL; everything else hands it records and gets records back.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Text, event as sa_event, func, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, create_engine, select

from monitor.records import Article, Event


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(moment: datetime | None) -> datetime | None:
    """Store datetimes as naive UTC: SQLite and PostgreSQL then agree.

    Table columns are annotated ``NaiveDatetime``: sqlmodel >= 0.0.50 maps a plain ``datetime`` to a
    timezone-aware column type that refuses naive values.
    """
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


class FeedRow(SQLModel, table=True):
    __tablename__ = "feeds"
    url: str = Field(primary_key=True)
    name: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_polled: NaiveDatetime | None = None
    last_success: NaiveDatetime | None = None
    last_error: str | None = None
    last_error_at: NaiveDatetime | None = None
    consecutive_failures: int = 0
    items_seen: int = 0


class SeenItemRow(SQLModel, table=True):
    __tablename__ = "seen_items"
    id: str = Field(primary_key=True)  # FeedItem.id
    feed_url: str = Field(index=True)
    key: str
    first_seen: NaiveDatetime = Field(default_factory=utcnow)


class ArticleRow(SQLModel, table=True):
    __tablename__ = "articles"
    id: str = Field(primary_key=True)
    url: str | None = None
    title: str = ""
    outlet: str = ""
    published: NaiveDatetime | None = None
    text: str = Field(default="", sa_column=Column(Text))
    feed_url: str | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    id: str = Field(primary_key=True)
    article_id: str | None = Field(default=None, index=True)
    place_key: str = Field(index=True)
    place_name: str = ""
    actor_id: str | None = None
    event_date: date | None = None
    timing: str = "current"
    certainty: str = "reported"
    confidence: float = 0.0
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)


class ControlRow(SQLModel, table=True):
    """Who holds a place now, as the control map last decided."""

    __tablename__ = "control"
    place_key: str = Field(primary_key=True)
    state: dict = Field(default_factory=dict, sa_column=Column(JSON))
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class ControlHistoryRow(SQLModel, table=True):
    """Every transition of the control map, oldest first."""

    __tablename__ = "control_history"
    id: int | None = Field(default=None, primary_key=True)
    place_key: str = Field(index=True)
    place_name: str = ""
    previous_id: str | None = None
    holder_id: str | None = None
    change: str = "change"  # change | confirm | contest
    event_id: str | None = None
    event_date: date | None = None
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
    recorded_at: NaiveDatetime = Field(default_factory=utcnow, index=True)


class AlertRow(SQLModel, table=True):
    """An alert, recorded before any delivery is tried (the key makes it idempotent)."""

    __tablename__ = "alerts"
    key: str = Field(primary_key=True)
    rule: str = Field(index=True)
    place_key: str = ""
    summary: str = ""
    base_key: str = Field(default="", index=True)  # the change's key; updates share it (see monitor.alerting)
    incident_id: str | None = None
    revision: int = 0  # 0 = the first alert of a change, 1.. = updates
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = "pending"  # pending | sent | failed
    created_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class DeliveryRow(SQLModel, table=True):
    """One alert to one notifier: attempts, outcome, last error."""

    __tablename__ = "deliveries"
    alert_key: str = Field(primary_key=True)
    notifier: str = Field(primary_key=True)
    status: str = "pending"  # pending | sending | sent | failed
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: NaiveDatetime | None = None
    sent_at: NaiveDatetime | None = None
    updated_at: NaiveDatetime = Field(default_factory=utcnow)
    lease_until: NaiveDatetime | None = None  # while "sending": another worker may take it over after this
    claimed_by: str | None = None


class IncidentRow(SQLModel, table=True):
    """One change of hands at one place, merged from every report of it (``records.Incident`` + contrary sources)."""

    __tablename__ = "incidents"
    id: str = Field(primary_key=True)
    place_key: str = Field(index=True)
    holder_id: str | None = None
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
    updated_at: NaiveDatetime = Field(default_factory=utcnow, index=True)


# ---------------------------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------------------------


def use_wal(cursor, attempts: int = 50) -> None:
    """Put a SQLite file in WAL mode (it stays so). Switching needs a moment alone with the file and
    does not wait for other connections, so a process opening it while others work retries briefly."""
    for attempt in range(attempts):
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() in ("wal", "memory"):
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 + 0.01 * attempt)


def make_engine(url: str) -> Engine:
    """An engine for the URL; a SQLite file's folder is created, and SQLite runs in WAL mode."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa_event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            try:
                use_wal(cursor)
                cursor.execute("PRAGMA synchronous=NORMAL")
            finally:
                cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema: the alembic migrations of ``monitor.migrations``.

    The one way a database gets its tables, SQLite or PostgreSQL, in tests and in deployment; several
    workers opening one new database at once migrate it once. A table change here needs a new revision
    (``alembic revision --autogenerate``); ``tests/test_migrations.py`` fails until it exists.
    """
    from monitor import migrations

    migrations.upgrade(engine)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _history_row(place_key: str, history: dict[str, Any]) -> ControlHistoryRow:
    history = _jsonable(history)
    return ControlHistoryRow(
        place_key=place_key,
        place_name=history.get("place_name", ""),
        previous_id=history.get("previous_id"),
        holder_id=history.get("holder_id"),
        change=history.get("change", "change"),
        event_id=history.get("event_id"),
        event_date=date.fromisoformat(history["event_date"]) if history.get("event_date") else None,
        payload=history,
    )


# ---------------------------------------------------------------------------------------------
# Store
# ---------------------------------------------------------------------------------------------


class Store:
    """All reads and writes of durable state. Methods are small and transactional."""

    def __init__(self, url: str, *, create: bool = True):
        self.url = url
        self.engine = make_engine(url)
        if create:
            create_schema(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> None:
        """Raise when the database cannot be reached (for health checks)."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    # -- feeds ---------------------------------------------------------------------------------

    def ensure_feed(self, url: str, name: str) -> FeedRow:
        with self.session() as s:
            row = s.get(FeedRow, url)
            if row is None:
                row = FeedRow(url=url, name=name)
                s.add(row)
            elif name and row.name != name:
                row.name = name
            s.commit()
            return row

    def get_feed(self, url: str) -> FeedRow | None:
        with self.session() as s:
            return s.get(FeedRow, url)

    def list_feeds(self) -> list[FeedRow]:
        with self.session() as s:
            return list(s.exec(select(FeedRow).order_by(FeedRow.url)))

    def record_poll_success(
        self, url: str, *, etag: str | None, last_modified: str | None, new_items: int, at: datetime
    ) -> None:
        with self.session() as s:
            row = s.get(FeedRow, url) or FeedRow(url=url)
            row.etag, row.last_modified = etag, last_modified
            row.last_polled = row.last_success = naive_utc(at)
            row.consecutive_failures = 0
            row.items_seen += new_items
            s.add(row)
            s.commit()

    def record_poll_failure(self, url: str, *, error: str, at: datetime) -> int:
        """Record a failed poll; returns the number of consecutive failures."""
        with self.session() as s:
            row = s.get(FeedRow, url) or FeedRow(url=url)
            row.last_polled = row.last_error_at = naive_utc(at)
            row.last_error = error[:1000]
            row.consecutive_failures += 1
            s.add(row)
            s.commit()
            return row.consecutive_failures

    # -- seen items ----------------------------------------------------------------------------

    def unseen(self, ids: Iterable[str]) -> set[str]:
        """The ids among these that were never marked seen."""
        wanted = set(ids)
        if not wanted:
            return set()
        with self.session() as s:
            known = set(s.exec(select(SeenItemRow.id).where(SeenItemRow.id.in_(wanted))))
        return wanted - known

    def mark_seen(self, feed_url: str, items: Iterable[tuple[str, str]]) -> None:
        """Mark (id, key) pairs of one feed seen; ids already there are left alone."""
        with self.session() as s:
            for item_id, key in items:
                if s.get(SeenItemRow, item_id) is None:
                    s.add(SeenItemRow(id=item_id, feed_url=feed_url, key=key))
            s.commit()

    # -- articles and events -------------------------------------------------------------------

    def save_article(self, article: Article) -> bool:
        """Store an article; False when it was stored already."""
        with self.session() as s:
            if s.get(ArticleRow, article.id) is not None:
                return False
            s.add(
                ArticleRow(
                    id=article.id,
                    url=article.url,
                    title=article.title,
                    outlet=article.outlet,
                    published=naive_utc(article.published),
                    text=article.text,
                    feed_url=article.feed_url,
                )
            )
            s.commit()
            return True

    def save_event(self, event: Event) -> bool:
        """Store an event; False when it was stored already."""
        with self.session() as s:
            if s.get(EventRow, event.id) is not None:
                return False
            s.add(
                EventRow(
                    id=event.id,
                    article_id=event.source.article_id if event.source else None,
                    place_key=event.location.key,
                    place_name=event.location.name,
                    actor_id=event.actor.id if event.actor else None,
                    event_date=event.date,
                    timing=event.timing,
                    certainty=event.certainty,
                    confidence=event.confidence,
                    payload=event.to_json(),
                )
            )
            s.commit()
            return True

    def events_since(self, since: datetime) -> list[Event]:
        with self.session() as s:
            rows = s.exec(
                select(EventRow).where(EventRow.created_at >= naive_utc(since)).order_by(EventRow.created_at)
            )
            return [Event.model_validate(row.payload) for row in rows]

    def recent_events(self, limit: int = 50) -> list[EventRow]:
        with self.session() as s:
            return list(s.exec(select(EventRow).order_by(EventRow.created_at.desc()).limit(limit)))

    def events_by_id(self, ids: Iterable[str]) -> dict[str, EventRow]:
        wanted = {i for i in ids if i}
        if not wanted:
            return {}
        with self.session() as s:
            return {row.id: row for row in s.exec(select(EventRow).where(EventRow.id.in_(wanted)))}

    def latest_event_by_place(self, place_keys: Iterable[str]) -> dict[str, EventRow]:
        """The newest stored event of each of these places (to locate a place on a map)."""
        wanted = set(place_keys)
        if not wanted:
            return {}
        with self.session() as s:
            rows = s.exec(select(EventRow).where(EventRow.place_key.in_(wanted)).order_by(EventRow.created_at))
            return {row.place_key: row for row in rows}

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status output."""
        out: dict[str, int] = {}
        with self.session() as s:
            for name, model in (
                ("feeds", FeedRow),
                ("items", SeenItemRow),
                ("articles", ArticleRow),
                ("events", EventRow),
                ("alerts", AlertRow),
            ):
                out[name] = s.exec(select(func.count()).select_from(model)).one()
        return out

    # -- control map ---------------------------------------------------------------------------

    def load_control(self) -> dict[str, dict[str, Any]]:
        with self.session() as s:
            return {row.place_key: row.state for row in s.exec(select(ControlRow))}

    def save_control(self, place_key: str, state: dict[str, Any], history: dict[str, Any] | None = None) -> None:
        """Write a place's control state and, in the same transaction, its history row."""
        state = json.loads(json.dumps(state, default=str))
        with self.session() as s:
            row = s.get(ControlRow, place_key)
            if row is None:
                row = ControlRow(place_key=place_key, state=state)
            else:
                row.state = state
                row.updated_at = utcnow()
            s.add(row)
            if history is not None:
                s.add(_history_row(place_key, history))
            s.commit()

    def list_control(self) -> list[ControlRow]:
        with self.session() as s:
            return list(s.exec(select(ControlRow).order_by(ControlRow.updated_at.desc())))

    def control_history(self, place_key: str | None = None, limit: int = 100) -> list[ControlHistoryRow]:
        with self.session() as s:
            query = select(ControlHistoryRow).order_by(ControlHistoryRow.id.desc()).limit(limit)
            if place_key:
                query = query.where(ControlHistoryRow.place_key == place_key)
            return list(s.exec(query))

    # -- alerts and deliveries -----------------------------------------------------------------

    def record_alert(self, row: AlertRow, notifiers: Iterable[str]) -> bool:
        """Record an alert and its pending deliveries, once. False when the key is known already."""
        with self.session() as s:
            if s.get(AlertRow, row.key) is not None:
                return False
            s.add(row)
            for name in notifiers:
                s.add(DeliveryRow(alert_key=row.key, notifier=name))
            try:
                s.commit()
            except IntegrityError:  # recorded concurrently by another worker
                s.rollback()
                return False
            return True

    def get_alert(self, key: str) -> AlertRow | None:
        with self.session() as s:
            return s.get(AlertRow, key)

    def list_alerts(self, limit: int = 50, status: str | None = None) -> list[AlertRow]:
        with self.session() as s:
            query = select(AlertRow).order_by(AlertRow.created_at.desc()).limit(limit)
            if status:
                query = query.where(AlertRow.status == status)
            return list(s.exec(query))

    def deliveries_for(self, alert_keys: Iterable[str]) -> list[DeliveryRow]:
        wanted = set(alert_keys)
        if not wanted:
            return []
        with self.session() as s:
            return list(s.exec(select(DeliveryRow).where(DeliveryRow.alert_key.in_(wanted))))

    def deliveries(self, alert_key: str | None = None, status: str | None = None) -> list[DeliveryRow]:
        with self.session() as s:
            query = select(DeliveryRow)
            if alert_key:
                query = query.where(DeliveryRow.alert_key == alert_key)
            if status:
                query = query.where(DeliveryRow.status == status)
            return list(s.exec(query))

    # -- the alerting pipeline (monitor.alerting, monitor.notify) ------------------------------

    def get_control(self, place_key: str) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.get(ControlRow, place_key)
            return row.state if row is not None else None

    def get_incident(self, incident_id: str) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.get(IncidentRow, incident_id)
            return row.payload if row is not None else None

    def incidents_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = {i for i in ids if i}
        if not wanted:
            return {}
        with self.session() as s:
            return {row.id: row.payload for row in s.exec(select(IncidentRow).where(IncidentRow.id.in_(wanted)))}

    def record_decision(
        self,
        place_key: str,
        state: dict[str, Any],
        history: dict[str, Any] | None,
        incident: dict[str, Any] | None,
        alerts: Iterable[tuple[AlertRow, Iterable[str], datetime]],
    ) -> list[str]:
        """One event's outcome in ONE transaction: control state + history row, the incident, and each
        alert with a pending delivery per notifier (first attempt not before the given time).

        Alerts whose key is known already are skipped; returns the keys recorded now.
        """
        alerts = list(alerts)
        try:
            return self._record_decision(place_key, state, history, incident, alerts)
        except IntegrityError:  # a concurrent writer recorded one of the alerts first: once more, skipping it
            return self._record_decision(place_key, state, history, incident, alerts)

    def _record_decision(
        self,
        place_key: str,
        state: dict[str, Any],
        history: dict[str, Any] | None,
        incident: dict[str, Any] | None,
        alerts: list[tuple[AlertRow, Iterable[str], datetime]],
    ) -> list[str]:
        recorded: list[str] = []
        with self.session() as s:
            row = s.get(ControlRow, place_key)
            if row is None:
                row = ControlRow(place_key=place_key)
            row.state, row.updated_at = _jsonable(state), utcnow()
            s.add(row)
            if history is not None:
                s.add(_history_row(place_key, history))
            if incident is not None:
                found = s.get(IncidentRow, incident["id"]) or IncidentRow(id=incident["id"], place_key=place_key)
                found.payload, found.updated_at = _jsonable(incident), utcnow()
                found.holder_id = (incident.get("holder") or {}).get("id")
                s.add(found)
            for alert, notifiers, not_before in alerts:
                if s.get(AlertRow, alert.key) is not None:
                    continue
                s.add(alert)
                for name in notifiers:
                    s.add(DeliveryRow(alert_key=alert.key, notifier=name, next_attempt_at=naive_utc(not_before)))
                recorded.append(alert.key)
            s.commit()
        return recorded

    def latest_alerts(self, base_keys: Iterable[str]) -> dict[str, AlertRow]:
        """The newest alert (highest revision) of each change key."""
        wanted = set(base_keys)
        if not wanted:
            return {}
        out: dict[str, AlertRow] = {}
        with self.session() as s:
            for row in s.exec(select(AlertRow).where(AlertRow.base_key.in_(wanted)).order_by(AlertRow.revision)):
                out[row.base_key] = row
        return out

    def claim_due_deliveries(
        self, now: datetime, *, lease_seconds: float, worker: str, limit: int = 20
    ) -> list[DeliveryRow]:
        """Claim deliveries that are due: pending and past their next attempt time, or stuck in "sending"
        past their lease (a worker died mid-send). Each claim is a conditional UPDATE on the row's status
        and attempt count, so of two workers racing for a row exactly one wins; the row comes back with
        status "sending", attempts + 1, and a lease."""
        now = naive_utc(now)
        lease_until = now + timedelta(seconds=lease_seconds)
        due = (
            (DeliveryRow.status == "pending")
            & (DeliveryRow.next_attempt_at.is_(None) | (DeliveryRow.next_attempt_at <= now))
        ) | ((DeliveryRow.status == "sending") & (DeliveryRow.lease_until <= now))
        claimed: list[DeliveryRow] = []
        with self.session() as s:
            candidates = list(s.exec(select(DeliveryRow).where(due).order_by(DeliveryRow.next_attempt_at).limit(limit)))
            for row in candidates:
                result = s.execute(
                    update(DeliveryRow)
                    .where(
                        (DeliveryRow.alert_key == row.alert_key)
                        & (DeliveryRow.notifier == row.notifier)
                        & (DeliveryRow.status == row.status)
                        & (DeliveryRow.attempts == row.attempts)
                    )
                    .values(
                        status="sending",
                        attempts=row.attempts + 1,
                        lease_until=lease_until,
                        claimed_by=worker,
                        updated_at=now,
                    )
                )
                s.commit()
                if result.rowcount == 1:
                    s.refresh(row)
                    claimed.append(row)
        return claimed

    def finish_delivery(
        self,
        claimed: DeliveryRow,
        now: datetime,
        *,
        error: str | None = None,
        retry_at: datetime | None = None,
        rendered: dict[str, Any] | None = None,
    ) -> bool:
        """Settle a claimed delivery: sent (no error), pending again until ``retry_at``, or failed for good
        (an error and no retry time). Only the holder of the claim may settle it (False otherwise). The
        alert's status follows its deliveries: sent when all are sent, failed when none is left to try;
        ``rendered`` (what the sent message said) is kept in the alert's payload."""
        now = naive_utc(now)
        values: dict[str, Any] = {"updated_at": now, "lease_until": None, "last_error": error}
        if error is None:
            values.update(status="sent", sent_at=now)
        elif retry_at is not None:
            values.update(status="pending", next_attempt_at=naive_utc(retry_at))
        else:
            values.update(status="failed")
        with self.session() as s:
            result = s.execute(
                update(DeliveryRow)
                .where(
                    (DeliveryRow.alert_key == claimed.alert_key)
                    & (DeliveryRow.notifier == claimed.notifier)
                    & (DeliveryRow.status == "sending")
                    & (DeliveryRow.attempts == claimed.attempts)
                )
                .values(**values)
            )
            if result.rowcount != 1:
                s.rollback()
                return False
            statuses = set(s.exec(select(DeliveryRow.status).where(DeliveryRow.alert_key == claimed.alert_key)))
            alert = s.get(AlertRow, claimed.alert_key)
            if alert is not None:
                if statuses <= {"sent"}:
                    alert.status = "sent"
                elif statuses <= {"sent", "failed"}:
                    alert.status = "failed"
                else:
                    alert.status = "pending"
                alert.updated_at = now
                if rendered is not None:
                    alert.payload = {**alert.payload, "rendered": _jsonable(rendered)}
                s.add(alert)
            s.commit()
            return True

    def requeue_failed(self, alert_keys: Iterable[str] | None, now: datetime) -> int:
        """Give failed deliveries (of these alerts, or all) a fresh set of attempts from now; returns how many."""
        now = naive_utc(now)
        condition = DeliveryRow.status == "failed"
        keys = None if alert_keys is None else set(alert_keys)
        if keys is not None:
            condition = condition & DeliveryRow.alert_key.in_(keys)
        with self.session() as s:
            touched = set(s.exec(select(DeliveryRow.alert_key).where(condition)))
            result = s.execute(
                update(DeliveryRow).where(condition).values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
            )
            if touched:
                s.execute(update(AlertRow).where(AlertRow.key.in_(touched)).values(status="pending", updated_at=now))
            s.commit()
            return result.rowcount
