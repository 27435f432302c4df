"""Every word the console shows an agent, and the texts it sends customers (both languages).

The agent's screens are in English; what goes to a customer is in the case's language (R20)
and fits R19 (each text within 3 GSM-7 segments; checked by tests/console/test_words.py).
"""

from __future__ import annotations

import re
from core import languages
from core.journeys import troubleshoot

KINDS = {
    "call": "Call put through",
    "missed": "Missed transfer",
    "voicemail": "Voicemail",
    "text": "Text: AGENT",
    "callback": "Call-back request",
}
STATES = {"new": "New", "claimed": "Claimed", "done": "Done"}
VIEWS = {"open": "Open", "new": "New", "claimed": "Claimed", "done": "Done", "all": "All"}
LANGUAGES = {lang.code: lang.name for lang in languages.BY_CODE.values()}
CHANNELS = {"voice": "Phone", "sms": "Text", "console": "Console", "job": "Job", "app_store": "App Store"}

WRAP_UPS = {
    "self_service": "Solved: customer did it in self-service",
    "handed_to_bot": "Handed to the bot",
    "called_back": "Called back, solved",
    "texted_instructions": "Texted instructions",
    "code_sent": "Sent a one-time code",
    "policy_explained": "Explained the policy",
    "no_answer": "Couldn't reach the customer",
    "duplicate": "Duplicate of another case",
    "spam": "Spam or wrong number",
    "other": "Other (see note)",
}

# Why the bot handed over (the escalation's reason).
REASONS = {
    "caller_asked": "asked for a person",
    "failed_inputs": "the bot couldn't understand them (3 tries)",
    "pin_locked": "PIN entry locked after too many tries",
    "error": "the bot had an internal error",
    "redis_unavailable": "the bot's state store was down",
    "database_error": "the database was unavailable",
    "callback_requested": "asked to be called back",
}
# What happened to the transfer (the escalation's outcome).
OUTCOMES = {
    "requested": "waiting",
    "agent_answered": "an agent answered",
    "connected": "talked to an agent",
    "agent_busy": "the support line was busy",
    "agent_no_answer": "nobody answered",
    "agent_failed": "the transfer failed",
    "agent_canceled": "the caller hung up while ringing",
    "after_hours": "outside support hours",
    "no_agent_configured": "no support number is set up",
    "voicemail": "left a voicemail",
}
# What they asked the bot for (the conversation's journey).
ASKED = {
    "plans": "hear their plans",
    "refund": "ask about a refund",
    "cancel_plan": "cancel a plan",
    "cancel_line": "cancel their line",
    "reactivate": "reactivate their line",
    "change_number": "change their number",
    "block": "block a number",
    "unblock": "unblock a number",
    "troubleshoot": "fix a problem",
    "agent": "talk to a person",
}
ACTIONS = {
    "escalation": "handed to a person",
    "pin_verified": "PIN verified",
    "pin_failed": "wrong PIN",
    "pin_entry": "PIN entry refused",
    "pin_lock": "PIN entry locked",
    "case_claim": "claimed the case",
    "case_release": "put the case back",
    "case_note": "added a note",
    "case_close": "closed the case",
    "callback_call": "called the customer back",
    "callback_request": "asked for a call back",
    "text_instruction": "texted instructions",
    "case_code_sent": "sent a one-time code",
    "one_time_code_sent": "one-time code",
    "handoff": "handed the caller to the bot",
    "voicemail_transcription": "voicemail transcribed",
    "cancel_plan": "cancel plan",
    "cancel_line": "cancel line",
    "refund_request": "refund question",
    "text_opt_out": "opted out of texts",
    "text_opt_in": "opted in to texts",
    "console_sign_in": "signed in",
    "console_sign_out": "signed out",
    "agent_add": "added agent",
    "agent_disable": "disabled agent",
    "agent_enable": "enabled agent",
    "agent_password": "changed the password of",
    "agent_profile": "changed their settings",
}

