"""Every figure of the Insights page (core/insights.py), on a known week of events: turns as the
conversation records them, escalations and call events in the database; then the turns the
conversation itself records through both doors (what a turn was, R26's missed ones)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core import insights
from core.models import Escalation
from core.models_insights import ConversationFact, MissedTurn, TurnEvent
from core.models_twilio import CallEvent
from core.reply import Prompt, Reply
from tests.conftest import START, TEST_PIN_SECRET

UTC = dt.timezone.utc
DAY1 = dt.datetime(2026, 11, 19, tzinfo=UTC)  # the known week: Nov 19 to 25; the clock is Nov 26, 15:00
A, B, C, D, E, F = "+15557770001", "+15557770002", "+15557770003", "+15557770004", "+15557770005", "+15557770006"


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return DAY1 + dt.timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)


class Week:
    """Records turns exactly as the conversation does (core.insights.record_turn)."""

    def __init__(self, deps) -> None:
        self.deps = deps

    def turn(self, when, door, caller, step, keys, expect="command", journey=None, *, lang="en", sid=None,
             escalated=False, offer_person=False, said=None):
        reply = Reply([Prompt(k) for k in keys], expect, offer_person=offer_person,
                      escalation_id=1 if escalated else None)
        return insights.record_turn(self.deps.redis, door=door, lang=lang, caller=caller, thread=sid, step=step,
                                    reply=reply, journey=journey, secret=TEST_PIN_SECRET, now=when, said=said,
                                    db=self.deps.db)


@pytest.fixture
def week(deps):
    w = Week(deps)
    # 1. A texts CANCEL PLAN, PIN, YES: done by the bot; nobody from A comes back.
    w.turn(at(1, 10), "sms", A, "command", ["ask_pin"], "pin", "cancel_plan")
    w.turn(at(1, 10, 1), "sms", A, "pin", ["pin_ok", "confirm_cancel_plan"], "confirm", "cancel_plan")
    w.turn(at(1, 10, 2), "sms", A, "confirm", ["done_cancel_plan", "receipt_coming"], "command", None)
    # 2. B calls for the plans: done by the bot, but B texts again the same evening (not contained).
    w.turn(at(1, 11), "voice", B, "command", ["ask_pin"], "pin", "plans", sid="CA2")
    w.turn(at(1, 11, 1), "voice", B, "pin", ["pin_ok", "plans"], "command", None, sid="CA2")
    # 3. B texts: not understood, then asks for a person.
    w.turn(at(1, 20), "sms", B, "command", ["unknown_command"], "command", None)
    w.turn(at(1, 20, 1), "sms", B, "command", ["agent"], "command", None, escalated=True)
    # 4. C texts "I wanna cancel": the clarifying question, "the line", then silence at the PIN.
    w.turn(at(2, 9), "sms", C, "command", ["ask_which"], "which", "clarify")
    w.turn(at(2, 9, 1), "sms", C, "which", ["ask_pin"], "pin", "cancel_line")
    # 5. D calls in Spanish about refunds: answered.
    w.turn(at(3, 12), "voice", D, "command", ["refund_policy"], "command", "refund", lang="es", sid="CA5")
    # 6. E texts something vague twice after the clarifying question (two missed turns), then a person.
    w.turn(at(3, 13), "sms", E, "command", ["ask_which"], "which", "clarify")
    w.turn(at(3, 13, 1), "sms", E, "which", ["unusable", "ask_which"], "which", "clarify", said="my pin is 4821")
    w.turn(at(3, 13, 2), "sms", E, "which", ["unusable", "ask_which"], "which", "clarify", offer_person=True,
           said="call me on 555 0100")
    insights.record_handoff(deps.redis, door="sms", lang="en", caller=E, thread=None, secret=TEST_PIN_SECRET,
                            now=at(3, 13, 3))
    # 7. F calls to cancel the line: PIN, then hangs up when asked why.
    w.turn(at(4, 8), "voice", F, "command", ["ask_pin"], "pin", "cancel_line", sid="CA7")
    w.turn(at(4, 8, 1), "voice", F, "pin", ["pin_ok", "ask_reason"], "reason", "cancel_line", sid="CA7")
    with deps.db() as s, s.begin():
        s.add_all([
            Escalation(id=1, created_at=at(1, 20, 1), channel="sms", caller=B, reason="caller_asked",
                       context={"lang": "en"}, state="done", claimed_at=at(1, 20, 11), closed_at=at(1, 21),
                       wrap_up="called_back"),
            Escalation(id=2, created_at=at(3, 13, 3), channel="sms", caller=E, reason="failed_inputs",
                       context={"lang": "en", "asked": "clarify"}, state="claimed", claimed_at=at(3, 13, 5)),
            Escalation(id=3, created_at=at(5, 9, 0, 40), channel="voice", caller=A, request_id="CA8",
                       reason="caller_asked", context={"lang": "en", "asked": "cancel_line"}),
        ])
        s.flush()
        s.add_all([
            CallEvent(call_sid="CA2", ended_at=at(1, 11, 1), caller=B, call_status="completed", duration_s=60,
                      outcome="completed", lang="en"),
            CallEvent(call_sid="CA5", ended_at=at(3, 12, 0, 30), caller=D, call_status="completed", duration_s=30,
                      outcome="completed", lang="es"),
            CallEvent(call_sid="CA7", ended_at=at(4, 8, 1, 30), caller=F, call_status="completed", duration_s=90,
                      outcome="abandoned", step="reason", lang="en"),
            # Handed to a person 40 s into the call, which then went on 5 minutes with them.
            CallEvent(call_sid="CA8", ended_at=at(5, 9, 5, 40), caller=A, call_status="completed", duration_s=340,
                      outcome="transferred", lang="en", escalation_id=3),
            CallEvent(call_sid="CA9", ended_at=at(5, 10), caller=A, call_status="busy", duration_s=0,
                      outcome="not_answered"),
        ])
    made = insights.roll_up(deps.db, deps.redis, now=START)
    assert made == 7
    return w


def figures(deps, **filters):
    return insights.figures(deps.db, insights.Filters(DAY1, DAY1 + dt.timedelta(days=7), **filters), now=START)


def by_journey(fig):
    return {c.journey: (c.conversations, c.done, c.done_closed, c.contained) for c in fig.completion}


def test_self_service_completion_and_true_containment_per_journey(deps, week):
    fig = figures(deps)
    assert fig.conversations == 7
    assert by_journey(fig) == {"cancel_plan": (1, 1, 1, 1), "plans": (1, 1, 1, 0), "refund": (1, 1, 1, 1),
                               "cancel_line": (2, 0, 0, 0)}
    total = fig.total_completion
    assert (total.conversations, total.done, total.done_closed, total.contained) == (5, 3, 3, 2)
    assert total.completion == pytest.approx(0.6) and total.containment == pytest.approx(2 / 3)


def test_containment_waits_for_the_24_hours_to_pass(deps, week):
    fig = insights.figures(deps.db, insights.Filters(DAY1, DAY1 + dt.timedelta(days=7)), now=at(3, 20))
    # At Nov 21, 20:00 the refund call (Nov 21, 12:00) is done but its 24 hours are not over.
    assert by_journey(fig)["refund"] == (1, 1, 0, 0)
    assert by_journey(fig)["cancel_plan"] == (1, 1, 1, 1)


def test_where_people_gave_up_by_step_and_the_funnel_per_journey(deps, week):
    fig = figures(deps)
    assert fig.gave_up == {"pin": {"sms": 1}, "reason": {"voice": 1}}
    assert fig.funnels["cancel_line"] == {"asked": 2, "identified": 1, "confirming": 0, "done": 0}
    assert fig.funnels["cancel_plan"] == {"asked": 1, "identified": 1, "confirming": 1, "done": 1}
    assert fig.funnels["refund"] == {"asked": 1, "identified": 0, "confirming": 0, "done": 1}  # no PIN, no yes
    assert fig.funnels["plans"] == {"asked": 1, "identified": 1, "confirming": 0, "done": 1}


def test_why_people_asked_for_a_person_and_how_those_cases_ended(deps, week):
    fig = figures(deps)
    assert fig.reasons == {"caller_asked": {"called_back": 1, "open": 1}, "failed_inputs": {"open": 1}}


def test_understanding_per_100_turns_by_language_and_channel(deps, week):
    fig = figures(deps)
    got = {(u.door, u.lang): (u.turns, u.not_understood, u.clarified) for u in fig.understanding}
    # Texts: 3 + 2 + 2 + 3 turns (the hand-off is no turn); 1 not understood and 2 missed; 2 questions.
    assert got == {("sms", "en"): (10, 3, 2), ("voice", "en"): (4, 0, 0), ("voice", "es"): (1, 0, 0)}
    sms = next(u for u in fig.understanding if u.door == "sms")
    assert sms.not_understood_per_100 == pytest.approx(30.0) and sms.clarified_per_100 == pytest.approx(20.0)
    assert fig.after_clarifying == {"cancel_line": 1}


def test_time_in_the_ivr_and_to_the_first_agent_median_and_p90(deps, week):
    fig = figures(deps)
    ivr, agent = fig.timing
    # Calls: 60, 30, 90 s in the bot; one handed over after 40 s; the unanswered one not counted.
    assert (ivr.n, ivr.median_s, ivr.p90_s) == (4, 40, 90)
    # Hand-off to claimed: 10 minutes, 2 minutes; the unclaimed case not counted.
    assert (agent.n, agent.median_s, agent.p90_s) == (2, 120, 600)


def test_filters_by_channel_language_and_journey(deps, week):
    assert figures(deps, door="voice").conversations == 3
    assert figures(deps, lang="es").conversations == 1
    fig = figures(deps, journey="cancel_line")
    assert fig.conversations == 2 and fig.reasons == {"caller_asked": {"open": 1}}
    assert figures(deps, door="sms").timing[0].n == 0  # time in the IVR is the phone's alone
    assert figures(deps, door="voice").reasons == {"caller_asked": {"open": 1}}


def test_the_range_counts_conversations_by_when_they_started(deps, week):
    fig = insights.figures(deps.db, insights.Filters(at(3, 0), at(4, 0)), now=START)
    assert fig.conversations == 2  # the refund call and E's texts


def test_percentile_is_the_nearest_rank():
    assert insights.percentile([], 50) is None
    assert insights.percentile([5], 90) == 5
    assert insights.percentile([30, 40, 60, 90], 50) == 40
    assert insights.percentile(list(range(1, 11)), 90) == 9


@pytest.mark.parametrize("step, keys, expect, offer, outcome", [
    ("command", ["ask_pin"], "pin", False, "understood"),
    ("command", ["unknown_command"], "command", False, "not_understood"),
    ("pin", ["pin_format"], "pin", False, "not_understood"),
    ("pin", ["pin_wrong"], "pin", False, "understood"),  # understood, and wrong
    ("command", ["ask_which"], "which", False, "clarified"),
    ("which", ["unusable", "ask_which"], "which", False, "missed"),
    ("which", ["unusable", "ask_which"], "which", True, "missed"),
    ("which", ["ask_pin"], "pin", False, "understood"),
])
def test_what_a_turn_was(step, keys, expect, offer, outcome):
    assert insights.turn_outcome(step, keys, expect, offer_person=offer) == outcome


def test_a_roll_up_is_done_once_and_a_quiet_half_hour_ends_a_conversation(deps, week):
    assert insights.roll_up(deps.db, deps.redis, now=START) == 0
    w = Week(deps)
    w.turn(START - dt.timedelta(minutes=10), "sms", A, "command", ["plans"], "command", "plans")
    assert insights.roll_up(deps.db, deps.redis, now=START) == 0  # still going on
    assert insights.roll_up(deps.db, deps.redis, now=START + dt.timedelta(minutes=21)) == 1
    with deps.db() as s:
        assert s.execute(select(func.count()).select_from(ConversationFact)).scalar() == 8
        # Rolled-up turns are deleted after a day: the week's are gone, the new one kept.
        assert s.execute(select(func.count()).select_from(TurnEvent)).scalar() == 1


def test_no_number_is_kept_with_the_facts(deps, week):
    with deps.db() as s:
        kept = [str(v) for row in s.execute(select(ConversationFact)).scalars()
                for v in vars(row).values()]
    assert not any(n in v or n[1:] in v for n in (A, B, C, D, E, F) for v in kept)


# The turns the conversation records, through the doors -----------------------------------------
DANA = "+15557770001"


def _facts(deps):
    insights.roll_up(deps.db, deps.redis, now=deps.clock() + dt.timedelta(hours=1))
    with deps.db() as s:
        return s.execute(select(ConversationFact)).scalars().all()


def test_a_text_conversation_is_recorded_turn_by_turn(phone, deps, demo):
    p = phone(DANA)
    p.text("what plans do I have")
    p.text("1234")
    [fact] = _facts(deps)
    assert (fact.door, fact.journey, fact.result, fact.turns) == ("sms", "plans", "done", 2)
    assert fact.stage == "asked,identified,done"


def test_a_turn_not_routed_after_the_clarifying_question_is_kept_masked_without_the_number_R26(phone, deps, demo):
    p = phone(DANA)
    p.text("I wanna cancel")
    p.text("the dog ate 4821 of them, ring 555-010-0001")  # no answer to "a plan or the line?"
    with deps.db() as s:
        [kept] = s.execute(select(MissedTurn)).scalars().all()
    assert kept.said == "the dog ate •••• of them, ring •••-•••-••••"
    assert (kept.door, kept.lang, kept.step, kept.state) == ("sms", "en", "which", "new")
    assert not any(ch.isdigit() for ch in kept.said)
    [fact] = _facts(deps)
    assert (fact.clarified, fact.not_understood) == (1, 1)


def test_only_the_missed_turn_is_kept_nothing_else_said_R26(phone, deps, demo):
    p = phone(DANA)
    p.text("cancel my line")
    p.text("1234")
    p.text("gibberish words here")
    with deps.db() as s:
        assert s.execute(select(func.count()).select_from(MissedTurn)).scalar() == 0


def test_a_call_is_recorded_and_a_missed_spoken_answer_kept_R26(call, deps, demo, monkeypatch):
    from vocabulary import understand

    monkeypatch.setattr(understand, "ROUTE", 1.0)  # every request asked back (tests/ivr/test_speech.py)
    monkeypatch.setattr(understand, "ROUTE_CHANGE", 1.0)
    call(DANA, ["say I want my money back", "say purple elephants 42", "hangup"])
    with deps.db() as s:
        kept = s.execute(select(MissedTurn)).scalars().all()
    assert [(m.door, m.said, m.step) for m in kept] == [("voice", "purple elephants ••", "which")]
    [fact] = _facts(deps)
    assert fact.door == "voice" and fact.clarified == 1 and fact.thread.startswith("CA")
