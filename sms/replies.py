"""Every word the SMS channel sends, keyed like the conversation's prompts and the policy's
reason codes: English here, Spanish in sms/replies_es.py with exactly the same keys (a test
holds them to it). `render` and `receipt_text` pick the catalogue by language.

R19: each reply fits one 160-character GSM-7 segment where it can and never more than 3
segments, counted by the real GSM-7 / UCS-2 rules (sms/gsm.py). English wording is GSM-7, so
only data (a product name) can make an English text UCS-2; Spanish needs á, í, ó, ú, which
make it UCS-2 (70 units a segment, 67 a part: about 200 characters in 3). Replies that grow
with data page (PLANS: values carry `page`, 1-based; "Text MORE for the rest") or summarise
("and N more"): one implementation (`Shaped`) for every language, fed each language's
`Phrases`. Tests render every key in each language with its longest values, and with many,
long, accented and emoji names, and check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from itertools import islice
from typing import Callable, Iterator, Mapping

from core import languages
from core.formatting import and_list, day, said_on
from core.phone import display
from core.reply import line_condition, plan_outlook
from sms.gsm import fits, is_gsm7

Reply = Callable[[dict], str]
Make = Callable[[list[int], int | None], str]

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


def _shown(make: Make, lists: tuple[list, ...]) -> list[int]:
    """How many items of each list make(shown, None) can show within 3 segments: all when
    that fits; else the longest list gives way first, down to none (a count)."""
    shown = [len(items) for items in lists]
    if fits(make(shown, None)):
        return shown
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
    return shown


def _summarised(make: Make, *lists: list, shorter: tuple[Make, ...] = ()) -> str:
    """make(shown, clip): as many items of each list as fit, down to none ("14 plans"). With
    shorter wordings, the one that shows the most items (the first of equals); only when
    none fits even with counts, the last with clipped names."""
    full, best = sum(len(items) for items in lists), None
    for wording in (make, *shorter):
        shown = _shown(wording, lists)
        if fits(text := wording(shown, None)):
            if sum(shown) == full:
                return text
            if best is None or sum(shown) > best[0]:
                best = (sum(shown), text)
    if best is not None:
        return best[1]
    return _fitting(lambda clip: wording(shown, clip))


# One implementation, each language's phrases ---------------------------------------------
Templates = tuple[str, ...]  # a wording, then shorter ones for when the data is long


@dataclass(frozen=True)
class Phrases:
    """What a language says around data in the replies whose shape the data decides. Each
    is a str.format template (data goes in as values, never as a template); a tuple is a
    wording and then shorter ones, tried in order."""

    lang: str
    # lists: "a, b and 3 more"; none shown: "14 plans"
    and_more: str
    count_one: str
    count_many: str
    # PLANS, paged (R19)
    plan_renews: str  # {product}{store} {day}
    plan_ends: str
    plan_store_off: str  # an App Store plan its user cancelled at Apple
    plan_store_retry: str  # Apple couldn't renew it (billing retry, grace period)
    app_store: str  # {store}
    line: str  # {number}: a page's head
    line_status: str  # {number} ({status}): the first page's head
    plans_page: str  # {head} {span} {total} {body}
    plans_page_one: str  # the same for a page of one plan
    plans_tail: str  # {credits}: the last page's end
    plans_tail_short: str  # {credits}: when a long name leaves room for no more
    plans_tail_store: str  # {credits}: when every plan is from the App Store (R6: only Apple stops them)
    more_hint: str  # the end of every page but the last
    plans_none: str  # {number} {status}
    plans_past: str  # {number}: a page after the last
    # REFUND (R1): the soonest term ends, then "N more"
    refund: str
    refund_ask: str  # before the PIN: what comes next asks for it
    refund_dates: str  # {dates}{more}
    refund_no_dates: str
    refund_term: str  # {product} {day}
    refund_more: str  # {n}
    # choosing a plan: numbers while they fit, names always; choosing a line
    plan_named: str  # {asked}: what the user typed, echoed when it stays GSM-7
    plan_unnamed: str
    which_plan: str  # {lead}{listed}{more}
    which_plan_by_name: str  # {lead}
    which_plan_more: str  # {n}
    which_line: str  # {listed}{more}
    which_line_more: str  # {n}
    # cancelling a plan (R10)
    confirm_number_plan: Templates  # {product} {number} {day} {then}
    confirm_feature: Templates  # {product} {day} {then}
    confirm_then_line: str  # add-ons first, then the line (R4)
    done_plan: str  # {prefix}{product} {day}
    done_number_plan: str  # {prefix}{product} {number} {day}: the line ends, the number is released (R5)
    # cancelling the line (R3, R6, R10)
    confirm_line: Templates  # {number} {day}
    confirm_line_store: Templates  # {number} {day} {plans} {url}: Apple bills on (R6)
    done_line: Templates  # {prefix}{number} {day}
    done_line_store: Templates  # {prefix}{number} {day} {plans} {url}
    store_addons: Templates  # {addons} {url} {portal} (R4, R6)
    store_addons_portal: str  # {addons}
    # refusals naming a product
    already_cancelled: str  # {product}{ends}
    already_cancelled_short: str  # the same, for a long name
    already_cancelled_ends: str  # {day}
    that: str  # a product without a name
    statuses: Mapping[str, str] = field(default_factory=dict)  # a line's status, as said


class Shaped:
    """The replies whose shape depends on the data, in one language's phrases."""

    def __init__(self, phrases: Phrases):
        self.p = phrases

    def day(self, value) -> str:
        return day(value, self.p.lang)

    def some(self, names: list[str], shown: int, clip: int | None) -> str:
        """'a, b and c'; or the first `shown` and 'and N more'; or, with none shown, '14 plans'."""
        listed = [_name(n, clip) for n in names[:shown]]
        hidden = len(names) - len(listed)
        if not listed:
            return (self.p.count_one if hidden == 1 else self.p.count_many).format(n=hidden)
        if hidden <= 0:
            return and_list(listed, self.p.lang)
        return ", ".join(listed) + self.p.and_more.format(n=hidden)

    def _fill(self, templates: Templates, v: dict, default: str, **values) -> str:
        """One product's name in a sentence: the first template that fits with the name whole,
        else the last with the name clipped."""
        def wording(template: str) -> Callable[[int | None], str]:
            return lambda clip: template.format(**{**v, **values, "product": _name(v.get("product") or default, clip)})
        return _fitting(*(wording(t) for t in templates))

    def one_of(self, template: str, *shorter: str) -> Reply:
        """The first template that fits 3 segments, formatted with the values (the brand's
        length decides)."""
        return lambda v: _fitting(*(lambda clip, t=t: t.format(**v) for t in (template, *shorter)))

    def product(self, template: str, *shorter: str, default: str | None = None) -> Reply:
        """A reply naming one product: template.format(product=..., **values)."""
        return lambda v: self._fill((template, *shorter), v, default if default is not None else self.p.that)

    def addons(self, template: str) -> Reply:
        """An add-on list (R4) in a sentence: template.format(addons=...)."""
        return lambda v: _summarised(lambda shown, clip: template.format(addons=self.some(v["addons"], shown[0], clip)),
                                     v["addons"])

    # PLANS: paged -------------------------------------------------------------------------
    def _status(self, status: str) -> str:
        return self.p.statuses.get(status, status.replace("_", " "))

    def _plan_item(self, plan: dict, clip: int | None) -> str:
        # R23: Apple's word on an App Store plan, when it has spoken.
        template = {"store_renewal_off": self.p.plan_store_off, "store_billing_retry": self.p.plan_store_retry,
                    "store_grace_period": self.p.plan_store_retry}.get(plan.get("store") or "")
        template = template or (self.p.plan_renews if plan["renews"] else self.p.plan_ends)
        return template.format(product=_name(plan["product"], clip), day=self.day(plan["term_end"]),
                               store=self.p.app_store if plan["channel"] == "app_store" else "")

    def plan_pages(self, v: dict) -> Iterator[str]:
        """The pages of PLANS for these values, in order: one text when all plans fit 3 segments;
        else pages of as many plans as fit, each but the last ending with the MORE hint."""
        p, plans = self.p, v["plans"]
        number, status = display(v["number"]), self._status(v["status"])
        store_only = bool(plans) and all(plan["channel"] == "app_store" for plan in plans)
        # "To stop one" only while one of ours still renews (not on a line its user cancelled).
        ours_renew = any(plan["renews"] and plan["channel"] != "app_store" for plan in plans)
        tail = (p.plans_tail_store if store_only else p.plans_tail if ours_renew else p.plans_tail_short
                ).format(credits=v["credits"])
        whole = (p.line_status.format(number=number, status=status) + ": "
                 + "; ".join(self._plan_item(plan, None) for plan in plans) + tail)
        if not plans or fits(whole):
            yield whole
            return
        # Plans whose names are GSM-7 first: fewer pages, and fewer of them UCS-2 (R19).
        plans = sorted(plans, key=lambda plan: not is_gsm7(plan["product"]))

        def page(start: int, end: int, clip: int | None = None, short: bool = False) -> str:
            span = f"{start + 1}-{end}" if end > start + 1 else f"{end}"
            head = (p.line_status if start == 0 and not short else p.line).format(number=number, status=status)
            body = "; ".join(self._plan_item(plan, clip) for plan in plans[start:end])
            last = p.plans_tail_short.format(credits=v["credits"]) if short else tail
            return ((p.plans_page if end > start + 1 else p.plans_page_one).format(
                        head=head, span=span, total=len(plans), body=body)
                    + (last if end == len(plans) else ". " + p.more_hint))

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

    def plans(self, v: dict) -> str:
        if not v["plans"]:
            return self.p.plans_none.format(number=display(v["number"]), status=self._status(v["status"]))
        try:
            page = max(1, int(v.get("page") or 1))
        except (TypeError, ValueError):
            page = 1
        for text in islice(self.plan_pages(v), page - 1, page):
            return text
        return self.p.plans_past.format(number=display(v["number"]))

    # REFUND: the soonest term ends, then "N more" ------------------------------------------
    def refund(self, v: dict) -> str:
        p = self.p
        if not v.get("terms"):
            return p.refund + p.refund_ask
        terms = sorted(v["terms"], key=lambda t: _term_key(t["term_end"]))  # stable: same day, same order

        def make(shown: list[int], clip: int | None) -> str:
            if not shown[0]:
                return p.refund + p.refund_no_dates
            dates = "; ".join(p.refund_term.format(product=_name(t["product"], clip), day=self.day(t["term_end"]))
                              for t in terms[:shown[0]])
            hidden = len(terms) - shown[0]
            return p.refund + p.refund_dates.format(dates=dates, more=p.refund_more.format(n=hidden) if hidden else "")
        return _summarised(make, terms)

    # Choosing a plan: numbers while they fit, names always; choosing a line ------------------
    def which_plan(self, v: dict) -> str:
        p, names, asked = self.p, v["choices"], v.get("asked")
        if asked and is_gsm7(asked[:30]):
            lead = p.plan_named.format(asked=asked[:30])
        else:  # never echo what would force UCS-2 (R19)
            lead = p.plan_unnamed if asked else ""

        def make(shown: list[int], clip: int | None) -> str:
            if not shown[0]:
                return p.which_plan_by_name.format(lead=lead)
            listed = ", ".join(f"{i} {_name(n, clip)}" for i, n in enumerate(names[:shown[0]], 1))
            hidden = len(names) - shown[0]
            return p.which_plan.format(lead=lead, listed=listed,
                                       more=p.which_plan_more.format(n=hidden) if hidden else "")
        return _summarised(make, names)

    def which_line(self, v: dict) -> str:
        p, lines = self.p, v["lines"]

        def make(shown: list[int], clip: int | None) -> str:
            hidden = len(lines) - shown[0]
            return p.which_line.format(listed=", ".join(lines[:shown[0]]),
                                       more=p.which_line_more.format(n=hidden) if hidden else "")
        return _summarised(make, lines)

    # Cancelling a plan or the line (R3, R6, R10) and their receipts (R17) -------------------
    def confirm_plan(self, v: dict) -> str:
        number = v.get("kind") == "number"
        return self._fill(self.p.confirm_number_plan if number else self.p.confirm_feature, v, self.p.that,
                          number=display(v["number"]) if v.get("number") else "", day=self.day(v["term_end"]),
                          then=self.p.confirm_then_line if v.get("then_line") else "")

    def done_plan(self, v: dict, prefix: str = "") -> str:
        if v.get("kind") == "number" and v.get("number"):  # R5: as plainly as the line's (R3)
            return self._fill((self.p.done_number_plan,), v, self.p.that, prefix=prefix, number=display(v["number"]),
                              day=self.day(v["term_end"]))
        return self._fill((self.p.done_plan,), v, self.p.that, prefix=prefix, day=self.day(v["term_end"]))

    def _line(self, plain: Templates, with_store: Templates, v: dict, prefix: str = "") -> str:
        """The line's cancellation; with App Store plans, what Apple keeps billing (R6)."""
        values = {"prefix": prefix, "number": display(v["number"]), "day": self.day(v["term_end"])}
        store = v.get("app_store_plans") or []
        if not store:
            return _fitting(*(lambda clip, t=t: t.format(**values) for t in plain))
        makes = [(lambda shown, clip, t=t: t.format(**values, plans=self.some(store, shown[0], clip), url=v["url"]))
                 for t in with_store]
        return _summarised(makes[0], store, shorter=tuple(makes[1:]))

    def confirm_line(self, v: dict) -> str:
        return self._line(self.p.confirm_line, self.p.confirm_line_store, v)

    def done_line(self, v: dict, prefix: str = "") -> str:
        return self._line(self.p.done_line, self.p.done_line_store, v, prefix)

    def store_addons(self, v: dict) -> str:
        p, addons, portal = self.p, v["addons"], v.get("portal_addons") or []

        def wording(template: str) -> Make:
            def make(shown: list[int], clip: int | None) -> str:
                also = p.store_addons_portal.format(addons=self.some(portal, shown[1], clip)) if portal else ""
                return template.format(addons=self.some(addons, shown[0], clip), url=v["url"], portal=also)
            return make
        makes = [wording(t) for t in p.store_addons]
        return _summarised(makes[0], addons, portal, shorter=tuple(makes[1:]))

    def already_cancelled(self, v: dict) -> str:
        """A plan, or without one the line, already cancelled, with the day it works until."""
        ends = self.p.already_cancelled_ends.format(day=self.day(v["term_end"])) if v.get("term_end") else ""
        that = self.p.line.format(number=display(v["number"])) if v.get("number") else self.p.that
        return self._fill((self.p.already_cancelled, self.p.already_cancelled_short), v, that, ends=ends)


