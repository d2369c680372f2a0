"""JSON in, JSON out: the problem and the plan as plain dictionaries.

The shapes are those of the dataclasses in `solver.model`, field for field, and are
described by `solver/schema/problem.schema.json` and `plan.schema.json`. Reading is
strict: an unknown field, a wrong type or a dangling reference is an error naming the
place (`posts[12].unit`), so a malformed file never reaches the model.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import types
import typing
from functools import cache
from pathlib import Path
from collections.abc import Iterator, Sequence
from typing import Any, Union, cast

import msgspec

from .messages import phrasebook
from .model import Options, Plan, Problem

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
FORMAT = "quyhoach.rotation-problem/1"
PLAN_FORMAT = "quyhoach.rotation-plan/1"


class ProblemFormatError(ValueError):
    """The JSON does not describe a valid problem; the message names the place."""


# --------------------------------------------------------------------------------------
# dataclass <-> dict


def _to_plain(value: Any, *, keep_defaults: bool) -> Any:
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if not keep_defaults and _is_default(f, v):
                continue
            out[f.name] = _to_plain(v, keep_defaults=keep_defaults)
        return out
    if isinstance(value, (list, tuple)):
        return [_to_plain(v, keep_defaults=keep_defaults) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_plain(v, keep_defaults=keep_defaults) for k, v in value.items()}
    return value


def _is_default(f: dataclasses.Field[Any], value: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return bool(value == f.default)
    if f.default_factory is not dataclasses.MISSING:
        return bool(value == f.default_factory())
    return False


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_plain(tp: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if data is None:
            return None
        return _from_plain(args[0], data, where) if len(args) == 1 else data
    if origin is list:
        if not isinstance(data, list):
            raise ProblemFormatError(f"{where}: cần một danh sách (list), nhận {type(data).__name__}")
        (item,) = typing.get_args(tp)
        return [_from_plain(item, v, f"{where}[{i}]") for i, v in enumerate(data)]
    if origin is dict:
        if not isinstance(data, dict):
            raise ProblemFormatError(f"{where}: cần một đối tượng (object)")
        _, item = typing.get_args(tp)
        return {str(k): _from_plain(item, v, f"{where}.{k}") for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise ProblemFormatError(f"{where}: cần một đối tượng (object)")
        hints = _hints(cast(type, tp))
        names = {f.name for f in dataclasses.fields(tp)}
        unknown = set(data) - names
        if unknown:
            raise ProblemFormatError(f"{where}: trường không có trong định dạng: {', '.join(sorted(unknown))}")
        kwargs = {k: _from_plain(hints[k], v, f"{where}.{k}") for k, v in data.items()}
        try:
            return cast(type, tp)(**kwargs)
        except TypeError as exc:
            missing = [f.name for f in dataclasses.fields(tp)
                       if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                       and f.name not in data]
            raise ProblemFormatError(f"{where}: thiếu trường bắt buộc: {', '.join(missing)}") from exc
    if tp is bool:
        if not isinstance(data, bool):
            raise ProblemFormatError(f"{where}: cần true/false, nhận {data!r}")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            if isinstance(data, float) and data.is_integer():
                return int(data)
            raise ProblemFormatError(f"{where}: cần một số nguyên, nhận {data!r}")
        return data
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise ProblemFormatError(f"{where}: cần một số, nhận {data!r}")
        return float(data)
    if tp is str:
        if not isinstance(data, str):
            raise ProblemFormatError(f"{where}: cần một chuỗi, nhận {data!r}")
        return data
    return data


class _Slow(Exception):
    """The fast reader met something it does not accept as is: the reference reader decides."""


_Converter = typing.Callable[[Any], Any]
_ANY: frozenset[type] = frozenset()


def _slow(_: Any) -> Any:
    raise _Slow


def _identity(value: Any) -> Any:
    return value


@cache
def _fast(tp: Any) -> tuple[frozenset[type], _Converter]:
    """For a type: the JSON types taken as they are, and a converter for everything else.

    The same decisions as `_from_plain`, taken once per type instead of once per value; the
    converter raises `_Slow` where `_from_plain` would raise, so that the error (and its place)
    always comes from `_from_plain`. Reading is then one dictionary look-up and one type test
    per value, linear in the size of the file."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return _ANY, _identity
        accepted, convert = _fast(args[0])
        return accepted | {type(None)}, convert
    if origin is list:
        (item,) = typing.get_args(tp)
        item_accepted, item_convert = _fast(item)

        def convert_list(data: Any) -> Any:
            if type(data) is not list:
                raise _Slow
            if item_accepted.issuperset(map(type, data)):
                return data[:]
            return [v if type(v) in item_accepted else item_convert(v) for v in data]
        return frozenset(), convert_list
    if origin is dict:
        _, item = typing.get_args(tp)
        item_accepted, item_convert = _fast(item)

        def convert_dict(data: Any) -> Any:
            if type(data) is not dict:
                raise _Slow
            return {str(k): v if type(v) in item_accepted else item_convert(v) for k, v in data.items()}
        return frozenset(), convert_dict
    if dataclasses.is_dataclass(tp):
        return frozenset(), _object_reader(cast(type, tp))
    if tp is bool:
        return frozenset({bool}), _slow
    if tp is int:
        return frozenset({int}), _int
    if tp is float:
        return frozenset({float}), _float
    if tp is str:
        return frozenset({str}), _slow
    return _ANY, _identity


