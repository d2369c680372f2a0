"""The prepared rotation round of the demo province: three scenarios over the same units,
solved, ready to compare, so the Standing Committee's page can be seen at once after
`make run`. Built through the same services a user's scenarios go through (create, solve),
with a short time limit and one search worker with a fixed seed, so the demo is the same
every time it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from quyhoach.db.models import Scenario, SolveRun, Unit
from quyhoach.services.rotation import scenarios
from quyhoach.services.rotation.settings import HARD, SOFT, ScenarioSettings, TargetSetting
from quyhoach.services.rotation.solving import start_solve

TIME_LIMIT = 5.0     # seconds per solve: the demo is loaded in well under a minute
WORKERS = 1          # one CP-SAT worker, fixed seed: the same plan on every load
UNITS = 12           # the communes in play: the first of the tree

# (name, description, what differs from the first scenario)
EXAMPLES: tuple[tuple[str, str, dict], ...] = (
    ("Ví dụ 1 — Luân chuyển cán bộ cấp xã: lấp vị trí khuyết",
     "Phương án mẫu: lấp mọi vị trí khuyết (bắt buộc) của %(n)s xã, phường bằng cán bộ trong quy hoạch; "
     "chỉ tiêu nữ 25%% (khuyến khích).",
     {}),
    ("Ví dụ 2 — Như ví dụ 1, chỉ tiêu nữ 35%",
     "Phương án mẫu: như ví dụ 1, nâng chỉ tiêu cán bộ nữ lên 35%% và khuyến khích cán bộ dân tộc thiểu số 30%%.",
     {"targets": {"female": TargetSetting(SOFT, 0.35), "minority": TargetSetting(SOFT, 0.30)}}),
    ("Ví dụ 3 — Như ví dụ 1, ít lượt điều động nhất",
     "Phương án mẫu: như ví dụ 1, mỗi lượt điều động bị trừ điểm nhiều hơn (trọng số 40): chỉ điều động khi thật cần.",
     {"weights": {"fit": 1, "development": 1, "structure": 50, "moves": 40, "baseline": 0}}),
)


def example_units(session: Session, count: int = UNITS) -> list[str]:
    """The first communes of the tree (wards and communes), in the tree's order."""
    rows = session.exec(select(Unit.code).where(Unit.code.startswith("XA-") | Unit.code.startswith("PH-"))
                        .order_by(Unit.sort_order, Unit.code).limit(count)).all()
    return list(rows)


def prepare(session: Session, runner, commit: Callable[[], None] | None = None) -> list[SolveRun]:
    """Create the example scenarios (when none exists yet) and queue their solves; the solves
    run when the caller commits (inline with an inline runner). Returns the runs queued."""
    if session.exec(select(Scenario.id).limit(1)).first() is not None:
        return []
    codes = example_units(session)
    if not codes:
        return []
    day = scenarios.default_rotation_date(session)
    runs = []
    for name, description, changes in EXAMPLES:
        settings = ScenarioSettings(unit_codes=codes, time_limit=TIME_LIMIT, fill_vacancies=HARD, **changes)
        scenario = scenarios.create(session, name=name, rotation_date=day, settings=settings,
                                    description=description % {"n": len(codes)})
        runs.append(start_solve(session, runner, scenario, label="Ví dụ", workers=WORKERS))
    if commit is not None:
        commit()
    return runs