def _term_key(value) -> str:
    return value[:10] if isinstance(value, str) else str(value)[:10]


# English ----------------------------------------------------------------------------------
_CANCEL_LINE = ("Cancel line {number}? Every plan stops; it works until {day}, then the number is released. "
                "No refund. It can't be undone.")
# With App Store plans (R6), one consistent sentence: our plans stop, Apple's keep billing.
_CANCEL_LINE_STORE = ("Cancel line {number}? Our plans stop; Apple keeps billing {plans} until you cancel in your "
                      "Apple account: {url} It works until {day}, then the number is released. No refund. "
                      "It can't be undone.")
_LINE_DONE = "{prefix}Done: line {number} is cancelled. It works until {day}. No refund."
EN = Shaped(Phrases(
    lang="en",
    and_more=" and {n} more",
    count_one="{n} plan",
    count_many="{n} plans",
    plan_renews="{product}{store} renews {day}",
    plan_ends="{product}{store} ends {day}",
    plan_store_off="{product}{store} cancelled at Apple, works until {day}",
    plan_store_retry="{product}{store}: Apple couldn't renew it, update your payment at Apple",
    app_store=" (App Store)",
    line="Line {number}",
    line_status="Line {number} ({status})",
    plans_page="{head}, plans {span} of {total}: {body}",
    plans_page_one="{head}, plans {span} of {total}: {body}",
    plans_tail=". Credits {credits}. To stop one: STOP PLAN name",
    plans_tail_short=". Credits {credits}.",
    plans_tail_store=". Credits {credits}. App Store plans stop only in your Apple account",
    more_hint="Text MORE for the rest.",
    plans_none="Line {number} ({status}): no plans.",
    plans_past="That was every plan on line {number}. Text PLANS to see them again.",
    refund="No refunds of any kind (plans, add-ons, credits, port fees).",
    refund_ask=" For your own term end dates:",
    refund_dates=" You keep service to the end of each term: {dates}{more}.",
    refund_no_dates=" You keep service to the end of each term: text PLANS for the dates.",
    refund_term="{product} to {day}",
    refund_more="; {n} more: text PLANS for their dates",
    plan_named="No plan named \"{asked}\". ",
    plan_unnamed="No plan by that name. ",
    which_plan="{lead}Which plan? Reply {listed}{more}",
    which_plan_by_name="{lead}Which plan? Reply with its name (text PLANS to list them)",
    which_plan_more=", or the name of any of {n} more (text PLANS to list them)",
    which_line="Which line? Reply its last 4 digits: {listed}{more}",
    which_line_more=" or those of {n} more lines",
    confirm_number_plan=("Cancel your number plan {product}? Line {number} works until {day}, then the number is "
                         "released. No refund.{then} Reply YES to confirm or NO.",
                         "Cancel number plan {product}? Line {number} works until {day}, then the number is released. "
                         "No refund. Reply YES or NO.",
                         "Cancel {product}? Works to {day}, then the number is released. No refund. YES or NO?"),
    confirm_feature=("Cancel {product}: it stops renewing and works until {day}. No refund.{then} "
                     "Reply YES to confirm or NO.",
                     "Cancel {product}? It works until {day}. No refund. Reply YES or NO."),
    confirm_then_line=" Then we go on with the line.",
    done_plan="{prefix}Done: {product} won't renew. It works until {day}. No refund.",
    done_number_plan=("{prefix}Done: your number plan {product} won't renew. Line {number} works until {day}, then "
                      "the number is released. No refund."),
    confirm_line=(_CANCEL_LINE + " Reply YES to confirm or NO.",),
    confirm_line_store=(_CANCEL_LINE_STORE + " Reply YES to confirm or NO.",),
    done_line=(_LINE_DONE,),
    done_line_store=("{prefix}Done: line {number} is cancelled; our plans won't renew. It works until {day}. No "
                     "refund. Apple keeps billing {plans} until you cancel in your Apple account: {url}",),
    store_addons=("First cancel {addons} in your Apple account (Settings > Subscriptions > the app > Cancel): "
                  "{url} Then text CANCEL LINE again.{portal}",),
    store_addons_portal=" Also stop {addons}: STOP PLAN name",
    already_cancelled="{product} is already cancelled{ends}. Nothing changed. Text PLANS to see your plans.",
    already_cancelled_short="{product} is already cancelled{ends}. Text PLANS.",
    already_cancelled_ends=" and works until {day}",
    that="That",
))
MORE_HINT = EN.p.more_hint

