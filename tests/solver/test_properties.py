"""Property tests on small random problems: every plan passes the independent checker,
the objective never exceeds the bound (the objective is maximised), and the optimum
agrees with HiGHS's."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import Discipline, Unit
from solver.baselines import highs_milp
from tests.solver.build import Assignment, Relation, Target, Weights, cadre, make, pair, post, solved


@st.composite
def problems(draw):
    n_units = draw(st.integers(1, 3))
    units = [Unit(f"U{u}", level=draw(st.sampled_from(["xa", "tinh"])), locality=f"L{u % 2}",
                  max_leaving=draw(st.one_of(st.none(), st.integers(0, 2))),
                  max_arriving=draw(st.one_of(st.none(), st.integers(0, 2)))) for u in range(n_units)]
    posts = []
    n_posts = draw(st.integers(1, 6))
    for j in range(n_posts):
        posts.append(post(f"P{j}", unit=f"U{draw(st.integers(0, n_units - 1))}", rank=draw(st.integers(4, 5)),
                          must_fill=draw(st.booleans()), is_head=draw(st.booleans()),
                          top_leader=draw(st.booleans()), non_local=draw(st.booleans()),
                          sector=draw(st.sampled_from([None, "police"]))))
    cadres = []
    n_cadres = draw(st.integers(1, 8))
    for i in range(n_cadres):
        cadres.append(cadre(
            f"C{i}", unit=f"U{draw(st.integers(0, n_units - 1))}", rank=draw(st.integers(4, 5)),
            sex=draw(st.sampled_from("MF")), minority=draw(st.booleans()), age=draw(st.integers(30, 60)),
            months_service_left=draw(st.sampled_from([60, 200])), outstanding=draw(st.booleans()),
            ratings=draw(st.sampled_from([["good"] * 3, ["excellent", "good", "good"], ["complete", "good", "good"]])),
            home_localities=draw(st.sampled_from([[], ["L0"], ["L1"]])),
            months_in_post=draw(st.sampled_from([12, 60])),
            discipline=draw(st.sampled_from([None, None, Discipline("reprimand", 6)])),
            head_unit=f"U{draw(st.integers(0, n_units - 1))}", head_terms=draw(st.integers(0, 2)),
            current_fit=draw(st.integers(0, 100))))
    holders = draw(st.lists(st.integers(0, n_cadres - 1), max_size=n_posts, unique=True))
    for j, i in enumerate(holders):
        posts[j].holder = f"C{i}"
    pairs = []
    for i in range(n_cadres):
        for j in draw(st.lists(st.integers(0, n_posts - 1), max_size=3, unique=True)):
            pairs.append(pair(f"C{i}", f"P{j}", fit=draw(st.integers(0, 100)), development=draw(st.integers(0, 20))))
    relations = []
    if n_cadres > 1 and draw(st.booleans()):
        a, b = draw(st.lists(st.integers(0, n_cadres - 1), min_size=2, max_size=2, unique=True))
        relations.append(Relation(f"C{a}", f"C{b}", "sibling"))
    targets = []
    if draw(st.booleans()):
        targets.append(Target("t", draw(st.sampled_from(["female", "minority", "age"])), unit="U0",
                              max_age=45, min_count=draw(st.integers(0, 2)), hard=draw(st.booleans()),
                              weight=draw(st.integers(0, 60))))
    if draw(st.booleans()):
        targets.append(Target("s", "female", level="xa", min_share=0.5, max_share=0.9, weight=30))
    pinned = [Assignment(pairs[0].cadre, pairs[0].post)] if pairs and draw(st.booleans()) else []
    forbidden = [Assignment(pairs[-1].cadre, pairs[-1].post)] if pairs and draw(st.booleans()) else []
    baseline = [Assignment(pairs[1].cadre, pairs[1].post)] if len(pairs) > 1 and draw(st.booleans()) else []
    weights = Weights(fit=draw(st.integers(0, 3)), development=draw(st.integers(0, 2)),
                      structure=draw(st.integers(0, 50)), moves=draw(st.integers(0, 30)),
                      baseline=draw(st.integers(0, 10)))
    return make(posts, cadres, pairs, units=units, relations=relations, targets=targets, pinned=pinned,
                forbidden=forbidden, baseline=baseline, weights=weights)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)


@SETTINGS
@given(problems())
def test_plans_pass_the_checker_and_stay_under_their_bound(problem):
    plan = solved(problem, relative_gap=0, time_limit=10)     # `solved` runs the checker
    assert plan.status in ("optimal", "infeasible")
    if plan.ok:
        assert plan.objective <= plan.bound and plan.gap == 0


@SETTINGS
@given(problems())
def test_optimum_agrees_with_highs(problem):
    plan = solved(problem, relative_gap=0, time_limit=10)
    reference = highs_milp(problem, time_limit=10, relative_gap=0)
    if plan.status == "infeasible":
        assert reference.status == "infeasible"
    else:
        assert reference.status == "optimal" and reference.objective == plan.objective


@settings(max_examples=25, deadline=None, derandomize=True)
@given(problems())
def test_direct_model_agrees_with_the_engine(problem):
    auto = solved(problem, relative_gap=0)
    direct = solved(problem, relative_gap=0, method="direct")
    assert auto.status == direct.status
    assert auto.objective == direct.objective
