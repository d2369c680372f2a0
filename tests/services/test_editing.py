"""Records edited in the app (services/records/editing.py): the import's validation, a reason
for every change, the audit field by field, withdrawn records kept but out of the facts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from quyhoach.db.models import AuditEntry, Cadre, Evaluation, Posting, Title, Unit
from quyhoach.services.planning import world as world_service
from quyhoach.services.platform import audit, stamp
from quyhoach.services.records import editing
from tests.builders import make_cadre, make_discipline, make_evaluation, make_title, make_unit

REASON = "Đối chiếu bản gốc hồ sơ"
ON = dt.date(2026, 1, 15)


@pytest.fixture
def hoa(session):
    province = make_unit(session, "Tỉnh ủy Lai Châu", code="LC")
    commune = make_unit(session, "Xã Bản Bo", code="BB", level="commune", parent=province, kind="locality",
                        is_locality=True)
    other = make_unit(session, "Xã Nậm Tăm", code="NT", level="commune", parent=province, kind="locality",
                      is_locality=True)
    chair = make_title(session, commune, "Chủ tịch UBND xã Bản Bo", code="BB-CT", rank=300)
    deputy = make_title(session, other, "Phó Chủ tịch UBND xã Nậm Tăm", code="NT-PCT", rank=250)
    cadre = make_cadre(session, "Lò Thị Hoa", code="CB-HOA", sex="F", ethnicity="03",
                       birth_date=dt.date(1982, 9, 2), unit=commune, title=chair, since=dt.date(2021, 6, 1),
                       birthplace="xã Bản Bo", hometown="xã Bản Bo, tỉnh Lai Châu",
                       party_entry_date=dt.date(2005, 5, 12), education="Đại học Luật", theory_level="advanced")
    session.commit()
    return {"cadre": cadre, "commune": commune, "other": other, "chair": chair, "deputy": deputy,
            "province": province}


def _form(cadre, **change):
    """The cadre form as the dossier fills it: every field with its current value."""
    form = {"full_name": cadre.full_name, "other_names": cadre.other_names or "",
            "birth_date": cadre.birth_date.strftime("%d/%m/%Y"), "sex": cadre.sex, "ethnicity": cadre.ethnicity_code,
            "religion": cadre.religion or "", "hometown": cadre.hometown or "", "hometown_unit_code": "",
            "birthplace": cadre.birthplace or "",
            "party_entry_date": cadre.party_entry_date.strftime("%d/%m/%Y") if cadre.party_entry_date else "",
            "party_official_date": "", "education": cadre.education or "", "theory_level": cadre.theory_level,
            "state_mgmt_level": cadre.state_mgmt_level, "foreign_language": "", "it_level": "", "note": ""}
    form.update(change)
    return form


def _last(session) -> AuditEntry:
    return session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()


def test_correcting_a_birth_date_changes_that_field_only_and_audits_it(session, hoa):
    cadre = hoa["cadre"]
    before_stamp = stamp.current(session)
    token = audit.set_actor("bantochuc")
    try:
        changed = editing.update_cadre(session, "CB-HOA", _form(cadre, birth_date="02/09/1983"), reason=REASON)
    finally:
        audit._actor.reset(token)
    session.commit()
    assert changed == {"birth_date": dt.date(1983, 9, 2)}
    session.refresh(cadre)
    # the fields the form did not change are as they were (the re-import emptied them)
    assert (cadre.birthplace, cadre.hometown, cadre.party_entry_date, cadre.education, cadre.theory_level) == (
        "xã Bản Bo", "xã Bản Bo, tỉnh Lai Châu", dt.date(2005, 5, 12), "Đại học Luật", "advanced")
    entry = _last(session)
    assert (entry.action, entry.entity, entry.actor, entry.reason) == ("cadre.update", "cadre:CB-HOA", "bantochuc",
                                                                       REASON)
    assert entry.before == {"birth_date": "1982-09-02"} and entry.after == {"birth_date": "1983-09-02"}
    assert stamp.current(session) != before_stamp


def test_the_form_is_checked_as_the_import_checks_a_file(session, hoa):
    cadre = hoa["cadre"]
    with pytest.raises(editing.EditError) as bad_date:
        editing.update_cadre(session, "CB-HOA", _form(cadre, birth_date="31/02/1983"), reason=REASON)
    assert "birth_date" in bad_date.value.fields
    # the importer's cross-field rule: a cadre is 16 to 90 years old
    with pytest.raises(editing.EditError) as too_young:
        editing.update_cadre(session, "CB-HOA", _form(cadre, birth_date="01/01/2020"), reason=REASON)
    assert "tuổi phải từ 16 đến 90" in too_young.value.fields["birth_date"]
    with pytest.raises(editing.EditError) as bad_ethnicity:
        editing.update_cadre(session, "CB-HOA", _form(cadre, ethnicity="Không rõ"), reason=REASON)
    assert "54 dân tộc" in bad_ethnicity.value.fields["ethnicity"]


def test_every_change_needs_a_reason_and_a_change(session, hoa):
    cadre = hoa["cadre"]
    with pytest.raises(editing.EditError, match="lý do"):
        editing.update_cadre(session, "CB-HOA", _form(cadre, birth_date="02/09/1983"), reason="sửa")  # 3 chars < 5
    with pytest.raises(editing.EditError, match="không có trường nào thay đổi"):
        editing.update_cadre(session, "CB-HOA", _form(cadre), reason=REASON)


def test_a_wrong_evaluation_is_withdrawn_kept_and_left_out_of_the_facts(session, hoa):
    cadre = hoa["cadre"]
    wrong = make_evaluation(session, cadre, 2024, rating="fail")
    session.commit()
    assert [r.rating for r in world_service.build(session, ON).cadres[cadre.id].ratings] == ["fail"]
    editing.withdraw(session, "evaluations", "CB-HOA", wrong.id, reason="Nhập nhầm của cán bộ khác")
    session.commit()
    kept = session.get(Evaluation, wrong.id)
    assert kept is not None and kept.withdrawn_reason == "Nhập nhầm của cán bộ khác"
    assert world_service.build(session, ON).cadres[cadre.id].ratings == ()
    assert _last(session).action == "evaluation.withdraw"
    with pytest.raises(editing.EditError, match="đã được rút"):
        editing.withdraw(session, "evaluations", "CB-HOA", wrong.id, reason="Nhập nhầm lần nữa")
    # the right rating for the same year restores the row (one per period) with the new values
    restored = editing.add_record(session, "evaluations", "CB-HOA",
                                  {"period": "Năm", "year": "2024", "rating": "HTTNV"}, reason=REASON)
    session.commit()
    assert restored.id == wrong.id and restored.rating == "good" and restored.withdrawn_at is None
    assert _last(session).action == "evaluation.restore"


def test_evaluations_are_one_per_period_and_checked_like_the_import(session, hoa):
    make_evaluation(session, hoa["cadre"], 2024, rating="good")
    session.commit()
    with pytest.raises(editing.EditError, match="đã có bản ghi"):
        editing.add_record(session, "evaluations", "CB-HOA", {"period": "year", "year": "2024", "rating": "excellent"},
                           reason=REASON)
    with pytest.raises(editing.EditError) as quarter:
        editing.add_record(session, "evaluations", "CB-HOA", {"period": "quarter", "year": "2025", "period_no": "5",
                                                              "score": "80"}, reason=REASON)
    assert "quý từ 1 đến 4" in quarter.value.fields["period_no"]
    month = editing.add_record(session, "evaluations", "CB-HOA", {"period": "Tháng", "year": "2025", "period_no": "3",
                                                                  "score": "82,5"}, reason=REASON)
    assert (month.period, month.period_no, month.score, month.unit_id) == ("month", 3, 82.5, hoa["commune"].id)


def test_a_discipline_needs_its_decision_and_enters_the_facts(session, hoa):
    form = {"level": "Khiển trách", "decision_date": "20/06/2025", "effective_to": "20/06/2026",
            "authority": "Ủy ban Kiểm tra Tỉnh ủy"}
    with pytest.raises(editing.EditError) as missing:
        editing.add_record(session, "disciplines", "CB-HOA", form, reason="Quyết định kỷ luật")
    assert "decision_no" in missing.value.fields
    with pytest.raises(editing.EditError) as backwards:
        editing.add_record(session, "disciplines", "CB-HOA", {**form, "decision_no": "12-QĐ/UBKTTU",
                                                              "effective_to": "01/06/2025"}, reason="Quyết định")
    assert "effective_to" in backwards.value.fields
    editing.add_record(session, "disciplines", "CB-HOA", {**form, "decision_no": "12-QĐ/UBKTTU"},
                       reason="Quyết định kỷ luật")
    session.commit()
    facts = world_service.build(session, ON).cadres[hoa["cadre"].id]
    assert [(d.level, d.decision_date) for d in facts.disciplines] == [("reprimand", dt.date(2025, 6, 20))]


def test_a_discipline_corrected_field_by_field(session, hoa):
    wrong = make_discipline(session, hoa["cadre"], decision_date=dt.date(2024, 5, 20), effective_to=None)
    session.commit()
    changed = editing.update_record(session, "disciplines", "CB-HOA", wrong.id, {
        "level": "reprimand", "decision_date": "20/05/2024", "effective_to": "20/05/2025",
        "decision_no": wrong.decision_no, "authority": wrong.authority}, reason="Bổ sung ngày hết hiệu lực")
    assert changed == {"effective_to": dt.date(2025, 5, 20)}
    entry = _last(session)
    assert entry.before == {"id": wrong.id, "effective_to": None}
    assert entry.after == {"id": wrong.id, "effective_to": "2025-05-20"}


def test_appoint_move_and_close_postings(session, hoa):
    cadre = hoa["cadre"]
    with pytest.raises(editing.EditError) as no_decision:
        editing.appoint(session, "CB-HOA", {"unit_code": "NT", "title_code": "NT-PCT", "start_date": "01/02/2026"},
                        reason="Điều động theo quyết định", move=True)
    assert "decision_no" in no_decision.value.fields
    with pytest.raises(editing.EditError) as wrong_unit:
        editing.appoint(session, "CB-HOA", {"unit_code": "BB", "title_code": "NT-PCT", "start_date": "01/02/2026",
                                            "decision_no": "45-QĐ/TU"}, reason="Điều động", move=True)
    assert "title_code" in wrong_unit.value.fields
    posting = editing.appoint(session, "CB-HOA", {"unit_code": "NT", "title_code": "NT-PCT", "start_date": "01/02/2026",
                                                  "kind": "Điều động",
                                                  "decision_no": "45-QĐ/TU", "decision_date": "20/01/2026"},
                              reason="Điều động theo quyết định", move=True)
    session.commit()
    # the title's name is the position when none is written; the old post ends the day before
    assert (posting.position, posting.decision_no, posting.decision_date) == (
        "Phó Chủ tịch UBND xã Nậm Tăm", "45-QĐ/TU", dt.date(2026, 1, 20))
    posts = session.exec(select(Posting).where(Posting.cadre_id == cadre.id).order_by(Posting.start_date)).all()
    assert [(p.title_id, p.end_date) for p in posts] == [(hoa["chair"].id, dt.date(2026, 1, 31)),
                                                         (hoa["deputy"].id, None)]
    world = world_service.build(session, dt.date(2026, 2, 1))
    assert [t.code for t in world.cadres[cadre.id].titles] == ["NT-PCT"]
    with pytest.raises(editing.EditError, match="trước ngày bắt đầu"):
        editing.close_posting(session, "CB-HOA", posting.id, {"end_date": "31/01/2026", "decision_no": "5-QĐ"},
                              reason="Nghỉ hưu theo chế độ")
    editing.close_posting(session, "CB-HOA", posting.id, {"end_date": "28/02/2026", "decision_no": "50-QĐ/TU"},
                          reason="Thôi giữ chức vụ")
    assert posting.end_date == dt.date(2026, 2, 28)


def test_a_withdrawn_posting_is_no_longer_held(session, hoa):
    posting = session.exec(select(Posting).where(Posting.cadre_id == hoa["cadre"].id)).one()
    editing.withdraw(session, "postings", "CB-HOA", posting.id, reason="Nhập nhầm chức vụ")
    session.commit()
    assert world_service.build(session, ON).cadres[hoa["cadre"].id].titles == ()


MOVE = {"unit_code": "NT", "title_code": "NT-PCT", "start_date": "01/02/2026", "decision_no": "45-QĐ/TU"}


def test_an_appointment_is_recorded_as_one(session, hoa):
    posting = editing.appoint(session, "CB-HOA", {**MOVE, "is_concurrent": "1"}, reason="Bổ nhiệm kiêm nhiệm")
    assert (posting.kind, posting.planned_end) == ("appointment", None)
    assert _last(session).after["kind"] == "appointment"
    with pytest.raises(editing.EditError) as wrong:
        editing.appoint(session, "CB-HOA", {**MOVE, "start_date": "01/03/2026", "kind": "Biệt phái"},
                        reason="Bổ nhiệm lần hai")
    assert "kind" in wrong.value.fields


def test_a_move_needs_its_kind(session, hoa):
    with pytest.raises(editing.EditError) as none:
        editing.appoint(session, "CB-HOA", MOVE, reason="Điều động cán bộ", move=True)
    assert "kind" in none.value.fields
    with pytest.raises(editing.EditError) as appointment:
        editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Bổ nhiệm"}, reason="Điều động cán bộ", move=True)
    assert "kind" in appointment.value.fields


def test_a_rotation_is_planned_for_at_least_36_months(session, hoa):
    # 01/02/2026 + 36 months = 01/02/2029: a day earlier is refused, and the rule's date is the default
    with pytest.raises(editing.EditError, match="ít nhất 36 tháng") as short:
        editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Luân chuyển", "planned_end": "31/01/2029"},
                        reason="Luân chuyển cán bộ", move=True)
    assert "01/02/2029" in short.value.fields["planned_end"]
    posting = editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Luân chuyển"}, reason="Luân chuyển cán bộ",
                              move=True)
    assert (posting.kind, posting.planned_end) == ("rotation", dt.date(2029, 2, 1))
    # from the commune of Bản Bo to the commune of Nậm Tăm: between localities (R3)
    assert posting.direction == "locality"
    entry = _last(session)   # the old post's closing is written after the new post
    moved = session.exec(select(AuditEntry).where(AuditEntry.action == "posting.move")).one()
    assert (moved.after["kind"], moved.after["planned_end"], moved.after["direction"]) == (
        "rotation", "2029-02-01", "locality")
    assert entry.action == "posting.close"


def test_a_rotation_follows_the_rule_set_in_force(session, hoa):
    from quyhoach.db.models import RuleSet

    session.add(RuleSet(code="LC-2026", domain="planning", name="Luân chuyển 2026", legal_basis="QĐ 65-QĐ/TW",
                        valid_from=dt.date(2026, 1, 1), params={"rotation_min_tenure_months": 48}))
    session.commit()
    with pytest.raises(editing.EditError, match="ít nhất 48 tháng"):
        editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Luân chuyển", "planned_end": "01/02/2029"},
                        reason="Luân chuyển cán bộ", move=True)
    posting = editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Luân chuyển"}, reason="Luân chuyển cán bộ",
                              move=True)
    assert posting.planned_end == dt.date(2030, 2, 1)


def test_a_secondments_longest_term_is_the_rule_sets_parameter(session, hoa):
    """R8's secondment_max_months, read from the planning rule set in force on the start
    day: 24 here, so 25 months is refused and an empty planned end is filled at 24."""
    from quyhoach.db.models import RuleSet

    session.add(RuleSet(code="BP-2026", domain="planning", name="Biệt phái 2026", legal_basis="Luật Cán bộ, công chức",
                        valid_from=dt.date(2026, 1, 1), params={"secondment_max_months": 24}))
    session.commit()
    with pytest.raises(editing.EditError, match="không quá 24 tháng") as long:
        editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Biệt phái", "planned_end": "01/03/2028"},
                        reason="Biệt phái cán bộ", move=True)
    assert long.value.fields == {"planned_end": "muộn nhất 01/02/2028"}
    posting = editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Biệt phái"}, reason="Biệt phái cán bộ", move=True)
    assert posting.planned_end == dt.date(2028, 2, 1)


def test_a_secondment_lasts_at_most_36_months_and_a_transfer_has_no_planned_end(session, hoa):
    with pytest.raises(editing.EditError, match="không quá 36 tháng"):
        editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Biệt phái", "planned_end": "02/02/2029"},
                        reason="Biệt phái cán bộ", move=True)
    with pytest.raises(editing.EditError) as transfer:
        editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Điều động", "planned_end": "01/02/2027"},
                        reason="Điều động cán bộ", move=True)
    assert "planned_end" in transfer.value.fields
    posting = editing.appoint(session, "CB-HOA", {**MOVE, "kind": "Biệt phái", "planned_end": "31/12/2026"},
                              reason="Biệt phái cán bộ", move=True)
    assert (posting.kind, posting.planned_end, posting.direction) == ("secondment", dt.date(2026, 12, 31), None)
    closed = editing.close_posting(session, "CB-HOA", posting.id, {"end_date": "30/11/2026", "decision_no": "9-QĐ"},
                                   reason="Kết thúc biệt phái sớm")
    assert closed.end_date == dt.date(2026, 11, 30)
    assert _last(session).after["kind"] == "secondment"


def test_a_relation_shows_in_both_dossiers_histories(session, hoa):
    from quyhoach.services.records import importer

    make_cadre(session, "Nguyễn Văn Bình", code="CB-BINH", unit=hoa["other"])
    make_cadre(session, "Lò Văn Nam", code="CB-NAM", unit=hoa["other"])
    session.commit()
    relation = editing.add_record(session, "relations", "CB-HOA", {"relative_code": "CB-BINH", "kind": "Vợ/chồng"},
                                  reason="Kê khai bổ sung")
    editing.withdraw(session, "relations", "CB-BINH", relation.id, reason="Kê khai sai người")
    # an imported relation is filed under both cadres too
    data = "Mã cán bộ,Mã người thân,Quan hệ\nCB-NAM,CB-BINH,Anh/chị/em ruột\n".encode()
    result = importer.run(session, "relations", data, "quan-he.csv")
    assert result.ok, [str(p) for p in result.problems]
    session.commit()
    assert [e.action for e in editing.history(session, "CB-HOA")] == ["relation.withdraw", "relation.add"]
    assert [e.action for e in editing.history(session, "CB-BINH")] == [
        "relations.create", "relation.withdraw", "relation.add"]
    imported = editing.history(session, "CB-NAM")
    assert [e.action for e in imported] == ["relations.create"]
    # an imported row in words, without naming the dossier's own cadre again
    assert imported[0].created
    assert {(c.field, c.after) for c in imported[0].changes} == {("relative_code", "CB-BINH"),
                                                                 ("kind", "Anh/chị/em ruột")}
    # a cadre whose code starts the same sees none of them
    make_cadre(session, "Lò Văn Bi", code="CB-BIN", unit=hoa["other"])
    session.commit()
    assert editing.history(session, "CB-BIN") == []


def test_relations_added_from_either_side_and_withdrawn(session, hoa):
    binh = make_cadre(session, "Nguyễn Văn Bình", code="CB-BINH", unit=hoa["other"])
    session.commit()
    relation = editing.add_record(session, "relations", "CB-HOA", {"relative_code": "CB-BINH", "kind": "Vợ/chồng"},
                                  reason="Kê khai bổ sung")
    assert _last(session).entity == "cadre:CB-HOA/relations|cadre:CB-BINH/relations"
    with pytest.raises(editing.EditError, match="đã có"):
        editing.add_record(session, "relations", "CB-BINH", {"relative_code": "CB-HOA", "kind": "spouse"},
                           reason="Kê khai bổ sung")
    with pytest.raises(editing.EditError) as self_relation:
        editing.add_record(session, "relations", "CB-HOA", {"relative_code": "CB-HOA", "kind": "spouse"},
                           reason="Kê khai bổ sung")
    assert "relative_code" in self_relation.value.fields
    editing.withdraw(session, "relations", "CB-BINH", relation.id, reason="Kê khai sai")
    session.commit()
    assert world_service.build(session, ON).cadres[binh.id].relatives == ()
    # both dossiers show the change in their history
    assert [h.action for h in editing.history(session, "CB-BINH")] == ["relation.withdraw", "relation.add"]
    assert [h.action for h in editing.history(session, "CB-HOA")] == ["relation.withdraw", "relation.add"]


def test_history_reads_the_dossiers_own_entries_field_by_field(session, hoa):
    make_cadre(session, "Trần Văn Hòa", code="CB-HOA2", unit=hoa["other"])
    session.commit()
    editing.update_cadre(session, "CB-HOA", _form(hoa["cadre"], full_name="Lò Thị Hoà Bình"), reason=REASON)
    editing.update_cadre(session, "CB-HOA2", _form(session.exec(select(Cadre).where(
        Cadre.code == "CB-HOA2")).one(), note="Ghi chú"), reason=REASON)
    history = editing.history(session, "CB-HOA")
    assert len(history) == 1  # not the entry of CB-HOA2, whose code starts the same
    assert [(c.field, c.before, c.after) for c in history[0].changes] == [("full_name", "Lò Thị Hoa", "Lò Thị Hoà Bình")]


def test_units_rename_merge_and_close(session, hoa):
    editing.rename_unit(session, "NT", {"name": "Xã Nậm Tăm mới", "short_name": ""}, reason="Đổi tên theo nghị quyết")
    assert session.exec(select(Unit).where(Unit.code == "NT")).one().name == "Xã Nậm Tăm mới"
    with pytest.raises(editing.EditError, match="còn cán bộ"):
        editing.close_unit(session, "BB", {"decision_no": "1-NQ"}, reason="Giải thể đơn vị")
    editing.merge_unit(session, "BB", {"into": "NT", "on": "01/07/2025", "decision_no": "1656/NQ-UBTVQH15"},
                       reason="Sắp xếp đơn vị hành chính cấp xã 2025")
    session.commit()
    bb = session.exec(select(Unit).where(Unit.code == "BB")).one()
    assert bb.active is False
    assert session.get(Title, hoa["chair"].id).unit_id == hoa["other"].id
    posts = session.exec(select(Posting).where(Posting.cadre_id == hoa["cadre"].id).order_by(Posting.start_date)).all()
    # the chair continues in the merged commune from 01/07/2025; before, the history is as it was
    assert [(p.unit_id, p.start_date, p.end_date) for p in posts] == [
        (bb.id, dt.date(2021, 6, 1), dt.date(2025, 6, 30)), (hoa["other"].id, dt.date(2025, 7, 1), None)]
    assert _last(session).after["posts_moved"] == 1


def test_titles_rename_close_and_merge(session, hoa):
    spare = make_title(session, hoa["other"], "Phó Bí thư", code="NT-PBT", rank=260)
    session.commit()
    editing.rename_title(session, "NT-PBT", {"name": "Phó Bí thư Thường trực"}, reason="Đổi tên chức danh")
    editing.close_title(session, "NT-PBT", {"decision_no": "3-QĐ/TU"}, reason="Thôi bố trí chức danh")
    assert spare.active is False and spare.name == "Phó Bí thư Thường trực"
    with pytest.raises(editing.EditError, match="còn người đảm nhiệm"):
        editing.close_title(session, "BB-CT", {"decision_no": "3-QĐ/TU"}, reason="Thôi bố trí chức danh")
    editing.merge_title(session, "BB-CT", {"into": "NT-PCT", "on": "01/07/2025", "decision_no": "4-QĐ/TU"},
                        reason="Hợp nhất chức danh sau sắp xếp")
    session.commit()
    held = session.exec(select(Posting).where(Posting.cadre_id == hoa["cadre"].id, Posting.end_date.is_(None))).one()
    assert held.title_id == hoa["deputy"].id and held.start_date == dt.date(2025, 7, 1)
    with pytest.raises(editing.EditError, match="chức danh đã thôi"):
        editing.appoint(session, "CB-HOA", {"unit_code": "BB", "title_code": "BB-CT", "start_date": "01/08/2025",
                                            "decision_no": "9-QĐ"}, reason="Bổ nhiệm lại")



def test_a_withdrawn_record_is_left_out_of_every_reader_but_the_history(session):
    """Declared once (db.engine._hide_withdrawn): the exports, the analytics, the reports and
    the planning facts read through queries that leave a withdrawn evaluation out; the
    dossier's history and the editing see it (`including_withdrawn`)."""
    from quyhoach.db.engine import including_withdrawn
    from quyhoach.db.models import utcnow
    from quyhoach.services.records import exporter

    cadre = make_cadre(session, "Lò Thị Rút", code="CB-RUT")
    wrong = make_evaluation(session, cadre, 2024, rating="fail")
    make_evaluation(session, cadre, 2025, rating="good")
    wrong.withdrawn_at, wrong.withdrawn_reason, wrong.withdrawn_by = utcnow(), "nhập nhầm", "test"
    session.add(wrong)
    session.commit()
    mine = select(Evaluation).where(Evaluation.cadre_id == cadre.id)
    assert [e.year for e in session.exec(mine)] == [2025]
    exported = exporter.export(session, "evaluations", "csv").decode("utf-8-sig")
    assert "CB-RUT" in exported and "2025" in exported and "2024" not in exported
    with including_withdrawn(session):
        assert sorted(e.year for e in session.exec(mine)) == [2024, 2025]


