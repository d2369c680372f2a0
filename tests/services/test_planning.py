"""Pools through the services: what an officer does, and what the rules say about it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from quyhoach.db.models import Pool, PoolEntry, PoolEvent, Term
from quyhoach.services.planning import judging as planning, pools, review_views, world as world_service
from tests.builders import make_cadre, make_discipline, make_evaluation, make_title, make_unit

ON = dt.date(2026, 1, 15)  # QĐ 377 in force; the 2026–2031 government term not started yet


@pytest.fixture
def province(session):
    root = make_unit(session, "Tỉnh ủy Mường Thanh", code="TINH", is_locality=True)
    dept = make_unit(session, "Sở Nội vụ", code="SO-NV", parent=root, kind="department")
    head = make_title(session, dept, "Giám đốc Sở Nội vụ", code="SO-NV-GD", rank=60, is_head=True,
                      term_kind="government")
    deputy = make_title(session, dept, "Phó Giám đốc Sở Nội vụ", code="SO-NV-PGD", rank=55, seats=3,
                        is_deputy=True, term_kind="government")

    def rated(cadre, ratings=("good", "good", "excellent", "good")):
        for year, rating in zip(range(2022, 2026), ratings, strict=False):
            make_evaluation(session, cadre, year, rating=rating)
        return cadre

    people = {
        "an": rated(make_cadre(session, "Lò Thị An", code="CB1", sex="F", ethnicity="03",
                               birth_date=dt.date(1982, 5, 1), title=deputy)),
        "binh": rated(make_cadre(session, "Nguyễn Văn Bình", code="CB2", birth_date=dt.date(1979, 2, 2), title=deputy)),
        "old": rated(make_cadre(session, "Trần Văn Cả", code="CB3", birth_date=dt.date(1966, 1, 10), title=deputy)),
        "disciplined": rated(make_cadre(session, "Vì Văn Dũng", code="CB4", birth_date=dt.date(1984, 8, 8), unit=dept)),
        "young": rated(make_cadre(session, "Giàng Thị Mai", code="CB5", sex="F", ethnicity="08",
                                  birth_date=dt.date(1990, 3, 3), unit=dept)),
    }
    make_discipline(session, people["disciplined"], level="reprimand", decision_date=dt.date(2025, 6, 1))
    term = session.exec(select(Term).where(Term.code == "CQ-2026-2031")).one()
    pool = pools.get_or_create_pool(session, head.id, term.id)
    session.commit()
    return {"pool": pool, "head": head, **people}


def world(session):
    return world_service.build(session, ON)


def test_an_eligible_cadre_enters_with_reason_and_history(session, province):
    pool_id = province["pool"].id
    entry = pools.add_entry(session, pool_id, "CB1", reason="Nghị quyết 12-NQ/TU", on=ON, expected_version=1)
    session.commit()
    assert entry.status == "active" and entry.added_reason == "Nghị quyết 12-NQ/TU"
    assert session.get(Pool, pool_id).version == 2
    event = session.exec(select(PoolEvent).where(PoolEvent.pool_id == pool_id)).one()
    assert (event.kind, event.on, event.reason) == ("add", ON, "Nghị quyết 12-NQ/TU")
    judged = planning.judge_pool(world(session), pool_id)
    assert judged.rules.code == "QD377-2025"
    findings = judged.members[province["an"].id]
    assert not any(f.blocking for f in findings)
    assert {f.rule for f in findings} >= {"P1", "P6", "P8", "P13", "P14"}


def test_a_cadre_too_old_for_a_full_term_is_refused_with_the_rule_and_numbers(session, province):
    with pytest.raises(pools.PoolError) as refused:
        pools.add_entry(session, province["pool"].id, "CB3", reason="Đề xuất của Sở", on=ON)
    assert "P6" in str(refused.value) and "60" in str(refused.value)
    session.rollback()
    assert session.exec(select(PoolEntry)).all() == []


def test_a_disciplined_cadre_is_refused_until_the_cooldown_ends(session, province):
    with pytest.raises(pools.PoolError) as refused:
        pools.add_entry(session, province["pool"].id, "CB4", reason="Đề xuất của Sở", on=ON)
    assert "P13" in str(refused.value)
    facts = world(session)
    judged = planning.eligibility.check(facts.cadres[province["disciplined"].id], facts.titles[province["head"].id],
                                        facts.pools[province["pool"].id].facts.term, facts.rule_set("planning"), ON)
    cooldown = next(f for f in judged if f.rule == "P13")
    assert cooldown.from_date == dt.date(2027, 6, 1)  # reprimand: 24 months


def test_reason_is_required_and_stale_forms_are_refused(session, province):
    pool_id = province["pool"].id
    with pytest.raises(pools.PoolError, match="lý do"):
        pools.add_entry(session, pool_id, "CB1", reason=" ", on=ON)
    pools.add_entry(session, pool_id, "CB1", reason="Nghị quyết 12-NQ/TU", on=ON, expected_version=1)
    session.commit()
    with pytest.raises(pools.StaleError):
        pools.add_entry(session, pool_id, "CB2", reason="Nghị quyết 12-NQ/TU", on=ON, expected_version=1)
    session.rollback()
    assert len(session.exec(select(PoolEntry)).all()) == 1


def test_a_full_pool_takes_no_one_more(session, province):
    pool_id = province["pool"].id
    for code in ("CB1", "CB2", "CB5"):
        pools.add_entry(session, pool_id, code, reason="Nghị quyết 12-NQ/TU", on=ON)
        session.commit()
    extra = make_cadre(session, "Cầm Văn Én", code="CB6", birth_date=dt.date(1985, 1, 1))
    for year in range(2022, 2026):
        make_evaluation(session, extra, year, rating="good")
    session.commit()
    with pytest.raises(pools.PoolError, match="đủ 3 người"):
        pools.add_entry(session, pool_id, "CB6", reason="Nghị quyết 12-NQ/TU", on=ON)


def test_exit_and_reinstate_keep_the_history(session, province):
    pool_id = province["pool"].id
    entry = pools.add_entry(session, pool_id, "CB1", reason="Nghị quyết 12-NQ/TU", on=ON)
    pools.exit_entry(session, entry.id, reason="Chuyển công tác ra ngoài tỉnh", on=dt.date(2026, 2, 1))
    pools.add_entry(session, pool_id, "CB1", reason="Trở lại công tác tại tỉnh", on=dt.date(2026, 3, 1))
    session.commit()
    kinds = [e.kind for e in session.exec(select(PoolEvent).where(PoolEvent.pool_id == pool_id).order_by(PoolEvent.id))]
    assert kinds == ["add", "exit", "reinstate"]
    assert session.get(PoolEntry, entry.id).status == "active"


def test_structure_of_a_pool_is_judged_in_words(session, province):
    pool_id = province["pool"].id
    pools.add_entry(session, pool_id, "CB2", reason="Nghị quyết 12-NQ/TU", on=ON)
    session.commit()
    judged = planning.judge_pool(world(session), pool_id)
    by_rule = {f.rule: f for f in judged.structure}
    assert not by_rule["S3"].passed and "nữ" in by_rule["S3"].message   # no woman among one man
    assert not by_rule["P3"].passed                                      # fewer than 2


def test_suggestions_offer_eligible_cadres_and_say_what_they_fix(session, province):
    pool_id = province["pool"].id
    pools.add_entry(session, pool_id, "CB2", reason="Nghị quyết 12-NQ/TU", on=ON)
    session.commit()
    offered = planning.suggestions(world(session), pool_id, within=None)
    codes = [s.cadre.code for s in offered]
    assert "CB2" not in codes and "CB3" not in codes and "CB4" not in codes   # member, too old, disciplined
    assert set(codes) >= {"CB1"}
    woman = next(s for s in offered if s.cadre.code == "CB1")
    assert any("nữ" in effect for effect in woman.effects)
    assert woman.score == sum(woman.parts.values())


def test_annual_review_proposes_exits_and_records_decisions(session, province):
    pool_id = province["pool"].id
    pools.add_entry(session, pool_id, "CB1", reason="Nghị quyết 12-NQ/TU", on=ON)
    pools.add_entry(session, pool_id, "CB2", reason="Nghị quyết 12-NQ/TU", on=ON)
    session.commit()
    # later in the year: CB2 is disciplined, CB1 gets a low confidence vote
    make_discipline(session, province["binh"], level="warning", decision_date=dt.date(2026, 9, 1))
    from tests.builders import make_vote

    make_vote(session, province["an"], vote_date=dt.date(2026, 10, 1), convened=40, present=40, high=5, normal=10, low=25)
    session.commit()
    review_day = dt.date(2026, 11, 20)
    worklist = review_views.review_worklist(session, world_service.build(session, review_day))
    rules = {(i.cadre.code, i.finding.rule) for i in worklist.exits}
    assert ("CB2", "P9") in rules and ("CB1", "P11") in rules
    item = next(i for i in worklist.exits if i.cadre.code == "CB2" and i.finding.rule == "P9")
    pools.decide_review_item(session, item.entry_id, rule="P9", review_year=2026, accept=True,
                             reason="Kỷ luật cảnh cáo tháng 9/2026", on=review_day)
    keep = next(i for i in worklist.exits if i.cadre.code == "CB1" and i.finding.rule == "P11")
    pools.decide_review_item(session, keep.entry_id, rule="P11", review_year=2026, accept=False,
                             reason="Hội nghị lấy phiếu không đủ điều kiện, sẽ lấy lại", on=review_day)
    session.commit()
    assert session.get(PoolEntry, item.entry_id).status == "exited"
    assert session.get(PoolEntry, item.entry_id).exit_rule == "P9"
    assert session.get(PoolEntry, keep.entry_id).status == "active"
    with pytest.raises(pools.PoolError, match="đã được quyết định"):
        pools.decide_review_item(session, keep.entry_id, rule="P11", review_year=2026, accept=True,
                                 reason="đổi ý", on=review_day)
    again = review_views.review_worklist(session, world_service.build(session, review_day))
    assert [i.decision.decision for i in again.exits if i.cadre.code == "CB1" and i.finding.rule == "P11"] == ["reject"]


@pytest.mark.parametrize("numbers, message", [
    ((10, 8, 8, 8, 9), "đồng ý ≤ hợp lệ"),
    ((10, 12, 8, 8, 5), "có mặt ≤ triệu tập"),
    ((0, 0, 0, 0, 0), "lớn hơn 0"),
])
def test_ballot_tallies_must_be_coherent(session, province, numbers, message):
    entry = pools.add_entry(session, province["pool"].id, "CB1", reason="Nghị quyết 12-NQ/TU", on=ON)
    convened, present, issued, valid, agree = numbers
    with pytest.raises(pools.PoolError) as refused:
        pools.record_ballot(session, entry.id, step="key_cadres", held_on=ON, convened=convened, present=present,
                            issued=issued, valid=valid, agree=agree)
    assert message.split(" ")[0] in str(refused.value)


def test_check_command_prints_findings_as_json(runner, session, province):
    pools.add_entry(session, province["pool"].id, "CB2", reason="Nghị quyết 12-NQ/TU", on=ON)
    session.commit()
    result = runner.invoke(args=["check", "--title", "SO-NV-GD", "--on", "15/01/2026", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    pool = report["pools"][0]
    assert pool["rule_set"] == "QD377-2025" and pool["members"] == ["CB2"]
    assert any(f["rule"] == "S3" and not f["passed"] for f in pool["findings"])
    text = runner.invoke(args=["check", "--unit", "SO-NV", "--on", "15/01/2026", "--failing"])
    assert "Chưa đạt" in text.output or "Lưu ý" in text.output
    assert runner.invoke(args=["check", "--unit", "KHONG-CO"]).exit_code != 0


def test_a_new_regulation_rejudges_every_pool_and_lists_what_changes(session, province):
    from quyhoach.services.planning import rulesets as rules

    pools.add_entry(session, province["pool"].id, "CB2", reason="Nghị quyết 12-NQ/TU", on=ON)
    session.commit()
    new = rules.create_version(session, "QD377-2025", code="QD999-2026", name="Quy định mới (thử)",
                               legal_basis="Quy định 999-QĐ/TW ngày 01/01/2026", valid_from=dt.date(2026, 1, 1))
    new.params = {**new.params, "next_term_min_months": 300, "women_min_share": 0.0}
    session.add(new)
    session.commit()
    facts = world_service.build(session, ON)
    assert facts.rule_set("planning").code == "QD999-2026"                       # in force on 15/01/2026
    assert facts.rule_set("planning", dt.date(2025, 12, 31)).code == "QD377-2025"  # the day before
    before = facts.rule_set("planning", dt.date(2025, 12, 31))
    changes = planning.compare_rule_sets(facts, before, facts.rule_set("planning"))
    summary = {(c.subject, c.rule, c.before.passed, c.after.passed) for c in changes}
    assert ("Nguyễn Văn Bình", "P6", True, False) in summary   # 300 months now needed
    assert ("", "S3", False, True) in summary                  # no women target any more
    judged = planning.judge_pool(facts, province["pool"].id)
    assert judged.rules.code == "QD999-2026"
    assert all(f.rule_set == "QD999-2026" for f in judged.findings())


def test_only_unconfirmed_parameters_are_editable(session, province):
    from quyhoach.services.planning import rulesets as rules

    rules.update_parameter(session, "QD377-2025", "rating_window_years", 5)
    session.commit()
    assert rules.in_force(session, "planning", ON)["rating_window_years"] == 5
    with pytest.raises(rules.ParameterError, match="đã được quy định"):
        rules.update_parameter(session, "QD377-2025", "pool_max_per_title", 4)
    with pytest.raises(rules.ParameterError, match="kiểu"):
        rules.update_parameter(session, "QD377-2025", "rating_window_years", "năm")


def test_a_new_regulation_takes_its_own_numbers(session, province):
    from quyhoach.services.planning import rulesets as rules

    rules.create_version(session, "QD377-2025", code="QD400-2027", name="Quy định 400 (thử)",
                         legal_basis="Quy định 400-QĐ/TW", valid_from=dt.date(2027, 1, 1))
    rules.update_parameter(session, "QD400-2027", "pool_max_per_title", 4)
    session.commit()
    assert rules.in_force(session, "planning", dt.date(2027, 2, 1))["pool_max_per_title"] == 4
    assert rules.in_force(session, "planning", ON)["pool_max_per_title"] == 3
