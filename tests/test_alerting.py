"""The alerting pipeline on a real SQLite file: event → control map → rules → recorded alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from monitor.alerting import AlertDecider, AlertingPipeline, AlertMark, change_key
from monitor.control import PlaceControl
from monitor.records import ActorRef, Event, Incident, Place, RuleMatch, Source
from monitor.rules import Rule, RuleSet
from monitor.storage import Store

T0 = datetime(2031, 5, 1, 20, 0, tzinfo=UTC)
TOWN = Place(name="Karvelo", country="ZZ", admin1="North March", geonameid=9000001, lat=10.5, lon=20.25)
ARMY = ActorRef(id="zz-army", name="Army of Zedland", side="state")
FRONT = ActorRef(id="river-front", name="River Front", side="non_state")


class Clock:
    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def report(
    outlet: str,
    *,
    actor=FRONT,
    previous=ARMY,
    timing="current",
    certainty="reported",
    evidence=None,
    day=date(2031, 5, 1),
    article="1",
) -> Event:
    return Event(
        subtype="non_state_overtakes",
        location=TOWN,
        actor=actor,
        previous=previous,
        date=day,
        timing=timing,
        certainty=certainty,
        confidence=0.7,
        evidence=[evidence or f"{outlet} says the River Front captured Karvelo."],
        source=Source(outlet=outlet, url=f"https://{outlet.lower()}.example/karvelo", article_id=f"{outlet}-{article}"),
    )


def ruleset(**rule) -> RuleSet:
    settings = dict(name="north-march", notify=("desk",), group_wait=timedelta(seconds=30), max_age=None)
    settings.update(rule)
    return RuleSet(rules=(Rule(**settings),), notifiers={"desk": "json://127.0.0.1:9/x"})


@pytest.fixture()
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'fw.db'}")
    yield store
    store.close()


def test_three_reports_of_one_change_make_one_alert(store):
    clock = Clock()
    pipeline = AlertingPipeline(store, ruleset(), clock=clock)
    state, alerts = pipeline.handle_event(report("Alpha"))
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.key == change_key("north-march", alert.incident) and alert.revision == 0
    assert alert.not_before == T0 + timedelta(seconds=30)
    for outlet in ("Beta", "Gamma"):
        clock.advance(5)
        state, more = pipeline.handle_event(report(outlet), state)
        assert more == []
    assert [row.key for row in store.list_alerts()] == [alert.key]
    incident = Incident.model_validate(store.get_incident(alert.incident.id))
    assert [s.outlet for s in incident.sources] == ["Alpha", "Beta", "Gamma"]
    deliveries = store.deliveries(alert.key)
    assert [(d.notifier, d.status) for d in deliveries] == [("desk", "pending")]
    assert PlaceControl.model_validate(state).holder == FRONT
    assert [h.change for h in reversed(store.control_history(TOWN.key))] == ["change", "confirm", "confirm"]


def test_state_comes_from_sql_when_the_caller_has_none(store, tmp_path):
    AlertingPipeline(store, ruleset(), clock=Clock()).handle_event(report("Alpha"))
    restarted = AlertingPipeline(Store(store.url), ruleset(), clock=Clock())
    state, alerts = restarted.handle_event(report("Beta"))  # no state passed: read from SQL
    assert alerts == []
    assert [s.outlet for s in PlaceControl.model_validate(state).incident.sources] == ["Alpha", "Beta"]


def test_replayed_event_records_nothing_new(store):
    pipeline = AlertingPipeline(store, ruleset(), clock=Clock())
    state, _ = pipeline.handle_event(report("Alpha"))
    again_state, again = pipeline.handle_event(report("Alpha"), state)
    assert again == [] and again_state == state
    assert len(store.control_history(TOWN.key)) == 1 and len(store.list_alerts()) == 1


def test_update_only_after_repeat_after_and_only_when_something_changed(store):
    clock = Clock()
    pipeline = AlertingPipeline(store, ruleset(repeat_after=timedelta(hours=12)), clock=clock)
    state, (first,) = pipeline.handle_event(report("Alpha"))
    clock.advance(3600)
    state, early = pipeline.handle_event(report("Beta"), state)
    assert early == []  # within repeat_after
    clock.advance(13 * 3600)
    # Another Alpha article adds no outlet, but Beta came in since the first alert (one source): news.
    state, updates = pipeline.handle_event(report("Alpha", evidence="Alpha again, another article", article="2"), state)
    assert [a.key for a in updates] == [f"{first.key}-1"]
    (update,) = updates
    assert update.is_update and update.base_key == first.key and update.not_before == clock.now
    clock.advance(13 * 3600)
    state, quiet = pipeline.handle_event(report("Alpha", evidence="and once more", article="3"), state)
    assert quiet == []  # nothing changed since the update
    clock.advance(13 * 3600)
    state, contested = pipeline.handle_event(report("Delta", actor=FRONT, certainty="denied", evidence="denied"), state)
    assert [a.revision for a in contested] == [2] and contested[0].incident.contested


def test_no_repeat_without_repeat_after(store):
    clock = Clock()
    pipeline = AlertingPipeline(store, ruleset(repeat_after=None), clock=clock)
    state, _ = pipeline.handle_event(report("Alpha"))
    clock.advance(86400 * 30)
    _, more = pipeline.handle_event(report("Beta"), state)
    assert more == []


def test_background_event_alerts_only_when_a_rule_asks(store, tmp_path):
    old = report("Alpha", timing="background", day=date(2031, 3, 1))
    _, plain = AlertingPipeline(store, ruleset(), clock=Clock()).handle_event(old)
    assert plain == []
    assert store.control_history(TOWN.key)[0].change == "change"  # history still kept
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    _, asked = AlertingPipeline(other, ruleset(include_background=True), clock=Clock()).handle_event(old)
    assert len(asked) == 1 and asked[0].incident.timing == "background"


def test_alert_without_a_configured_notifier_is_kept_as_failed(store):
    rules = RuleSet(rules=(Rule(name="r", notify=("gone",), max_age=None),), notifiers={})
    _, (alert,) = AlertingPipeline(store, rules, clock=Clock()).handle_event(report("Alpha"))
    assert alert.notifiers == []
    assert store.get_alert(alert.key).status == "failed"


def test_rulebook_current_is_asked_each_time(store):
    class Book:
        calls = 0

        def current(self):
            Book.calls += 1
            return ruleset()

    AlertingPipeline(store, Book(), clock=Clock()).handle_event(report("Alpha"))
    assert Book.calls == 1


def test_decider_is_pure_and_keys_differ_per_rule():
    incident = Incident(id="i", place=TOWN, holder=FRONT, first_seen=T0, last_seen=T0, sources=[Source(outlet="A")])
    matches = [RuleMatch(rule="a", notifiers=["x"]), RuleMatch(rule="b", notifiers=["x"], group_wait=10)]
    alerts = AlertDecider().decide(incident, matches, {}, T0)
    assert len({a.key for a in alerts}) == 2
    assert alerts[1].not_before == T0 + timedelta(seconds=10)
    mark = AlertMark(revision=0, created_at=T0, sources=1, contested=False, certainty="reported")
    again = AlertDecider().decide(incident, matches, {a.key: mark for a in alerts}, T0 + timedelta(days=9))
    assert again == []  # no repeat_after on these matches


def test_with_the_real_rulebook_from_yaml(store, tmp_path):
    from monitor.rulefiles import RuleBook

    (tmp_path / "desk.yaml").write_text(
        "notifiers:\n  desk: json://127.0.0.1:9/hook\n"
        "rules:\n  - name: any-takeover\n    groups: [{side: non_state}]\n    notify: [desk]\n"
        "    group_wait: 45s\n    repeat_after: 12h\n",
        encoding="utf-8",
    )
    clock = Clock()
    pipeline = AlertingPipeline(store, RuleBook([str(tmp_path / "*.yaml")]), clock=clock)
    state, (alert,) = pipeline.handle_event(report("Alpha"))
    assert alert.rule == "any-takeover" and alert.notifiers == ["desk"]
    assert alert.not_before == T0 + timedelta(seconds=45)
    _, more = pipeline.handle_event(report("Beta"), state)
    assert more == []


def test_unreadable_state_is_skipped_and_the_event_still_counts(store, caplog):
    pipeline = AlertingPipeline(store, ruleset(), clock=Clock())
    pipeline.handle_event(report("Alpha"))
    state, alerts = pipeline.handle_event(report("Beta"), {"holder": "not a state"})  # e.g. an older shape
    assert "given control state of geonames:9000001 is unreadable" in caplog.text
    assert [s.outlet for s in PlaceControl.model_validate(state).incident.sources] == ["Alpha", "Beta"]  # from SQL
    store.record_decision(TOWN.key, {"junk": True}, None, None, [])
    state, _ = pipeline.handle_event(report("Gamma"))
    assert PlaceControl.model_validate(state).holder == FRONT  # nothing readable: starts over, event kept
    assert store.control_history(TOWN.key, limit=1)[0].event_id == report("Gamma").id
