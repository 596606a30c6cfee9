"""Cleaning: HTML or text in, an article's main text out. Pure functions, no I/O.

A whole page goes through trafilatura (main-content extraction); a feed's HTML fragment (summary,
content:encoded) is already the body and is only converted to text, so nothing of it is lost. Then
``strip_furniture`` removes what sites wrap around a story and extractors let through: the tail after
"Published in <Outlet>" (the seed's example), copyright lines, "Related stories" blocks, and lines
such as "Read more: ...", "Follow us on ...", "Sign up for our newsletter", share bars, app adverts.

Paragraphs come out one per line, whitespace collapsed.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
import trafilatura
from lxml import etree

# -- furniture patterns ---------------------------------------------------------------------------

# A line that ends the story: everything from it on is the site's, not the article's.
_END_OF_STORY = re.compile(
    r"""^(?:
        (?:first\s+|originally\s+)?published\s+(?:in|by|on)\s+{outlet}(?:,?\s+(?:on\s+)?{date})?\.?
      | this\s+(?:article|story)\s+(?:was\s+)?(?:first\s+|originally\s+)?(?:published|appeared)\b[^\n]{0,120}
      | (?:copyright\s*)?©[^\n]{0,120}                                           # © 2026 Outlet
      | copyright\s*(?:\(c\)|\d{4})[^\n]{0,120}                                   # Copyright 2026 Outlet
      | all\s+rights\s+reserved\.?[^\n]{0,80}
      | (?:related|recommended|popular|trending|more|most\s+\w+|latest|top)
          (?:\s+\w+){0,3}\s*(?:stories|articles|news|reads|coverage|content|posts|videos|for\s+you|from\s+[^\n]{1,40})\s*:?
      | most\s+(?:read|popular|viewed|shared)|trending(?:\s+now)?|editor'?s\s+picks?
      | (?:you\s+(?:may|might)\s+also\s+like|read\s+next|more\s+on\s+this\s+story|comments?\s*(?:\(\d+\))?|leave\s+a\s+comment)\s*:?
    )$""".replace("{outlet}", r"[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,4}").replace(
        "{date}",  # April 26th, 2015 | 26 April 2015 | 2015-04-26
        r"(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|\d{4}-\d{2}-\d{2})",
    ),
    re.IGNORECASE | re.VERBOSE,
)

# A line that is furniture wherever it stands (dropped, the text around it kept).
_FURNITURE_LINE = re.compile(
    r"""^(?:
        (?:read|see|watch)\s+(?:more|also|next)\b[^\n]{0,200}                   # Read more: ..., Read also ...
      | also\s+read\b[^\n]{0,200}
      | follow\s+(?:us|@\w+|[A-Z][^\n]{0,40}?\s+on)\b[^\n]{0,120}               # Follow us on X
      | [^\n]{0,60}\b(?:sign\s+up|subscribe)\b[^\n]{0,40}\bnewsletters?\b[^\n]{0,80}
      | [^\n]{0,40}\bget\s+the\s+[^\n]{0,40}\bapp\b[^\n]{0,60}                  # On a mobile phone? Get the ... App
      | download\s+(?:the|our)\s+[^\n]{0,40}\bapp\b[^\n]{0,60}
      | advertisement|sponsored(?:\s+content)?|scroll\s+to\s+continue[^\n]{0,40}|story\s+continues\s+below[^\n]{0,40}
      | click\s+here\s+to\s+[^\n]{0,80}
      | share\s+(?:this|on)\b[^\n]{0,80}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# A share bar: a short line made only of these words and separators.
_SHARE_WORDS = (
    r"share|shares|tweet|facebook|twitter|x|whatsapp|telegram|linkedin|reddit|pinterest|email|e-mail|mail"
    r"|print|copy|link|comment|comments|save|messenger|flipboard|on"
)
_SHARE_BAR = re.compile(rf"^(?:(?:{_SHARE_WORDS})[\s|•·,/:-]*)+$", re.IGNORECASE)
_MAX_SHARE_BAR = 160

_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")
_DOCUMENT = re.compile(r"<(?:!doctype|html|body|head)\b", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")

# The body needs this many characters before a soft end marker may cut the rest ("Related stories"
# right under the headline is a sidebar, not the end of the story).
_MIN_BODY_BEFORE_CUT = 200

_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header footer figure figcaption dd dt".split()
)
_DROPPED = ("script", "style", "noscript", "iframe", "nav", "aside", "form", "button", "template", "svg")


@dataclass(frozen=True)
class Page:
    """What a fetched page yields: its main text and the metadata an article keeps."""

    text: str
    title: str = ""
    sitename: str = ""
    published: datetime | None = None


# -- text ------------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line for line in (_SPACES.sub(" ", raw).strip() for raw in text.splitlines()) if line]


def strip_furniture(text: str) -> str:
    """Remove site furniture from article text: cut at an end-of-story line, drop furniture lines.

    "Published in <Outlet>" and copyright lines end the story wherever they follow the first
    paragraph; softer markers ("Related stories", "Comments") only once some body came before them.
    """
    kept: list[str] = []
    for line in _lines(text):
        if kept and _END_OF_STORY.match(line) and (_is_hard_end(line) or sum(map(len, kept)) >= _MIN_BODY_BEFORE_CUT):
            break
        if _FURNITURE_LINE.match(line) or (len(line) <= _MAX_SHARE_BAR and _SHARE_BAR.match(line)):
            continue
        kept.append(line)
    return "\n".join(kept)


def _is_hard_end(line: str) -> bool:
    lowered = line.lower()
    return lowered.startswith(("published", "first published", "originally published", "this article", "this story")) or (
        "©" in line or lowered.startswith(("copyright", "all rights reserved"))
    )


def fragment_text(fragment: str) -> str:
    """An HTML fragment as text, one block per line; scripts, styles, nav and forms dropped."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return html_lib.unescape(_TAG.sub(" ", fragment))
    for element in list(root.iter(*_DROPPED)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
        elif element.tag in ("td", "th"):
            element.tail = " " + (element.tail or "")
    return "".join(root.itertext())


def extract_page(html: str, url: str | None = None) -> Page:
    """A whole HTML page's main text (trafilatura) and metadata, furniture stripped.

    When trafilatura finds no main content the page's visible text is used instead: nothing is lost.
    """
    document = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    text = (document.text if document is not None else None) or ""
    if not text.strip():
        text = fragment_text(_body_of(html))
    return Page(
        text=strip_furniture(text),
        title=((document.title if document is not None else None) or "").strip(),
        sitename=((document.sitename if document is not None else None) or "").strip(),
        published=_date(document.date if document is not None else None),
    )


def _body_of(html: str) -> str:
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    body = root.find("body")
    target = body if body is not None else root
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in target) or (target.text or "")


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_html(html: str, url: str | None = None) -> str:
    """A whole page's main text, furniture stripped."""
    return extract_page(html, url).text


def clean_text(text_or_html: str) -> str:
    """Clean whatever a feed gives: a whole page (trafilatura), an HTML fragment, or plain text."""
    if not text_or_html or not text_or_html.strip():
        return ""
    if _DOCUMENT.search(text_or_html):
        return clean_html(text_or_html)
    if _TAG.search(text_or_html):
        return strip_furniture(fragment_text(text_or_html))
    return strip_furniture(html_lib.unescape(text_or_html))
