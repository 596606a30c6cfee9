"""Rule files: every problem reported as the exact ``file:line:col: reason``, and hot reload."""

from __future__ import annotations

import logging
import os
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.rulefiles import Problem, RuleBook, RuleFileError, expand_paths, load_rules, read_rules
from monitor.rules import AtPlace, InAdmin1, NearPlace


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(*paths: Path, env: dict[str, str] | None = None) -> list[str]:
    """The problem lines, with the folder taken out of the file names."""
    _ruleset, found = read_rules([str(p) for p in paths], env=env or {})
    return [str(p).replace(str(paths[0].parent) + os.sep, "") for p in found]


def test_a_good_file_loads_with_defaults_and_resolved_places(tmp_path):
    path = write(tmp_path, "good.yaml", """
        notifiers:
          ops: json://127.0.0.1:9/hook
          slack: ${SLACK_URL:-}
        defaults:
          notify: [ops, slack]
          max_age: 7d
        rules:
          - name: jisr
            locations: ["Jisr al-Shughour", {admin1: Idlib, country: SY}, {near: Latakia, radius_km: 60}]
            min_confidence: 0.7
            repeat_after: 12h
            group_wait: 0
          - name: anywhere
            max_age: null
            notify: ops
            enabled: false
        """)
    assert problems(path) == []
    ruleset = load_rules([str(path)], env={})
    jisr, anywhere = ruleset.rules
    assert isinstance(jisr.locations[0], AtPlace) and jisr.locations[0].geonameid == 169023
    assert isinstance(jisr.locations[1], InAdmin1) and jisr.locations[1].country == "SY"
    assert isinstance(jisr.locations[2], NearPlace) and jisr.locations[2].radius_km == 60
    assert jisr.notify == ("ops", "slack") and jisr.max_age == timedelta(days=7)
    assert jisr.repeat_after == timedelta(hours=12) and jisr.group_wait == timedelta(0)
    assert anywhere.max_age is None and anywhere.notify == ("ops",) and not anywhere.enabled
    assert ruleset.notifiers == {"ops": "json://127.0.0.1:9/hook"}
    assert ruleset.disabled_notifiers == {"slack"}  # empty after interpolation: disabled, not an error
    assert load_rules([str(path)], env={"SLACK_URL": "json://127.0.0.1:9/s"}).notifiers["slack"] == "json://127.0.0.1:9/s"


def test_yaml_syntax_error_points_at_the_character(tmp_path):
    path = write(tmp_path, "syntax.yaml", """
        rules:
          - name: a
            locations: [Idlib, Latakia
          - name: b
        """)
    assert problems(path) == [
        "syntax.yaml:4:9: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence started at 3:16)"
    ]
    tabs = write(tmp_path, "tabs.yaml", "rules:\n\t- name: a\n")
    assert problems(tabs) == ["tabs.yaml:2:1: invalid YAML: found character '\\t' that cannot start any token"]


def test_unknown_keys_with_suggestions(tmp_path):
    path = write(tmp_path, "keys.yaml", """
        notifier:
          ops: json://127.0.0.1/x
        rules:
          - name: a
            locatons: [Idlib]
            min_confidnce: 0.5
            colour: red
            locations: [{near: Latakia, radius: 60}]
        """)
    assert problems(path) == [
        "keys.yaml:1:1: unknown key 'notifier' in a rule file (did you mean 'notifiers'?)",
        "keys.yaml:5:5: unknown key 'locatons' in a rule (did you mean 'locations'?)",
        "keys.yaml:6:5: unknown key 'min_confidnce' in a rule (did you mean 'min_confidence'?)",
        "keys.yaml:7:5: unknown key 'colour' in a rule",
        "keys.yaml:8:17: near needs radius_km",
        "keys.yaml:8:33: unknown key 'radius' in a location (did you mean 'radius_km'?)",
    ]


