"""import/export: the CONTRACT format round-trips; a bad file changes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from core.models import Line
from core.account_data import ImportRefused, export_document, import_document, validate
from tests.conftest import TEST_PIN_SECRET

CONTRACT_EXAMPLE = {
    "available_numbers": ["+15550100900", "+15550100901"],
    "accounts": [{
        "name": "Acme Plumbing", "admin": "jdoe",
        "lines": [{
            "login_id": "jdoe", "number": "+15550100001", "pin": "482913",
            "contacts": ["+15557770001"],
            "status": "active", "status_reason": None,
            "usage_credits": "12.50",
            "plans": [
                {"product": "Unlimited Monthly", "kind": "number", "period": "monthly",
                 "channel": "portal", "term_end": "2026-12-15", "auto_renew": True},
                {"product": "Call Recording", "kind": "feature", "period": "monthly",
                 "channel": "app_store", "term_end": "2026-12-03", "auto_renew": True},
            ],
            "blocked": ["+15559990000"],
        }],
    }],
}


def without_pins_with_audit(doc):
    out = copy.deepcopy(doc)
    for account in out["accounts"]:
        for line in account["lines"]:
            line.pop("pin", None)
            line["audit"] = [IMPORTED]
    return out


IMPORTED = {"actor": "system", "actor_id": None, "channel": "cli", "action": "line_imported",
            "target": None, "outcome": "applied", "request_id": None, "details": None}


def exported(deps, number=None):
    """The export, with each audit event's time checked and left out for comparison."""
    doc = export_document(deps.db, number)
    for account in doc["accounts"]:
        for line in account["lines"]:
            for event in line["audit"]:
                assert dt.datetime.fromisoformat(event.pop("at")).tzinfo is not None
                if event["action"] == "line_imported":
                    assert event.pop("target") == line["number"]
                    event["target"] = None
    return doc


def lines_count(deps):
    with deps.db() as s:
        return s.execute(select(func.count()).select_from(Line)).scalar()


def test_the_contract_example_round_trips(deps):
    import_document(deps.db, CONTRACT_EXAMPLE, pin_secret=TEST_PIN_SECRET)
    assert exported(deps) == without_pins_with_audit(CONTRACT_EXAMPLE)


def test_importing_the_same_file_twice_changes_nothing(deps):
    import_document(deps.db, CONTRACT_EXAMPLE, pin_secret=TEST_PIN_SECRET)
    first = export_document(deps.db)
    counts = import_document(deps.db, CONTRACT_EXAMPLE, pin_secret=TEST_PIN_SECRET)
    assert counts["lines"] == 0 and counts["accounts"] == 0
    assert export_document(deps.db) == first


def test_an_export_can_be_imported_again(deps):
    import_document(deps.db, CONTRACT_EXAMPLE, pin_secret=TEST_PIN_SECRET)
    exported = export_document(deps.db)
    import_document(deps.db, json.loads(json.dumps(exported)), pin_secret=TEST_PIN_SECRET)
    assert export_document(deps.db) == exported


def test_export_never_contains_a_pin(deps, demo):
    text = json.dumps(export_document(deps.db))
    assert '"pin"' not in text
    for account in demo["accounts"]:
        for line in account["lines"]:
            assert f'"{line["pin"]}"' not in text


def test_export_of_one_number(deps, demo):
    doc = export_document(deps.db, "+15550100011")
    assert [ln["login_id"] for a in doc["accounts"] for ln in a["lines"]] == ["maria"]
    assert doc["accounts"][0]["admin"] == "jdoe"


def _bad(mutate):
    doc = copy.deepcopy(CONTRACT_EXAMPLE)
    mutate(doc["accounts"][0]["lines"][0], doc)
    return doc


