"""docs/RULES.md and the code agree: every rule id of the reference names the one function
that decides it, that function exists, and the registry of `quyhoach.domain` says the same."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import quyhoach.domain
from quyhoach.domain import registry
from quyhoach.domain.rulesets import BUILTIN

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"
HEADING = re.compile(r"^### ([PSRE]\d+) — ", re.M)
DECIDED = re.compile(r"^- \*\*Decided by\*\*: `([\w.]+)`", re.M)
PARAMETER = re.compile(r"`(planning|rating|retirement)\.(\w+)`")
ALL_IDS = ([f"P{i}" for i in range(1, 16)] + [f"S{i}" for i in range(1, 6)]
           + [f"R{i}" for i in range(1, 10)] + [f"E{i}" for i in range(1, 7)])

# importing a module registers its rules: import every module of the domain package
for _module in pkgutil.iter_modules(quyhoach.domain.__path__):
    importlib.import_module(f"quyhoach.domain.{_module.name}")


def _entries() -> list[tuple[str, str]]:
    """(rule id, entry text) in the order of the page."""
    text = RULES_MD.read_text(encoding="utf-8")
    heads = list(HEADING.finditer(text))
    return [(m.group(1), text[m.end():heads[i + 1].start() if i + 1 < len(heads) else len(text)])
            for i, m in enumerate(heads)]


def _decided_by() -> dict[str, str]:
    out = {}
    for rule_id, body in _entries():
        named = DECIDED.findall(body)
        assert len(named) == 1, f"{rule_id}: {len(named)} 'Decided by' lines"
        out[rule_id] = named[0]
    return out


def _resolve(path: str) -> Any:
    """Import the longest module prefix of a dotted path, then read the attributes after it
    (a method is named as module.Class.method)."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name)
        return target
    raise ModuleNotFoundError(path)


def test_every_rule_id_has_exactly_one_entry():
    counts = Counter(rule_id for rule_id, _ in _entries())
    assert sorted(counts, key=ALL_IDS.index) == ALL_IDS
    assert [rule_id for rule_id, n in counts.items() if n > 1] == []


@pytest.mark.parametrize(("rule_id", "path"), sorted(_decided_by().items()))
def test_the_function_named_exists_and_the_registry_agrees(rule_id, path):
    fn = _resolve(path)
    assert callable(fn), path
    if path.startswith("quyhoach.domain."):
        assert registry.function_for(rule_id) is fn, f"{rule_id}: registry has {registry.function_for(rule_id)}"


def test_every_registered_rule_is_in_the_reference():
    decided = _decided_by()
    missing = sorted(set(registry.RULES) - set(decided))
    assert missing == []
    for rule_id, fn in registry.RULES.items():
        assert decided[rule_id] == f"{fn.__module__}.{fn.__qualname__}", rule_id


def test_every_parameter_named_exists_in_each_shipped_rule_set_of_its_domain():
    named = set(PARAMETER.findall(RULES_MD.read_text(encoding="utf-8")))
    assert named
    for domain, name in sorted(named):
        sets = [r for r in BUILTIN if r.domain == domain]
        assert sets and all(name in r.params for r in sets), f"{domain}.{name}"
