"""REACTIVATE (R12): a line that lapsed or was suspended for a reason other than its user's.
The answer says what happens next: whether its plan renews, until when it works, and what
the customer must do to keep it (issue 12)."""

from __future__ import annotations

from dataclasses import dataclass

from core import policy, services
from core.journeys import Journey, Names, Proposal, Turn, iso
from core.reply import Reply


@dataclass(frozen=True, kw_only=True)
class Reactivate(Proposal):
    """The line works again until ``term_end``; its number plan ``renews`` (from a new term
    starting today when ``new_term``)."""

    action = "reactivate"
    term_end: str | None
    renews: bool
    new_term: bool = False


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    state = c.line_state(summary)
    number_plan = summary.number_plan
    decision = policy.decide_reactivate(c.line_facts(summary), t.now,
                                        c.plan_facts(number_plan) if number_plan else None)
    if not decision.allowed:
        return c.refused(s, t, "reactivate_line", decision.reason, summary.number, **state)
    # R12: what the reactivation will do, as it will be: the number plan renews again, past its
    # term end from a new term that starts today (services.reactivate_line applies the same rule).
    if number_plan is None or number_plan["channel"] == "app_store":
        term_end, renews, new_term = state["term_end"], state["renews"], False
    else:
        old = c.plan_facts(number_plan).term_end
        term_end = policy.reactivated_term_end(old, number_plan["period"], t.now)
        renews, new_term = True, term_end != old
    return c.propose(s, t, Reactivate(number=summary.number, term_end=iso(term_end), renews=bool(renews),
                                      new_term=new_term))


def apply(db, pending: Reactivate, **kw):
    return services.reactivate_line(db, **kw)


# "my line got cancelled" asks to reactivate; "cancel my suspended line" and "my husband
# cancelled his line" (someone else's: the lexicon drops it) do not.
JOURNEY = Journey("reactivate", start, apply=apply, changes=True, proposal=Reactivate, menu=("more", "1"),
                  names=Names.of("reactivate", "lapsed line -cancel"),
                  prompts=("refused_already_active", "refused_number_released", "refused_user_cancelled",
                           "refused_not_reactivatable", "refused_app_store_lapsed"))
