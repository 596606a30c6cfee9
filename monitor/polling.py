"""What a feed poll means, decided without I/O: the poller's pure half.

In the spirit of lemon24/reader's ``_update.py``: ``PollDecider`` is frozen and only turns data into
*intents*. The poller (``monitor.poller``) fetches, asks the decider, and carries the intent out
(emit items, mark them seen, record health, sleep) without deciding anything itself.

    stored feed state ─▶ request_headers ─▶ (fetch) ─▶ interpret ─▶ Success | NotModified | Failure
    Success.items + unseen ids ─▶ new_items (oldest first)
    failures + Retry-After + jitter draw ─▶ next_delay
"""

from __future__ import annotations

import calendar
import email.utils
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import feedparser

from monitor.config import FeedConfig, PollConfig
from monitor.records import FeedItem

RETRY_AFTER_STATUSES = frozenset({429, 503})
FEED_TYPES = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"


@dataclass(frozen=True)
class FeedState:
    """What the store remembers of a feed between polls."""

    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0


@dataclass(frozen=True)
class Success:
    """The feed parsed: its items (document order) and the validators to send next time."""

    items: tuple[FeedItem, ...]
    etag: str | None
    last_modified: str | None
    http_status: int = 200


@dataclass(frozen=True)
class NotModified:
    """304: nothing changed since the validators we sent; keep them."""

    etag: str | None
    last_modified: str | None
    http_status: int = 304


@dataclass(frozen=True)
class Failure:
    """The poll failed; ``retry_after`` is the server's wish in seconds, when it gave one."""

    error: str
    http_status: int | None = None
    retry_after: float | None = None


Interpretation = Success | NotModified | Failure


@dataclass(frozen=True)
class PollOutcome:
    """One poll of one feed, as reported to ``on_poll`` and returned by ``PollerGroup.poll_once``."""

    feed_url: str
    status: Literal["ok", "not_modified", "failed"]
    http_status: int | None = None
    new_items: int = 0
    error: str | None = None
    consecutive_failures: int = 0
    retry_after: float | None = None
    next_poll_in: float = 0.0
    emitted: tuple[str, ...] = field(default=(), repr=False)  # FeedItem ids, in emit order

    @property
    def ok(self) -> bool:
        return self.error is None


# -- helpers over plain data ----------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _moment(parsed: object) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def feed_name(feed: FeedConfig, parsed_title: str | None) -> str:
    """The outlet name: the configured name, else the feed's own title, else its host."""
    return feed.name or (parsed_title or "").strip() or urlsplit(feed.url).hostname or feed.url


class MalformedFeed(ValueError):
    """The body is not a feed (feedparser found no entries and reported a problem)."""


def parse_items(feed: FeedConfig, body: bytes, headers: Mapping[str, str], url: str, fetched_at: datetime) -> list[FeedItem]:
    """The feed's entries as FeedItems, in document order; raises MalformedFeed on an unreadable body.

    An entry's key is its GUID, else its link, else its title; an entry with none of them is skipped.
    A body with no entries that is broken XML or no feed at all (an HTML page, nothing) is malformed;
    a broken body from which entries could still be read is accepted (nothing is lost).
    """
    # No content-location: feedparser would then "resolve" GUIDs as URLs, and keys must stay as given.
    parsed = feedparser.parse(body, response_headers=dict(headers), sanitize_html=True)
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        reason = str(problem).splitlines()[0] if problem else "no RSS, Atom or RDF document found"
        raise MalformedFeed(f"malformed feed: {reason}"[:300])
    name = feed_name(feed, parsed.feed.get("title"))
    items: list[FeedItem] = []
    for entry in parsed.entries:
        link = urljoin(url, entry["link"]) if entry.get("link") else None
        title = (entry.get("title") or "").strip()
        key = (entry.get("id") or "").strip() or link or title
        if not key:
            continue
        content = "\n".join(c.get("value", "") for c in entry.get("content") or [] if c.get("value"))
        items.append(
            FeedItem(
                feed_url=feed.url,
                feed_name=name,
                key=key,
                link=link,
                title=title,
                summary=entry.get("summary") or "",
                content=content,
                published=_moment(entry.get("published_parsed") or entry.get("updated_parsed")),
                fetched_at=fetched_at,
            )
        )
    return items


# -- the decider ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollDecider:
    """Decisions about polling one feed; holds only configuration."""

    poll: PollConfig

    @staticmethod
    def request_headers(state: FeedState) -> dict[str, str]:
        """The request's headers: what we accept, and conditional-GET validators when stored."""
        headers = {"Accept": FEED_TYPES}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return headers

    def interpret(
        self, feed: FeedConfig, state: FeedState, status: int, headers: Mapping[str, str], body: bytes, url: str, now: datetime
    ) -> Interpretation:
        """What an HTTP response means for the feed (headers with lower-case names)."""
        if status == 304:
            return NotModified(etag=headers.get("etag") or state.etag, last_modified=headers.get("last-modified") or state.last_modified)
        if not 200 <= status < 300:
            retry_after = parse_retry_after(headers.get("retry-after"), now) if status in RETRY_AFTER_STATUSES else None
            return Failure(error=f"HTTP {status}", http_status=status, retry_after=retry_after)
        try:
            items = parse_items(feed, body, headers, url, now)
        except MalformedFeed as exc:
            return Failure(error=str(exc), http_status=status)
        return Success(
            items=tuple(items),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            http_status=status,
        )

    @staticmethod
    def new_items(items: Iterable[FeedItem], unseen_ids: set[str]) -> list[FeedItem]:
        """The items never seen before, each once, oldest first.

        Dated items are ordered by date; when some lack a date, the reverse of the document order is
        used (feeds list newest first).
        """
        fresh: dict[str, FeedItem] = {}
        for item in items:
            if item.id in unseen_ids and item.id not in fresh:
                fresh[item.id] = item
        ordered = list(reversed(fresh.values()))
        if all(item.published is not None for item in ordered):
            ordered.sort(key=lambda item: item.published)  # stable: same-date items keep feed order
        return ordered

    def next_delay(self, interval: float, failures: int, *, retry_after: float | None = None, draw: float = 0.0) -> float:
        """Seconds until the next poll.

        ``draw`` is a random number in [-1, 1] (the caller's randomness keeps this pure): the delay is
        stretched or shrunk by up to ``poll.jitter`` of itself. After ``failures`` consecutive failures
        the interval doubles each time, capped at ``max_backoff`` (never below the interval itself).
        A Retry-After is honoured as a floor, capped at the same ceiling; jitter only lengthens it.
        """
        ceiling = max(self.poll.max_backoff, interval)
        base = interval if failures <= 0 else min(ceiling, interval * 2.0 ** min(failures, 60))
        jittered = base * (1.0 + self.poll.jitter * max(-1.0, min(1.0, draw)))
        if retry_after is not None:
            floor = min(max(retry_after, interval), ceiling)
            return floor * (1.0 + self.poll.jitter * abs(draw))
        return max(0.0, min(jittered, ceiling * (1.0 + self.poll.jitter)))

    @staticmethod
    def first_delay(interval: float, draw01: float) -> float:
        """The first poll comes soon after start (within a second), spread so feeds do not fire together."""
        return min(1.0, interval) * max(0.0, min(1.0, draw01))