ERRORS = {
    "unknown": "There is no such case.",
    "done": "This case is closed.",
    "claimed_by_other": "Another agent claimed this case. Only they or a supervisor can act on it.",
    "empty_note": "Write the note first.",
    "long_note": "A note can be at most 2,000 characters.",
    "no_wrap_up": "Choose a wrap-up code to close the case.",
    "no_number": "This case has no phone number to reach the customer on.",
    "no_line": "No line found: type the line's number or login id (the code only ever goes to the line's own number).",
    "too_many_codes": "Three codes were already sent to this line in the last hour. Try again later.",
    "no_phone": "Set your own phone number first (Your settings): a call back rings you, then the customer.",
    "no_support_line": "There is no support number to call from yet (none has been reached on this case).",
    "no_credentials": "Calls and recordings need TWILIO_ACCOUNT_SID to be set.",
    "no_live_call": "Only a phone case has a caller to hand over.",
    "bad_instruction": "Choose one of the instructions.",
    # agents
    "bad_email": "That doesn't look like an email address.",
    "bad_password": "A password is 12 to 200 characters.",
    "bad_role": "The role is agent or supervisor.",
    "bad_name": "Give the agent's name (up to 100 characters).",
    "bad_phone": "That doesn't look like a phone number.",
    "bad_time_zone": "Choose a time zone from the list.",
    "exists": "An agent with that email already exists.",
    "not_yourself": "You can't disable yourself.",
    "refused_premium_rate": "That number is premium-rate: the console never calls or texts it.",
    "refused_shared_cost": "That number is shared-cost: the console never calls or texts it.",
    "refused_international": "That number is outside the countries we call back (CALLBACK_COUNTRIES).",
    "refused_short_code": "That is a short code, not a customer's phone: the console never calls or texts it.",
    "refused_invalid_number": "That doesn't look like a phone number we can call.",
}

SIGN_IN = {
    "refused": "That email and password don't match an active agent.",
    "limited": "Too many sign-in attempts. Wait 15 minutes, or ask a supervisor.",
    "unavailable": "Sign-in is unavailable right now (the rate limiter can't be reached). Try again shortly.",
    "expired": "Your session expired. Sign in again.",
    "ended": "You were signed out. Sign in again.",
    "signed_out": "You're signed out.",
}

# Self-service instructions an agent can text (R7: the customer does it themselves).
INSTRUCTIONS = {
    "cancel_plan": {
        "label": "How to cancel a plan or add-on by text",
        "en": "{brand}: to cancel a plan yourself, text STOP PLAN and the plan's name (e.g. STOP PLAN CALL RECORDING) "
              "to this number. We'll ask for your PIN and to confirm.",
        "es": "{brand}: para cancelar un plan por tu cuenta, escribe STOP PLAN y el nombre del plan a este numero. "
              "Te pediremos tu PIN y que confirmes.",
    },
    "cancel_line": {
        "label": "How to cancel the whole line by text",
        "en": "{brand}: to cancel your line yourself, text CANCEL LINE and its last 4 digits to this number. "
              "Add-ons go first. We'll ask for your PIN and to confirm. It can't be undone.",
        "es": "{brand}: para cancelar tu linea por tu cuenta, escribe CANCEL LINE y sus ultimos 4 digitos a este "
              "numero. Te pediremos tu PIN y que confirmes. No se puede deshacer.",
    },
    "app_store": {
        "label": "How to cancel an App Store subscription",
        "en": "{brand}: plans bought in the App Store can only be cancelled by you at Apple: App Store > your "
              "account > Subscriptions > cancel. Help: https://support.apple.com/en-us/HT202039",
        "es": "{brand}: los planes comprados en el App Store solo puedes cancelarlos en Apple: App Store > tu cuenta "
              "> Suscripciones > cancelar. Ayuda: https://support.apple.com/es-us/HT202039",
    },
    "plans": {
        "label": "How to see plans and dates",
        "en": "{brand}: to see your plans and their dates, text PLANS to this number. We'll ask for your PIN.",
        "es": "{brand}: para ver tus planes y fechas, escribe PLANS a este numero. Te pediremos tu PIN.",
    },
    "reactivate": {
        "label": "How to reactivate a line",
        "en": "{brand}: to reactivate your line yourself, text REACTIVATE to this number. We'll ask for your PIN "
              "and to confirm.",
        "es": "{brand}: para reactivar tu linea por tu cuenta, escribe REACTIVATE a este numero. Te pediremos tu PIN "
              "y que confirmes.",
    },
    "help": {
        "label": "The list of text commands",
        "en": "{brand}: text HELP to this number for every command: PLANS, STOP PLAN, CANCEL LINE, REFUND, "
              "REACTIVATE, CHANGE NUMBER, BLOCK, AGENT.",
        "es": "{brand}: escribe HELP a este numero para ver los comandos: PLANS, STOP PLAN, CANCEL LINE, REFUND, "
              "REACTIVATE, CHANGE NUMBER, BLOCK, AGENT.",
    },
}

