"""The whole database schema in one metadata: the core's tables (core/models.py) and those
kept beside their features (the console's, the App Store feed's, Twilio's call events). Import
this wherever every table is meant: the migrations, the app (core/db.py), the tests, the bench.
The feature models build on core/models.py; it names none of them."""

from __future__ import annotations

from core import models_appstore, models_console, models_insights, models_twilio  # noqa: F401 - their tables join the metadata
from core.models import Base

ALL_TABLES = [t.name for t in reversed(Base.metadata.sorted_tables)]

__all__ = ["ALL_TABLES", "Base"]
