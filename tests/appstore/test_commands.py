"""Operators: `switchboard appstore replay` and `status`, notifications in `export`, and the
real `switchboard worker` process applying what the web process stored."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.models_appstore import AppStoreNotification
from core.account_data import export_document, import_document
from tests.appstore.conftest import ADDON_PRODUCT, ADDON_TX, ALEX, with_apple_ids
from tests.conftest import TEST_PIN_SECRET
from tests.helpers import count, line, plan

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TERM = dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.timezone.utc)


def disabled(apple, **kw):
    return apple.notification("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", otid=ADDON_TX,
                              product=ADDON_PRODUCT, auto_renew=False, expires=TERM, **kw)


def test_replay_applies_a_saved_notification_once(runner, apple, store_demo, deps, tmp_path):
    saved = tmp_path / "notification.json"
    saved.write_text(disabled(apple))
    first = runner.invoke(args=["appstore", "replay", str(saved)])
    assert first.exit_code == 0 and "DID_CHANGE_RENEWAL_STATUS: stored now; applied" in first.output
    assert plan(deps, "alexk", "Call Recording").auto_renew is False
    again = runner.invoke(args=["appstore", "replay", str(saved)])
    assert again.exit_code == 0 and "already stored; applied" in again.output
    assert count(deps, AppStoreNotification) == 1


def test_replay_refuses_what_apple_did_not_sign(runner, apple, store_demo, deps, tmp_path):
    saved = tmp_path / "forged.json"
    saved.write_text(disabled(apple, x5c=False))
    result = runner.invoke(args=["appstore", "replay", str(saved)])
    assert result.exit_code != 0 and "refused (bad_signature); nothing changed" in result.output
    assert count(deps, AppStoreNotification) == 0 and plan(deps, "alexk", "Call Recording").auto_renew is True


def test_a_notification_that_named_no_plan_is_applied_once_the_plan_carries_its_id(runner, feed, apple, demo, deps):
    # The demo data without Apple's ids: the notification finds no plan, and waits.
    uuid = feed.deliver(disabled(apple))
    feed.work()
    assert feed.row(uuid).status == "unknown_transaction"
    import_document(deps.db, with_apple_ids(demo), pin_secret=TEST_PIN_SECRET)
    result = runner.invoke(args=["appstore", "replay", "--uuid", uuid])
    assert result.exit_code == 0 and f"{uuid}: applied" in result.output
    assert plan(deps, "alexk", "Call Recording").auto_renew is False


def test_status_shows_the_last_notification_the_failures_and_the_refusals(runner, feed, apple, store_demo, deps):
    assert "last notification: none received" in runner.invoke(args=["appstore", "status"]).output
    feed.post(disabled(apple, x5c=False))
    uuid = feed.deliver(disabled(apple))
    feed.work()
    out = runner.invoke(args=["appstore", "status"]).output
    assert "feed: configured (Sandbox, online checks off)" in out
    assert f"{uuid} DID_CHANGE_RENEWAL_STATUS/AUTO_RENEW_DISABLED [applied, store_renewal_off]" in out
    assert "notifications: applied 1" in out
    assert "refused deliveries in the last day: 1 (last: bad_signature" in out


def test_status_says_when_the_feed_is_not_configured(make_app):
    app = make_app(appstore_root_certs=())
    out = app.test_cli_runner().invoke(args=["appstore", "status"]).output
    assert "NOT configured: not_configured: APPSTORE_ROOT_CERTS is not set" in out


def test_export_shows_apples_ids_the_notifications_and_their_audit_and_imports_again(feed, apple, store_demo, deps):
    uuid = feed.deliver(disabled(apple))
    feed.work()
    doc = export_document(deps.db, "+15550100002")
    [alex] = doc["accounts"][0]["lines"]
    addon = next(p for p in alex["plans"] if p["product"] == "Call Recording")
    assert (addon["original_transaction_id"], addon["product_id"], addon["auto_renew"]) == (ADDON_TX, ADDON_PRODUCT, False)
    [note] = alex["app_store_notifications"]
    assert (note["uuid"], note["type"], note["subtype"], note["status"]) == (
        uuid, "DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", "applied")
    [event] = [e for e in alex["audit"] if e["channel"] == "app_store"]
    assert (event["actor"], event["request_id"], event["target"]) == ("app_store", uuid, "+15550100002:Call Recording")
    import_document(deps.db, json.loads(json.dumps(doc)), pin_secret=TEST_PIN_SECRET)
    assert export_document(deps.db, "+15550100002") == doc


def test_the_worker_process_applies_what_the_web_stored_and_the_line_can_go(feed, apple, store_demo, deps, settings,
                                                                           phone):
    if not settings.redis_url:
        pytest.skip("several processes need TEST_REDIS_URL (the in-process stand-in is not shared)")
    feed.deliver(disabled(apple))
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "APPSTORE_ROOT_CERTS": ",".join(settings.appstore_root_certs),
           "APPSTORE_BUNDLE_ID": settings.appstore_bundle_id, "APPSTORE_ENVIRONMENT": "Sandbox",
           "APPSTORE_ONLINE_CHECKS": "off"}
    env.pop("TWILIO_ACCOUNT_SID", None)
    done = subprocess.run([str(BIN / "switchboard"), "worker", "--burst"], env=env, cwd=ROOT, timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert plan(deps, "alexk", "Call Recording").auto_renew is False
    p = phone(ALEX)
    p.text("CANCEL LINE")
    p.text("2468")
    p.text("SKIP")
    assert "is cancelled" in p.text("YES")
    assert line(deps, "alexk").status == "cancel_pending"
