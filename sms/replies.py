"""Every word the SMS channel sends, keyed like the conversation's prompts and the policy's
reason codes. A second language is a second table.

R19: each reply fits one 160-character GSM-7 segment where it can and never more than 3
segments, counted by the real GSM-7 / UCS-2 rules (sms/gsm.py); wording is GSM-7, only data
(a product name) can make a text UCS-2. Replies that grow with data page (PLANS: values carry
`page`, 1-based; "Text MORE for the rest") or summarise ("and N more"). Tests render every
key with its longest values, and with many, long, accented and emoji names, and check.
"""

from __future__ import annotations

from itertools import islice
from typing import Callable, Iterator

from core.phone import display
from core.formatting import and_list, day
from sms.gsm import fits, is_gsm7

MORE_HINT = "Text MORE for the rest."
_CLIP_MAX = 400  # longer than any name that could fit 3 segments
_CAP = 230  # more list items than 3 segments (459 septets) can hold, each with its ", "


# Fitting data into 3 segments (R19) -------------------------------------------------------
# A product name is the customer's data: shown as bought, counted by the real GSM-7/UCS-2
# rules. Lists that grow with data say "and N more" (or page: PLANS) instead of growing.
# Only a name so long that no wording fits it alone (e.g. 100 emoji: 200 UTF-16 units of
# the 201 three UCS-2 segments hold) is cut, with "...".

def _name(name: str, clip: int | None) -> str:
    if clip is None or len(name) <= clip:
        return name
    return name[:clip].rstrip() + "..."


def _fitting(make: Callable[[int | None], str], *shorter: Callable[[int | None], str]) -> str:
    """make(clip) with names whole when that fits 3 segments, else the first shorter wording
    that fits; else the shortest wording with the longest clip that fits."""
    for wording in (make, *shorter):
        text = wording(None)
        if fits(text):
            return text
    make = wording
    lo, hi, best = 1, _CLIP_MAX, make(1)
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = make(mid)
        if fits(candidate):
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best


def _summarised(make: Callable[[list[int], int | None], str], *lists: list) -> str:
    """make(shown, clip): as many items of each list as fit (the longest list gives way
    first), down to none (a count: "14 plans"); only then clipped names."""
    shown = [len(items) for items in lists]
    text = make(shown, None)
    if fits(text):
        return text
    # Each list's most items with the others showing none, by bisection (below the whole
    # list a longer prefix never takes fewer segments; more than _CAP items never fit);
    # then the longest gives way until all fit together.
    for i, items in enumerate(lists):
        lo, hi = 0, max(0, min(len(items) - 1, _CAP))
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(make([mid if j == i else 0 for j in range(len(lists))], None)):
                lo = mid
            else:
                hi = mid - 1
        shown[i] = lo
    while not fits(make(shown, None)):
        i = max(range(len(shown)), key=shown.__getitem__)
        if shown[i] == 0:
            break
        shown[i] -= 1
    return _fitting(lambda clip: make(shown, clip))


def _some(names: list[str], shown: int, clip: int | None, more: str = "more", noun: str = "plan") -> str:
    """'a, b and c'; or the first `shown` and 'and N more'; or, with none shown, '14 plans'."""
    listed = [_name(n, clip) for n in names[:shown]]
    hidden = len(names) - len(listed)
    if not listed:
        return f"{hidden} {noun}" + ("s" if hidden != 1 else "")
    if hidden <= 0:
        return and_list(listed)
    return ", ".join(listed) + f" and {hidden} {more}"


# PLANS: paged -----------------------------------------------------------------------------
def _plan_item(p: dict, clip: int | None) -> str:
    state = "renews" if p["renews"] else "ends"
    store = " (App Store)" if p["channel"] == "app_store" else ""
    return f"{_name(p['product'], clip)}{store} {state} {day(p['term_end'])}"


def plan_pages(v: dict) -> Iterator[str]:
    """The pages of PLANS for these values, in order: one text when all plans fit 3 segments;
    else pages of as many plans as fit, each but the last ending with MORE_HINT."""
    plans = v["plans"]
    number, status = display(v["number"]), v["status"].replace("_", " ")
    tail = f". Credits {v['credits']}. To stop one: STOP PLAN name"
    whole = f"Line {number} ({status}): " + "; ".join(_plan_item(p, None) for p in plans) + tail
    if not plans or fits(whole):
        yield whole
        return
    # Plans whose names are GSM-7 first: fewer pages, and fewer of them UCS-2 (R19).
    plans = sorted(plans, key=lambda p: not is_gsm7(p["product"]))

    def page(start: int, end: int, clip: int | None = None, short: bool = False) -> str:
        span = f"{start + 1}-{end}" if end > start + 1 else f"{end}"
        head = f"Line {number}" + (f" ({status})" if start == 0 and not short else "")
        body = "; ".join(_plan_item(p, clip) for p in plans[start:end])
        last = f". Credits {v['credits']}." if short else tail
        return f"{head}, plans {span} of {len(plans)}: {body}" + (last if end == len(plans) else ". " + MORE_HINT)

    start = 0
    while start < len(plans):
        end, text = start + 1, page(start, start + 1)
        if not fits(text):  # one plan with a very long name: shorter wording, at last a clipped name
            first = start
            text = _fitting(lambda clip: page(first, first + 1, clip, short=True))
        while end < len(plans) and fits(longer := page(start, end + 1)):
            end, text = end + 1, longer
        yield text
        start = end


