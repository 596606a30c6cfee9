"""The records that flow between stages: what a topic carries and what the stores keep.

    feed item ──clean──▶ article ──extract──▶ event ──control map + rules──▶ alert

Every record is a plain, frozen pydantic model: stages are pure functions over them, and the
Faust topics carry them as JSON (``record.model_dump(mode="json")``).
The event model *is* the event contract of ``docs/architecture.md``.
"""

from __future__ import annotations

import hashlib
import datetime as dt
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Side = Literal["state", "non_state", "unknown"]
Subtype = Literal["non_state_overtakes", "government_regains", "non_violent_transfer", "withdrawal"]
Timing = Literal["current", "background"]
Certainty = Literal["reported", "claimed", "unconfirmed", "denied"]
DatePrecision = Literal["day", "month", "year"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    def to_json(self) -> dict:
        return self.model_dump(mode="json")


def stable_id(*parts: str | None, length: int = 16) -> str:
    """A short, stable hex id derived from the given parts (None counts as empty)."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


class FeedItem(Record):
    """One entry of one feed, as the poller saw it."""

    feed_url: str
    feed_name: str
    key: str  # GUID, or the link when the feed has no GUID
    link: str | None = None
    title: str = ""
    summary: str = ""  # HTML or text, as the feed gives it
    content: str = ""  # full content, when the feed carries it (content:encoded, Atom content)
    published: datetime | None = None
    fetched_at: datetime

    @property
    def id(self) -> str:
        return stable_id(self.feed_url, self.key)


class Article(Record):
    """A cleaned article: the main text only, with where it came from."""

    id: str
    url: str | None
    title: str
    outlet: str
    published: datetime | None
    text: str
    feed_url: str | None = None
    fetched_at: datetime | None = None  # when the poller saw the feed item (end-to-end latency starts here)


class Place(Record):
    name: str
    mention: str = ""
    geonameid: int | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def key(self) -> str:
        """What the control map and the events topic are keyed by."""
        if self.geonameid is not None:
            return f"geonames:{self.geonameid}"
        return f"name:{(self.country or '').lower()}:{self.name.lower()}"


class ActorRef(Record):
    id: str
    name: str
    side: Side = "unknown"
    associates: list[str] = Field(default_factory=list)


class Source(Record):
    """Where an event was read: one article of one outlet."""

    outlet: str
    url: str | None = None
    title: str = ""
    published: datetime | None = None
    article_id: str | None = None
    fetched_at: datetime | None = None


class Event(Record):
    """A control-change event: who took which place, from whom, when, how sure."""

    kind: Literal["control_change"] = "control_change"
    subtype: Subtype
    location: Place
    actor: ActorRef | None = None
    previous: ActorRef | None = None
    date: dt.date | None = None
    date_precision: DatePrecision = "day"
    timing: Timing = "current"
    certainty: Certainty = "reported"
    confidence: float = 0.5
    evidence: list[str] = Field(default_factory=list)
    source: Source | None = None

    @property
    def id(self) -> str:
        """One id per (article, place, new holder, date): the same event read twice is the same id."""
        return stable_id(
            self.source.article_id if self.source else None,
            self.location.key,
            self.actor.id if self.actor else None,
            self.date.isoformat() if self.date else None,
        )


class Incident(Record):
    """One change of hands at one place, merged from every report of it (several outlets, wire copies).

    The control map keeps it; rules match on it; alerts render it. Its source count and confidence
    grow as reports arrive; a later contrary report marks it contested.
    """

    id: str  # stable: place key + new holder + change date
    place: Place
    holder: ActorRef | None = None  # who holds the place after the change
    previous: ActorRef | None = None  # who held it before (known holder, else the event's `previous`)
    subtype: Subtype = "non_state_overtakes"
    date: dt.date | None = None
    date_precision: DatePrecision = "day"
    timing: Timing = "current"
    certainty: Certainty = "reported"
    confidence: float = 0.0
    sources: list[Source] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    event_ids: list[str] = Field(default_factory=list)
    contested: bool = False
    first_seen: datetime
    last_seen: datetime


class RuleMatch(Record):
    """A rule that fires for an incident: which rule, whom to tell, and its repeat policy."""

    rule: str
    notifiers: list[str]  # notifier names, resolved to apprise URLs by the notifier registry
    repeat_after: float | None = None  # seconds; None = never repeat the same change
    group_wait: float = 0.0  # seconds to wait for more reports before the first send


class Alert(Record):
    """One notification of one incident by one rule, to be delivered to the rule's notifiers.

    ``key`` is the idempotency key: recorded once, delivered at most once per notifier. The first alert
    of a change has ``key == base_key`` (rule + place + new holder + incident); updates append their
    revision. Delivery renders the incident as it is *at send time* (more sources may have come in).
    """

    key: str
    base_key: str
    revision: int = 0
    rule: str
    notifiers: list[str]
    incident: Incident
    is_update: bool = False
    not_before: datetime  # the first send waits for more reports of the same change (group_wait)
    created_at: datetime
