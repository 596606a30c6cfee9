"""`frontwatch extract`: files, stdin, URLs (a real local HTTP server) and JSON-lines batches."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest
from aiohttp import web
from typer.testing import CliRunner

from monitor.cli import app

STORY = ("DAMASCUS: Rebels captured the town of Morek on Saturday after government troops withdrew, "
         "opposition activists said.\n\nThe town lies on the highway between Hama and Aleppo.\n")
CONTRACT_KEYS = {"kind", "subtype", "location", "actor", "previous", "date", "date_precision", "timing", "certainty",
                 "confidence", "evidence", "source"}

runner = CliRunner()


def test_file_human_readable(tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--published", "2015-11-08"])
    assert result.exit_code == 0, result.output
    assert "Murak" in result.output and "current" in result.output and "2015-11-07" in result.output


def test_stdin_json_follows_the_contract():
    result = runner.invoke(app, ["extract", "-", "--published", "2015-11-08", "--json"], input=STORY)
    assert result.exit_code == 0, result.output
    (event,) = json.loads(result.output)
    assert CONTRACT_KEYS <= set(event)
    assert event["location"]["geonameid"] == 166640 and event["location"]["country"] == "SY"
    assert event["previous"]["id"] == "syria-government" and event["date"] == "2015-11-07"


@pytest.mark.parametrize("args, message", [
    (["extract", "/no/such/file.txt", "--published", "2015-11-08"], "cannot read"),
    (["extract", "-", "--published", "08/11/2015"], "is not a date"),
    (["extract", "-"], "--published YYYY-MM-DD is needed"),
    (["extract"], "give an article"),
])
def test_bad_input_exits_2_with_a_message(args, message):
    result = runner.invoke(app, args, input=STORY)
    assert result.exit_code == 2
    assert message in result.output


def test_jsonl_batch_keeps_every_line(tmp_path: Path):
    lines = [
        json.dumps({"id": "a", "text": STORY, "published": "2015-11-08"}),
        "{not json",
        json.dumps({"id": "c", "text": "Clashes continued near Hama on Sunday.", "published": "2015-11-08"}),
        json.dumps({"id": "d", "text": STORY, "published": "someday"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", "--jsonl", str(path), "--json"])
    assert result.exit_code == 2  # two bad lines, reported, and the good ones still processed
    out = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [o["id"] for o in out] == ["a", None, "c", "d"]
    assert len(out[0]["events"]) == 1 and out[2]["events"] == []
    assert "error" in out[1] and "error" in out[3]
    assert "batch.jsonl:2" in result.output and "batch.jsonl:4" in result.output


@pytest.fixture()
def page_server():
    """A real HTTP server on a free loopback port, serving one article page."""
    html = ("<html><head><title>Rebels take Morek</title></head><body><nav>Home | World</nav><article><h1>Rebels "
            "take Morek</h1>" + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n")) + "</article></body></html>")
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict = {}

    async def start() -> None:
        application = web.Application()
        application.router.add_get("/story", lambda request: web.Response(text=html, content_type="text/html"))
        application.router.add_get("/gone", lambda request: web.Response(status=404))
        runner_ = web.AppRunner(application)
        await runner_.setup()
        site = web.TCPSite(runner_, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner_
        state["port"] = site._server.sockets[0].getsockname()[1]
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True)
    thread.start()
    started.wait(10)
    yield f"http://127.0.0.1:{state['port']}"
    asyncio.run_coroutine_threadsafe(state["runner"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_url_is_fetched_and_cleaned(page_server):
    result = runner.invoke(app, ["extract", f"{page_server}/story", "--published", "2015-11-08", "--json"])
    assert result.exit_code == 0, result.output
    (event,) = json.loads(result.output)
    assert event["location"]["name"] == "Murak"
    assert event["source"]["url"] == f"{page_server}/story" and event["source"]["outlet"] == "127.0.0.1"


def test_url_error_is_bad_input(page_server):
    result = runner.invoke(app, ["extract", f"{page_server}/gone", "--published", "2015-11-08"])
    assert result.exit_code == 2 and "HTTP 404" in result.output
