"""Every word a caller hears, keyed like the conversation's prompts and the policy's reason
codes (the SMS table's twin), plus what only a call has: menus, transfers, the whisper.

English here, Spanish in ivr/prompts_es.py with exactly the same keys (a test holds them to
it); `say` picks the catalogue by the call's language. The sentences that walk the data
(plans, terms, choices, cancellations) are one implementation (`Spoken`) fed each language's
`VoicePhrases`. The whisper is for the agent: English, saying which language the caller chose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from core.formatting import and_list, day

Prompt = Callable[[dict], str]

# Said in Spanish whatever the call's language: the offer before the English menu (R20), and
# the welcome once Spanish is chosen.
OFFER_SPANISH = "Para español, oprime 9 o di español."
SPANISH_WELCOME = "Te damos la bienvenida. Te atenderemos en español."
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
    plan_not_found: str
    which_plan: str  # {choices}
    plan_choice: str  # {name} {n}
    confirm_number_plan: str  # {product} {ending} {day}
    confirm_feature: str  # {product} {day}
    no_refund: str
    then_line: str  # add-ons first, then the line (R4)
    confirm_line: str  # {ending} {day} (R3)
    line_store: tuple[str, str]  # {plans}: Apple keeps billing (R6)
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

    def plans(self, v: dict) -> str:
        p = self.p
        if not v["plans"]:
            return p.plans_none.format(ending=self.ending(v["number"]))
        items = ". ".join((p.plan_renews if plan["renews"] else p.plan_ends).format(
            product=plan["product"], store=p.app_store if plan["channel"] == "app_store" else "",
            day=self.day(plan["term_end"])) for plan in v["plans"])
        status = p.statuses.get(v["status"], v["status"].replace("_", " "))
        return p.plans.format(ending=self.ending(v["number"]), status=status, items=items)

    def refund(self, v: dict) -> str:
        """R1, then the caller's own term ends (all of them: a call has no segments to fit)."""
        p, terms = self.p, v.get("terms") or []
        said = ". ".join(p.refund_term.format(product=t["product"], day=self.day(t["term_end"])) for t in terms)
        return p.refund + (p.refund_terms.format(terms=said) if terms else p.refund_ask)

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
        p = self.p
        text = p.confirm_line.format(ending=self.ending(v["number"]), day=self.day(v["term_end"]))
        store = v.get("app_store_plans") or []
        if not store:
            return text
        return text + self._one_or_more(p.line_store, store, plans=self.listed(store)) + p.apple_steps

    def store_addons(self, v: dict) -> str:
        return self._one_or_more(self.p.store_addons, v["addons"], addons=self.listed(v["addons"])) + self.p.apple_steps

    def done_line(self, v: dict) -> str:
        p = self.p
        return p.done_line.format(ending=self.ending(v["number"]), day=self.day(v["term_end"]),
                                  apple=p.done_line_apple if v.get("app_store_plans") else "")


FIXES = {
    "voice_network_mode": ("Calls not working? In the app's settings, set incoming and outgoing calls to use the "
                           "voice network instead of data. That usually fixes it."),
    "reactivate": "If your number was cancelled for some reason, we can reactivate it.",
    "device_settings": ("Can't hear ringing or get texts? Check that notifications are on, do not disturb is off, "
                        "and the app may use the microphone."),
    "change_number": "If you don't like your number, we can change it.",
    "block_spam": "Getting spam calls? You can block spam numbers for free.",
}
_REASONS = ("If calls fail, press 1. If your number got cancelled, press 2. If you can't hear ringing or get "
            "texts, press 3. If you don't like your number, press 4. For spam calls, press 5.")
APPLE_STEPS = ("Only you can cancel it, in your Apple account: open the App Store on your phone or computer, "
               "go to Subscriptions, choose this app's subscription, and cancel it there. Apple's help page is "
               "support dot apple dot com, article H T 2 0 2 0 3 9.")
