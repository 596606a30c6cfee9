"""Alert delivery through apprise: retries with backoff, never lost, never sent twice.

    Dispatcher(store, notifier_urls, clock).run(stop)     # the worker's loop
    await Dispatcher(...).deliver_due()                   # one pass, for tests and tools

``monitor.alerting`` records each alert and one *pending* delivery per notifier before anything is
sent (the first attempt not before the rule's ``group_wait``). The dispatcher then, per pass:

1. claims due deliveries in SQL (``Store.claim_due_deliveries``): pending ones whose time has come and
   "sending" ones whose lease ran out. A claim is a conditional UPDATE (status + attempt count), so two
   dispatchers — two workers, or a worker and its restarted self — never both own a delivery;
2. renders the alert from the incident *as it is now* (every source that came in since), in the body
   format of the notifier's scheme (``monitor.render.body_format_for``), and sends it with apprise;
3. settles the claim: sent; or pending again after an exponential backoff (``RetryPolicy``); or, after
   ``max_attempts``, failed — kept and shown by ``frontwatch alerts --status failed``.

Every attempt is logged with the notifier's *name*; its URL holds secrets and is never logged or stored.

At-least-once, within a tiny window: if the process dies after apprise handed the message over and
before the "sent" row is committed (one short UPDATE), the lease runs out and the delivery is sent
again. Nothing can close that window without the service's help; everything else is exactly once.
The lease (``lease``) must outlast ``send_timeout``, so a slow send is never taken over while running.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import apprise
from apprise import NotifyFormat

from monitor import metrics
from monitor.alerting import snapshot
from monitor.records import Alert, Incident, Source
from monitor.render import Message, body_format_for, render
from monitor.storage import AlertRow, DeliveryRow, Store

log = logging.getLogger("monitor.notify")

# Messages say they come from Frontwatch; apprise keeps nothing on disk.
ASSET = apprise.AppriseAsset(app_id="Frontwatch", app_desc="Frontwatch alerts", storage_mode="memory")
APPRISE_FORMATS = {"markdown": NotifyFormat.MARKDOWN, "html": NotifyFormat.HTML, "text": NotifyFormat.TEXT}


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: ``first_delay``, then ×``factor`` per attempt, at most ``max_delay``."""

    max_attempts: int = 12  # with the defaults: retried for about four hours
    first_delay: float = 15.0  # seconds
    factor: float = 2.0
    max_delay: float = 3600.0

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt."""
        return min(self.max_delay, self.first_delay * self.factor ** max(0, attempts - 1))


def _now() -> datetime:
    return datetime.now(UTC)


async def send(url: str, message: Message, timeout: float = 60.0) -> str | None:
    """Send one message to one apprise URL; None when it went out, else why not (without the URL)."""
    client = apprise.Apprise(asset=ASSET)
    if not client.add(url):
        return "not a valid apprise URL"
    try:
        result = await asyncio.wait_for(
            client.async_notify(title=message.title, body=message.body, body_format=APPRISE_FORMATS[message.format]),
            timeout,
        )
    except TimeoutError:
        return f"no answer within {timeout:g}s"
    except Exception as exc:  # apprise plugins may raise; the message could hold the URL, so only the type
        return f"apprise raised {type(exc).__name__}"
    return None if result else "the service refused the message or could not be reached"


class Dispatcher:
    """Delivers recorded alerts when they are due. See the module docstring."""

    def __init__(
        self,
        store: Store,
        notifier_urls: Callable[[], Mapping[str, str]] | Mapping[str, str],
        clock: Callable[[], datetime] = _now,
        *,
        retry: RetryPolicy | None = None,
        lease: float = 120.0,
        send_timeout: float = 60.0,
        poll_interval: float = 2.0,
        batch: int = 20,
        worker: str | None = None,
    ):
        if lease <= send_timeout:
            raise ValueError("the lease must be longer than the send timeout")
        self.store = store
        self._urls = notifier_urls
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self.lease = lease
        self.send_timeout = send_timeout
        self.poll_interval = poll_interval
        self.batch = batch
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._wake = asyncio.Event()

    def urls(self) -> Mapping[str, str]:
        return self._urls() if callable(self._urls) else self._urls

    def wake(self) -> None:
        """Look for due deliveries now (a new alert was recorded)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a failing pass is logged and the loop goes on."""
        while not stop.is_set():
            self._wake.clear()  # before the pass: an alert recorded during it wakes the next one
            try:
                done = await self.deliver_due()
            except Exception:
                log.exception("delivery pass failed; retrying in %gs", self.poll_interval)
                done = 0
            if done:
                continue
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            try:
                await asyncio.wait(waiters, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()

    async def deliver_due(self) -> int:
        """Claim every due delivery (one batch) and try each; returns how many were tried."""
        urls = self.urls()  # before claiming: if the notifiers cannot be read, nothing is left claimed
        claimed = await asyncio.to_thread(
            self.store.claim_due_deliveries,
            self.clock(),
            lease_seconds=self.lease,
            worker=self.worker,
            limit=self.batch,
        )
        if claimed:
            await asyncio.gather(*(self._deliver(row, urls) for row in claimed))
        return len(claimed)

    # -- one delivery ---------------------------------------------------------------------------

    async def _deliver(self, claim: DeliveryRow, urls: Mapping[str, str]) -> None:
        name, rendered = claim.notifier, None
        if claim.attempts > self.retry.max_attempts:  # claimed again and again: workers died mid-send
            await self._settle(claim, "gave up: the worker died during every attempt", None)
            return
        try:
            row = await asyncio.to_thread(self.store.get_alert, claim.alert_key)
            url = urls.get(name)
            if row is None:
                error = "the alert is missing"
            elif not url:
                error = f"notifier {name!r} is not configured"
            else:
                incident, contrary = await asyncio.to_thread(self._current_incident, row)
                alert = Alert.model_validate(row.payload["alert"])
                message = render(
                    incident,
                    body_format_for(url),
                    rule=alert.rule,
                    key=alert.key,
                    is_update=alert.is_update,
                    contrary=contrary,
                )
                error = await send(url, message, self.send_timeout)
                rendered = snapshot(incident)
        except Exception as exc:  # a broken record must not stall the others; it is retried, then failed
            log.exception("alert %s → %s: could not be prepared", claim.alert_key, name)
            error = f"could not be prepared ({type(exc).__name__})"
        await self._settle(claim, error, rendered)

    def _current_incident(self, row: AlertRow) -> tuple[Incident, list[Source]]:
        """The incident as it is now (more reports may have merged in since the alert was recorded)."""
        stored = self.store.get_incident(row.incident_id) if row.incident_id else None
        payload: dict[str, Any] = stored or row.payload["alert"]["incident"]
        contrary = [Source.model_validate(s) for s in payload.get("contrary", [])]
        return Incident.model_validate(payload), contrary

    async def _settle(self, claim: DeliveryRow, error: str | None, rendered: dict | None) -> None:
        now = self.clock()
        key, name, attempt = claim.alert_key, claim.notifier, claim.attempts
        if error is None:
            settled = await asyncio.to_thread(self.store.finish_delivery, claim, now, rendered=rendered)
            log.info("alert %s → %s: sent (attempt %d)", key, name, attempt)
            metrics.delivery(name, ok=True)
        elif attempt >= self.retry.max_attempts:
            settled = await asyncio.to_thread(self.store.finish_delivery, claim, now, error=error)
            log.error("alert %s → %s: failed for good after %d attempts: %s", key, name, attempt, error)
            metrics.delivery(name, ok=False)
        else:
            delay = self.retry.delay(attempt)
            retry_at = now + timedelta(seconds=delay)
            settled = await asyncio.to_thread(self.store.finish_delivery, claim, now, error=error, retry_at=retry_at)
            log.warning("alert %s → %s: attempt %d failed (%s); next try in %gs", key, name, attempt, error, delay)
        if not settled:
            log.warning("alert %s → %s: the claim was taken over before it was settled", key, name)
