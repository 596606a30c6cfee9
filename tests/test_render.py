"""Alert rendering: the facts are there, and hostile article text reaches no recipient live."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import apprise
import pytest
from apprise import NotifyFormat

from monitor.records import ActorRef, Incident, Place, Source
from monitor.render import body_format_for, clean, defang, map_link, render, safe_url

HOSTILE = (
    "Karvelo <!channel> <!here|here> @here @channel <@U024BE7LH> <http://evil.example|click here> "
    "*bold* _it_ ~strike~ `code` [trust me](http://evil.example) <b>bold</b><script>alert(1)</script> "
    "&lt;!everyone&gt; # heading \x07bell\u202eoverride\nnew line"
)
NOW = datetime(2031, 5, 2, 12, tzinfo=UTC)


def incident(**changes) -> Incident:
    base = dict(
        id="inc-1",
        place=Place(name="Karvelo", country="ZZ", admin1="North March", lat=10.5, lon=20.25, geonameid=9000001),
        holder=ActorRef(id="river-front", name="River Front", associates=["Hill League"]),
        previous=ActorRef(id="zz-army", name="Army of Zedland", side="state"),
        date=date(2031, 5, 1),
        date_precision="day",
        certainty="reported",
        confidence=0.84,
        sources=[
            Source(outlet="Outlet A", url="https://a.example/story/1", title="Town falls"),
            Source(outlet="Outlet B", url="https://b.example/x?id=2&lang=en", title="Karvelo captured"),
        ],
        evidence=["River Front fighters captured Karvelo on Thursday, officials said."],
        event_ids=["e1", "e2"],
        first_seen=NOW,
        last_seen=NOW,
    )
    base.update(changes)
    return Incident(**base)


def hostile_incident() -> Incident:
    return incident(
        place=Place(name=HOSTILE, country="ZZ", admin1="<i>North</i>", lat=10.5, lon=20.25),
        holder=ActorRef(id="x", name="Front @everyone <!here>"),
        sources=[Source(outlet="Outlet *A* <!channel>", url="https://a.example/p?q=<x>|(y)", title=HOSTILE)],
        evidence=[HOSTILE],
    )


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_every_format_carries_the_facts(fmt):
    message = render(incident(), fmt, rule="north-march", key="abc123")
    assert message.title == "Karvelo (North March, ZZ): Army of Zedland → River Front"
    text = message.body
    for fact in (
        "Karvelo",
        "North March",
        "Army of Zedland",
        "River Front",
        "Hill League",
        "1 May 2031",
        "reported",
        "84%",
        "2 sources",
        "Outlet A",
        "Outlet B",
        "https://a.example/story/1",
        "openstreetmap.org/?mlat=10.50000",
        "captured Karvelo on Thursday",
        "north-march",
    ):
        assert fact in text, (fmt, fact)


def test_date_precision_and_contested_are_shown():
    message = render(
        incident(date=date(2031, 5, 1), date_precision="month", contested=True),
        "text",
        contrary=[Source(outlet="Outlet C")],
    )
    assert "May 2031 (month only)" in message.body
    assert "CONTESTED by Outlet C" in message.body
    assert message.title.endswith("[contested]")


def test_update_title():
    assert render(incident(), "text", is_update=True).title.startswith("Update: ")


def test_body_format_by_scheme():
    assert body_format_for("slack://T1/B1/C1") == "markdown"
    assert body_format_for("https://hooks.slack.com/services/T1/B1/C1") == "markdown"
    assert body_format_for("mailto://u:p@host?to=a@b.c") == "html"
    assert body_format_for("mailtos://host") == "html"
    assert body_format_for("json://127.0.0.1:8000/x") == "text"


def test_clean_strips_control_and_format_characters():
    assert clean("a\x00b\x07c\u202ed\u200be\r\nf\tg") == "abcde f g"
    assert clean("x" * 50, limit=10) == "x" * 9 + "…"


def test_defang_breaks_mentions_and_brackets():
    out = defang("<!channel> @here <@U1> !here")
    assert "<" not in out and ">" not in out
    assert not re.search(r"[@!](here|channel)", out)


def test_safe_url():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("ftp://x.example/") is None
    assert safe_url("not a url") is None
    assert safe_url("https://a.example/p?q=<x>|(y) z") == "https://a.example/p?q=%3Cx%3E%7C%28y%29%20z"
    assert safe_url("https://a.example/x?a=1&b=2#frag") == "https://a.example/x?a=1&b=2#frag"


def test_map_link_needs_coordinates():
    assert map_link(Place(name="Nowhere")) is None


def _slack_text(body: str) -> str:
    """What apprise's own Slack plugin makes of a markdown body (its mrkdwn conversion)."""
    client = apprise.Apprise()
    assert client.add("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7")
    return next(iter(client)).dialect_convert(body, NotifyFormat.MARKDOWN)


def test_hostile_text_is_inert_in_slack_markdown():
    message = render(hostile_incident(), "markdown")
    slack = _slack_text(message.body)
    # No Slack control sequence: mentions, user refs and disguised links need "<"; none is left but ours.
    ours = set(re.findall(r"<[^>]*>", slack))
    assert all(link.startswith(("<https://a.example/", "<https://www.openstreetmap.org/")) for link in ours), ours
    assert not re.search(r"[@!](here|channel|everyone)", slack)
    # No formatting from the article: its *, _, ~ and backticks are look-alikes now.
    untrusted = slack.split("> ", 1)[1]
    assert not re.search(r"[*_~`]", untrusted)
    assert "<http://evil.example" not in slack  # neither the article's Slack link nor its markdown link is live
    # The words are still readable.
    assert "Karvelo" in untrusted and "bold" in untrusted and "trust me" in untrusted
    assert "\x07" not in slack and "\u202e" not in slack and "\n" not in untrusted.strip()


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [value for name, value in attrs if name == "href"]

    def handle_data(self, data):
        self.text += data


def test_hostile_text_is_inert_in_html():
    message = render(hostile_incident(), "html")
    parsed = _Collect()
    parsed.feed(message.body)
    assert set(parsed.tags) <= {"p", "b", "br", "a", "ul", "li", "blockquote", "small"}
    assert "script" not in parsed.tags and "i" not in parsed.tags
    assert all(h.startswith(("https://a.example/", "https://www.openstreetmap.org/")) for h in parsed.hrefs)
    assert "<script>alert(1)</script>" in parsed.text  # shown as text, not run
    assert "\x07" not in message.body and "\u202e" not in message.body
    assert "\n" not in message.title and "\r" not in message.title


def test_hostile_text_is_inert_in_plain_text():
    message = render(hostile_incident(), "text")
    for part in (message.title, message.body):
        assert "<" not in part and ">" not in part
        assert not re.search(r"[@!](here|channel|everyone)", part)
        assert "\x07" not in part and "\u202e" not in part
