"""Fixtures for the App Store feed: a certificate authority made here and trusted by the app,
Apple's notifications signed with it, the demo data with Apple's ids on alexk's App Store plans,
and the worker run in-process as `switchboard worker` runs it."""

from __future__ import annotations

import copy
import json

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from core import appstore
from core.demo import demo_document
from core.models_appstore import AppStoreNotification
from core.account_data import import_document
from tests.appstore.apple import BUNDLE_ID, Apple, AppleCA, OCSPResponder
from tests.conftest import START, TEST_PIN_SECRET

ALEX = "+15557770002"  # texts from here; the line is +15550100002, PIN 2468
ALEX_LINE = "+15550100002"
NUMBER_PLAN_TX = "2000000000000001"
ADDON_TX = "2000000000000002"
NUMBER_PRODUCT = "com.example.switchboard.unlimited.annual"
ADDON_PRODUCT = "com.example.switchboard.callrecording.monthly"


@pytest.fixture(scope="session")
def ocsp():
    responder = OCSPResponder()
    yield responder
    responder.close()


@pytest.fixture(scope="session")
def ca(ocsp) -> AppleCA:
    authority = AppleCA(ocsp.url)
    ocsp.cas.append(authority)
    return authority


@pytest.fixture(scope="session")
def root_path(ca, tmp_path_factory) -> str:
    return ca.write_root(tmp_path_factory.mktemp("apple"))


@pytest.fixture
def settings(settings, root_path):
    # The app trusts this session's root only; Sandbox, offline checks unless a test says so.
    return settings.with_(appstore_root_certs=(root_path,), appstore_bundle_id=BUNDLE_ID,
                          appstore_environment="Sandbox", appstore_app_apple_id=None,
                          appstore_online_checks=False)


@pytest.fixture
def apple(ca) -> Apple:
    return Apple(ca, signed=START)


def with_apple_ids(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    for account in doc["accounts"]:
        for line in account["lines"]:
            if line["login_id"] == "alexk":
                for plan in line["plans"]:
                    if plan["kind"] == "number":
                        plan.update(original_transaction_id=NUMBER_PLAN_TX, product_id=NUMBER_PRODUCT)
                    else:
                        plan.update(original_transaction_id=ADDON_TX, product_id=ADDON_PRODUCT)
    return doc


@pytest.fixture
def store_demo(deps, clock):
    doc = with_apple_ids(demo_document(clock().date()))
    import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)
    return doc


class Feed:
    """Apple's side of the wire, and the worker's: POST a body, run the queue."""

    def __init__(self, client, deps, clock) -> None:
        self.client, self.deps, self.clock = client, deps, clock

    def post(self, body: str | bytes, **kw):
        return self.client.post("/appstore/notifications", data=body, content_type="application/json", **kw)

    def deliver(self, body: str) -> str:
        resp = self.post(body)
        assert resp.status_code == 200, resp.data
        return resp.get_json()["notificationUUID"]

    def work(self) -> None:
        """What `switchboard worker` does with the App Store queue, in-process."""
        from appstore.wording import receipt_for

        appstore.configure_worker(self.deps.db, self.clock,
                                  receipt=receipt_for(self.deps.settings.brand_name, self.deps.receipt_text))
        q = self.deps.queue_redis
        SimpleWorker([Queue(appstore.QUEUE, connection=q)], connection=q).work(burst=True)

    def row(self, uuid: str) -> AppStoreNotification | None:
        with self.deps.db() as s:
            return s.get(AppStoreNotification, uuid)

    def rows(self) -> list[AppStoreNotification]:
        with self.deps.db() as s:
            return s.execute(select(AppStoreNotification).order_by(AppStoreNotification.received_at)).scalars().all()


@pytest.fixture
def feed(client, deps, clock) -> Feed:
    return Feed(client, deps, clock)


def uuid_of(body: str) -> str:
    import jwt

    return jwt.decode(json.loads(body)["signedPayload"], options={"verify_signature": False})["notificationUUID"]


