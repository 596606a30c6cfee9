"""The operator's web view and JSON API over a real store, and the page rendered in headless Chromium."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import struct
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from monitor.records import ActorRef, Event, Place, Source
from monitor.storage import AlertRow, Store
from monitor.web.app import make_web_app
from tests.conftest import SEED

JISR = Place(
    name="Jisr ash Shughur", mention="Jisr al-Shughour", geonameid=169023, country="SY", admin1="Idlib",
    lat=35.81418, lon=36.31983,
)
IDLIB = Place(name="Idlib", geonameid=169389, country="SY", admin1="Idlib", lat=35.93083, lon=36.63167)
NUSRA = ActorRef(id="nusra-front", name="Nusra Front", side="non_state", associates=["Ahrar al-Sham"])
ARMY = ActorRef(id="syria-government", name="Syrian government forces", side="state")
OWN_WORDS = "Nusra Front and its allies took Jisr al-Shughour from the army on Saturday (test wording)."


def seed_evidence() -> str:
    """A sentence of the seed article naming the town (read at run time), or our own words without it."""
    if SEED.exists():
        text = " ".join(SEED.read_text(encoding="utf-8").split())
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if "Jisr" in sentence and "Nusra" in sentence:
                return sentence
    return OWN_WORDS


def control_change(store: Store, event: Event, previous: ActorRef | None, change: str = "change") -> None:
    """Store an event and the control-map entry it causes, shaped as monitor.control writes them."""
    store.save_event(event)
    state = {
        "place": event.location.to_json(), "holder": event.actor.to_json() if event.actor else None,
        "since": event.date.isoformat() if event.date else None, "evidence": event.evidence[:1],
        "sources": [event.source.to_json()] if event.source else [],
    }
    history = {
        "place_name": event.location.name, "previous_id": previous.id if previous else None,
        "holder_id": event.actor.id if event.actor else None, "change": change,
        "event_id": event.id, "event_date": event.date.isoformat() if event.date else None,
        "timing": event.timing, "certainty": event.certainty, "confidence": event.confidence,
        "outlet": event.source.outlet if event.source else None, "evidence": event.evidence[:1],
    }
    store.save_control(event.location.key, state, history)


@pytest.fixture()
def seeded(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    source = Source(outlet="Dawn", url="https://www.dawn.com/news/0000000", title="Syrian town falls",
                    published=datetime(2015, 4, 26, tzinfo=UTC), article_id="a-seed")
    background = Event(subtype="non_state_overtakes", location=IDLIB, actor=NUSRA, previous=ARMY,
                       date=date(2015, 3, 28), date_precision="month", timing="background", confidence=0.8,
                       evidence=["The city of Idlib was seized last month (test wording)."], source=source)
    current = Event(subtype="non_state_overtakes", location=JISR, actor=NUSRA, previous=ARMY,
                    date=date(2015, 4, 25), confidence=0.93, evidence=[seed_evidence()], source=source)
    control_change(store, background, ARMY)
    control_change(store, current, ARMY)
    wire = source.model_copy(update={"outlet": "Wire copy", "article_id": "a-wire"})
    control_change(store, current.model_copy(update={"source": wire}), NUSRA, change="confirm")
    store.ensure_feed("http://127.0.0.1:9/feed.xml", "Local test feed")
    store.record_poll_failure("http://127.0.0.1:9/feed.xml", error="connection refused", at=datetime.now(UTC))
    alert = AlertRow(key="k1", rule="northwest-syria", place_key=JISR.key,
                     summary="Jisr ash Shughur: Nusra Front took it from Syrian government forces")
    store.record_alert(alert, ["ops-slack", "analysts"])
    yield store
    store.close()


@pytest.fixture()
async def client(seeded: Store):
    async with TestClient(TestServer(make_web_app(seeded, tile_url=None, watched=None))) as c:
        yield c


async def test_changes_newest_first_with_evidence_and_sources(client: TestClient):
    response = await client.get("/api/changes?change=change,contest")
    assert response.status == 200
    changes = await response.json()
    assert [c["place"]["name"] for c in changes] == ["Jisr ash Shughur", "Idlib"]
    every = await (await client.get("/api/changes")).json()
    assert [(c["change"], c["sources"][0]["outlet"]) for c in every][0] == ("confirm", "Wire copy")
    jisr = changes[0]
    assert jisr["holder"]["name"] == "Nusra Front" and jisr["previous"]["name"] == "Syrian government forces"
    assert jisr["date"] == "2015-04-25" and jisr["evidence"] == [seed_evidence()]
    assert jisr["sources"][0]["outlet"] == "Dawn"
    assert changes[1]["timing"] == "background"


async def test_control_lists_holders_and_watched_filters(seeded: Store, client: TestClient):
    holders = await (await client.get("/api/control")).json()
    assert {h["place"]["name"]: h["holder"]["id"] for h in holders} == {
        "Jisr ash Shughur": "nusra-front", "Idlib": "nusra-front"}
    only_jisr = make_web_app(seeded, tile_url=None, watched=lambda place: place.geonameid == 169023)
    async with TestClient(TestServer(only_jisr)) as c:
        holders = await (await c.get("/api/control")).json()
    assert [h["place"]["name"] for h in holders] == ["Jisr ash Shughur"]


async def test_alerts_with_delivery_status_and_feed_health(seeded: Store, client: TestClient):
    alerts = await (await client.get("/api/alerts")).json()
    assert alerts[0]["rule"] == "northwest-syria"
    assert {d["notifier"]: d["status"] for d in alerts[0]["deliveries"]} == {"ops-slack": "pending", "analysts": "pending"}
    assert await (await client.get("/api/alerts?status=sent")).json() == []
    feeds = await (await client.get("/api/feeds")).json()
    assert feeds[0]["health"] == "failing" and feeds[0]["consecutive_failures"] == 1


async def test_bad_query_is_a_clear_400(client: TestClient):
    for path in ("/api/changes?limit=zero", "/api/changes?limit=0", "/api/alerts?status=lost"):
        response = await client.get(path)
        assert response.status == 400, path
        assert "error" in await response.json()


async def test_secrets_in_errors_are_masked(seeded: Store, client: TestClient):
    seeded.record_poll_failure("http://127.0.0.1:9/feed.xml", error="GET https://bob:hunter2@feeds.test/x: 401",
                               at=datetime.now(UTC))
    body = await (await client.get("/api/feeds")).text()
    assert "hunter2" not in body and "***@feeds.test" in body


async def test_health_reports_database_and_broker(seeded: Store):
    async def broker_down():
        raise ConnectionError("no broker at kafka://127.0.0.1:1")

    async with TestClient(TestServer(make_web_app(seeded, broker_status=lambda: {"ok": True, "brokers": 1}))) as c:
        response = await c.get("/health")
        assert response.status == 200
        assert await response.json() == {"ok": True, "database": {"ok": True}, "broker": {"ok": True, "brokers": 1}}
    async with TestClient(TestServer(make_web_app(seeded, broker_status=broker_down))) as c:
        response = await c.get("/health")
        body = await response.json()
        assert response.status == 503 and body["broker"]["ok"] is False and "no broker" in body["broker"]["error"]
    unreachable = Store("postgresql://postgres@127.0.0.1:1/nowhere", create=False)
    async with TestClient(TestServer(make_web_app(unreachable))) as c:
        response = await c.get("/health")
        body = await response.json()
    assert response.status == 503 and body["database"]["ok"] is False and body["broker"] is None


async def test_database_down_is_a_503_not_a_stack_trace():
    unreachable = Store("postgresql://fw:s3cret@127.0.0.1:1/nowhere", create=False)
    async with TestClient(TestServer(make_web_app(unreachable))) as c:
        api, page = await c.get("/api/changes"), await c.get("/")
        api_body, page_body = await api.json(), await page.text()
    assert api.status == 503 and api_body["error"].startswith("database unavailable")
    assert page.status == 503 and "Database unavailable" in page_body
    assert "s3cret" not in api_body["error"] + page_body


async def test_page_renders_without_javascript(client: TestClient):
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    for section in ("Recent control changes", "Who holds the watched places", "Alert log", "Feed health"):
        assert section in html
    assert html.index("Jisr ash Shughur") < html.index("Idlib")  # newest first
    changes_section = html[html.index('id="changes"'):html.index('id="control"')]
    assert "Jisr ash Shughur" in changes_section and "Wire copy" not in changes_section  # a confirmation is not a change
    assert "<svg id=\"dotmap\"" in html and html.count("<circle") == 2  # the map without Leaflet
    assert "Local test feed" in html and "failing" in html
    assert "built-in method" not in html and "bound method" not in html  # no Python object leaks into the page
    for asset in ("/static/app/map.js", "/static/app/page.css", "/static/leaflet/leaflet.js"):
        assert (await client.get(asset)).status == 200, asset


# -- headless Chromium ----------------------------------------------------------------------------

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)


def png_facts(png: bytes) -> tuple[int, int, int]:
    """Width, height and compressed image-data size of a PNG, read without an imaging library."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, 0, 0, 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IHDR":
            width, height = struct.unpack(">II", png[pos + 8:pos + 16])
        elif kind == b"IDAT":
            idat += length
        pos += 12 + length
    return width, height, idat


