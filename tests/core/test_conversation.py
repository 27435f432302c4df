"""The conversation directly: intents in, prompt keys out (no HTTP, no words of any
language), on the real database and Redis."""

from __future__ import annotations

import pytest

from core import intents
from core.conversation import Conversation, RedisConversations
from core.journeys import REGISTRY
from tests.helpers import line, plan

DANA, SAM, ALEX = "+15557770001", "+15557770003", "+15557770002"


@pytest.fixture
def talk(deps, demo):
    def make(caller: str, channel: str = "sms"):
        conv = Conversation(store=RedisConversations(deps.redis), db=deps.db, attempts=deps.attempts,
                            pin_secret="test-pin-secret", clock=deps.clock, channel=channel)
        turns = iter(range(1, 1000))

        def say(intent, lang=None):
            reply = conv.handle(f"test:{caller}", caller, intent, request_id=f"SM{next(turns):032d}", lang=lang)
            return reply
        return say
    return make


def keys(reply) -> list[str]:
    return reply.keys()


def test_cancel_a_plan_by_intents(talk, deps):
    say = talk(DANA)
    assert keys(say(intents.journey("cancel_plan", plan="text archive"))) == ["ask_pin"]
    reply = say(intents.pin("1234"))
    assert keys(reply) == ["pin_ok", "confirm_cancel_plan"] and reply.expect == "confirm"
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    assert keys(say(intents.YES)) == ["done_cancel_plan"]
    assert plan(deps, "dana", "Text Archive").auto_renew is False


def test_only_a_yes_intent_confirms_R18(talk, deps):
    say = talk(DANA)
    say(intents.journey("cancel_plan", plan="text archive"))
    say(intents.pin("1234"))
    for anything_else in (intents.UNCLEAR, intents.choice(1), intents.name("yes")):
        assert keys(say(anything_else))[:1] == ["unusable"]
    assert plan(deps, "dana", "Text Archive").auto_renew is True
    assert keys(say(intents.NO)) == ["not_confirmed"]


def test_cancel_line_cancels_the_add_ons_first_each_confirmed_R4(talk, deps):
    say = talk(DANA)
    say(intents.journey("cancel_line"))
    assert keys(say(intents.pin("1234"))) == ["pin_ok", "addons_first", "confirm_cancel_plan"]
    assert keys(say(intents.YES)) == ["done_cancel_plan", "confirm_cancel_plan"]
    assert keys(say(intents.YES)) == ["done_cancel_plan", "confirm_cancel_line"]
    assert keys(say(intents.YES)) == ["done_cancel_line"]
    assert line(deps, "dana").status == "cancel_pending"


def test_a_fix_taken_starts_its_own_journey_R11(talk, deps):
    say = talk(SAM)
    say(intents.journey("cancel_line"))
    say(intents.pin("1357"))
    assert keys(say(intents.choice(4))) == ["offer_fix"]  # doesn't like the number
    assert keys(say(intents.YES)) == ["confirm_change_number"]


def test_troubleshooting_needs_no_pin_for_guidance(talk):
    say = talk("+15550004321")
    assert keys(say(intents.journey("troubleshoot"))) == ["ask_fix"]
    assert keys(say(intents.choice(3))) == ["fix_steps"]  # issue 22: asked for, not a cancellation's
    assert keys(say(intents.journey("troubleshoot"))) == ["ask_fix"]
    assert keys(say(intents.choice(2))) == ["ask_pin"]  # reactivating needs the line's PIN


def test_an_unknown_command_is_one_apology_not_two(talk):
    say = talk(DANA)
    assert keys(say(intents.UNCLEAR)) == ["unknown_command"]


def test_the_language_is_kept_for_the_conversation(talk):
    say = talk(DANA)
    assert say(intents.journey("plans"), lang="es").lang == "es"
    assert say(intents.pin("1234")).lang == "es"


def test_refund_policy_is_said_before_the_pin_and_the_dates_after_R1_R8(talk):
    say = talk(ALEX)
    assert keys(say(intents.journey("refund"))) == ["refund_policy", "ask_pin"]
    assert keys(say(intents.pin("2468"))) == ["pin_ok", "refund_policy_terms"]


def test_every_journey_is_registered_with_its_prompts():
    assert set(REGISTRY) == {"plans", "refund", "cancel_plan", "cancel_line", "reactivate", "change_number",
                             "block", "unblock", "troubleshoot", "agent", "clarify", "callback",
                             # issue 21: the answers (R24, R25, R3)
                             "term_end", "cancel_effects", "appstore", "capabilities", "port_out", "billing",
                             "undo_cancel", "lost_phone", "number_info"}
    for journey in REGISTRY.values():
        assert journey.start is not None
        assert (journey.apply is not None) == journey.changes