def _pool(session, title, *members):
    from quyhoach.db.models import Pool, PoolEntry, Term

    term = session.exec(select(Term).where(Term.code == "T-2026")).one_or_none() or Term(
        code="T-2026", kind="party", name="Nhiệm kỳ 2026-2031", start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2030, 12, 31))
    session.add(term)
    session.flush()
    pool = Pool(title_id=title.id, term_id=term.id)
    session.add(pool)
    session.flush()
    for cadre in members:
        session.add(PoolEntry(pool_id=pool.id, cadre_id=cadre.id, added_on=dt.date(2025, 1, 1), added_reason="Quy hoạch"))
    session.commit()
    return pool


def test_a_merger_is_previewed_with_what_it_does_to_posts_and_pools_before_anything_is_written(session, hoa):
    young = make_cadre(session, "Vàng Văn Dũng", code="CB-DUNG", unit=hoa["other"])
    pool = _pool(session, hoa["chair"], young)
    head = audit.head(session).seq
    form = {"into": "NT", "on": "01/07/2025", "decision_no": "1656/NQ-UBTVQH15"}
    plan = editing.preview(session, "unit.merge", "BB", form)
    assert [(m.cadre_code, m.position) for m in plan.moved] == [("CB-HOA", hoa["chair"].name)]
    assert [t.code for t in plan.titles] == ["BB-CT"] and plan.into == "Xã Nậm Tăm"
    assert [(p.title, p.members) for p in plan.pools_follow] == [("Chủ tịch UBND xã Bản Bo", ["Vàng Văn Dũng"])]
    assert audit.head(session).seq == head and hoa["commune"].active   # nothing written
    with pytest.raises(editing.EditError) as early:
        editing.preview(session, "unit.merge", "BB", {**form, "on": "01/01/2021"})
    assert "on" in early.value.fields

    editing.merge_unit(session, "BB", form, reason="Sắp xếp đơn vị hành chính cấp xã 2025")
    session.commit()
    # the pool followed its title; the move is in the cadre's own history
    assert session.get(Title, pool.title_id).unit_id == hoa["other"].id
    moved = session.exec(select(AuditEntry).where(AuditEntry.action == "posting.transfer")).one()
    assert moved.entity == "cadre:CB-HOA" and moved.after["start_date"] == "2025-07-01"
    assert moved.reason == "Sắp xếp đơn vị hành chính cấp xã 2025"
    assert editing.history(session, "CB-HOA")[0].action == "posting.transfer"


