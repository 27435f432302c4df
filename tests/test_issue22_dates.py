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
