"""Place mentions in an article: gazetteer-led recognition, landmark detection, country context.

The gazetteer, not a NER model, decides what is a place: every folded token n-gram of the text is
looked up (longest first). Hits are then filtered with cheap orthographic checks (capitalised, a
whole capitalised phrase, not inside an actor name, not a common word, not a country) and labelled:

- ``landmark``: the place only locates something else ("on a road between Latakia and Aleppo",
  "20 km north of Hama", "near the border with Turkey"), so it cannot be the place that changed hands;
- ``kind_hint``: "Idlib province" / "the province of Idlib" asks for the admin1 area, "the city of
  Idlib" for the city.

``country_context`` weighs the countries an article is about (country names, demonyms, dateline,
unambiguous places); ``resolve`` ranks a mention's candidates with it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from dataclasses import dataclass

from monitor.extract.countries import country_names, country_table
from monitor.extract.gazetteer import ADMIN1, MAX_NGRAM, Entry, Gazetteer
from monitor.extract.normalize import FoldedText, fold

# capitalised words that are also GeoNames place names somewhere, but in news prose are not places
COMMON_WORDS = frozenset(fold(w) for w in """
a about after again against all also an and any are as at be because been before being between both but by
can could did do does during each few for from further had has have he her here hers him his how i if in into is
it its just me more most my no nor not now of off on once only or other our out over own same she should so some
such than that the their them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december president minister prime general colonel commander spokesman army state
front forces force police government regime opposition rebels militants islamist islamic sunni shia shiite kurdish
christian christians muslim muslims yazidi yazidis druze alawite turkmen
arab media observatory human rights group groups battle victory council coalition alliance union national
north south east west central northern southern eastern western upper lower greater new old saint
reuters afp ap news agency online mobile store apple google play opinion editorial updated political climate hope
mass hero unity liberty freedom independence peace justice progress republic democratic people popular
university hospital airport base camp bridge market mosque church school road highway river lake mount valley
security military defence defense interior ministry office capital city town village district province region
health aid relief red cross crescent world bank united nations un eu nato security council tv radio
police station checkpoint border crossing gate port oil gas field fields dam power plant
doctor mayor governor king queen prince sheikh imam bishop lord lady sir chief emir caliph
ahmad ahmed mohammed muhammad mohamed ali hassan hussein omar umar abu abdullah bashar hafez assad
late early since many dawn dusk control retreat advance centre center downtown area part rest big
""".split())

_PLACE_MODIFIERS = frozenset(fold(w) for w in "eastern western northern southern central greater old new upper lower "
                              "north south east west the in at of".split())
_CALENDAR = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
                       r"May|June|July|August|September|October|November|December)$")
# "the Kandahar air field", "Bukavu airport": a facility named after the place, which is not the place itself
FACILITY_AFTER = re.compile(r"\s+(?:international\s+)?(?:airport|air\s*base|airbase|air\s*field|airfield|port|bridge|dam|"
                            r"prison|barracks|university|hospital|checkpoint|crossing|refinery|power\s+plant)\b", re.I)
_NEWS_OUTLET = re.compile(r"\s+(?:press|news|agency|tv|television|radio|channel|broadcaster|newspaper|daily)\b", re.I)
_NEWS_OUTLET_NAME = re.compile(r"(?:Al[- ])?(?:Jazeera|Arabiya)", re.I)  # "Mayadeen" is also a town
_INSTITUTION_IN = re.compile(r"\b(?:Command|Headquarters|Base|Brigade|Division|Regiment|Corps|Battalion|Airport|Prison|"
                             r"Camp|Barracks|Garrison|Academy|University|Hospital)\s+in\s+$")
_ADMIN_AFTER = re.compile(r"^\s*(?:province|governorate|region|state|oblast|prefecture|department|county)\b", re.I)
_ADMIN_BEFORE = re.compile(r"\b(?:province|governorate|region|state|oblast|prefecture|department|capital)\s+of\s+"
                           r"(?:the\s+)?$", re.I)  # "the capital of Takhar": Takhar is the province
_DESCRIPTOR = r"(?P<noun>town|city|village|hamlet|settlement|locality|district|capital|port|base|enclave|stronghold)"
_NOUN_BEFORE = re.compile(r"\b(?<!capital )(?P<noun>town|city|village|hamlet|settlement|locality|port|base|enclave|"
                          r"stronghold)\s+of\s+(?:the\s+)?$", re.I)  # "the capital of X": X is the province
_NOUN_AFTER = re.compile(r"^\s*,\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?" + _DESCRIPTOR + r"\b", re.I)
_CITY_BEFORE = re.compile(r"\b(?:city|town|village|hamlet|settlement|locality|district|area|suburb|municipality|"
                          r"neighbourhood|neighborhood|capital)\s+of\s+(?:the\s+)?$", re.I)
_CAP_SUFFIXES = re.compile(r"^\s*(?:Province|Governorate|Region|State|Oblast|District|City|Town|Village|County|"
                           r"Prefecture|Department|Municipality)\b")
# the place only locates something else
_LANDMARK_BEFORE = re.compile(
    r"\b(?:between|near|outside|outskirts\s+of|close\s+to|around|approaches\s+to|gates\s+of|"
    r"(?:km|kilometres|kilometers|kms|miles|mi)\s+(?:\w+\s+)?(?:of|from|away\s+from)|"
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+(?:of|from)|"
    r"roads?\s+(?:to|from|linking|between|connecting|leading\s+to)|highway|motorway|"
    r"towards?|direction\s+of|border\s+with|en\s+route\s+to|on\s+the\s+way\s+to|from\s+the\s+direction|"
    r"(?:closer|close|nearer)\s+to|edge\s+of|heading\s+(?:to|for)|march(?:ed|ing)?\s+on|advanc\w*\s+(?:on|to)|"
    r"fled\s+to|flee\s+to|displaced\s+to|based\s+in|stronghold\s+of|born\s+in|"
    r"residents\s+of|people\s+of|citizens\s+of)\b"
    r"(?:[^,;:()\u2014.]{0,60})$",
    re.I,
)
# lower-case links inside multi-word place names (Swahili "ya", Arabic "al", Romance "de" ...)
_NAME_LINKS = r"(?:ya|wa|la|le|de|da|du|des|del|di|al|el|ash|ad|bin|ibn|bani|beni)"
_NAME_LINK_AFTER = re.compile(r"^[ \t]+" + _NAME_LINKS + r"[ \t-]+[A-Z]")
_NAME_LINK_BEFORE = re.compile(r"\b[A-Z][\w'’-]+[ \t]+" + _NAME_LINKS + r"[ \t-]+$")
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\band\b(?=\s+(?:the|a)\b)|"
                           r"\b(?:took|taken|captured|seized|overran|retook|recaptured|entered|control\s+of)\b")


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    surface: str
    key: str  # folded gazetteer key
    candidates: tuple[Entry, ...]
    landmark: bool
    wants_admin1: bool
    wants_city: bool
    noun: str | None = None  # how the text describes it: "town" in "the town of X" / "X, a town"
    antecedent: "PlaceMention | None" = None  # for "the town": the named mention it stands for
    region: bool = False  # "northern Hama": the area around, not the town
    in_parens: bool = False  # "(Mobbar, Borno)": the coder's location note, not the story's subject
    facility: bool = False  # "the Kandahar air field": a facility named after the place, not the place


def find_places(folded: FoldedText, gazetteer: Gazetteer, blocked: list[tuple[int, int]]) -> list[PlaceMention]:
    """Every plausible place mention, longest match first, skipping ``blocked`` spans (actors, dateline)."""
    text, toks = folded.text, folded.tokens
    names = country_names()
    blocked = sorted(blocked)
    out: list[PlaceMention] = []
    i = 0
    country_len = _country_heads()
    while i < len(toks):
        first = toks[i].key
        longest = max(gazetteer.longest_from(first), country_len.get(first, 0))
        hit = None
        for n in range(min(longest, MAX_NGRAM, len(toks) - i), 0, -1):
            key = " ".join(t.key for t in toks[i:i + n])
            if key in names:
                hit = ("country", n, key)
                break
            if key in gazetteer:
                hit = ("place", n, key)
                break
        if hit is None:
            i += 1
            continue
        n = hit[1]
        if hit[0] == "place" and text[toks[i].start:toks[i].start + 1].isupper():
            mention = _mention(folded, i, i + n - 1, hit[2], gazetteer.entries(hit[2]), blocked)
            if mention is not None:
                out.append(mention)
        i += n
    return out


@lru_cache(maxsize=1)
def _country_heads() -> dict[str, int]:
    out: dict[str, int] = {}
    for key in country_names():
        words = key.split(" ")
        out[words[0]] = max(out.get(words[0], 0), len(words))
    return out


def _mention(folded: FoldedText, first: int, last: int, key: str, entries: list[Entry],
             blocked: list[tuple[int, int]]) -> PlaceMention | None:
    text, toks = folded.text, folded.tokens
    start, end = folded.span(first, last)
    # take in an article written just before the name ("al-Bab", "Ar Raqqah")
    pre = re.search(r"\b(?:(?:[Aa]l|[Ee]l)[-\s]|(?:[Aa][nrsdtz]|[Ee][sdnz]|[Aa]sh|[Ee]sh)-|(?:A[drz]|E[dsnz]|Ash|Esh|Adh|Ath)\s)$",
                    text[max(0, start - 5):start])  # not "At", "As", "An" + space: English words
    if pre:
        start = start - (len(text[max(0, start - 5):start]) - pre.start())
    surface = text[start:end]
    if _NEWS_OUTLET.match(text[end:end + 30]) or _NEWS_OUTLET_NAME.fullmatch(surface):
        return None  # "Al Jazeera news agency reported", "Khaama press reported": a source, not a place
    if re.match(r"-[A-Za-z]", text[end:end + 2]) or re.search(r"[A-Za-z]-$", text[max(0, start - 2):start]):
        return None  # a piece of a longer hyphenated name: "Bulo" of "Bulo-Gadud", "Arche" of "Dasht-i-Arche"
    k = bisect.bisect_left(blocked, (end,))  # blocked spans sorted by start
    if any(start < e and s < end for s, e in blocked[max(0, k - 8):k]):
        return None
    head = text[toks[first].start:toks[first].end]
    tail = text[toks[last].start:toks[last].end]
    if not (head[:1].isupper() and tail[:1].isupper()):
        return None
    at_start = _sentence_start(text[max(0, start - 80):start], len(text[max(0, start - 80):start]))
    if first == last and (key in COMMON_WORDS or len(head) < 3 or len(head) == 3 and at_start
                          or head.isupper() and len(head) <= 4):
        return None  # "Hit" mid-sentence is a town; at a sentence's start it is a verb
    # part of a longer capitalised name (a person, an organisation): "Ahmad Mansour", "Idlib Military Council"
    after = text[end:end + 40]
    nxt = re.match(r"[ \t]+([A-Z][\w'’-]*)", after)
    if nxt and not _CAP_SUFFIXES.match(after) and not _CALENDAR.match(nxt.group(1)):
        return None
    if _NAME_LINK_AFTER.match(after) or _NAME_LINK_BEFORE.search(text[max(0, start - 40):start]):
        return None  # "Kambi ya Yua", "Ain al Arab": a gazetteer name inside a longer one it does not know
    before = text[max(0, start - 80):start]
    prv = re.search(r"([A-Z][\w'’-]*)[ \t]+$", before)
    if prv and fold(prv.group(1)) not in _PLACE_MODIFIERS and not _sentence_start(before, prv.start()):
        return None
    clause_before = _CLAUSE_BREAK.split(text[max(0, start - 120):start])[-1]
    landmark = bool(_LANDMARK_BEFORE.search(clause_before))
    wants_admin1 = bool(_ADMIN_AFTER.match(after) or _ADMIN_BEFORE.search(before))
    wants_city = bool(_CITY_BEFORE.search(before)) and not wants_admin1
    noun = _NOUN_BEFORE.search(before) or _NOUN_AFTER.match(after)
    region = bool(re.search(r"\b(?:north|south|east|west|central)(?:ern|-?(?:east|west)ern)?\s+$", before, re.I)
                  or re.search(r"[A-Z][\w'’-]+(?:\s+(?:city|town|village))?\s+in\s+$", before)  # "Zaranj in Nimruz"
                  and not _INSTITUTION_IN.search(before))  # not "the Northeastern Command in Lashio"
    in_parens = before.rfind("(") > before.rfind(")")
    return PlaceMention(start, end, surface, key, tuple(entries), landmark, wants_admin1, wants_city,
                        noun.group("noun").lower() if noun else None, region=region, in_parens=in_parens,
                        facility=bool(FACILITY_AFTER.match(after)))


def _sentence_start(before: str, pos: int) -> bool:
    head = before[:pos].rstrip()
    return head == "" or head[-1:] in ".!?\n\"“”:"


def country_context(folded: FoldedText, places: list[PlaceMention], dateline_country: str | None,
                    actor_countries: dict[str, float] | None = None) -> dict[str, float]:
    """How strongly the article is about each country (ISO2 -> weight).

    Votes: country names and demonyms (1), the dateline (1), the countries of the armed actors named
    (``actor_countries``), places whose every candidate lies in one country (0.5; 0.3 when only the
    big candidates agree).
    """
    weights: Counter[str] = Counter()
    for iso, start, end in _country_mentions(folded, 0, len(folded.text)):
        weights[iso] += 0.25 if _patron(folded.text, start, end) else 1.0  # "Rwandan-backed M23": not where it is
    if dateline_country:
        weights[dateline_country] += 1.0
    for iso, w in (actor_countries or {}).items():
        weights[iso] += w
    for p in places:
        for iso, w in _place_vote(p).items():
            weights[iso] += w
    shared = _shared_country(places)
    if shared:
        weights[shared] += 0.5
    return dict(weights)


def _shared_country(places: list[PlaceMention]) -> str | None:
    """The one country where the most of the article's ambiguous place names have a namesake ("Kidal" and "Gao"
    both have one in Mali, and no other country has both), when at least two of them agree."""
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for p in places:
        countries = {e.country for e in p.candidates}
        if p.key in seen or len(countries) < 2 or p.landmark and not p.noun:
            continue
        seen.add(p.key)
        counts.update(countries)
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2)
    return top if n >= 2 and (not rest or rest[0][1] < n) else None


def _place_vote(p: PlaceMention) -> dict[str, float]:
    countries = {e.country for e in p.candidates}
    if len(countries) == 1:
        return {next(iter(countries)): 0.5}
    # a big place so named (not a big place that only lists the spelling among its alternate names)
    big = [e for e in p.candidates if e.population >= 100_000 and _so_named(e, p.key)]
    if len({e.country for e in big}) == 1:
        return {big[0].country: 0.3}
    return {}


def _so_named(e: Entry, key: str) -> bool:
    """The place's own name is ``key`` ("Marawi" for "Marawi City"), not only one of its alternate spellings."""
    name = fold(e.name)
    return name == key or name.startswith(key + " ")


