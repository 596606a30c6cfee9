"""Rule matching: pure functions over an incident and a time. Places here resolve through the real gazetteer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from monitor.records import ActorRef, Incident, Place, RuleMatch, Source
from monitor.rulefiles import load_rules
from monitor.rules import (
    ActorGroup,
    AtPlace,
    InAdmin1,
    InCountry,
    NearPlace,
    Rule,
    RuleSet,
    SideGroup,
    haversine_km,
    latest_moment,
)

NOW = datetime(2015, 4, 26, 12, 0, tzinfo=UTC)
JISR = Place(name="Jisr ash Shughur", mention="Jisr al-Shughour", geonameid=169023, country="SY", admin1="Idlib",
             lat=35.81418, lon=36.31983)
LATAKIA = Place(name="Latakia", geonameid=173576, country="SY", admin1="Latakia", lat=35.53168, lon=35.79011)
ALEPPO = Place(name="Aleppo", geonameid=170063, country="SY", admin1="Aleppo", lat=36.20124, lon=37.16117)
MOSUL = Place(name="Mosul", geonameid=99072, country="IQ", admin1="Nineveh", lat=36.335, lon=43.11889)
REBELS = ActorRef(id="rebel-front", name="Rebel Front", side="non_state", associates=["Hill Brigade", "Coast Brigade"])
ARMY = ActorRef(id="army", name="Government army", side="state")


def incident(**changes) -> Incident:
    base = dict(
        id="i1", place=JISR, holder=REBELS, previous=ARMY, subtype="non_state_overtakes", date=date(2015, 4, 25),
        timing="current", certainty="reported", confidence=0.9,
        sources=[Source(outlet="Dawn", url="https://example.org/a")], first_seen=NOW, last_seen=NOW,
    )
    return Incident(**{**base, **changes})


def fires(rule: Rule, item: Incident, now: datetime = NOW) -> bool:
    return RuleSet(rules=(rule,)).match(item, now) != []


# -- pure selectors ----------------------------------------------------------------------------


def test_haversine_latakia_to_jisr_is_about_fifty_km():
    assert 45 < haversine_km(LATAKIA.lat, LATAKIA.lon, JISR.lat, JISR.lon) < 60


def test_place_by_geonameid_and_by_name_when_the_incident_has_no_id():
    at_jisr = AtPlace(169023, frozenset({"jisr ash shughur", "jisr al shughour"}))
    assert at_jisr.matches(JISR)
    assert not at_jisr.matches(LATAKIA)
    unresolved = Place(name="Jisr al-Shughour", country="SY")
    assert at_jisr.matches(unresolved)
    # an id on both sides decides: the same name with another id is another place
    assert not at_jisr.matches(Place(name="Jisr ash Shughur", geonameid=1))


def test_country_admin1_and_radius():
    assert InCountry("SY").matches(JISR) and not InCountry("SY").matches(MOSUL)
    assert InAdmin1("idlib", "SY").matches(JISR) and not InAdmin1("idlib", "SY").matches(LATAKIA)
    assert not InAdmin1("idlib", "IQ").matches(JISR)
    near = NearPlace(LATAKIA.lat, LATAKIA.lon, 60, LATAKIA.geonameid)
    assert near.matches(JISR) and near.matches(LATAKIA)
    assert not near.matches(ALEPPO)  # ~160 km
    assert not NearPlace(LATAKIA.lat, LATAKIA.lon, 40).matches(JISR)
    assert not near.matches(Place(name="somewhere", country="SY"))  # no coordinates, not the centre


def test_role_gained_lost_any():
    rebels = ActorGroup(ids=frozenset({"rebel-front"}))
    army = SideGroup("state")
    assert fires(Rule("r", groups=(rebels,), role="gained"), incident())
    assert not fires(Rule("r", groups=(rebels,), role="lost"), incident())
    assert fires(Rule("r", groups=(army,), role="lost"), incident())
    assert not fires(Rule("r", groups=(army,), role="gained"), incident())
    assert fires(Rule("r", groups=(army,)), incident())  # default: any
    # a group's own role overrides the rule's
    assert fires(Rule("r", groups=(SideGroup("state", role="lost"),), role="gained"), incident())


def test_group_via_associates_coalition_and_members():
    hill = ActorGroup(ids=frozenset({"hill-brigade"}), names=frozenset({"hill brigade"}))
    assert fires(Rule("r", groups=(hill,)), incident())  # an associate of the new holder
    loner = ActorRef(id="loner", name="Loner", side="non_state")
    assert not fires(Rule("r", groups=(hill,)), incident(holder=loner))
    in_coalition = ActorGroup(ids=frozenset({"hill-brigade"}), coalitions=frozenset({"loner"}))
    assert fires(Rule("r", groups=(in_coalition,)), incident(holder=loner))
    by_name = ActorGroup(ids=frozenset({"x"}), names=frozenset({"loner"}))  # not in the catalogue: by name
    assert fires(Rule("r", groups=(by_name,)), incident(holder=loner))


def test_side_matches_new_or_previous_holder():
    assert fires(Rule("r", groups=(SideGroup("non_state", role="gained"),)), incident())
    assert not fires(Rule("r", groups=(SideGroup("non_state", role="gained"),)), incident(holder=ARMY, previous=REBELS,
                                                                                          subtype="government_regains"))


def test_subtype_confidence_sources_certainty():
    assert not fires(Rule("r", subtypes=frozenset({"government_regains"})), incident())
    assert fires(Rule("r", subtypes=frozenset({"non_state_overtakes", "withdrawal"})), incident())
    assert fires(Rule("r", min_confidence=0.9), incident(confidence=0.9))
    assert not fires(Rule("r", min_confidence=0.91), incident(confidence=0.9))
    two = [Source(outlet="Dawn", url="u1"), Source(outlet="Reuters", url="u2")]
    same_outlet = [Source(outlet="Dawn", url="u1"), Source(outlet="dawn", url="u3")]
    assert fires(Rule("r", min_sources=2), incident(sources=two))
    assert not fires(Rule("r", min_sources=2), incident(sources=same_outlet))
    assert not fires(Rule("r"), incident(certainty="claimed"))  # default: reported only
    assert fires(Rule("r", certainty=frozenset({"reported", "claimed"})), incident(certainty="claimed"))


def test_max_age_and_background():
    assert fires(Rule("r"), incident(), now=NOW)  # one day old, default max_age 3d
    # a day-precision date counts until the end of its day
    assert fires(Rule("r", max_age=timedelta(days=3)), incident(), now=datetime(2015, 4, 28, 23, 0, tzinfo=UTC))
    assert not fires(Rule("r", max_age=timedelta(days=3)), incident(), now=datetime(2015, 4, 29, 1, 0, tzinfo=UTC))
    assert fires(Rule("r", max_age=None), incident(), now=datetime(2020, 1, 1, tzinfo=UTC))
    old = incident(date=date(2011, 6, 1), date_precision="month")
    assert not fires(Rule("r", max_age=timedelta(days=3650)), incident(timing="background"))
    assert fires(Rule("r", include_background=True, max_age=None), old.model_copy(update={"timing": "background"}))
    # naive "now" is taken as UTC
    assert fires(Rule("r"), incident(), now=NOW.replace(tzinfo=None))
    # an undated incident ages from when it was first seen
    undated = incident(date=None, first_seen=NOW - timedelta(days=5))
    assert not fires(Rule("r"), undated) and fires(Rule("r", max_age=timedelta(days=6)), undated)


def test_latest_moment_by_precision():
    assert latest_moment(date(2015, 3, 1), "month").date() == date(2015, 3, 31)
    assert latest_moment(date(2016, 2, 1), "month").date() == date(2016, 2, 29)
    assert latest_moment(date(2011, 6, 1), "year").date() == date(2011, 12, 31)


def test_disabled_rule_and_match_output():
    rule = Rule("r", notify=("slack", "mail", "off"), repeat_after=timedelta(hours=12), group_wait=timedelta(seconds=5))
    ruleset = RuleSet(rules=(rule, Rule("off", enabled=False)), notifiers={"slack": "json://x", "mail": "mailto://u:p@h"},
                      disabled_notifiers=frozenset({"off"}))
    assert ruleset.match(incident(), NOW) == [
        RuleMatch(rule="r", notifiers=["slack", "mail"], repeat_after=43200.0, group_wait=5.0)
    ]
    assert "json://" not in repr(ruleset)  # notifier URLs are secrets


def test_a_rule_with_no_locations_and_no_groups_matches_every_change():
    assert fires(Rule("all"), incident(place=MOSUL, holder=ARMY, previous=None))


# -- from YAML, through the gazetteer -----------------------------------------------------------


@pytest.fixture()
def rules_from(tmp_path: Path):
    def load(text: str) -> RuleSet:
        path = tmp_path / "r.yaml"
        path.write_text(text, encoding="utf-8")
        return load_rules([str(path)], env={})

    return load


def names(ruleset: RuleSet, item: Incident, now: datetime = NOW) -> list[str]:
    return [m.rule for m in ruleset.match(item, now)]


def test_locations_resolved_from_names_aliases_ids_countries_admin1_and_radius(rules_from):
    ruleset = rules_from(
        """
