"""The data stamp: every service that writes bumps it in the same transaction; readers
that keep derived facts in memory (the planning world) rebuild them when it moves."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import DataStamp


def bump(session: Session) -> None:
    result = session.execute(sa.update(DataStamp).where(DataStamp.id == 1).values(counter=DataStamp.counter + 1))
    if result.rowcount == 0:
        # A random start, so a database emptied and refilled never repeats a stamp.
        session.add(DataStamp(id=1, counter=secrets.randbelow(2**30) + 1))  # fits a 32-bit INTEGER
        session.flush()


def current(session: Session) -> int:
    return session.exec(select(DataStamp.counter).where(DataStamp.id == 1)).one_or_none() or 0
