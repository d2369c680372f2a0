"""`QUYHOACH_WARM=1` (make serve-prod): a web process works out the planning figures in the app
factory, so its first page builds nothing; a process that cannot warm still starts."""

from __future__ import annotations

import logging

from quyhoach import create_app
from quyhoach.services.planning import world as world_service
from quyhoach.services.records import demo


def _app(database_url, tmp_path, **more):
    return create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test",
                       "LOGIN_DISABLED": True, "WARM": 1, **more})


def test_a_warmed_process_serves_its_first_pages_without_building(engine, session, database_url, tmp_path,
                                                                   monkeypatch):
    assert demo.load(session, demo.SMALL).ok
    session.commit()
    world_service.clear_cache()
    app = _app(database_url, tmp_path)
    builds: list[int] = []
    real = world_service.build
    monkeypatch.setattr(world_service, "build", lambda *a, **k: builds.append(1) or real(*a, **k))
    client = app.test_client()
    for path in ("/", "/quy-hoach/", "/quy-hoach/du-bao", "/quy-hoach/ra-soat", "/danh-gia/"):
        assert client.get(path).status_code == 200
    assert builds == []
    world = next(iter(world_service._cache.values())).world
    assert ("stored-verdicts",) in world.memo


def test_a_process_that_cannot_warm_still_starts_and_says_why(tmp_path, caplog):
    world_service.clear_cache()
    empty = f"sqlite:///{tmp_path / 'not-migrated.db'}"     # no tables yet: `db upgrade` not run
    with caplog.at_level(logging.ERROR, logger="quyhoach.web.warm"):
        app = _app(empty, tmp_path)
    assert app is not None and "warming the planning figures failed" in caplog.text
    world_service.clear_cache()
