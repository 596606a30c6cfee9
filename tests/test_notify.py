"""Alert delivery on real peers: a local SMTP server (aiosmtpd), a local HTTP webhook (aiohttp), and
apprise's own Slack plugin pointed at a local endpoint. A test clock, so
backoffs and leases pass without sleeping (one test runs the real loop with short delays). Each test
runs on a SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import asyncio
import email
import json
import logging
import re
import socket
from datetime import timedelta
from email import policy
from html.parser import HTMLParser

import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.alerting import AlertingPipeline
from monitor.notify import Dispatcher, RetryPolicy
from monitor.rules import Rule, RuleSet
from monitor.storage import Store
from tests.pgtools import database_url  # noqa: F401 - fixture: SQLite file and the real PostgreSQL
from tests.test_alerting import Clock, report

SECRET = "s3cr3t-pa55"
HOSTILE = (
    "<!channel> @here <@U024BE7LH> <http://evil.example|click here> *bold* _it_ ~strike~ `code` "
    "[trust me](http://evil.example) <b>bold</b><script>alert(1)</script><img src=x onerror=alert(2)> \x07\u202e"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """A real SMTP server on a fixed port that can be down (not listening) and come up."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == SECRET.encode()
        return AuthResult(success=ok)

    def start(self) -> None:
        # Plain SMTP with AUTH (as many relays on a private network): the password must be right.
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, authenticator=self.authenticate, auth_require_tls=False
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(self) -> str:
        # mailto:// (not mailtos://) is plain SMTP; the password proves the URL never leaks into logs.
        return f"mailto://frontwatch:{SECRET}@127.0.0.1:{self.port}?to=desk@example.org&from=frontwatch@example.org&mode=insecure"


