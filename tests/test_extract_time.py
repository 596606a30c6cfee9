"""Time: event dates against the publication date, their precision, and current vs background."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from monitor.extract import dates
from monitor.extract.pipeline import EventExtractor

PUB = date(2015, 4, 26)  # a Sunday


@pytest.mark.parametrize("phrase, expected, precision", [
    ("on Saturday", date(2015, 4, 25), "day"),
    ("late on Friday", date(2015, 4, 24), "day"),
    ("on Sunday", date(2015, 4, 26), "day"),
    ("last Sunday", date(2015, 4, 19), "day"),
    ("yesterday", date(2015, 4, 25), "day"),
    ("three days ago", date(2015, 4, 23), "day"),
    ("last month", date(2015, 3, 1), "month"),
    ("in June 2011", date(2011, 6, 1), "month"),
    ("in January", date(2015, 1, 1), "month"),
    ("in December", date(2014, 12, 1), "month"),
    ("On 7 May 2020", date(2020, 5, 7), "day"),
    ("on April 20", date(2015, 4, 20), "day"),
    ("on 2 May", date(2014, 5, 2), "day"),
    ("in 1980", date(1980, 1, 1), "year"),
    ("last year", date(2014, 1, 1), "year"),
    ("two years ago", date(2013, 1, 1), "year"),
])
def test_expressions(phrase, expected, precision):
    (found,) = dates.find_dates(f"Rebels took the town {phrase}.", PUB)
    assert (found.date, found.precision) == (expected, precision)


def test_may_the_verb_is_not_a_month():
    assert dates.find_dates("The rebels may take the town.", PUB) == []


def test_timing_rule():
    assert dates.timing(date(2015, 4, 25), "day", PUB) == "current"
    assert dates.timing(date(2015, 3, 28), "day", PUB) == "background"
    assert dates.timing(date(2015, 4, 19), "day", PUB) == "background"  # a week before: recalled
    assert dates.timing(date(2015, 3, 1), "month", PUB) == "background"
    assert dates.timing(date(2015, 4, 1), "month", PUB) == "current"
    assert dates.timing(date(2011, 1, 1), "year", PUB) == "background"
    assert dates.timing(None, "day", PUB) == "current"


def test_publication_date_forms():
    assert dates.as_date(datetime(2015, 4, 26, 8, 30)) == PUB
    assert dates.as_date("2015-04-26T08:30:00Z") == PUB
    assert dates.as_date(None) is None


def extract(text, published=PUB):
    return EventExtractor.default().extract(text, published=published)


def test_recalled_capture_is_background_never_current():
    events = extract("Government forces first captured Maaloula from rebels in 2013, a senior officer recalled "
                     "during a visit to the town on Saturday.")
    assert events and all(e.timing == "background" for e in events)
    assert events[0].date == date(2013, 1, 1) and events[0].date_precision == "year"


def test_old_and_new_change_in_one_sentence_get_their_own_dates():
    events = extract("Iraqi troops on Saturday retook Tikrit, which Islamic State fighters seized in June 2014.")
    by_timing = {e.timing: e for e in events}
    assert by_timing["current"].actor.id == "iraq-government" and by_timing["current"].date == date(2015, 4, 25)
    assert by_timing["background"].actor.id == "islamic-state"
    assert (by_timing["background"].date, by_timing["background"].date_precision) == (date(2014, 6, 1), "month")


def test_history_cue_without_a_date_is_background():
    events = extract("The town had been held by the rebels since 2012, when they first captured Qusayr.")
    assert all(e.timing == "background" for e in events)


def test_undated_capture_is_dated_at_publication_and_current():
    (e,) = extract("Rebels captured the town of Morek, opposition activists said.")
    assert (e.timing, e.date) == ("current", PUB)


def test_no_publication_date_still_dates_absolute_expressions():
    (e,) = extract("Rebels captured Morek in June 2011.", published=None)
    assert (e.date, e.date_precision) == (date(2011, 6, 1), "month")


@pytest.mark.parametrize("text", [
    "The capture of Mosul by Islamic State in June 2014 shocked the world.",
    "Since seizing Kabul in August 2021, the Taliban have consolidated their rule.",
    "The rebels, who captured Goma in 2012, withdrew after international pressure.",
    "The offensive comes less than a month after the provincial capital, Idlib, fell to the opposition.",
    "Since the Houthis seized Sanaa, the city's economy has collapsed.",
    "The group took Kobani in a 2014 offensive.",
    "Ten years ago this week, Islamic State fighters swept into Mosul and the army collapsed.",
])
def test_recalled_changes_are_background(text):
    events = extract(text, published=date(2024, 3, 11))
    assert events and all(e.timing == "background" for e in events)


def test_when_clauses_take_the_date_they_hang_on():
    (e,) = extract("The offensive is the largest since 2019, when rebels captured Morek.", published=date(2024, 3, 11))
    assert (e.timing, e.date) == ("background", date(2019, 1, 1))
    (e,) = extract("The rebels, who had taken Morek days earlier, withdrew on Sunday.", published=date(2024, 3, 11))
    assert e.timing == "background"


@pytest.mark.parametrize("text", [
    "Islamic State captured Palmyra early in the war.",
    "The group's 2014 capture of Mosul shocked the region.",
    "Rebels seized Raqqa in the spring of 2013.",
    "At the height of its power the group overran Ramadi.",
    "Many residents remember the day Islamic State overran Sinjar.",
    "Aleppo, which government forces retook in December 2016 after a long siege, hosted a trade fair on Sunday.",
])
def test_history_phrases(text):
    events = extract(text, published=date(2024, 3, 11))
    assert events and all(e.timing == "background" for e in events)


# --- clause-level history: fronted clauses, the day of the saying, pluperfect, an old story day -----------------
@pytest.mark.parametrize("text", [
    # a fronted clause keeps its own (missing) date: the main clause's day is not the change's
    "Four years after rebels seized Morek, its market reopened on Sunday, a resident said.",
    "A year after troops liberated Tikrit, a memorial was unveiled there on Saturday, officials said.",
    "On the third anniversary of the fall of Qusayr, families gathered at the cemetery on Saturday.",
    "When the militants overran Ramadi, the governor escaped to Baghdad, his aide said on Saturday.",
    "Before the rebels captured Saraqib, the town had 30,000 people, the council said on Saturday.",
    # a history cue beats the day of the saying
    "Once an army garrison town, Hpakant was overrun by rebels after weeks of fighting, villagers told reporters on Friday.",
])
def test_a_fronted_or_cued_history_clause_is_not_dated_by_the_main_clause(text):
    events = extract(text)
    assert events and all(e.timing == "background" for e in events), [(e.location.name, e.date) for e in events]


def test_pluperfect_outside_reported_speech_is_history_but_inside_it_is_news():
    events = extract("Islamic State had overrun Hit before the army regrouped, and the town is still in ruins, "
                     "residents said on Saturday.")
    assert events and all(e.timing == "background" for e in events)
    (e,) = extract("The militants said on Saturday they had captured the town of Hit.")
    assert (e.timing, e.date) == ("current", date(2015, 4, 25))


def test_undated_change_in_a_story_whose_own_day_is_weeks_back_is_history():
    events = extract("Having seized Sirte in a surprise push, the rebels are massing near Misrata. "
                     "The coastal city changed hands on April 2 when a local unit switched sides.")
    assert events and all(e.timing == "background" for e in events)
    (e,) = extract("Having seized Sirte in a surprise push, the rebels are massing near Misrata. "
                   "The coastal city changed hands on Friday when a local unit switched sides.")
    assert e.timing == "current"


def test_a_dated_fronted_clause_keeps_its_own_recent_date():
    (e,) = extract("After rebels captured Morek on Friday, the army sent reinforcements north, officials said.")
    assert (e.timing, e.date) == ("current", date(2015, 4, 24))


def test_plural_possessive_attributive_year_dates_the_nominal():
    events = extract("The militants' 2016 seizure of Sirte is still felt in the port, traders said on Saturday.")
    assert events and all(e.timing == "background" and e.date == date(2016, 1, 1) for e in events)


def test_backshifted_pluperfect_before_a_trailing_said_is_news():
    (e,) = extract("Rebels had seized the town of Morek, residents said on Saturday.")
    assert (e.timing, e.date) == ("current", date(2015, 4, 25))
    events = extract("The rebels had seized Morek long before the truce, and the town is still theirs.")
    assert events and all(ev.timing == "background" for ev in events)


# --- counts of days from another date of the story ------------------------------------------------------------
MONDAY = date(2024, 3, 11)


def _dated(text: str, published: date = MONDAY) -> dict[str, tuple[date, str]]:
    return {e.location.name: (e.date, e.timing) for e in EventExtractor.default().extract(text, published=published)}


@pytest.mark.parametrize("phrase, anchor, shift", [
    ("a day after they took the town", "clause", -1),
    ("two days after rebels entered it", "clause", -2),
    ("the day before the army left", "clause", 1),
    ("a day earlier.", "story", -1),
    ("the day before, residents said", "story", -1),
    ("the previous day", "story", -1),
    ("the next day", "story", 1),
    ("a week later", "story", 7),
])
def test_day_counts_are_anchored(phrase, anchor, shift):
    found = dates.find_dates(phrase, MONDAY)
    assert [(e.anchor, e.shift) for e in found] == [(anchor, shift)]


def test_a_day_after_a_clause_counts_back_from_the_main_clause():
    got = _dated("Tuareg rebels entered Menaka on Saturday after the soldiers withdrew, a day after they seized "
                 "Anefis, residents said.")
    assert got == {"Menaka": (date(2024, 3, 9), "current"), "Anefis": (date(2024, 3, 8), "current")}


def test_two_days_after_is_still_news():
    got = _dated("Rebel fighters said on Sunday they had taken control of Kafr Nabl, two days after they "
                 "captured Saraqeb.")
    assert got == {"Kafranbel": (date(2024, 3, 10), "current"), "Saraqib": (date(2024, 3, 8), "current")}


def test_a_day_earlier_counts_from_the_story_not_the_publication():
    got = _dated("Government troops retook Tarhuna on Saturday, the ministry said on Monday.\n\n"
                 "The rebels had abandoned Gharyan a day earlier and Government forces entered the town "
                 "without a fight, officials said.")
    assert got["Tarhuna"] == (date(2024, 3, 9), "current")
    assert got["Gharyan"] == (date(2024, 3, 8), "current")


def test_the_next_day():
    got = [(e.actor.id if e.actor else None, e.date) for e in EventExtractor.default().extract(
        "Rebels seized Kidal on Saturday. The army retook it the next day, officials said.", published=MONDAY)]
    assert sorted(got, key=lambda x: x[1]) == [("unknown:malian-rebels", date(2024, 3, 9)),
                                               ("mali-government", date(2024, 3, 10))]


def test_a_count_never_dates_the_main_clause():
    got = _dated("The army said it had retaken Kafr Nabl, a day after rebels claimed they had seized Ariha.")
    assert got["Kafranbel"][0] == MONDAY  # undated: the publication day, not the day before


def test_years_later_counts_from_the_story_and_is_history():
    got = _dated("Islamic State seized Mosul in June 2014. Iraqi forces retook it three years later after a long "
                 "battle.")
    assert got == {"Mosul": (date(2017, 1, 1), "background")}  # both events at Mosul are history
    events = EventExtractor.default().extract(
        "The militants took Palma in March 2021. Rwandan troops recaptured it a few months later.", published=MONDAY)
    assert [e for e in events if e.timing == "current"] == []


def test_a_state_is_dated_by_the_change_told_beside_it():
    got = _dated("Goma is now controlled by the M23, which seized it in January, officials said.")
    assert got == {"Goma": (date(2024, 1, 1), "background")}
    got = _dated("Mariupol is now controlled by Russian forces after it fell in May 2022.")
    assert got["Mariupol"] == (date(2022, 5, 1), "background")


def test_vague_day_counts_stay_recalled():
    (e,) = dates.find_dates("days earlier", MONDAY)
    assert e.recalled and e.anchor is None


def test_on_the_same_day_is_the_day_last_named():
    from tests.extraction import current  # published on Monday 2024-03-11

    found = current("Rebels overran Kidal on Saturday, officials said.\n\nOn the same day they also took Aguelhok "
                    "and Tessalit, bringing to five the army camps they have seized since Thursday.")
    assert {e.location.name: e.date for e in found} == {
        "Kidal": date(2024, 3, 9), "Aguelhok": date(2024, 3, 9), "Tessalit": date(2024, 3, 9)}