def test_bad_values_and_types(tmp_path):
    path = write(tmp_path, "values.yaml", """
        rules:
          - name: a
            when: capture
            min_confidence: 1.5
            min_sources: two
            certainty: [reported, rumoured]
            subtypes: [non_state_overtake]
            role: won
            enabled: maybe
            include_background: 1
            locations: Idlib
            groups: {side: rebels}
          - name: [not, a, string]
          - just a string
          - description: no name here
        """)
    assert problems(path) == [
        "values.yaml:3:11: invalid when 'capture' (expected control_change)",
        "values.yaml:4:21: min_confidence must be a number from 0 to 1, not 1.5",
        "values.yaml:5:18: min_sources must be a whole number of at least 1, not 'two'",
        "values.yaml:6:27: invalid certainty 'rumoured' (expected reported, claimed, unconfirmed, denied)",
        "values.yaml:7:16: invalid subtype 'non_state_overtake' (did you mean 'non_state_overtakes'?)",
        "values.yaml:8:11: invalid role 'won' (expected gained, lost, any)",
        "values.yaml:9:14: enabled must be true or false, not 'maybe'",
        "values.yaml:10:25: include_background must be true or false, not 1",
        "values.yaml:12:20: invalid side 'rebels' (expected state, non_state)",
        "values.yaml:13:11: name must be a non-empty string, not a list",
        "values.yaml:14:5: a rule must be a mapping, not 'just a string'",
        "values.yaml:15:5: rule has no name",
    ]


def test_bad_durations(tmp_path):
    path = write(tmp_path, "durations.yaml", """
        rules:
          - name: a
            max_age: 3 days
            repeat_after: -1h
            group_wait: never
        """)
    assert problems(path) == [
        "durations.yaml:3:14: max_age: invalid duration '3 days': use a number with s, m, h, d or w (e.g. 90s, 12h, 3d)",
        "durations.yaml:4:19: repeat_after: invalid duration '-1h': use a number with s, m, h, d or w (e.g. 90s, 12h, 3d)",
        "durations.yaml:5:17: group_wait: invalid duration 'never': use a number with s, m, h, d or w (e.g. 90s, 12h, 3d)",
    ]


def test_notifier_problems(tmp_path):
    path = write(tmp_path, "notify.yaml", """
        notifiers:
          ops-slack: ${SLACK_WEBHOOK_URL}
          web: https://example.org/hook
          odd: foo://bar
          blank:
        rules:
          - name: a
            notify: [ops-slak, web, nobody]
        """)
    assert problems(path) == [
        "notify.yaml:2:14: notifier 'ops-slack': environment variable SLACK_WEBHOOK_URL is not set "
        "(write ${SLACK_WEBHOOK_URL:-} to leave the notifier disabled while it is unset)",
        "notify.yaml:3:8: notifier 'web': not a valid apprise URL "
        "(apprise has no 'https://' service; for a plain webhook use json:// or form://)",
        "notify.yaml:4:8: notifier 'odd': not a valid apprise URL (apprise has no 'foo://' service)",
        "notify.yaml:5:9: notifier 'blank' must be a non-empty string, not empty",
        "notify.yaml:8:14: unknown notifier 'ops-slak' (did you mean 'ops-slack'?)",
        "notify.yaml:8:29: unknown notifier 'nobody'",
    ]


def test_secrets_never_appear_in_problems_or_logs(tmp_path, caplog):
    path = write(tmp_path, "secret.yaml", """
        notifiers:
          ops: https://user:hunter2@example.org/${TOKEN}
          odd: foo://hunter2@${TOKEN}
        """)
    with caplog.at_level(logging.DEBUG):
        found = problems(path, env={"TOKEN": "s3cr3t-token"})
    assert len(found) == 2
    for text in (*found, caplog.text):
        assert "hunter2" not in text and "s3cr3t-token" not in text


def test_unknown_places_with_suggestions(tmp_path):
    path = write(tmp_path, "places.yaml", """
        rules:
          - name: a
            locations:
              - Jisr al-Shugur
              - {near: Latakja, radius_km: 60}
              - {near: Latakia}
              - {near: Latakia, radius_km: -5}
              - {country: Syra}
              - {admin1: Qqqqzz, country: SY}
              - {geonameid: 1}
              - {admin1: Idlib, geonameid: 169023}
              - {radius_km: 5, name: Idlib}
              - {}
        """)
    found = problems(path)
    assert found[0].startswith("places.yaml:4:9: unknown place 'Jisr al-Shugur' (did you mean 'Jisr ash Shughur'")
    assert found[1].startswith("places.yaml:5:16: unknown place 'Latakja' (did you mean ") and "'Latakia'" in found[1]
    assert found[2:4] == [
        "places.yaml:6:9: near needs radius_km",
        "places.yaml:7:36: radius_km must be a number of at least 0, not -5",
    ]
    assert found[4].startswith("places.yaml:8:19: unknown country 'Syra' (did you mean 'Syria'")
    assert found[5].startswith("places.yaml:9:18: unknown admin1 'Qqqqzz' in SY")
    assert found[6:] == [
        "places.yaml:10:21: no place with GeoNames id 1 in the gazetteer",
        "places.yaml:11:9: a location takes one of near, geonameid, admin1 or name, not geonameid and admin1",
        "places.yaml:12:10: radius_km goes with near",
        "places.yaml:13:9: a location needs one of name, geonameid, country, admin1 or near",
    ]