def chromium_or_skip() -> str:
    if CHROMIUM:
        return CHROMIUM
    message = "headless Chromium is not installed (/usr/bin/chromium; .ci/run installs Debian's chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


async def chromium(binary: str, url: str, profile: Path, *mode: str) -> bytes:
    process = await asyncio.create_subprocess_exec(
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,900",
        "--virtual-time-budget=5000", *mode, url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


@pytest.mark.parametrize("with_leaflet", [True, False], ids=["leaflet", "no-leaflet"])
async def test_page_in_headless_chromium(seeded: Store, tmp_path: Path, monkeypatch, with_leaflet: bool):
    binary = chromium_or_skip()
    if not with_leaflet:  # the wheel missing: the server-drawn dots are the map
        monkeypatch.setattr("monitor.web.app.leaflet_dir", lambda: None)
    runner = web.AppRunner(make_web_app(seeded, tile_url=None, watched=None))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/"
    try:
        dom = (await chromium(binary, url, tmp_path / "profile-dom", "--dump-dom")).decode()
        shot = tmp_path / "page.png"
        await chromium(binary, url, tmp_path / "profile-png", f"--screenshot={shot}")
    finally:
        await runner.cleanup()
    # The seed's event, with the evidence, and the map drawn by Leaflet from the local wheel (no tiles).
    assert "Jisr ash Shughur" in dom and "Nusra Front" in dom and "Syrian government forces" in dom
    assert seed_evidence().split()[0] in dom
    if with_leaflet:
        assert 'data-renderer="leaflet"' in dom, "Leaflet did not draw the map"
        assert dom.count("leaflet-interactive") >= 2 and "Jisr ash Shughur — Nusra Front" in dom
    else:
        assert "leaflet" not in dom.lower() and dom.count("<circle") == 2
        assert "Jisr ash Shughur — Nusra Front" in dom
    width, height, size = png_facts(shot.read_bytes())
    assert (width, height) == (1280, 900)
    # A blank page compresses to almost nothing; the rendered page (text, tables, map) does not.
    blank = tmp_path / "blank.png"
    await chromium(binary, "about:blank", tmp_path / "profile-blank", f"--screenshot={blank}")
    assert size > 5 * png_facts(blank.read_bytes())[2], f"the screenshot looks blank ({size} bytes of image data)"
    if os.environ.get("FRONTWATCH_KEEP_SCREENSHOT"):  # to look at it: FRONTWATCH_KEEP_SCREENSHOT=/tmp/page
        shutil.copy(shot, f"{os.environ['FRONTWATCH_KEEP_SCREENSHOT']}-{'leaflet' if with_leaflet else 'dots'}.png")


class FireForEveryIncident:
    """A rule set with one rule that matches every incident (the rules themselves are tested elsewhere)."""

    def match(self, incident, now):
        from monitor.records import RuleMatch

        return [RuleMatch(rule="everything", notifiers=["ops-slack"])]


async def test_views_over_the_real_control_map_and_alerting(tmp_path: Path):
    """Events through monitor.alerting (control map, incidents, alerts) show up as the page shows them."""
    from monitor.alerting import AlertingPipeline

    store = Store(f"sqlite:///{tmp_path / 'real.db'}")
    clock = lambda: datetime(2015, 4, 26, 8, tzinfo=UTC)  # noqa: E731
    pipeline = AlertingPipeline(store, FireForEveryIncident(), clock)
    for outlet in ("Dawn", "Wire copy"):
        source = Source(outlet=outlet, url=f"https://news.test/{outlet[0]}", article_id=f"a-{outlet}",
                        published=datetime(2015, 4, 26, 6, tzinfo=UTC))
        event = Event(subtype="non_state_overtakes", location=JISR, actor=NUSRA, previous=ARMY,
                      date=date(2015, 4, 25), confidence=0.93, evidence=[seed_evidence()], source=source)
        store.save_event(event)
        pipeline.handle_event(event)
    async with TestClient(TestServer(make_web_app(store))) as c:
        changes = await (await c.get("/api/changes?change=change,contest")).json()
        holders = await (await c.get("/api/control")).json()
        alerts = await (await c.get("/api/alerts")).json()
        page = await (await c.get("/")).text()
    assert len(changes) == 1 and changes[0]["holder"]["name"] == "Nusra Front"
    assert changes[0]["previous"]["name"] == "Syrian government forces"
    assert {s["outlet"] for s in changes[0]["sources"]} == {"Dawn", "Wire copy"}  # the incident's sources
    assert holders[0]["holder"]["id"] == "nusra-front" and holders[0]["since"] == "2015-04-25"
    assert holders[0]["located"] is True
    assert alerts[0]["rule"] == "everything" and alerts[0]["deliveries"][0]["notifier"] == "ops-slack"
    assert "Jisr ash Shughur" in page and "2 sources" in page
    store.close()
