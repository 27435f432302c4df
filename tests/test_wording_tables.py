"""Everything the conversation can say has words in both channels' tables (DESIGN habit 3)."""

from __future__ import annotations

import re
from pathlib import Path

from ivr.prompts import PROMPTS
from sms.replies import REPLIES

SOURCE = (Path(__file__).resolve().parent.parent / "core" / "conversation.py").read_text()
POLICY = (Path(__file__).resolve().parent.parent / "core" / "policy.py").read_text()


def conversation_keys() -> set[str]:
    keys = set(re.findall(r'Prompt\("([a-z_]+)"', SOURCE))
    actions = {"cancel_plan", "cancel_line", "reactivate", "change_number", "block", "unblock"}
    keys |= {f"confirm_{a}" for a in actions} | {f"done_{a}" for a in actions}
    reasons = set(re.findall(r'refuse\("([a-z_]+)"', POLICY))
    keys |= {f"refused_{r}" for r in reasons if r not in ("no_refund", "pin_locked", "pin_entry_open",
                                                        "offer_already_made", "no_matching_fix", "ask_again",
                                                        "renews", "term_running", "already_ended",
                                                        "number_plan_running", "grace_period", "nothing_to_do",
                                                        "not_authorised", "confirmation_expired", "not_confirmed")}
    return keys


def test_every_conversation_prompt_has_sms_words():
    assert conversation_keys() - set(REPLIES) == set()


def test_every_conversation_prompt_has_voice_words():
    assert conversation_keys() - set(PROMPTS) == set()