_REASONS = "1 calls fail, 2 number got cancelled, 3 no ringing or texts, 4 dislike the number, 5 spam calls"
FIX_OFFERS = {
    "voice_network_mode": "Calls failing? Setting voice network mode for calls, not data, usually fixes it.",
    "reactivate": "Your number may be reactivated instead.",
    "device_settings": "No ringing or texts? Checking the phone's settings usually fixes it.",
    "change_number": "You can change your number instead of leaving.",
    "block_spam": "You can block spam numbers for free.",
}
FIX_GUIDANCE = {
    "voice_network_mode": "In the app's settings, set calls to use the voice network, not data, "
                          "for incoming and outgoing calls.",
    "device_settings": "Check notifications are on, Do Not Disturb is off and the app may use the "
                       "microphone and notifications.",
}


# Issue 11: what each journey offers when a request was vague or the bot unsure (ask_which).
WHICH = {"plans": "see your plans", "refund": "get our refund policy", "cancel_plan": "cancel a plan or add-on",
         "cancel_line": "cancel the whole line", "reactivate": "reactivate your line",
         "change_number": "change your number", "block": "block a number", "unblock": "unblock a number",
         "troubleshoot": "fix a problem with calls, ringing or texts", "agent": "talk to a person"}
WHICH.update({"term_end": "hear when your plans end", "cancel_effects": "hear what cancelling does",
              "appstore": "get Apple's steps to cancel an App Store plan", "capabilities": "hear what we can do",
              "port_out": "move your number to another carrier", "billing": "ask about billing",
              "undo_cancel": "undo a cancellation", "lost_phone": "get help with a lost phone",
              "callback": "get a call back",
              "number_info": "hear how changing your number works"})  # issue 21: the answers
