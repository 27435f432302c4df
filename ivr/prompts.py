"""Every word a caller hears, keyed like the conversation's prompts and the policy's reason
codes (the SMS table's twin), plus what only a call has: menus, transfers, the whisper."""

from __future__ import annotations

from typing import Any, Callable

from core.formatting import and_list, day


def digits(e164: str | None) -> str:
    """A number read digit by digit: '+15550100001' -> '5 5 5, 0 1 0, 0 0 0 1'."""
    if not e164:
        return "an unknown number"
    national = e164[2:] if e164.startswith("+1") and len(e164) == 12 else e164.lstrip("+")
    if len(national) == 10:
        groups = [national[:3], national[3:6], national[6:]]
    else:
        groups = [national]
    return ", ".join(" ".join(g) for g in groups)


def ending(e164: str) -> str:
    return "ending " + " ".join(e164[-4:])


def _plans(v: dict) -> str:
    if not v["plans"]:
        return f"Your line {ending(v['number'])} has no active plans."
    parts = []
    for p in v["plans"]:
        verb = "renews on" if p["renews"] else "ends on"
        store = ", bought in the App Store," if p["channel"] == "app_store" else ""
        parts.append(f"{p['product']}{store} {verb} {day(p['term_end'])}")
    return f"Your line {ending(v['number'])} is {v['status'].replace('_', ' ')}. " + ". ".join(parts) + "."


def _terms(v: dict) -> str:
    base = ("There are no refunds of any kind: not for plans, add-ons, usage credits or port fees. "
            "When you cancel, renewal stops and you keep the service and your credits until the end of the term.")
    if not v.get("terms"):
        return base + " To hear your own term dates:"
    return base + " Your terms: " + ". ".join(f"{t['product']} until {day(t['term_end'])}" for t in v["terms"]) + "."


def _choices(v: dict) -> str:
    lead = "I didn't find that plan. " if v.get("asked") else ""
    return lead + "Which plan? " + ". ".join(f"For {n}, press {i}" for i, n in enumerate(v["choices"], 1)) + "."


FIXES = {
    "voice_network_mode": ("Calls not working? In the app's settings, set incoming and outgoing calls to use the "
                           "voice network instead of data. That usually fixes it."),
    "reactivate": "If your number was cancelled for some reason, we can reactivate it.",
    "device_settings": ("Can't hear ringing or get texts? Check that notifications are on, do not disturb is off, "
                        "and the app may use the microphone."),
    "change_number": "If you don't like your number, we can change it.",
    "block_spam": "Getting spam calls? You can block spam numbers for free.",
}
APPLE_STEPS = ("Only you can cancel it, in your Apple account: open the App Store on your phone or computer, "
               "go to Subscriptions, choose this app's subscription, and cancel it there. Apple's help page is "
               "support dot apple dot com, article H T 2 0 2 0 3 9.")


def _confirm_plan(v: dict) -> str:
    if v.get("kind") == "number":
        text = (f"You asked to cancel your number plan, {v['product']}. Your line {ending(v['number'])} "
                f"works until {day(v['term_end'])}, then it stops.")
    else:
        text = f"You asked to cancel {v['product']}. It stops renewing and works until {day(v['term_end'])}."
    text += " There is no refund."
    if v.get("then_line"):
        text += " After that we will go on with cancelling the line."
    return text


def _confirm_line(v: dict) -> str:
    text = (f"You asked to cancel your line {ending(v['number'])}. Every plan on it stops renewing. It works until "
            f"{day(v['term_end'])}, then the number is released. There is no refund, and this cannot be undone.")
    if v.get("app_store_plans"):
        text += (f" {and_list(v['app_store_plans'])} was bought in the App Store: Apple keeps billing it until you "
                 "also cancel it in your Apple account. " + APPLE_STEPS)
    return text


