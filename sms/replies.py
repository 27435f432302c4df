"""Every word the SMS channel sends, keyed like the conversation's prompts and the policy's
reason codes. A second language is a second table.

R19: each reply fits one 160-character GSM-7 segment where it can and never more than 3;
tests render every key with its longest values and check.
"""

from __future__ import annotations

from typing import Callable

from core.phone import display
from core.text import and_list, day

def _plans(v: dict) -> str:
    if not v["plans"]:
        return f"Line {display(v['number'])} ({v['status']}): no plans."
    parts = []
    for p in v["plans"]:
        state = "renews" if p["renews"] else "ends"
        store = " (App Store)" if p["channel"] == "app_store" else ""
        parts.append(f"{p['product']}{store} {state} {day(p['term_end'])}")
    return f"Line {display(v['number'])} ({v['status'].replace('_', ' ')}): " + "; ".join(parts) + \
        f". Credits {v['credits']}. To stop one: STOP PLAN name"


def _terms(v: dict) -> str:
    base = "No refunds of any kind (plans, add-ons, credits, port fees)."
    if not v.get("terms"):
        return base + " For your own term end dates:"
    dates = "; ".join(f"{t['product']} to {day(t['term_end'])}" for t in v["terms"])
    return base + " You keep service to the end of each term: " + dates + "."


def _which_plan(v: dict) -> str:
    names = v["choices"]
    listed = ", ".join(f"{i} {n}" for i, n in enumerate(names, 1))
    lead = f"No plan named \"{v['asked'][:30]}\". " if v.get("asked") else ""
    return f"{lead}Which plan? Reply {listed}"


FIX_OFFERS = {
    "voice_network_mode": "Calls failing? Setting voice network mode for calls, not data, usually fixes it.",
    "reactivate": "Your number may be reactivated instead.",
    "device_settings": "No ringing or texts? Checking the phone's settings usually fixes it.",
    "change_number": "You can change your number instead of leaving.",
    "block_spam": "You can block spam numbers for free.",
}
FIX_GUIDANCE = {
    "voice_network_mode": "In the app's settings, set calls to use the voice network, not data, "
                          "for incoming and outgoing calls. Still want to leave? Text CANCEL LINE",
    "device_settings": "Check notifications are on, Do Not Disturb is off and the app may use the "
                       "microphone and notifications. Still want to leave? Text CANCEL LINE",
}


def _confirm_plan(v: dict) -> str:
    if v.get("kind") == "number":
        what = f"your number plan {v['product']}: line {display(v['number'])} stops after {day(v['term_end'])}"
    else:
        what = f"{v['product']}: it stops renewing and works until {day(v['term_end'])}"
    then = " Then we go on with the line." if v.get("then_line") else ""
    return f"Cancel {what}. No refund.{then} Reply YES to confirm or NO."


def _confirm_line(v: dict) -> str:
    text = (f"Cancel line {display(v['number'])}? Every plan stops; it works until "
            f"{day(v['term_end'])}, then the number is released. No refund. It can't be undone.")
    if v.get("app_store_plans"):
        text += (f" Apple keeps billing {and_list(v['app_store_plans'])} until you cancel in your "
                 f"Apple account too: {v['url']}")
    return text + " Reply YES to confirm or NO."


def _done_line(v: dict) -> str:
    text = (f"Done: line {display(v['number'])} is cancelled. It works until "
            f"{day(v['term_end'])}. No refund.")
    if v.get("app_store_plans"):
        text += f" Also cancel {and_list(v['app_store_plans'])} in your Apple account: {v['url']}"
    return text


def _app_store_addons(v: dict) -> str:
    text = (f"First cancel {and_list(v['addons'])} in your Apple account (Settings > Subscriptions "
            f"> the app > Cancel): {v['url']} Then text CANCEL LINE again.")
    if v.get("portal_addons"):
        text += f" Also stop {and_list(v['portal_addons'])}: STOP PLAN name"
    return text