# R21: the one-time code's text (the code is only ever in this text, to the line's own number).
CODE_TEXT = {
    "en": "{brand}: your one-time code is {code}. It works once, for {minutes} minutes, in place of your PIN. "
          "Never share it with anyone.",
    "es": "{brand}: tu codigo de un solo uso es {code}. Sirve una vez, durante {minutes} minutos, en lugar de "
          "tu PIN. No lo compartas con nadie.",
}


# Issue 22: what they asked for and what the bot did, in sentences (rule ids stay in the code).
PENDING = {
    "cancel_plan": "cancelling a plan", "cancel_line": "cancelling the line", "reactivate": "reactivating the line",
    "change_number": "changing the number", "block": "blocking a number", "unblock": "unblocking a number",
}
DONE = {
    "cancel_plan": "cancelled a plan", "cancel_line": "cancelled the line", "reactivate": "reactivated the line",
    "change_number": "changed the number", "block": "blocked a number", "unblock": "unblocked a number",
}
REFUSED = {
    "already_cancelled": "it was already cancelled", "line_not_active": "the line is not active",
    "plan_ended": "the plan had already ended", "app_store_plan": "it was bought in the App Store",
    "addons_first": "add-ons must be cancelled first", "addons_first_app_store": "an App Store add-on comes first",
    "user_cancelled": "the customer cancelled that line", "number_released": "the number was released",
    "already_active": "the line is already active", "not_reactivatable": "the bot may not reactivate it",
    "app_store_lapsed": "its App Store plan ran out",
    "no_numbers_available": "no new numbers were free", "invalid_number": "the number wasn't valid",
    "emergency_number": "it was an emergency number", "short_code": "it was a short code",
    "own_number": "it was their own number", "already_blocked": "it was already blocked",
    "not_blocked": "it wasn't blocked", "not_authorised": "it isn't a line they may change",
}
FIXES = troubleshoot.FIX_TOPICS
STEPS = {
    "PIN verified": "PIN verified", "one-time code verified": "verified with a one-time code",
    "wrong PIN": "wrong PIN", "wrong one-time code": "wrong one-time code", "PIN entry locked (R9)": "PIN entry got locked",
    "forgot the PIN": "said they forgot the PIN", "skipped the fix": "skipped the offered help",
    "confirmation expired": "a confirmation timed out", "three unusable inputs in a row": "three answers in a row the bot couldn't use",
    "one-time code refused: too many asked for": "asked for too many one-time codes",
    "one-time code refused: the number opted out of texts": "no code could be texted: the number opted out",
}
TRANSCRIPTION = {
    "coming": "Not yet: Twilio sends it a minute or two after the call.",
    "never": "None: Twilio transcribes English only; listen to the recording.",
}


def asked(journey: str | None, context: dict | None) -> str:
    """'cancel a plan: Call Recording (cancelling a plan was waiting for their yes)'."""
    context = context or {}
    if not journey:
        return "nothing specific yet"
    said = ASKED.get(journey, journey.replace("_", " "))
    if context.get("product"):
        said += f": {context['product']}"
    if context.get("pending"):
        said += f" ({PENDING.get(context['pending'], 'a change')} was waiting for their yes)"
    return said


