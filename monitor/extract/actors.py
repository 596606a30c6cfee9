"""The actor catalogue: armed groups and state forces, their aliases, coalitions and side.

The shipped catalogue is ``monitor/data/actors.yaml`` (documented in ``docs/actors.md``); users add
their own YAML files of the same shape. ``resolve`` maps any alias (case, diacritics, al-/ash- and
hyphens ignored) to an ``ActorRef``; generic phrases such as "the army", "government forces" or
"troops" resolve to the state forces of the country given as context. ``find`` scans a whole text
with one Aho-Corasick automaton over folded tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from threading import Lock
from typing import Iterable, Iterator

import ahocorasick
import yaml

from monitor.extract.countries import DEMONYMS, country_table
from monitor.extract.normalize import FoldedText, fold
from monitor.records import ActorRef

# generic phrases for a country's own state forces: resolved by the article's country context
GENERIC_STATE = (
    "army", "the army", "government forces", "government troops", "government soldiers", "troops", "soldiers",
    "security forces", "the military", "military forces", "regime forces", "regime troops", "pro-government forces",
    "armed forces", "national army", "state forces", "loyalist forces", "junta forces", "junta troops",
    "military junta", "federal forces", "federal troops", "defence forces", "defense forces", "government army",
    "army troops", "army soldiers", "security personnel", "national guard", "police", "police forces",
    "internationally recognised government", "internationally recognized government", "un-backed government",
    "government's forces", "government's troops", "the authorities", "military government", "gendarmes",
    "gendarmerie",
)
# what a country's demonym or name combines with to name its state forces ("Syrian forces", "Mali's army")
_STATE_HEADS = ("army", "forces", "troops", "military", "soldiers", "armed forces", "government forces",
                "government troops", "security forces", "regime forces", "army troops", "military forces",
                "authorities", "government", "police", "gendarmerie", "gendarmes")
_THE = re.compile(r"^\s*the\s+", re.I)
_SHORT_CODE = re.compile(r"^[A-Z0-9/-]{1,5}$")  # acronyms matched case-sensitively (IS, AA, SNA ...)


class CatalogueError(ValueError):
    """A catalogue file is malformed: the message names the file and the entry."""


@dataclass
class Actor:
    id: str
    name: str
    side: str
    country: str | None = None
    countries: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)

    def ref(self, associates: Iterable[str] = ()) -> ActorRef:
        return ActorRef(id=self.id, name=self.name, side=self.side, associates=list(associates))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    surface: str
    actor_ids: tuple[str, ...]  # candidate actors; empty for a generic state-forces phrase
    generic_state: bool = False
    key: str = ""  # the folded alias that matched


class ActorCatalogue:
    """Armed actors and state forces; see the module doc."""

    _default: "ActorCatalogue | None" = None
    _lock = Lock()

    def __init__(self, actors: dict[str, Actor]):
        self._actors = actors
        self._state_by_country = {a.country: a.id for a in actors.values() if a.side == "state" and a.country}
        self._aliases: dict[str, list[str]] = {}
        self._case_sensitive: dict[str, set[str]] = {}  # folded key -> exact surfaces allowed
        long_keys: set[str] = set()
        for a in actors.values():
            names = [a.name, a.id.replace("-", " "), *a.aliases]
            for alias in [*names, *(v for n in names for v in _backed_variants(n, a)), *self._state_aliases(a)]:
                key = fold(_THE.sub("", alias))
                if not key:
                    continue
                ids = self._aliases.setdefault(key, [])
                if a.id not in ids:
                    ids.append(a.id)
                if _SHORT_CODE.match(alias.strip()):
                    self._case_sensitive.setdefault(key, set()).add(alias.strip())
                else:
                    long_keys.add(key)
        for key in long_keys:  # "Nusra" is a name, not an acronym: any case will do
            self._case_sensitive.pop(key, None)
        self._generic = {fold(g) for g in GENERIC_STATE}
        self._automaton = ahocorasick.Automaton()
        for key in set(self._aliases) | self._generic:
            self._automaton.add_word(f" {key} ", key)
        self._automaton.make_automaton()

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "ActorCatalogue":
        """The shipped catalogue (cached)."""
        if cls._default is None:
            with cls._lock:
                if cls._default is None:
                    cls._default = cls.load(())
        return cls._default

    @classmethod
    def configure(cls, extra_yaml_paths: Iterable[str | Path]) -> "ActorCatalogue":
        """From now on, ``default()`` is the shipped catalogue extended by these files (users' own actors)."""
        catalogue = cls.load(extra_yaml_paths)
        with cls._lock:
            cls._default = catalogue
        return catalogue

    @classmethod
    def load(cls, extra_yaml_paths: Iterable[str | Path] = ()) -> "ActorCatalogue":
        """The shipped catalogue extended by the given YAML files (same shape as the shipped one)."""
        shipped = files("monitor") / "data" / "actors.yaml"
        actors: dict[str, Actor] = {}
        _merge(actors, yaml.safe_load(shipped.read_text(encoding="utf-8")), "monitor/data/actors.yaml")
        for path in extra_yaml_paths:
            try:
                data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as exc:
                raise CatalogueError(f"{path}: cannot read actor catalogue: {exc}") from exc
            _merge(actors, data, str(path))
        for a in actors.values():
            for m in a.members:
                if m not in actors:
                    raise CatalogueError(f"actor {a.id!r}: member {m!r} is not in the catalogue")
        return cls(actors)

    # --- lookups --------------------------------------------------------------------------------
    def resolve(self, name: str, country: str | None = None) -> ActorRef | None:
        """The actor called ``name`` (alias-aware); generic state-forces phrases need ``country``."""
        key = fold(_THE.sub("", name))
        if key in self._aliases:
            return self._actors[self._choose(self._aliases[key], country, key)].ref()
        if key in self._generic or fold(name) in self._generic:
            sid = self._state_by_country.get(country or "")
            return self._actors[sid].ref() if sid else None
        return None

    def get(self, actor_id: str) -> ActorRef | None:
        a = self._actors.get(actor_id)
        return a.ref() if a else None

    def actor(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id)

    def state_forces(self, country: str | None) -> ActorRef | None:
        sid = self._state_by_country.get(country or "")
        return self._actors[sid].ref() if sid else None

    def members(self, coalition_id: str) -> list[ActorRef]:
        a = self._actors.get(coalition_id)
        return [self._actors[m].ref() for m in a.members] if a else []

    def coalitions_of(self, actor_id: str) -> list[str]:
        return [a.id for a in self._actors.values() if actor_id in a.members]

    def all(self) -> list[ActorRef]:
        return [a.ref() for a in self._actors.values()]

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Close names among actors and aliases, for "did you mean" messages."""
        from rapidfuzz import fuzz, process

        hits = process.extract(fold(name), list(self._aliases), scorer=fuzz.WRatio, limit=limit * 4,
                               score_cutoff=70)
        out: list[str] = []
        for key, _s, _ in hits:
            actor_name = self._actors[self._aliases[key][0]].name
            if actor_name not in out:
                out.append(actor_name)
            if len(out) == limit:
                break
        return out

    def choose(self, ids: Iterable[str], country: str | None, key: str | None = None) -> str:
        """Among actors sharing an alias (``key``): the one active in ``country``, else the one so named."""
        return self._choose(list(ids), country, key)

    def find(self, folded: FoldedText) -> list[ActorMention]:
        """Every actor alias and generic state-forces phrase in a text: leftmost-longest, no overlaps."""
        hits: list[tuple[int, int, str]] = []
        padded = f" {folded.joined} "
        for end, key in self._automaton.iter(padded):
            start_joined = end - len(key) - 1  # position of key's first char in `joined`
            first = folded.token_at(start_joined)
            if first is None:
                continue
            last = first + key.count(" ")
            hits.append((first, last, key))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        named = [(f, la) for f, la, k in hits if k in self._aliases]
        out: list[ActorMention] = []
        taken_until = -1
        for first, last, key in hits:
            if first <= taken_until:
                continue
            if key not in self._aliases and any(f <= last < la for f, la in named):
                continue  # "the Army" of "the Army of Conquest": the name that runs on wins
            start, end = folded.span(first, last)
            surface = folded.text[start:end]
            allowed = self._case_sensitive.get(key)
            if allowed is not None and surface not in allowed and key not in self._generic:
                continue  # "is" is not IS, "aa" is not the Arakan Army
            if key in self._aliases:
                out.append(ActorMention(start, end, surface, tuple(self._aliases[key]), key=key))
            else:
                out.append(ActorMention(start, end, surface, (), generic_state=True))
            taken_until = last
        return out

    # --- internals --------------------------------------------------------------------------------
    def _choose(self, ids: list[str], country: str | None, key: str | None = None) -> str:
        if len(ids) > 1 and country:
            for i in ids:
                a = self._actors[i]
                if a.country == country or country in a.countries:
                    return i
        if len(ids) > 1:
            for i in ids:
                if fold(self._actors[i].name) == key:
                    return i
        return ids[0]

    @staticmethod
    def _state_aliases(a: Actor) -> Iterator[str]:
        if a.side != "state" or not a.country:
            return
        names = [n for n, iso in DEMONYMS.items() if iso == a.country]
        rec = country_table().get(a.country)
        if rec:
            names.append(rec["name"])
            names.append(rec["name"] + "'s")
            yield rec["name"]  # "Russia captured ...": the country as the actor
        for n in names:
            for head in _STATE_HEADS:
                yield f"{n} {head}"
        if rec:
            yield f"army of {rec['name']}"
            yield f"military forces of {rec['name']}"
            yield f"police forces of {rec['name']}"


_BACKED = re.compile(r"^(?P<patron>[A-Z][\w]*(?:\s+[A-Z][\w]*)?)[- ](?P<verb>backed|supported|sponsored)\s+(?P<noun>[a-z][\w ]*)$")


def _backed_variants(alias: str, actor: Actor) -> Iterator[str]:
    """"Turkey-backed rebels" also as "Turkish-backed rebels", "Turkish-backed Syrian rebels" and "rebels backed by
    Turkey": the patron by its country name or demonym, the noun with the demonym of the one country it fights in."""
    m = _BACKED.match(alias)
    if not m:
        return
    patron, verb, noun = m.group("patron"), m.group("verb"), m.group("noun")
    iso = DEMONYMS.get(patron.lower()) or next((c for c, r in country_table().items() if r["name"] == patron), None)
    rec = country_table().get(iso) if iso else None
    country = rec["name"] if rec else None
    demonyms = {n.capitalize() for n, c in DEMONYMS.items() if c == iso and " " not in n
                and n != (country or "").lower()} if iso else set()
    patrons = {patron, *demonyms, *([country] if country else [])}
    nouns = {noun}
    where = [actor.country] if actor.country else actor.countries
    if len(where) == 1:
        nouns |= {f"{d} {noun}" for d, c in DEMONYMS.items() if c == where[0] and " " not in d}
    for p in patrons:
        for n in nouns:
            yield f"{p}-{verb} {n}"
            if p not in demonyms:  # "rebels backed by Turkey", not "by Turkish"
                yield f"{n} {verb} by {p}"


def _merge(actors: dict[str, Actor], data: object, origin: str) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise CatalogueError(f"{origin}: expected a mapping with an 'actors:' list")
    for i, entry in enumerate(data["actors"]):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise CatalogueError(f"{origin}: actors[{i}] needs at least an 'id'")
        aid = str(entry["id"])
        side = entry.get("side")
        if side is not None and side not in ("state", "non_state", "unknown"):
            raise CatalogueError(f"{origin}: actor {aid!r}: side must be state or non_state, not {side!r}")
        lists = {k: [str(x) for x in (entry.get(k) or [])] for k in ("aliases", "members", "countries")}
        if aid in actors:  # extend a known actor
            a = actors[aid]
            a.aliases += [x for x in lists["aliases"] if x not in a.aliases]
            a.members += [x for x in lists["members"] if x not in a.members]
            a.countries += [x for x in lists["countries"] if x not in a.countries]
            a.name = entry.get("name", a.name)
            a.side = side or a.side
            a.country = entry.get("country", a.country)
        else:
            if not entry.get("name"):
                raise CatalogueError(f"{origin}: actor {aid!r} needs a 'name'")
            actors[aid] = Actor(id=aid, name=str(entry["name"]), side=side or "non_state",
                                country=entry.get("country"), **lists)