def test_duplicate_rule_and_notifier_names_across_files(tmp_path):
    first = write(tmp_path, "a.yaml", """
        notifiers: {ops: json://127.0.0.1/a}
        rules:
          - name: watch
        """)
    second = write(tmp_path, "b.yaml", """
        notifiers: {ops: json://127.0.0.1/b}
        rules:
          - name: other
            notify: [ops]
          - name: watch
          - {name: other, name: again}
        """)
    assert problems(first, second) == [
        "b.yaml:1:13: notifier 'ops' is already defined at a.yaml:1:13",
        "b.yaml:5:11: duplicate rule name 'watch' (first at a.yaml:3:11)",
        "b.yaml:6:12: duplicate rule name 'other' (first at b.yaml:3:11)",
        "b.yaml:6:19: duplicate key 'name' in a rule (first at b.yaml:6:6)",
    ]


def test_load_rules_raises_with_every_problem_one_per_line(tmp_path):
    path = write(tmp_path, "two.yaml", """
        rules:
          - name: a
            max_age: soon
            min_sources: 0
        """)
    with pytest.raises(RuleFileError) as caught:
        load_rules([str(path)], env={})
    assert [p.line for p in caught.value.problems] == [3, 4]
    assert str(caught.value).splitlines() == [str(p) for p in caught.value.problems]
    assert str(caught.value.problems[1]) == f"{path}:4:18: min_sources must be a whole number of at least 1, not 0"
    assert caught.value.problems[1] == Problem(str(path), 4, 18, "min_sources must be a whole number of at least 1, not 0")


def test_paths_globs_and_folders(tmp_path):
    write(tmp_path, "a.yaml", "rules: [{name: a}]\n")
    write(tmp_path, "b.yml", "rules: [{name: b}]\n")
    write(tmp_path, "notes.txt", "not rules\n")
    files, missing = expand_paths([str(tmp_path / "*.yaml"), str(tmp_path), str(tmp_path / "none" / "*.yaml")])
    assert [f.name for f in files] == ["a.yaml", "b.yml"] and missing == []
    files, missing = expand_paths([str(tmp_path / "gone.yaml")])
    assert files == [] and [str(p) for p in missing] == [f"{tmp_path}/gone.yaml:1:1: no such file"]
    assert [r.name for r in load_rules([str(tmp_path)], env={}).rules] == ["a", "b"]
    assert load_rules([str(tmp_path / "nothing-yet" / "*.yaml")], env={}).rules == ()
    write(tmp_path, "empty.yaml", "")
    assert problems(tmp_path / "empty.yaml") == []


# -- hot reload ---------------------------------------------------------------------------------


