"""Event dates from news phrasing, resolved against the publication date, with their precision.

"on Saturday" -> the last Saturday on or before publication (day); "last month" -> the month before
(month); "in June 2011" (month); "in 1980" (year); "On 7 May 2020" (day); "three days ago" (day).
Hand-written patterns rather than dateparser: news uses a small set of forms, and the patterns tell
us *where* the expression sits, which decides which verb it dates.

``timing`` then says whether a date is news (current) or recalled history (background).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|" \
            r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?"  # a whole word: "of Marinka" is no March
_DAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
              "thirty": 30, "forty": 40, "fifty": 50, "several": 3, "few": 3,
              "a few": 3, "couple of": 2, "a couple of": 2, "some": 3, "many": 5}

RECENT_DAYS = 6  # a change dated within this many days before publication is news


@dataclass(frozen=True, slots=True)
class DateExpr:
    start: int  # span in the text searched
    end: int
    date: date
    precision: str  # day | month | year
    relative: bool  # resolved against the publication date
    recalled: bool = False  # "earlier this month", "last week": told as history, not as news
    # a day count from another date of the story: "a day after <clause>" / "two days before <clause>" date the
    # clause that follows them from the main clause's date ("clause"); "a day earlier", "the day before", "the
    # next day" count from the story's last date ("story"). ``date`` is then only a fallback (publication-based).
    anchor: str | None = None
    shift: int = 0  # how many ``shift_unit`` to add to the anchor's date
    shift_unit: str = "day"  # day | month | year (then ``precision`` is that unit too)


_SHIFT_NUM = r"(?:(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of|couple\s+of|" \
             r"a\s+few|few|several|some|many)\s+)?"
_SHIFT_HINT = re.compile(r"after|before|earlier|later|previous|following|next|preceding|same", re.I)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("shift", re.compile(r"\b(?:" + _SHIFT_NUM + r"(?P<unit>day|week|night|month|year)s?|"
                         r"the\s+(?P<the>day|night|morning|week|month|year))"
                         r"\s+(?P<dir>after|before|earlier|later|previously)\b"
                         r"|\bthe\s+(?P<adj>previous|following|next|preceding)\s+(?P<unit2>day|night|morning|week)\b"
                         r"|\bthe\s+same\s+(?P<same>day|night|morning|evening|afternoon)\b", re.I)),  # "on the same day"
    ("dmy", re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s+(?P<y>(?:19|20)\d{2}))?\b")),
    ("mdy", re.compile(r"\b" + _MONTH_RE + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d{2}))?")),
    ("my", re.compile(r"\b(?:(?:early|late|mid|the end of|the beginning of|the start of)[\s-]+)?" + _MONTH_RE +
                      r"(?:\s+(?:of\s+)?(?P<y>(?:19|20)\d{2}))\b")),
    ("m", re.compile(r"\b(?i:in|since|during|by|until|of|early|late|mid|last|this|since early|since late)[\s-]+"
                     + _MONTH_RE + r"(?!\s*\d)(?P<prev>\s+(?:of\s+)?(?i:last|the\s+previous)\s+year\b)?")),
    ("attr_year", re.compile(r"(?:\b(?i:the|a|an|its|their)|['’]s?)\s+(?P<y>(?:19|20)\d{2})\s+(?=[a-z])")),
    ("season", re.compile(r"\b(?i:in\s+the\s+)(?i:spring|summer|autumn|fall|winter)\s+of\s+(?P<y>(?:19|20)\d{2})\b")),
    ("decade", re.compile(r"\b(?:in|during|since)\s+the\s+(?P<y>(?:19|20)\d0)s\b")),
    ("y", re.compile(r"\b(?i:in|since|during|of|by|until|early|late|mid|before|after)[\s-]+(?P<y>(?:19|20)\d{2})\b")),
    ("ago", re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                       r"twenty|thirty|forty|fifty|several|a few|a couple of)\s+(?P<unit>day|week|month|year)s?\s+"
                       r"(?:ago|earlier|before)(?:\s+(?:today|(?:this|that|on)\s+(?:week|weekend|month|day|Monday|"
                       r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)))?\b", re.I)),  # "twenty years ago this Saturday"
    ("weekday", re.compile(r"\b(?P<pre>(?i:last|this|on|early|late|since)\s+)?"
                           r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("vague_ago", re.compile(r"\b(?P<unit>day|week|month|year)s\s+(?:earlier|before|ago|previously)\b", re.I)),
    ("rel", re.compile(r"\b(?P<rel>today|tonight|this morning|this afternoon|this evening|earlier today|"
                       r"yesterday|last night|overnight|the previous day|the day before|"
                       r"last week|earlier this week|earlier in the week|this week|last weekend|this weekend|"
                       r"last month|earlier this month|earlier in the month|this month|last year|earlier this year|"
                       r"earlier in the year|this year|the previous year|the previous month|the previous week)\b", re.I)),
]


def find_dates(text: str, published: date | None) -> list[DateExpr]:
    """Every date expression in ``text`` that can be resolved, in text order, no overlaps."""
    found: list[DateExpr] = []
    taken: list[tuple[int, int]] = []
    shifts = bool(_SHIFT_HINT.search(text))
    for kind, pattern in _PATTERNS:
        if kind == "shift" and not shifts:
            continue
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            expr = _resolve(kind, m, published)
            if expr is not None:
                found.append(expr)
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _resolve(kind: str, m: re.Match[str], pub: date | None) -> DateExpr | None:
    g = m.groupdict()
    if kind == "shift":
        return _shift(m, g, pub)
    try:
        if kind in ("dmy", "mdy"):
            month, day = _MONTHS[g["mon"].lower().rstrip(".")], int(g["d"])
            if g.get("y"):
                return DateExpr(m.start(), m.end(), date(int(g["y"]), month, day), "day", False)
            if pub is None:
                return None
            d = date(pub.year, month, day)
            if d > pub + timedelta(days=1):
                d = date(pub.year - 1, month, day)
            return DateExpr(m.start(), m.end(), d, "day", True)
        if kind == "my":
            return DateExpr(m.start(), m.end(), date(int(g["y"]), _MONTHS[g["mon"].lower().rstrip(".")], 1),
                            "month", False)
        if kind == "m":
            if pub is None or g["mon"].lower() == "may" and not m.group().lower().startswith(
                    ("in", "since", "during", "early", "late", "mid")):
                return None
            month = _MONTHS[g["mon"].lower().rstrip(".")]
            year = pub.year if month <= pub.month else pub.year - 1
            if m.group().lower().startswith("last") and month == pub.month:
                year -= 1
            if g.get("prev"):  # "in May last year"
                year = pub.year - 1
            return DateExpr(m.start(), m.end(), date(year, month, 1), "month", True)
        if kind in ("y", "decade", "attr_year", "season"):
            return DateExpr(m.start(), m.end(), date(int(g["y"]), 1, 1), "year", False)
        if kind == "weekday":
            if pub is None:
                return None
            back = (pub.weekday() - _DAYS[g["wd"].lower()]) % 7
            if (g.get("pre") or "").strip().lower() == "last" and back == 0:
                back = 7
            return DateExpr(m.start(), m.end(), pub - timedelta(days=back), "day", True)
        if kind == "vague_ago":  # "days earlier", "months before": recalled, roughly dated
            if pub is None:
                return None
            unit = g["unit"].lower()
            back = {"day": timedelta(days=3), "week": timedelta(days=21), "month": timedelta(days=90),
                    "year": timedelta(days=730)}[unit]
            d = pub - back
            precision = "day" if unit in ("day", "week") else "month" if unit == "month" else "year"
            return DateExpr(m.start(), m.end(), d if precision == "day" else date(d.year, d.month if precision ==
                            "month" else 1, 1), precision, True, recalled=True)
        if kind == "rel":
            return None if pub is None else _relative(m, g["rel"].lower(), pub)
        if kind == "ago":
            if pub is None:
                return None
            n = int(g["n"]) if g["n"].isdigit() else _NUM_WORDS[g["n"].lower()]
            unit = g["unit"].lower()
            if unit == "day":
                return DateExpr(m.start(), m.end(), pub - timedelta(days=n), "day", True)
            if unit == "week":
                return DateExpr(m.start(), m.end(), pub - timedelta(days=7 * n), "day", True)
            if unit == "month":
                y, mo = divmod(pub.year * 12 + pub.month - 1 - n, 12)
                return DateExpr(m.start(), m.end(), date(y, mo + 1, 1), "month", True)
            return DateExpr(m.start(), m.end(), date(pub.year - n, 1, 1), "year", True)
    except (ValueError, KeyError):
        return None
    return None


def _shift(m: re.Match[str], g: dict, pub: date | None) -> DateExpr | None:
    """"a day after <clause>", "two days earlier", "the next day": a count of days from another date."""
    if pub is None:
        return None
    if g.get("unit") and not g.get("n") and (g.get("dir") or "").lower() != "later":
        return None  # "days earlier", "years after": vague, recalled (the "vague_ago" pattern and history cues)
    if g.get("same"):  # the day last named
        return DateExpr(m.start(), m.end(), pub, "day", True, anchor="story", shift=0)
    unit = (g.get("unit") or g.get("the") or g.get("unit2") or "day").lower()
    plural = bool(g.get("unit")) and m.group().lower().split()[-2].endswith("s")
    n = (3 if plural else 1) if not g.get("n") else int(g["n"]) if g["n"].isdigit() else \
        _NUM_WORDS.get(" ".join(g["n"].lower().split()), 3)  # "days later", "a few months later": about three
    count, shift_unit = (n * 7, "day") if unit == "week" else (n, "month" if unit == "month" else
                                                                  "year" if unit == "year" else "day")
    direction = (g.get("dir") or g.get("adj") or "").lower()
    sign = -1 if direction in ("before", "earlier", "previously", "previous", "preceding") else 1
    rest = m.string[m.end():]
    if direction in ("after", "before") and not re.match(r"\s*(?:[,.;:)\"”]|$|and\b|but\b|when\b)", rest):
        # "a day after they took Kidal": the clause after it happened ``days`` before (after) the main clause
        anchor, sign = "clause", -sign
    else:
        anchor = "story"
    if shift_unit == "day":
        fallback = pub + timedelta(days=min(0, sign * count)) if anchor == "story" else pub
        return DateExpr(m.start(), m.end(), fallback, "day", True, anchor=anchor, shift=sign * count)
    # "three years later", "a month after": without a date to count from, a recalled time
    e = DateExpr(m.start(), m.end(), pub, shift_unit, True, recalled=True, anchor=anchor, shift=sign * count,
                 shift_unit=shift_unit)
    return DateExpr(e.start, e.end, resolve_shift(e, pub) if sign < 0 else _first_of(pub, shift_unit), shift_unit,
                    True, recalled=True, anchor=anchor, shift=sign * count, shift_unit=shift_unit)


def _first_of(d: date, unit: str) -> date:
    return date(d.year, 1, 1) if unit == "year" else date(d.year, d.month, 1)


def resolve_shift(e: DateExpr, anchor: date) -> date:
    """The date an anchored expression names, counted from ``anchor`` (first of the month / year for those units)."""
    if e.shift_unit == "day":
        return anchor + timedelta(days=e.shift)
    if e.shift_unit == "month":
        y, mo = divmod(anchor.year * 12 + anchor.month - 1 + e.shift, 12)
        return date(y, mo + 1, 1)
    return date(anchor.year + e.shift, 1, 1)


def _relative(m: re.Match[str], rel: str, pub: date) -> DateExpr:
    recalled = rel.startswith(("earlier", "last", "the previous"))

    def mk(d: date, precision: str) -> DateExpr:
        return DateExpr(m.start(), m.end(), d, precision, True, recalled)

    if rel in ("today", "tonight", "this morning", "this afternoon", "this evening", "earlier today"):
        return mk(pub, "day")
    if rel in ("yesterday", "last night", "overnight", "the previous day", "the day before"):
        return mk(pub - timedelta(days=1), "day")
    if rel in ("last week", "last weekend", "the previous week"):
        return mk(pub - timedelta(days=7), "day")
    if rel in ("earlier this week", "earlier in the week", "this week", "this weekend"):
        return mk(pub - timedelta(days=pub.weekday() and 1), "day")
    if rel in ("last month", "the previous month"):
        y, mo = divmod(pub.year * 12 + pub.month - 2, 12)
        return mk(date(y, mo + 1, 1), "month")
    if rel in ("earlier this month", "earlier in the month", "this month"):
        return mk(date(pub.year, pub.month, 1), "month")
    if rel in ("last year", "the previous year"):
        return mk(date(pub.year - 1, 1, 1), "year")
    return mk(date(pub.year, 1, 1), "year")  # this year, earlier this year


def timing(d: date | None, precision: str, published: date | None) -> str:
    """'current' when a change dated ``d`` is news at publication time, else 'background'."""
    if d is None or published is None:
        return "current"
    if precision == "day":
        return "current" if d >= published - timedelta(days=RECENT_DAYS) else "background"
    if precision == "month":
        months_back = (published.year - d.year) * 12 + published.month - d.month
        return "current" if months_back <= 0 else "background"
    return "current" if d.year >= published.year and published.month <= 1 else "background"


def as_date(value: date | datetime | str | None) -> date | None:
    """A publication date from a date, datetime or ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
