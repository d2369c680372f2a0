"""The rotation optimiser: a fully prepared problem in, a plan out.

    from solver import solve, Options, load_problem, check
    plan = solve(load_problem("problem.json"), Options(time_limit=5))
    report = check(problem, plan)        # the independent checker

Imports OR-Tools, networkx, numpy and scipy (on the first `solve` or `open_posts_left`: the
formats, the model and the checker are read without them); never Flask or the database. See
solver/README.md for the formats and the algorithm.
"""

from typing import TYPE_CHECKING, Any

from .checker import CheckReport, check
from .summary import summary_lines
from .io import (
    ProblemFormatError,
    dump_plan,
    dump_problem,
    load_plan,
    load_problem,
    plan_from_dict,
    plan_to_dict,
    problem_from_dict,
    problem_to_dict,
)
from .model import (
    Assignment,
    Cadre,
    Candidate,
    Chain,
    Conflict,
    Diagnosis,
    Discipline,
    Move,
    OpenPost,
    Options,
    Plan,
    Post,
    Problem,
    Progress,
    Relation,
    Rules,
    StructureFigure,
    Target,
    Term,
    Unit,
    Weights,
)

__all__ = [
    "Assignment", "Cadre", "Candidate", "Chain", "CheckReport", "Conflict", "Diagnosis", "Discipline",
    "Move", "OpenPost", "Options", "Plan", "Post", "Problem", "ProblemFormatError", "Progress", "Relation", "Rules",
    "StructureFigure", "Target", "Term", "Unit", "Weights", "check", "dump_plan", "dump_problem",
    "load_plan", "open_posts_left", "load_problem", "plan_from_dict", "plan_to_dict", "problem_from_dict",
    "problem_to_dict", "solve", "summary_lines",
]

if TYPE_CHECKING:
    from .diagnosis import open_posts_left
    from .engine import solve

_LAZY = {"solve": "engine", "open_posts_left": "diagnosis"}   # the numerical stack, imported when first used


def __getattr__(name: str) -> Any:
    """PEP 562: `solver.solve` and `solver.open_posts_left` import OR-Tools, numpy and scipy
    only when first read, so that a process reading problems and plans (the web pages, the
    command line) does not pay for them."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