@pytest.fixture()
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture()
async def webhook():
    """A local HTTP server recording every JSON body posted to it, by path."""
    received: list[tuple[str, dict]] = []

    async def handler(request: web.Request) -> web.Response:
        received.append((request.path, await request.json()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield port, received
    await runner.cleanup()


@pytest.fixture()
def db(database_url: str) -> str:  # noqa: F811 - every delivery test runs on SQLite and on PostgreSQL
    return database_url


def rules(notifiers: dict[str, str], group_wait: float = 0.0) -> RuleSet:
    rule = Rule(name="north-march", notify=tuple(notifiers), group_wait=timedelta(seconds=group_wait), max_age=None)
    return RuleSet(rules=(rule,), notifiers=notifiers)


def html_part(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


# ---------------------------------------------------------------------------------------------


async def test_same_change_from_three_feeds_is_one_alert_listing_all_three(db, smtp, webhook):
    port, received = webhook
    smtp.start()
    notifiers = {"desk-mail": smtp.url(), "desk-hook": f"json://127.0.0.1:{port}/hook"}
    clock = Clock()
    store = Store(db)
    pipeline = AlertingPipeline(store, rules(notifiers, group_wait=30), clock=clock)
    dispatcher = Dispatcher(store, lambda: notifiers, clock, retry=RetryPolicy(first_delay=5))

    state, alerts = pipeline.handle_event(report("Alpha"))
    assert await dispatcher.deliver_due() == 0  # waiting for more reports (group_wait)
    for outlet in ("Beta", "Gamma"):
        clock.advance(10)
        state, more = pipeline.handle_event(report(outlet), state)
        alerts += more
    assert len(alerts) == 1
    assert await dispatcher.deliver_due() == 0
    clock.advance(11)
    assert await dispatcher.deliver_due() == 2  # one alert, two notifiers
    clock.advance(86400)
    assert await dispatcher.deliver_due() == 0

    assert len(smtp.messages) == 1 and len(received) == 1
    body = html_part(smtp.messages[0])
    for outlet in ("Alpha", "Beta", "Gamma"):
        assert f'href="https://{outlet.lower()}.example/karvelo">{outlet}</a>' in body
    assert "3 sources" in body
    assert smtp.messages[0]["Subject"] == "Karvelo (North March, ZZ): Army of Zedland → River Front"
    path, payload = received[0]
    assert path == "/hook"
    assert all(f"https://{o.lower()}.example/karvelo" in payload["message"] for o in ("alpha", "beta", "gamma"))
    assert store.get_alert(alerts[0].key).status == "sent"
    assert {(d.notifier, d.status, d.attempts) for d in store.deliveries(alerts[0].key)} == {
        ("desk-mail", "sent", 1),
        ("desk-hook", "sent", 1),
    }


async def test_smtp_down_then_up_delivers_once(db, smtp, caplog):
    caplog.set_level(logging.INFO)
    notifiers = {"desk-mail": smtp.url()}
    clock = Clock()
    store = Store(db)
    _, (alert,) = AlertingPipeline(store, rules(notifiers), clock=clock).handle_event(report("Alpha"))
    dispatcher = Dispatcher(store, notifiers, clock, retry=RetryPolicy(first_delay=10, factor=2, max_attempts=6))

    assert await dispatcher.deliver_due() == 1  # SMTP is down
    (delivery,) = store.deliveries(alert.key)
    assert (delivery.status, delivery.attempts) == ("pending", 1) and delivery.last_error
    assert await dispatcher.deliver_due() == 0  # backing off
    clock.advance(10)
    assert await dispatcher.deliver_due() == 1  # still down; next wait is 20s
    clock.advance(19)
    assert await dispatcher.deliver_due() == 0
    smtp.start()
    clock.advance(1)
    assert await dispatcher.deliver_due() == 1
    for _ in range(3):
        clock.advance(3600)
        assert await dispatcher.deliver_due() == 0
    assert len(smtp.messages) == 1
    (delivery,) = store.deliveries(alert.key)
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert store.get_alert(alert.key).status == "sent"
    # Each attempt is logged with the notifier's name, never its URL (which holds the password).
    attempts = [r.getMessage() for r in caplog.records if r.name == "monitor.notify"]
    assert len(attempts) == 3 and all("desk-mail" in line for line in attempts)
    assert SECRET not in caplog.text and str(smtp.port) not in "".join(attempts)
    assert SECRET not in (delivery.last_error or "")


async def test_smtp_down_then_up_with_the_real_loop(db, smtp):
    notifiers = {"desk-mail": smtp.url()}
    store = Store(db)
    AlertingPipeline(store, rules(notifiers)).handle_event(report("Alpha"))
    dispatcher = Dispatcher(store, notifiers, retry=RetryPolicy(first_delay=0.05, factor=2), poll_interval=0.02)
    stop = asyncio.Event()
    loop = asyncio.create_task(dispatcher.run(stop))
    for _ in range(250):  # until at least one attempt has failed (a fixed sleep is too short on a loaded machine)
        if any(d.attempts >= 1 for d in store.deliveries()):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    assert smtp.messages == []
    smtp.start()
    for _ in range(200):
        if smtp.messages:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)  # time for a double send to show up, if there were one
    stop.set()
    await asyncio.wait_for(loop, 5)
    assert len(smtp.messages) == 1
    (delivery,) = store.deliveries()
    assert delivery.status == "sent" and delivery.attempts >= 2


async def test_worker_killed_after_recording_and_before_sending(db, smtp):
    smtp.start()
    notifiers = {"desk-mail": smtp.url()}
    clock = Clock()
    first = Store(db)
    AlertingPipeline(first, rules(notifiers), clock=clock).handle_event(report("Alpha"))
    # The worker dies right after the alert was recorded: no dispatcher ever ran.
    first.close()
    restarted = Store(db)
    dispatcher = Dispatcher(restarted, notifiers, clock)
    assert await dispatcher.deliver_due() == 1
    clock.advance(3600)
    assert await dispatcher.deliver_due() == 0
    assert await Dispatcher(Store(db), notifiers, clock).deliver_due() == 0  # and a third worker neither
    assert len(smtp.messages) == 1


async def test_worker_killed_mid_send_is_retried_after_its_lease(db, smtp):
    smtp.start()
    notifiers = {"desk-mail": smtp.url()}
    clock = Clock()
    store = Store(db)
    _, (alert,) = AlertingPipeline(store, rules(notifiers), clock=clock).handle_event(report("Alpha"))
    # A worker claimed the delivery and died before sending (or before settling): it stays "sending".
    (claimed,) = store.claim_due_deliveries(clock(), lease_seconds=300, worker="dead-worker")
    assert claimed.status == "sending" and claimed.attempts == 1
    survivor = Dispatcher(Store(db), notifiers, clock, lease=300, send_timeout=60)
    assert await survivor.deliver_due() == 0  # the lease still holds: no double send
    clock.advance(301)
    assert await survivor.deliver_due() == 1
    clock.advance(3600)
    assert await survivor.deliver_due() == 0
    assert len(smtp.messages) == 1
    # The dead worker's late settle is refused: the claim is no longer its own.
    assert store.finish_delivery(claimed, clock()) is False
    (delivery,) = store.deliveries(alert.key)
    assert (delivery.status, delivery.attempts) == ("sent", 2)


async def test_two_dispatchers_racing_send_each_alert_once(db, smtp):
    smtp.start()
    notifiers = {"desk-mail": smtp.url()}
    clock = Clock()
    store = Store(db)
    pipeline = AlertingPipeline(store, rules(notifiers), clock=clock)
    from monitor.records import Place

    for i in range(6):
        place = Place(name=f"Town {i}", country="ZZ", geonameid=9100000 + i)
        pipeline.handle_event(report("Alpha").model_copy(update={"location": place}))
    a, b = Dispatcher(Store(db), notifiers, clock), Dispatcher(Store(db), notifiers, clock)
    done = await asyncio.gather(a.deliver_due(), b.deliver_due(), a.deliver_due(), b.deliver_due())
    assert sum(done) == 6
    assert sorted(m["Subject"].split(" (")[0] for m in smtp.messages) == [f"Town {i}" for i in range(6)]


async def test_retries_exhausted_is_kept_as_failed(db):
    dead = free_port()  # nothing listens there
    notifiers = {"desk-mail": f"mailto://fw:{SECRET}@127.0.0.1:{dead}?to=desk@example.org&from=fw@example.org"}
    clock = Clock()
    store = Store(db)
    _, (alert,) = AlertingPipeline(store, rules(notifiers), clock=clock).handle_event(report("Alpha"))
    dispatcher = Dispatcher(store, notifiers, clock, retry=RetryPolicy(first_delay=1, factor=2, max_attempts=3))
    tried = 0
    for _ in range(10):
        tried += await dispatcher.deliver_due()
        clock.advance(60)
    assert tried == 3
    (delivery,) = store.deliveries(alert.key)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert store.get_alert(alert.key).status == "failed"
    assert [row.key for row in store.list_alerts(status="failed")] == [alert.key]


async def test_unknown_notifier_retries_then_fails_visibly(db):
    clock = Clock()
    store = Store(db)
    _, (alert,) = AlertingPipeline(store, rules({"gone": "json://127.0.0.1:9/x"}), clock=clock).handle_event(report("A"))
    dispatcher = Dispatcher(store, {}, clock, retry=RetryPolicy(first_delay=1, max_attempts=2))
    await dispatcher.deliver_due()
    clock.advance(5)
    await dispatcher.deliver_due()
    (delivery,) = store.deliveries(alert.key)
    assert delivery.status == "failed" and "not configured" in delivery.last_error


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


async def test_hostile_article_arrives_inert_by_email_and_webhook(db, smtp, webhook):
    port, received = webhook
    smtp.start()
    notifiers = {"desk-mail": smtp.url(), "desk-hook": f"json://127.0.0.1:{port}/hook"}
    clock = Clock()
    store = Store(db)
    hostile = report("Alpha", evidence=HOSTILE)
    hostile = hostile.model_copy(
        update={"source": hostile.source.model_copy(update={"outlet": "Alpha <!here>", "title": HOSTILE})}
    )
    AlertingPipeline(store, rules(notifiers), clock=clock).handle_event(hostile)
    assert await Dispatcher(store, notifiers, clock).deliver_due() == 2

    (mail,) = smtp.messages
    parsed = _Tags()
    parsed.feed(html_part(mail))
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= {"p", "b", "br", "a", "ul", "li", "blockquote", "small"}, tags
    assert all(not any(k.startswith("on") for k in attrs) for _, attrs in parsed.tags)
    assert {attrs["href"] for tag, attrs in parsed.tags if tag == "a"} == {
        "https://alpha.example/karvelo",
        "https://www.openstreetmap.org/?mlat=10.50000&mlon=20.25000#map=12/10.50000/20.25000",
    }
    assert "<script>alert(1)</script>" in parsed.text  # shown as words, never run
    assert "\x07" not in parsed.text and "\u202e" not in parsed.text

    ((_, payload),) = received
    text = payload["title"] + payload["message"]
    assert "<" not in text and ">" not in text
    assert not re.search(r"[@!](here|channel|everyone)", text)
    assert "script" in text and "trust me" in text  # still readable


async def test_slack_payload_through_apprise_is_inert_and_lists_the_sources(db, webhook, monkeypatch):
    """Apprise's real Slack plugin, its webhook host pointed at the local server (Slack is not reachable)."""
    from apprise.plugins.slack import NotifySlack

    port, received = webhook
    monkeypatch.setattr(NotifySlack, "webhook_url", f"http://127.0.0.1:{port}/services")
    notifiers = {"ops-slack": "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7"}
    clock = Clock()
    store = Store(db)
    pipeline = AlertingPipeline(store, rules(notifiers, group_wait=30), clock=clock)
    state, _ = pipeline.handle_event(report("Alpha", evidence=HOSTILE))
    for outlet in ("Beta", "Gamma"):
        state, _ = pipeline.handle_event(report(outlet), state)
    clock.advance(31)
    assert await Dispatcher(store, notifiers, clock).deliver_due() == 1

    ((path, payload),) = received
    assert path == "/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7"
    text = json.dumps(payload)
    mrkdwn = payload["attachments"][0]["text"]
    for outlet in ("Alpha", "Beta", "Gamma"):
        assert f"<https://{outlet.lower()}.example/karvelo|{outlet}>" in mrkdwn
    live = set(re.findall(r"<[^>]*>", mrkdwn))
    ours = ("<https://alpha.example", "<https://beta.example", "<https://gamma.example", "<https://www.openstreetmap.org/")
    assert all(s.startswith(ours) for s in live), live
    assert "<!" not in text and "<@" not in text and "<http://evil" not in text
    assert not re.search(r"[@!](here|channel|everyone)", mrkdwn)
    quoted = [line for line in mrkdwn.splitlines() if line.startswith("&gt;") or line.startswith(">")]
    assert quoted and not re.search(r"[*_~`]", "".join(quoted))


async def test_failed_delivery_requeued_arrives_once(db, smtp):
    notifiers = {"desk-mail": smtp.url()}
    clock = Clock()
    store = Store(db)
    _, (alert,) = AlertingPipeline(store, rules(notifiers), clock=clock).handle_event(report("Alpha"))
    dispatcher = Dispatcher(store, notifiers, clock, retry=RetryPolicy(first_delay=1, max_attempts=2))
    for _ in range(4):
        await dispatcher.deliver_due()
        clock.advance(10)
    assert store.get_alert(alert.key).status == "failed"
    smtp.start()
    assert await dispatcher.deliver_due() == 0  # failed stays failed...
    assert store.requeue_failed([alert.key], clock()) == 1  # ...until someone requeues it
    assert store.get_alert(alert.key).status == "pending"
    assert await dispatcher.deliver_due() == 1
    clock.advance(3600)
    assert await dispatcher.deliver_due() == 0
    assert len(smtp.messages) == 1 and store.get_alert(alert.key).status == "sent"


async def test_delivery_whose_workers_keep_dying_ends_failed_without_another_send(db, smtp):
    smtp.start()
    notifiers = {"desk-mail": smtp.url()}
    clock = Clock()
    store = Store(db)
    _, (alert,) = AlertingPipeline(store, rules(notifiers), clock=clock).handle_event(report("Alpha"))
    policy = RetryPolicy(max_attempts=3)
    for _ in range(policy.max_attempts):  # each worker claims it, then dies
        assert len(store.claim_due_deliveries(clock(), lease_seconds=300, worker="doomed")) == 1
        clock.advance(301)
    assert await Dispatcher(store, notifiers, clock, retry=policy).deliver_due() == 1
    (delivery,) = store.deliveries(alert.key)
    assert delivery.status == "failed" and "died" in delivery.last_error
    assert smtp.messages == []


async def test_update_after_repeat_after_only_for_news_beyond_what_was_sent(db, webhook):
    port, received = webhook
    notifiers = {"desk-hook": f"json://127.0.0.1:{port}/hook"}
    rule = Rule(
        name="north-march",
        notify=("desk-hook",),
        group_wait=timedelta(seconds=30),
        repeat_after=timedelta(hours=12),
        max_age=None,
    )
    clock = Clock()
    store = Store(db)
    pipeline = AlertingPipeline(store, RuleSet(rules=(rule,), notifiers=notifiers), clock=clock)
    dispatcher = Dispatcher(store, notifiers, clock)
    state, _ = pipeline.handle_event(report("Alpha"))
    for outlet in ("Beta", "Gamma"):
        clock.advance(5)
        state, _ = pipeline.handle_event(report(outlet), state)
    clock.advance(30)
    assert await dispatcher.deliver_due() == 1  # the first alert, with all three sources
    clock.advance(13 * 3600)
    state, none = pipeline.handle_event(report("Gamma", article="2", evidence="Gamma again"), state)
    assert none == []  # nothing beyond what the recipients already read
    state, (update,) = pipeline.handle_event(report("Delta"), state)
    assert update.is_update
    assert await dispatcher.deliver_due() == 1
    assert [payload["title"].startswith("Update: ") for _, payload in received] == [False, True]
    assert "4 sources" in received[1][1]["message"] and "https://delta.example/karvelo" in received[1][1]["message"]
