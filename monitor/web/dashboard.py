"""What the operator's view shows, as plain dicts: the same data feeds the HTML page and the JSON API.

Each ``*_view`` function reads the store and returns JSON-ready dicts; the shaping helpers are pure
functions over stored rows, so they are tested without a server. Error texts that may quote a URL are
passed through ``redact`` (a notifier's URL carries its secret).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from monitor.logs import redact
from monitor.records import Place
from monitor.storage import AlertRow, ControlHistoryRow, ControlRow, DeliveryRow, EventRow, FeedRow, Store

WatchedPredicate = Callable[[Place], bool]


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _actor(value: Any, fallback_id: str | None = None) -> dict[str, Any] | None:
    """An actor as {id, name, side} from a stored dict, or from a bare id."""
    if isinstance(value, dict) and (value.get("id") or value.get("name")):
        return {
            "id": value.get("id") or "",
            "name": value.get("name") or value.get("id") or "",
            "side": value.get("side") or "unknown",
        }
    if fallback_id:
        return {"id": fallback_id, "name": fallback_id, "side": "unknown"}
    return None


def _place(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    keys = ("name", "mention", "geonameid", "country", "admin1", "lat", "lon")
    return {key: value.get(key) for key in keys}


def _sources(values: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for value in values or []:
        if isinstance(value, dict) and (value.get("outlet") or value.get("url")):
            source = {key: value.get(key) for key in ("outlet", "url", "title", "published")}
            if source not in out:
                out.append(source)
    return out


def change_view(row: ControlHistoryRow, event: EventRow | None, incident: dict[str, Any] | None = None) -> dict[str, Any]:
    """One control-map transition with who, where, when, and the evidence and sources behind it.

    The incident (every outlet's report of the same change, merged) gives the sources and evidence when
    known; else the event that caused the entry; else what the history row kept.
    """
    history, payload, incident = row.payload or {}, (event.payload if event else None) or {}, incident or {}
    place = _place(history.get("place") or history.get("location") or payload.get("location"))
    place["name"] = place.get("name") or row.place_name or row.place_key
    event_actor = payload.get("actor") if (payload.get("actor") or {}).get("id") == row.holder_id else None
    sources = (
        _sources(incident.get("sources"))
        or _sources(history.get("sources"))
        or _sources([payload.get("source")])
        or _sources([{"outlet": history.get("outlet"), "url": history.get("url")}])
    )
    return {
        "id": row.id,
        "place_key": row.place_key,
        "place": place,
        "change": row.change,
        "holder": _actor(history.get("holder") or event_actor, row.holder_id),
        "previous": _actor(history.get("previous") or payload.get("previous"), row.previous_id),
        "date": iso(row.event_date) or payload.get("date"),
        "date_precision": history.get("date_precision") or payload.get("date_precision") or "day",
        "subtype": history.get("subtype") or payload.get("subtype"),
        "timing": history.get("timing") or payload.get("timing"),
        "certainty": history.get("certainty") or payload.get("certainty"),
        "confidence": history.get("confidence", payload.get("confidence")),
        "evidence": list(incident.get("evidence") or payload.get("evidence") or history.get("evidence") or []),
        "contested": bool(incident.get("contested")),
        "incident_id": history.get("incident_id") or incident.get("id"),
        "sources": sources,
        "event_id": row.event_id,
        "recorded_at": iso(row.recorded_at),
    }


def holding_view(row: ControlRow, event: EventRow | None, watched: WatchedPredicate | None) -> dict[str, Any] | None:
    """Who holds one place now, located on the map; None when the place is not watched."""
    state, payload = row.state or {}, (event.payload if event else None) or {}
    incident = state.get("incident") or {}
    place = _place(state.get("place") or state.get("location") or payload.get("location"))
    place["name"] = place.get("name") or state.get("place_name") or row.place_key
    is_watched = True
    if watched is not None:
        try:
            is_watched = watched(Place.model_validate(place))
        except ValidationError:
            is_watched = False
        if not is_watched:
            return None
    holder = state.get("holder") or state.get("actor") or payload.get("actor")
    return {
        "place_key": row.place_key,
        "place": place,
        "holder": _actor(holder, state.get("holder_id")),
        "since": state.get("since") or state.get("date") or payload.get("date"),
        "contested": bool(state.get("contested") or state.get("contrary") or incident.get("contested")),
        "confidence": incident.get("confidence", state.get("confidence", payload.get("confidence"))),
        "sources": _sources(state.get("sources") or incident.get("sources")),
        "updated_at": iso(row.updated_at),
        "located": place.get("lat") is not None and place.get("lon") is not None,
    }


def alert_view(row: AlertRow, deliveries: Iterable[DeliveryRow]) -> dict[str, Any]:
    return {
        "key": row.key,
        "rule": row.rule,
        "place_key": row.place_key,
        "summary": redact(row.summary),
        "status": row.status,
        "update": row.revision or 0,  # 0 = first alert of a change, n = its n-th update
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "deliveries": [
            {
                "notifier": d.notifier,
                "status": d.status,
                "attempts": d.attempts,
                "last_error": redact(d.last_error) if d.last_error else None,
                "sent_at": iso(d.sent_at),
                "next_attempt_at": iso(d.next_attempt_at),
            }
            for d in sorted(deliveries, key=lambda d: d.notifier)
        ],
    }


def feed_view(row: FeedRow) -> dict[str, Any]:
    if row.last_polled is None:
        health = "not polled yet"
    elif row.consecutive_failures:
        health = "failing"
    else:
        health = "ok"
    return {
        "url": redact(row.url),
        "name": row.name or row.url,
        "health": health,
        "last_polled": iso(row.last_polled),
        "last_success": iso(row.last_success),
        "last_error": redact(row.last_error) if row.last_error else None,
        "last_error_at": iso(row.last_error_at),
        "consecutive_failures": row.consecutive_failures,
        "items_seen": row.items_seen,
    }


# -- reading the store -------------------------------------------------------------------------


# History kinds that are a change of hands (or a dispute of one); the others (confirm, past, denial,
# unattributed) are kept in the history but are not "changes" on the page.
CHANGE_KINDS = frozenset({"change", "contest"})


def changes(store: Store, limit: int = 50, kinds: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Recent control-map history entries, newest first; only those of ``kinds`` when given."""
    rows = store.control_history(limit=limit if kinds is None else limit * 4)
    if kinds is not None:
        rows = [row for row in rows if row.change in kinds][:limit]
    events = store.events_by_id(row.event_id for row in rows if row.event_id)
    incidents = store.incidents_by_id((row.payload or {}).get("incident_id") for row in rows)
    return [
        change_view(row, events.get(row.event_id or ""), incidents.get((row.payload or {}).get("incident_id") or ""))
        for row in rows
    ]


def control(store: Store, watched: WatchedPredicate | None = None) -> list[dict[str, Any]]:
    """Current holders of the watched places (all places when nothing says what is watched)."""
    rows = store.list_control()
    events = store.latest_event_by_place(row.place_key for row in rows)
    views = (holding_view(row, events.get(row.place_key), watched) for row in rows)
    return [view for view in views if view is not None]


def alerts(store: Store, limit: int = 50, status: str | None = None) -> list[dict[str, Any]]:
    rows = store.list_alerts(limit=limit, status=status)
    by_alert: dict[str, list[DeliveryRow]] = {}
    for delivery in store.deliveries_for(row.key for row in rows):
        by_alert.setdefault(delivery.alert_key, []).append(delivery)
    return [alert_view(row, by_alert.get(row.key, [])) for row in rows]


def feeds(store: Store) -> list[dict[str, Any]]:
    return [feed_view(row) for row in store.list_feeds()]


# -- the map without Leaflet ---------------------------------------------------------------------


def project(holdings: list[dict[str, Any]], width: int = 640, height: int = 360, pad: int = 40) -> list[dict]:
    """Equirectangular x/y (SVG pixels) for each located holding, framed on their bounding box.

    This is the map when Leaflet is unavailable: positioned dots and labels, no tiles needed.
    """
    located = [h for h in holdings if h["located"]]
    if not located:
        return []
    lats = [float(h["place"]["lat"]) for h in located]
    lons = [float(h["place"]["lon"]) for h in located]
    span_lon = max(max(lons) - min(lons), 0.5)
    span_lat = max(max(lats) - min(lats), 0.5)
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    scale = min((width - 2 * pad) / span_lon, (height - 2 * pad) / span_lat)
    return [
        {
            "x": round(width / 2 + (lon - mid_lon) * scale, 1),
            "y": round(height / 2 - (lat - mid_lat) * scale, 1),
            "holding": h,
        }
        for h, lat, lon in zip(located, lats, lons, strict=True)
    ]
