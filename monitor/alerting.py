"""From an event to recorded alerts: control map → rules → alert decisions → SQL.

    AlertingPipeline(store, rulebook, clock=...).handle_event(event, state=None) -> HandledEvent(state, alerts)

The single entry point for the stream's ``control`` agent. For one event it

1. takes the place's control state: ``state`` as the caller keeps it (a Faust table value: the JSON of
   ``monitor.control.PlaceControl``), or, when None, the state stored in SQL (``Store.get_control``);
2. asks the pure ``ControlMap`` what the event means (change / confirm / contest / history only);
3. when an incident was created or changed, asks the rules (``RuleSet.match``) and the pure
   ``AlertDecider`` which alerts that makes;
4. records, in ONE transaction, the new control state and its history row, the incident, and every new
   alert with one pending delivery per notifier (``Store.record_decision``) — before returning;
5. returns ``HandledEvent(state, alerts)``: the place's new state (JSON, to put back in the table) and
   the alerts recorded by this call. It unpacks as a tuple: ``new_state, alerts = handle_event(...)``.

Delivery is not done here: ``monitor.notify.Dispatcher`` sends recorded deliveries when they are due.
Calling it again with the same event (a replay after a rebalance or a crash) changes nothing: the
control map ignores an event it has applied, and alert keys are idempotent.

Alert decisions (``AlertDecider``, pure): an alert's idempotency key is derived from rule + place +
new holder + incident, so one change makes one alert per rule, however many outlets report it. Its
first send waits ``group_wait`` for more reports; delivery renders the incident's sources as they are
at send time, so "three feeds, one change" is one alert listing three sources. After that, an update
(key + revision) is made only when ``repeat_after`` has passed since the last alert of the change and
the incident changed since (more outlets, stronger certainty, contested).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, Protocol

from pydantic import ValidationError

from monitor.control import CERTAINTY_RANK, ControlMap, PlaceControl
from monitor.records import Alert, Event, Incident, RuleMatch, stable_id
from monitor.render import clean, headline
from monitor.rules import source_count
from monitor.storage import AlertRow, Store, naive_utc

log = logging.getLogger("monitor.alerting")


class Rules(Protocol):
    def match(self, incident: Incident, now: datetime) -> list[RuleMatch]: ...


def change_key(rule: str, incident: Incident) -> str:
    """The idempotency key of one rule's alert about one change: rule + place + new holder + incident."""
    return stable_id(rule, incident.place.key, incident.holder.id if incident.holder else None, incident.id, length=24)


@dataclass(frozen=True, slots=True)
class AlertMark:
    """What the latest alert of a change told (or will tell) its recipients."""

    revision: int
    created_at: datetime
    sources: int
    contested: bool
    certainty: str


def snapshot(incident: Incident) -> dict[str, Any]:
    """The facts whose change is worth an update."""
    return {"sources": source_count(incident), "contested": incident.contested, "certainty": incident.certainty}


@dataclass(frozen=True)
class AlertDecider:
    """Which alerts an incident makes now. Pure."""

    def decide(
        self, incident: Incident, matches: list[RuleMatch], last: Mapping[str, AlertMark], now: datetime
    ) -> list[Alert]:
        alerts = []
        for match in matches:
            base = change_key(match.rule, incident)
            mark = last.get(base)
            if mark is None:
                alerts.append(self._alert(base, 0, match, incident, now, now + timedelta(seconds=match.group_wait)))
            elif self._worth_update(incident, match, mark, now):
                alerts.append(self._alert(base, mark.revision + 1, match, incident, now, now))
        return alerts

    @staticmethod
    def _worth_update(incident: Incident, match: RuleMatch, mark: AlertMark, now: datetime) -> bool:
        if match.repeat_after is None or now - _utc(mark.created_at) < timedelta(seconds=match.repeat_after):
            return False
        return (
            source_count(incident) > mark.sources
            or incident.contested != mark.contested
            or CERTAINTY_RANK[incident.certainty] > CERTAINTY_RANK.get(mark.certainty, 0)
        )

    @staticmethod
    def _alert(
        base: str, revision: int, match: RuleMatch, incident: Incident, now: datetime, not_before: datetime
    ) -> Alert:
        return Alert(
            key=base if revision == 0 else f"{base}-{revision}",
            base_key=base,
            revision=revision,
            rule=match.rule,
            notifiers=list(match.notifiers),
            incident=incident,
            is_update=revision > 0,
            not_before=not_before,
            created_at=now,
        )


