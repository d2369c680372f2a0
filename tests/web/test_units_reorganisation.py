"""A title merged or closed on the unit page: the preview first (who continues where, which
pools are kept and with whom), nothing written until confirmed; refusals in place."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from quyhoach.db.models import AuditEntry, Pool, PoolEntry, Posting, Term, Title
from tests.builders import make_cadre, make_title, make_unit

HX = {"HX-Request": "true"}
REASON = "Hợp nhất chức danh sau sắp xếp"


def _commune(session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC")
    commune = make_unit(session, "Xã Bản Bo", code="BB", level="commune", parent=province, kind="locality")
    chair = make_title(session, commune, "Chủ tịch UBND xã", code="BB-CT", rank=300)
    deputy = make_title(session, commune, "Phó Chủ tịch UBND xã", code="BB-PCT", rank=250)
    spare = make_title(session, commune, "Phó Chủ tịch thứ hai", code="BB-PCT2", rank=240)
    holder = make_cadre(session, "Lò Thị Hoa", code="CB-HOA", unit=commune, title=spare, since=dt.date(2021, 6, 1))
    young = make_cadre(session, "Vàng Văn Dũng", code="CB-DUNG", unit=commune)
    term = Term(code="T-2026", kind="party", name="Nhiệm kỳ 2026-2031", start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2030, 12, 31))
    session.add(term)
    session.flush()
    pool = Pool(title_id=spare.id, term_id=term.id)
    session.add(pool)
    session.flush()
    session.add(PoolEntry(pool_id=pool.id, cadre_id=young.id, added_on=dt.date(2025, 1, 1), added_reason="Quy hoạch"))
    session.commit()
    return {"chair": chair, "deputy": deputy, "spare": spare, "holder": holder}


def test_a_title_merger_is_previewed_then_confirmed(client, session, engine):
    ids = _commune(session)
    form = {"mau": "title-merge", "chuc_danh": "BB-PCT2", "into": "BB-PCT", "on": "01/07/2025",
            "decision_no": "4-QĐ/UBND", "ly_do": REASON}
    shown = client.post("/to-chuc/BB/sua", data=form, headers=HX)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Xem trước: chưa có gì được ghi" in html
    assert "Lò Thị Hoa (CB-HOA)" in html and "Phó Chủ tịch UBND xã" in html
    # the pool of the title that closes is kept, its member named
    assert "giữ nguyên làm hồ sơ" in html and "Vàng Văn Dũng" in html
    with Session(engine) as check:
        assert check.get(Title, ids["spare"].id).active is True
        assert check.exec(select(AuditEntry).where(AuditEntry.action == "title.merge")).first() is None
    done = client.post("/to-chuc/BB/sua", data={**form, "xac_nhan": "1"}, headers=HX)
    assert done.status_code == 204
    with Session(engine) as check:
        assert check.get(Title, ids["spare"].id).active is False
        held = check.exec(select(Posting).where(Posting.cadre_id == ids["holder"].id, Posting.end_date.is_(None))).one()
        assert (held.title_id, held.start_date, held.decision_no) == (ids["deputy"].id, dt.date(2025, 7, 1), "4-QĐ/UBND")
        assert len(check.exec(select(PoolEntry)).all()) == 1   # the pool kept as it was


def test_a_closing_refused_while_someone_holds_the_title_says_what_to_do(client, session):
    _commune(session)
    refused = client.post("/to-chuc/BB/sua", data={"mau": "title-close", "chuc_danh": "BB-PCT2",
                                                   "decision_no": "5-QĐ", "ly_do": "Thôi bố trí chức danh"}, headers=HX)
    assert refused.status_code == 422 and "còn người đảm nhiệm" in refused.get_data(as_text=True)
    preview = client.post("/to-chuc/BB/sua", data={"mau": "title-close", "chuc_danh": "BB-CT", "decision_no": "5-QĐ",
                                                   "ly_do": "Thôi bố trí chức danh"}, headers=HX)
    assert preview.status_code == 200 and "«Chủ tịch UBND xã» thôi hoạt động." in preview.get_data(as_text=True)
