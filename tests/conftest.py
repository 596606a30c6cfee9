"""Shared test fixtures: where ../shared is, the seed article, and a real embedded broker."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "fixtures" / "000_ba7da6c73777dcb1.txt"


def shared_file(*parts: str) -> Path:
    """A file of the workplace's ../shared folder; the calling test skips (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (it ships beside the repo in CI, not in a plain clone)")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return shared_file("fixtures", SEED.name).read_text(encoding="utf-8")


@pytest.fixture()
def broker():
    """A real Kafka-protocol broker (Tansu, memory-only) on a free loopback port."""
    from monitor.broker import EmbeddedBroker

    with EmbeddedBroker() as running:
        yield running