def _object_reader(cls: type) -> _Converter:
    """A reader for one dataclass, written out field by field: one test per field present, the
    JSON object itself passed to the constructor unless a value needs converting (a list is
    always copied, so that the problem shares nothing with the JSON it was read from)."""
    hints = _hints(cls)
    names = frozenset(f.name for f in dataclasses.fields(cls))
    env: dict[str, Any] = {"cls": cls, "names": names, "_Slow": _Slow, "dict": dict, "type": type,
                           "list": list, "map": map}
    lines = ["def read(data):",
             "    if type(data) is not dict or not names.issuperset(data):",
             "        raise _Slow",
             "    kwargs = data"]
    for i, f in enumerate(dataclasses.fields(cls)):
        accepted, convert = _fast(hints[f.name])
        env[f"a{i}"], env[f"c{i}"] = accepted, convert
        lines.append(f"    if {f.name!r} in data:")
        lines.append(f"        v = data[{f.name!r}]")
        origin = typing.get_origin(hints[f.name])
        item_accepted = _fast(typing.get_args(hints[f.name])[0])[0] if origin is list else frozenset()
        if item_accepted:        # a list of plain values: copied as it is when every item is accepted
            env[f"i{i}"] = item_accepted
            lines += ["        if kwargs is data:",
                      "            kwargs = data.copy()",
                      f"        kwargs[{f.name!r}] = v[:] if type(v) is list and i{i}.issuperset(map(type, v)) "
                      f"else c{i}(v)"]
            continue
        if len(accepted) == 1:
            env[f"t{i}"] = next(iter(accepted))
            lines.append(f"        if type(v) is not t{i}:")
        else:
            lines.append(f"        if type(v) not in a{i}:")
        lines += ["            if kwargs is data:",
                  "                kwargs = data.copy()",
                  f"            kwargs[{f.name!r}] = c{i}(v)"]
    lines.append("    return cls(**kwargs)")
    exec("\n".join(lines), env)        # noqa: S102 - code written here from the dataclass's own field names
    return cast(_Converter, env["read"])


def _int(data: Any) -> int:
    if isinstance(data, float) and data.is_integer():
        return int(data)
    raise _Slow


def _float(data: Any) -> float:
    if type(data) is int:
        return float(data)
    raise _Slow


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while a file becomes objects: it would otherwise scan
    every object already made each few hundred allocations (reading a 30,000-cadre problem took
    three times as long). The objects read form no cycles; the collector is restored after.

    The objects made meanwhile are handed to the oldest generation (`freeze` then `unfreeze`,
    which moves them without looking at them), where a long-lived problem belongs: otherwise
    the first allocation after `enable` scans them all as young objects (0.17 s of CPU after a
    30,000-cadre problem, a third of its reading)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def _read(tp: Any, data: Any, where: str) -> Any:
    """`_from_plain(tp, data, where)`, fast: anything the fast reader does not take as is goes to
    `_from_plain`, which gives the same result or the same error."""
    try:
        with _no_gc():
            return _fast(tp)[1](data)
    except Exception:       # noqa: BLE001 - any doubt: the reference reader decides, and raises its own error
        return _from_plain(tp, data, where)