@pytest.mark.parametrize("doc, expected", [
    pytest.param(_bad(lambda ln, d: ln.update(colour="blue")),
                 "accounts[1] (Acme Plumbing) lines[0] (jdoe, +15550100001): unknown key 'colour'", id="unknown key"),
    pytest.param(_bad(lambda ln, d: ln.update(number="555-0100")),
                 "lines[0] (jdoe, 555-0100).number: '555-0100' is not an E.164 number", id="bad E.164"),
    pytest.param(_bad(lambda ln, d: ln["contacts"].append("+1")),
                 "(jdoe, +15550100001).contacts[1]: '+1' is not an E.164 number", id="bad contact"),
    pytest.param(_bad(lambda ln, d: ln["plans"].append(dict(ln["plans"][0], product="Second"))),
                 "plans[2] (Second).kind: a second number plan", id="second number plan"),
    pytest.param(_bad(lambda ln, d: ln["plans"][1].update(term_end="2026-13-01")),
                 "plans[1] (Call Recording).term_end: '2026-13-01' is not a date", id="bad date"),
    pytest.param(_bad(lambda ln, d: ln.update(pin="12")), ".pin: must be a string of 4 to 8 digits", id="short pin"),
    pytest.param(_bad(lambda ln, d: d["accounts"][0].update(admin="nobody")),
                 "accounts[1] (Acme Plumbing).admin: 'nobody' is not the login_id", id="unknown admin"),
    pytest.param(_bad(lambda ln, d: ln.update(status="cancel_pending")),
                 ".status_reason: a cancel_pending line was cancelled by its user", id="status without reason"),
    pytest.param(_bad(lambda ln, d: ln["plans"][0].update(auto_renew="yes")),
                 "plans[0] (Unlimited Monthly).auto_renew: must be true or false", id="non-boolean"),
    pytest.param(_bad(lambda ln, d: ln["plans"][0].update(auto_renew=1)),
                 "plans[0] (Unlimited Monthly).auto_renew: must be true or false", id="a number for a boolean"),
    pytest.param(_bad(lambda ln, d: ln["plans"][1].update(term_end="20261203")),
                 "plans[1] (Call Recording).term_end: '20261203' is not a date (YYYY-MM-DD)", id="basic ISO date"),
    pytest.param(_bad(lambda ln, d: ln.update(usage_credits=12.5)),
                 "(jdoe, +15550100001).usage_credits: 12.5 is not an amount", id="credits as a number"),
    pytest.param(_bad(lambda ln, d: ln.update(pin=None)), ".pin: must be a string of 4 to 8 digits", id="null pin"),
    pytest.param(_bad(lambda ln, d: ln.update(plans={"product": "x"})),
                 "(jdoe, +15550100001).plans: must be a list", id="plans not a list"),
    pytest.param(_bad(lambda ln, d: ln.update(status="cancel_pending", status_reason="user")),
                 "plans[0] (Unlimited Monthly).auto_renew: a line its user cancelled (R3) renews nothing",
                 id="user-cancelled line renews R3"),
    pytest.param(_bad(lambda ln, d: ln.update(contacts=["+15550100077"])),
                 "(jdoe, +15550100001).contacts[0]: +15550100077 is the number of another line",
                 id="contact is another line of the file"),
    pytest.param(_bad(lambda ln, d: ln.update(login_id="okay")),
                 "(okay, +15550100001).login_id: 'okay' is also accounts[0] (Acme Plumbing) lines[0]",
                 id="login twice"),
])
def test_a_bad_file_is_refused_naming_the_line_and_field_and_writes_nothing(deps, doc, expected):
    # A good account before the bad one: it must not be written either.
    good = copy.deepcopy(CONTRACT_EXAMPLE["accounts"][0])
    good["lines"][0].update(login_id="okay", number="+15550100077")
    good["admin"] = "okay"
    doc["accounts"].insert(0, good)
    with pytest.raises(ImportRefused) as refused:
        import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)
    assert any(expected in e for e in refused.value.errors), refused.value.errors
    assert lines_count(deps) == 0


def test_validate_names_what_the_file_gets_wrong_on_its_own():
    without_pin = copy.deepcopy(CONTRACT_EXAMPLE)
    del without_pin["accounts"][0]["lines"][0]["pin"]
    assert validate(without_pin, {"+15550100001"}) == []
    assert validate(without_pin) == ["accounts[0] (Acme Plumbing) lines[0] (jdoe, +15550100001).pin: "
                                     "missing (a new line needs a PIN)"]
    assert validate([]) == ["file: must be an object"]
    assert validate({"accounts": [], "extra": 1}) == ["file: unknown key 'extra'"]
    assert validate({"accounts": [{"name": "A", "admin": "a", "lines": []}]}) == ["accounts[0] (A).lines: must not be empty"]


# Any valid document round-trips ----------------------------------------------------------
numbers = st.integers(min_value=0, max_value=9999).map(lambda n: f"+1555010{n:04d}")
dates = st.dates(min_value=__import__("datetime").date(2025, 1, 1),
                 max_value=__import__("datetime").date(2028, 12, 31)).map(lambda d: d.isoformat())
