"""Event extraction: a cleaned article in, control-change events (the event contract) out.

The interface is one method; ``default_extractor()`` gives the shipped implementation.
Everything in this package is pure: no network, no database, no broker.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from monitor.records import Event, Source


class Extractor(Protocol):
    def extract(
        self, text: str, *, published: date | datetime | None, title: str = "", source: Source | None = None
    ) -> list[Event]:
        """All control-change events the text reports, current and background."""
        ...


def default_extractor() -> Extractor:
    from monitor.extract.pipeline import EventExtractor

    return EventExtractor.default()