def test_a_merged_titles_pools_are_kept_and_named_and_a_closed_unit_closes_its_titles(session, hoa):
    young = make_cadre(session, "Vàng Văn Dũng", code="CB-DUNG", unit=hoa["other"])
    _pool(session, hoa["chair"], young)
    plan = editing.preview(session, "title.merge", "BB-CT", {"into": "NT-PCT", "on": "01/07/2025", "decision_no": "4-QĐ"})
    assert [(p.title, p.members) for p in plan.pools_kept] == [("Chủ tịch UBND xã Bản Bo", ["Vàng Văn Dũng"])]
    assert plan.pools_follow == []
    spare_unit = make_unit(session, "Ban Dân vận xã", code="BB-DV", level="commune", parent=hoa["province"])
    spare = make_title(session, spare_unit, "Trưởng ban Dân vận", code="BB-DV-TB", rank=200)
    session.commit()
    assert [t.code for t in editing.preview(session, "unit.close", "BB-DV", {"decision_no": "5-QĐ"}).titles] == ["BB-DV-TB"]
    editing.close_unit(session, "BB-DV", {"decision_no": "5-QĐ"}, reason="Giải thể ban theo sắp xếp")
    assert spare.active is False and _last(session).after["titles"] == ["BB-DV-TB"]
