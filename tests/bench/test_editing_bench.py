"""Editing benchmark (issue 11): a form save on the dossier of the demo province — the form
read by the import's readers and checked by its loader, the cadre written, the audit entry
appended to the hash chain, the data stamp moved — and then the re-judging it causes.

Goal: a form save in ≤ 150 ms p95. Figures in docs/benchmarks.md ("Editing").
"""

from __future__ import annotations

import datetime as dt
import itertools

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach import create_app
from quyhoach.db.models import Cadre, Evaluation
from tests.bench.conftest import signed_in_client


def _p95(benchmark) -> float:
    data = sorted(benchmark.stats.stats.data)
    return data[min(len(data) - 1, int(round(0.95 * (len(data) - 1))))]


def _setup(demo_engine, tmp_path):
    app = create_app({"DATABASE_URL": str(demo_engine.url), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "b",
                      "WTF_CSRF_ENABLED": False})
    client = signed_in_client(app, demo_engine)
    with Session(demo_engine) as session:
        # the cadre with the longest evaluation history, as the dossier benchmark takes
        cadre = session.exec(
            select(Cadre).join(Evaluation).group_by(Cadre.id)
            .order_by(sa.func.count().desc(), Cadre.code).limit(1)
        ).one()
        form = {"mau": "cadre", "full_name": cadre.full_name, "sex": cadre.sex, "ethnicity": cadre.ethnicity_code,
                "theory_level": cadre.theory_level, "state_mgmt_level": cadre.state_mgmt_level,
                "birthplace": cadre.birthplace or "", "hometown": cadre.hometown or "",
                "education": cadre.education or "", "ly_do": "Đối chiếu bản gốc hồ sơ"}
        birth = cadre.birth_date
    # each save changes the birth date by a day, back and forth: always a real change, from the
    # version the form would be opened on (a save from a stale version is refused)
    days = itertools.cycle([birth + dt.timedelta(days=1), birth])

    def versioned(day: dt.date) -> dict:
        with Session(demo_engine) as session:
            version = session.exec(select(Cadre.updated_at).where(Cadre.id == cadre.id)).one().isoformat()
        return {"birth_date": day.strftime("%d/%m/%Y"), "phien_ban": version}

    return client, cadre.code, form, map(versioned, days)


def test_form_save(benchmark, demo_engine, tmp_path):
    """POST the cadre form: validate (the import's readers and checks), write, audit, stamp."""
    client, code, form, days = _setup(demo_engine, tmp_path)
    client.get(f"/can-bo/{code}")

    def save():
        return client.post(f"/can-bo/{code}/sua", headers={"HX-Request": "true"},
                           data={**form, **next(days)})

    response = benchmark.pedantic(save, rounds=40, iterations=1, warmup_rounds=2)
    assert response.status_code == 204
    benchmark.extra_info["p95_ms"] = round(_p95(benchmark) * 1000, 1)


def test_form_save_and_rejudge(benchmark, demo_engine, tmp_path):
    """The save, then the cadre's planning findings drawn again (the dossier's eligibility
    section): the data stamp moved, and the planning world is brought up to date from the
    change log (the cadre, their relatives and their pools read and judged again)."""
    client, code, form, days = _setup(demo_engine, tmp_path)
    client.get(f"/quy-hoach/can-bo/{code}", headers={"HX-Request": "true"})

    def save_and_judge():
        saved = client.post(f"/can-bo/{code}/sua", headers={"HX-Request": "true"},
                            data={**form, "birth_date": next(days).strftime("%d/%m/%Y")})
        judged = client.get(f"/quy-hoach/can-bo/{code}", headers={"HX-Request": "true"})
        return saved, judged

    saved, judged = benchmark.pedantic(save_and_judge, rounds=15, iterations=1, warmup_rounds=1)
    assert saved.status_code == 204 and judged.status_code == 200
    benchmark.extra_info["p95_ms"] = round(_p95(benchmark) * 1000, 1)


def test_form_save_and_rejudge_rebuilding_the_world(benchmark, demo_engine, tmp_path, monkeypatch):
    """The same, with the change log ignored: every write rebuilds the planning world whole,
    as before issue 15 — the figure the incremental patch is compared with."""
    from quyhoach.services.planning import world

    monkeypatch.setattr(world, "patch", lambda *_args, **_kw: None)
    client, code, form, days = _setup(demo_engine, tmp_path)
    client.get(f"/quy-hoach/can-bo/{code}", headers={"HX-Request": "true"})

    def save_and_judge():
        saved = client.post(f"/can-bo/{code}/sua", headers={"HX-Request": "true"},
                            data={**form, **next(days)})
        judged = client.get(f"/quy-hoach/can-bo/{code}", headers={"HX-Request": "true"})
        return saved, judged

    saved, judged = benchmark.pedantic(save_and_judge, rounds=15, iterations=1, warmup_rounds=1)
    assert saved.status_code == 204 and judged.status_code == 200
    benchmark.extra_info["p95_ms"] = round(_p95(benchmark) * 1000, 1)
