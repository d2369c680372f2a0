"""The rotation optimiser: a fully prepared problem in, a plan out.

    from solver import solve, Options, load_problem, check
    plan = solve(load_problem("problem.json"), Options(time_limit=5))
    report = check(problem, plan)        # the independent checker

Imports OR-Tools, networkx, numpy and scipy; never Flask or the database. See
solver/README.md for the formats and the algorithm.
"""

from .checker import CheckReport, check
from .engine import solve
from .summary import summary_lines
from .diagnosis import open_posts_left
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
