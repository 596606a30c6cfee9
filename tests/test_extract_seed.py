"""The seed article (Dawn, 26 April 2015) gives what design.md describes.

The article is third-party text: it is read from the shared folder beside the repo at run time and
never copied here. Without it these tests skip; tests/test_extract_roles.py covers the same paths on
sentences of our own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.extract.pipeline import EventExtractor

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "000_ba7da6c73777dcb1.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")


@pytest.fixture(scope="module")
def events():
    return EventExtractor.default().extract(SEED.read_text(encoding="utf-8"), published=date(2015, 4, 26))


def _at(events, geonameid, timing):
    return [e for e in events if e.location.geonameid == geonameid and e.timing == timing]


def test_current_capture_of_jisr_al_shughour(events):
    (e,) = _at(events, 169023, "current")
    assert e.location.name == "Jisr ash Shughur"
    assert e.location.mention == "Jisr al-Shughour"
    assert (e.location.country, e.location.admin1) == ("SY", "Idlib")
    assert e.location.lat == pytest.approx(35.81418) and e.location.lon == pytest.approx(36.31983)
    assert e.actor is not None and e.actor.id == "nusra-front" and e.actor.side == "non_state"
    assert {"Ahrar al-Sham", "Jund al-Aqsa"} <= set(e.actor.associates)
    assert e.previous is not None and e.previous.id == "syria-government" and e.previous.side == "state"
    assert (e.date, e.date_precision) == (date(2015, 4, 25), "day")
    assert e.subtype == "non_state_overtakes"
    assert e.certainty == "reported"
    assert e.confidence >= 0.8
    assert any("captured" in s and "Jisr al-Shughour" in s for s in e.evidence)
    assert not any(s.startswith("BEIRUT") for s in e.evidence)


def test_idlib_city_last_month_is_background(events):
    (e,) = [e for e in events if e.location.geonameid == 169389]
    assert e.timing == "background"
    assert (e.date, e.date_precision) == (date(2015, 3, 1), "month")
    assert e.actor is not None and e.actor.side == "non_state"
    assert e.actor.id in {"army-of-fatah", "nusra-front"}
    assert "Islamic State" not in e.actor.associates  # named as their rival, not a member


def test_2011_capture_by_government_is_background(events):
    (e,) = _at(events, 169023, "background")
    assert (e.date, e.date_precision) == (date(2011, 6, 1), "month")
    assert e.subtype == "government_regains"
    assert e.actor is not None and e.actor.id == "syria-government"


def test_nothing_else(events):
    assert len(events) == 3
    names = {e.location.name for e in events}
    assert not names & {"Beirut", "Latakia", "Aleppo"}
    assert all(e.location.admin1 == "Idlib" for e in events)  # no province event: the aim to push is no change
    assert not any(e.date and e.date.year in (1980, 2024) for e in events)


def test_source_passes_through():
    from monitor.records import Source

    src = Source(outlet="dawn.com", url="https://example.org/story", title="Seed", article_id="a1")
    events = EventExtractor.default().extract(SEED.read_text(encoding="utf-8"), published=date(2015, 4, 26),
                                              title="Seed", source=src)
    assert events and all(e.source == src for e in events)
    assert len({e.id for e in events}) == len(events)
