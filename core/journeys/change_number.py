"""CHANGE NUMBER (R11 fix 4): a new number from the pool, same area code first."""

from __future__ import annotations

from core import services
from core.journeys import Journey, Turn
from core.reply import Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    if summary["status"] != "active":
        return c.refused(s, t, "change_number", "line_not_active", summary["number"])
    return c.propose(s, t, {"action": "change_number", "number": summary["number"]})


def apply(db, pending: dict, **kw):
    return services.change_number(db, **kw)


JOURNEY = Journey("change_number", start, apply=apply, changes=True,
                  prompts=("refused_line_not_active", "refused_no_numbers_available"))
