"""Alert rules and the pure matching of an incident against them.

A rule says which changes of hands someone wants to hear about: where (places, countries,
provinces, a radius around a place), who (groups, their coalitions, or a side, as the new or the
previous holder), and how sure and how fresh the report must be. ``monitor.rulefiles`` reads rules
from YAML and resolves every place and group name *at load time* into ids and coordinates, so
matching here is pure, fast and does no I/O:

    ruleset.match(incident, now)  ->  [RuleMatch(rule, notifiers, repeat_after, group_wait), ...]

The alert pipeline carries out what the matches say; this module only decides.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Protocol

from monitor.records import ActorRef, Incident, Place, RuleMatch

Role = Literal["gained", "lost", "any"]
ROLES: tuple[Role, ...] = ("gained", "lost", "any")
SIDES = ("state", "non_state")
SUBTYPES = ("non_state_overtakes", "government_regains", "non_violent_transfer", "withdrawal")
CERTAINTIES = ("reported", "claimed", "unconfirmed", "denied")
KINDS = ("control_change",)

DEFAULT_MAX_AGE = timedelta(days=3)
DEFAULT_GROUP_WAIT = timedelta(seconds=20)
DEFAULT_CERTAINTY = frozenset({"reported"})
EARTH_RADIUS_KM = 6371.0088


def normalize_name(text: str) -> str:
    """A spelling-insensitive key for names: no accents, no case, no punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", bare.casefold()).strip()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# ---------------------------------------------------------------------------------------------
# Where: place selectors
# ---------------------------------------------------------------------------------------------


class PlaceSelector(Protocol):
    label: str

    def matches(self, place: Place) -> bool: ...


@dataclass(frozen=True, slots=True)
class AtPlace:
    """One place, by GeoNames id; by name only when the incident's place has no id."""

    geonameid: int | None
    names: frozenset[str] = frozenset()  # normalized
    label: str = ""

    def matches(self, place: Place) -> bool:
        if place.geonameid is not None and self.geonameid is not None:
            return place.geonameid == self.geonameid
        return bool(self.names) and (
            normalize_name(place.name) in self.names or normalize_name(place.mention or "") in self.names
        )


@dataclass(frozen=True, slots=True)
class InCountry:
    country: str  # ISO 3166-1 alpha-2, upper case
    label: str = ""

    def matches(self, place: Place) -> bool:
        return (place.country or "").upper() == self.country


@dataclass(frozen=True, slots=True)
class InAdmin1:
    """A first-level division (province, governorate), optionally of one country."""

    admin1: str  # normalized
    country: str | None = None
    label: str = ""

    def matches(self, place: Place) -> bool:
        if self.country and (place.country or "").upper() != self.country:
            return False
        return place.admin1 is not None and normalize_name(place.admin1) == self.admin1


@dataclass(frozen=True, slots=True)
class NearPlace:
    """Within ``radius_km`` of a point (the centre place itself always counts)."""

    lat: float
    lon: float
    radius_km: float
    geonameid: int | None = None
    label: str = ""

    def matches(self, place: Place) -> bool:
        if self.geonameid is not None and place.geonameid == self.geonameid:
            return True
        if place.lat is None or place.lon is None:
            return False
        return haversine_km(self.lat, self.lon, place.lat, place.lon) <= self.radius_km


# ---------------------------------------------------------------------------------------------
# Who: group selectors
# ---------------------------------------------------------------------------------------------


class GroupSelector(Protocol):
    label: str
    role: Role | None  # None: the rule's role

    def matches_actor(self, actor: ActorRef) -> bool: ...


@dataclass(frozen=True, slots=True)
class ActorGroup:
    """A catalogue group and everything that counts as it.

    ``ids``: the group, and its members when the group is a coalition. ``names``: normalized names and
    aliases of those, to recognise the group among an actor's associates or an actor that is not in
    the catalogue. ``coalitions``: coalitions the group belongs to, so "Army of Fatah took X" counts
    for a rule on one of its members.
    """

    ids: frozenset[str]
    names: frozenset[str] = frozenset()
    coalitions: frozenset[str] = frozenset()
    role: Role | None = None
    label: str = ""

    def matches_actor(self, actor: ActorRef) -> bool:
        if actor.id in self.ids or actor.id in self.coalitions:
            return True
        if normalize_name(actor.name) in self.names:
            return True
        return any(normalize_name(name) in self.names for name in actor.associates)


@dataclass(frozen=True, slots=True)
class SideGroup:
    side: str  # state | non_state
    role: Role | None = None
    label: str = ""

    def matches_actor(self, actor: ActorRef) -> bool:
        return actor.side == self.side


def _group_matches(group: GroupSelector, role: Role, incident: Incident) -> bool:
    role = group.role or role
    if role in ("gained", "any") and incident.holder is not None and group.matches_actor(incident.holder):
        return True
    return role in ("lost", "any") and incident.previous is not None and group.matches_actor(incident.previous)


# ---------------------------------------------------------------------------------------------
# Time
# ---------------------------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive datetime is taken to be UTC already (that is how the store keeps them)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def latest_moment(day: date, precision: str) -> datetime:
    """The latest instant a date of this precision can mean: a "March 2015" event may be from the 31st."""
    if precision == "year":
        day = date(day.year, 12, 31)
    elif precision == "month":
        day = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return datetime.combine(day, time.max, tzinfo=UTC)


