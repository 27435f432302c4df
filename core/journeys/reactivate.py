"""REACTIVATE (R12): a line that lapsed or was suspended for a reason other than its user's."""

from __future__ import annotations

from core import policy, services
from core.journeys import Journey, Turn
from core.reply import Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    decision = policy.decide_reactivate(c.line_facts(summary), t.now)
    if not decision.allowed:
        return c.refused(s, t, "reactivate_line", decision.reason, summary["number"])
    return c.propose(s, t, {"action": "reactivate", "number": summary["number"]})


def apply(db, pending: dict, **kw):
    return services.reactivate_line(db, **kw)


JOURNEY = Journey("reactivate", start, apply=apply, changes=True,
                  prompts=("refused_already_active", "refused_number_released", "refused_user_cancelled",
                           "refused_not_reactivatable"))
