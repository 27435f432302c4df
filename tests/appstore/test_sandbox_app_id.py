"""Issue 23, item 10 (R23): in Sandbox too, a notification for another app (another
``appAppleId``) is refused when APPSTORE_APP_APPLE_ID is configured: Apple's library checks
the app id in Production only."""

from __future__ import annotations

from core.models_appstore import AppStoreNotification
from tests.appstore.apple import APP_APPLE_ID
from tests.appstore.test_verification import disabled
from tests.helpers import count


def test_sandbox_checks_the_app_apple_id_when_it_is_configured_R23(make_app, apple, deps, store_demo):
    other = make_app(appstore_app_apple_id=APP_APPLE_ID + 1).test_client()
    resp = other.post("/appstore/notifications", data=disabled(apple))
    assert resp.status_code == 403 and resp.get_json() == {"error": "wrong_app"}
    assert count(deps, AppStoreNotification) == 0
    right = make_app(appstore_app_apple_id=APP_APPLE_ID).test_client()
    assert right.post("/appstore/notifications", data=disabled(apple)).status_code == 200
    assert count(deps, AppStoreNotification) == 1