# What a question or a statement is about: a journey, or "cancel", a cancellation that names
# neither plan nor line (vocabulary/understand.py's VAGUE_CANCEL: both cancel journeys at once).
ABOUT = {**WHICH, "cancel": "cancel a plan or your line"}


def which(v: dict, words: dict, one: str, two: str) -> str:
    """The question offering one or two journeys (a plan or the line when none are given)."""
    options = [words.get(o, str(o).replace("_", " ")) for o in (v.get("options") or ["cancel_plan", "cancel_line"])]
    return two.format(*options[:2]) if len(options) > 1 else one.format(options[0])


# The command that starts each journey again (for the words that say how to finish one).
COMMAND_WORDS = {"cancel_plan": "STOP PLAN", "cancel_line": "CANCEL LINE", "reactivate": "REACTIVATE",
                 "change_number": "CHANGE NUMBER", "block": "BLOCK", "unblock": "UNBLOCK", "plans": "PLANS",
                 "refund": "REFUND", "troubleshoot": "HELP", "agent": "AGENT"}
ABOUT_COMMANDS = {**COMMAND_WORDS, "cancel": "STOP PLAN or CANCEL LINE"}

# Replies that already give the way to a person (R15): a third miss after one adds no second.
OFFER_A_PERSON = frozenset({"agent", "pin_locked", "last_try", "code_limit", "code_opted_out", "ask_which", "unavailable",
                            "error", "refused_not_reactivatable", "callback_no_number", "fix_steps",
                            "hello", "question_about", "told_about", "ok_nothing"})

