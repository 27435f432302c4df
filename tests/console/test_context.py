"""The console's context (R22): the queue names the customer and what they asked; the case page
names the plans each change was about, says what each text the bot sent them was (a receipt
that was the reply to their text included), offers only actions that can work, and names
audit actors for what made the change; one clock and one format on a page. Through the real
stack (signed webhooks, the console's pages), and in Debian's Chromium where it is about the
page itself."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.console.conftest import AGENT, sign_in

DANA = "+15557770001"
WAIT = 10_000


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _row(page: str, case_id: int) -> str:
    return re.search(rf'<tr class="state-\w+" data-case="{case_id}">(.*?)</tr>', page, re.S).group(1)


def test_the_queue_shows_the_customers_name_and_what_they_asked_R22(call, phone, demo, agent, console_as):
    call(DANA, ["1", "1", "1234#", "0", "busy", "-"])  # verified, asked to cancel a plan, then a person
    phone("+15557770003").text("AGENT")  # not verified: no name from caller ID alone (R8)
    page = _text(console_as(AGENT).get("/console"))
    dana, sam = _row(page, 1), _row(page, 2)
    assert '<td class="name">Dana Reyes</td>' in dana and '<td class="asked">cancel a plan</td>' in dana
    assert '<td class="name">—</td>' in sam and "Sam Ortiz" not in sam


def test_what_the_bot_did_names_each_plan_it_cancelled(phone, demo, agent, console_as):
    dana = phone(DANA)
    dana.text("CANCEL LINE")
    dana.text("1234")
    assert "Text Archive won't renew" in dana.text("YES")
    dana.text("AGENT")
    page = _text(console_as(AGENT).get("/console/cases/1"))
    steps = re.search(r'<ol class="steps" id="steps">(.*?)</ol>', page, re.S).group(1)
    assert "<li>Cancelled a plan: Text Archive</li>" in steps
    assert "<li>Cancelled a plan</li>" not in steps


def test_two_plans_cancelled_in_one_conversation_are_each_named(phone, demo, agent, console_as):
    dana = phone(DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    assert "won't renew" in dana.text("YES")
    dana.text("STOP PLAN Call Recording")
    assert "won't renew" in dana.text("YES")
    dana.text("AGENT")
    page = _text(console_as(AGENT).get("/console/cases/1"))
    steps = re.findall(r"<li>(Cancelled a plan[^<]*)</li>", page)
    assert steps == ["Cancelled a plan: Text Archive", "Cancelled a plan: Call Recording"]


def test_the_texts_sent_say_what_each_was_a_receipt_by_reply_included_R17(phone, demo, agent, console_as):
    dana = phone(DANA)
    dana.text("STOP PLAN Text Archive")
    dana.text("1234")
    assert "won't renew" in dana.text("YES")  # the reply is the receipt (R17): no outbox row
    dana.text("AGENT")
    page = _text(console_as(AGENT).get("/console/cases/1"))
    assert "None: the bot has texted none" not in page
    texts = re.search(r'<table class="events" id="texts">(.*?)</table>', page, re.S).group(1)
    assert "receipt: cancel plan Text Archive" in texts and "the reply to their text" in texts


def test_a_call_receipt_and_a_one_time_code_are_named_never_shown(call, phone, demo, agent, console_as, deps, clock):
    from core import outbox

    call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])  # Text Archive cancelled on a call
    clock.advance(seconds=91)
    outbox.send_due(deps.db, deps.sender(), clock)
    dana = phone(DANA)
    dana.text("PLANS")
    dana.text("CODE")
    dana.text("+15550100001")  # a one-time code to the line's own number (R21)
    dana.text("AGENT")
    page = _text(console_as(AGENT).get("/console/cases/1"))
    texts = re.search(r'<table class="events" id="texts">(.*?)</table>', page, re.S).group(1)
    assert "receipt: cancel plan Text Archive" in texts and "a one-time code" in texts
    assert not re.search(r"\b\d{6}\b", texts)


def test_a_voicemail_case_offers_no_hand_off_and_a_live_call_does_until_it_ends(call, demo, agent, console_as,
                                                                               twilio, deps):
    from core.models import Escalation

    call(DANA, ["1", "1", "1234#", "0", "busy", "record"])
    c = console_as(AGENT)
    voicemail = _text(c.get("/console/cases/1"))
    assert "Hand the caller to the bot" not in voicemail and "Call back (555) 777-0001" in voicemail
    with deps.db.begin() as s:  # closed, so the next call opens a case of its own (one open case per reason)
        s.get(Escalation, 1).state = "done"
    t = call(DANA, ["1", "1", "1234#", "0", "answer"])  # put through: still on the line
    assert "Hand the caller to the bot" in _text(c.get("/console/cases/2"))
    resp = twilio.post("/voice/status", {"CallSid": t.sim.sid, "CallStatus": "completed", "CallDuration": "60",
                                         "From": DANA, "To": "+15550109000"})
    assert resp.status_code == 200
    assert "Hand the caller to the bot" not in _text(c.get("/console/cases/2"))


def test_without_credentials_or_a_phone_the_call_back_says_why_instead_of_a_button(
        make_app, demo, phone, make_agent, deps):
    from tests.console.conftest import Console

    app = make_app(twilio_account_sid=None)
    make_agent("nophone@example.com", phone_number=None)
    phone(DANA).text("AGENT")
    c = Console(app.test_client())
    c.sign_in("nophone@example.com")
    page = _text(c.get("/console/cases/1"))
    assert "Call back: Calls and recordings need TWILIO_ACCOUNT_SID to be set." in page
    assert 'button type="submit" class="secondary">Call back' not in page


def test_the_audit_names_the_command_line_for_an_import_and_the_agent_for_a_claim_R14(
        runner, agent, console_as, phone, tmp_path, deps):
    from core.demo import demo_document

    doc = demo_document(deps.clock().date())
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps(doc))
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    phone(DANA).text("AGENT")
    c = console_as(AGENT)
    c.post("/console/cases/1/claim")
    page = _text(c.get("/console/cases/1"))
    assert "<td>the command line</td>" in page and "system (Console)" not in page and ">system" not in page
    assert f"<td>agent {AGENT} (console)</td>" in page


# In the browser: one clock, one format, the zone note kept -----------------------------------
def test_the_queue_updates_in_the_agents_zone_and_24_hour_format_and_keeps_the_zone_note(
        page, live_server, agent, demo, phone, clock):
    phone(DANA).text("AGENT")
    sign_in(page, live_server, AGENT)  # Alex works in America/Chicago: 15:00 UTC is 09:00
    zone = page.locator("#zone")
    expect(zone).to_have_text("Times in America/Chicago, 24-hour")
    expect(page.locator("#live")).to_have_text("updated 09:00:00")
    clock.advance(minutes=20, seconds=9)  # the server's clock, not the browser's; "9:20:09 AM" on a 12-hour one
    expect(page.locator("#live")).to_have_text("updated 09:20:09", timeout=WAIT)
    expect(zone).to_have_text("Times in America/Chicago, 24-hour")
    expect(page.locator("tr[data-case='1']")).to_contain_text("Nov 26, 09:00")
    page.reload()
    expect(zone).to_have_text("Times in America/Chicago, 24-hour")
    expect(page.locator("#live")).to_have_text("updated 09:20:09")
    expect(page.locator("tr[data-case='1'] td.name")).to_have_text("—")


def test_a_customer_name_and_request_appear_in_the_open_queue(page, live_server, agent, demo, call):
    sign_in(page, live_server, AGENT)
    call(DANA, ["1", "1", "1234#", "0", "busy", "-"])
    row = page.locator("tr[data-case='1']")
    expect(row.locator("td.name")).to_have_text("Dana Reyes", timeout=WAIT)
    expect(row.locator("td.asked")).to_have_text("cancel a plan")
    page.get_by_role("link", name="#1").click()
    expect(page.get_by_role("button", name="Hand the caller to the bot")).to_have_count(0)
