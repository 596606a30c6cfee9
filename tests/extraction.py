"""What the extractor's rule tests share: one publication day and the events an alert would fire on."""

from __future__ import annotations

from datetime import date

from monitor.extract.pipeline import EventExtractor

PUB = date(2024, 3, 11)  # a Monday


def events(text: str, published: date = PUB):
    return EventExtractor.default().extract(text, published=published)


def current(text: str, published: date = PUB):
    """The events that count: current and not denied."""
    return [e for e in events(text, published) if e.timing == "current" and e.certainty != "denied"]
