"""The small test province loaded once per test, its world and the report model."""

from __future__ import annotations

import pytest

from quyhoach.services.records import demo
from quyhoach.services.planning import world as world_service


@pytest.fixture
def small(session):
    assert demo.load(session, demo.SMALL).ok
    session.commit()
    return world_service.build(session)