REPLIES: dict[str, Reply] = {
    # consent and help (R16)
    # Every command there is (R16), in 2 segments (R19: one can't hold them all);
    # tests/test_docs.py checks each one against the keywords and the README.
    "help": EN.one_of("{brand}: PLANS (MORE: next page), STOP PLAN, CANCEL LINE, REFUND, REACTIVATE, "
                      "CHANGE NUMBER, BLOCK, UNBLOCK, AGENT for a person. Forgot your PIN? CODE when asked. "
                      "Msg&data rates may apply. Reply STOP to opt out.",
                      "{brand}: PLANS, MORE, STOP PLAN, CANCEL LINE, REFUND, REACTIVATE, CHANGE NUMBER, BLOCK, "
                      "UNBLOCK, CODE, AGENT for a person. Msg&data rates may apply. Reply STOP to opt out."),
    "opted_out": lambda v: ((f"{v['brand']}: no more texts from us. This did not cancel any plan or line. To "
                             "cancel plans, text START, then STOP PLAN name or CANCEL LINE.") if v.get("plans") else
                            (f"{v['brand']}: you won't get more texts from us. This did not cancel any "
                             "plan or line. Reply START to opt back in.")),
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
    "refund_policy": EN.refund,
    "refund_policy_terms": EN.refund,
    # identification and PIN (R8, R9)
    "ask_pin": lambda v: ("To keep your account safe, reply with your line's PIN. Texting from another "
                          "phone? Reply with your line's number first."),
    "ask_pin_for_line": lambda v: "Now reply with that line's PIN.",
    "pin_format": lambda v: "A PIN is 4 to 8 digits. Reply with your line's PIN.",
    "pin_wrong": lambda v: "We couldn't verify that PIN. Reply with it again, or CODE if you forgot it.",
    # Said after pin_wrong, which already names CODE: one text, one segment.
    "last_try": lambda v: f"One more wrong try locks PIN entry for {v['minutes']} min. AGENT: a person.",
    # a forgotten PIN (R21): a one-time code to the line's own number, never to the sender
    "code_which_line": lambda v: ("We'll text a one-time code to the line's own number. Reply with that line's "
                                  "full number."),
    "code_sent": lambda v: (f"If the number ending {v['last4']} is one of our lines, we've texted it a 6-digit "
                            f"code. Reply here with the code; it works once, for {v['minutes']} min."),
    "code_format": lambda v: "A code is 6 digits. Reply with the code we texted to your line, or CODE for a new one.",
    "code_wrong": lambda v: "We couldn't verify that code. Reply with the latest code we texted, or CODE for a new one.",
    "code_limit": lambda v: (f"We've sent all the codes we can to the number ending {v['last4']} this hour. Use the "
                             "latest one, or reply AGENT for a person."),
    "code_opted_out": lambda v: (f"The number ending {v['last4']} has turned off texts from us, so no code can be "
                                 "sent. Text START from it first, or reply AGENT for a person."),
    "pin_ok": lambda v: "PIN OK.",
    "pin_locked": lambda v: (f"PIN entry is locked for {v['minutes']} min after too many tries. "
                             "Reply AGENT for a person."),
    "pin_unavailable": lambda v: "We can't check PINs right now. Nothing was changed.",
    "ready": lambda v: "What can we do? Reply HELP for commands.",
    # choosing
    "ask_target": EN.which_line,
    "not_your_line": lambda v: ("You can only change your own line, or as account admin a line of your account."
                                 " Reply AGENT for a person."),
    "plans": EN.plans,
    "no_plans": lambda v: f"Line {display(v['number'])} has no active plans. Reply AGENT for a person.",
    "ask_plan": EN.which_plan,
    "plan_not_found": EN.which_plan,
    "ask_block_number": lambda v: f"Which number should we {v['action']}? Reply with it.",
    # R11
    "ask_reason": lambda v: f"Before you go, why? Reply {_REASONS}, or SKIP.",
    "ask_fix": lambda v: f"Which problem? Reply {_REASONS}.",
    "ask_which": lambda v: which(v, WHICH, "Do you want to {0}? Reply 1 for that, or AGENT for a person.",
                                 "Do you want to {0} (reply 1) or {1} (reply 2)? Or AGENT for a person."),
    "offer_fix": lambda v: FIX_OFFERS[v["fix"]] + " Reply FIX for that or SKIP to go on cancelling.",
    "fix_guidance": lambda v: FIX_GUIDANCE[v["fix"]] + " Still want to leave? Text CANCEL LINE",
    "fix_steps": lambda v: FIX_GUIDANCE[v["fix"]] + " Still not working? Reply AGENT for a person.",
    # R4
    "addons_first": EN.addons("First the add-ons: {addons}."),
    # confirmations (R10, R18)
    "confirm_cancel_plan": EN.confirm_plan,
    "confirm_cancel_line": EN.confirm_line,
    "confirm_reactivate": lambda v: (f"Reactivate line {display(v['number'])}?{plan_next(v, PLAN_NEXT, short=True)} "
                                     "Reply YES to confirm or NO."),
    "confirm_change_number": lambda v: ((f"No free numbers in area code {v['area']}. " if not v.get("area_found", True)
                                         else "")
                                        + f"Change number {display(v['number'])} to {display(v['new'])}? The old "
                                        "number is given up for good. Reply YES to confirm or NO."),
    "confirm_block": lambda v: f"Block {display(v['blocked'])} on your line? Reply YES to confirm or NO.",
    "confirm_unblock": lambda v: f"Unblock {display(v['blocked'])}? Reply YES to confirm or NO.",
    "confirm_expired": lambda v: "That request timed out after 5 minutes. Nothing was changed. Text it again to start over.",
    "not_confirmed": lambda v: "OK, nothing was changed. Text HELP to see what I can do.",
    # a consent word in the middle of a request (R16): what became of the request
    "request_dropped": lambda v: (f"Your request was NOT completed. To finish it, reply START, then "
                                 f"{COMMAND_WORDS.get(v['action'], 'HELP')} again."),
    "nothing_confirmed": lambda v: (f"Nothing was confirmed. To go on, text {COMMAND_WORDS.get(v['action'], 'HELP')} "
                                    "again."),
    "nothing_pending": lambda v: "Nothing is waiting for a yes. Reply HELP for commands.",
    # Every step hears every act (issue 21): a goodbye, a greeting, thanks, a switch, a question (R24)
    "goodbye": lambda v: "Thanks for texting. Goodbye!",
    "hello": lambda v: ("Hi! We can show your plans, cancel a plan or your line, change or block a number, and fix "
                        "call or text problems. What do you need? AGENT: a person."),
    "welcome": lambda v: "You're welcome! Text us anytime.",
    "take_your_time": lambda v: "Take your time.",
    "language_switched": lambda v: "OK, in English.",
    "question_about": lambda v: (
        f"We change nothing from a question. To {ABOUT[v['about']]}, text {ABOUT_COMMANDS[v['about']]}: you'll be "
        "told what it does before you confirm. AGENT: a person." if v.get("about") in ABOUT else
        "We change nothing from a question. Text what you'd like done, or AGENT for a person."),
    "told_about": lambda v: (
        f"Nothing was changed. If you'd like to {ABOUT[v['about']]}, text {ABOUT_COMMANDS[v['about']]}. "
        "AGENT: a person." if v.get("about") in ABOUT_COMMANDS else
        "Nothing was changed. Text what you'd like done, or AGENT for a person."),
    "ok_nothing": lambda v: "OK. Reply HELP for commands, or AGENT for a person.",
    "block_offered": lambda v: "We can block a number that keeps calling you, for free.",
    "why_pin": lambda v: "We ask for the PIN so that only the line's own user can see or change it: the number you text "
                         "from isn't proof enough.",
    "why_code": lambda v: "The code proves you have the line's own phone: it is only ever sent to the line's number.",
    "not_ours": lambda v: "That's not something I can help with.",  # then what we can do (capabilities)
    "pin_not_needed": lambda v: "Your PIN is already verified in this conversation.",
    # receipts (R17)
    "done_cancel_plan": EN.done_plan,
    "done_cancel_line": EN.done_line,
    "done_reactivate": lambda v: f"Done: line {display(v['number'])} is active again.{plan_next(v, PLAN_NEXT)}",
    "done_change_number": lambda v: f"Done: your new number is {display(v['number'])} (was {display(v['old'])}).",
    # CALL ME (R15): a person calls back
    "callback_requested": lambda v: (f"OK: a person from {v['brand']} will call you back at {display(v['number'])} "
                                     f"(ref {v['ref']}). Nothing was changed."),
    "callback_no_number": lambda v: "We can't call this number back. Reply AGENT and a person will text you.",
    "receipt_coming": lambda v: (f"A receipt goes to the number ending {v['to'][0]}"
                                 + (f", a copy to the number ending {v['to'][1]}" if len(v['to']) > 1 else "") + "."),
    "already_done": lambda v: "That was already done; nothing more changed. Text PLANS to see where things stand.",
    "done_block": lambda v: f"Done: {display(v['blocked'])} is blocked. UNBLOCK it any time.",
    "done_unblock": lambda v: f"Done: {display(v['blocked'])} is unblocked.",
    # refusals, by the policy's reason codes
    "refused_already_cancelled": EN.already_cancelled,
    "refused_line_not_active": lambda v: not_active(v, NOT_ACTIVE, WAYS),
    "refused_number_taken": lambda v: ("Sorry, that number was just taken by someone else. Nothing changed. Text "
                                       "CHANGE NUMBER to get another."),
    "refused_plan_ended": EN.product("{product} has already ended. Text PLANS to see your plans.", default="That plan"),
    "refused_app_store_plan": EN.product("{product} was bought in the App Store, so only you can cancel "
                                         "it: Apple account > Subscriptions > the app > Cancel. {url}",
                                         "{product} is an App Store plan: cancel it in your Apple account. {url}"),
    "refused_addons_first_app_store": EN.store_addons,
    "refused_addons_first": EN.addons("First stop {addons}: text STOP PLAN name."),
    "refused_user_cancelled": lambda v: ("A line cancelled by its user can't be reactivated."
                                         + (f" It works until {day(v['term_end'])}." if v.get("term_end") else "")
                                         + " Reply AGENT for a person."),
    "refused_number_released": lambda v: "That number has been released and can't be reactivated. Reply AGENT for a person.",
    "refused_already_active": lambda v: f"Line {display(v['number'])} is already active. Text PLANS to see its plans.",
    "refused_app_store_lapsed": EN.product("{product} was bought in the App Store and has run out: only Apple can "
                                           "renew it, in your Apple account. Then the line works again. Reply AGENT "
                                           "for a person.", "{product} is Apple's: renew it in your Apple account. "
                                           "Reply AGENT for a person.", default="Its plan"),
    "refused_not_reactivatable": lambda v: "This line can't be reactivated here. Reply AGENT for a person.",
    "refused_no_numbers_available": lambda v: "No new numbers are free right now. Nothing changed. Try later.",
    "refused_no_numbers_in_area": lambda v: (f"No numbers are free in area code {v['area']}. Nothing changed. "
                                             + (f"Free area codes: {and_list(v['areas'])}. Text CHANGE NUMBER and one "
                                                "of them, or AGENT for a person." if v.get("areas") else
                                                "Reply AGENT for a person.")),
    "refused_invalid_number": lambda v: "That doesn't look like a phone number. Nothing changed. Text BLOCK and the number to try again.",
    "refused_emergency_number": lambda v: "Emergency numbers can't be blocked. Reply AGENT for a person.",
    "refused_short_code": lambda v: "Short codes can't be blocked here. Reply STOP to that sender instead.",
    "refused_own_number": lambda v: "That's your own number, so it can't be blocked. To block another, text BLOCK and its number.",
    "refused_already_blocked": lambda v: f"{display(v['blocked'])} is already blocked. Text UNBLOCK to unblock it.",
    "refused_not_blocked": lambda v: f"{display(v['blocked'])} isn't blocked. Text BLOCK to block it.",
    # the way to a person (R15)
    "agent": lambda v: (f"A person from {v['brand']} will contact you at this number soon "
                        f"(ref {v['ref']}). Nothing was changed."),
    "unknown_command": lambda v: "Sorry, we didn't get that. Reply HELP for commands.",
    "unusable": lambda v: "Sorry, we didn't get that.",
    # the number's SmsFallbackUrl (issue 15): the database and Redis may be down
    "fallback": lambda v: (f"Sorry, {v['brand']} can't answer texts right now. Please try again later"
                           + (f" or call {display(v['number'])}." if v.get("number") else ".")),
    # Issue 23: a confirmation whose line changed meanwhile (another phone's YES came first)
    "refused_number_changed_meanwhile": lambda v: (f"Your line's number was already changed to "
                                                   f"{display(v['number'])} from another phone or message. "
                                                   "Nothing else changed. AGENT for a person."),
    # Issue 21: questions answered with facts, never turned into changes (R24, R25, R3)
    "term_end": EN.plans,
    "cancel_effects": lambda v: ("If you cancel a plan, it stops renewing and works, with your credits, until its term "
                                 "end. Cancelling the line can't be undone: it works until its term end, then the "
                                 "number is released. No refund. To do it: STOP PLAN name or CANCEL LINE."),
    "appstore_steps": lambda v: ("Only you can cancel an App Store plan, in your Apple account: Settings > your name > "
                                 f"Subscriptions > the app > Cancel Subscription. Apple's steps: {v['url']}"),
    "capabilities": lambda v: ("We can show your plans and their dates, cancel a plan or your line, reactivate it, "
                               "change your number, block numbers, and explain refunds and App Store plans. Reply "
                               "HELP for commands or AGENT for a person."),
    "port_out": lambda v: ("To move your number to another carrier, don't cancel it here: that releases the number "
                           "and loses it. Your new carrier starts the port; this line ends when the port completes. "
                           "No refund, port fees included. Reply AGENT for a person."),
    "billing_unknown": lambda v: ("We can't answer billing questions by text. PLANS shows the day each plan renews, "
                                  "REFUND our refund policy. Reply AGENT and a person will help."),
    "undo_cancel": lambda v: ("A line's cancellation can't be undone: it works until its term end, then the number "
                              "is released. A cancelled plan works to its term end; to keep it, renew it in the app "
                              "before then. Reply AGENT for a person."),
    "lost_phone": lambda v: ("Sorry about your phone. Nobody can change your line without its PIN. Sign in to the app "
                             "on another phone to keep using your number, and ask your mobile carrier to lock the "
                             "lost one."),
    "number_info": lambda v: ("The old number is given up for good; your plans and credits stay on the line. To do it, "
                              "text CHANGE NUMBER. For prices or charges, text AGENT."),
}