class HandledEvent(NamedTuple):
    state: dict[str, Any] | None  # the place's new PlaceControl, as JSON (None: event ignored, no place)
    alerts: list[Alert]  # the alerts recorded by this call


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def alert_row(alert: Alert) -> AlertRow:
    return AlertRow(
        key=alert.key,
        rule=alert.rule,
        place_key=alert.incident.place.key,
        summary=headline(alert.incident, is_update=alert.is_update)[:300],
        base_key=alert.base_key,
        incident_id=alert.incident.id,
        revision=alert.revision,
        payload={"alert": alert.to_json(), "snapshot": snapshot(alert.incident)},
        status="pending" if alert.notifiers else "failed",  # no notifier to tell: visible, not dropped
        created_at=naive_utc(alert.created_at),
        updated_at=naive_utc(alert.created_at),
    )


def alert_mark(row: AlertRow) -> AlertMark:
    """The latest alert's mark: what its delivery rendered, else what it was recorded with."""
    seen = row.payload.get("rendered") or row.payload.get("snapshot") or {}
    return AlertMark(
        revision=row.revision,
        created_at=row.created_at,
        sources=int(seen.get("sources", 0)),
        contested=bool(seen.get("contested", False)),
        certainty=str(seen.get("certainty", "")),
    )


def _readable(origin: str, place_key: str, raw: dict[str, Any] | None) -> PlaceControl | None:
    if raw is None:
        return None
    try:
        return PlaceControl.model_validate(raw)
    except ValidationError as exc:
        log.warning(
            "%s control state of %s is unreadable (%d problems); not used", origin, place_key, exc.error_count()
        )
        return None


class AlertingPipeline:
    """Carries out what the control map, the rules and the alert decider decide. Does not decide."""

    def __init__(
        self,
        store: Store,
        rulebook: Any,
        clock: Callable[[], datetime] = _now,
        *,
        control: ControlMap | None = None,
        decider: AlertDecider | None = None,
    ):
        self.store = store
        self.rulebook = rulebook  # a RuleBook (``.current()`` gives the RuleSet in force) or a RuleSet
        self.clock = clock
        self.control = control or ControlMap()
        self.decider = decider or AlertDecider()

    def rules(self) -> Rules:
        current = getattr(self.rulebook, "current", None)
        return current() if callable(current) else self.rulebook

    def _state(self, place_key: str, given: PlaceControl | dict[str, Any] | None) -> PlaceControl | None:
        """The caller's state, else SQL's; one that cannot be read (an older shape) is logged and skipped."""
        if isinstance(given, PlaceControl):
            return given
        return _readable("given", place_key, given) or _readable("stored", place_key, self.store.get_control(place_key))

    def handle_event(self, event: Event, state: PlaceControl | dict[str, Any] | None = None) -> HandledEvent:
        now = _utc(self.clock())
        place_key = event.location.key
        known = self._state(place_key, state)
        decision = self.control.decide(known, event, now)
        if decision.change == "duplicate":
            return HandledEvent(decision.state.to_json(), [])
        incident, alerts = decision.incident, []
        if incident is not None:
            matches = self.rules().match(incident, now)
            keys = {change_key(match.rule, incident) for match in matches}
            last = {key: alert_mark(row) for key, row in self.store.latest_alerts(keys).items()}
            alerts = self.decider.decide(incident, matches, last, now)
        incident_payload = None
        if incident is not None:
            incident_payload = incident.to_json() | {"contrary": [s.to_json() for s in decision.state.contrary]}
        new_state = decision.state.to_json()
        recorded = set(
            self.store.record_decision(
                place_key,
                new_state,
                decision.history,
                incident_payload,
                [(alert_row(alert), alert.notifiers, alert.not_before) for alert in alerts],
            )
        )
        fresh = [alert for alert in alerts if alert.key in recorded]
        for alert in fresh:
            log.info(
                "alert %s recorded: rule %s, %s; notifiers %s",
                alert.key,
                alert.rule,
                clean(headline(alert.incident, is_update=alert.is_update)),
                ", ".join(alert.notifiers) or "(none configured)",
            )
        return HandledEvent(new_state, fresh)
