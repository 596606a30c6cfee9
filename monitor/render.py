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
from collections.abc import Callable, Sequence
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


def place_label(place: Place) -> str:
    """The gazetteer's name, and the name as the source wrote it when that differs."""
    def folded(name: str) -> str:
        return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", name).lower())

    if place.mention and folded(place.mention) != folded(place.name):
        return f"{place.mention} / {place.name}"
    return place.name


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
    label = place_label(incident.place)
    place = f"{label} ({area})" if area else label
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
    body = _body(incident, fmt, rule, key, contrary)
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


@dataclass(frozen=True, slots=True)
class Markup:
    """How one body format writes the parts every alert has; ``e`` escapes untrusted text."""

    e: Callable[..., str]
    strong: Callable[[str], str]
    link: Callable[[str, str], str]  # (escaped text, safe url)
    heading: Callable[[str, str | None], str]  # (escaped place line, map url)
    sources: Callable[[list[str]], list[str]]  # source lines → block lines
    source: Callable[[str, str | None, str], str]  # (escaped outlet, safe url, escaped title)
    quote: Callable[[str], str]
    footer: Callable[[str], str]
    paragraph: Callable[[list[str]], list[str]]  # the summary lines → block lines
    contested: str  # the label of a contested change


MARKUPS: dict[Format, Markup] = {
    "markdown": Markup(
        e=escape_slack,
        strong=lambda t: f"**{t}**",
        link=lambda t, url: f"[{t}]({url})",
        heading=lambda line, url: f"**{line}**" + (f" · [map]({url})" if url else ""),
        sources=lambda lines: ["**Sources**", *lines],
        source=lambda name, url, title: "• " + (f"[{name}]({url})" if url else name) + (f": {title}" if title else ""),
        quote=lambda t: f"> {t}",
        footer=lambda t: t,
        paragraph=lambda lines: lines,
        contested="⚠️ **Contested**",
    ),
    "html": Markup(
        e=escape_html,
        strong=lambda t: f"<b>{t}</b>",
        link=lambda t, url: f'<a href="{html.escape(url, quote=True)}">{t}</a>',
        heading=lambda line, url: f"<b>{line}</b>" + (f' · <a href="{html.escape(url)}">map</a>' if url else ""),
        sources=lambda lines: ["<p><b>Sources</b></p><ul>" + "".join(lines) + "</ul>"],
        source=lambda name, url, title: "<li>"
        + (f'<a href="{html.escape(url, quote=True)}">{name}</a>' if url else name)
        + (f": {title}" if title else "")
        + "</li>",
        quote=lambda t: f"<blockquote>{t}</blockquote>",
        footer=lambda t: f"<p><small>{t}</small></p>",
        paragraph=lambda lines: ["<p>" + "<br>\n".join(lines) + "</p>"],
        contested="<b>Contested</b>",
    ),
    "text": Markup(
        e=defang,
        strong=lambda t: t,
        link=lambda t, url: f"{t} {url}",
        heading=lambda line, url: line + (f"\nmap: {url}" if url else ""),
        sources=lambda lines: ["sources:", *lines],
        source=lambda name, url, title: f"- {name}" + (f": {title}" if title else "") + (f" {url}" if url else ""),
        quote=lambda t: f'"{t}"',
        footer=lambda t: t,
        paragraph=lambda lines: lines,
        contested="CONTESTED",
    ),
}


def _body(incident: Incident, fmt: Format, rule: str, key: str, contrary: Sequence[Source]) -> str:
    """The alert body: where, who → who, when and how sure, contested, sources, evidence, rule and key."""
    m = MARKUPS[fmt]
    e = m.e
    details, sure = _summary(incident)
    area = where(incident.place)
    summary = [
        m.heading(e(place_label(incident.place)) + (f" ({e(area)})" if area else ""), map_link(incident.place)),
        m.strong(f"{e(actor_text(incident.previous))} → {e(actor_text(incident.holder))}"),
        e(details),
        e(sure),
    ]
    blocks = m.paragraph(summary)
    if incident.contested:
        by = f" by {e(', '.join(s.outlet for s in contrary))}" if contrary else ""
        blocks += m.paragraph([m.contested + by])
    blocks += m.sources(
        [m.source(e(s.outlet, 120) or "source", safe_url(s.url), e(s.title, 200)) for s in incident.sources]
    )
    blocks += [m.quote(e(evidence)) for evidence in incident.evidence[:2]]
    footer = " · ".join(part for part in (f"rule {e(rule)}" if rule else "", f"alert {e(key)}" if key else "") if part)
    if footer:
        blocks.append(m.footer(footer))
    return "\n".join(blocks)