_BOUGHT_IN_STORE = (" {plans} was bought in the App Store: Apple keeps billing it until you also cancel it in your "
                    "Apple account. ")
_STORE_ADDONS = "Before the line can be cancelled, {addons} must stop renewing. It was bought in the App Store. "

EN = Spoken(VoicePhrases(
    lang="en",
    plan_renews="{product}{store} renews on {day}",
    plan_ends="{product}{store} ends on {day}",
    app_store=", bought in the App Store,",
    plans="Your line {ending} is {status}. {items}.",
    plans_none="Your line {ending} has no active plans.",
    refund=("There are no refunds of any kind: not for plans, add-ons, usage credits or port fees. "
            "When you cancel, renewal stops and you keep the service and your credits until the end of the term."),
    refund_ask=" To hear your own term dates:",
    refund_terms=" Your terms: {terms}.",
    refund_term="{product} until {day}",
    plan_not_found="I didn't find that plan. ",
    which_plan="Which plan? {choices}.",
    plan_choice="For {name}, press {n}",
    confirm_number_plan="You asked to cancel your number plan, {product}. Your line {ending} works until {day}, then it stops.",
    confirm_feature="You asked to cancel {product}. It stops renewing and works until {day}.",
    no_refund=" There is no refund.",
    then_line=" After that we will go on with cancelling the line.",
    confirm_line=("You asked to cancel your line {ending}. Every plan on it stops renewing. It works until {day}, "
                  "then the number is released. There is no refund, and this cannot be undone."),
    line_store=(_BOUGHT_IN_STORE, _BOUGHT_IN_STORE),
    store_addons=(_STORE_ADDONS, _STORE_ADDONS),
    apple_steps=APPLE_STEPS,
    done_line="Done. Your line {ending} is cancelled and works until {day}. No refund.{apple}",
    done_line_apple=" Remember to cancel in your Apple account too.",
))


# Issue 11: what each journey offers when a request was vague or the bot unsure (ask_which).
WHICH = {"plans": "hear your plans", "refund": "hear our refund policy", "cancel_plan": "cancel a plan or add-on",
         "cancel_line": "cancel the whole line", "reactivate": "reactivate your line",
         "change_number": "change your number", "block": "block a number", "unblock": "unblock a number",
         "troubleshoot": "fix a problem with calls, ringing or texts", "agent": "talk to a person"}


def which(v: dict, words: dict, one: str, two: str) -> str:
    """The question offering one or two journeys (a plan or the line when none are given)."""
    options = [words.get(o, str(o).replace("_", " ")) for o in (v.get("options") or ["cancel_plan", "cancel_line"])]
    return two.format(*options[:2]) if len(options) > 1 else one.format(options[0])


