"""The control map's decisions: change, confirm, merge of sources, contested, background, no known holder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from monitor.control import ControlMap, PlaceControl, incidents_from_events
from monitor.records import ActorRef, Event, Place, Source

NOW = datetime(2031, 5, 2, 12, 0, tzinfo=UTC)
TOWN = Place(name="Karvelo", country="ZZ", admin1="North March", geonameid=9000001, lat=10.5, lon=20.25)
ARMY = ActorRef(id="zz-army", name="Army of Zedland", side="state")
FRONT = ActorRef(id="river-front", name="River Front", side="non_state")
LEAGUE = ActorRef(id="hill-league", name="Hill League", side="non_state")


def event(
    actor=FRONT,
    previous=ARMY,
    *,
    outlet="Outlet A",
    day=date(2031, 5, 1),
    precision="day",
    timing="current",
    certainty="reported",
    confidence=0.6,
    evidence="River Front fighters captured Karvelo on Thursday.",
    article=None,
    place=TOWN,
) -> Event:
    return Event(
        subtype="non_state_overtakes",
        location=place,
        actor=actor,
        previous=previous,
        date=day,
        date_precision=precision,
        timing=timing,
        certainty=certainty,
        confidence=confidence,
        evidence=[evidence] if evidence else [],
        source=Source(
            outlet=outlet,
            url=f"https://{outlet.lower().replace(' ', '')}.example/{article or outlet}",
            article_id=article or f"{outlet}-{actor.id if actor else 'none'}-{day}",
            published=datetime(2031, 5, 1, 18, tzinfo=UTC),
        ),
    )


@pytest.fixture()
def cmap() -> ControlMap:
    return ControlMap()


def apply(cmap: ControlMap, *events: Event, state: PlaceControl | None = None):
    decisions = []
    for e in events:
        decision = cmap.decide(state, e, NOW)
        state = decision.state
        decisions.append(decision)
    return decisions


def test_first_report_with_no_known_holder_is_a_change_from_the_events_previous(cmap):
    (d,) = apply(cmap, event())
    assert d.is_change and d.incident_action == "created"
    assert d.state.holder == FRONT and d.state.since == date(2031, 5, 1)
    assert d.incident.previous == ARMY  # no known holder: the event's `previous` stands in
    assert d.incident.holder == FRONT and d.incident.place == TOWN
    assert d.history["change"] == "change" and d.history["previous_id"] == ARMY.id
    assert [s.outlet for s in d.incident.sources] == ["Outlet A"]


def test_known_holder_beats_the_events_previous(cmap):
    first, second = apply(
        cmap, event(), event(actor=LEAGUE, previous=ARMY, outlet="Outlet B", day=date(2031, 5, 2))
    )
    assert second.is_change
    assert second.incident.previous == FRONT  # who we know held it, not what the article says
    assert second.incident.id != first.incident.id
    assert second.state.holder == LEAGUE


def test_same_change_from_three_outlets_merges_into_one_incident(cmap):
    decisions = apply(
        cmap,
        event(outlet="Outlet A", confidence=0.6, evidence="River Front took Karvelo."),
        event(outlet="Outlet B", confidence=0.5, evidence="Karvelo fell to the River Front on Thursday."),
        event(outlet="Outlet C", confidence=0.5, evidence="Officials confirmed the loss of Karvelo."),
    )
    assert [d.change for d in decisions] == ["change", "confirm", "confirm"]
    ids = {d.incident.id for d in decisions}
    assert len(ids) == 1
    final = decisions[-1].incident
    assert [s.outlet for s in final.sources] == ["Outlet A", "Outlet B", "Outlet C"]
    assert len(final.event_ids) == 3
    confidences = [d.incident.confidence for d in decisions]
    assert confidences[0] < confidences[1] < confidences[2] < 1
    assert final.confidence == pytest.approx(1 - 0.4 * 0.5 * 0.5)


def test_confidence_is_capped_below_one(cmap):
    many = [event(outlet=f"Outlet {i}", confidence=0.95, evidence=f"report number {i}") for i in range(8)]
    final = apply(cmap, *many)[-1].incident
    assert final.confidence == cmap.max_confidence < 1


def test_wire_copy_adds_the_outlet_but_not_independent_confidence(cmap):
    text = "KARVELO (Wire) - River Front fighters seized the town of Karvelo, officials said."
    first, copy = apply(cmap, event(outlet="Outlet A", evidence=text), event(outlet="Outlet B", evidence=text))
    assert copy.change == "confirm" and copy.incident.id == first.incident.id
    assert [s.outlet for s in copy.incident.sources] == ["Outlet A", "Outlet B"]  # both outlets counted
    assert copy.incident.confidence == first.incident.confidence  # one story, not two


def test_same_outlet_twice_is_one_source(cmap):
    _, again = apply(cmap, event(outlet="Outlet A"), event(outlet="Outlet A", article="second-article", evidence="x"))
    assert again.change == "confirm"
    assert {s.outlet for s in again.incident.sources} == {"Outlet A"}


def test_replayed_event_is_a_no_op(cmap):
    first, replay = apply(cmap, event(), event())
    assert replay.change == "duplicate" and replay.history is None and replay.incident is None
    assert replay.state == first.state


def test_denial_contests_the_incident(cmap):
    _, denial = apply(cmap, event(), event(certainty="denied", outlet="Outlet B", evidence="The army denied losing Karvelo."))
    assert denial.change == "contest" and denial.incident_action == "contested"
    assert denial.incident.contested
    assert denial.state.holder == FRONT  # a denial does not move the holder
    assert [s.outlet for s in denial.state.contrary] == ["Outlet B"]


def test_later_report_of_another_holder_with_the_same_date_contests(cmap):
    _, contrary = apply(cmap, event(), event(actor=ARMY, previous=None, outlet="Outlet B", evidence="The army holds Karvelo."))
    assert contrary.change == "contest" and contrary.incident.contested
    assert contrary.state.holder == FRONT
    assert contrary.history["change"] == "contest"


def test_later_report_of_another_holder_with_an_older_date_contests(cmap):
    _, contrary = apply(cmap, event(), event(actor=LEAGUE, outlet="Outlet B", day=date(2031, 4, 20)))
    assert contrary.change == "contest" and contrary.incident.contested


def test_same_day_takeover_from_the_known_holder_is_a_change(cmap):
    _, retake = apply(cmap, event(), event(actor=ARMY, previous=FRONT, outlet="Outlet B", evidence="The army retook it."))
    assert retake.is_change and retake.state.holder == ARMY and not retake.incident.contested


def test_background_recollection_of_an_older_change_is_history_only(cmap):
    _, recalled = apply(
        cmap,
        event(),
        event(
            actor=ARMY,
            previous=None,
            day=date(2020, 6, 1),
            precision="month",
            timing="background",
            evidence="in June 2020 the army captured Karvelo",
        ),
    )
    assert recalled.change == "past"
    assert recalled.incident is None and recalled.history["change"] == "past"
    assert recalled.state.holder == FRONT and not recalled.state.incident.contested


def test_background_event_updates_the_map_but_its_incident_stays_background(cmap):
    (d,) = apply(cmap, event(timing="background", day=date(2031, 3, 1), precision="month"))
    assert d.is_change and d.incident.timing == "background"
    assert d.state.holder == FRONT


def test_current_report_turns_a_background_incident_current(cmap):
    _, now = apply(cmap, event(timing="background", outlet="Outlet A"), event(timing="current", outlet="Outlet B", evidence="y"))
    assert now.change == "confirm" and now.incident.timing == "current"


def test_confirm_far_from_the_incident_date_does_not_merge(cmap):
    first, late = apply(cmap, event(), event(outlet="Outlet B", day=date(2031, 9, 1), evidence="z"))
    assert late.change == "confirm" and late.incident is None
    assert late.state.incident == first.state.incident


def test_merge_keeps_the_finest_date_and_strongest_certainty(cmap):
    _, merged = apply(
        cmap,
        event(day=date(2031, 5, 1), precision="month", certainty="claimed"),
        event(outlet="Outlet B", day=date(2031, 5, 1), precision="day", certainty="reported", evidence="w"),
    )
    assert merged.incident.date_precision == "day" and merged.incident.certainty == "reported"


def test_unattributed_event_is_history_only(cmap):
    (d,) = apply(cmap, event(actor=None))
    assert d.change == "unattributed" and d.state.holder is None and d.incident is None


def test_state_round_trips_through_json(cmap):
    (d,) = apply(cmap, event())
    again = PlaceControl.model_validate(d.state.to_json())
    assert again == d.state
    nxt = cmap.decide(again, event(outlet="Outlet B", evidence="q"), NOW + timedelta(minutes=1))
    assert nxt.change == "confirm"


def test_incidents_from_events_replays_in_order():
    other = Place(name="Lomar", country="ZZ", geonameid=9000002)
    incidents = incidents_from_events(
        [
            event(outlet="Outlet A"),
            event(outlet="Outlet B", evidence="b"),
            event(place=other, outlet="Outlet C"),
            event(actor=ARMY, previous=FRONT, day=date(2031, 5, 20), outlet="Outlet D"),
        ]
    )
    assert [(i.place.name, i.holder.id, len(i.sources)) for i in incidents] == [
        ("Karvelo", FRONT.id, 2),
        ("Lomar", FRONT.id, 1),
        ("Karvelo", ARMY.id, 1),
    ]
    assert incidents[2].previous == FRONT
