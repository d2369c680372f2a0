"""Read-only queries shared by pages, the CLI and reports."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Title, Unit


def province_stats(session: Session) -> dict[str, int]:
    count = lambda model: session.exec(select(sa.func.count()).select_from(model)).one()  # noqa: E731
    return {"cadres": count(Cadre), "units": count(Unit), "titles": count(Title)}