products = st.sampled_from(["Text Archive", "Call Recording", "Voicemail Transcription", "Fax"])
status_pairs = st.sampled_from([("active", None), ("suspended", "unpaid"), ("cancelled", "inactivity"),
                                ("cancel_pending", "user"), ("released", "system")])


@st.composite
def plan_docs(draw, kind):
    return {"product": draw(products) if kind == "feature" else draw(st.sampled_from(["Unlimited Monthly", "Basic"])),
            "kind": kind, "period": draw(st.sampled_from(["monthly", "annual"])),
            "channel": draw(st.sampled_from(["portal", "app_store"])),
            "term_end": draw(dates), "auto_renew": draw(st.booleans()),
            **({"ended": True} if draw(st.booleans()) else {})}


@st.composite
def documents(draw):
    used = draw(st.lists(numbers, min_size=2, max_size=12, unique=True))
    n_lines = draw(st.integers(1, max(1, len(used) // 2)))
    line_numbers, rest = used[:n_lines], used[n_lines:]
    accounts, i = [], 0
    while i < n_lines:
        size = draw(st.integers(1, n_lines - i))
        lines = []
        for number in line_numbers[i:i + size]:
            status, reason = draw(status_pairs)
            plans = [draw(plan_docs("number"))] + draw(st.lists(plan_docs("feature"), max_size=3))
            draw(st.randoms()).shuffle(plans)
            if reason == "user":  # R3: a line its user cancelled renews nothing
                plans = [dict(plan, auto_renew=False) for plan in plans]
            lines.append({
                "login_id": f"user{number[-4:]}", "number": number,
                "pin": draw(st.from_regex(r"\A[0-9]{4,8}\Z")),
                "contacts": draw(st.lists(st.sampled_from(["+15557770001", "+15557770002", "+447700900123"]), unique=True)),
                "status": status, "status_reason": reason,
                "usage_credits": f"{draw(st.integers(0, 99999)) / 100:.2f}",
                "plans": plans,
                "blocked": draw(st.lists(st.sampled_from(["+15559990000", "+15559990001"]), unique=True)),
            })
        accounts.append({"name": draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30).filter(str.strip)),
                         "admin": draw(st.sampled_from([ln["login_id"] for ln in lines])), "lines": lines})
        i += size
    return {"available_numbers": rest, "accounts": accounts}


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_any_valid_document_round_trips(app, deps, doc):
    from tests.conftest import _clean

    _clean(deps.engine, deps.redis)
    import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)
    assert exported(deps) == without_pins_with_audit(doc)


# Apple's ids on App Store plans (R23) --------------------------------------------------------
def _with_ids(doc, tid="2000000000000002", product="com.example.callrecording"):
    doc = copy.deepcopy(doc)
    doc["accounts"][0]["lines"][0]["plans"][1].update(original_transaction_id=tid, product_id=product)
    return doc


def test_apples_ids_round_trip_and_are_optional(deps):
    doc = _with_ids(CONTRACT_EXAMPLE)
    import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)
    assert exported(deps) == without_pins_with_audit(doc)
    import_document(deps.db, CONTRACT_EXAMPLE, pin_secret=TEST_PIN_SECRET)  # the ids are optional
    plans = export_document(deps.db)["accounts"][0]["lines"][0]["plans"]
    assert all("original_transaction_id" not in p and "product_id" not in p for p in plans)


@pytest.mark.parametrize("doc, expected", [
    pytest.param(_bad(lambda ln, d: ln["plans"][0].update(original_transaction_id="2000000000000001")),
                 "plans[0] (Unlimited Monthly).original_transaction_id: only an App Store plan (channel app_store) "
                 "carries Apple's ids", id="ids on a portal plan"),
    pytest.param(_bad(lambda ln, d: ln["plans"][1].update(original_transaction_id="2000 0001")),
                 "plans[1] (Call Recording).original_transaction_id: '2000 0001' is not null or an App Store "
                 "transaction id", id="a transaction id with a space"),
    pytest.param(_bad(lambda ln, d: ln["plans"][1].update(product_id="x" * 201)),
                 "plans[1] (Call Recording).product_id: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… is not null",
                 id="an overlong product id"),
    pytest.param(_bad(lambda ln, d: ln["plans"].extend([
        dict(ln["plans"][1], product="Text Archive", original_transaction_id="7"),
        dict(ln["plans"][1], product="Fax", original_transaction_id="7")])),
        "plans[3] (Fax).original_transaction_id: '7' is also accounts[1] (Acme Plumbing) lines[0] (jdoe, "
        "+15550100001).plans[2]", id="one transaction id on two plans"),
])
def test_a_file_with_bad_apple_ids_is_refused(deps, doc, expected):
    test_a_bad_file_is_refused_naming_the_line_and_field_and_writes_nothing(deps, doc, expected)


