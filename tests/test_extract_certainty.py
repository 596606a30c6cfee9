"""Certainty: reported / claimed / unconfirmed / denied, and what is no change at all (sentences written here)."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.extract import certainty
from monitor.extract.pipeline import EventExtractor

PUB = date(2024, 3, 11)


def extract(text: str):
    return EventExtractor.default().extract(text, published=PUB)


@pytest.mark.parametrize("text", [
    "Houthi fighters failed to capture Marib despite weeks of heavy shelling.",
    "The army repelled an attempt by militants to seize Palmyra on Sunday.",
    "Government troops beat back an assault on Kidal, killing dozens of attackers.",
    "Rebels have besieged Aleppo for months and cut the main supply road.",
    "Russian forces are advancing toward Kupiansk and shelled its outskirts on Sunday.",
    "The alliance aims to capture Idlib before the summer.",
    "The group vowed to retake Sirte from its rivals.",
    "Fighters launched an offensive to seize Marib on Sunday.",
    "Clashes erupted in Kunduz between Taliban fighters and police on Sunday.",
    "Al-Shabaab militants attacked a military base in Beledweyne, killing four soldiers.",
    "M23 rebels are closing in on Goma after seizing positions in the hills.",
    "If the militants take Damasak, thousands will flee.",
    "Rebels could soon capture Kherson, analysts warned.",
    "Islamic State fighters were on the verge of capturing Kobani.",
    "Militants stormed the prison in Bama and freed 40 inmates.",
    "The army captured 20 fighters in Goma on Sunday.",
    "Security forces seized weapons and ammunition in Gwoza.",
    "The Arakan Army said it would not stop until it captured Sittwe.",
    "Ukraine denied that Russian forces had captured Vuhledar, saying fighting continued in the town.",
    "Soldiers took part in a parade in Bamako on Sunday.",
    "Government forces retreated to defensive positions on the outskirts of El Fasher.",
    "Somali forces and African Union troops launched an operation to recapture Jilib from al-Shabaab.",
    "Capture of Kherson would be a major blow to Moscow, analysts said.",
    "Militants overran an army post in Djibo, killing 12 soldiers, before withdrawing into the bush.",
    "Fighters briefly seized the town of Kafr Nabl before being driven out by government troops.",
    "Insurgents attacked and temporarily occupied parts of Mocimboa da Praia on Monday.",
    "Militants entered the town of Morek, looting shops, and residents fled.",
])
def test_no_change(text):
    assert [e for e in extract(text) if e.certainty != "denied"] == []


def test_reported_by_a_neutral_source():
    (e,) = extract("Rebels captured Morek on Sunday, the Syrian Observatory for Human Rights said.")
    assert e.certainty == "reported"


def test_a_sides_undisputed_word_is_reported_but_less_sure():
    (own,) = extract("Islamic State said in a statement on Sunday that its fighters had captured Sirte.")
    (monitor,) = extract("Islamic State fighters captured Sirte on Sunday, residents said.")
    assert own.certainty == monitor.certainty == "reported"
    assert own.actor.id == "islamic-state" and own.confidence < monitor.confidence


def test_claim_language_makes_a_claim():
    (e,) = extract("The Arakan Army claimed on Sunday to have taken Paletwa, a town in Chin State.")
    assert e.certainty == "claimed"


def test_hedged_report_is_unconfirmed():
    (e,) = extract("Rebels reportedly captured Bentiu on Sunday, though this could not be independently verified.")
    assert e.certainty == "unconfirmed"


def test_disputed_claim_is_claimed():
    (e,) = extract("The Taliban said on Sunday they had captured Kunduz. The defence ministry denied it, "
                   "insisting the city remains under government control.")
    assert e.certainty == "claimed" and e.timing == "current"


def test_denial_backed_by_witnesses_is_denied():
    (e,) = extract("The Taliban claimed on Sunday to have captured Kunduz. The defence ministry denied the claim, "
                   "insisting the city remains under government control. Residents said soldiers were still "
                   "patrolling the main streets.")
    assert e.certainty == "denied" and e.confidence <= 0.3


def test_disputed_by_fighting_going_on():
    (e,) = extract("Russia said on Saturday its forces had captured Bakhmut, but Ukraine insisted its troops were "
                   "still fighting in the city.")
    assert e.certainty == "claimed"


def test_negated_change_is_a_denial_not_a_change():
    events = extract("The town of Bakhmut has not fallen, Ukrainian commanders insisted on Sunday.")
    assert all(e.certainty == "denied" for e in events)


def test_confidence_orders_sources():
    reported = extract("Rebels captured Morek on Sunday, residents said.")[0].confidence
    own_word = extract("Rebels captured Morek on Sunday, a rebel spokesman said.")[0].confidence
    claimed = extract("Rebels claimed to have captured Morek on Sunday.")[0].confidence
    assert reported > own_word > claimed


@pytest.mark.parametrize("before, is_blocked", [
    ("with the aim of ", True), ("in a bid to ", True), ("failed to ", True), ("managed to ", False),
    ("the rebels ", False), ("could eventually ", True), ("rebels who ", False),
])
def test_blocking_words_before_a_trigger(before, is_blocked):
    assert certainty.blocked(before) is is_blocked


def test_attribution_rules():
    assert certainty.attribution("Rebels took the town, witnesses said.") == "reported"
    assert certainty.attribution("Rebels took the town, the group's media office said.") == "reported"
    assert certainty.attribution("The group claimed it took the town.") == "claimed"
    assert certainty.attribution("Rebels allegedly took the town.") == "unconfirmed"
    assert certainty.source_kind("Rebels took the town, the group's media office said.") == "party"
    assert certainty.source_kind("According to the army, troops took the town.") == "party"
    assert certainty.source_kind("Rebels took the town, the army and residents said.") == "neutral"
    assert certainty.source_kind("Rebels took the town.") == "none"
    assert certainty.dispute("Ukraine insisted its troops were still fighting in the city.")
    assert certainty.dispute("The Taliban said they had taken three checkpoints, a claim officials rejected.")
    assert not certainty.dispute("Fighting continued on the outskirts on Sunday.")
    assert certainty.confirms_holder("Residents said soldiers were still patrolling the streets.")


def test_called_a_fabrication_with_footage_is_denied():
    events = extract("Russia's general staff said on Sunday that its troops had taken Kupiansk. Ukraine's army called "
                     "the claim 'a fabrication'. Footage geolocated by independent analysts showed Ukrainian soldiers "
                     "in the centre of the town.")
    assert events and all(e.certainty == "denied" for e in events)


def test_the_losing_side_fighting_to_regain_it_is_no_denial():
    (e,) = extract("Insurgents took control of the town of Palma in northern Mozambique on Sunday, a security source "
                   "said. The government said troops were fighting to regain control.")
    assert e.location.country == "MZ" and e.timing == "current"


def test_a_stormed_police_station_is_an_attack_unless_held():
    assert extract("Gunmen stormed and seized the police station in Gwoza, killing two officers.") == []
    (e,) = extract("JNIM militants overran the gendarmerie detachment in Djibo and took control of the area on Sunday.")
    assert e.location.name == "Djibo" and e.actor.id == "jnim"


# --- attack outcomes: a stay counted in hours, defenders back the same day, a departure the text dates ----------
@pytest.mark.parametrize("text", [
    "Jihadists took over Gao for a few hours on Sunday before soldiers backed by helicopters drove them out.",
    "Militants held the town of Kidal for six hours on Sunday, then withdrew into the desert.",
    "Gunmen occupied the town of Djibo overnight, looted the pharmacy and left at dawn, residents said.",
    "Fighters seized the centre of Beledweyne on Sunday and pulled out hours later, witnesses said.",
])
def test_a_raid_that_leaves_again_is_no_change(text):
    assert [e for e in extract(text) if e.timing == "current"] == []


def test_raid_reads_what_follows_the_trigger():
    assert certainty.raid(" Gao for a few hours on Sunday before soldiers drove them out.")
    assert certainty.raid(" the town overnight and left at dawn.")
    assert not certainty.raid(" Gao on Sunday after soldiers withdrew.")
    assert not certainty.raid(" the town and left 12 people dead.")


def test_an_unnamed_village_in_a_state_or_positions_in_a_town_are_not_the_place():
    assert extract("Insurgents seized a village in Borno state on Sunday after troops abandoned it.") == []
    assert [e for e in extract("The militia handed over its positions in Kidal to the army on Sunday.")
            if e.timing == "current"] == []


def test_had_remained_in_government_hands_is_history_not_a_denial():
    assert not certainty.is_denial("The city had remained in government hands throughout the war.")
    assert certainty.is_denial("The city remains in government hands, the army said.")
    (e,) = extract("Rebels captured Hama on Sunday after troops withdrew. The city had remained in government hands "
                   "throughout the war.")
    assert (e.timing, e.certainty) == ("current", "reported")


def test_still_in_control_with_residents_is_denied():
    events = extract("The army said it was still in control of Kadugli on Sunday after rebels claimed online that "
                     "they had seized the town. Residents said soldiers were patrolling the market.")
    assert events and all(e.certainty == "denied" or e.timing == "background" for e in events)


def test_holder_saying_the_town_is_under_its_control_is_a_denial():
    assert certainty.is_denial("'Kadugli is safe and under the control of our forces,' the governor said.")
    assert not certainty.is_denial("Kadugli is now under the control of the rebels.")
    events = extract("'Kadugli is calm and under the control of the army,' the governor said on Sunday, after rebels "
                     "claimed the town had been taken. Residents said soldiers were patrolling the market.")
    assert events and all(e.certainty == "denied" for e in events if e.timing == "current")


def test_claim_answered_in_the_same_sentence_by_residents_is_denied():
    assert certainty.contrast_tail("Rebels claimed the town, but residents said troops retained control.").strip() \
        .startswith("residents")
    assert certainty.contrast_tail("Rebels claimed the town.") == ""
    events = extract("Fano fighters claimed to have captured Gondar on Sunday, but the army retained control of the "
                     "city, according to residents.")
    assert events and all(e.certainty == "denied" for e in events if e.timing == "current")


def test_if_confirmed_hedges_the_change():
    from tests.extraction import current

    e, = current("Russian forces captured Pobeda in Ukraine's Donetsk region on Sunday, which, if confirmed, would be "
                 "their first gain in weeks.")
    assert e.certainty == "unconfirmed"
