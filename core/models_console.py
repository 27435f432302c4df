"""The support console's tables (agents, cases, notes): see the console issue."""

from __future__ import annotations

from core.models import Base  # noqa: F401