rules:
  - {name: by-alias, locations: ["Jisr al-Shughour"]}
  - {name: by-id, locations: [{geonameid: 169023}]}
  - {name: by-country-code, locations: [{country: SY}]}
  - {name: by-country-name, locations: [{country: Iraq}]}
  - {name: by-admin1, locations: [{admin1: Idlib, country: SY}]}
  - {name: by-province-name, locations: ["Idlib province"]}
  - {name: near-latakia, locations: [{near: Latakia, radius_km: 60}]}
  - {name: near-latakia-small, locations: [{near: Latakia, radius_km: 20}]}
  - {name: city-of-idlib, locations: [Idlib]}
"""
    )
    assert names(ruleset, incident()) == [
        "by-alias", "by-id", "by-country-code", "by-admin1", "by-province-name", "near-latakia",
    ]
    assert names(ruleset, incident(place=MOSUL)) == ["by-country-name"]
    assert names(ruleset, incident(place=LATAKIA)) == ["by-country-code", "near-latakia", "near-latakia-small"]


# -- groups, through the real actor catalogue -------------------------------------------------------


def test_groups_resolved_from_names_aliases_coalitions_and_sides(rules_from):
    from monitor.extract.actors import ActorCatalogue

    catalogue = ActorCatalogue.default()
    nusra, fatah = catalogue.resolve("Nusra Front"), catalogue.resolve("Army of Fatah")
    islamic_state, syria = catalogue.resolve("Islamic State"), catalogue.state_forces("SY")
    assert None not in (nusra, fatah, islamic_state, syria)
    ruleset = rules_from(
        """
