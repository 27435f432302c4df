"""Issue 22: every date the bot says or texts is true on the day it is said (R2, R5, R12).

A reactivation after the term end starts a new term from today (R12): the confirmation, the
done message, the receipt and the state agree, and the scheduled job leaves the line alone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from core import services
from core.formatting import day
from core.models import OutboundText
from tests.helpers import line, plan

PAT = "+15550100004"
LANGS = ("en", "es")


def receipts(deps) -> list[str]:
    with deps.db() as s:
        return [r.body for r in s.execute(select(OutboundText).order_by(OutboundText.id)).scalars()]


def lapse(deps, clock, *, days: int, job: bool) -> dt.date:
    """Pat's plan ends two days after the demo's day; move the clock ``days`` past that term end
    (and let the job run, when ``job``). Returns today."""
    term_end = plan(deps, "pat", "Unlimited Monthly").term_end
    clock.now = dt.datetime.combine(term_end + dt.timedelta(days=days), dt.time(15), tzinfo=dt.timezone.utc)
    if job:
        services.run_due(deps.db, now=clock())
    return clock().date()


def reactivate_by_text(phone, lang: str) -> list[str]:
    p = phone(PAT)
    said = [p.text("REACTIVAR" if lang == "es" else "REACTIVATE"), p.text("9999")]
    said.append(p.text("SÍ" if lang == "es" else "YES"))
    return said


def reactivate_by_call(call, lang: str) -> list[str]:
    keys = ["4", "1", "9999#", "1", "hangup"]
    return [call(PAT, (["9"] + keys) if lang == "es" else keys).said()]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("channel", ["sms", "voice"])
@pytest.mark.parametrize("job", [False, True], ids=["suspended", "lapsed_by_the_job"])
def test_reactivation_after_the_term_end_starts_a_new_term_today_and_the_job_leaves_it_R12(
        deps, demo, clock, phone, call, lang, channel, job):
    old_end = plan(deps, "pat", "Unlimited Monthly").term_end
    today = lapse(deps, clock, days=4, job=job)
    new_end = today + relativedelta(months=1)
    said = reactivate_by_text(phone, lang) if channel == "sms" else reactivate_by_call(call, lang)
    words = " ".join(said)
    assert line(deps, "pat").status == "active"
    number_plan = plan(deps, "pat", "Unlimited Monthly")
    assert (number_plan.term_end, number_plan.auto_renew, number_plan.ended) == (new_end, True, False)
    assert day(old_end, lang) not in words, words  # never the past term end as a future one
    assert words.count(day(new_end, lang)) >= 2, words  # the confirmation and the done message
    if channel == "voice":  # a text's done message is its receipt; a call's comes by text (R17)
        [receipt] = receipts(deps)
        assert day(new_end, lang) in receipt and day(today, lang) in receipt, receipt
        assert day(old_end, lang) not in receipt
    # The job, today and every day until the new term end, leaves it alone.
    for later in (0, 1, 15, 30):
        services.run_due(deps.db, now=clock() + dt.timedelta(days=later))
        assert line(deps, "pat").status == "active"
        assert not plan(deps, "pat", "Unlimited Monthly").ended


@pytest.mark.parametrize("lang", LANGS)
def test_reactivation_before_the_term_end_keeps_the_term_and_renews_it_R12(deps, demo, clock, phone, lang):
    end = plan(deps, "pat", "Unlimited Monthly").term_end
    said = " ".join(reactivate_by_text(phone, lang))
    number_plan = plan(deps, "pat", "Unlimited Monthly")
    assert (number_plan.term_end, number_plan.auto_renew) == (end, True)
    assert said.count(day(end, lang)) >= 2, said
    assert ("renews" if lang == "en" else "renueva") in said
    services.run_due(deps.db, now=clock() + dt.timedelta(days=5))
    assert line(deps, "pat").status == "active"


# The date walk ---------------------------------------------------------------------------
# Every journey, both channels, both languages, on states on each side of each boundary: a
# term end yesterday (not yet ended by the job), today and tomorrow; a lapsed line the day
# before its number is released and on that day. Whatever is said or texted names no past
# day, says today's and tomorrow's as such, and names only the days the state holds.
import re  # noqa: E402

from sqlalchemy import update  # noqa: E402

from core import policy  # noqa: E402
from core.models import Line, Plan  # noqa: E402

DANA, CHRIS = "+15550100001", "+15550100005"
PINS = {PAT: "9999", DANA: "1234", CHRIS: "8642"}
_MONTHS = {"en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
           "es": "ene feb mar abr may jun jul ago sept oct nov dic".split()}
_DATES = {"en": re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}), (\d{4})\b"),
          "es": re.compile(r"\b(\d{1,2}) de (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic) de (\d{4})\b")}
_TOMORROW = {"en": "tomorrow", "es": "día de mañana"}


def dates_in(text: str) -> list[dt.date]:
    found = []
    for m in _DATES["en"].finditer(text):
        found.append(dt.date(int(m[3]), _MONTHS["en"].index(m[1]) + 1, int(m[2])))
    for m in _DATES["es"].finditer(text):
        month = "sept" if m[2].startswith("sep") else m[2]
        found.append(dt.date(int(m[3]), _MONTHS["es"].index(month) + 1, int(m[1])))
    return found


def _at(clock, date: dt.date, hour: int = 15) -> dt.date:
    clock.now = dt.datetime.combine(date, dt.time(hour), tzinfo=dt.timezone.utc)
    return date


def _set_plan(deps, login: str, product: str, **values) -> None:
    with deps.db.begin() as s:
        s.execute(update(Plan).where(Plan.line_id == select(Line.id).where(Line.login_id == login).scalar_subquery(),
                                     Plan.product == product).values(**values))


def _suspended(offset: int):
    def setup(deps, clock):
        return PAT, _at(clock, plan(deps, "pat", "Unlimited Monthly").term_end + dt.timedelta(days=offset))
    return setup


def _lapsed(days_after: int):
    def setup(deps, clock):
        end = plan(deps, "pat", "Unlimited Monthly").term_end
        services.run_due(deps.db, now=clock.now.replace(year=end.year, month=end.month, day=end.day)
                         + dt.timedelta(days=1))
        assert line(deps, "pat").status == "cancelled"
        return PAT, _at(clock, end + dt.timedelta(days=days_after), hour=1)
    return setup


def _user_cancelled(offset: int):
    def setup(deps, clock):
        return CHRIS, _at(clock, plan(deps, "chrisw", "Unlimited Monthly").term_end + dt.timedelta(days=offset))
    return setup


def _addon_cancelled(offset: int):
    def setup(deps, clock):
        today = clock().date()
        _set_plan(deps, "dana", "Text Archive", auto_renew=False, term_end=today + dt.timedelta(days=-offset))
        _set_plan(deps, "dana", "Unlimited Monthly", term_end=today + dt.timedelta(days=max(0, -offset)))
        return DANA, today
    return setup


RELEASE_AFTER = policy.RELEASE_GRACE.days + 1  # the number is released this many days after the term end
STATES = {
    "suspended_term_end_yesterday": _suspended(1), "suspended_term_end_today": _suspended(0),
    "suspended_term_end_tomorrow": _suspended(-1),
    "lapsed_day_before_release": _lapsed(RELEASE_AFTER - 1), "lapsed_release_day": _lapsed(RELEASE_AFTER),
    "user_cancelled_term_end_yesterday": _user_cancelled(1), "user_cancelled_term_end_today": _user_cancelled(0),
    "user_cancelled_term_end_tomorrow": _user_cancelled(-1),
    "addon_cancelled_term_end_yesterday": _addon_cancelled(1), "addon_cancelled_term_end_today": _addon_cancelled(0),
    "addon_cancelled_term_end_tomorrow": _addon_cancelled(-1),
}
SMS_WALK = {"en": ["PLANS", "{pin}", "REFUND", "STOP PLAN TEXT ARCHIVE", "NO", "STOP PLAN UNLIMITED MONTHLY", "NO",
                   "CANCEL LINE", "SKIP", "NO", "REACTIVATE", "YES", "PLANS"],
            "es": ["PLANES", "{pin}", "REEMBOLSO", "CANCELAR PLAN TEXT ARCHIVE", "NO", "CANCELAR PLAN UNLIMITED MONTHLY",
                   "NO", "CANCELAR LÍNEA", "OMITIR", "NO", "REACTIVAR", "SÍ", "PLANES"]}
# Each call: the menu keys, the PIN, then what the call asks next (a plan, skip the fix, no).
VOICE_WALK = [["2", "{pin}#", "2", "hangup"], ["1", "1", "{pin}#", "1", "2", "2", "hangup"],
              ["1", "2", "{pin}#", "9", "2", "2", "hangup"], ["4", "1", "{pin}#", "1", "2", "hangup"]]


def _said_by_text(phone, who, lang):
    p = phone(who)
    return [p.text(body.format(pin=PINS[who])) for body in SMS_WALK[lang]]


def _said_by_call(call, who, lang):
    said = []
    for keys in VOICE_WALK:
        keys = [k.format(pin=PINS[who]) for k in keys]
        said.append(call(who, ["9", *keys] if lang == "es" else keys).said())
    return said


def _term_ends(deps) -> set[dt.date]:
    with deps.db() as s:
        return set(s.execute(select(Plan.term_end)).scalars())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("channel", ["sms", "voice"])
@pytest.mark.parametrize("state", list(STATES))
def test_the_date_walk_names_no_past_day_says_today_and_tomorrow_and_agrees_with_the_state_R2_R12(
        deps, demo, clock, phone, call, state, channel, lang):
    who, today = STATES[state](deps, clock)
    before = _term_ends(deps)
    said = _said_by_text(phone, who, lang) if channel == "sms" else _said_by_call(call, who, lang)
    after = _term_ends(deps)
    for text in said:
        for date in dates_in(text):
            assert date > today + dt.timedelta(days=1), (date, text)  # never past; today, tomorrow said so
            assert date in before | after, (date, text)  # a day the state holds
        if _TOMORROW[lang] in text:
            assert today + dt.timedelta(days=1) in before | after, text
    for body in receipts(deps):  # a receipt is kept: absolute days, from today on, the state's
        for date in dates_in(body):
            assert date >= today and (date in after or date == today), (date, body)


def _with_dates(values: dict, date: dt.date) -> dict:
    """The values with every date in them replaced by ``date``."""
    def swap(v):
        if isinstance(v, dt.date):
            return date
        if isinstance(v, dict):
            return {k: swap(x) for k, x in v.items()}
        if isinstance(v, list):
            return [swap(x) for x in v]
        return v
    return swap(values)


def _every_key():
    from ivr import prompts, prompts_es
    from sms import replies, replies_es
    from tests.ivr.test_prompts_es import VALUES as VOICE
    from tests.sms.test_replies_fit import LONGEST as TEXT

    for channel, table, render, values in (
            ("sms", replies.REPLIES, replies.render, TEXT), ("sms", replies_es.REPLIES, replies.render, TEXT),
            ("voice", prompts.PROMPTS, prompts.say, VOICE), ("voice", prompts_es.PROMPTS, prompts.say, VOICE)):
        lang = "es" if table in (replies_es.REPLIES, prompts_es.PROMPTS) else "en"
        for key in table:
            yield pytest.param(render, key, values, lang, id=f"{channel}-{lang}-{key}")


@pytest.mark.parametrize("render, key, values, lang", list(_every_key()))
def test_every_prompt_key_in_both_languages_says_yesterday_today_and_tomorrow_truly(render, key, values, lang):
    today = dt.date(2026, 12, 6)
    for offset in (-1, 0, 1, 40):
        date = today + dt.timedelta(days=offset)
        fix = {"fix": "voice_network_mode"} if "fix" in key else {}
        text = render(key, {**_with_dates(values, date), **fix, "today": today.isoformat(), "renews": True},
                      brand="Second Line", lang=lang)
        for said in dates_in(text):  # yesterday's and today's said as today, tomorrow's as tomorrow
            assert said == date and offset > 1, (offset, text)


@pytest.mark.parametrize("lang", LANGS)
def test_a_lapsed_app_store_number_plan_is_not_announced_active_again_R6_R12(deps, demo, clock, phone, lang):
    from sqlalchemy import update as update_

    today = clock().date()
    with deps.db.begin() as s:
        s.execute(update_(Line).where(Line.login_id == "alexk").values(status="suspended", status_reason="unpaid"))
        s.execute(update_(Plan).where(Plan.product == "Unlimited Annual")
                  .values(auto_renew=False, term_end=today - dt.timedelta(days=1)))
    p = phone("+15550100002")
    said = [p.text("REACTIVAR" if lang == "es" else "REACTIVATE"), p.text("2468")]
    assert "App Store" in said[-1] and ("AGENT" in said[-1]), said
    assert "active again" not in " ".join(said) and "activa otra vez" not in " ".join(said)
    assert line(deps, "alexk").status == "suspended"
