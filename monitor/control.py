"""The control map: who holds each place, decided one event at a time. Pure: no I/O, no clock.

``ControlMap.decide(state, event, now)`` takes a place's current ``PlaceControl`` (None when the
place is unknown) and one event, and returns a ``ControlDecision``: the new state, the history entry
to keep, and the incident it created, updated or contested. ``monitor.alerting`` carries the decision
out (SQL) and hands the incident to the rules.

What an event means for a place whose known holder is H (since date S):

- the event repeats one already applied (same event id)            → ``duplicate``: nothing at all
- a new holder A != H, dated after S (or no S, or no H at all)       → ``change``: a new incident;
  the previous holder is H, and with no known holder the event's ``previous`` stands in
- A == H, dated close to the current incident                        → ``confirm``: the report merges
  into the incident (one more source; confidence grows noisy-OR, capped below 1)
- a denial of the incident's change, or a *current* report of another holder dated on or before S
                                                                     → ``contest``: incident contested
- a *background* report dated before S (history being recalled)     → ``past``: history only
- anything else (a denial of nothing we know, an unattributed event) → history only

Background events go through the same logic, so history stays complete; their incidents keep
``timing="background"`` and rules skip them unless a rule asks for background events.

Merging sources: an outlet counts once; a wire copy (the same evidence text from another outlet)
adds the outlet to the sources but not to the confidence, which only independent stories raise.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import Field

from monitor.records import ActorRef, DatePrecision, Event, Incident, Place, Record, Source, stable_id

Change = Literal["change", "confirm", "contest", "past", "denial", "unattributed", "duplicate"]
IncidentAction = Literal["created", "updated", "contested"]

CERTAINTY_RANK = {"denied": 0, "unconfirmed": 1, "claimed": 2, "reported": 3}


class PlaceControl(Record):
    """Who holds one place, with the incident of the latest change. JSON-able (a Faust table value)."""

    place: Place
    holder: ActorRef | None = None
    since: date | None = None
    since_precision: DatePrecision = "day"
    evidence: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    incident: Incident | None = None
    contrary: list[Source] = Field(default_factory=list)  # reports that contest the incident
    recent_events: list[str] = Field(default_factory=list)  # ids of the last events applied, newest last
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        return self.place.key


@dataclass(frozen=True, slots=True)
class ControlDecision:
    """What one event does to one place: intents for the pipeline to carry out."""

    state: PlaceControl  # the place's new state (equal to the old one for a duplicate)
    change: Change
    history: dict | None = None  # the history row to append; None for a duplicate
    incident: Incident | None = None  # the incident created, updated or contested
    incident_action: IncidentAction | None = None

    @property
    def is_change(self) -> bool:
        """Did the place change hands?"""
        return self.change == "change"


def date_span(day: date, precision: str) -> tuple[date, date]:
    """First and last day a date of this precision may mean ("2015-03" with month precision: all March)."""
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def _story(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _outlet(source: Source) -> str:
    return _story(source.outlet) or (source.url or "")


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class ControlMap:
    """The control-state decider. Frozen and pure: the same state, event and time give the same decision."""

    merge_window: timedelta = timedelta(days=7)  # a confirming report this far from the incident's date merges
    max_confidence: float = 0.99  # merged confidence never reaches certainty
    max_sources: int = 50
    max_evidence: int = 5
    remembered_events: int = 256  # event ids kept per place, so a replayed event is a no-op

    # -- the decision ---------------------------------------------------------------------------

    def decide(self, state: PlaceControl | None, event: Event, now: datetime) -> ControlDecision:
        now = _as_utc(now)
        if state is None:
            state = PlaceControl(place=event.location)
        actor, holder, incident = event.actor, state.holder, state.incident
        if event.id in state.recent_events or (incident is not None and event.id in incident.event_ids):
            return ControlDecision(state=state, change="duplicate")
        day, precision = self._event_date(event, now)
        start, end = date_span(day, precision)
        since_start, since_end = date_span(state.since, state.since_precision) if state.since else (None, None)

        if actor is None:
            return self._history_only(state, event, now, "unattributed")
        if event.certainty == "denied":
            if incident is not None and incident.holder is not None and incident.holder.id == actor.id:
                return self._contest(state, event, now)
            return self._history_only(state, event, now, "denial")
        if holder is not None and holder.id == actor.id:
            if incident is not None and incident.holder is not None and incident.holder.id == actor.id:
                if self._close_to(incident, start, end):
                    return self._confirm(state, event, now)
            return self._history_only(state, event, now, "confirm")
        if holder is not None and since_start is not None and since_end is not None and start <= since_end:
            took_from_holder = event.previous is not None and event.previous.id == holder.id
            if end < since_start and event.timing == "background":
                return self._history_only(state, event, now, "past")
            if not (took_from_holder and end >= since_start):
                if incident is not None:
                    return self._contest(state, event, now)
                return self._history_only(state, event, now, "past")
        return self._change(state, event, now, day, precision)

    # -- the outcomes -----------------------------------------------------------------------------

    def _change(
        self, state: PlaceControl, event: Event, now: datetime, day: date, precision: DatePrecision
    ) -> ControlDecision:
        assert event.actor is not None
        previous = state.holder or event.previous
        sources = [event.source] if event.source else []
        incident = Incident(
            id=stable_id(event.location.key, event.actor.id, day.isoformat()),
            place=self._place(state, event),
            holder=event.actor,
            previous=previous,
            subtype=event.subtype,
            date=event.date or day,
            date_precision=event.date_precision if event.date else precision,
            timing=event.timing,
            certainty=event.certainty,
            confidence=min(event.confidence, self.max_confidence),
            sources=sources,
            evidence=event.evidence[: self.max_evidence],
            event_ids=[event.id],
            first_seen=now,
            last_seen=now,
        )
        new = self._remember(
            state.model_copy(
                update={
                    "place": incident.place,
                    "holder": event.actor,
                    "since": day,
                    "since_precision": precision,
                    "evidence": incident.evidence,
                    "sources": sources,
                    "incident": incident,
                    "contrary": [],
                }
            ),
            event,
            now,
        )
        history = self._history(state, event, "change", incident, previous)
        return ControlDecision(new, "change", history, incident, "created")

    def _confirm(self, state: PlaceControl, event: Event, now: datetime) -> ControlDecision:
        incident = state.incident
        assert incident is not None
        merged = self.merge(incident, event, now)
        new = self._remember(
            state.model_copy(update={"incident": merged, "sources": merged.sources, "evidence": merged.evidence}),
            event,
            now,
        )
        return ControlDecision(new, "confirm", self._history(state, event, "confirm", merged), merged, "updated")

    def _contest(self, state: PlaceControl, event: Event, now: datetime) -> ControlDecision:
        incident = state.incident
        assert incident is not None
        contested = incident.model_copy(update={"contested": True, "last_seen": now})
        contrary = list(state.contrary)
        if event.source and all(_outlet(s) != _outlet(event.source) or s.url != event.source.url for s in contrary):
            contrary = (contrary + [event.source])[-self.max_sources :]
        new = self._remember(state.model_copy(update={"incident": contested, "contrary": contrary}), event, now)
        history = self._history(state, event, "contest", contested)
        return ControlDecision(new, "contest", history, contested, "contested")

    def _history_only(self, state: PlaceControl, event: Event, now: datetime, change: Change) -> ControlDecision:
        return ControlDecision(self._remember(state, event, now), change, self._history(state, event, change, None))

    # -- merging ----------------------------------------------------------------------------------

    def merge(self, incident: Incident, event: Event, now: datetime) -> Incident:
        """Fold one more report of the same change into an incident."""
        source = event.source
        known_outlets = {_outlet(s) for s in incident.sources}
        known_stories = {_story(text) for text in incident.evidence}
        new_outlet = source is not None and _outlet(source) not in known_outlets
        new_story = not event.evidence or any(_story(text) not in known_stories for text in event.evidence)
        confidence = incident.confidence
        if new_outlet and new_story:  # an independent report: noisy-OR
            confidence = 1 - (1 - confidence) * (1 - event.confidence)
        else:  # the same outlet again, or a wire copy: no independent evidence
            confidence = max(confidence, event.confidence)
        sources = list(incident.sources)
        if source is not None and not any(_outlet(s) == _outlet(source) and s.url == source.url for s in sources):
            sources.append(source)
        evidence = list(incident.evidence)
        for text in event.evidence:
            if _story(text) not in {_story(e) for e in evidence}:
                evidence.append(text)
        update: dict = {
            "sources": sources[: self.max_sources],
            "evidence": evidence[: self.max_evidence],
            "event_ids": incident.event_ids + [event.id],
            "confidence": min(confidence, self.max_confidence),
            "last_seen": now,
        }
        if CERTAINTY_RANK[event.certainty] > CERTAINTY_RANK[incident.certainty]:
            update["certainty"] = event.certainty
        if event.timing == "current":
            update["timing"] = "current"
        if event.date is not None and _finer(event.date_precision, incident.date_precision):
            update["date"], update["date_precision"] = event.date, event.date_precision
        return incident.model_copy(update=update)

    # -- helpers ----------------------------------------------------------------------------------

    def _event_date(self, event: Event, now: datetime) -> tuple[date, DatePrecision]:
        """The change's date: the event's, else the day it was published, else today."""
        if event.date is not None:
            return event.date, event.date_precision
        if event.source is not None and event.source.published is not None:
            return _as_utc(event.source.published).date(), "day"
        return now.date(), "day"

    def _close_to(self, incident: Incident, start: date, end: date) -> bool:
        if incident.date is None:
            return True
        first, last = date_span(incident.date, incident.date_precision)
        return start <= last + self.merge_window and end >= first - self.merge_window

    def _place(self, state: PlaceControl, event: Event) -> Place:
        """The fuller of the known place and the event's (coordinates, admin1 filled in when missing)."""
        known, seen = state.place, event.location
        missing = {
            k: v for k, v in seen.model_dump().items() if getattr(known, k) in (None, "") and v not in (None, "")
        }
        return known.model_copy(update=missing) if missing else known

    def _remember(self, state: PlaceControl, event: Event, now: datetime) -> PlaceControl:
        recent = (state.recent_events + [event.id])[-self.remembered_events :]
        return state.model_copy(update={"recent_events": recent, "updated_at": now})

    @staticmethod
    def _history(
        state: PlaceControl, event: Event, change: Change, incident: Incident | None, previous: ActorRef | None = None
    ) -> dict:
        previous = previous or state.holder or event.previous
        return {
            "place_name": event.location.name,
            "previous_id": previous.id if previous else None,
            "holder_id": event.actor.id if event.actor else None,
            "change": change,
            "event_id": event.id,
            "event_date": event.date.isoformat() if event.date else None,
            "date_precision": event.date_precision,
            "timing": event.timing,
            "certainty": event.certainty,
            "confidence": event.confidence,
            "incident_id": incident.id if incident else None,
            "outlet": event.source.outlet if event.source else None,
            "url": event.source.url if event.source else None,
            "evidence": event.evidence[:1],
        }


def _finer(precision: str, than: str) -> bool:
    order = {"year": 0, "month": 1, "day": 2}
    return order[precision] > order[than]


def incidents_from_events(
    events: Iterable[Event], now: datetime | None = None, control: ControlMap | None = None
) -> list[Incident]:
    """Replay events (in the given order) through a fresh control map; the incidents they make, each in its
    final merged form, in order of creation. Pure: for ``frontwatch rules test``. Each event is applied at
    the time it was published (else ``now``)."""
    control = control or ControlMap()
    fallback = _as_utc(now or datetime(1970, 1, 1, tzinfo=UTC))
    states: dict[str, PlaceControl] = {}
    incidents: dict[str, Incident] = {}
    for event in events:
        at = event.source.published if event.source and event.source.published else fallback
        decision = control.decide(states.get(event.location.key), event, at)
        states[event.location.key] = decision.state
        if decision.incident is not None:
            incidents[decision.incident.id] = decision.incident
    return list(incidents.values())