def plan_next(v: dict, words: Mapping[str, str], lang: str = "en", short: bool = False) -> str:
    """After a reactivation (issue 12): whether the line's plan renews, until when it works,
    and what the customer must do to keep it (``words``: a language's PLAN_NEXT)."""
    when = day(v["term_end"], lang) if v.get("term_end") else ""
    return words[plan_outlook(v, short)].format(day=when)


def not_active(v: dict, words: Mapping[str, str], ways: tuple[str, str], lang: str = "en") -> str:
    """A line that can't do this now, in its own state, with the day it works until and the way
    on (``words``: a language's NOT_ACTIVE; ``ways``: (reactivate, a person))."""
    when = day(v["term_end"], lang) if v.get("term_end") else ""
    return words[line_condition(v)].format(number=display(v["number"]), day=when,
                                           way=ways[0] if v.get("reactivatable") else ways[1])


PLAN_NEXT = {
    "none_short": " No plan is running on it.",
    "none": " No plan is running on it: to keep the line, renew in the app, or reply AGENT.",
    "renews": " It renews {day}.",
    "new_term": " A new term starts today: it renews {day}.",
    "ends_short": " Its plan won't renew: it works until {day}.",
    "ends": (" Its plan won't renew: it works until {day}. To keep the line, renew it in the app before then, or "
             "reply AGENT."),
}
NOT_ACTIVE = {
    "cancelled_until": "Line {number} is cancelled and works until {day}, so that can't be done. Reply AGENT for a person.",
    "suspended": "Line {number} is suspended, so that can't be done.{way}",
    "cancelled": "Line {number} has ended, so that can't be done.{way}",
    "released": "Line {number}'s number was released, so that can't be done. Reply AGENT for a person.",
    "inactive": "Line {number} is not active, so that can't be done.{way}",
}
WAYS = (" Text REACTIVATE to turn it back on.", " Reply AGENT for a person.")


