"""Cleaning: main text out of pages and fragments, site furniture stripped (pure, fast)."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest

from monitor.clean import clean_html, clean_text, extract_page, strip_furniture

# A page in our own words about an invented place, wrapped in the furniture news sites carry.
BODY = [
    "Fighters of the Blue Heron Brigade entered the river town of Maplefork on Tuesday after a two-day push "
    "along the valley road, according to residents reached by telephone.",
    "The provincial garrison withdrew towards the hills east of the town overnight, a spokesman for the "
    "regional council said, adding that the bridge over the Tarn river was still standing.",
    "Maplefork sits on the only paved route between the coast and the northern plateau, which makes it a "
    "prize for whichever side wants to move supplies before the winter rains begin.",
    "Aid workers said several hundred families had left for the neighbouring district of Stillwater.",
]

PAGE = f"""<!doctype html>
<html><head><title>Brigade enters Maplefork | The Valley Courier</title>
<meta property="og:site_name" content="The Valley Courier">
<meta property="article:published_time" content="2026-02-03T09:30:00Z">
</head><body>
<header><a href="/">The Valley Courier</a>
  <nav><a href="/world">World</a> <a href="/region">Region</a> <a href="/sport">Sport</a></nav></header>
<div class="share"><a href="#">Share</a> | <a href="#">Tweet</a> | <a href="#">WhatsApp</a> | <a href="#">Email</a></div>
<article>
  <h1>Brigade enters Maplefork</h1>
  <p>{BODY[0]}</p>
  <p>{BODY[1]}</p>
  <p>Read more: Valley road closed again after landslide</p>
  <p>{BODY[2]}</p>
  <div class="newsletter"><p>Sign up for our morning newsletter</p></div>
  <p>{BODY[3]}</p>
  <p>Follow us on Twitter and Facebook</p>
  <p>Share this article</p>
</article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Harvest festival postponed</a></li>
  <li><a href="/b">New ferry timetable announced</a></li></ul></aside>
<footer><p>Copyright © 2026 The Valley Courier. All rights reserved.</p>
  <p><a href="/about">About us</a> · <a href="/contact">Contact</a></p></footer>
</body></html>"""

FURNITURE = ["Share", "Tweet", "Read more", "newsletter", "Follow us", "Related stories", "Copyright", "Sport", "ferry"]


def seed_page(seed: str) -> str:
    """The seed article's text as a plain HTML page: each non-empty line a paragraph."""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in seed.splitlines() if line.strip())
    return f"<html><head><title>Seed</title></head><body><article>{paragraphs}</article></body></html>"


def test_seed_page_loses_everything_from_published_in_dawn_on(seed_text):
    marker = "Published in Dawn"
    assert marker in seed_text
    body, tail = seed_text.split(marker, 1)
    text = clean_html(seed_page(seed_text), url="http://127.0.0.1/seed")
    assert marker not in text
    for line in tail.splitlines()[2:]:  # every furniture/editorial line of the tail is gone
        if len(line.strip()) > 25:
            assert line.strip() not in text, line
    first = next(line for line in body.splitlines() if line.strip())
    last = [line for line in body.splitlines() if line.strip()][-1]
    assert first.strip()[:60] in text and last.strip()[:60] in text
    assert len(text) >= 0.9 * len(" ".join(body.split()))


def test_seed_as_plain_text_is_cut_the_same_way(seed_text):
    text = clean_text(seed_text)
    assert "Published in Dawn" not in text and "Mobile App" not in text
    assert text.splitlines()[0].startswith(seed_text.strip().splitlines()[0][:40])


def test_own_words_page_keeps_the_body_and_drops_furniture():
    page = extract_page(PAGE, url="http://127.0.0.1/maplefork")
    for paragraph in BODY:
        assert paragraph in page.text
    for word in FURNITURE:
        assert word not in page.text, word
    assert page.sitename == "The Valley Courier"
    assert page.published == datetime(2026, 2, 3, tzinfo=UTC)
    assert "Maplefork" in page.title


def test_strip_furniture_lines_and_tail():
    text = "\n".join(
        [
            BODY[0],
            "Share | Tweet | Email",
            "ADVERTISEMENT",
            BODY[1],
            "Read more: something else entirely",
            "Sign up for our newsletter",
            "On a mobile phone? Get the Courier App: Apple Store | Google Play",
            BODY[2],
            "Published in The Valley Courier, February 3rd, 2026",
            "Opinion",
            "An unrelated editorial line that must go.",
        ]
    )
    assert strip_furniture(text) == "\n".join(BODY[:3])


def test_strip_furniture_keeps_body_lines_that_merely_look_similar():
    lines = [
        "Published by the regional council on Monday, the casualty figures were revised upward.",
        "Copyright lawyers for the broadcaster said the footage was authentic.",
        "More news is expected from the front later in the day.",
        "Share prices in the capital fell after the announcement.",
        "Follow-up talks were scheduled for Thursday.",
    ]
    assert strip_furniture("\n".join(lines)) == "\n".join(lines)


def test_soft_markers_do_not_cut_a_story_at_its_start():
    text = "Related stories\n" + BODY[0] + "\n" + BODY[1]
    assert strip_furniture(text) == text
    assert strip_furniture(text + "\nRelated stories\nSomething else") == text


@pytest.mark.parametrize(
    "given, expected",
    [
        ("", ""),
        ("   ", ""),
        ("Plain words &amp; more", "Plain words & more"),
        ("<p>First <b>bold</b> part.</p><p>Second part.</p><script>alert(1)</script>", "First bold part.\nSecond part."),
        ("Line one<br>Line two", "Line one\nLine two"),
        ("<div><p>Kept</p><nav>Menu</nav><p>Share | Tweet</p></div>", "Kept"),
    ],
)
def test_clean_text_handles_fragments_and_plain_text(given, expected):
    assert clean_text(given) == expected


def test_a_page_with_no_main_content_still_yields_its_text():
    page = "<html><body><p>Only a short line here.</p></body></html>"
    assert clean_html(page) == "Only a short line here."


def test_table_cells_stay_apart_and_long_share_like_lines_are_cheap():
    assert clean_text("<table><tr><td>Town</td><td>Holder</td></tr></table>") == "Town Holder"
    line = "copy link " * 500 + "and then a real sentence."
    assert strip_furniture(line) == line.strip()