def incident_moment(incident: Incident) -> datetime:
    """When the change happened, as late as its date allows; when undated, when it was first seen."""
    if incident.date is not None:
        return latest_moment(incident.date, incident.date_precision)
    return as_utc(incident.first_seen)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One alert rule, with every name already resolved. Empty ``locations``/``groups`` = anywhere/anyone."""

    name: str
    when: str = "control_change"
    locations: tuple[PlaceSelector, ...] = ()
    groups: tuple[GroupSelector, ...] = ()
    role: Role = "any"
    subtypes: frozenset[str] = frozenset()  # empty = every subtype
    min_confidence: float = 0.0
    min_sources: int = 1
    certainty: frozenset[str] = DEFAULT_CERTAINTY
    max_age: timedelta | None = DEFAULT_MAX_AGE  # None = no age limit
    include_background: bool = False
    notify: tuple[str, ...] = ()
    repeat_after: timedelta | None = None  # None = one alert per change, never repeated
    group_wait: timedelta = DEFAULT_GROUP_WAIT
    enabled: bool = True
    description: str = ""
    origin: str = ""  # file:line, for messages

    def mismatch(self, incident: Incident, now: datetime) -> str | None:
        """Why the rule does not fire for the incident, or None when it does."""
        if not self.enabled:
            return "rule disabled"
        if self.when != "control_change":
            return f"rule is for {self.when}"
        if incident.timing != "current" and not self.include_background:
            return "background event"
        if incident.certainty not in self.certainty:
            return f"certainty {incident.certainty}"
        if incident.confidence < self.min_confidence:
            return f"confidence {incident.confidence:.2f} < {self.min_confidence:.2f}"
        if source_count(incident) < self.min_sources:
            return f"{source_count(incident)} source(s) < {self.min_sources}"
        if self.subtypes and incident.subtype not in self.subtypes:
            return f"subtype {incident.subtype}"
        if self.max_age is not None and as_utc(now) - incident_moment(incident) > self.max_age:
            return "older than max_age"
        if self.locations and not any(where.matches(incident.place) for where in self.locations):
            return "place not watched"
        if self.groups and not any(_group_matches(who, self.role, incident) for who in self.groups):
            return "group not watched"
        return None

    def matches(self, incident: Incident, now: datetime) -> bool:
        return self.mismatch(incident, now) is None


def source_count(incident: Incident) -> int:
    """Independent sources: distinct outlets (several links of one outlet count once)."""
    outlets = {normalize_name(s.outlet) or (s.url or "") for s in incident.sources}
    return len(outlets)


@dataclass(frozen=True)
class RuleSet:
    """Every loaded rule and the notifiers they may name.

    ``notifiers`` maps a notifier name to its apprise URL (a secret: never log it); notifiers whose URL
    interpolated to empty are in ``disabled_notifiers`` and left out of matches.
    """

    rules: tuple[Rule, ...] = ()
    notifiers: Mapping[str, str] = field(default_factory=dict, repr=False)
    disabled_notifiers: frozenset[str] = frozenset()
    files: tuple[str, ...] = ()

    def match(self, incident: Incident, now: datetime) -> list[RuleMatch]:
        """The rules that fire for this incident at ``now``, in file order. Pure."""
        return [self.match_for(rule) for rule in self.rules if rule.matches(incident, now)]

    def match_for(self, rule: Rule) -> RuleMatch:
        """What firing this rule asks for: its enabled notifiers and its timing policy."""
        return RuleMatch(
            rule=rule.name,
            notifiers=[name for name in rule.notify if name in self.notifiers],
            repeat_after=rule.repeat_after.total_seconds() if rule.repeat_after is not None else None,
            group_wait=rule.group_wait.total_seconds(),
        )

    def get(self, name: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.name == name), None)

    def watches(self, place: Place) -> bool:
        """Whether any enabled rule looks at this place (a rule without locations looks everywhere)."""
        return any(
            rule.enabled and (not rule.locations or any(where.matches(place) for where in rule.locations))
            for rule in self.rules
        )


# ---------------------------------------------------------------------------------------------
# Replay (``frontwatch rules test``)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Firing:
    """A rule that would have fired for an incident, and when."""

    match: RuleMatch
    incident: Incident
    at: datetime
    held_back: bool = False  # repeat_after: this rule fired for the same place and new holder too recently


def replay(ruleset: RuleSet, incidents: list[Incident], *, now: datetime | None = None) -> list[Firing]:
    """What the rules would have fired for these incidents, oldest first. Pure.

    Each incident is judged when it was reported (first seen, else last seen, with its final merged
    sources), or at ``now`` when given. ``repeat_after`` holds back a later incident with the same
    place and new holder that comes within the window.
    """
    found: list[tuple[datetime, int, Rule, Incident]] = []
    for n, incident in enumerate(incidents):
        moments = [now] if now is not None else [incident.first_seen, incident.last_seen]
        for rule in ruleset.rules:
            at = next((m for m in moments if rule.matches(incident, m)), None)
            if at is not None:
                found.append((as_utc(at), n, rule, incident))
    found.sort(key=lambda item: (item[0], item[1]))
    last_sent: dict[tuple[str, str, str | None], datetime] = {}
    firings = []
    for at, _n, rule, incident in found:
        key = (rule.name, incident.place.key, incident.holder.id if incident.holder else None)
        previous = last_sent.get(key)
        held = previous is not None and rule.repeat_after is not None and at - previous < rule.repeat_after
        if not held:
            last_sent[key] = at
        firings.append(Firing(ruleset.match_for(rule), incident, at, held))
    return firings