RECEIPTS: dict[str, Reply] = {
    # R21: the code itself, to the line's own number
    "one_time_code": lambda v: (f"{v['brand']}: your one-time code is {v['code']}. It works once, for {v['minutes']} "
                                "min, in place of your PIN. Never share it with anyone."),
    "plan_cancelled": lambda v: EN.done_plan(v, prefix=f"{v['brand']}: "),
    "line_cancelled": lambda v: EN.done_line(v, prefix=f"{v['brand']}: "),
    "line_reactivated": lambda v: (f"{v['brand']}: line {display(v['number'])} is active again from "
                                   f"{day(v['effective'])}" + (", with a new term" if v.get("new_term") else "")
                                   + (f". It renews {day(v['term_end'])}." if v.get("renews") and v.get("term_end")
                                      else ".")),
    "number_changed": lambda v: f"{v['brand']}: your new number is {display(v['number'])} from {day(v['effective'])} (was {display(v['old'])}).",
    "number_blocked": lambda v: f"{v['brand']}: {display(v['number'])} is blocked on {display(v['line'])} from {day(v['effective'])}.",
    "number_unblocked": lambda v: f"{v['brand']}: {display(v['number'])} is unblocked on {display(v['line'])} from {day(v['effective'])}.",
}


def catalogues(lang: str) -> tuple[dict[str, Reply], dict[str, Reply]]:
    """(replies, receipts) in a language, from the module the language registry names for
    texts (core/languages.py); the default language's for any other code."""
    catalogue = import_module(languages.get(lang).catalogues["sms"])
    return catalogue.REPLIES, catalogue.RECEIPTS


def render(key: str, values: dict | None = None, *, brand: str, lang: str = languages.DEFAULT_CODE) -> str:
    values = values or {}
    with said_on(values.get("today")):  # today's and tomorrow's dates said as such (issue 22)
        return catalogues(lang)[0][key]({**values, "brand": brand})


def receipt_text(kind: str, values: dict, *, brand: str, lang: str = languages.DEFAULT_CODE) -> str:
    return catalogues(lang)[1][kind]({**values, "brand": brand})
