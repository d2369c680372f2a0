"""Readers never wait for a patch (issue 14, pages after a write): while one request of a
process brings the planning world up to date, the others keep reading the last complete world
(whole, as built at its stamp), unless it was known current longer ago than `MAX_STALE`; the
request that wrote brings the world up to date before it answers, so its next page shows the
write without patching."""

from __future__ import annotations

import datetime as dt
import shutil
import threading

import pytest
from sqlmodel import Session, select

from quyhoach.db.engine import make_engine
from quyhoach.db.models import Cadre
from quyhoach.services.planning import world as world_service
from quyhoach.services.records import editing
from tests.services.test_incremental import REASON, _birth_date, _cadre_form, _same_world, make_small_db

ON = dt.date(2026, 1, 15)
_BUILD = world_service.build
_PATCH = world_service.patch


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    return make_small_db(tmp_path_factory.mktemp("snapshot") / "small.db")


@pytest.fixture
def engine(small_db, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(small_db, copy)
    engine = make_engine(f"sqlite:///{copy}")
    world_service.clear_cache()
    yield engine
    world_service.clear_cache()
    engine.dispose()


def _held_patch(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """`world.patch` made to stop half-way until released: (started, release)."""
    started, release = threading.Event(), threading.Event()

    def held(session, world, change):
        started.set()
        assert release.wait(60)
        return _PATCH(session, world, change)

    monkeypatch.setattr(world_service, "patch", held)
    return started, release


def _in_thread(engine, results: dict, name: str, **kwargs) -> threading.Thread:
    def run():
        with Session(engine) as session:
            results[name] = world_service.cached(session, ON, **kwargs)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _write_birth_date(engine) -> tuple[int, dt.date]:
    with Session(engine, expire_on_commit=False) as session:
        cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
        _birth_date(session, cadre, 0)
        session.commit()
        return cadre.id, cadre.birth_date


def test_a_reader_during_a_patch_gets_the_last_complete_world(engine, monkeypatch):
    monkeypatch.setattr(world_service, "MAX_STALE", 3600.0)   # however slow the machine: within it
    with Session(engine) as session:
        before = world_service.cached(session, ON)
        built_before = _BUILD(session, ON)
    cadre_id, born = _write_birth_date(engine)
    started, release = _held_patch(monkeypatch)
    results: dict = {}
    writer = _in_thread(engine, results, "writer", wait=True)
    try:
        assert started.wait(60)
        # the patch is under way: a reader is not held up, and reads the world of before, whole
        with Session(engine) as session:
            read = world_service.cached(session, ON)
        assert read is before
        _same_world(read, built_before)
        assert read.cadres[cadre_id].birth_date != born
    finally:
        release.set()
        writer.join(60)
    # the patch done: every reader has the write
    with Session(engine) as session:
        after = world_service.cached(session, ON)
        assert after is results["writer"]
        assert after.cadres[cadre_id].birth_date == born
        _same_world(after, _BUILD(session, ON))


def test_a_reader_whose_world_is_older_than_max_stale_waits_for_the_patch(engine, monkeypatch):
    with Session(engine) as session:
        world_service.cached(session, ON)
    monkeypatch.setattr(world_service, "MAX_STALE", 0.0)   # the world known current too long ago
    cadre_id, born = _write_birth_date(engine)
    started, release = _held_patch(monkeypatch)
    results: dict = {}
    writer = _in_thread(engine, results, "writer", wait=True)
    assert started.wait(60)
    reader = _in_thread(engine, results, "reader")
    release.set()
    writer.join(60)
    reader.join(60)
    # the reader waited and got the world with the write, not the one from before it
    assert results["reader"] is results["writer"]
    assert results["reader"].cadres[cadre_id].birth_date == born


def test_the_writers_next_page_shows_the_write_without_patching(engine, small_db, tmp_path, monkeypatch):
    from quyhoach import create_app

    url = str(engine.url)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "app"), "SECRET_KEY": "w",
                      "LOGIN_DISABLED": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assert client.get("/quy-hoach/").status_code == 200      # the process holds today's world
    with Session(engine) as session:
        cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
        code, born = cadre.code, cadre.birth_date - dt.timedelta(days=400)
        form = _cadre_form(cadre, birth_date=born.strftime("%d/%m/%Y"), ly_do=REASON,
                           phien_ban=editing.version_of(cadre))
    response = client.post(f"/can-bo/{code}/sua", data={"mau": "cadre", **form}, headers={"HX-Request": "true"})
    assert response.status_code == 204

    def refused(*_args, **_kwargs):
        raise AssertionError("the next page patched or rebuilt: the write request had not")

    monkeypatch.setattr(world_service, "patch", refused)
    monkeypatch.setattr(world_service, "build", refused)
    assert client.get("/quy-hoach/").status_code == 200
    with app.app_context(), Session(app.extensions["quyhoach.engine"]) as session:
        cadre_id = session.exec(select(Cadre.id).where(Cadre.code == code)).one()
        assert world_service.cached(session).cadres[cadre_id].birth_date == born


def test_a_figure_failing_after_a_write_leaves_the_write_and_the_world_alone(engine, monkeypatch):
    """The write is committed before `after_write`: a figure that cannot be worked out then is
    left to its first reader; the world is brought up to date all the same."""
    with Session(engine) as session:
        world_service.cached(session)
    cadre_id, born = _write_birth_date(engine)

    def broken(_session, _world):
        raise RuntimeError("a figure that fails")

    monkeypatch.setattr(world_service, "AFTER_WRITE", [broken])
    with Session(engine) as session:
        world = world_service.after_write(session)
    assert world is not None and world.cadres[cadre_id].birth_date == born


def test_a_world_replaced_by_a_patch_is_freed_though_frozen(engine):
    """The process freezes what it holds after swapping a world in (no full garbage collection
    walks it again); a world replaced by a patch, with the figures kept in its memo, is freed all
    the same as soon as no request holds it: nothing of it waits for a collection."""
    import gc
    import weakref

    from quyhoach.services.planning import forecast, review_views, verdicts

    with Session(engine, expire_on_commit=False) as session:
        world = world_service.cached(session, ON)
        forecast.vacancy_forecast(session, world)
        review_views.review_worklist(session, world)
        verdicts.judgements(session, world)
        old = weakref.ref(world)
        del world
        assert gc.get_freeze_count() > 0
        _birth_date(session, session.exec(select(Cadre).order_by(Cadre.id)).first(), 1)
        session.commit()
        new = world_service.cached(session, ON)
        assert new is not old() and old() is None