PROMPTS: dict[str, Prompt] = {
    # the call
    "greeting": lambda v: f"Thanks for calling {v['brand']} support.",
    "offer_spanish": lambda v: OFFER_SPANISH,  # in Spanish, before the English menu (R20)
    "spanish_chosen": lambda v: SPANISH_WELCOME,
    "main_menu": lambda v: ("To cancel a plan or your line, press 1 or say cancel. For our refund policy and your "
                            "term dates, press 2. For problems with calls, texts or ringing, press 3. To reactivate "
                            "your number, press 4. To change your number, press 5. To block a number, press 6; to unblock one, press 7. "
                            "For a person, press 0 or say agent. To hear this again, press star."),
    "anything_else": lambda v: "Is there anything else?",
    "cancel_menu": lambda v: ("To cancel one plan or add-on, press 1 or say plan. To cancel the whole line, "
                              "press 2 or say line."),
    "problems": lambda v: " ".join(FIXES[k] for k in FIXES) + " Press 0 for a person, or stay on for the menu.",
    "handoff": lambda v: f"Welcome to {v['brand']} self-service. You can cancel or change your line here yourself.",
    "too_many_calls": lambda v: "We've had many calls from this number in the last few minutes.",
    "voicemail_nothing": lambda v: "We didn't get a message. Please call again later. Goodbye.",
    "leave_message": lambda v: "Please leave a message after the tone and a person will call you back. Press pound when you're done.",
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
    "plans": EN.plans,
    "no_plans": lambda v: "This line has no active plans.",
    "ask_plan": EN.which_plan,
    "plan_not_found": EN.which_plan,
    "ask_block_number": lambda v: f"Enter the 10 digit number to {v['action']}, then press pound.",
    # R1
    "refund_policy": EN.refund,
    "refund_policy_terms": EN.refund,
    # R11
    "ask_reason": lambda v: f"Before you go, may we help? {_REASONS} To skip, press 9 or say cancel.",
    "ask_fix": lambda v: f"Which problem can we help with? {_REASONS}",
    "ask_which": lambda v: which(v, WHICH, "Did you want to {0}? Press 1 or say yes. For a person, press 0.",
                                 "Did you want to {0}? Press 1 or say one. Or to {1}? Press 2 or say two. "
                                 "For a person, press 0."),
    # speech the recogniser was unsure of (issue 11): asked again once, then the keypad
    "speech_again": lambda v: "Sorry, I didn't catch that.",
    "speech_keys": lambda v: "Sorry, I still didn't catch that. Please use your keypad.",
    "offer_fix": lambda v: FIXES[v["fix"]] + " To do that, press 1. To skip and go on cancelling, press 9 or say cancel.",
    "fix_guidance": lambda v: FIXES[v["fix"]] + " If you still want to cancel, choose cancel from the menu.",
    "addons_first": lambda v: f"Add-ons must be cancelled before the line: {and_list(v['addons'])}.",
    # confirmations (R10, R18)
    "confirm_cancel_plan": EN.confirm_plan,
    "confirm_cancel_line": EN.confirm_line,
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
                                   "No refund."),
    "done_cancel_line": EN.done_line,
    "done_reactivate": lambda v: f"Done. Your line {ending(v['number'])} is active again.",
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
    "refused_already_cancelled": lambda v: f"{v.get('product') or 'That'} is already cancelled. Nothing changed.",
    "refused_line_not_active": lambda v: "This line is not active, so that can't be done.",
    "refused_plan_ended": lambda v: "That plan has already ended.",
    "refused_app_store_plan": lambda v: f"{v['product']} was bought in the App Store. " + APPLE_STEPS,
    "refused_addons_first_app_store": EN.store_addons,
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


def catalogue(lang: str) -> dict[str, Prompt]:
    """The prompts in a language; English for any language without a catalogue."""
    if lang == "es":
        from ivr import prompts_es  # it builds on this module, so it is imported when asked for

        return prompts_es.PROMPTS
    return PROMPTS


def say(key: str, values: dict | None = None, *, brand: str, lang: str = "en") -> str:
    return catalogue(lang)[key]({**(values or {}), "brand": brand})


def whisper(context: dict[str, Any], caller: str | None, brand: str) -> str:
    """What the agent hears before the caller is connected (R15)."""
    who = f"A {brand} caller from {digits(caller)}." if caller else f"A {brand} caller."
    if context.get("lang") == "es":
        who += " The caller chose Spanish."
    verified = (f" PIN verified for line {ending(context['line'])}." if context.get("verified") and context.get("line")
                else " PIN not verified.")
    asked = f" They asked to {context['asked'].replace('_', ' ')}." if context.get("asked") else ""
    did = context.get("history") or []
    done = (" The bot: " + "; ".join(h for h in did[-5:]) + ".") if did else " The bot did nothing yet."
    reason = {"caller_asked": " They asked for a person.", "failed_inputs": " The bot couldn't understand them.",
              "pin_locked": " PIN entry is locked.", "error": " The bot had an error."}.get(context.get("reason", ""), "")
    return who + verified + asked + reason + done

