"""Reading state back from the database in tests."""

from __future__ import annotations

import socket

from sqlalchemy import func, select

from core.models import Line, Plan


def plan(deps, login: str, product: str) -> Plan:
    with deps.db() as s:
        return s.execute(select(Plan).join(Line).where(Line.login_id == login, Plan.product == product)).scalar_one()


def line(deps, login: str) -> Line:
    with deps.db() as s:
        return s.execute(select(Line).where(Line.login_id == login)).scalar_one()


def count(deps, model, *where) -> int:
    with deps.db() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