rules:
  - {name: nusra-by-alias, groups: [Jabhat al-Nusra]}
  - {name: daesh, groups: [Daesh]}
  - {name: fatah, groups: [Army of Conquest]}
  - {name: state-lost, groups: [{side: state, role: lost}]}
  - {name: state-gained, groups: [{side: state}], role: gained}
  - {name: isis-gained, groups: [{name: ISIS, role: gained}]}
"""
    )
    nusra_took = incident(holder=nusra.model_copy(update={"associates": []}), previous=syria)
    assert names(ruleset, nusra_took) == ["nusra-by-alias", "fatah", "state-lost"]  # fatah: Nusra is a member
    fatah_took = incident(holder=fatah, previous=syria)
    assert names(ruleset, fatah_took) == ["nusra-by-alias", "fatah", "state-lost"]  # Nusra: its coalition took it
    allied = incident(holder=ActorRef(id="local-brigade", name="Local brigade", side="non_state",
                                      associates=["Jabhat al-Nusra"]), previous=syria)
    assert names(ruleset, allied) == ["nusra-by-alias", "fatah", "state-lost"]  # an associate of the holder
    is_took = incident(holder=islamic_state, previous=nusra)
    assert names(ruleset, is_took) == ["nusra-by-alias", "daesh", "fatah", "isis-gained"]  # Nusra lost it
    army_back = incident(holder=syria, previous=islamic_state, subtype="government_regains")
    assert names(ruleset, army_back) == ["daesh", "state-gained"]


def test_the_shipped_example_rules_load_and_watch_the_seed_change():
    """rules/example.yaml loads on a machine without secrets and fires for Jisr al-Shughour taken by Nusra."""
    from monitor.extract.actors import ActorCatalogue

    example = Path(__file__).resolve().parents[1] / "rules" / "example.yaml"
    ruleset = load_rules([str(example)], env={})
    catalogue = ActorCatalogue.default()
    took = incident(holder=catalogue.resolve("Nusra Front"), previous=catalogue.state_forces("SY"), confidence=0.93)
    fired = ruleset.match(took, NOW)
    assert fired and all(m.notifiers == [] for m in fired)  # every notifier disabled without its variable
    with_slack = load_rules([str(example)], env={"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/XX"})
    assert any("ops-slack" in m.notifiers for m in with_slack.match(took, NOW))
    assert ruleset.match(incident(place=MOSUL, holder=ARMY, previous=REBELS, confidence=0.93), NOW) == []


def test_replay_judges_when_reported_and_holds_back_repeats():
    from monitor.rules import replay

    rule = Rule("r", repeat_after=timedelta(hours=12), notify=("hook",))
    ruleset = RuleSet(rules=(rule, Rule("once")), notifiers={"hook": "json://127.0.0.1/x"})
    old_day = datetime(2015, 3, 1, 9, tzinfo=UTC)
    first = incident(id="a", date=old_day.date(), first_seen=old_day, last_seen=old_day)
    again = incident(id="b", date=old_day.date(), first_seen=old_day + timedelta(hours=3),
                     last_seen=old_day + timedelta(hours=3))
    later = incident(id="c", date=date(2015, 3, 2), first_seen=old_day + timedelta(days=1),
                     last_seen=old_day + timedelta(days=1))
    fired = replay(ruleset, [later, again, first])
    assert [(f.match.rule, f.incident.id, f.held_back) for f in fired] == [
        ("r", "a", False), ("once", "a", False),
        ("r", "b", True), ("once", "b", False),  # within 12 h of "a": held back; "once" has no repeat_after
        ("r", "c", False), ("once", "c", False),
    ]
    assert fired[0].at == old_day and fired[0].match.notifiers == ["hook"]
    # judged now, a change of March 2015 is far older than max_age
    assert replay(ruleset, [first], now=NOW) == []


def test_watched_places_for_the_map():
    near_latakia = Rule(name="coast", locations=(NearPlace(LATAKIA.lat, LATAKIA.lon, 60.0, label="Latakia"),))
    assert RuleSet(rules=(near_latakia,)).watches(JISR)
    assert not RuleSet(rules=(near_latakia,)).watches(MOSUL)
    assert RuleSet(rules=(near_latakia, Rule(name="anywhere"))).watches(MOSUL)
    assert not RuleSet(rules=(Rule(name="off", enabled=False),)).watches(MOSUL)