def test_a_transaction_id_another_line_holds_in_the_database_is_refused(deps):
    import_document(deps.db, _with_ids(CONTRACT_EXAMPLE), pin_secret=TEST_PIN_SECRET)
    other = _with_ids(CONTRACT_EXAMPLE)
    other["accounts"][0]["lines"][0].update(login_id="sam", number="+15550100003", contacts=[], blocked=[])
    other["accounts"][0].update(admin="sam", name="Sam")
    with pytest.raises(ImportRefused) as refused:
        import_document(deps.db, other, pin_secret=TEST_PIN_SECRET)
    assert refused.value.errors == [
        "accounts[0] (Sam) lines[0] (sam, +15550100003).plans[1] (Call Recording).original_transaction_id: "
        "'2000000000000002' is already the App Store transaction of a plan of +15550100001"]
    assert lines_count(deps) == 1


def test_a_transaction_id_may_move_between_two_lines_of_one_file(deps):
    doc = _with_ids(CONTRACT_EXAMPLE)
    second = copy.deepcopy(doc["accounts"][0]["lines"][0])
    second.update(login_id="sam", number="+15550100003", contacts=[], blocked=[])
    second["plans"][1].pop("original_transaction_id")
    doc["accounts"][0]["lines"].append(second)
    import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)
    moved = copy.deepcopy(doc)
    first_plans, second_plans = (ln["plans"] for ln in moved["accounts"][0]["lines"])
    second_plans[1]["original_transaction_id"] = first_plans[1].pop("original_transaction_id")
    moved["accounts"][0]["lines"].reverse()  # the new holder is written before the old one lets go
    import_document(deps.db, moved, pin_secret=TEST_PIN_SECRET)
    holders = {ln["login_id"]: ln["plans"][1].get("original_transaction_id")
               for ln in export_document(deps.db)["accounts"][0]["lines"]}
    assert holders == {"jdoe": None, "sam": "2000000000000002"}


def test_a_lines_language_is_imported_exported_and_used_for_its_receipts_R20(deps, clock):
    import copy

    from core import services
    from core.models import OutboundText
    from sms.replies import receipt_text
    from tests.helpers import plan

    doc = copy.deepcopy(CONTRACT_EXAMPLE)
    doc["accounts"][0]["lines"][0]["language"] = "es"
    import_document(deps.db, doc, pin_secret=TEST_PIN_SECRET)
    exported = export_document(deps.db)
    assert exported["accounts"][0]["lines"][0]["language"] == "es"
    bad = copy.deepcopy(CONTRACT_EXAMPLE)
    bad["accounts"][0]["lines"][0]["language"] = "fr"
    with pytest.raises(ImportRefused, match="language"):
        import_document(deps.db, bad, pin_secret=TEST_PIN_SECRET)
    ref = services.find_line(deps.db, "jdoe")
    req = services.Request(channel="voice", request_id="CA1", caller="+15557770001", receipt_to="+15557770001",
                           receipt=lambda kind, values, lang: receipt_text(kind, values, brand="B", lang=lang))
    plan_id = plan(deps, "jdoe", "Call Recording").id
    result = services.cancel_plan(deps.db, actor=ref, line_id=ref.line_id, plan_id=plan_id, now=clock(), req=req)
    assert not result.applied and result.reason == "app_store_plan"  # R6: nothing to receipt
    plan_id = plan(deps, "jdoe", "Unlimited Monthly").id
    result = services.cancel_plan(deps.db, actor=ref, line_id=ref.line_id, plan_id=plan_id, now=clock(), req=req)
    assert result.applied
    with deps.db() as s:
        body = s.execute(select(OutboundText.body)).scalar_one()
    assert body == receipt_text("plan_cancelled", result.data, brand="B", lang="es")
    assert body != receipt_text("plan_cancelled", result.data, brand="B", lang="en")
