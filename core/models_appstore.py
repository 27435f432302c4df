"""App Store Server Notifications V2 (R23): the notifications received, once each."""

from __future__ import annotations

from core.models import Base  # noqa: F401
