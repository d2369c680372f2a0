"""The demo province and the small test province: the CSV lists under fixtures/,
loaded through the same importer a user's files go through."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db import like
from quyhoach.db.models import Cadre
from quyhoach.services.records import importer
from quyhoach.services.records.tabular import LOAD_ORDER, SHEETS, Problem

DEMO = "demo"
SMALL = "small"


def fixtures_dir() -> Path:
    """fixtures/ of the checkout, or the copy a wheel carries as `quyhoach.fixtures`."""
    spec = importlib.util.find_spec("quyhoach.fixtures")
    if spec and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parents[4] / "fixtures"


@dataclass
class DemoReport:
    results: list[importer.ImportResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def kind(self) -> str:
        return next((r.kind for r in self.results if not r.ok), "")

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.results for p in r.problems]

    def count(self, kind: str) -> int:
        return sum(r.created + r.updated for r in self.results if r.kind == kind)

    def summary(self) -> str:
        """How many rows of each list, a list loaded in several files (a large province's
        evaluations) counted once."""
        kinds = dict.fromkeys(r.kind for r in self.results)
        return ", ".join(f"{self.count(kind):,} {SHEETS[kind].noun}".replace(",", ".") for kind in kinds)


def is_empty(session: Session) -> bool:
    return session.exec(select(sa.func.count()).select_from(Cadre)).one() == 0


def load(session: Session, name: str = DEMO, folder: Path | None = None) -> DemoReport:
    """Load every list of a fixture set, in reference order; stops at the first list with
    problems (the caller then rolls the whole load back)."""
    folder = folder or fixtures_dir() / name
    if not folder.is_dir():
        raise FileNotFoundError(f"không thấy thư mục dữ liệu mẫu {folder}")
    report = DemoReport()
    for kind in LOAD_ORDER:
        path = folder / f"{kind}.csv"
        if not path.exists():
            continue
        for number, data in enumerate(pieces(path.read_bytes()), start=1):
            result = importer.run(session, kind, data, path.name if number == 1 else f"{path.stem}-{number}{path.suffix}")
            report.results.append(result)
            if not result.ok:
                return report
    return report


CHUNK_ROWS = 100_000  # under the importer's limit on one file (tabular.MAX_ROWS)


def pieces(data: bytes) -> Iterator[bytes]:
    """A list longer than one file may be (the ratings of a generated 100,000-cadre province:
    about 1.8 million rows) as several files of CHUNK_ROWS rows, each with the header, made
    one at a time as they are read (the generator's own check reads its lists so too)."""
    if data.count(b"\n") <= CHUNK_ROWS + 1:
        yield data
        return
    import csv
    import io
    import itertools

    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = next(reader)
    while piece := list(itertools.islice(reader, CHUNK_ROWS)):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *piece])
        yield ("\ufeff" + buffer.getvalue()).encode("utf-8")


def generator_module():
    """fixtures/generate.py: `quyhoach.fixtures.generate` in a wheel, the checkout's file in
    an editable install (where `quyhoach.fixtures` is not importable)."""
    import sys

    try:  # by name: the fixtures are data beside the package, not a layer of it
        return importlib.import_module("quyhoach.fixtures.generate")
    except ImportError:
        name = "quyhoach_fixtures_generate"
        if name not in sys.modules:
            spec = importlib.util.spec_from_file_location(name, fixtures_dir() / "generate.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # dataclasses look their module up while the class is made
            spec.loader.exec_module(module)
        return sys.modules[name]


def generated(session: Session, n_cadres: int, provinces: int = 0, seed: int | None = None) -> DemoReport:
    """A generated province of `n_cadres` (or a country of `provinces` provinces sharing them),
    written as the same CSV lists and loaded through the importer like the demo. Deterministic:
    the same arguments give the same data (fixtures/generate.py)."""
    import tempfile

    generator = generator_module()
    seed = generator.DEMO["seed"] if seed is None else seed
    if provinces:
        rows = generator.country(provinces, n_cadres, seed)
    else:
        rows = generator.generate(**generator.sized(n_cadres, seed))
    with tempfile.TemporaryDirectory(prefix="quyhoach-demo-") as folder:
        generator.write(rows, folder)
        return load(session, folder=Path(folder))


# Accounts for trying the demo province, one per role, plus a commune officer who sees only
# his commune. The README lists them; a real installation creates its own with
# `quyhoach user create` and never loads the demo.
DEMO_PASSWORD = "quyhoach-demo-2026"
DEMO_USERS = (
    ("admin", "Quản trị hệ thống", "admin", None),
    ("bantochuc", "Cán bộ Ban Tổ chức Tỉnh ủy", "org_board", None),
    ("thuongvu", "Ủy viên Ban Thường vụ Tỉnh ủy", "standing_committee", None),
    ("xem", "Người xem", "viewer", None),
)


CENTRAL_CODE = "TW"  # the central root of a generated country (fixtures/generate.py, `country`)


def create_demo_users(session: Session) -> list[str]:
    """The demo accounts that are missing (idempotent); the commune officer is scoped to the
    first commune of the tree. In a generated country (a central root over the provinces):
    the central Organization Board's officer `bantochuc.tw`, scoped to the central root and
    so to every province, and one Organization Board officer per province, scoped to that
    province's tree (`bantochuc.t01`, ...)."""
    from quyhoach.db.models import Unit, User
    from quyhoach.services.platform import auth

    created = []
    commune = session.exec(select(Unit).where(like.starts_with(Unit.code, "XA-")).order_by(Unit.sort_order, Unit.code)).first()
    users = list(DEMO_USERS)
    central = session.exec(select(Unit).where(Unit.code == CENTRAL_CODE, Unit.parent_id.is_(None))).one_or_none()
    if central is not None:
        users.append(("bantochuc.tw", "Cán bộ Ban Tổ chức Trung ương", "org_board", central.code))
        provinces = [u for u in session.exec(select(Unit).where(Unit.parent_id == central.id).order_by(Unit.code))
                     if not u.code.startswith(f"{CENTRAL_CODE}-")]  # not the centre's own bodies
        for province in provinces:
            prefix = province.code.split("-")[0]
            users.append((f"bantochuc.{prefix.lower()}", f"Cán bộ Ban Tổ chức {province.name}", "org_board",
                          province.code))
        if commune is None and provinces:
            commune = session.exec(select(Unit).where(like.starts_with(Unit.code, f"{provinces[0].code.split('-')[0]}-XA-"))
                                   .order_by(Unit.sort_order, Unit.code)).first()
    if commune is not None:
        users.append(("canbo.xa", f"Cán bộ tổ chức {commune.name}", "org_board", commune.code))
    for username, name, role, unit in users:
        if session.exec(select(User).where(User.username == username)).one_or_none() is None:
            auth.create_user(session, username=username, full_name=name, password=DEMO_PASSWORD, role=role,
                             scope_unit_code=unit)
            created.append(username)
    return created
