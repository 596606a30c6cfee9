"""Users extend the actor catalogue in YAML, named by the config; rule files then know their actors."""

from __future__ import annotations

import json
import subprocess
import sys

from monitor.extract.actors import ActorCatalogue


def frontwatch(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True, text=True, timeout=180, cwd=cwd)


def test_config_actor_files_extend_the_catalogue_for_rules(tmp_path):
    (tmp_path / "actors").mkdir()
    (tmp_path / "actors" / "local.yaml").write_text(
        "actors:\n  - {id: northern-hawks, name: Northern Hawks Brigade, side: non_state, countries: [SY],\n"
        "     aliases: [Suqour al-Shamal]}\n"
    )
    (tmp_path / "watch.yaml").write_text("rules:\n  - name: hawks\n    groups: [Suqour al-Shamal]\n")
    with_actors = tmp_path / "with.yaml"
    with_actors.write_text(f"database: sqlite:///{tmp_path}/fw.db\nrules: [watch.yaml]\nactors: [actors/*.yaml]\n")
    without = tmp_path / "without.yaml"
    without.write_text(f"database: sqlite:///{tmp_path}/fw.db\nrules: [watch.yaml]\n")

    known = frontwatch("rules", "check", "--config", str(with_actors), cwd=tmp_path)
    assert known.returncode == 0, known.stdout + known.stderr
    unknown = frontwatch("rules", "check", "--config", str(without), cwd=tmp_path)
    assert unknown.returncode == 1
    assert "watch.yaml:3:" in unknown.stdout and "Suqour al-Shamal" in unknown.stdout


def test_extract_knows_the_config_actors(tmp_path):
    (tmp_path / "local.yaml").write_text(
        "actors:\n  - {id: northern-hawks, name: Northern Hawks Brigade, side: non_state, countries: [SY],\n"
        "     aliases: [Suqour al-Shamal]}\n"
    )
    config = tmp_path / "monitor.yaml"
    config.write_text("rules: []\nactors: [local.yaml]\n")
    story = "Fighters of Suqour al-Shamal captured the town of Saraqib from government forces on Monday.\n"

    def taker(*config_args: str) -> str | None:
        done = subprocess.run([sys.executable, "-m", "monitor", "extract", "-", "--published", "2016-02-03", "--json",
                               *config_args], input=story, capture_output=True, text=True, timeout=180, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        (event,) = json.loads(done.stdout)
        return event["actor"]["id"]

    assert taker("--config", str(config)) == "northern-hawks"
    assert taker() != "northern-hawks"


def test_a_broken_actor_file_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "bad.yaml").write_text("actors:\n  - {id: x, side: rebels}\n")
    config = tmp_path / "monitor.yaml"
    config.write_text("rules: []\nactors: [bad.yaml]\n")
    result = frontwatch("rules", "check", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"frontwatch: {config}: actors: ")
    assert "Traceback" not in result.stderr


def test_configure_replaces_the_default_catalogue(tmp_path):
    extra = tmp_path / "more.yaml"
    extra.write_text("actors:\n  - {id: nusra-front, aliases: [the Northern Front of Test]}\n")
    shipped = ActorCatalogue.default()
    try:
        ActorCatalogue.configure([extra])
        assert ActorCatalogue.default().resolve("the Northern Front of Test").id == "nusra-front"
    finally:
        ActorCatalogue._default = shipped
    assert ActorCatalogue.default().resolve("the Northern Front of Test") is None