PROMPTS: dict[str, Callable[[dict], str]] = {
    # the call
    "greeting": lambda v: f"Thanks for calling {v['brand']} support.",
    "main_menu": lambda v: ("To cancel a plan or your line, press 1 or say cancel. For our refund policy and your "
                            "term dates, press 2. For problems with calls, texts or ringing, press 3. To reactivate "
                            "your number, press 4. To change your number, press 5. To block a number, press 6; to unblock one, press 7. "
                            "For a person, press 0 or say agent. To hear this again, press star."),
    "anything_else": lambda v: "Is there anything else?",
    "cancel_menu": lambda v: ("To cancel one plan or add-on, press 1 or say plan. To cancel the whole line, "
                              "press 2 or say line."),
    "problems": lambda v: " ".join(FIXES[k] for k in FIXES) + " Press 0 for a person, or stay on for the menu.",
    "handoff": lambda v: f"Welcome to {v['brand']} self-service. You can cancel or change your line here yourself.",
    "too_many_calls": lambda v: "We've had many calls from this number in the last few minutes. Please try again later. Goodbye.",
    # identification and PIN (R8, R9)
    "ask_pin": lambda v: ("Please enter your line's PIN, then press pound. Calling from another phone? "
                          "First enter your line's 10 digit number, then pound."),
    "ask_pin_for_line": lambda v: "Now enter that line's PIN, then press pound.",
    "pin_format": lambda v: "A PIN is 4 to 8 digits.",
    "pin_wrong": lambda v: "We couldn't verify that PIN.",
    "pin_ok": lambda v: "Thank you.",
    "pin_locked": lambda v: f"PIN entry for this line is locked for {v['minutes']} minutes after too many attempts.",
    "pin_unavailable": lambda v: "We can't check PINs right now. Nothing was changed.",
    "ready": lambda v: "You're verified.",
    "ask_target": lambda v: "Which line? Enter its last 4 digits.",
    "not_your_line": lambda v: "You can only change your own line, or as the account admin, a line of your account.",
    "plans": _plans,
    "no_plans": lambda v: "This line has no active plans.",
    "ask_plan": _choices,
    "plan_not_found": _choices,
    "ask_block_number": lambda v: f"Enter the 10 digit number to {v['action']}, then press pound.",
    # R1
    "refund_policy": _terms,
    "refund_policy_terms": _terms,
    # R11
    "ask_reason": lambda v: ("Before you go, may we help? If calls fail, press 1. If your number got cancelled, "
                             "press 2. If you can't hear ringing or get texts, press 3. If you don't like your "
                             "number, press 4. For spam calls, press 5. To skip, press 9 or say cancel."),
    "offer_fix": lambda v: FIXES[v["fix"]] + " To do that, press 1. To skip and go on cancelling, press 9 or say cancel.",
    "fix_guidance": lambda v: FIXES[v["fix"]] + " If you still want to cancel, choose cancel from the menu.",
    "addons_first": lambda v: f"Add-ons must be cancelled before the line: {and_list(v['addons'])}.",
    # confirmations (R10, R18)
    "confirm_cancel_plan": _confirm_plan,
    "confirm_cancel_line": _confirm_line,
    "confirm_reactivate": lambda v: f"You asked to reactivate your line {ending(v['number'])}.",
    "confirm_change_number": lambda v: (f"You asked to change your number {ending(v['number'])} to a new one. "
                                        "The old number is given up for good."),
    "confirm_block": lambda v: f"You asked to block {digits(v['blocked'])}.",
    "confirm_unblock": lambda v: f"You asked to unblock {digits(v['blocked'])}.",
    "confirm_expired": lambda v: "That request timed out after 5 minutes. Nothing was changed.",
    "not_confirmed": lambda v: "OK, nothing was changed.",
    "nothing_pending": lambda v: "There is nothing to confirm.",
    # done (R17: a text receipt follows)
    "done_cancel_plan": lambda v: (f"Done. {v['product']} will not renew and works until {day(v['term_end'])}. "
                                   "No refund. We'll text you a receipt."),
    "done_cancel_line": lambda v: (f"Done. Your line {ending(v['number'])} is cancelled and works until "
                                   f"{day(v['term_end'])}. No refund."
                                   + (" Remember to cancel in your Apple account too." if v.get("app_store_plans") else "")
                                   + " We'll text you a receipt."),
    "done_reactivate": lambda v: f"Done. Your line {ending(v['number'])} is active again. We'll text you a receipt.",
    "done_change_number": lambda v: f"Done. Your new number is {digits(v['number'])}. We'll text you a receipt.",
    "already_done": lambda v: "That was already done; nothing more was changed.",
    "done_block": lambda v: f"Done. {digits(v['blocked'])} is blocked.",
    "done_unblock": lambda v: f"Done. {digits(v['blocked'])} is unblocked.",
    # refusals
    "refused_already_cancelled": lambda v: f"{v.get('product') or 'That'} is already cancelled. Nothing changed.",
    "refused_line_not_active": lambda v: "This line is not active, so that can't be done.",
    "refused_plan_ended": lambda v: "That plan has already ended.",
    "refused_app_store_plan": lambda v: f"{v['product']} was bought in the App Store. " + APPLE_STEPS,
    "refused_addons_first_app_store": lambda v: (f"Before the line can be cancelled, {and_list(v['addons'])} must stop "
                                                 "renewing. It was bought in the App Store. " + APPLE_STEPS),
    "refused_addons_first": lambda v: f"First cancel {and_list(v['addons'])}.",
    "refused_user_cancelled": lambda v: "A line cancelled by its user can't be reactivated.",
    "refused_number_released": lambda v: "That number has been released and can't be reactivated.",
    "refused_already_active": lambda v: "Your line is already active.",
    "refused_not_reactivatable": lambda v: "This line can't be reactivated here. A person can help.",
    "refused_no_numbers_available": lambda v: "No new numbers are free right now. Nothing changed.",
    "refused_invalid_number": lambda v: "That doesn't look like a phone number.",
    "refused_emergency_number": lambda v: "Emergency numbers can't be blocked.",
    "refused_short_code": lambda v: "Short codes can't be blocked here.",
    "refused_own_number": lambda v: "That's your own number, so it can't be blocked.",
    "refused_already_blocked": lambda v: "That number is already blocked.",
    "refused_not_blocked": lambda v: "That number isn't blocked.",
    # people (R15)
    "agent": lambda v: "Let me get you a person.",
    "unknown_command": lambda v: "Sorry, I didn't get that.",
    "unusable": lambda v: "Sorry, I didn't get that.",
    "connecting": lambda v: "Connecting you to a person. Please hold.",
    "closed": lambda v: ("No one can take your call right now. Please leave a message after the tone, "
                         "and a person will call you back. Press pound when you're done."),
    "agent_unavailable": lambda v: ("Sorry, no one could take your call. Please leave a message after the tone, "
                                    "and a person will call you back. Press pound when you're done."),
    "voicemail_thanks": lambda v: "Thank you. Your message is saved and a person will call you back. Goodbye.",
    "voicemail_none": lambda v: "We didn't get a message. Your request is saved and a person will call you back. Goodbye.",
    "error": lambda v: "Sorry, something went wrong on our side.",
    "not_applied": lambda v: "Sorry, that didn't go through. Nothing was changed.",
    "outcome_unknown": lambda v: "Sorry, we couldn't confirm whether that went through. A person can check for you.",
    "unavailable": lambda v: "Sorry, we can't handle requests right now. Nothing was changed.",
    # what to press, after the prompt
    "hint_confirm": lambda v: "To confirm, press 1 or say yes. To keep things as they are, press 2 or say no.",
}


def say(key: str, values: dict | None = None, *, brand: str) -> str:
    return PROMPTS[key]({**(values or {}), "brand": brand})


def whisper(context: dict[str, Any], caller: str | None, brand: str) -> str:
    """What the agent hears before the caller is connected (R15)."""
    who = f"A {brand} caller from {digits(caller)}." if caller else f"A {brand} caller."
    verified = (f" PIN verified for line {ending(context['line'])}." if context.get("verified") and context.get("line")
                else " PIN not verified.")
    asked = f" They asked to {context['asked'].replace('_', ' ')}." if context.get("asked") else ""
    did = context.get("history") or []
    done = (" The bot: " + "; ".join(h for h in did[-5:]) + ".") if did else " The bot did nothing yet."
    reason = {"caller_asked": " They asked for a person.", "failed_inputs": " The bot couldn't understand them.",
              "pin_locked": " PIN entry is locked.", "error": " The bot had an error."}.get(context.get("reason", ""), "")
    return who + verified + asked + reason + done

