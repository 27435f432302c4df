"""The use cases against the real database and Redis: one transaction, applied once,
audited, scoped (R7)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from core import services
from core.models import AuditEvent, AvailableNumber, BlockedNumber, Line, Plan
from core.services import NotAuthorised, Request
from tests.conftest import TEST_PIN_SECRET

SMS = Request(channel="sms", request_id="SM0001", caller="+15557770001")


def line(deps, login):
    with deps.db() as s:
        ln = s.execute(select(Line).where(Line.login_id == login)).scalar_one()
        return services.LineRef(ln.id, ln.account_id, ln.number, ln.login_id, ln.is_admin)


def plan_id(deps, login, product):
    with deps.db() as s:
        return s.execute(select(Plan.id).join(Line).where(Line.login_id == login, Plan.product == product)).scalar_one()


def audits(deps, **where):
    with deps.db() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for k, v in where.items():
            stmt = stmt.where(getattr(AuditEvent, k) == v)
        return s.execute(stmt).scalars().all()


def test_a_correct_pin_verifies_and_is_audited_without_the_pin_R14(deps, demo, clock):
    dana = line(deps, "dana")
    check = services.verify_pin(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[dana.line_id], identity=None,
                                pin="1234", now=clock(), req=SMS)
    assert check.ok and check.line == dana
    [event] = audits(deps, action="pin_verified")
    assert event.request_id == "SM0001" and "1234" not in repr(event.details)


def test_five_wrong_pins_lock_the_line_across_channels_and_numbers_R9(deps, demo, clock):
    dana = line(deps, "dana")
    for i in range(4):
        req = Request(channel="sms" if i % 2 else "voice", request_id=f"R{i}", caller=f"+1555888000{i}")
        check = services.verify_pin(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[dana.line_id], identity=None,
                                    pin="0000", now=clock.advance(seconds=30), req=req)
        assert check.reason == "wrong_pin"
    fifth = services.verify_pin(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[dana.line_id], identity=None,
                                pin="9999", now=clock.advance(seconds=30), req=SMS)
    assert fifth.reason == "locked"
    # Even the right PIN is refused while locked, from any channel.
    right = services.verify_pin(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[dana.line_id], identity=None,
                                pin="1234", now=clock.advance(minutes=14), req=Request(channel="voice"))
    assert right.reason == "locked"
    assert len(audits(deps, action="pin_failed")) == 5
    assert len(audits(deps, action="pin_lock")) == 1
    after = services.verify_pin(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[dana.line_id], identity=None,
                                pin="1234", now=clock.advance(minutes=2), req=SMS)
    assert after.ok


def test_cancel_plan_stops_renewal_and_keeps_the_term_R2_R5(deps, demo, clock):
    dana = line(deps, "dana")
    pid = plan_id(deps, "dana", "Text Archive")
    result = services.cancel_plan(deps.db, actor=dana, line_id=dana.line_id, plan_id=pid, now=clock(), req=SMS)
    assert result.applied and result.data["term_end"] == clock().date() + dt.timedelta(days=19)
    with deps.db() as s:
        plan = s.get(Plan, pid)
        assert plan.auto_renew is False and plan.ended is False
    again = services.cancel_plan(deps.db, actor=dana, line_id=dana.line_id, plan_id=pid, now=clock(), req=SMS)
    assert not again.applied and again.reason == "already_cancelled"  # R13
    assert [e.outcome for e in audits(deps, action="cancel_plan")] == ["applied", "refused"]


def test_an_app_store_plan_is_refused_and_audited_R6(deps, demo, clock):
    alex = line(deps, "alexk")
    pid = plan_id(deps, "alexk", "Call Recording")
    result = services.cancel_plan(deps.db, actor=alex, line_id=alex.line_id, plan_id=pid, now=clock(), req=SMS)
    assert result.reason == "app_store_plan"
    with deps.db() as s:
        assert s.get(Plan, pid).auto_renew is True
    [event] = audits(deps, action="cancel_plan")
    assert event.outcome == "refused" and event.details["reason"] == "app_store_plan"


def test_cancel_line_needs_add_ons_first_then_removes_every_plan_R3_R4(deps, demo, clock):
    dana = line(deps, "dana")
    refused = services.cancel_line(deps.db, actor=dana, line_id=dana.line_id, now=clock(), req=SMS)
    assert refused.reason == "addons_first" and refused.data["addons"] == ["Text Archive", "Call Recording"]
    for product in ("Text Archive", "Call Recording"):
        services.cancel_plan(deps.db, actor=dana, line_id=dana.line_id,
                             plan_id=plan_id(deps, "dana", product), now=clock(), req=SMS)
    done = services.cancel_line(deps.db, actor=dana, line_id=dana.line_id, now=clock(), req=SMS)
    assert done.applied
    with deps.db() as s:
        ln = s.get(Line, dana.line_id)
        assert (ln.status, ln.status_reason) == ("cancel_pending", "user")
        assert all(not p.auto_renew for p in ln.plans)
    # R12: never reactivated.
    again = services.reactivate_line(deps.db, actor=dana, line_id=dana.line_id, now=clock(), req=SMS)
    assert again.reason == "user_cancelled"


def test_an_app_store_add_on_blocks_cancel_line_R4_R6(deps, demo, clock):
    alex = line(deps, "alexk")
    result = services.cancel_line(deps.db, actor=alex, line_id=alex.line_id, now=clock(), req=SMS)
    assert result.reason == "addons_first_app_store" and result.data["addons"] == ["Call Recording"]


def test_the_admin_cancels_a_users_line_but_a_user_cannot_R7(deps, demo, clock):
    admin, maria, lee = line(deps, "jdoe"), line(deps, "maria"), line(deps, "lee")
    with pytest.raises(NotAuthorised):
        services.cancel_line(deps.db, actor=maria, line_id=lee.line_id, now=clock(), req=SMS)
    result = services.cancel_line(deps.db, actor=admin, line_id=lee.line_id, now=clock(), req=SMS)
    assert result.applied
    [event] = audits(deps, action="cancel_line", outcome="applied")
    assert (event.actor, event.actor_id, event.line_id) == ("admin", "jdoe", lee.line_id)
    with pytest.raises(NotAuthorised):  # another account's admin is nobody here
        services.cancel_line(deps.db, actor=line(deps, "dana"), line_id=maria.line_id, now=clock(), req=SMS)


def test_reactivation_allowed_for_an_unpaid_line_R12(deps, demo, clock):
    pat = line(deps, "pat")
    result = services.reactivate_line(deps.db, actor=pat, line_id=pat.line_id, now=clock(), req=SMS)
    assert result.applied
    with deps.db() as s:
        assert s.get(Line, pat.line_id).status == "active"
    assert services.reactivate_line(deps.db, actor=pat, line_id=pat.line_id, now=clock(), req=SMS).reason == "already_active"


def test_change_number_takes_one_from_the_pool(deps, demo, clock):
    sam = line(deps, "sam")
    result = services.change_number(deps.db, actor=sam, line_id=sam.line_id, now=clock(), req=SMS)
    assert result.applied and result.data == {"old": "+15550100003", "number": "+15550100900",
                                              "effective": clock().date()}
    with deps.db() as s:
        assert s.get(Line, sam.line_id).number == "+15550100900"
        assert s.execute(select(func.count()).select_from(AvailableNumber).where(
            AvailableNumber.number == "+15550100900")).scalar() == 0


def test_block_and_unblock_a_number(deps, demo, clock):
    sam = line(deps, "sam")
    ok = services.block_number(deps.db, actor=sam, line_id=sam.line_id, raw="(555) 999-1234", now=clock(), req=SMS)
    assert ok.applied and ok.data["number"] == "+15559991234"
    assert services.block_number(deps.db, actor=sam, line_id=sam.line_id, raw="911", now=clock(), req=SMS).reason == "emergency_number"
    assert services.block_number(deps.db, actor=sam, line_id=sam.line_id, raw="+15557770003", now=clock(), req=SMS).reason == "own_number"
    assert services.block_number(deps.db, actor=sam, line_id=sam.line_id, raw="5559991234", now=clock(), req=SMS).reason == "already_blocked"
    assert services.unblock_number(deps.db, actor=sam, line_id=sam.line_id, raw="+15559991234", now=clock(), req=SMS).applied
    with deps.db() as s:
        assert s.execute(select(func.count()).select_from(BlockedNumber).where(BlockedNumber.line_id == sam.line_id)).scalar() == 0


def test_refund_info_gives_the_verified_callers_own_dates_R1(deps, demo, clock):
    dana = line(deps, "dana")
    result = services.refund_info(deps.db, dana, dana.line_id, clock(), SMS)
    assert result.reason == "no_refund" and not result.applied
    assert {t["product"] for t in result.data["terms"]} == {"Unlimited Monthly", "Text Archive", "Call Recording"}
    anonymous = services.refund_info(deps.db, None, None, clock(), SMS)
    assert anonymous.data["terms"] == []


def test_run_due_ends_plans_and_releases_cancelled_lines_once_R2_R3(deps, demo, clock):
    chris = line(deps, "chrisw")
    later = clock() + dt.timedelta(days=7)
    first = services.run_due(deps.db, now=later)
    assert first.lines_released == 1 and first.plans_ended >= 1
    second = services.run_due(deps.db, now=later)
    assert (second.plans_ended, second.lines_released, second.lines_lapsed) == (0, 0, 0)
    with deps.db() as s:
        ln = s.get(Line, chris.line_id)
        assert ln.status == "released" and ln.plans[0].ended
    dana = line(deps, "dana")
    with deps.db() as s:  # renewing plans are untouched
        assert not any(p.ended for p in s.get(Line, dana.line_id).plans)


def test_two_processes_confirming_at_once_apply_the_cancellation_once_R13(deps, demo, clock, settings):
    """Real concurrent connections (PostgreSQL in CI): a barrier releases them together."""
    from core.db import make_engine, make_sessionmaker

    sam = line(deps, "sam")
    engines = [make_engine(settings.database_url) for _ in range(8)]
    makers = [make_sessionmaker(e) for e in engines]
    barrier = threading.Barrier(len(makers))
    results: list = []
    errors: list = []

    def confirm(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.cancel_line(makers[i], actor=sam, line_id=sam.line_id, now=clock(),
                                                req=Request(channel="sms", request_id=f"SM{i}")))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(makers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    assert not errors
    assert sum(r.applied for r in results) == 1
    assert {r.reason for r in results if not r.applied} == {"already_cancelled"}
    assert len(audits(deps, action="cancel_line", outcome="applied")) == 1
