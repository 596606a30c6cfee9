"""Places: GeoNames look-ups with spelling variants, admin1 areas, country context, landmarks, datelines."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.extract.gazetteer import Gazetteer
from monitor.extract.normalize import FoldedText, fold
from monitor.extract.pipeline import EventExtractor
from monitor.extract.places import find_places
from monitor.extract.text import find_dateline, split_sentences, story_end


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()  # one shared instance per test session (cached singleton)


@pytest.mark.parametrize("spelling", ["Jisr al-Shughour", "Jisr ash-Shughur", "Jisr al-Shughur", "Jisr esh Shughur",
                                      "JISR AL-SHUGHOUR", "Jisr al Shughour"])
def test_transliteration_variants_reach_one_place(gaz, spelling):
    best = gaz.lookup(spelling)[0]
    assert (best.geonameid, best.name, best.country, best.admin1) == (169023, "Jisr ash Shughur", "SY", "Idlib")


def test_folding_drops_articles_diacritics_and_apostrophes():
    assert fold("Ma'arrat al-Nu'man") == fold("Maarrat an Numan")
    assert fold("Ménaka") == fold("Menaka")
    assert fold("Al Qaeda’s") == "qaeda"


def test_alternate_names_and_country_context(gaz):
    assert gaz.lookup("Palmyra", "SY")[0].geonameid == gaz.lookup("Tadmur")[0].geonameid
    assert gaz.lookup("Tripoli", "LY")[0].country == "LY"
    assert gaz.lookup("Tripoli", "LB")[0].country == "LB"
    assert gaz.lookup("Kobani", "SY")[0].name == "Ayn al Arab"


def test_admin1_areas_resolve_beside_cities(gaz):
    city, province = gaz.lookup("Idlib")[:2]
    assert city.geonameid == 169389 and province.geonameid is None and province.admin1 == "Idlib"
    assert gaz.lookup("Idlib province")[0].geonameid is None
    assert gaz.lookup("Kirkuk governorate")[0].admin1 == "Kirkuk"


def test_get_suggest_and_country_codes(gaz):
    assert gaz.get(169023).name == "Jisr ash Shughur"
    assert gaz.get(-1) is None
    assert "Jisr ash Shughur" in gaz.suggest("Jisr Shugur")
    assert gaz.country_code("Syrian") == "SY"
    assert gaz.country_code("Democratic Republic of the Congo") == "CD"
    assert gaz.lookup("Qwxyzzy") == []


def test_landmarks_and_dateline_are_marked(gaz):
    text = ("DAMASCUS: Rebels took Morek, on the highway between Hama and Aleppo, "
            "about 30 km north of Homs.")
    dl = find_dateline(text)
    assert dl is not None and dl.place == "DAMASCUS"
    found = find_places(FoldedText(text), gaz, [(0, dl.end)])
    by_name = {p.surface: p for p in found}
    assert "DAMASCUS" not in by_name
    assert not by_name["Morek"].landmark
    assert by_name["Hama"].landmark and by_name["Aleppo"].landmark and by_name["Homs"].landmark


def test_capitalised_person_and_org_names_are_not_places(gaz):
    text = "Commander Ahmad Mansour of the Idlib Military Council spoke to Reuters in Antakya."
    surfaces = {p.surface for p in find_places(FoldedText(text), gaz, [])}
    assert "Idlib" not in surfaces and "Antakya" in surfaces


def test_story_ends_at_site_furniture():
    text = "Rebels seized Afrin on Sunday.\nPublished in The Daily Example, March 19th, 2018\nRebels seized Manbij."
    assert text[:story_end(text)].strip() == "Rebels seized Afrin on Sunday."
    events = EventExtractor.default().extract(text, published=date(2018, 3, 19))
    assert [e.location.name for e in events] == ["Afrin"]


def test_sentences_keep_abbreviations_together():
    sents = split_sentences("Gen. Haftar's forces entered the U.S. embassy area. Rebels then left.")
    assert len(sents) == 2 and sents[0].text.startswith("Gen. Haftar")


def test_article_country_decides_ambiguous_names():
    ex = EventExtractor.default()
    libya = ex.extract("Forces loyal to the Government of National Accord captured Gharyan and later "
                       "retook Tripoli airport from Haftar's forces. The Libyan capital Tripoli ...",
                       published=date(2019, 6, 27))
    assert {e.location.country for e in libya} == {"LY"}


def test_unknown_place_name_is_kept_unresolved_in_the_article_country():
    ex = EventExtractor.default()
    (e,) = ex.extract("On 3 May 2021, Houthi forces took control of Wadi Qazzan Zulmi (Sirwah, Marib) after clashes.",
                      published=date(2021, 5, 3))
    assert e.location.geonameid is None and e.location.name == "Wadi Qazzan Zulmi"
    assert e.location.country == "YE" and e.location.lat is not None


# --- same-name places: the article's other places decide ---------------------------------------------------
def _place_of(text: str, name: str):
    for e in EventExtractor.default().extract(text, published=date(2024, 3, 11)):
        if e.location.mention == name:
            return e.location
    raise AssertionError(name)


def test_ariha_in_a_syrian_story_is_not_jericho():
    loc = _place_of("Syrian opposition fighters seized the town of Ariha on Thursday.", "Ariha")
    assert (loc.country, loc.admin1) == ("SY", "Idlib")


def test_ariha_beside_other_syrian_towns():
    loc = _place_of("Opposition fighters seized the town of Ariha on Thursday after taking Saraqeb and "
                    "Maarat al-Numan.", "Ariha")
    assert (loc.country, loc.admin1) == ("SY", "Idlib")


def test_ambiguous_names_agree_on_their_shared_country():
    # "Gao" alone could be in Burkina Faso, China or Cuba, "Kidal" in Indonesia: only Mali has both
    text = "Rebels seized Kidal on Sunday, two weeks after they took Gao."
    assert _place_of(text, "Gao").country == "ML" and _place_of(text, "Kidal").country == "ML"


def test_jericho_stays_jericho_in_a_west_bank_story():
    loc = _place_of("Israeli troops took control of Jericho on Sunday, Palestinian officials said.", "Jericho")
    assert loc.country == "PS"


def test_no_country_is_named_by_an_empty_key():
    from monitor.extract.countries import country_names
    assert "" not in country_names()  # "ESH" folds to nothing; "Al" before a tribe name is no country


def test_sentence_adverbs_are_not_places(gaz):
    text = "Late on Friday the rebels attacked. Early on Saturday they left."
    assert [p.surface for p in find_places(FoldedText(text), gaz, [])] == []


def test_gazetteer_name_inside_a_longer_name_is_not_that_place(gaz):
    text = "Soldiers took the village of Oicha ya Juu on Sunday; Oicha itself was calm."
    assert [p.surface for p in find_places(FoldedText(text), gaz, [])] == ["Oicha"]


def test_airport_codes_are_not_place_names(gaz):
    # GeoNames lists the IATA code "GAO" among Guantanamo's alternate names
    assert "CU" not in {e.country for e in gaz.entries("gao")}
    loc = _place_of("Since the army retook Gao in 2013, the city has been calm.", "Gao")
    assert loc.country == "ML"


def test_a_patron_country_or_a_foreign_armys_nationality_does_not_locate_a_place():
    from tests.extraction import current

    e, = current("Rwandan-backed M23 rebels seized Nyabibwe on Sunday, residents said.")
    assert e.location.country == "CD"
    e, = current("Turkish-backed fighters took the town of Tal Abyad on Sunday.")
    assert e.location.country == "SY"


def test_a_piece_of_a_hyphenated_name_is_not_a_place_and_the_whole_name_is_kept():
    from tests.extraction import current

    found = current("Al-Shabaab fighters seized the villages of Yontoy and Bulo-Gadud on Saturday after AMISOM troops "
                    "pulled out.")
    assert {e.location.name for e in found} == {"Yontoy", "Bulo-Gadud"}  # not Buulobarde, 400 km away
    e, = current("The Taliban took the town of Dasht-i-Archi on Monday.")
    assert e.location.name == "Dasht-i-Archi"


def test_an_alternate_name_of_a_hamlet_in_a_country_the_story_barely_names_does_not_win():
    from tests.extraction import current

    # "Kuek" is an alternate name of a hamlet in Iran; the story is about the Sudans and names Iran once
    text = ("The SPLA-IO said on Sunday its forces had captured Kuek town in the border area of Upper Nile, near "
            "Sudan, after government troops withdrew. Officials in Khartoum and Juba did not comment. An Iranian "
            "delegation was visiting Khartoum at the time.")
    e, = current(text)
    assert e.location.country != "IR"


def test_a_far_countrys_alternate_name_loses_to_a_place_so_named_next_door():
    from monitor.extract.gazetteer import Gazetteer
    from monitor.extract.normalize import FoldedText
    from monitor.extract.places import find_places, resolve

    gazetteer = Gazetteer.default()
    mention, = [p for p in find_places(FoldedText("Fighters overran Rann."), gazetteer, []) if p.surface == "Rann"]
    # a story about the Cameroon border that happens to give Germany a little weight
    entry, _sure = resolve(mention, gazetteer, {"CM": 3.6, "NG": 0.4, "DE": 0.5})
    assert (entry.name, entry.country) == ("Rann", "NG")
