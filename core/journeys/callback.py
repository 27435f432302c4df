"""CALL ME (R15): a call back from a person, asked for by text; it joins the console's
queue with what the bot knows. The number called back is the one the request came from
(a text's sender is the number it was sent from)."""

from __future__ import annotations

from core import cases, phone
from core.journeys import Journey, Turn
from core.reply import Prompt, Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    s.journey = None
    if not s.caller or not phone.is_e164(s.caller):
        return Reply([Prompt("callback_no_number")])
    actor = s.actor
    esc = cases.request_callback(
        c.db, number=s.caller, now=t.now, req=t.req, line_id=actor["line_id"] if actor else None,
        verified=bool(actor),
        context={"verified": bool(actor), "line": actor["number"] if actor else None, "asked": "callback",
                 "history": s.history, "lang": s.lang, "reason": "callback_requested"})
    c.note(s, f"asked for a call back (escalation {esc})")
    return Reply([Prompt("callback_requested", {"number": s.caller, "ref": esc})])


JOURNEY = Journey("callback", start, needs_line=False, prompts=("callback_requested", "callback_no_number"))
