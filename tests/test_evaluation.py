"""The scorer behind ``make eval``, on tiny hand-made gold / prediction pairs, and the own labelled set's shape."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from monitor.baseline import KeywordBaseline, cities
from monitor.evaluation import (
    ACLED_PATH,
    HELDOUT_PATH,
    OWN_PATH,
    ActorMatcher,
    GoldError,
    GoldEvent,
    GoldItem,
    Tally,
    check_item,
    distance_km,
    evaluate,
    load_acled,
    load_own,
    main,
    name_variants,
    place_correct,
    score_item,
)
from monitor.records import ActorRef, Event, Place

ALEPPO = (36.20124, 37.16117)
# A tiny catalogue stand-in: the real one is tested with the extractor; here only the matching rule is.
CATALOGUE = {
    "islamic state": ActorRef(id="islamic-state", name="Islamic State", side="non_state"),
    "isis": ActorRef(id="islamic-state", name="Islamic State", side="non_state"),
    "houthis": ActorRef(id="houthis", name="Houthis", side="non_state"),
    "allied democratic forces": ActorRef(id="adf", name="Allied Democratic Forces", side="non_state"),
}
ACTORS = ActorMatcher(lambda name, country: CATALOGUE.get(name.lower()))


def event(place: str, gid: int | None = None, *, lat: float | None = None, lon: float | None = None,
          actor: ActorRef | None = None, day: date | None = date(2016, 1, 2), timing: str = "current",
          certainty: str = "reported") -> Event:
    return Event(subtype="non_state_overtakes", location=Place(name=place, geonameid=gid, lat=lat, lon=lon),
                 actor=actor, date=day, timing=timing, certainty=certainty)


def item(*events: GoldEvent, category: str = "capture") -> GoldItem:
    label = "non_state_overtakes" if any(e.counts for e in events) else "no_change"
    return GoldItem(id="t", text="", published=date(2016, 1, 3), dataset="unit", label=label,
                    events=events, category=category)


def gold(place: str, gid: int | None = None, *, lat: float | None = None, lon: float | None = None,
         actor: str | None = None, day: date | None = date(2016, 1, 2), precision: str = "day",
         timing: str = "current", certainty: str = "reported", inter: int | None = None) -> GoldEvent:
    return GoldEvent(place=place, geonameid=gid, lat=lat, lon=lon, actor=actor, actor_inter=inter, date=day,
                     date_precision=precision, timing=timing, certainty=certainty)


# ------------------------------------------------------------------------------------------ P / R / F1
def test_precision_recall_f1_over_events_and_items():
    hits = item(gold("Aleppo", 170063), gold("Idlib", 169389))
    preds = [event("Aleppo", 170063), event("Homs", 169577)]  # one right, one wrong, one missed
    total = Tally()
    total += score_item(hits, preds, ACTORS)
    total += score_item(item(category="repelled"), [event("Hama", 170017)], ACTORS)  # a false alarm item
    total += score_item(item(gold("Raqqa", 172955)), [], ACTORS)  # a missed item
    total += score_item(item(category="siege"), [], ACTORS)  # a true negative
    scores = total.scores()
    assert (total.event_tp, total.event_fp, total.event_fn) == (1, 2, 2)
    assert scores["event_precision"] == pytest.approx(1 / 3)
    assert scores["event_recall"] == pytest.approx(1 / 3)
    assert scores["event_f1"] == pytest.approx(1 / 3)
    assert (total.item_tp, total.item_fp, total.item_fn) == (1, 1, 1)
    assert scores["item_precision"] == pytest.approx(0.5)
    assert scores["item_f1"] == pytest.approx(0.5)
    assert scores["false_positive_items_by_category"] == {"repelled": 1}
    assert scores["false_negative_items_by_category"] == {"capture": 1}


def test_no_predictions_and_no_gold_leave_rates_undefined_not_zero():
    scores = score_item(item(category="clash"), [], ACTORS).scores()
    assert scores["event_precision"] is None and scores["event_recall"] is None and scores["item_f1"] is None


def test_a_duplicate_event_for_one_place_is_a_false_positive():
    tally = score_item(item(gold("Aleppo", 170063)), [event("Aleppo", 170063), event("Aleppo", 170063)], ACTORS)
    assert (tally.event_tp, tally.event_fp, tally.event_fn) == (1, 1, 0)


def test_background_and_denied_predictions_do_not_count_as_current():
    tally = score_item(item(gold("Aleppo", 170063)),
                       [event("Aleppo", 170063, timing="background"), event("Aleppo", 170063, certainty="denied")],
                       ACTORS)
    assert (tally.event_tp, tally.event_fp, tally.event_fn, tally.item_fn) == (0, 0, 1, 1)


# --------------------------------------------------------------------------------------------- alarms
def test_alarm_counted_on_a_background_only_item():
    history = item(gold("Mosul", 99072, day=date(2014, 6, 10), timing="background"), category="background")
    tally = score_item(history, [event("Mosul", 99072)], ACTORS)
    assert tally.alarms == 1 and tally.item_fp == 1
    assert any("ALARM" in p for p in tally.problems)


def test_alarm_counted_on_a_denied_item_but_not_when_the_prediction_is_denied_too():
    denied = item(gold("Harib", 75133, certainty="denied"), category="denial")
    assert score_item(denied, [event("Harib", 75133)], ACTORS).alarms == 1
    assert score_item(denied, [event("Harib", 75133, certainty="denied")], ACTORS).alarms == 0


def test_plain_negatives_are_false_positives_not_alarms():
    tally = score_item(item(category="repelled"), [event("Kafr Nabl", 168661)], ACTORS)
    assert tally.alarms == 0 and tally.item_fp == 1


def test_background_recognised_needs_the_background_timing():
    both = item(gold("Ramadi", 98717), gold("Ramadi", 98717, day=date(2015, 5, 1), timing="background"))
    good = score_item(both, [event("Ramadi", 98717), event("Ramadi", 98717, timing="background")], ACTORS)
    bad = score_item(both, [event("Ramadi", 98717)], ACTORS)
    assert (good.background_found, good.background_n) == (1, 1)
    assert (bad.background_found, bad.background_n) == (0, 1)


# ---------------------------------------------------------------------------------------------- place
def test_distance_km_is_great_circle():
    assert distance_km(*ALEPPO, *ALEPPO) == 0
    # Aleppo -> Damascus is about 310 km as the crow flies
    assert 300 < distance_km(*ALEPPO, 33.5102, 36.29128) < 320


def test_place_within_ten_km_of_acled_coordinates_is_right():
    acled = gold("Aleppo", lat=36.25, lon=37.16)  # ~5.4 km north of the gazetteer point
    assert place_correct(acled, event("Aleppo", 170063, lat=ALEPPO[0], lon=ALEPPO[1]))
    far = gold("Aleppo", lat=36.40, lon=37.16)  # ~22 km
    assert not place_correct(far, event("Aleppo", 170063, lat=ALEPPO[0], lon=ALEPPO[1]))


def test_right_name_in_the_wrong_country_pairs_but_is_a_place_error():
    tripoli_ly = gold("Tripoli", 2210247, lat=32.88743, lon=13.18733)
    tally = score_item(item(tripoli_ly), [event("Tripoli", 266826, lat=34.43667, lon=35.84972)], ACTORS)
    assert tally.event_tp == 1 and (tally.place_ok, tally.place_n) == (0, 1)


def test_place_outside_the_gazetteer_is_right_when_named_alike_and_not_pinned_elsewhere():
    ber = gold("Ber")
    assert place_correct(ber, event("Ber", lat=16.1, lon=-3.2))  # approximate coordinates are fine
    assert not place_correct(ber, event("Ber", 2949186))  # a gazetteer entry somewhere else is not
    tally = score_item(item(gold("Ath Thawkab", lat=13.77, lon=44.55)), [event("Thawkab")], ACTORS)
    assert tally.event_tp == 1  # Arabic articles do not block the pairing


# ---------------------------------------------------------------------------------------------- actor
def test_actor_matched_through_the_catalogue_and_coalition_associates():
    isis = ActorRef(id="islamic-state", name="Islamic State", side="non_state")
    assert ACTORS.matches("ISIS", isis)
    coalition = ActorRef(id="army-of-conquest", name="Army of Conquest", side="non_state",
                         associates=["Islamic State"])
    assert ACTORS.matches("ISIS", coalition)
    assert not ACTORS.matches("Houthis", isis)
    assert not ACTORS.matches("ISIS", None)


def test_acled_names_map_to_catalogue_names():
    assert name_variants("ADF: Allied Democratic Forces") == ["ADF: Allied Democratic Forces",
                                                              "Allied Democratic Forces", "ADF"]
    assert ACTORS.matches("ADF: Allied Democratic Forces", ActorRef(id="adf", name="ADF"))
    houthis = ActorRef(id="houthis", name="Houthis", side="non_state")
    assert ACTORS.matches("Military Forces of Yemen (2016-) Supreme Political Council", houthis, inter=1)


def test_state_forces_rule_needs_the_nationality():
    yemen = ActorRef(id="yemen-government", name="Yemeni government forces", side="state")
    russia = ActorRef(id="russia-military", name="Russian forces", side="state")
    assert ACTORS.matches("Military Forces of Yemen (2012-)", yemen, inter=1)
    assert ACTORS.matches("Military Forces of Yemen (2012-) Amajid Brigade", ActorRef(id="x", name="Amajid Brigade"))
    assert not ACTORS.matches("Military Forces of Yemen (2012-)", russia, inter=1)
    assert not ACTORS.matches("Ukrainian forces", russia)


def test_fuzzy_fallback_ignores_generic_words_but_not_the_army():
    assert ACTORS.matches("Al Hayash Tribal Militia (Yemen)", ActorRef(id="u", name="Al Hayash tribesmen"))
    assert not ACTORS.matches("Syrian army", ActorRef(id="u", name="Syrian rebels", side="non_state"))


def test_actor_alternatives_for_joint_forces_count():
    joint = GoldEvent(place="Gao", geonameid=2457163, actor="Malian army", actor_alternatives=("French forces",),
                      date=date(2013, 1, 27))
    french = ActorRef(id="france-military", name="French forces", side="state")
    tally = score_item(item(joint), [event("Gao", 2457163, actor=french, day=date(2013, 1, 27))], ACTORS)
    assert (tally.actor_ok, tally.actor_n) == (1, 1)


def test_certainty_compared_only_where_the_gold_says_it():
    claimed = item(gold("Bakhmut", 713174, certainty="claimed"))
    assert score_item(claimed, [event("Bakhmut", 713174, certainty="claimed")], ACTORS).certainty_ok == 1
    wrong = score_item(claimed, [event("Bakhmut", 713174, certainty="reported")], ACTORS)
    assert (wrong.certainty_ok, wrong.certainty_n) == (0, 1)
    acled = item(GoldEvent(place="Bakhmut", geonameid=713174, certainty=None))
    assert score_item(acled, [event("Bakhmut", 713174)], ACTORS).certainty_n == 0


# ----------------------------------------------------------------------------------------------- date
def test_date_compared_at_the_gold_precision():
    month = item(gold("Idlib", 169389, day=date(2015, 3, 1), precision="month"))
    assert score_item(month, [event("Idlib", 169389, day=date(2015, 3, 28))], ACTORS).date_ok == 1
    assert score_item(month, [event("Idlib", 169389, day=date(2015, 4, 1))], ACTORS).date_ok == 0
    day = item(gold("Idlib", 169389))
    assert score_item(day, [event("Idlib", 169389, day=None)], ACTORS).date_ok == 0


# ------------------------------------------------------------------------------------------- running
class Exploding:
    def extract(self, text, *, published, title="", source=None):
        raise RuntimeError("boom")


def test_an_extractor_error_is_counted_and_the_run_goes_on(capsys):
    tally = evaluate([item(gold("Aleppo", 170063)), item(category="clash")], Exploding(), ACTORS)
    assert tally.errors == 2 and tally.items == 2 and tally.item_fn == 1
    assert "boom" in capsys.readouterr().err


def test_baseline_fires_on_a_capture_verb_and_the_first_known_place():
    events = KeywordBaseline().extract("Rebels captured the town of Saraqib on Sunday, activists said.",
                                       published=date(2016, 2, 1))
    assert [(e.location.geonameid, e.timing, e.date) for e in events] == [(164816, "current", date(2016, 2, 1))]
    assert KeywordBaseline().extract("Shelling hit Saraqib overnight.", published=date(2016, 2, 1)) == []


# ----------------------------------------------------------------------------------- gold file shape
@pytest.fixture(scope="module")
def own_lines() -> list[dict]:
    return [json.loads(line) for line in OWN_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_own_item_is_well_formed(own_lines):
    problems = {row.get("id"): check_item(row) for row in own_lines}
    assert {k: v for k, v in problems.items() if v} == {}
    assert len({row["id"] for row in own_lines}) == len(own_lines)


OTHER_OWN_SETS = sorted(p for p in OWN_PATH.parent.glob("frontwatch-*.jsonl") if p != OWN_PATH)


def test_the_other_own_sets_are_there():
    assert {p.name for p in OTHER_OWN_SETS} >= {"frontwatch-heldout.jsonl", "frontwatch-traps.jsonl"}
    assert HELDOUT_PATH in OTHER_OWN_SETS


@pytest.mark.parametrize("path", OTHER_OWN_SETS, ids=lambda p: p.stem)
def test_other_own_sets_are_well_formed_and_distinct_from_the_own_set(path, own_lines):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows
    assert {row["id"]: check_item(row) for row in rows if check_item(row)} == {}
    assert len({row["id"] for row in rows}) == len(rows)
    assert not {row["id"] for row in rows} & {row["id"] for row in own_lines}
    assert not {row["text"] for row in rows} & {row["text"] for row in own_lines}


def test_own_set_size_spread_and_hard_negatives(own_lines):
    assert len(own_lines) >= 100
    assert len({row["conflict"] for row in own_lines}) >= 10
    negatives = [row for row in own_lines if row["label"] == "no_change"]
    assert len(negatives) * 3 >= len(own_lines)
    assert any(e["timing"] == "background" for row in negatives for e in row["events"])
    assert any(e["certainty"] == "denied" for row in negatives for e in row["events"])


def test_own_geonameids_exist_and_lie_in_the_stated_country(own_lines):
    gazetteer = cities()
    wrong = [(row["id"], e["place"]) for row in own_lines for e in row["events"]
             if e["geonameid"] is not None and gazetteer[e["geonameid"]]["countrycode"] != e["country"]]
    assert wrong == []


def test_check_item_reports_what_is_wrong():
    row = {"id": "x", "text": "t", "published": "2024-13-01", "conflict": "Syria", "label": "no_change",
           "notes": "n", "events": [{"place": "Aleppo", "geonameid": 1, "timing": "now", "certainty": "reported"}]}
    problems = " ".join(check_item(row))
    assert "published" in problems and "geonameid 1" in problems and "timing" in problems


def test_a_malformed_gold_file_is_refused_with_its_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a"}\n', encoding="utf-8")
    with pytest.raises(GoldError, match=r"bad.jsonl:1"):
        load_own(path)
    assert main(["--own", str(path), "--acled", str(tmp_path / "none.jsonl"), "--json"]) == 2


def test_without_shared_data_the_own_set_alone_is_scored_and_json_printed(tmp_path: Path, capsys):
    own = tmp_path / "own.jsonl"
    own.write_text(json.dumps({
        "id": "mine", "text": "Rebels captured the town of Saraqib on Sunday, activists said.",
        "published": "2016-02-01", "conflict": "Syria", "label": "non_state_overtakes", "notes": "unit",
        "events": [{"place": "Saraqib", "geonameid": 164816, "country": "SY", "actor": "Syrian rebels",
                    "date": "2016-01-31", "timing": "current", "certainty": "reported"}]}) + "\n", encoding="utf-8")
    assert main(["--own", str(own), "--acled", str(tmp_path / "absent.jsonl"),
                 "--heldout", str(tmp_path / "none.jsonl"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["datasets"]) == ["frontwatch-eval"]
    assert any("absent.jsonl not found" in note for note in report["notes"])
    baseline = report["datasets"]["frontwatch-eval"]["systems"]["baseline"]
    assert (baseline["event_precision"], baseline["event_recall"]) == (1.0, 1.0)
    assert baseline["date_accuracy"] == 0.0  # the baseline dates everything on the publication day


@pytest.mark.skipif(not ACLED_PATH.exists(), reason="../shared/data/acled-dev.jsonl is not next to the repo")
def test_acled_rows_sharing_a_note_are_one_item():
    items = load_acled()
    rows = ACLED_PATH.read_text(encoding="utf-8").splitlines()
    assert 0 < len(items) < len(rows)
    assert sum(len(i.events) for i in items) == sum('"label": "non_state_overtakes"' in r or
                                                     '"label": "government_regains"' in r or
                                                     '"label": "non_violent_transfer"' in r for r in rows)
    assert all(e.lat is not None and e.date == i.published for i in items for e in i.events)


# ------------------------------------------------------------------------------- regression floor
@pytest.mark.quality
@pytest.mark.parametrize("path, floors", [
    (OWN_PATH, {"item_f1": 0.85, "event_f1": 0.80}),  # the development set: measured 0.98 / 0.97
    (HELDOUT_PATH, {"item_f1": 0.70, "event_f1": 0.65}),  # written after the extractor: measured 0.84 / 0.82
], ids=["dev", "heldout"])
def test_extractor_stays_above_a_conservative_floor_on_the_own_sets(path, floors):
    """A regression guard, well below the measured scores and the targets (F1 >= 0.90, no alarms): it fails
    when the extractor breaks, not when it is merely not perfect. ``make eval`` reports the real numbers."""
    from monitor.extract.pipeline import EventExtractor

    tally = evaluate(load_own(path), EventExtractor.default(), ActorMatcher.default())
    scores = tally.scores()
    assert tally.errors == 0
    for metric, floor in floors.items():
        assert scores[metric] >= floor, (metric, scores[metric])
    assert scores["background_denied_alarms"] <= ALARMS_CEILING, scores["problems"]


ALARMS_CEILING = 2
