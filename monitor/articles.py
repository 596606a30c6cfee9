"""FeedItem → Article: the clean stage's I/O. Fetches the page when the feed gave only a summary.

    item.content / item.summary ──clean_text──▶ feed text
    feed text short? ──fetch item.link (monitor.http)──▶ extract_page (trafilatura) ──▶ page text
    Article.text = the page text when it says more than the feed, else the feed text (lose nothing)

A failed fetch (404, timeout, not HTML) is logged in one line and the feed's own text is kept.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp
from trafilatura.utils import decode_file

from monitor.clean import Page, clean_text, extract_page
from monitor.config import PollConfig
from monitor.http import FetchError, Response, fetch, open_session
from monitor.records import Article, FeedItem

log = logging.getLogger("monitor.articles")

# Feed text shorter than this is a summary, not the story: fetch the page.
FULL_TEXT_MIN_CHARS = 1000

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


def feed_text(item: FeedItem) -> str:
    """The best text the feed itself carries: its full content, else its summary, cleaned."""
    texts = [clean_text(item.content), clean_text(item.summary)]
    return max(texts, key=len)


def needs_page(text: str) -> bool:
    """Whether the feed's text is only a summary."""
    return len(text) < FULL_TEXT_MIN_CHARS


def without_headline(text: str, titles: list[str]) -> str:
    """The text without a first line that only repeats the headline (pages put their <h1> in the body)."""
    first, _, rest = text.partition("\n")
    line = " ".join(first.split()).casefold()
    for title in filter(None, titles):
        title = " ".join(title.split()).casefold()
        if rest and (line == title or (len(line) > 10 and title.startswith(line) and title[len(line):].lstrip()[:1] in "|-–—:")):
            return rest
    return text


def outlet_of(item: FeedItem, page: Page | None) -> str:
    """The outlet: the feed's name, else the page's site name, else the link's host."""
    return item.feed_name or (page.sitename if page else "") or urlsplit(item.link or item.feed_url).hostname or ""


def _extract(response: Response) -> Page:
    """A fetched page's text: trafilatura for HTML, plain cleaning for text; the charset from the
    header, else detected from the bytes (meta charset, content sniffing)."""
    declared = "charset=" in response.headers.get("content-type", "").lower()
    markup = response.text() if declared else decode_file(response.body)
    if response.headers.get("content-type", "").lower().startswith("text/plain"):
        return Page(text=clean_text(markup))
    return extract_page(markup, response.url)


class ArticleBuilder:
    """Builds Articles from FeedItems; holds one HTTP session for page fetches."""

    def __init__(self, poll: PollConfig):
        self.poll = poll
        self._session: aiohttp.ClientSession | None = None

    async def build(self, item: FeedItem) -> Article:
        text = await asyncio.to_thread(feed_text, item)
        page = None
        if self.poll.fetch_articles and item.link and needs_page(text):
            page = await self._page(item.link)
        if page is not None and len(page.text) > len(text):
            text = page.text
        title = item.title or (page.title if page else "")
        return Article(
            id=item.id,
            url=item.link,
            title=title,
            outlet=outlet_of(item, page),
            published=item.published or (page.published if page else None),
            text=without_headline(text, [title, page.title if page else ""]),
            feed_url=item.feed_url,
        )

    async def _page(self, url: str) -> Page | None:
        """The linked page, extracted; None (logged) when it cannot be had."""
        if self._session is None or self._session.closed:
            self._session = open_session(self.poll)
        try:
            response = await fetch(self._session, url, self.poll, headers={"Accept": "text/html,application/xhtml+xml"})
        except FetchError as exc:
            log.warning("article %s: %s; keeping the feed's text", url, exc)
            return None
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if not response.ok or content_type not in _HTML_TYPES:
            reason = f"HTTP {response.status}" if not response.ok else f"not HTML ({content_type})"
            log.warning("article %s: %s; keeping the feed's text", url, reason)
            return None
        try:
            return await asyncio.to_thread(_extract, response)
        except Exception as exc:  # a page the extractor chokes on must not lose the item
            log.warning("article %s: extraction failed (%s: %s); keeping the feed's text", url, type(exc).__name__, exc)
            return None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
