"""The architecture as the README draws it, checked: the layers (web and command line over
reports, over services, over the database, over the domain), services grouped by feature in
their own layers, a pure domain, a solver that stands alone (the contracts in pyproject.toml's
[tool.importlinter]), and no import cycle anywhere, lazy imports inside functions included."""

from __future__ import annotations

from pathlib import Path

import grimp
import networkx as nx
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_no_module_takes_part_in_an_import_cycle():
    graph = grimp.build_graph("quyhoach", "solver", include_external_packages=False)
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = [sorted(group) for group in nx.strongly_connected_components(edges) if len(group) > 1]
    assert cycles == []


def test_every_package_of_the_source_ships_in_the_wheel():
    # pyproject lists its packages (the design card maps templates/, fixtures/ and solver/ in by
    # hand); a package missing from the list works from a checkout and breaks an installed wheel.
    import tomllib

    from setuptools import find_packages

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set(find_packages(str(ROOT / "src"))) | {"solver"}
    assert found - listed == set()
