"""Actors: aliases, generic state-forces phrases, coalitions, user extensions, text scanning."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.extract.actors import ActorCatalogue, CatalogueError
from monitor.extract.normalize import FoldedText


@pytest.fixture(scope="module")
def cat() -> ActorCatalogue:
    return ActorCatalogue.default()


@pytest.mark.parametrize("alias, actor_id", [
    ("Jabhat al-Nusra", "nusra-front"), ("al-Nusra Front", "nusra-front"), ("Jabhat Fateh al-Sham", "nusra-front"),
    ("ISIS", "islamic-state"), ("ISIL", "islamic-state"), ("Daesh", "islamic-state"), ("Islamic State group", "islamic-state"),
    ("Jaish al-Fatah", "army-of-fatah"), ("Hay'at Tahrir al-Sham", "hts"), ("SDF", "sdf"), ("YPG", "ypg"),
    ("Ansar Allah", "houthis"), ("Houthi rebels", "houthis"), ("Taleban", "taliban"), ("ISWAP", "iswap"),
    ("Boko Haram", "boko-haram"), ("M23", "m23"), ("ADF", "adf"), ("FARDC", "drc-government"),
    ("Tatmadaw", "myanmar-government"), ("Arakan Army", "arakan-army"), ("MNDAA", "mndaa"), ("TNLA", "tnla"),
    ("People's Defence Force", "pdf"), ("RSF", "rsf"), ("SAF", "sudan-government"), ("SPLA-IO", "splm-io"),
    ("al-Shabab", "al-shabaab"), ("ENDF", "ethiopia-government"), ("TPLF", "tplf"), ("Fano militia", "fano"),
    ("JNIM", "jnim"), ("FAMa", "mali-government"), ("ELN", "eln"), ("Wagner", "wagner-group"),
    ("Armed Forces of Ukraine", "ukraine-government"), ("Russian troops", "russia-government"),
])
def test_aliases_resolve(cat, alias, actor_id):
    ref = cat.resolve(alias)
    assert ref is not None and ref.id == actor_id


def test_generic_state_phrases_need_a_country(cat):
    assert cat.resolve("the army", "SY").id == "syria-government"
    assert cat.resolve("government forces", "SD").id == "sudan-government"
    assert cat.resolve("troops", "ML").id == "mali-government"
    assert cat.resolve("troops") is None
    assert cat.resolve("Syrian forces").id == "syria-government"  # demonym + forces, generated
    assert cat.resolve("Nigerian soldiers").side == "state"


def test_sides(cat):
    assert cat.get("rsf").side == "non_state" and cat.get("sudan-government").side == "state"
    assert all(a.side in ("state", "non_state") for a in cat.all())
    assert len(cat.all()) >= 80


def test_country_picks_between_actors_sharing_an_alias(cat):
    assert cat.resolve("al-Shabaab", "SO").id == "al-shabaab"
    assert cat.resolve("al-Shabaab", "MZ").id == "is-mozambique"


def test_coalitions(cat):
    members = {m.id for m in cat.members("army-of-fatah")}
    assert {"nusra-front", "ahrar-al-sham", "jund-al-aqsa"} <= members
    assert "army-of-fatah" in cat.coalitions_of("nusra-front")
    assert {m.id for m in cat.members("three-brotherhood-alliance")} == {"arakan-army", "mndaa", "tnla"}
    assert cat.members("taliban") == []


def test_suggest(cat):
    assert cat.suggest("Jabat al Nusra")[0] == "Nusra Front"
    assert cat.get("no-such-actor") is None


def test_find_in_text_is_case_aware_for_acronyms(cat):
    text = "It is clear that IS and the Arakan Army (AA) fought; the army says aa batteries were hit."
    found = {(m.surface, m.actor_ids[:1]) for m in cat.find(FoldedText(text))}
    assert ("IS", ("islamic-state",)) in found
    assert ("Arakan Army", ("arakan-army",)) in found and ("AA", ("arakan-army",)) in found
    assert not any(s in ("is", "aa") for s, _ in found)
    generic = [m for m in cat.find(FoldedText(text)) if m.generic_state]
    assert [m.surface for m in generic] == ["the army"]


def test_apposition_alias_with_possessive(cat):
    found = cat.find(FoldedText("Groups including Al Qaeda’s wing in Syria, Nusra Front, advanced."))
    assert [m.actor_ids[0] for m in found] == ["nusra-front", "nusra-front"]


def test_users_extend_the_catalogue_in_yaml(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "actors:\n"
        "  - {id: northern-hawks, name: Northern Hawks Brigade, side: non_state, countries: [SY],\n"
        "     aliases: [Suqour al-Shamal]}\n"
        "  - {id: nusra-front, aliases: [the Front for the Support]}\n"
        "  - {id: hawks-alliance, name: Hawks Alliance, members: [northern-hawks, nusra-front]}\n",
        encoding="utf-8",
    )
    cat = ActorCatalogue.load([extra])
    assert cat.resolve("Suqour al-Shamal").id == "northern-hawks"
    assert cat.resolve("the Front for the Support").id == "nusra-front"
    assert cat.resolve("Jabhat al-Nusra").id == "nusra-front"  # shipped aliases kept
    assert {m.id for m in cat.members("hawks-alliance")} == {"northern-hawks", "nusra-front"}


@pytest.mark.parametrize("content, message", [
    ("actors: {}", "expected a mapping with an 'actors:' list"),
    ("actors:\n  - {name: No Id}", "needs at least an 'id'"),
    ("actors:\n  - {id: x, name: X, side: rebel}", "side must be"),
    ("actors:\n  - {id: y, name: Y, members: [nobody]}", "member 'nobody'"),
    ("actors: [", "cannot read"),
])
def test_bad_catalogue_files_name_the_problem(tmp_path, content, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        ActorCatalogue.load([bad])


def test_every_shipped_actor_is_documented(cat):
    doc = (Path(__file__).resolve().parents[1] / "docs" / "actors.md").read_text(encoding="utf-8")
    missing = [a.id for a in cat.all() if f"`{a.id}`" not in doc]
    assert missing == [], "add these to docs/actors.md"


@pytest.mark.parametrize("phrase, actor_id", [
    ("Turkish-backed Syrian rebels", "syrian-national-army"),  # demonym of the patron, demonym of the country
    ("rebels backed by Turkey", "syrian-national-army"),  # "X-backed N" also as "N backed by X"
    ("Syrian fighters backed by Ankara", "syrian-national-army"),
    ("separatists backed by Russia", "russia-backed-separatists"),
    ("Ukrainian separatists backed by Moscow", "russia-backed-separatists"),
])
def test_backed_aliases_in_other_wordings(cat, phrase, actor_id):
    assert cat.resolve(phrase).id == actor_id
    found = cat.find(FoldedText(f"On Sunday {phrase} captured the town."))
    assert [m.actor_ids[0] for m in found if m.actor_ids] == [actor_id]


@pytest.mark.parametrize("alias, actor_id", [
    ("French troops", "france-government"), ("Operation Barkhane", "france-government"),
    ("MINUSMA", "minusma"), ("MNJTF", "mnjtf"), ("National Front for Liberation", "nfl"),
    ("Southern Resistance fighters", "southern-resistance"), ("Tareq Saleh's forces", "national-resistance-yemen"),
    ("MUJAO", "mujao"), ("CSP-PSD", "fla"), ("Sudan Liberation Army", "slm"), ("JEM", "jem"),
    ("Amajid Brigade", "yemen-government"), ("5th Assault Corps", "syria-government"),
    ("Operation Peace Spring", "turkey-government"), ("Operation Restoring Hope", "saudi-led-coalition"),
    ("Military Forces of Artsakh", "artsakh-defence-army"), ("Jalisco New Generation Cartel", "cjng"),
    ("Mayi-Mayi militia", "wazalendo"), ("Derna Protection Force", "derna-protection-force"),
    ("pro-Turkish factions", "syrian-national-army"),
])
def test_actors_added_from_the_data(cat, alias, actor_id):
    assert cat.resolve(alias).id == actor_id


def test_gendarmes_and_police_are_state_forces(cat):
    assert cat.resolve("gendarmes", "BF").id == "burkina-faso-government"
    assert cat.resolve("Burkinabe gendarmerie").id == "burkina-faso-government"
    assert cat.resolve("Congolese police").id == "drc-government"
    assert cat.resolve("Police Forces of Somalia").id == "somalia-government"