def _plans(v: dict) -> str:
    if not v["plans"]:
        return f"Line {display(v['number'])} ({v['status']}): no plans."
    try:
        page = max(1, int(v.get("page") or 1))
    except (TypeError, ValueError):
        page = 1
    for text in islice(plan_pages(v), page - 1, page):
        return text
    return f"That was every plan on line {display(v['number'])}. Text PLANS to see them again."


# REFUND: the soonest term ends, then "N more" -----------------------------------------------
def _term_key(value) -> str:
    return value[:10] if isinstance(value, str) else str(value)[:10]


def _terms(v: dict) -> str:
    base = "No refunds of any kind (plans, add-ons, credits, port fees)."
    if not v.get("terms"):
        return base + " For your own term end dates:"
    terms = sorted(v["terms"], key=lambda t: _term_key(t["term_end"]))  # stable: same day, same order

    def make(shown: list[int], clip: int | None) -> str:
        if not shown[0]:
            return base + " You keep service to the end of each term: text PLANS for the dates."
        dates = "; ".join(f"{_name(t['product'], clip)} to {day(t['term_end'])}" for t in terms[:shown[0]])
        hidden = len(terms) - shown[0]
        more = f"; {hidden} more: text PLANS for their dates" if hidden else ""
        return base + " You keep service to the end of each term: " + dates + more + "."
    return _summarised(make, terms)


# Choosing a plan: numbers while they fit, names always ---------------------------------------
def _which_plan(v: dict) -> str:
    names = v["choices"]
    asked = v.get("asked")
    if asked and is_gsm7(asked[:30]):
        lead = f"No plan named \"{asked[:30]}\". "
    else:  # never echo what would force UCS-2 (R19)
        lead = "No plan by that name. " if asked else ""

    def make(shown: list[int], clip: int | None) -> str:
        if not shown[0]:
            return f"{lead}Which plan? Reply with its name (text PLANS to list them)"
        listed = ", ".join(f"{i} {_name(n, clip)}" for i, n in enumerate(names[:shown[0]], 1))
        hidden = len(names) - shown[0]
        more = f", or the name of any of {hidden} more (text PLANS to list them)" if hidden else ""
        return f"{lead}Which plan? Reply {listed}{more}"
    return _summarised(make, names)


def _ask_target(v: dict) -> str:
    lines = v["lines"]

    def make(shown: list[int], clip: int | None) -> str:
        hidden = len(lines) - shown[0]
        return ("Which line? Reply its last 4 digits: " + ", ".join(lines[:shown[0]])
                + (f" or those of {hidden} more lines" if hidden else ""))
    return _summarised(make, lines)


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
    def make(clip: int | None) -> str:
        product = _name(v["product"], clip)
        if v.get("kind") == "number":
            what = f"your number plan {product}: line {display(v['number'])} stops after {day(v['term_end'])}"
        else:
            what = f"{product}: it stops renewing and works until {day(v['term_end'])}"
        then = " Then we go on with the line." if v.get("then_line") else ""
        return f"Cancel {what}. No refund.{then} Reply YES to confirm or NO."

    def short(clip: int | None) -> str:  # for a very long name
        product = _name(v["product"], clip)
        if v.get("kind") == "number":
            return (f"Cancel number plan {product}? Line {display(v['number'])} stops after "
                    f"{day(v['term_end'])}. No refund. Reply YES or NO.")
        return f"Cancel {product}? It works until {day(v['term_end'])}. No refund. Reply YES or NO."
    return _fitting(make, short)


def _done_plan(v: dict, prefix: str = "") -> str:
    return _fitting(lambda clip: (f"{prefix}Done: {_name(v['product'], clip)} won't renew. It works until "
                                  f"{day(v['term_end'])}. No refund."))


def _confirm_line(v: dict) -> str:
    text = (f"Cancel line {display(v['number'])}? Every plan stops; it works until "
            f"{day(v['term_end'])}, then the number is released. No refund. It can't be undone.")
    store = v.get("app_store_plans") or []
    if not store:
        return text + " Reply YES to confirm or NO."
    return _summarised(lambda shown, clip: (
        f"{text} Apple keeps billing {_some(store, shown[0], clip)} until you cancel in your "
        f"Apple account too: {v['url']} Reply YES to confirm or NO."), store)