# --------------------------------------------------------------------------------------
# Problem


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    out: dict[str, Any] = {"format": FORMAT}
    out.update(_to_plain(problem, keep_defaults=False))
    # rules and weights are always written out in full: the plan is only readable with them
    out["rules"] = _to_plain(problem.rules, keep_defaults=True)
    out["weights"] = _to_plain(problem.weights, keep_defaults=True)
    return out


def problem_from_dict(data: dict[str, Any]) -> Problem:
    if not isinstance(data, dict):
        raise ProblemFormatError("tệp bài toán phải là một đối tượng JSON")
    data = dict(data)
    data.pop("words", None)   # the web's words for the problem's texts (names, reasons): not the solver's
    fmt = data.pop("format", FORMAT)
    if fmt != FORMAT:
        raise ProblemFormatError(f"định dạng '{fmt}' không được hỗ trợ (cần '{FORMAT}')")
    problem: Problem = _read(Problem, data, "problem")
    validate_references(problem)
    return problem


def validate_references(problem: Problem) -> None:
    """Ids are unique and every reference points at something that exists."""
    def unique(items: Sequence[Any], what: str) -> set[str]:
        ids: list[str] = [x.id for x in items]
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dup = None
            for i in ids:
                if i in seen:
                    dup = i
                    break
                seen.add(i)
            raise ProblemFormatError(f"{what}: mã '{dup}' bị trùng")
        return set(ids)

    unit_ids = unique(problem.units, "units")
    post_ids = unique(problem.posts, "posts")
    cadre_ids = unique(problem.cadres, "cadres")
    target_ids = unique(problem.targets, "targets")
    del target_ids
    holders: dict[str, str] = {}
    for i, p in enumerate(problem.posts):
        if p.unit not in unit_ids:
            raise ProblemFormatError(f"posts[{i}].unit: không có đơn vị '{p.unit}'")
        if p.holder is not None:
            if p.holder not in cadre_ids:
                raise ProblemFormatError(f"posts[{i}].holder: không có cán bộ '{p.holder}'")
            if p.holder in holders:
                raise ProblemFormatError(
                    f"posts[{i}].holder: cán bộ '{p.holder}' đã giữ vị trí '{holders[p.holder]}'")
            holders[p.holder] = p.id
    # the candidates in bulk (set differences); the first dangling one is looked for only when there is one
    if not cadre_ids.issuperset([c.cadre for c in problem.candidates]) or \
            not post_ids.issuperset([c.post for c in problem.candidates]):
        for i, c in enumerate(problem.candidates):
            if c.cadre not in cadre_ids:
                raise ProblemFormatError(f"candidates[{i}].cadre: không có cán bộ '{c.cadre}'")
            if c.post not in post_ids:
                raise ProblemFormatError(f"candidates[{i}].post: không có vị trí '{c.post}'")
    for i, r in enumerate(problem.relations):
        for side in ("a", "b"):
            if getattr(r, side) not in cadre_ids:
                raise ProblemFormatError(f"relations[{i}].{side}: không có cán bộ '{getattr(r, side)}'")
    for i, t in enumerate(problem.targets):
        if t.attribute not in ("female", "minority", "age"):
            raise ProblemFormatError(f"targets[{i}].attribute: '{t.attribute}' (cần female, minority hoặc age)")
        if (t.unit is None) == (t.level is None):
            raise ProblemFormatError(f"targets[{i}]: cần đúng một trong hai phạm vi 'unit' hoặc 'level'")
        if t.unit is not None and t.unit not in unit_ids:
            raise ProblemFormatError(f"targets[{i}].unit: không có đơn vị '{t.unit}'")
    for name in ("pinned", "forbidden", "baseline"):
        for i, a in enumerate(getattr(problem, name)):
            if a.cadre not in cadre_ids:
                raise ProblemFormatError(f"{name}[{i}].cadre: không có cán bộ '{a.cadre}'")
            if a.post is not None and a.post not in post_ids:
                raise ProblemFormatError(f"{name}[{i}].post: không có vị trí '{a.post}'")


def load_problem(path: str | Path) -> Problem:
    """Read a problem file. The bytes go in one step (msgspec, in C) to structs of the same
    fields and types as the model's dataclasses, refusing any other field, then to the
    dataclasses; a file that is not read as it is (a wrong type, an unknown or missing field,
    a whole number written as a float, bad JSON) is read again by the reference reader, which
    gives the same result or the same error naming the place."""
    raw = Path(path).read_bytes()
    with _no_gc():
        problem = _decode_problem(raw)
        if problem is not None:
            validate_references(problem)
            return problem
    try:
        with _no_gc():
            data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProblemFormatError(f"JSON không hợp lệ: {exc}") from exc
    return problem_from_dict(data)


