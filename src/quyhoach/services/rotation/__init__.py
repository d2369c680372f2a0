"""Rotation scenarios (Luân chuyển): from the records to a solver problem, the solve as a
background job, parameter sweeps, comparison, relaxing a rule, adoption.

- `settings`: ScenarioSettings, TargetSetting, validate, ScenarioError
- `problem`: build_problem in named steps; `problem_for`, the one builder of a scenario's problem
- `scenarios`: create, update, copy, relax (how a scenario was derived is stored on it)
- `solving`: start_solve, start_sweep, the job handler `solving.solve_job` ("rotation.solve")
- `adoption`: adopt, and the recheck of a plan against records changed since its solve
- `chains`: the vacancy chains of a plan as the solver decomposed them, for page, report and graph
- `views`: what the pages read from the stored runs (figures, status, comparison)

Importing this package registers the solve job's handler. The names below are re-exported
for the call sites that read `rotation.X`; new code imports the submodule it needs.
"""

from __future__ import annotations

from quyhoach.services.rotation.adoption import adopt
from quyhoach.services.rotation.problem import BuiltProblem, build_problem, problem_for
from quyhoach.services.rotation.scenarios import RELAXABLE, StaleScenarioError, copy, create, relax, update
from quyhoach.services.rotation.settings import (
    HARD, OFF, SOFT, TARGET_ATTRIBUTES, ScenarioError, ScenarioSettings, TargetSetting, validate,
)
from quyhoach.services.rotation.solving import SWEEPABLE, plan_of, problem_of, solve_job, start_solve, start_sweep
from quyhoach.services.rotation.views import compare_holders

__all__ = [
    "BuiltProblem", "HARD", "OFF", "RELAXABLE", "SOFT", "SWEEPABLE", "TARGET_ATTRIBUTES", "ScenarioError",
    "ScenarioSettings",
    "StaleScenarioError", "TargetSetting", "adopt", "build_problem", "compare_holders", "copy", "create", "plan_of",
    "problem_for", "problem_of", "relax", "solve_job", "start_solve", "start_sweep", "update", "validate",
]
