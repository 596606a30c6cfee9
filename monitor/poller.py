"""Feed pollers: the I/O half. One asyncio task per feed; ``monitor.polling`` decides, this carries out.

Per poll: read the feed's stored validators, GET with conditional headers (``monitor.http``), let the
decider interpret the response, emit each new item (oldest first) and mark it seen only after emit
returned (a crash re-emits rather than loses; a restart does not re-emit), record the feed's health,
sleep the decided delay. A failing feed only delays itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import aiohttp

from monitor.config import FeedConfig, PollConfig
from monitor.http import FetchError, fetch, open_session
from monitor.polling import Failure, FeedState, NotModified, PollDecider, PollOutcome, Success
from monitor.records import FeedItem
from monitor.storage import Store
from monitor.tasks import cancel_and_wait

log = logging.getLogger("monitor.poller")

Emit = Callable[[FeedItem], Awaitable[None]]
OnPoll = Callable[[str, PollOutcome], None]


class PollerGroup:
    """Polls a set of feeds, each on its own interval with jitter, and emits their new items."""

    def __init__(self, store: Store, poll: PollConfig, emit: Emit, *, on_poll: OnPoll | None = None):
        self.store = store
        self.poll = poll
        self.decider = PollDecider(poll)
        self._emit = emit
        self._on_poll = on_poll
        self._tasks: dict[str, tuple[FeedConfig, asyncio.Task]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._random = random.Random()

    @property
    def feeds(self) -> list[FeedConfig]:
        """The feeds being polled now."""
        return [feed for feed, _task in self._tasks.values()]

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, feeds: list[FeedConfig]) -> None:
        await self.update(feeds)

    async def update(self, feeds: list[FeedConfig]) -> None:
        """Poll exactly these feeds: start tasks for new or changed ones, cancel the rest."""
        wanted = {feed.url: feed for feed in feeds}
        stale = [url for url, (feed, _t) in self._tasks.items() if wanted.get(url) != feed]
        await cancel_and_wait([self._tasks.pop(url)[1] for url in stale])
        for url, feed in wanted.items():
            if url not in self._tasks:
                await asyncio.to_thread(self.store.ensure_feed, feed.url, feed.display_name)
                task = asyncio.create_task(self._run(feed), name=f"poll {_label(feed)}")
                self._tasks[url] = (feed, task)

    async def stop(self) -> None:
        """Cancel every poller and close the HTTP session."""
        await cancel_and_wait([task for _feed, task in self._tasks.values()])
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self, feed: FeedConfig) -> None:
        await asyncio.sleep(self.decider.first_delay(feed.interval, self._random.random()))
        trouble = 0  # polls in a row that broke outside the HTTP exchange (e.g. the database is down)
        while True:
            try:
                delay = (await self.poll_once(feed)).next_poll_in
                trouble = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep the feed alive: retry with backoff
                trouble += 1
                delay = self.decider.next_delay(feed.interval, trouble, draw=self._random.uniform(-1.0, 1.0))
                log.error("%s: poll could not be completed (%s: %s); retrying in %.0fs", _label(feed), type(exc).__name__, exc, delay)
            await asyncio.sleep(delay)

    # -- one poll --------------------------------------------------------------------------------

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = open_session(self.poll)
        return self._session

    async def poll_once(self, feed: FeedConfig) -> PollOutcome:
        """Poll one feed once and carry out what the decider says.

        HTTP, feed and emit problems become a failed outcome; only a failing store raises (the run
        loop then retries with backoff)."""
        row = await asyncio.to_thread(self.store.get_feed, feed.url)
        if row is None:
            row = await asyncio.to_thread(self.store.ensure_feed, feed.url, feed.display_name)
        state = FeedState(row.etag, row.last_modified, row.consecutive_failures)
        now = datetime.now(UTC)
        try:
            response = await fetch(self._http(), feed.url, self.poll, headers=self.decider.request_headers(state))
            meaning = await asyncio.to_thread(  # feedparser is CPU work: keep the other feeds' loop free
                self.decider.interpret, feed, state, response.status, response.headers, response.body, response.url, now
            )
        except FetchError as exc:
            meaning = Failure(error=str(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug or an unexpected library error: log it fully, keep polling
            log.exception("%s: poll failed unexpectedly", _label(feed))
            meaning = Failure(error=f"{type(exc).__name__}: {exc}")

        if isinstance(meaning, Success):
            outcome = await self._carry_out(feed, meaning, now)
        elif isinstance(meaning, NotModified):
            await asyncio.to_thread(
                self.store.record_poll_success,
                feed.url,
                etag=meaning.etag,
                last_modified=meaning.last_modified,
                new_items=0,
                at=now,
            )
            outcome = PollOutcome(feed.url, "not_modified", http_status=304)
        else:
            outcome = await self._failed(feed, meaning, now)

        outcome = _with_delay(outcome, self.decider, feed, self._random.uniform(-1.0, 1.0))
        if self._on_poll is not None:
            try:
                self._on_poll(feed.url, outcome)
            except Exception:  # an observer must not break polling
                log.exception("on_poll callback failed for %s", feed.url)
        return outcome

    async def _carry_out(self, feed: FeedConfig, parsed: Success, now: datetime) -> PollOutcome:
        """Emit the new items oldest first; mark each seen once its emit returned."""
        ids = [item.id for item in parsed.items]
        unseen = await asyncio.to_thread(self.store.unseen, ids)
        emitted: list[str] = []
        for item in self.decider.new_items(parsed.items, unseen):
            try:
                await self._emit(item)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Keep the old validators (a 304 next time would hide the item): it is re-emitted next poll.
                failure = Failure(error=f"emit failed for {item.key}: {type(exc).__name__}: {exc}", http_status=parsed.http_status)
                outcome = await self._failed(feed, failure, now)
                return replace(outcome, new_items=len(emitted), emitted=tuple(emitted))
            await asyncio.to_thread(self.store.mark_seen, feed.url, [(item.id, item.key)])
            emitted.append(item.id)
        await asyncio.to_thread(
            self.store.record_poll_success,
            feed.url,
            etag=parsed.etag,
            last_modified=parsed.last_modified,
            new_items=len(emitted),
            at=now,
        )
        return PollOutcome(feed.url, "ok", http_status=parsed.http_status, new_items=len(emitted), emitted=tuple(emitted))

    async def _failed(self, feed: FeedConfig, failure: Failure, now: datetime) -> PollOutcome:
        if feed.url in failure.error:  # library messages may quote the URL, credentials and all
            failure = replace(failure, error=failure.error.replace(feed.url, _label(feed)))
        failures = await asyncio.to_thread(self.store.record_poll_failure, feed.url, error=failure.error, at=now)
        wait = f", server asks to retry after {failure.retry_after:g}s" if failure.retry_after is not None else ""
        log.warning("%s: %s (%d in a row%s)", _label(feed), failure.error, failures, wait)
        return PollOutcome(
            feed.url,
            "failed",
            http_status=failure.http_status,
            error=failure.error,
            consecutive_failures=failures,
            retry_after=failure.retry_after,
        )


def _label(feed: FeedConfig) -> str:
    """How a feed is named in logs: its name, else its URL without credentials or query (may hold keys)."""
    if feed.name:
        return feed.name
    parts = urlsplit(feed.url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" + ("?…" if parts.query else "")


def _with_delay(outcome: PollOutcome, decider: PollDecider, feed: FeedConfig, draw: float) -> PollOutcome:
    delay = decider.next_delay(feed.interval, outcome.consecutive_failures, retry_after=outcome.retry_after, draw=draw)
    return replace(outcome, next_poll_in=delay)
