"""Every word the console shows an agent, and the texts it sends customers (both languages).

The agent's screens are in English; what goes to a customer is in the case's language (R20)
and fits R19 (each text within 3 GSM-7 segments; checked by tests/console/test_words.py).
"""

from __future__ import annotations

from core import languages

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
    "pin_locked": "PIN entry locked after too many tries (R9)",
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
        "es": "{brand}: para cancelar un plan usted mismo, envie STOP PLAN y el nombre del plan a este numero. "
              "Le pediremos su PIN y que confirme.",
    },
    "cancel_line": {
        "label": "How to cancel the whole line by text",
        "en": "{brand}: to cancel your line yourself, text CANCEL LINE and its last 4 digits to this number. "
              "Add-ons go first. We'll ask for your PIN and to confirm. It can't be undone.",
        "es": "{brand}: para cancelar su linea usted mismo, envie CANCEL LINE y sus ultimos 4 digitos a este numero. "
              "Le pediremos su PIN y que confirme. No se puede deshacer.",
    },
    "app_store": {
        "label": "How to cancel an App Store subscription",
        "en": "{brand}: plans bought in the App Store can only be cancelled by you at Apple: App Store > your "
              "account > Subscriptions > cancel. Help: https://support.apple.com/en-us/HT202039",
        "es": "{brand}: los planes comprados en el App Store solo los cancela usted en Apple: App Store > su cuenta "
              "> Suscripciones > cancelar. Ayuda: https://support.apple.com/es-us/HT202039",
    },
    "plans": {
        "label": "How to see plans and dates",
        "en": "{brand}: to see your plans and their dates, text PLANS to this number. We'll ask for your PIN.",
        "es": "{brand}: para ver sus planes y fechas, envie PLANS a este numero. Le pediremos su PIN.",
    },
    "reactivate": {
        "label": "How to reactivate a line",
        "en": "{brand}: to reactivate your line yourself, text REACTIVATE to this number. We'll ask for your PIN "
              "and to confirm.",
        "es": "{brand}: para reactivar su linea usted mismo, envie REACTIVATE a este numero. Le pediremos su PIN "
              "y que confirme.",
    },
    "help": {
        "label": "The list of text commands",
        "en": "{brand}: text HELP to this number for every command: PLANS, STOP PLAN, CANCEL LINE, REFUND, "
              "REACTIVATE, CHANGE NUMBER, BLOCK, AGENT.",
        "es": "{brand}: envie HELP a este numero para ver los comandos: PLANS, STOP PLAN, CANCEL LINE, REFUND, "
              "REACTIVATE, CHANGE NUMBER, BLOCK, AGENT.",
    },
}

# R21: the one-time code's text (the code is only ever in this text, to the line's own number).
CODE_TEXT = {
    "en": "{brand}: your one-time code is {code}. It works once, for {minutes} minutes, in place of your PIN. "
          "Never share it with anyone.",
    "es": "{brand}: su codigo de un solo uso es {code}. Sirve una vez, durante {minutes} minutos, en lugar de "
          "su PIN. No lo comparta con nadie.",
}


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
