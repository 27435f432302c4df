"""Every word a caller hears, keyed like the conversation's prompts and the policy's reason
codes (the SMS table's twin), plus what only a call has: menus, transfers, the whisper.

English here, Spanish in ivr/prompts_es.py with exactly the same keys (a test holds them to
it); `say` picks the catalogue by the call's language. The sentences that walk the data
(plans, terms, choices, cancellations) are one implementation (`Spoken`) fed each language's
`VoicePhrases`. The whisper is for the agent: English, saying which language the caller chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Callable, Mapping

from core import languages
from core.journeys import troubleshoot
from core.formatting import and_list, day, said_on
from core.reply import line_condition, plan_outlook

Prompt = Callable[[dict], str]

# Said in Spanish whatever the call's language: the offer before the English menu (R20), and
# the welcome once Spanish is chosen.
OFFER_SPANISH = "Para español, oprime 9 o di español."
SPANISH_WELCOME = "Te damos la bienvenida. Te atenderemos en español."
# Said in English whatever the call's language, once Spanish is chosen: the way back (R20).
OFFER_ENGLISH = "For English, press 9."
_NUMBERS = {"en": ("an unknown number", "ending {digits}"),
            "es": ("un número desconocido", "que termina en {digits}")}


def digits(e164: str | None, lang: str = "en") -> str:
    """A number read digit by digit: '+15550100001' -> '5 5 5, 0 1 0, 0 0 0 1' (the voice of
    the call's language says the digits)."""
    if not e164:
        return _NUMBERS.get(lang, _NUMBERS["en"])[0]
    national = e164[2:] if e164.startswith("+1") and len(e164) == 12 else e164.lstrip("+")
    if len(national) == 10:
        groups = [national[:3], national[3:6], national[6:]]
    else:
        groups = [national]
    return ", ".join(" ".join(g) for g in groups)


def ending(e164: str, lang: str = "en") -> str:
    """'ending 0 0 0 1' / 'que termina en 0 0 0 1', said after 'your line'."""
    return _NUMBERS.get(lang, _NUMBERS["en"])[1].format(digits=" ".join(e164[-4:]))


@dataclass(frozen=True)
class VoicePhrases:
    """What a language says around data in the prompts that walk it: str.format templates;
    a pair is (one item, several)."""

    lang: str
    plan_renews: str  # {product}{store} {day}
    plan_ends: str
    app_store: str  # {store}
    plans: str  # {ending} {status} {items}
    plans_none: str  # {ending}
    refund: str  # R1
    refund_ask: str  # before the PIN: what comes next asks for it
    refund_terms: str  # {terms}
    refund_term: str  # {product} {day}
    refund_short: str  # R1 in a sentence, before the caller's own terms
    more: str  # {n}: the rest of a list that doesn't fit (R19)
    and_more: str  # {n}: the same inside a sentence
    plan_not_found: str
    which_plan: str  # {choices}
    plan_choice: str  # {name} {n}
    confirm_number_plan: str  # {product} {ending} {day}
    confirm_feature: str  # {product} {day}
    no_refund: str
    then_line: str  # add-ons first, then the line (R4)
    confirm_line: str  # {digits} {day} (R3)
    line_store: tuple[str, str]  # {plans}: Apple keeps billing (R6); several are not named (R19)
    store_addons: tuple[str, str]  # {addons}: R4 with R6
    apple_steps: str  # R6
    done_line: str  # {ending} {day} {apple}
    done_line_apple: str
    statuses: Mapping[str, str] = field(default_factory=dict)  # a line's status, as said


class Spoken:
    """The prompts whose sentences depend on the data, in one language's phrases."""

    def __init__(self, phrases: VoicePhrases):
        self.p = phrases

    def day(self, value) -> str:
        return day(value, self.p.lang)

    def ending(self, e164: str) -> str:
        return ending(e164, self.p.lang)

    def listed(self, items: list[str]) -> str:
        return and_list(items, self.p.lang)

    def _one_or_more(self, pair: tuple[str, str], items: list[str], **values) -> str:
        return pair[0 if len(items) == 1 else 1].format(**values)

    def _fitting(self, make: Callable[[list], str], items: list) -> str:
        """make(items) with as many items as keep it within MAX_WORDS (R19), then "and N more"."""
        for shown in range(len(items), 0, -1):
            text = make(items[:shown]) + (self.p.more.format(n=len(items) - shown) if shown < len(items) else "")
            if len(text.split()) <= MAX_WORDS or shown == 1:
                return text
        return make(items)

    def plans(self, v: dict) -> str:
        p = self.p
        if not v["plans"]:
            return p.plans_none.format(ending=self.ending(v["number"]))
        status = p.statuses.get(v["status"], v["status"].replace("_", " "))
        return self._fitting(lambda plans: p.plans.format(
            ending=self.ending(v["number"]), status=status, items=". ".join(
                (p.plan_renews if plan["renews"] else p.plan_ends).format(
                    product=plan["product"], store=p.app_store if plan["channel"] == "app_store" else "",
                    day=self.day(plan["term_end"])) for plan in plans)), v["plans"])

    def refund(self, v: dict) -> str:
        """R1, then the caller's own term ends, as many as fit (R19)."""
        p, terms = self.p, v.get("terms") or []
        if not terms:
            return p.refund + p.refund_ask
        return self._fitting(lambda shown: p.refund_short + p.refund_terms.format(terms=". ".join(
            p.refund_term.format(product=t["product"], day=self.day(t["term_end"])) for t in shown)), terms)

    def which_plan(self, v: dict) -> str:
        p = self.p
        lead = p.plan_not_found if v.get("asked") else ""
        return lead + p.which_plan.format(choices=". ".join(
            p.plan_choice.format(name=name, n=i) for i, name in enumerate(v["choices"], 1)))

    def confirm_plan(self, v: dict) -> str:
        p = self.p
        if v.get("kind") == "number":
            text = p.confirm_number_plan.format(product=v["product"], ending=self.ending(v["number"]),
                                                day=self.day(v["term_end"]))
        else:
            text = p.confirm_feature.format(product=v["product"], day=self.day(v["term_end"]))
        return text + p.no_refund + (p.then_line if v.get("then_line") else "")

    def confirm_line(self, v: dict) -> str:
        """R3, R10 and, with App Store plans, R6's additional step, within R19's 45 words: Apple's
        steps are offered by text after the answer (ivr.call), several App Store plans not named."""
        p = self.p
        store = v.get("app_store_plans") or []
        text = p.confirm_line.format(digits=" ".join(v["number"][-4:]), day=self.day(v["term_end"]))
        return text + (self._one_or_more(p.line_store, store, plans=self.listed(store)) if store else "")

    def some(self, items: list[str]) -> str:
        """A list said in a prompt: two names, then "and N more" (R19)."""
        return self.listed(items) if len(items) <= 2 else ", ".join(items[:2]) + self.p.and_more.format(n=len(items) - 2)

    def store_addons(self, v: dict) -> str:
        return self._one_or_more(self.p.store_addons, v["addons"], addons=self.some(v["addons"])) + self.p.apple_steps

    def done_line(self, v: dict) -> str:
        p = self.p
        return p.done_line.format(ending=self.ending(v["number"]), day=self.day(v["term_end"]),
                                  apple=p.done_line_apple if v.get("app_store_plans") else "")


FIXES = {
    "voice_network_mode": ("Calls not working? In the app's settings, set calls to use the voice network, not data. "
                           "That usually fixes it."),
    "reactivate": "If your number was cancelled for some reason, we can reactivate it.",
    "device_settings": ("No ringing or texts? Check that notifications are on, do not disturb is off, and the app "
                        "may use the microphone."),
    "change_number": "If you don't like your number, we can change it.",
    "block_spam": "Getting spam calls? You can block spam numbers for free.",
}
SAID_FIXES = ("voice_network_mode", "device_settings")  # guidance, not a journey
_REASONS = ("Calls failing, press 1. Number got cancelled, 2. No ringing or texts, 3. Don't like your number, 4. "
            "Spam calls, 5.")
# R6's steps, short enough to say (R19); Apple's page goes with them by text (offer_text_steps).
APPLE_STEPS = ("Only you can cancel it, in your Apple account: in the App Store, go to Subscriptions, choose this "
               "app, and cancel.")
MAX_WORDS = 40  # R19: a spoken prompt (a confirmation: 45, with the keys to answer it)

EN = Spoken(VoicePhrases(
    lang="en",
    plan_renews="{product}{store} renews {day}",
    plan_ends="{product}{store} ends {day}",
    app_store=", from the App Store,",
    plans="Your line {ending} is {status}. {items}.",
    plans_none="Your line {ending} has no active plans.",
    refund=("There are no refunds of any kind: not for plans, add-ons, usage credits or port fees. If you cancel, "
            "you keep the service and your credits to the end of the term."),
    refund_ask=" To hear your own term dates:",
    refund_terms=" Your terms: {terms}.",
    refund_term="{product} until {day}",
    refund_short="There are no refunds.",
    more=" And {n} more: text PLANS for all of them.",
    and_more=" and {n} more",
    plan_not_found="I didn't find that plan. ",
    which_plan="Which plan? {choices}.",
    plan_choice="For {name}, press {n}",
    confirm_number_plan=("Cancel your number plan, {product}? Your line works until {day}, then the line ends and its "
                         "number is released."),
    confirm_feature="Cancel {product}? It stops renewing and works until {day}.",
    no_refund=" No refund.",
    then_line=" Then we go on with the line.",
    confirm_line=("Cancel line {digits} and its plans? It works until {day}, then the number is released. No refund; "
                  "it can't be undone."),
    line_store=(" Apple bills {plans} until you cancel it there.",
                " Apple bills your App Store plans until you cancel them there."),
    store_addons=("First, {addons} must stop renewing; it was bought in the App Store. ",
                  "First, {addons} must stop renewing; they were bought in the App Store. "),
    apple_steps=APPLE_STEPS,
    done_line="Done. Your line {ending} is cancelled and works until {day}. No refund.{apple}",
    done_line_apple=" Remember to cancel in your Apple account too.",
))


# Issue 11: what each journey offers when a request was vague or the bot unsure (ask_which).
WHICH = {"plans": "hear your plans", "refund": "hear our refund policy", "cancel_plan": "cancel a plan or add-on",
         "cancel_line": "cancel the whole line", "reactivate": "reactivate your line",
         "change_number": "change your number", "block": "block a number", "unblock": "unblock a number",
         "troubleshoot": "fix a problem with calls, ringing or texts", "agent": "talk to a person"}
WHICH.update({"term_end": "hear when your plans end", "cancel_effects": "hear what cancelling does",
              "appstore": "hear Apple's steps to cancel an App Store plan", "capabilities": "hear what I can do",
              "port_out": "move your number to another carrier", "billing": "ask about billing",
              "undo_cancel": "undo a cancellation", "lost_phone": "get help with a lost phone",
              "callback": "get a call back",
              "number_info": "hear how changing your number works"})  # issue 21: the answers
# What a question or a statement is about: a journey, or "cancel" (a plan or the line, unsaid).
ABOUT = {**WHICH, "cancel": "cancel a plan or your line"}


def which(v: dict, words: dict, one: str, two: str) -> str:
    """The question offering one or two journeys (a plan or the line when none are given)."""
    options = [words.get(o, str(o).replace("_", " ")) for o in (v.get("options") or ["cancel_plan", "cancel_line"])]
    return two.format(*options[:2]) if len(options) > 1 else one.format(options[0])


def plan_next(v: dict, words: Mapping[str, str], lang: str = "en", short: bool = False) -> str:
    """After a reactivation (issue 12): whether the line's plan renews, until when it works,
    and what the caller must do to keep it (``words``: a language's PLAN_NEXT)."""
    return words[plan_outlook(v, short)].format(day=day(v["term_end"], lang) if v.get("term_end") else "")


def not_active(v: dict, words: Mapping[str, str], ways: tuple[str, str], lang: str = "en") -> str:
    """The line's own state, the day it works until, and the way on (``words``: a language's
    NOT_ACTIVE; ``ways``: (reactivate, a person))."""
    return words[line_condition(v)].format(ending=ending(v["number"], lang),
                                           day=day(v["term_end"], lang) if v.get("term_end") else "",
                                           way=ways[0] if v.get("reactivatable") else ways[1])


PLAN_NEXT = {
    "none_short": " No plan is running on it.",
    "none": " No plan is running on it. To keep the line, renew in the app.",
    "renews": " Its plan renews {day}.",
    "new_term": " A new term starts today, and its plan renews {day}.",
    "ends_short": " Its plan will not renew: it works until {day}.",
    "ends": " Its plan will not renew: it works until {day}. To keep the line, renew it in the app before then.",
}
NOT_ACTIVE = {
    "cancelled_until": "Your line {ending} is cancelled and works until {day}, so that can't be done.{way}",
    "suspended": "Your line {ending} is suspended, so that can't be done.{way}",
    "cancelled": "Your line {ending} has ended, so that can't be done.{way}",
    "released": "The number of your line {ending} was released, so that can't be done.{way}",
    "inactive": "Your line {ending} is not active, so that can't be done.{way}",
}
WAYS = (" You can reactivate it from the menu.", " For a person, press 0.")


PROMPTS: dict[str, Prompt] = {
    # the call
    "greeting": lambda v: f"Thanks for calling {v['brand']} support.",
    "offer_spanish": lambda v: OFFER_SPANISH,  # in Spanish, before the English menu (R20)
    "spanish_chosen": lambda v: SPANISH_WELCOME,
    "offer_english": lambda v: OFFER_ENGLISH,
    # The menus (issue 12): at most five options each, read in full once; after a miss the
    # options named briefly, after a second the names alone; a third miss reaches a person.
    "main_menu": lambda v: ("To cancel a plan or your line, press 1. Refund policy, press 2. Call or text problems, "
                            "press 3. To reactivate, change, block or unblock a number, press 4. For a person, press 0. "
                            "Or say what you need."),
    "main_menu_brief": lambda v: "Press 1 to cancel, 2 for the refund policy, 3 for problems, 4 for your number, or 0 for a person.",
    "main_menu_names": lambda v: "Say cancel, refund, problem, number, or agent. Or press 1, 2, 3, 4, or 0.",
    "more_menu": lambda v: ("To reactivate your number, press 1. To change your number, press 2. To block a number, "
                            "press 3. To unblock one, press 4. For a person, press 0."),
    "more_menu_brief": lambda v: ("Press 1 to reactivate, 2 to change your number, 3 to block, 4 to unblock, "
                                  "or 0 for a person."),
    "more_menu_names": lambda v: "Say reactivate, change number, block, unblock, or agent. Or press 1, 2, 3, 4, or 0.",
    "cancel_menu_brief": lambda v: "Press 1 for a plan or add-on, 2 for the whole line, or 0 for a person.",
    "cancel_menu_names": lambda v: "Say plan, line, or agent. Or press 1, 2, or 0.",
    # after a finished task
    "anything_else": lambda v: ("Anything else? For the menu, press 1 or say yes. To end the call, press 2 or say "
                                "goodbye, or just hang up."),
    "anything_else_brief": lambda v: "Press 1 for the menu, 2 to end the call, or 0 for a person.",
    "anything_else_names": lambda v: "Say menu, goodbye, or agent. Or press 1, 2, or 0.",
    "goodbye": lambda v: "Thanks for calling. Goodbye.",
    "cancel_menu": lambda v: ("To cancel one plan or add-on, press 1 or say plan. To cancel the whole line, "
                              "press 2 or say line."),
    "handoff": lambda v: f"Welcome to {v['brand']} self-service. You can cancel or change your line here yourself.",
    "too_many_calls": lambda v: "We've had many calls from this number in the last few minutes.",
    "voicemail_nothing": lambda v: "We didn't get a message. Please call again later. Goodbye.",
    "leave_message": lambda v: "Please leave a message after the tone and a person will call you back. Press pound when you're done.",
    # identification and PIN (R8, R9)
    "ask_pin": lambda v: ("Please enter your line's PIN, then press pound. Calling from another phone? "
                          "First enter your line's 10 digit number, then pound."),
    "ask_pin_for_line": lambda v: "Now enter that line's PIN, then press pound.",
    "pin_format": lambda v: "A PIN is 4 to 8 digits.",
    "pin_wrong": lambda v: "We couldn't verify that PIN. Forgot it? Press 8, then pound, for a code.",
    # Said after pin_wrong, which already offers the code.
    "last_try": lambda v: f"One more wrong try locks PIN entry for {v['minutes']} minutes. For a person, press 0.",
    # a forgotten PIN (R21): a one-time code to the line's own number, never to the caller
    "code_which_line": lambda v: ("We'll text a one-time code to the line's own number. Enter that line's full "
                                  "number, then press pound."),
    "code_sent": lambda v: (f"If the number ending {' '.join(v['last4'])} is one of our lines, we've texted it a "
                            f"6 digit code. Enter the code, then press pound. It works once, for {v['minutes']} minutes."),
    "code_format": lambda v: "A code is 6 digits. Enter the code we texted to your line, then press pound.",
    "code_wrong": lambda v: "We couldn't verify that code. Enter the latest code we texted, or press 8 and pound for a new one.",
    "code_limit": lambda v: (f"We've sent all the codes we can to the number ending {' '.join(v['last4'])} this hour. "
                             "Enter the latest one, or press 0 for a person."),
    "code_opted_out": lambda v: (f"The number ending {' '.join(v['last4'])} has turned off texts from us, so no code "
                                 "can be sent. Enter the PIN if you find it, or press 0 for a person."),
    "pin_ok": lambda v: "Thank you.",
    "pin_locked": lambda v: f"PIN entry for this line is locked for {v['minutes']} minutes after too many attempts.",
    "pin_unavailable": lambda v: "We can't check PINs right now. Nothing was changed.",
    "ready": lambda v: "You're verified.",
    "ask_target": lambda v: "Which line? Enter its last 4 digits, or say its user's name.",
    "not_your_line": lambda v: ("You can only change your own line, or as the account admin, a line of your account."
                                 " For a person, press 0."),
    "plans": EN.plans,
    "no_plans": lambda v: "This line has no active plans. For a person, press 0.",
    "ask_plan": EN.which_plan,
    "plan_not_found": EN.which_plan,
    "ask_block_number": lambda v: f"Enter the 10 digit number to {v['action']}, then press pound.",
    # R1
    "refund_policy": EN.refund,
    "refund_policy_terms": EN.refund,
    # R11
    "ask_reason": lambda v: f"Before you go, may we help? {_REASONS} To go on cancelling, press 9 or say cancel.",
    "ask_fix": lambda v: ("Which problem? If calls fail, press 1. If your number was cancelled, press 2. If you "
                          "can't hear ringing or get texts, press 3. If you don't like your number, press 4. For "
                          "spam calls, press 5."),
    # one fix asked for from the menu: its words, then what to do if it didn't help (never cancelling)
    "fix_steps": lambda v: FIXES[v["fix"]] + " If it still doesn't work, press 0 for a person.",
    "ask_which": lambda v: which(v, WHICH, "Did you want to {0}? Press 1 or say yes. For a person, press 0.",
                                 "Did you want to {0}? Press 1 or say one. Or to {1}? Press 2 or say two. "
                                 "For a person, press 0."),
    # speech the recogniser was unsure of (issue 11): asked again once, then the keypad
    "speech_again": lambda v: "Sorry, I didn't catch that.",
    "speech_keys": lambda v: "Sorry, I still didn't catch that. Please use your keypad.",
    # R11: a fix that is guidance is said once, in the offer; one that is a journey is offered.
    "offer_fix": lambda v: FIXES[v["fix"]] + (" If that fixes it, press 1 to keep your line." if v["fix"] in SAID_FIXES
                                              else " To do that, press 1.")
                           + " To go on cancelling, press 9 or say cancel.",
    "fix_guidance": lambda v: ("Good: your line stays as it is. If it still doesn't work, press 0 for a person. To "
                               "cancel after all, choose cancel from the menu."),
    # Apple's steps by text (issue 12), offered only when a text can be sent to the line
    "offer_text_steps": lambda v: (f"We can text these steps to the number ending {' '.join(v['number'][-4:])}. "
                                   "To get them, press 1 or say yes. If not, press 2."),
    "texted_steps": lambda v: f"OK. We'll text the steps to the number ending {' '.join(v['number'][-4:])}.",
    "texted_steps_already": lambda v: (f"The steps were already texted to the number ending "
                                       f"{' '.join(v['number'][-4:])}."),
    "texted_steps_opted_out": lambda v: "That number has opted out of our texts, so we didn't send them.",
    "texted_steps_not_sent": lambda v: "Sorry, we couldn't text the steps. They're at support dot apple dot com.",
    "apple_steps_text": lambda v: (f"{v['brand']}: only you can cancel an App Store subscription, in your Apple "
                                   "account: open the App Store, go to Subscriptions, choose our app's subscription "
                                   "and cancel it. Help: https://support.apple.com/en-us/HT202039"),
    "addons_first": lambda v: f"Add-ons must be cancelled before the line: {EN.some(v['addons'])}.",
    # confirmations (R10, R18)
    "confirm_cancel_plan": EN.confirm_plan,
    "confirm_cancel_line": EN.confirm_line,
    "confirm_reactivate": lambda v: f"You asked to reactivate your line {ending(v['number'])}.{plan_next(v, PLAN_NEXT, short=True)}",
    "confirm_change_number": lambda v: ((f"No numbers are free in area code {' '.join(v['area'])}. "
                                         if not v.get("area_found", True) else "")
                                        + f"Change your number to {digits(v['new'])}? The old one is given up for good."
                                        + (" For another area code, enter its 3 digits." if v.get("area_found", True)
                                           else "")),
    "confirm_block": lambda v: f"You asked to block {digits(v['blocked'])}.",
    "confirm_unblock": lambda v: f"You asked to unblock {digits(v['blocked'])}.",
    "confirm_expired": lambda v: "That request timed out after 5 minutes. Nothing was changed.",
    "not_confirmed": lambda v: "OK, nothing was changed.",
    "nothing_pending": lambda v: "There is nothing to confirm.",
    # Every step hears every act (issue 21): a greeting, thanks, a switch, a question (R24)
    "hello": lambda v: ("Hi! I can tell you your plans, cancel a plan or your line, change or block a number, "
                        "and fix call problems."),
    "welcome": lambda v: "You're welcome.",
    "take_your_time": lambda v: "Take your time.",
    "opt_out_by_voice": lambda v: ("To stop our texts, reply STOP to any text from us. Nothing was changed, "
                                   "and no plan or line was cancelled."),
    "language_switched": lambda v: "OK, let's go on in English.",
    "question_about": lambda v: (
        f"Nothing changes from a question. To {ABOUT[v['about']]}, just ask for it: you'll hear what it does "
        "before you confirm. For a person, press 0." if v.get("about") in ABOUT else
        "Nothing changes from a question. Tell me what you'd like done, or press 0 for a person."),
    "told_about": lambda v: (
        f"Nothing was changed. If you'd like to {ABOUT[v['about']]}, just ask for it. For a person, press 0."
        if v.get("about") in ABOUT else "Nothing was changed. Tell me what you'd like done, or press 0 for a person."),
    "ok_nothing": lambda v: "OK, nothing was changed.",
    "block_offered": lambda v: "We can block a number that keeps calling you, for free.",
    "why_pin": lambda v: "We ask for the PIN so only the line's own user can use it.",
    "why_code": lambda v: "The code proves you have the line's own phone.",
    "not_ours": lambda v: "That's not something I can help with.",  # then what I can do (capabilities)
    "not_verified": lambda v: "We couldn't verify that.",
    "pin_not_needed": lambda v: "Your PIN is already verified on this call.",
    # done (R17: a text receipt follows)
    "done_cancel_plan": lambda v: ((f"Done. Your number plan {v['product']} will not renew. Your line works until "
                                    f"{day(v['term_end'])}, then the line ends and its number is released. No refund.")
                                   if v.get("kind") == "number" else  # R5: as plainly as R3
                                   (f"Done. {v['product']} will not renew and works until {day(v['term_end'])}. "
                                    "No refund.")),
    "done_cancel_line": EN.done_line,
    "done_reactivate": lambda v: f"Done. Your line {ending(v['number'])} is active again.{plan_next(v, PLAN_NEXT)}",
    "done_change_number": lambda v: f"Done. Your new number is {digits(v['number'])}.",
    "already_done": lambda v: "That was already done; nothing more was changed.",
    # R17: said only when a receipt will be sent, and to whom
    "callback_requested": lambda v: f"A person will call you back at {digits(v['number'])}. Nothing was changed.",
    "callback_no_number": lambda v: "We can't call this number back. Press 0 for a person.",
    "receipt_coming": lambda v: (f"We'll text a receipt to the number ending {' '.join(v['to'][0])}"
                                 + (f", and a copy to the number ending {' '.join(v['to'][1])}" if len(v['to']) > 1 else "")
                                 + "."),
    "done_block": lambda v: f"Done. {digits(v['blocked'])} is blocked.",
    "done_unblock": lambda v: f"Done. {digits(v['blocked'])} is unblocked.",
    # refusals
    "refused_already_cancelled": lambda v: (f"{v.get('product') or 'Your line ' + ending(v['number'])} is already "
                                            "cancelled" + (f" and works until {day(v['term_end'])}"
                                                           if v.get("term_end") else "") + ". Nothing changed."
                                            " For a person, press 0."),
    "refused_line_not_active": lambda v: not_active(v, NOT_ACTIVE, WAYS),
    "refused_number_taken": lambda v: ("Sorry, that number was just taken by someone else. Nothing changed. To get "
                                      "another, choose change number from the menu."),
    "refused_plan_ended": lambda v: "That plan has already ended. For a person, press 0.",
    "refused_app_store_plan": lambda v: f"{v['product']} was bought in the App Store. " + APPLE_STEPS,
    "refused_addons_first_app_store": EN.store_addons,
    "refused_addons_first": lambda v: f"First cancel {and_list(v['addons'])}. You can do that from the menu.",
    "refused_user_cancelled": lambda v: ("A line cancelled by its user can't be reactivated."
                                         + (f" It works until {day(v['term_end'])}." if v.get("term_end") else "")
                                         + " For a person, press 0."),
    "refused_number_released": lambda v: "That number has been released and can't be reactivated. For a person, press 0.",
    "refused_already_active": lambda v: "Your line is already active. For a person, press 0.",
    "refused_app_store_lapsed": lambda v: (f"{v.get('product') or 'Its plan'} was bought in the App Store and has run "
                                           "out: only Apple can renew it, in your Apple account. For a person, "
                                           "press 0."),
    "refused_not_reactivatable": lambda v: "This line can't be reactivated here. For a person, press 0.",
    "refused_no_numbers_available": lambda v: "No new numbers are free right now. Nothing changed. Please try again later.",
    # The area code asked for (issue 21): what is free instead, said digit by digit, or a person.
    "refused_no_numbers_in_area": lambda v: (f"No numbers are free in area code {' '.join(v['area'])}. Nothing changed. "
                                             + (f"Free area codes are {and_list([' '.join(a) for a in v['areas']])}: "
                                                "to get one, ask for a new number with that area code. "
                                                if v.get("areas") else "") + "For a person, press 0."),
    "refused_invalid_number": lambda v: "That doesn't look like a phone number. Please try again from the menu.",
    "refused_emergency_number": lambda v: "Emergency numbers can't be blocked. For a person, press 0.",
    "refused_short_code": lambda v: "Short codes can't be blocked here. For a person, press 0.",
    "refused_own_number": lambda v: ("That's your own number, so it can't be blocked. To block another, choose block "
                                     "from the menu."),
    "refused_already_blocked": lambda v: "That number is already blocked. To unblock it, choose unblock from the menu.",
    "refused_not_blocked": lambda v: "That number isn't blocked. To block it, choose block from the menu.",
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
    "hint_confirm": lambda v: "To confirm, press 1. If not, press 2.",  # "yes" and "no" are heard too
    # the number's VoiceFallbackUrl (issue 15): the bot itself failed; the database may be down
    "fallback_sorry": lambda v: "Sorry, our system is having trouble right now.",
    "fallback_no_answer": lambda v: "Sorry, no one could take your call.",
    "fallback_leave_message": lambda v: "Please leave a message after the tone. Press pound when you're done.",
    "fallback_not_saved": lambda v: "Sorry, we couldn't keep your message. Please call again later. Goodbye.",
    # Issue 23: a confirmation whose line changed meanwhile (another phone's YES came first)
    "refused_number_changed_meanwhile": lambda v: (f"Your line's number was already changed to {digits(v['number'])}, "
                                                   "from another phone or message. Nothing else changed. For a person, press 0."),
    # Issue 21: questions answered with facts, never turned into changes (R24, R25, R3)
    "term_end": EN.plans,
    "cancel_effects": lambda v: ("If you cancel a plan, it stops renewing and works, with your credits, until its term "
                                 "end. Cancelling the line can't be undone: it works until its term end, then the "
                                 "number is released. No refund."),
    "appstore_steps": lambda v: ("Only you can cancel an App Store plan, in your Apple account: in the App Store, go to "
                                 "Subscriptions, choose this app, and cancel. Apple's steps are at support dot apple "
                                 "dot com."),
    "capabilities": lambda v: ("I can tell you your plans and their dates, cancel a plan or your line, reactivate it, "
                               "change your number, block numbers, and explain refunds. For a person, press 0."),
    "port_out": lambda v: ("To move your number to another carrier, don't cancel it here: that would lose the number. "
                           "Your new carrier starts the port, and this line ends when it completes. No refund, port "
                           "fees included. For a person, press 0."),
    "billing_unknown": lambda v: ("I can't answer billing questions here. Your plans tell the day each one renews. For "
                                  "a person, press 0."),
    "undo_cancel": lambda v: ("A line's cancellation can't be undone: it works until its term end, then the number is "
                              "released. A cancelled plan works to its term end; to keep it, renew it in the app. For "
                              "a person, press 0."),
    "lost_phone": lambda v: ("Sorry about your phone. Nobody can change your line without its PIN. Ask your mobile "
                             "carrier to lock the lost phone. A person will help you now."),
    "number_info": lambda v: ("The old number is given up for good; your plans and credits stay. To do it, choose change "
                              "number in the menu. For prices or charges, say agent."),
}


def catalogue(lang: str) -> dict[str, Prompt]:
    """The prompts in a language, from the module the language registry names for calls
    (core/languages.py); the default language's for any other code."""
    return import_module(languages.get(lang).catalogues["voice"]).PROMPTS


def say(key: str, values: dict | None = None, *, brand: str, lang: str = languages.DEFAULT_CODE) -> str:
    values = values or {}
    with said_on(values.get("today")):  # today's and tomorrow's dates said as such (issue 22)
        return catalogue(lang)[key]({**values, "brand": brand})


# The whisper's words (issue 12): what the agent hears before taking a call, in plain English
# (the agents' language), built from these tables and never from the codes the conversation
# keeps: a note or a code without a row here is left out, not read out.
WHISPER_ACTIONS = {  # action: (to …, …ing, done)
    "cancel_plan": ("cancel a plan", "cancelling a plan", "cancelled a plan"),
    "cancel_line": ("cancel the line", "cancelling the line", "cancelled the line"),
    "reactivate": ("reactivate the line", "reactivating the line", "reactivated the line"),
    "change_number": ("change the number", "changing the number", "changed the number"),
    "block": ("block a number", "blocking a number", "blocked a number"),
    "unblock": ("unblock a number", "unblocking a number", "unblocked a number"),
    "refund": ("hear the refund policy", "the refund policy", "heard the refund policy"),
    "plans": ("hear their plans", "hearing their plans", "heard their plans"),
    "troubleshoot": ("fix a problem with calls or texts", "fixing a problem", "heard a fix"),
    "callback": ("get a call back", "a call back", "asked for a call back"),
    "agent": ("talk to a person", "reaching a person", "asked for a person"),
}
WHISPER_REFUSALS = {
    "already_cancelled": "it was already cancelled", "line_not_active": "the line is not active",
    "plan_ended": "the plan had already ended",
    "app_store_plan": "it was bought in the App Store, so only the customer can cancel it, at Apple",
    "addons_first": "add-ons must be cancelled first",
    "addons_first_app_store": "an App Store add-on must be cancelled at Apple first",
    "user_cancelled": "the customer cancelled that line themselves", "line_cancelled_by_user": "the customer "
    "cancelled that line themselves", "number_released": "the number was released",
    "line_released": "the number was released", "already_active": "the line is already active",
    "not_reactivatable": "the bot may not reactivate this line",
    "app_store_lapsed": "its App Store plan ran out: only Apple can renew it", "no_numbers_available": "no new numbers were free",
    "invalid_number": "the number wasn't valid", "emergency_number": "emergency numbers can't be blocked",
    "short_code": "short codes can't be blocked", "own_number": "it was their own number",
    "already_blocked": "it was already blocked", "not_blocked": "it wasn't blocked",
    "not_authorised": "it isn't a line they may change", "no_change": "nothing needed changing",
}
WHISPER_FIXES = troubleshoot.FIX_TOPICS  # the console's words for a fix, said alike
WHISPER_REASONS = {"caller_asked": "They asked for a person.", "failed_inputs": "The bot couldn't understand them.",
                   "pin_locked": "PIN entry is locked.", "error": "The bot had a technical problem.",
                   "redis_unavailable": "The bot had a technical problem.",
                   "database_error": "The bot had a technical problem."}
WHISPER_LANGUAGES = {lang.code: lang.name for lang in languages.BY_CODE.values()}  # the agents hear English
# Said to the agent after the whisper: a key to take the call, so that their voicemail can't.
WHISPER_ACCEPT = "Press 1 to take this call."
WHISPER_UNKNOWN = "A caller from the support line."


def _whisper_note(note: str) -> str | None:
    """One thing the bot did, as the agent hears it; None for what isn't worth their time or
    has no words here."""
    def act(code: str, form: int) -> str | None:
        return WHISPER_ACTIONS[code][form] if code in WHISPER_ACTIONS else None

    if m := re.fullmatch(r"([a-z_]+) refused: ([a-z_]+)", note):
        doing, why = act(m[1], 1), WHISPER_REFUSALS.get(m[2], "the bot's rules don't allow it")
        return f"{doing} was refused: {why}" if doing else None
    if m := re.fullmatch(r"([a-z_]+): ([a-z_]+)( \(confirmed twice\))?", note):
        if m[2] == "done":
            return act(m[1], 2)
        doing = act(m[1], 1)
        return f"{doing} was refused: {WHISPER_REFUSALS.get(m[2], 'the bot could not do it')}" if doing else None
    if m := re.fullmatch(r"declined ([a-z_]+)", note):
        return f"decided not to {act(m[1], 0)}" if act(m[1], 0) else None
    if m := re.fullmatch(r"(offered|took|chose) fix ([a-z_]+)", note):
        what = WHISPER_FIXES.get(m[2])
        return what and {"offered": "was offered help with ", "took": "took the help with ",
                         "chose": "asked about "}[m[1]] + what
    if m := re.fullmatch(r"chose ([a-z_]+)", note):
        return f"chose to {act(m[1], 0)}" if act(m[1], 0) else None
    fixed = {"skipped the fix": "skipped the offered help", "one-time code verified": "verified with a one-time code",
             "wrong PIN": "wrong PIN", "wrong one-time code": "wrong one-time code",
             "PIN entry locked (R9)": "PIN entry got locked", "forgot the PIN": "said they forgot the PIN",
             "one-time code refused: too many asked for": "asked for too many one-time codes",
             "confirmation expired": "a confirmation timed out"}
    if note in fixed:
        return fixed[note]
    if note.startswith("one-time code asked for"):
        return "asked for a one-time code"
    if note.startswith("handed off for line"):
        return "an agent handed them to the bot"
    if note.startswith("asked which:"):
        return "the bot asked what they meant"
    if note.startswith("asked for a call back"):
        return "asked for a call back"
    return None  # PIN verified, language, three misses, asked for a person: said above, or nothing new


def whisper(context: dict[str, Any], caller: str | None, brand: str) -> str:
    """What the agent hears before the caller is connected (R15): who, in which language,
    verified or not, what they wanted and what the bot did, in plain words."""
    said = [f"A {brand} caller from {digits(caller)}." if caller else f"A {brand} caller."]
    said.append(f"Caller speaks {WHISPER_LANGUAGES.get(context.get('lang') or languages.DEFAULT_CODE, languages.DEFAULT.name)}.")
    said.append(f"PIN verified for line {ending(context['line'])}." if context.get("verified") and context.get("line")
                else "PIN not verified.")
    if context.get("asked") in WHISPER_ACTIONS:
        said.append(f"They wanted to {WHISPER_ACTIONS[context['asked']][0]}.")
    if context.get("pending") in WHISPER_ACTIONS:
        said.append(f"Not confirmed yet: {WHISPER_ACTIONS[context['pending']][1]}.")
    if context.get("reason") in WHISPER_REASONS:
        said.append(WHISPER_REASONS[context["reason"]])
    notes: list[list] = []
    for note in context.get("history") or []:
        plain = _whisper_note(str(note))
        if plain and notes and notes[-1][0] == plain:
            notes[-1][1] += 1
        elif plain:
            notes.append([plain, 1])
    done = [text if times == 1 else f"{text} {times} times" for text, times in notes[-5:]]
    said.append("So far: " + "; ".join(done) + "." if done else "The bot did nothing yet.")
    return " ".join(said)

