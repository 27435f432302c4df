"""R23 end to end: Apple's signed notification POSTed → stored once → applied by the worker →
the bot's answers by text follow (R4, R6, PLANS, REFUND) and a receipt says when (R17)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from core import appstore, services
from core.models import AuditEvent, OutboundText
from core.models_appstore import AppStoreNotification
from tests.appstore.conftest import ADDON_PRODUCT, ADDON_TX, ALEX, ALEX_LINE, NUMBER_PLAN_TX, NUMBER_PRODUCT
from tests.helpers import count, line, plan

UTC = dt.timezone.utc
TERM = dt.datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # the add-on's term end in the demo data
NEXT = dt.datetime(2027, 1, 3, 15, 0, tzinfo=UTC)


def addon(apple, kind, subtype=None, **kw):
    kw.setdefault("expires", TERM)
    return apple.notification(kind, subtype, otid=ADDON_TX, product=ADDON_PRODUCT, **kw)


def verified(phone):
    p = phone(ALEX)
    assert "PIN" in p.text("PLANS")
    assert p.text("2468").startswith("PIN OK.")
    return p


def store_events(deps):
    with deps.db() as s:
        return s.execute(select(AuditEvent).where(AuditEvent.channel == "app_store", AuditEvent.line_id.is_not(None))
                         .order_by(AuditEvent.id)).scalars().all()


def receipts(deps):
    with deps.db() as s:
        return s.execute(select(OutboundText).order_by(OutboundText.id)).scalars().all()


def test_a_customer_who_cancels_at_apple_can_cancel_the_line_by_text_once_apple_says_so_R4_R23(
        feed, apple, store_demo, phone, deps):
    p = verified(phone)
    assert "First cancel Call Recording in your Apple account" in p.text("CANCEL LINE")  # R4, R6
    # The customer follows Apple's steps; Apple tells Switchboard.
    uuid = feed.deliver(addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False))
    assert plan(deps, "alexk", "Call Recording").auto_renew is True  # answered at once, applied by the worker
    assert feed.row(uuid).status == "received"
    feed.work()
    assert feed.row(uuid).status == "applied"
    assert "Call Recording (App Store) cancelled at Apple, works until Dec 3, 2026" in p.text("PLANS")  # R23
    assert "Before you go" in p.text("CANCEL LINE")  # no longer refused: on to the line itself
    confirm = p.text("SKIP")
    # R6: Apple's step is said for the App Store plan that still renews, not for the add-on.
    assert "Apple keeps billing Unlimited Annual until" in confirm and "Call Recording" not in confirm
    assert "is cancelled" in p.text("YES")
    assert line(deps, "alexk").status == "cancel_pending"
    [event] = [e for e in store_events(deps) if e.action == "appstore_did_change_renewal_status"]
    assert (event.actor, event.actor_id, event.channel, event.outcome, event.request_id) == (
        "app_store", uuid, "app_store", "applied", uuid)  # R14
    [receipt] = [r for r in receipts(deps) if r.request_id == uuid]
    assert receipt.to_number == ALEX_LINE  # R17, to the line's own number
    assert receipt.body == ("Second Line: on Nov 26, 2026 Apple told us you cancelled Call Recording there. "
                            "It won't renew and works until Dec 3, 2026.")


# Each type, end to end -----------------------------------------------------------------------
def _stopped(deps):
    from core.models import Plan

    with deps.db.begin() as s:
        s.get(Plan, plan(deps, "alexk", "Call Recording").id).auto_renew = False


def _ended(deps):
    from core.models import Plan

    with deps.db.begin() as s:
        row = s.get(Plan, plan(deps, "alexk", "Call Recording").id)
        row.auto_renew, row.ended = False, True


TYPES = [
    # id, setup, notification, expected (auto_renew, ended, term_end), status, reason, PLANS says, receipt says
    ("DID_CHANGE_RENEWAL_STATUS AUTO_RENEW_DISABLED", None,
     lambda a: addon(a, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False),
     (False, False, TERM.date()), "applied", "store_renewal_off", "Call Recording (App Store) cancelled at Apple, works until Dec 3, 2026",
     "you cancelled Call Recording there"),
    ("DID_CHANGE_RENEWAL_STATUS AUTO_RENEW_ENABLED", _stopped,
     lambda a: addon(a, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", auto_renew=True),
     (True, False, TERM.date()), "applied", "store_renewal_on", "Call Recording (App Store) renews Dec 3, 2026",
     "Call Recording renews again"),
    ("DID_RENEW", None, lambda a: addon(a, "DID_RENEW", expires=NEXT, auto_renew=True),
     (True, False, NEXT.date()), "applied", "store_renewed", "Call Recording (App Store) renews Jan 3, 2027", None),
    *[(f"EXPIRED {sub}", _stopped, (lambda s: lambda a: addon(a, "EXPIRED", s, auto_renew=False))(sub),
       (False, True, TERM.date()), "applied", "store_expired", None, "Call Recording has ended")
      for sub in ("VOLUNTARY", "BILLING_RETRY", "PRICE_INCREASE", "PRODUCT_NOT_FOR_SALE")],
    ("GRACE_PERIOD_EXPIRED", None, lambda a: addon(a, "GRACE_PERIOD_EXPIRED", auto_renew=True),
     (False, True, TERM.date()), "applied", "store_expired", None, "Call Recording has ended"),
    ("DID_FAIL_TO_RENEW", None, lambda a: addon(a, "DID_FAIL_TO_RENEW", auto_renew=True,
                                               renewal={"isInBillingRetryPeriod": True}),
     (True, False, TERM.date()), "applied", "store_billing_retry", "Call Recording (App Store): Apple couldn't renew it, update your payment at Apple", None),
    ("DID_FAIL_TO_RENEW GRACE_PERIOD", None,
     lambda a: addon(a, "DID_FAIL_TO_RENEW", "GRACE_PERIOD", auto_renew=True,
                     renewal={"isInBillingRetryPeriod": True,
                              "gracePeriodExpiresDate": int(dt.datetime(2026, 12, 19, tzinfo=UTC).timestamp() * 1000)}),
     (True, False, TERM.date()), "applied", "store_grace_period", "Call Recording (App Store): Apple couldn't renew it, update your payment at Apple", None),
    ("REFUND", None, lambda a: addon(a, "REFUND", transaction={"revocationDate": 1795000000000, "revocationReason": 0}),
     (False, True, TERM.date()), "applied", "store_refunded", None,
     "Apple told us it refunded Call Recording, so it has ended. The refund is Apple's; Second Line gives no refunds."),
    ("REVOKE", None, lambda a: addon(a, "REVOKE", transaction={"revocationDate": 1795000000000}),
     (False, True, TERM.date()), "applied", "store_revoked", None, "Call Recording was revoked"),
    ("REFUND_REVERSED", _ended, lambda a: addon(a, "REFUND_REVERSED", auto_renew=True),
     (True, False, TERM.date()), "applied", "store_refund_reversed", "Call Recording (App Store) renews Dec 3, 2026",
     "reversed the refund of Call Recording"),
    ("SUBSCRIBED RESUBSCRIBE", _ended, lambda a: addon(a, "SUBSCRIBED", "RESUBSCRIBE", expires=NEXT, auto_renew=True),
     (True, False, NEXT.date()), "applied", "store_subscribed", "Call Recording (App Store) renews Jan 3, 2027",
     "Call Recording is active again"),
    ("TEST", None, lambda a: a.notification("TEST"), (True, False, TERM.date()), "ignored", "test",
     "Call Recording (App Store) renews Dec 3, 2026", None),
    ("an unknown type", None, lambda a: addon(a, "SOMETHING_NEW_FROM_APPLE", auto_renew=False),
     (True, False, TERM.date()), "ignored", "not_handled", "Call Recording (App Store) renews Dec 3, 2026", None),
    ("CONSUMPTION_REQUEST (not acted on)", None, lambda a: addon(a, "CONSUMPTION_REQUEST", auto_renew=False),
     (True, False, TERM.date()), "ignored", "not_handled", "Call Recording (App Store) renews Dec 3, 2026", None),
]


@pytest.mark.parametrize("setup, make, state, status, reason, plans_says, receipt_says",
                         [pytest.param(*t[1:], id=t[0]) for t in TYPES])
def test_each_notification_type_end_to_end(feed, apple, store_demo, phone, deps,
                                           setup, make, state, status, reason, plans_says, receipt_says):
    if setup:
        setup(deps)
    p = verified(phone)
    uuid = feed.deliver(make(apple))
    feed.work()
    row = feed.row(uuid)
    assert (row.status, row.reason) == (status, reason)
    addon_plan = plan(deps, "alexk", "Call Recording")
    assert (addon_plan.auto_renew, addon_plan.ended, addon_plan.term_end) == state
    plans = p.text("PLANS")
    if plans_says:
        assert plans_says in plans
    else:
        assert "Call Recording" not in plans  # ended: no longer listed
    refund = p.text("REFUND")
    assert "No refunds" in refund  # R1, whatever Apple did
    assert ("Call Recording" in refund) == (not state[1])
    sent = [r.body for r in receipts(deps) if r.request_id == uuid]
    if receipt_says:
        [body] = sent
        assert receipt_says in body and "Nov 26, 2026" in body  # when Apple's change reached the account
    else:
        assert sent == []
    events = [e for e in store_events(deps) if e.request_id == uuid]
    assert len(events) == (1 if status == "applied" else 0)


def test_the_last_app_store_plan_that_renews_is_the_only_apple_step_in_the_confirmation_R6(
        feed, apple, store_demo, phone, deps):
    feed.deliver(addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False))
    feed.deliver(apple.notification("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", otid=NUMBER_PLAN_TX,
                                    product=NUMBER_PRODUCT, auto_renew=False,
                                    expires=dt.datetime(2027, 6, 14, 12, tzinfo=UTC)))
    feed.work()
    p = verified(phone)
    p.text("CANCEL LINE")
    confirm = p.text("SKIP")
    assert "Cancel line (555) 010-0002?" in confirm and "Apple" not in confirm
    assert "Apple" not in p.text("YES")
    assert line(deps, "alexk").status == "cancel_pending"


def test_a_line_its_user_cancelled_never_renews_again_whatever_apple_says_R3(feed, apple, store_demo, phone, deps, clock):
    alex = services.find_line(deps.db, "alexk")
    _stopped(deps)
    services.cancel_line(deps.db, actor=alex, line_id=alex.line_id, now=clock(), req=services.Request(channel="sms"))
    uuid = feed.deliver(addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", auto_renew=True))
    feed.work()
    assert (feed.row(uuid).status, feed.row(uuid).reason) == ("unchanged", "line_cancelled_by_user")
    assert plan(deps, "alexk", "Call Recording").auto_renew is False
    [event] = [e for e in store_events(deps) if e.request_id == uuid]
    assert (event.outcome, event.details["reason"]) == ("refused", "line_cancelled_by_user")  # R14


def test_a_notification_for_an_unknown_transaction_is_stored_and_shown_not_an_error(feed, apple, store_demo, deps, clock,
                                                                                    runner):
    uuid = feed.deliver(apple.notification("DID_RENEW", otid="2000000000009999", auto_renew=True))
    feed.work()
    row = feed.row(uuid)
    assert (row.status, row.last_error, row.line_id) == ("unknown_transaction", None, None)
    out = runner.invoke(args=["appstore", "status"]).output
    assert "no plan has transaction 2000000000009999" in out and uuid in out


# Once only (R13) ---------------------------------------------------------------------------
def test_a_retried_or_duplicated_notification_changes_nothing_twice(feed, apple, store_demo, deps):
    body = addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False)
    first = feed.post(body)
    assert first.status_code == 200 and first.get_json()["status"] == "stored"
    feed.work()
    again = feed.post(body)  # Apple's retry (it never got our 200), or a duplicate
    assert again.status_code == 200 and again.get_json()["status"] == "already_stored"
    feed.work()
    feed.work()
    assert count(deps, AppStoreNotification) == 1
    assert len(store_events(deps)) == 1
    assert len(receipts(deps)) == 1


def test_a_worker_that_dies_after_applying_applies_nothing_twice(feed, apple, store_demo, deps, clock, monkeypatch):
    uuid = feed.deliver(addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False))
    real = appstore._finish
    calls = []

    def dies_once(db, u, status, *a, **kw):
        calls.append(status)
        if len(calls) == 1:
            raise ConnectionError("the worker lost the database after the change committed")
        return real(db, u, status, *a, **kw)

    monkeypatch.setattr(appstore, "_finish", dies_once)
    feed.work()  # applied, then the status update failed: still "received", one attempt counted
    assert feed.row(uuid).status == "received" and feed.row(uuid).attempts == 1
    assert plan(deps, "alexk", "Call Recording").auto_renew is False
    feed.work()  # nothing was kicked: what `switchboard worker` does when it starts
    appstore.configure_worker(deps.db, clock)
    appstore.apply_pending(deps.db, now=clock())
    assert feed.row(uuid).status == "applied"
    assert len(store_events(deps)) == 1 and len(receipts(deps)) == 1


@pytest.mark.parametrize("run", range(20))
def test_concurrent_deliveries_of_one_notification_store_it_once(feed, apple, store_demo, deps, make_app, run):
    body = addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False)
    clients = [make_app().test_client() for _ in range(2)]
    start = threading.Barrier(8)
    answers = []

    def deliver(i):
        start.wait()
        resp = clients[i % 2].post("/appstore/notifications", data=body, content_type="application/json")
        answers.append((resp.status_code, resp.get_json()["status"]))

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [(200, "already_stored")] * 7 + [(200, "stored")]
    assert count(deps, AppStoreNotification) == 1


@pytest.mark.parametrize("run", range(20))
def test_concurrent_workers_apply_a_notification_once(feed, apple, store_demo, deps, clock, run):
    from appstore.wording import receipt_for

    uuid = feed.deliver(addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False))
    start = threading.Barrier(6)
    outcomes = []

    def work():
        start.wait()
        outcomes.append(appstore.apply_notification(deps.db, uuid, now=clock(), receipt=receipt_for("Second Line",
                                                                                                      deps.receipt_text)))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(outcomes) == {"applied"}
    assert len(store_events(deps)) == 1 and len(receipts(deps)) == 1


# In order (R23) ----------------------------------------------------------------------------
def test_an_older_notification_delivered_late_never_overwrites_a_newer_state(feed, apple, store_demo, deps):
    older = addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", auto_renew=True)
    newer = addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False)
    new_id = feed.deliver(newer)
    feed.work()
    old_id = feed.deliver(older)
    feed.work()
    assert plan(deps, "alexk", "Call Recording").auto_renew is False
    assert (feed.row(old_id).status, feed.row(old_id).reason) == ("unchanged", "older_than_applied")
    assert feed.row(new_id).status == "applied"
    assert len(receipts(deps)) == 1


def test_notifications_stored_together_are_applied_oldest_first(feed, apple, store_demo, deps):
    older = addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False)
    newer = addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", auto_renew=True)
    ids = [feed.deliver(newer), feed.deliver(older)]  # arrived newest first, applied by signedDate
    feed.work()
    assert plan(deps, "alexk", "Call Recording").auto_renew is True
    assert [feed.row(i).status for i in ids] == ["applied", "applied"]


def test_an_expiry_followed_late_by_an_older_renewal_leaves_the_plan_ended(feed, apple, store_demo, deps):
    renewed = addon(apple, "DID_RENEW", expires=NEXT, auto_renew=True)
    expired = addon(apple, "EXPIRED", "VOLUNTARY", expires=NEXT, auto_renew=False)
    feed.deliver(expired)
    feed.work()
    late = feed.deliver(renewed)
    feed.work()
    assert plan(deps, "alexk", "Call Recording").ended is True
    assert feed.row(late).reason == "older_than_applied"


def test_apples_billing_retry_is_recorded_for_the_answers_until_a_renewal_clears_it(feed, apple, store_demo, deps):
    grace = dt.datetime(2026, 12, 19, tzinfo=UTC)
    feed.deliver(addon(apple, "DID_FAIL_TO_RENEW", "GRACE_PERIOD", auto_renew=True,
                       renewal={"isInBillingRetryPeriod": True, "gracePeriodExpiresDate": int(grace.timestamp() * 1000)}))
    feed.work()
    assert appstore.store_states(deps.db, [ADDON_TX, NUMBER_PLAN_TX]) == {
        ADDON_TX: {"store": "store_grace_period", "store_at": dt.date(2026, 11, 26), "grace_until": grace.date()}}
    feed.deliver(addon(apple, "DID_RENEW", expires=NEXT, auto_renew=True))
    feed.work()
    assert appstore.store_states(deps.db, [ADDON_TX])[ADDON_TX]["store"] == "store_renewed"


def test_the_receipt_is_in_the_lines_language_R20(feed, apple, store_demo, deps):
    from core.models import Line

    with deps.db.begin() as s:
        s.execute(Line.__table__.update().where(Line.login_id == "alexk").values(language="es"))
    uuid = feed.deliver(addon(apple, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False))
    feed.work()
    [receipt] = [r for r in receipts(deps) if r.request_id == uuid]
    assert receipt.body == ("Second Line: el 26 de nov de 2026 Apple nos informa que cancelaste Call Recording en "
                            "Apple. No se renueva y funciona hasta el 3 de dic de 2026.")