def countries_in(folded: FoldedText, start: int, end: int) -> set[str]:
    """ISO2 codes of the countries named (or demonyms used) between ``start`` and ``end`` of the text as where
    things are: not a patron ("Rwandan-backed") nor a foreign army's nationality ("after Ethiopian troops left")."""
    return {iso for iso, s, e in _country_mentions(folded, start, end)
            if not _patron(folded.text, s, e) and not _ARMED_AFTER_NAME.match(folded.text[e:e + 30])}


def _country_mentions(folded: FoldedText, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(ISO2, start, end) of each capitalised country name or demonym between ``start`` and ``end``."""
    names = country_names()
    heads = _country_heads()
    toks = folded.tokens
    i = bisect.bisect_left([t.start for t in toks], start)
    while i < len(toks) and toks[i].start < end:
        for n in range(min(heads.get(toks[i].key, 0), len(toks) - i), 0, -1):
            key = " ".join(t.key for t in toks[i:i + n])
            if key in names and text_is_capitalised(folded, i):
                yield names[key], toks[i].start, toks[i + n - 1].end
                i += n - 1
                break
        i += 1


_ARMED_AFTER_NAME = re.compile(r"['’]?s?\s+(?:\w+\s+)?(?:troops|forces|army|soldiers|military|police|peacekeepers)\b", re.I)


def _patron(text: str, start: int, end: int) -> bool:
    """"Rwandan-backed M23", "rebels backed by Turkey": the country backs a group; it is not where things are."""
    return bool(re.match(r"-?(?:backed|supported|sponsored|allied|aligned)\b", text[end:end + 12], re.I)
                or re.search(r"\b(?:backed|supported|sponsored|armed|funded)\s+by\s+$", text[max(0, start - 20):start], re.I))


def text_is_capitalised(folded: FoldedText, i: int) -> bool:
    t = folded.tokens[i]
    return folded.text[t.start:t.start + 1].isupper()


UNRESOLVED = "unresolved"
_PAREN_AFTER = re.compile(
    r"^(?:\s*(?:,|and|areas?|villages?|towns?|localit(?:y|ies)|district|region|front(?:line)?|checkpoints?|"
    r"strategic\s+positions?|positions?|[A-Z][\w'’-]+|al|el|ash|az|as|ad|ath|ya|de)\s*){0,8}?\s*\(([^()]{2,80})\)")


def resolve(mention: PlaceMention, gazetteer: Gazetteer, countries: dict[str, float], text: str = "",
            abroad: frozenset[str] = frozenset(), prior: frozenset[str] = frozenset()) -> tuple[Entry, float]:
    """The mention's best candidate and how sure the choice is (0..1).

    A name the gazetteer does not know, or knows only far outside the article's countries, becomes an
    unresolved place (no GeoNames id) in the article's main country, located at the area named in a
    following parenthesis when there is one ("Al Hummah (As Sawadiyah, Al Bayda)"). ``abroad``: home
    countries of the state forces the article names; their neighbours count as in context (an army
    fighting across its border). ``prior``: countries with armed conflicts (those the actor catalogue's armed
    groups fight in); with no country context at all, a place so named (not only by an alternate spelling)
    comes first, then one in those countries, then the biggest ("Salqin" is the Syrian town, not Salaqi in
    China, whose alternate names include the spelling).
    """
    own = _place_vote(mention)  # the mention may not vote for its own reading
    countries = {iso: w - own.get(iso, 0.0) for iso, w in countries.items() if w - own.get(iso, 0.0) > 0}
    top = max(countries, key=countries.get) if countries else None
    area = _paren_area(mention, gazetteer, countries, text) if text else None
    if mention.candidates:
        ranked = gazetteer.rank(mention.candidates, prefer_admin1=mention.wants_admin1, countries=countries)
        if not countries and len({e.country for e in ranked}) > 1:
            ranked = sorted(ranked, key=lambda e: ((e.kind == ADMIN1) == mention.wants_admin1, _so_named(e, mention.key),
                                                    e.country in prior or e.population >= 1_000_000), reverse=True)
        best = ranked[0]
        if countries and top and fold(best.name) != mention.key and best.country != top \
                and best.country not in neighbours(top):
            # a far country's alternate name loses to a place so named in the story's region ("Rann" is the
            # Nigerian town beside Cameroon, not Grossraschen in Germany)
            primary = [e for e in ranked if fold(e.name) == mention.key and countries.get(e.country, 0) > 0
                       and (e.country == top or e.country in neighbours(top))]
            if primary:
                best = primary[0]
        if mention.wants_city:
            cities = [e for e in ranked if e.kind != ADMIN1]
            best = cities[0] if cities else best
        in_context = countries.get(best.country, 0) > 0 or (fold(best.name) == mention.key or best.population > 0) and any(
            best.country in neighbours(iso) for iso in abroad)  # Russian forces in a Ukrainian town
        if in_context and top and best.country != top and fold(best.name) != mention.key and best.population < 5000 \
                and countries.get(best.country, 0.0) * 2 <= countries[top] and best.country not in neighbours(top):
            in_context = False  # "Kuek" is only an alternate name of a hamlet in a country the story barely names
        if in_context or not countries:
            return best, (1.0 if countries or len({e.country for e in ranked}) == 1 else 0.7)
        primary = fold(best.name) == mention.key  # "Sirte" is Sirte; "Boni" is only an old name of Bonn
        strong_context = countries[top] >= 2.0 if top else False  # "Palma" in a story about Mozambique
        if area is None and (primary and best.population >= 1_000_000 or
                             not strong_context and (primary and best.population >= 1000 or best.population >= 500_000)):
            return best, 0.6
    if not mention.candidates and countries:
        variant = _spelling_variant(mention, gazetteer, countries)
        if variant is not None:  # "Harardhere" is GeoNames' "Harardere", "Ceel Dheer" its "Ceeldheer"
            return variant, 0.75
    country = area.country if area else top
    if country is None:
        return (gazetteer.rank(mention.candidates)[0], 0.5) if mention.candidates else (None, 0.0)  # type: ignore
    name = mention.surface
    return Entry(0, None, name, country, area.admin1_code if area else "", area.admin1 if area else None,
                 area.lat if area else None, area.lon if area else None, 0, UNRESOLVED), (0.7 if area else 0.55)


_VARIANT_RULES = ((re.compile(r"(?<=[bcdfgjklmnpqrstvwz])h"), ""),  # aspirated digraphs: dh -> d, kh -> k, th -> t
                  (re.compile(r"\bx"), "h"), (re.compile(r"\bh"), "x"),  # Somali x is an h
                  (re.compile(r"\bc(?=[aeiou])"), ""))  # Somali c is an ayn


def _spelling_variant(mention: PlaceMention, gazetteer: Gazetteer, countries: dict[str, float]) -> Entry | None:
    """A name the gazetteer lacks, found under a common transliteration variant in one of the article's
    countries: written as one word or several, with or without the h of a digraph, Somali x / c for h / ayn."""
    key = mention.key or fold(mention.surface)
    if not key or len(key) < 4:
        return None
    variants = {key, key.replace(" ", "")}
    for pattern, repl in _VARIANT_RULES:
        variants |= {pattern.sub(repl, v) for v in list(variants)}
    variants.discard(key)
    found = [e for v in variants if v and len(v) >= 4 for e in gazetteer.entries(v) if countries.get(e.country, 0) > 0]
    if not found:
        return None
    return gazetteer.rank(found, countries=countries)[0]


@lru_cache(maxsize=None)
def neighbours(iso: str) -> frozenset[str]:
    rec = country_table().get(iso) or {}
    return frozenset(x for x in (rec.get("neighbours") or "").split(",") if x)


def _paren_area(mention: PlaceMention, gazetteer: Gazetteer, countries: dict[str, float], text: str) -> Entry | None:
    m = _PAREN_AFTER.match(text[mention.end:mention.end + 160])
    if not m:
        return None
    for part in m.group(1).split(","):
        part = part.strip()
        if not part or not part[:1].isupper():
            continue
        entries = gazetteer.entries(fold(part))
        if not entries:
            continue
        best = gazetteer.rank(entries, countries=countries)[0]
        if not countries or countries.get(best.country, 0) > 0:
            return best
    return None