class FakeClock:
    """Monotonic time the test moves by hand (the reload check runs at most once a second)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def touch_later(path: Path, text: str) -> None:
    """Rewrite a file and make sure its mtime moves, however coarse the file system's clock."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_rulebook_reloads_changed_files_and_keeps_the_last_good_set(tmp_path, caplog):
    path = write(tmp_path, "watch.yaml", "rules: [{name: first}]\n")
    clock = FakeClock()
    book = RuleBook([str(tmp_path / "*.yaml")], env={}, clock=clock)
    assert [r.name for r in book.current().rules] == ["first"]

    touch_later(path, "rules: [{name: first}, {name: second, locations: [Idlib]}]\n")
    assert [r.name for r in book.current().rules] == ["first"]  # not looked at again within a second
    clock.now += 1.5
    assert [r.name for r in book.current().rules] == ["first", "second"]

    touch_later(path, "rules: [{name: first, max_age: whenever}]\n")
    clock.now += 1.5
    with caplog.at_level(logging.WARNING, logger="monitor.rulefiles"):
        assert [r.name for r in book.current().rules] == ["first", "second"]  # broken edit: last good kept
    assert [str(p) for p in book.problems] == [
        f"{path}:1:32: max_age: invalid duration 'whenever': use a number with s, m, h, d or w (e.g. 90s, 12h, 3d)"
    ]
    assert f"{path}:1:32: max_age" in caplog.text

    write(tmp_path, "more.yaml", "rules: [{name: third}]\n")  # a new file alone is a change too
    touch_later(path, "rules: [{name: first}]\n")
    clock.now += 1.5
    assert [r.name for r in book.current().rules] == ["third", "first"]
    assert book.problems == []

    (tmp_path / "more.yaml").unlink()
    clock.now += 1.5
    assert [r.name for r in book.current().rules] == ["first"]


def test_rulebook_refuses_to_start_on_broken_files(tmp_path):
    write(tmp_path, "bad.yaml", "rules: [{nam: x}]\n")
    with pytest.raises(RuleFileError):
        RuleBook([str(tmp_path / "*.yaml")], env={})


def test_unknown_groups_with_suggestions(tmp_path):
    path = write(tmp_path, "groups.yaml", """
        rules:
          - name: a
            groups: [Nusra Frnt, {name: Jabhat al-Nusra, side: state}, {sides: state}, {name: Daesh, role: won}]
        """)
    assert problems(path) == [
        "groups.yaml:3:14: unknown group 'Nusra Frnt' (did you mean 'Nusra Front'?)",
        "groups.yaml:3:26: a group takes either name or side",
        "groups.yaml:3:64: a group takes either name or side",
        "groups.yaml:3:65: unknown key 'sides' in a group (did you mean 'side'?)",
        "groups.yaml:3:100: invalid role 'won' (expected gained, lost, any)",
    ]


def test_a_place_name_with_a_country_picks_the_namesake(tmp_path):
    path = write(tmp_path, "tripoli.yaml", """
        rules:
          - {name: lebanon, locations: [{name: Tripoli, country: LB}]}
          - {name: libya, locations: [{name: Tripoli, country: Libya}]}
        """)
    lebanon, libya = load_rules([str(path)], env={}).rules
    assert lebanon.locations[0].geonameid != libya.locations[0].geonameid
    assert lebanon.locations[0].label.startswith("Tripoli (") and ", LB; GeoNames" in lebanon.locations[0].label
    assert ", LY; GeoNames" in libya.locations[0].label


def test_sections_left_empty_are_fine(tmp_path):
    path = write(tmp_path, "blank.yaml", """
        notifiers:
        defaults:
        rules:
        #  - name: commented out for now
        """)
    assert problems(path) == []
    assert load_rules([str(path)], env={}).rules == ()


def test_odd_yaml_is_reported_not_crashed_on(tmp_path):
    two = write(tmp_path, "two.yaml", "rules: []\n---\nrules: []\n")
    assert problems(two) == [
        "two.yaml:2:1: invalid YAML: expected a single document in the stream, but found another document"
    ]
    tags = write(tmp_path, "tags.yaml", """
        rules:
          - name: !custom a
            max_age: !!python/object:os.system x
            locations: &places [Jisr al-Shughour]
          - name: b
            locations: *places
        - top
        """)
    assert problems(tags) == [
        "tags.yaml:7:1: invalid YAML: expected <block end>, but found '-' (while parsing a block mapping started at 1:1)"
    ]
    tags.write_text(tags.read_text().replace("- top\n", ""))
    assert problems(tags) == [
        "tags.yaml:3:14: max_age: invalid duration 'x': use a number with s, m, h, d or w (e.g. 90s, 12h, 3d)"
    ]
    tags.write_text(tags.read_text().replace("!!python/object:os.system x", "1d"))
    assert [r.name for r in load_rules([str(tags)], env={}).rules] == ["a", "b"]  # anchors and aliases work
    listing = write(tmp_path, "list.yaml", "- name: a\n")
    assert problems(listing) == ["list.yaml:1:1: a rule file must be a mapping, not a list"]