def _done_line(v: dict, prefix: str = "") -> str:
    text = (f"{prefix}Done: line {display(v['number'])} is cancelled. It works until "
            f"{day(v['term_end'])}. No refund.")
    store = v.get("app_store_plans") or []
    if not store:
        return text
    return _summarised(lambda shown, clip: (
        f"{text} Also cancel {_some(store, shown[0], clip)} in your Apple account: {v['url']}"), store)


def _app_store_addons(v: dict) -> str:
    addons, portal = v["addons"], v.get("portal_addons") or []

    def make(shown: list[int], clip: int | None) -> str:
        text = (f"First cancel {_some(addons, shown[0], clip)} in your Apple account (Settings > "
                f"Subscriptions > the app > Cancel): {v['url']} Then text CANCEL LINE again.")
        if portal:
            text += f" Also stop {_some(portal, shown[1], clip)}: STOP PLAN name"
        return text
    return _summarised(make, addons, portal)


def _addons(template: str) -> Callable[[dict], str]:
    """An add-on list (R4) in a sentence: template.format(addons=...)."""
    return lambda v: _summarised(lambda shown, clip: template.format(addons=_some(v["addons"], shown[0], clip)),
                                 v["addons"])


def _product(template: str, *shorter: str, default: str = "That") -> Callable[[dict], str]:
    """One product's name in a sentence: template.format(product=..., **values); a shorter
    template for a very long name."""
    def render_(v: dict) -> str:
        def wording(t: str) -> Callable[[int | None], str]:
            return lambda clip: t.format(**{**v, "product": _name(v.get("product") or default, clip)})
        return _fitting(*(wording(t) for t in (template, *shorter)))
    return render_


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
    "ask_pin": lambda v: ("To keep your account safe, reply with your line's PIN. Texting from another "
                          "phone? Reply with your line's number first."),
    "ask_pin_for_line": lambda v: "Now reply with that line's PIN.",
    "pin_format": lambda v: "A PIN is 4 to 8 digits. Reply with your line's PIN.",
    "pin_wrong": lambda v: "We couldn't verify that PIN. Reply with your line's PIN to try again.",
    "pin_ok": lambda v: "PIN OK.",
    "pin_locked": lambda v: (f"PIN entry is locked for {v['minutes']} min after too many tries. "
                             "Reply AGENT for a person."),
    "pin_unavailable": lambda v: "We can't check PINs right now. Nothing was changed.",
    "ready": lambda v: "What can we do? Reply HELP for commands.",
    # choosing
    "ask_target": _ask_target,
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
    "addons_first": _addons("First the add-ons: {addons}."),
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
    "done_cancel_plan": _done_plan,
    "done_cancel_line": _done_line,
    "done_reactivate": lambda v: f"Done: line {display(v['number'])} is active again.",
    "done_change_number": lambda v: f"Done: your new number is {display(v['number'])} (was {display(v['old'])}).",
    "already_done": lambda v: "That was already done; nothing more changed. Text PLANS to see where things stand.",
    "done_block": lambda v: f"Done: {display(v['blocked'])} is blocked. UNBLOCK it any time.",
    "done_unblock": lambda v: f"Done: {display(v['blocked'])} is unblocked.",
    # refusals, by the policy's reason codes
    "refused_already_cancelled": lambda v: _fitting(lambda clip: (
        f"{_name(v.get('product') or 'That', clip)} is already cancelled"
        + (f" and ends {day(v['term_end'])}" if v.get("term_end") else "") + ". Nothing changed.")),
    "refused_line_not_active": lambda v: f"Line {display(v['number'])} is not active, so that can't be done.",
    "refused_plan_ended": _product("{product} has already ended.", default="That plan"),
    "refused_app_store_plan": _product("{product} was bought in the App Store, so only you can cancel "
                                       "it: Apple account > Subscriptions > the app > Cancel. {url}",
                                       "{product} is an App Store plan: cancel it in your Apple account. {url}"),
    "refused_addons_first_app_store": _app_store_addons,
    "refused_addons_first": _addons("First stop {addons}: text STOP PLAN name."),
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
    "plan_cancelled": lambda v: _done_plan(v, prefix=f"{v['brand']}: "),
    "line_cancelled": lambda v: _done_line(v, prefix=f"{v['brand']}: "),
    "line_reactivated": lambda v: f"{v['brand']}: line {display(v['number'])} is active again from {day(v['effective'])}.",
    "number_changed": lambda v: f"{v['brand']}: your new number is {display(v['number'])} from {day(v['effective'])} (was {display(v['old'])}).",
    "number_blocked": lambda v: f"{v['brand']}: {display(v['number'])} is blocked on {display(v['line'])} from {day(v['effective'])}.",
    "number_unblocked": lambda v: f"{v['brand']}: {display(v['number'])} is unblocked on {display(v['line'])} from {day(v['effective'])}.",
}


def render(key: str, values: dict | None = None, *, brand: str) -> str:
    return REPLIES[key]({**(values or {}), "brand": brand})


def receipt_text(kind: str, values: dict, *, brand: str) -> str:
    return RECEIPTS[kind]({**values, "brand": brand})
