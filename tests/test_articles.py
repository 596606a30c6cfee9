"""FeedItem → Article against a real local HTTP server: page fetch, cleaning, and falling back to the summary."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime

import pytest
from aiohttp import web

from monitor.articles import FULL_TEXT_MIN_CHARS, ArticleBuilder
from monitor.config import PollConfig
from monitor.records import FeedItem
from tests.test_clean import BODY, FURNITURE, PAGE, seed_page

POLL = PollConfig(timeout=0.5, max_bytes=200_000, jitter=0.0)
FETCHED = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
SUMMARY = "<p>Brigade fighters reach <b>Maplefork</b> after a push along the valley road.</p>"


@pytest.fixture()
async def site(seed_text_or_none):
    hits: Counter = Counter()
    pages = {
        "maplefork": (PAGE.encode(), "text/html; charset=utf-8"),
        "latin": (
            PAGE.replace("<head>", '<head><meta charset="windows-1252">').replace("river town", "café town").encode("cp1252"),
            "text/html",
        ),
        "report.pdf": (b"%PDF-1.4 not really", "application/pdf"),
    }
    if seed_text_or_none is not None:
        pages["seed"] = (seed_page(seed_text_or_none).encode(), "text/html; charset=utf-8")

    async def handle(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        hits[name] += 1
        if name == "slow":
            await asyncio.sleep(1.5)
        if name not in pages:
            raise web.HTTPNotFound(text="no such story")
        body, content_type = pages[name]
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/{name}", handle)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield base, hits
    await runner.cleanup()


@pytest.fixture()
def seed_text_or_none(request):
    """The seed article when ../shared is here, else None (only the seed test then skips)."""
    try:
        return request.getfixturevalue("seed_text")
    except pytest.skip.Exception:
        return None


@pytest.fixture()
async def builder():
    made = ArticleBuilder(POLL)
    yield made
    await made.close()


def item(link: str, **fields) -> FeedItem:
    values = {
        "feed_url": "http://127.0.0.1/feed.xml",
        "feed_name": "Valley Wire",
        "key": link,
        "link": link,
        "title": "Brigade enters Maplefork",
        "summary": SUMMARY,
        "published": datetime(2026, 2, 3, 8, 0, tzinfo=UTC),
        "fetched_at": FETCHED,
    }
    return FeedItem(**(values | fields))


async def test_summary_only_item_gets_the_page_fetched_and_cleaned(site, builder):
    base, hits = site
    given = item(f"{base}/maplefork")
    article = await builder.build(given)
    assert hits["maplefork"] == 1
    assert article.id == given.id and article.url == given.link and article.feed_url == given.feed_url
    for paragraph in BODY:
        assert paragraph in article.text
    for word in FURNITURE:
        assert word not in article.text, word
    assert article.text.startswith(BODY[0])  # the page's <h1> is not repeated in the text
    assert article.title == "Brigade enters Maplefork" and article.outlet == "Valley Wire"
    assert article.published == datetime(2026, 2, 3, 8, 0, tzinfo=UTC)  # the feed's date wins


async def test_missing_metadata_comes_from_the_page(site, builder):
    base, _hits = site
    article = await builder.build(item(f"{base}/maplefork", title="", feed_name="", published=None))
    assert article.published == datetime(2026, 2, 3, tzinfo=UTC)
    assert article.outlet == "The Valley Courier" and "Maplefork" in article.title


async def test_page_404_keeps_the_summary(site, builder, caplog):
    base, hits = site
    with caplog.at_level(logging.WARNING, logger="monitor.articles"):
        article = await builder.build(item(f"{base}/gone"))
    assert hits["gone"] == 1
    assert article.text == "Brigade fighters reach Maplefork after a push along the valley road."
    assert article.title == "Brigade enters Maplefork" and article.published is not None
    [record] = [r for r in caplog.records if r.name == "monitor.articles"]
    assert "HTTP 404" in record.getMessage() and record.exc_info is None


@pytest.mark.parametrize("name", ["slow", "report.pdf"])
async def test_unusable_page_keeps_the_summary(site, builder, name):
    base, hits = site
    article = await builder.build(item(f"{base}/{name}"))
    assert hits[name] == 1
    assert article.text.startswith("Brigade fighters reach Maplefork")


async def test_unreachable_host_keeps_the_summary(builder):
    article = await builder.build(item("http://127.0.0.1:9/nothing-listens-here"))
    assert "Maplefork" in article.text


async def test_charset_is_detected_from_the_page(site, builder):
    base, _hits = site
    article = await builder.build(item(f"{base}/latin"))
    assert "café town" in article.text


async def test_full_content_in_the_feed_is_not_fetched(site, builder):
    base, hits = site
    content = "".join(f"<p>{p}</p>" for p in BODY * 3)
    assert len(content) > FULL_TEXT_MIN_CHARS
    article = await builder.build(item(f"{base}/maplefork", content=content + "<p>Share | Tweet</p>"))
    assert hits["maplefork"] == 0
    assert article.text.startswith(BODY[0]) and "Tweet" not in article.text


async def test_fetching_can_be_turned_off(site):
    base, hits = site
    builder = ArticleBuilder(POLL.model_copy(update={"fetch_articles": False}))
    try:
        article = await builder.build(item(f"{base}/maplefork"))
    finally:
        await builder.close()
    assert hits["maplefork"] == 0 and "Maplefork" in article.text


async def test_seed_page_loses_its_furniture_tail(site, builder, seed_text):
    base, hits = site
    article = await builder.build(item(f"{base}/seed", title="Town captured", summary="A town changed hands."))
    assert hits["seed"] == 1
    assert "Published in Dawn" not in article.text and "Mobile App" not in article.text
    assert seed_text.strip().splitlines()[0][:50] in article.text
    assert len(article.text) > FULL_TEXT_MIN_CHARS


def test_the_headline_is_not_repeated_as_the_first_line():
    from monitor.articles import without_headline

    text = "Brigade enters Maplefork\n" + BODY[0]
    assert without_headline(text, ["Brigade enters Maplefork"]) == BODY[0]
    assert without_headline(text, ["", "Brigade enters Maplefork | The Valley Courier"]) == BODY[0]
    assert without_headline(text, ["Something else"]) == text
    assert without_headline("Brigade enters Maplefork", ["Brigade enters Maplefork"]) == "Brigade enters Maplefork"