@dataclasses.dataclass(slots=True)
class _ProblemFile(Problem):
    """A problem file: the problem, then its format tag."""

    format: str = FORMAT


def _struct_type(tp: Any) -> Any:
    """The msgspec type of a model type: a dataclass becomes its struct (`_struct_of`)."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _struct_type(args[0]) | None if len(args) == 1 and type(None) in typing.get_args(tp) else tp
    if origin is list:
        return list[_struct_type(typing.get_args(tp)[0])]  # type: ignore[misc]
    if origin is dict:
        key, value = typing.get_args(tp)
        return dict[key, _struct_type(value)]  # type: ignore[misc,valid-type]
    if dataclasses.is_dataclass(tp):
        return _struct_of(cast(type, tp))
    return tp


@cache
def _struct_of(cls: type) -> type:
    """A msgspec struct with the dataclass's fields, types and defaults, refusing other fields
    (msgspec would ignore them on the dataclass itself)."""
    hints = _hints(cls)
    fields: list[tuple[str, Any, Any] | tuple[str, Any]] = []
    for f in dataclasses.fields(cls):
        tp = _struct_type(hints[f.name])
        if f.default is not dataclasses.MISSING:
            fields.append((f.name, tp, f.default))
        elif f.default_factory is not dataclasses.MISSING:
            factory = _struct_of(f.default_factory) if dataclasses.is_dataclass(f.default_factory) else f.default_factory
            fields.append((f.name, tp, msgspec.field(default_factory=factory)))
        else:
            fields.append((f.name, tp))
    return msgspec.defstruct(f"{cls.__name__}Json", fields, kw_only=True, forbid_unknown_fields=True, gc=False)


@cache
def _to_model(cls: type) -> _Converter:
    """struct -> dataclass, field by field in order; only the fields holding objects converted."""
    hints = _hints(cls)
    nested: list[tuple[int, _Converter]] = []
    for k, f in enumerate(dataclasses.fields(cls)):
        convert = _nested_converter(hints[f.name])
        if convert is not None:
            nested.append((k, convert))
    astuple = msgspec.structs.astuple
    if not nested:
        return lambda s: cls(*astuple(s))

    def convert_object(s: Any) -> Any:
        values = list(astuple(s))
        for k, convert in nested:
            values[k] = convert(values[k])
        return cls(*values)
    return convert_object


def _nested_converter(tp: Any) -> _Converter | None:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _nested_converter(args[0]) if len(args) == 1 else None
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin is list:
        item = _nested_converter(typing.get_args(tp)[0])
        return None if item is None else (lambda v: [item(x) for x in v])
    if dataclasses.is_dataclass(tp):
        return _to_model(cast(type, tp))
    return None


@cache
def _decoder() -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(_struct_of(_ProblemFile))


def _decode_problem(raw: bytes) -> Problem | None:
    """The problem in `raw` when it is read as it is, else None (the reference reader decides)."""
    try:
        decoded = _decoder().decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    if decoded.format != FORMAT:
        return None
    file = _to_model(_ProblemFile)(decoded)
    return Problem(*[getattr(file, f.name) for f in dataclasses.fields(Problem)])


def dump_problem(problem: Problem, path: str | Path) -> None:
    Path(path).write_text(json.dumps(problem_to_dict(problem), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------
# Plan and options


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {"format": PLAN_FORMAT}
    out.update(_to_plain(plan, keep_defaults=True))
    out["words"] = phrasebook(plan)   # the messages' msgids and arguments, for the web (messages.Said)
    return out


def plan_from_dict(data: dict[str, Any]) -> Plan:
    data = dict(data)
    data.pop("format", None)
    data.pop("words", None)
    plan: Plan = _read(Plan, data, "plan")
    return plan


def dump_plan(plan: Plan, path: str | Path) -> None:
    Path(path).write_text(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_plan(path: str | Path) -> Plan:
    with _no_gc():
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    return plan_from_dict(data)


def options_from_dict(data: dict[str, Any]) -> Options:
    """Options from JSON (the callbacks cannot come from a file)."""
    data = {k: v for k, v in data.items() if k not in ("progress", "stop")}
    options: Options = _from_plain(Options, data, "options")
    return options
