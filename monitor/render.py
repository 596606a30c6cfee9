"""Alert messages: an incident rendered as a title and a body for Slack, email or anything else. Pure.

    render(incident, "markdown" | "html" | "text", ...) -> Message(title, body, format)

- ``markdown``: CommonMark, which apprise's Slack plugin turns into Slack ``mrkdwn``;
- ``html``: for email (apprise adds the plain-text alternative);
- ``text``: every other apprise service (webhooks, chat bridges).

Everything that comes from an article or a feed (place and group names, outlet names, titles,
evidence, links) is untrusted. Whatever the format, control characters (newlines included) are
removed and mentions are broken (``@here``, ``!channel``: a zero-width space after the sigil). Then:

- Slack: ``<`` ``>`` become ‹ › (no ``<!channel>``, ``<@U1>`` or ``<http://x|disguised>``), Slack's
  formatting characters ``*`` ``_`` ``~`` and the backtick become look-alikes that do not format, and
  ``[`` ``]`` ``#`` are backslash-escaped (so ``[x](http://evil)`` is not a link);
- HTML: ``html.escape`` (tags, entities and quotes inert);
- text: angle brackets become ‹ › as for Slack, so a receiver that shows it as HTML shows text.

Links (sources) must be http(s) with a host; characters that could end a link in any of the formats
are percent-encoded, and anything else is shown as text, never as a link.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import quote, urlsplit

from monitor.records import ActorRef, Incident, Place, Source

Format = Literal["markdown", "html", "text"]

ZWSP = "\u200b"
_MENTION = re.compile(r"([@!])(?=\w)")
_SLACK_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ", "\\": "⧵", "<": "‹", ">": "›"})
_MD_ESCAPE = re.compile(r"([\[\]#])")
_URL_SAFE = ":/?#@!$&'+,;=%-._~"  # everything else (<>"`|()[]* and spaces...) is percent-encoded

SUBTYPE_TEXT = {
    "non_state_overtakes": "taken by a non-state group",
    "government_regains": "regained by the government",
    "non_violent_transfer": "handed over without fighting",
    "withdrawal": "abandoned (withdrawal)",
}


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    format: Format


# ---------------------------------------------------------------------------------------------
# Escaping untrusted text
# ---------------------------------------------------------------------------------------------


def clean(text: str | None, limit: int = 600) -> str:
    """One line of printable text: control and format characters (bidi overrides, zero-width) removed,
    whitespace collapsed, at most ``limit`` characters."""
    if not text:
        return ""
    kept = "".join(
        " " if c.isspace() else c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf")
    )
    kept = re.sub(r"\s+", " ", kept).strip()
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"


def defang(text: str | None, limit: int = 600) -> str:
    """Clean text with mentions broken and angle brackets replaced: safe as plain text anywhere."""
    return _MENTION.sub(r"\1" + ZWSP, clean(text, limit)).replace("<", "‹").replace(">", "›")


def escape_slack(text: str | None, limit: int = 600) -> str:
    """Untrusted text for a Slack (CommonMark → mrkdwn) body: no mention, link or formatting survives."""
    return _MD_ESCAPE.sub(r"\\\1", _MENTION.sub(r"\1" + ZWSP, clean(text, limit)).translate(_SLACK_LOOKALIKES))


def escape_html(text: str | None, limit: int = 600) -> str:
    return html.escape(clean(text, limit), quote=True)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with every character that could break out of a link percent-encoded; else None."""
    url = clean(url, 2000)
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url, safe=_URL_SAFE)


# ---------------------------------------------------------------------------------------------
# Facts, formatted once for every format
# ---------------------------------------------------------------------------------------------


def map_link(place: Place) -> str | None:
    """OpenStreetMap centred on the place."""
    if place.lat is None or place.lon is None:
        return None
    lat, lon = f"{place.lat:.5f}", f"{place.lon:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=12/{lat}/{lon}"


def format_date(day: date | None, precision: str) -> str:
    if day is None:
        return "date unknown"
    if precision == "year":
        return f"{day.year} (year only)"
    if precision == "month":
        return f"{day:%B %Y} (month only)"
    return f"{day.day} {day:%B %Y}"


def where(place: Place) -> str:
    return ", ".join(part for part in (place.admin1, place.country) if part)


def actor_text(actor: ActorRef | None) -> str:
    if actor is None:
        return "unknown"
    if actor.associates:
        return f"{actor.name} (with {', '.join(actor.associates)})"
    return actor.name


def headline(incident: Incident, *, is_update: bool = False) -> str:
    """The plain one-line title (raw; each format escapes it)."""
    area = where(incident.place)
    place = f"{incident.place.name} ({area})" if area else incident.place.name
    holder = incident.holder.name if incident.holder else "unknown"
    previous = incident.previous.name if incident.previous else "unknown"
    flags = " [contested]" if incident.contested else ""
    return f"{'Update: ' if is_update else ''}{place}: {previous} → {holder}{flags}"


