"""REACTIVATE (R12): a line that lapsed or was suspended for a reason other than its user's.
The answer says what happens next: whether its plan renews, until when it works, and what
the customer must do to keep it (issue 12)."""

from __future__ import annotations

from core import policy, services
from core.journeys import Journey, Names, Turn
from core.reply import Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    state = c.line_state(summary)
    decision = policy.decide_reactivate(c.line_facts(summary), t.now)
    if not decision.allowed:
        return c.refused(s, t, "reactivate_line", decision.reason, summary["number"], **state)
    return c.propose(s, t, {"action": "reactivate", "number": summary["number"], "term_end": state["term_end"],
                            "renews": state["renews"]})


def apply(db, pending: dict, **kw):
    return services.reactivate_line(db, **kw)


# "my line got cancelled" asks to reactivate; "cancel my suspended line" and "my husband
# cancelled his line" (someone else's: the lexicon drops it) do not.
JOURNEY = Journey("reactivate", start, apply=apply, changes=True, menu=("more", "1"),
                  names=Names.of("reactivate", "lapsed line -cancel"),
                  prompts=("refused_already_active", "refused_number_released", "refused_user_cancelled",
                           "refused_not_reactivatable"))