REPLIES: dict[str, Callable[[dict], str]] = {
    # consent and help (R16)
    "help": lambda v: (f"{v['brand']}: PLANS, STOP PLAN, CANCEL LINE, REFUND, REACTIVATE, "
                       "CHANGE NUMBER, BLOCK, AGENT for a person. Msg&data rates may apply. "
                       "Reply STOP to opt out."),
    "opted_out": lambda v: (f"{v['brand']}: you won't get more texts from us. This did not cancel any "
                            "plan or line. Reply START to opt back in."),
    "opted_in": lambda v: f"{v['brand']}: texts are back on. Reply HELP for commands. Reply STOP to opt out.",
    "already_subscribed": lambda v: f"{v['brand']}: texts are on. Reply HELP for commands.",
    "media_only": lambda v: "We can only read text. Reply HELP for commands.",
    "unavailable": lambda v: ("Sorry, we can't handle requests right now. Nothing was changed. "
                              "Try again soon, or reply AGENT for a person."),
    "offer_person": lambda v: "Reply AGENT for a person.",
    "error": lambda v: "Sorry, something went wrong on our side. Text PLANS to see where things stand, or AGENT for a person.",
    "not_applied": lambda v: "Sorry, that didn't go through: nothing was changed. Please send it again.",
    "outcome_unknown": lambda v: ("Sorry, we couldn't confirm that went through. Text PLANS to check; sending it "
                                  "again never applies it twice."),
    "slow_down": lambda v: "You're sending a lot of messages. We'll answer again in a minute.",
    # public information (R1, R8)
    "refund_policy": lambda v: _terms(v),
    "refund_policy_terms": _terms,
    # identification and PIN (R8, R9)
    "ask_pin": lambda v: "To keep your account safe, reply with your line's PIN.",
    "ask_line_number": lambda v: "Reply with your line's phone number.",
    "ask_line_digits": lambda v: "Reply with the last 4 digits of the line this is about.",
    "pin_format": lambda v: "A PIN is 4 to 8 digits. Reply with your line's PIN.",
    "pin_wrong": lambda v: "We couldn't verify that PIN. Reply with your line's PIN to try again.",
    "pin_ok": lambda v: "PIN OK.",
    "pin_locked": lambda v: (f"PIN entry is locked for {v['minutes']} min after too many tries. "
                             "Reply AGENT for a person."),
    "pin_unavailable": lambda v: "We can't check PINs right now. Nothing was changed.",
    "ready": lambda v: "What can we do? Reply HELP for commands.",
    # choosing
    "ask_target": lambda v: f"Which line? Reply its last 4 digits: {', '.join(v['lines'])}",
    "not_your_line": lambda v: "You can only change your own line, or as account admin a line of your account.",
    "plans": _plans,
    "no_plans": lambda v: f"Line {display(v['number'])} has no active plans.",
    "ask_plan": _which_plan,
    "plan_not_found": _which_plan,
    "ask_block_number": lambda v: f"Which number should we {v['action']}? Reply with it.",
    # R11
    "ask_reason": lambda v: ("Before you go, why? Reply 1 calls fail, 2 number got cancelled, "
                             "3 no ringing or texts, 4 dislike the number, 5 spam calls, or SKIP."),
    "offer_fix": lambda v: FIX_OFFERS[v["fix"]] + " Reply FIX for that or SKIP to go on cancelling.",
    "fix_guidance": lambda v: FIX_GUIDANCE[v["fix"]],
    # R4
    "addons_first": lambda v: f"First the add-ons: {and_list(v['addons'])}.",
    # confirmations (R10, R18)
    "confirm_cancel_plan": _confirm_plan,
    "confirm_cancel_line": _confirm_line,
    "confirm_reactivate": lambda v: f"Reactivate line {display(v['number'])}? Reply YES to confirm or NO.",
    "confirm_change_number": lambda v: (f"Change number {display(v['number'])} to a new one? The old "
                                        "number is given up for good. Reply YES to confirm or NO."),
    "confirm_block": lambda v: f"Block {display(v['blocked'])} on your line? Reply YES to confirm or NO.",
    "confirm_unblock": lambda v: f"Unblock {display(v['blocked'])}? Reply YES to confirm or NO.",
    "confirm_expired": lambda v: "That request timed out after 5 minutes. Nothing was changed. Text it again to start over.",
    "not_confirmed": lambda v: "OK, nothing was changed.",
    "nothing_pending": lambda v: "Nothing is waiting for a yes. Reply HELP for commands.",
    # receipts (R17)
    "done_cancel_plan": lambda v: (f"Done: {v['product']} won't renew. It works until {day(v['term_end'])}. "
                                   "No refund."),
    "done_cancel_line": _done_line,
    "done_reactivate": lambda v: f"Done: line {display(v['number'])} is active again.",
    "done_change_number": lambda v: f"Done: your new number is {display(v['number'])} (was {display(v['old'])}).",
    "done_block": lambda v: f"Done: {display(v['blocked'])} is blocked. UNBLOCK it any time.",
    "done_unblock": lambda v: f"Done: {display(v['blocked'])} is unblocked.",
    # refusals, by the policy's reason codes
    "refused_already_cancelled": lambda v: (f"{v.get('product') or 'That'} is already cancelled"
                                            + (f" and ends {day(v['term_end'])}" if v.get("term_end") else "")
                                            + ". Nothing changed."),
    "refused_line_not_active": lambda v: f"Line {display(v['number'])} is not active, so that can't be done.",
    "refused_plan_ended": lambda v: f"{v.get('product', 'That plan')} has already ended.",
    "refused_app_store_plan": lambda v: (f"{v['product']} was bought in the App Store, so only you can cancel "
                                         f"it: Apple account > Subscriptions > the app > Cancel. {v['url']}"),
    "refused_addons_first_app_store": _app_store_addons,
    "refused_addons_first": lambda v: f"First stop {and_list(v['addons'])}: text STOP PLAN name.",
    "refused_user_cancelled": lambda v: "A line cancelled by its user can't be reactivated.",
    "refused_number_released": lambda v: "That number has been released and can't be reactivated.",
    "refused_already_active": lambda v: f"Line {display(v['number'])} is already active.",
    "refused_not_reactivatable": lambda v: "This line can't be reactivated here. Reply AGENT for a person.",
    "refused_no_numbers_available": lambda v: "No new numbers are free right now. Nothing changed. Try later.",
    "refused_invalid_number": lambda v: "That doesn't look like a phone number. Nothing changed.",
    "refused_emergency_number": lambda v: "Emergency numbers can't be blocked.",
    "refused_short_code": lambda v: "Short codes can't be blocked here. Reply STOP to that sender instead.",
    "refused_own_number": lambda v: "That's your own number, so it can't be blocked.",
    "refused_already_blocked": lambda v: f"{display(v['blocked'])} is already blocked.",
    "refused_not_blocked": lambda v: f"{display(v['blocked'])} isn't blocked.",
    # the way to a person (R15)
    "agent": lambda v: (f"A person from {v['brand']} will contact you at this number soon "
                        f"(ref {v['ref']}). Nothing was changed."),
    "unknown_command": lambda v: "Sorry, we didn't get that. Reply HELP for commands.",
    "unusable": lambda v: "Sorry, we didn't get that.",
}

RECEIPTS: dict[str, Callable[[dict], str]] = {
    "plan_cancelled": lambda v: f"{v['brand']}: {REPLIES['done_cancel_plan'](v)}",
    "line_cancelled": lambda v: f"{v['brand']}: {_done_line(v)}",
    "line_reactivated": lambda v: f"{v['brand']}: line {display(v['number'])} is active again from {day(v['effective'])}.",
    "number_changed": lambda v: f"{v['brand']}: your new number is {display(v['number'])} from {day(v['effective'])} (was {display(v['old'])}).",
    "number_blocked": lambda v: f"{v['brand']}: {display(v['number'])} is blocked on {display(v['line'])} from {day(v['effective'])}.",
    "number_unblocked": lambda v: f"{v['brand']}: {display(v['number'])} is unblocked on {display(v['line'])} from {day(v['effective'])}.",
}


def render(key: str, values: dict | None = None, *, brand: str) -> str:
    return REPLIES[key]({**(values or {}), "brand": brand})


def receipt_text(kind: str, values: dict, *, brand: str) -> str:
    return RECEIPTS[kind]({**values, "brand": brand})