def bot_step(note: str, plan: str | None = None) -> str:
    """One note of what the bot did, as a sentence for the agent (no codes, no rule ids); a
    change that named a plan names it ("Cancelled a plan: Call Recording")."""
    if m := re.fullmatch(r"([a-z_]+) refused: ([a-z_]+)", note):
        return f"{PENDING.get(m[1], 'a request').capitalize()} was refused: {REFUSED.get(m[2], 'the rules did not allow it')}"
    if m := re.fullmatch(r"([a-z_]+): ([a-z_]+)( \(confirmed twice\))?", note):
        if m[2] == "done":
            done = DONE.get(m[1], "made a change").capitalize() + (f": {plan}" if plan else "")
            return done + (" (confirmed twice)" if m[3] else "")
        return f"{PENDING.get(m[1], 'a request').capitalize()} was refused: {REFUSED.get(m[2], 'the bot could not do it')}"
    if m := re.fullmatch(r"declined ([a-z_]+)", note):
        return f"Decided not to {ASKED.get(m[1], 'go on')}"
    if m := re.fullmatch(r"(offered|took|chose) fix ([a-z_]+)", note):
        what = FIXES.get(m[2], "a problem")
        return {"offered": "Was offered help with ", "took": "Took the help with ", "chose": "Asked about "}[m[1]] + what
    if m := re.fullmatch(r"chose language ([a-z]+)", note):
        return f"Chose {LANGUAGES.get(m[1], m[1])}"
    if m := re.fullmatch(r"chose ([a-z_]+)", note):
        return f"Chose to {ASKED.get(m[1], m[1].replace('_', ' '))}"
    if note in STEPS:
        return STEPS[note][0].upper() + STEPS[note][1:]
    for start, said in (("asked for a person", "Asked for a person"), ("asked for a call back", "Asked for a call back"),
                        ("one-time code asked for", "Asked for a one-time code"),
                        ("handed off for line", "An agent handed them to the bot"),
                        ("asked which:", "The bot asked what they meant")):
        if note.startswith(start):
            return said
    return re.sub(r"\s*\(R\d+\)", "", note).replace("_", " ")


def instruction_text(key: str, lang: str, brand: str) -> str:
    return INSTRUCTIONS[key][languages.code_or_default(lang)].format(brand=brand)


def code_text(lang: str, brand: str):
    template = CODE_TEXT[languages.code_or_default(lang)]
    return lambda code, minutes: template.format(brand=brand, code=code, minutes=minutes)


# Issue 15: what became of the texts the bot sent them (core.delivery), and how the call ended.
DELIVERY = {
    "queued": "waiting to go", "retry": "failed for now, sending again", "sending": "being sent",
    "sent": "sent (no delivery report yet)", "accepted": "accepted by Twilio", "scheduled": "scheduled",
    "delivered": "delivered", "read": "read", "undelivered": "not delivered", "failed": "failed",
    "canceled": "canceled", "partially_delivered": "partly delivered",
    "suppressed": "not sent: they opted out of texts", "not_sent": "not sent: texting is not set up",
    "lapsed": "not sent: the code had expired or been replaced",
}
# Twilio's error codes an agent meets on a case, in words (the code is shown beside them).
TWILIO_ERRORS = {
    21610: "they replied STOP: nothing more is texted until they text START",
    21211: "not a valid phone number",
    21612: "the number can't receive texts",
    21614: "not a mobile number",
    30003: "their phone was off or out of reach",
    30004: "blocked on their phone or by their carrier",
    30005: "their carrier doesn't know the number",
    30006: "a landline, or a carrier texts can't reach",
    30007: "their carrier filtered it as spam: call them instead",
    30008: "an unknown delivery error",
}
CALL_OUTCOMES = {
    "completed": "done in the bot", "transferred": "transferred to a person", "voicemail": "left a voicemail",
    "callback": "asked to be called back", "abandoned": "hung up", "not_answered": "never answered",
}
CALL_STEPS = {
    "menu": "at the menu", "pin": "when asked for the PIN", "target": "choosing a line", "plan": "choosing a plan",
    "reason": "when asked why they were leaving", "offer": "at the offered fix", "confirm": "before confirming",
    "block_number": "entering a number to block", "fix": "choosing a problem", "which": "at a clarifying question",
    "transfer": "while waiting for a person", "voicemail": "at the voicemail prompt", "greeting": "at the greeting",
    "unknown": "at a step not known",
}


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "unknown length"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
