"""The worker's web port: the operator's page, a JSON API, ``/health`` and Prometheus ``/metrics``.

    app = make_web_app(store, tile_url=None, watched=None)
    web.run_app(app, port=6066)

=================  ==========================================================================
``/``              recent control changes, a map of current holders, alert log, feed health
``/api/changes``   control-map history, newest first (``?limit=``, ``?change=change,contest``)
``/api/control``   current holders of watched places
``/api/alerts``    alerts with their deliveries (``?limit=``, ``?status=pending|sent|failed``)
``/api/feeds``     feed health
``/health``        ``{"ok", "database", "broker"}``; 200 when ok, 503 when not
``/metrics``       Prometheus text format
=================  ==========================================================================

Leaflet comes from the ``xstatic-leaflet`` wheel (served from site-packages, no CDN); the page draws
its markers without tiles, and without Leaflet at all it shows the same places as positioned dots.
The store is synchronous, so every read runs in a thread and the event loop stays free.
"""

from __future__ import annotations

import asyncio
import html
import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from monitor import metrics
from monitor.logs import redact
from monitor.storage import Store
from monitor.web import dashboard
from monitor.web.dashboard import WatchedPredicate

log = logging.getLogger("monitor.web")

HERE = Path(__file__).resolve().parent
STORE = web.AppKey("store", Store)
SETTINGS = web.AppKey("settings", dict)

BrokerStatus = Callable[[], Any | Awaitable[Any]]

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE), autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined
)


def leaflet_dir() -> Path | None:
    """Where the Leaflet wheel keeps leaflet.js and leaflet.css; None when it is not installed."""
    try:
        from xstatic.pkg import leaflet
    except ImportError:
        return None
    base = Path(leaflet.BASE_DIR)
    return base if (base / "leaflet.js").exists() else None


def _limit(request: web.Request, default: int = 50, most: int = 500) -> int:
    raw = request.query.get("limit", str(default))
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= most:
        raise web.HTTPBadRequest(
            text=f'{{"error": "limit must be a whole number from 1 to {most}"}}', content_type="application/json"
        )
    return value


async def _read(request: web.Request, view: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(view, request.app[STORE], *args)


async def api_changes(request: web.Request) -> web.Response:
    """``?change=change,contest`` keeps those history kinds; default: every kind."""
    kinds = frozenset(k for k in request.query.get("change", "").split(",") if k) or None
    return web.json_response(await _read(request, dashboard.changes, _limit(request), kinds))


async def api_control(request: web.Request) -> web.Response:
    return web.json_response(await _read(request, dashboard.control, request.app[SETTINGS]["watched"]))


async def api_alerts(request: web.Request) -> web.Response:
    status = request.query.get("status") or None
    if status not in (None, "pending", "sent", "failed"):
        raise web.HTTPBadRequest(
            text='{"error": "status must be pending, sent or failed"}', content_type="application/json"
        )
    return web.json_response(await _read(request, dashboard.alerts, _limit(request), status))


async def api_feeds(request: web.Request) -> web.Response:
    return web.json_response(await _read(request, dashboard.feeds))


async def _broker_status(callback: BrokerStatus | None) -> dict[str, Any] | None:
    """The broker callback's answer as {"ok": ..., ...}; None when there is no callback."""
    if callback is None:
        return None
    try:
        answer = callback()
        if inspect.isawaitable(answer):
            answer = await asyncio.wait_for(answer, timeout=5)
    except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
        return {"ok": False, "error": redact(f"{type(exc).__name__}: {exc}")}
    if isinstance(answer, dict):
        return {"ok": bool(answer.get("ok", True)), **{k: v for k, v in answer.items() if k != "ok"}}
    return {"ok": bool(answer)}


async def health(request: web.Request) -> web.Response:
    try:
        await asyncio.wait_for(asyncio.to_thread(request.app[STORE].ping), timeout=5)
        database: dict[str, Any] = {"ok": True}
    except Exception as exc:  # noqa: BLE001
        database = {"ok": False, "error": redact(f"{type(exc).__name__}: {exc}")[:300]}
    broker = await _broker_status(request.app[SETTINGS]["broker_status"])
    ok = database["ok"] and (broker is None or broker["ok"])
    body = {"ok": ok, "database": database, "broker": broker}
    return web.json_response(body, status=200 if ok else 503)


async def metrics_endpoint(request: web.Request) -> web.Response:
    body, content_type = metrics.exposition()
    response = web.Response(body=body)
    response.headers["Content-Type"] = content_type
    return response


def _page_data(store: Store, watched: WatchedPredicate | None) -> dict[str, Any]:
    holdings = dashboard.control(store, watched)
    return {
        "changes": dashboard.changes(store, 50, dashboard.CHANGE_KINDS),
        "holdings": holdings,
        "dots": dashboard.project(holdings),
        "alerts": dashboard.alerts(store, 50),
        "feeds": dashboard.feeds(store),
    }


async def index(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    data = await _read(request, _page_data, settings["watched"])
    html = _templates.get_template("page.html").render(
        **data,
        tile_url=settings["tile_url"],
        leaflet=settings["leaflet"],
        now=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    return web.Response(text=html, content_type="text/html")


@web.middleware
async def database_errors(request: web.Request, handler) -> web.StreamResponse:
    """A database that is down answers 503 with the reason (password masked), not a stack trace."""
    try:
        return await handler(request)
    except SQLAlchemyError as exc:
        reason = redact(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)[:300]
        log.warning("web %s: database unavailable: %s", request.path, reason)
        if request.path.startswith("/api/"):
            return web.json_response({"error": f"database unavailable: {reason}"}, status=503)
        body = f"<!doctype html><title>Frontwatch</title><h1>Database unavailable</h1><p>{html.escape(reason)}</p>"
        return web.Response(text=body, content_type="text/html", status=503)


async def asset(request: web.Request) -> web.FileResponse:
    return web.FileResponse(HERE / request.match_info["name"])


def make_web_app(
    store: Store,
    *,
    tile_url: str | None = None,
    watched: WatchedPredicate | None = None,
    broker_status: BrokerStatus | None = None,
) -> web.Application:
    """The worker's web app over a store.

    ``tile_url``: a Leaflet tile template (``https://tile.example.org/{z}/{x}/{y}.png``) or None for no tiles.
    ``watched(place) -> bool``: which places the map shows (the rules' location selectors); None = all.
    ``broker_status()`` (sync or async): truthy / ``{"ok": bool, ...}`` for ``/health``; None = not reported.
    """
    app = web.Application(middlewares=[database_errors])
    app[STORE] = store
    leaflet = leaflet_dir()
    app[SETTINGS] = {"tile_url": tile_url, "watched": watched, "broker_status": broker_status, "leaflet": bool(leaflet)}
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics_endpoint)
    app.router.add_get("/api/changes", api_changes)
    app.router.add_get("/api/control", api_control)
    app.router.add_get("/api/alerts", api_alerts)
    app.router.add_get("/api/feeds", api_feeds)
    app.router.add_get(r"/static/app/{name:(map\.js|page\.css)}", asset)
    if leaflet:
        app.router.add_static("/static/leaflet/", leaflet)
    return app
