"""Real peers for end-to-end tests: a local news site (feed + article pages), an SMTP server, a webhook.

Everything listens on 127.0.0.1 and stops with the test.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web
from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Page:
    path: str
    title: str
    text: str
    published: str  # RFC 822 date for the feed

    def html(self) -> str:
        paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in self.text.split("\n") if p.strip())
        return (
            f"<!doctype html><html><head><title>{html.escape(self.title)}</title></head><body>"
            f"<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
            f"<article><h1>{html.escape(self.title)}</h1>{paragraphs}</article>"
            f"<footer>Follow us on social media. Copyright the local test site.</footer></body></html>"
        )


@dataclass
class NewsSite:
    """A feed whose items link to article pages; pages can be added while the monitor runs."""

    pages: list[Page] = field(default_factory=list)  # the items of /feed.xml
    feeds: dict[str, list[Page]] = field(default_factory=dict)  # more feeds, at /feeds/<name>.xml
    hits: dict[str, int] = field(default_factory=dict)
    polls: list[tuple[float, str, str]] = field(default_factory=list)  # (time, feed path, user agent)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def all_pages(self) -> list[Page]:
        return self.pages + [page for pages in self.feeds.values() for page in pages]

    def rss(self, pages: list[Page]) -> str:
        items = "".join(
            f"<item><title>{html.escape(p.title)}</title><link>{self.base}{p.path}</link>"
            f"<guid>{self.base}{p.path}</guid><pubDate>{p.published}</pubDate>"
            f"<description>{html.escape(p.text.split(chr(10))[0][:120])}</description></item>"
            for p in pages
        )
        return (
            "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>Local Desk</title>"
            f"<link>{self.base}/</link><description>test feed</description>{items}</channel></rss>"
        )

    def app(self) -> web.Application:
        async def feed(request: web.Request) -> web.Response:
            name = request.match_info.get("name")
            if name is not None and name not in self.feeds:
                raise web.HTTPNotFound()
            self.hits[request.path] = self.hits.get(request.path, 0) + 1
            self.polls.append((time.monotonic(), request.path, request.headers.get("User-Agent", "")))
            pages = self.pages if name is None else self.feeds[name]
            return web.Response(text=self.rss(pages), content_type="application/rss+xml")

        async def page(request: web.Request) -> web.Response:
            self.hits[request.path] = self.hits.get(request.path, 0) + 1
            for p in self.all_pages():
                if p.path == request.path:
                    return web.Response(text=p.html(), content_type="text/html")
            raise web.HTTPNotFound()

        app = web.Application()
        app.router.add_get("/feed.xml", feed)
        app.router.add_get("/feeds/{name}.xml", feed)
        app.router.add_get("/{tail:.*}", page)
        return app


@dataclass
class Webhook:
    received: list[dict] = field(default_factory=list)
    port: int = 0

    def app(self) -> web.Application:
        async def hook(request: web.Request) -> web.Response:
            self.received.append(await request.json())
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/{tail:.*}", hook)
        return app


class Mailbox:
    """An aiosmtpd SMTP server on a free loopback port that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def texts(self) -> list[str]:
        out = []
        for message in self.messages:
            parts = [message["subject"] or ""]
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    parts.append(part.get_content())
            out.append("\n".join(parts))
        return out

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class Servers:
    """Runs aiohttp apps on their own loop in a thread, so a test can drive a subprocess synchronously."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runners: list[web.AppRunner] = []

    def start(self) -> None:
        self.thread.start()

    def serve(self, app: web.Application) -> int:
        port = free_port()

        async def up() -> None:
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            self.runners.append(runner)

        asyncio.run_coroutine_threadsafe(up(), self.loop).result(10)
        return port

    def stop(self) -> None:
        async def down() -> None:
            for runner in self.runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(down(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def rfc822(year: int, month: int, day: int, hour: int = 9) -> str:
    from datetime import UTC, datetime

    return format_datetime(datetime(year, month, day, hour, tzinfo=UTC))


class Monitor:
    """``frontwatch run`` as a subprocess, its stderr kept for assertions and diagnosis."""

    def __init__(self, config: Path, cwd: Path, env: dict[str, str] | None = None):
        self.log_path = cwd / "monitor.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "--config", str(config)],
            cwd=cwd,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )

    def output(self) -> str:
        return self.log_path.read_text()

    def said(self, pattern: str, what: str, timeout: float) -> str:
        """The first group of the first output line matching ``pattern``, waiting for it to be said."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output())
            if match:
                return match.group(1)
            assert self.process.poll() is None, self.output()
            time.sleep(0.1)
        raise AssertionError(f"the monitor never said where {what} is:\n" + self.output())

    def broker_port(self, timeout: float = 120) -> int:
        return int(self.said(r"embedded broker on kafka://127\.0\.0\.1:(\d+)", "its embedded broker", timeout))

    def web_port(self, timeout: float = 60) -> int:
        return int(self.said(r"web view on http://[\d.]+:(\d+)/", "its web view", timeout))

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)
            self.log.close()


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str = "condition", diagnose=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    detail = f"\n--- monitor output ---\n{diagnose()[-6000:]}" if diagnose else ""
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}{detail}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