def body_format_for(url: str) -> Format:
    """Slack gets markdown, email gets HTML, everything else plain text."""
    scheme = url.split("://", 1)[0].lower()
    if scheme in ("slack",) or "hooks.slack.com" in url.lower():
        return "markdown"
    if scheme in ("mailto", "mailtos", "email", "emails"):
        return "html"
    return "text"


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def render(
    incident: Incident,
    fmt: Format,
    *,
    rule: str = "",
    key: str = "",
    is_update: bool = False,
    contrary: Sequence[Source] = (),
) -> Message:
    """The alert for an incident, in one body format. ``contrary``: the reports that contest it."""
    title = defang(headline(incident, is_update=is_update), 250)
    body = {"markdown": _markdown, "html": _html, "text": _text}[fmt](incident, rule, key, is_update, contrary)
    return Message(title=title, body=body, format=fmt)


def _summary(incident: Incident) -> tuple[str, str]:
    what = SUBTYPE_TEXT.get(incident.subtype, incident.subtype)
    details = (
        f"{format_date(incident.date, incident.date_precision)} · {what}"
        f"{'' if incident.timing == 'current' else ' · recalled as background'}"
    )
    sure = f"certainty: {incident.certainty} · confidence {incident.confidence:.0%} · {_count(incident.sources)}"
    return details, sure


def _count(sources: Sequence[Source]) -> str:
    return "1 source" if len(sources) == 1 else f"{len(sources)} sources"


def _markdown(incident: Incident, rule: str, key: str, is_update: bool, contrary: Sequence[Source]) -> str:
    e = escape_slack
    place = incident.place
    details, sure = _summary(incident)
    link = map_link(place)
    area = where(place)
    lines = [
        f"**{e(place.name)}**" + (f" ({e(area)})" if area else "") + (f" · [map]({link})" if link else ""),
        f"**{e(actor_text(incident.previous))} → {e(actor_text(incident.holder))}**",
        e(details),
        e(sure),
    ]
    if incident.contested:
        lines.append("⚠️ **Contested**" + (f" by {e(', '.join(s.outlet for s in contrary))}" if contrary else ""))
    lines.append("**Sources**")
    for source in incident.sources:
        url = safe_url(source.url)
        name = e(source.outlet, 120) or "source"
        text = f"[{name}]({url})" if url else name
        lines.append(f"• {text}" + (f": {e(source.title, 200)}" if source.title else ""))
    for evidence in incident.evidence[:2]:
        lines.append(f"> {e(evidence)}")
    footer = " · ".join(part for part in (f"rule {e(rule)}" if rule else "", f"alert {e(key)}" if key else "") if part)
    if footer:
        lines.append(footer)
    return "\n".join(lines)


def _html(incident: Incident, rule: str, key: str, is_update: bool, contrary: Sequence[Source]) -> str:
    e = escape_html
    place = incident.place
    details, sure = _summary(incident)
    link = map_link(place)
    area = where(place)
    head = f"<b>{e(place.name)}</b>" + (f" ({e(area)})" if area else "")
    if link:
        head += f' · <a href="{html.escape(link)}">map</a>'
    parts = [
        f"<p>{head}<br>",
        f"<b>{e(actor_text(incident.previous))} → {e(actor_text(incident.holder))}</b><br>",
        f"{e(details)}<br>{e(sure)}</p>",
    ]
    if incident.contested:
        by = f" by {e(', '.join(s.outlet for s in contrary))}" if contrary else ""
        parts.append(f"<p><b>Contested</b>{by}</p>")
    items = []
    for source in incident.sources:
        url = safe_url(source.url)
        name = e(source.outlet, 120) or "source"
        text = f'<a href="{html.escape(url, quote=True)}">{name}</a>' if url else name
        items.append(f"<li>{text}" + (f": {e(source.title, 200)}" if source.title else "") + "</li>")
    parts.append("<p><b>Sources</b></p><ul>" + "".join(items) + "</ul>")
    for evidence in incident.evidence[:2]:
        parts.append(f"<blockquote>{e(evidence)}</blockquote>")
    footer = " · ".join(part for part in (f"rule {e(rule)}" if rule else "", f"alert {e(key)}" if key else "") if part)
    if footer:
        parts.append(f"<p><small>{footer}</small></p>")
    return "\n".join(parts)


def _text(incident: Incident, rule: str, key: str, is_update: bool, contrary: Sequence[Source]) -> str:
    e = defang
    place = incident.place
    details, sure = _summary(incident)
    link = map_link(place)
    area = where(place)
    lines = [
        e(place.name) + (f" ({e(area)})" if area else ""),
        f"{e(actor_text(incident.previous))} → {e(actor_text(incident.holder))}",
        e(details),
        e(sure),
    ]
    if link:
        lines.append(f"map: {link}")
    if incident.contested:
        lines.append("CONTESTED" + (f" by {e(', '.join(s.outlet for s in contrary))}" if contrary else ""))
    lines.append("sources:")
    for source in incident.sources:
        url = safe_url(source.url)
        title = f": {e(source.title, 200)}" if source.title else ""
        lines.append(f"- {e(source.outlet, 120) or 'source'}{title}" + (f" {url}" if url else ""))
    for evidence in incident.evidence[:2]:
        lines.append(f'"{e(evidence)}"')
    footer = " · ".join(part for part in (f"rule {e(rule)}" if rule else "", f"alert {e(key)}" if key else "") if part)
    if footer:
        lines.append(footer)
    return "\n".join(lines)
