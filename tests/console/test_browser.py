"""The console in a real browser (Chromium through Playwright) against a real server over the
suite's PostgreSQL and Redis: sign-in and its limit, the queue updating while open, a
voicemail played, claimed, noted and closed, call-back requests and texts, supervisors and
agents, CSRF, session expiry, and the core actions with JavaScript off."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from core.models import Escalation
from tests.console.conftest import AGENT, PASSWORD, SUPERVISOR, sign_in

DANA, SAM = "+15557770001", "+15557770003"
WAIT = 10_000  # ms: the queue polls every 3 s


def _state(deps, case_id=1) -> str:
    with deps.db() as s:
        return s.execute(select(Escalation.state).where(Escalation.id == case_id)).scalar_one()


def test_signing_in_a_wrong_password_and_the_rate_limit(page, live_server, agent, clock):
    sign_in(page, live_server, AGENT, "not the password")
    expect(page.get_by_role("alert")).to_contain_text("don't match an active agent")
    expect(page.get_by_label("Email")).to_have_value(AGENT)
    for _ in range(4):
        sign_in(page, live_server, AGENT, "not the password")
    sign_in(page, live_server, AGENT)  # the right one, but the sixth try in 15 minutes
    expect(page.get_by_role("alert")).to_contain_text("Too many sign-in attempts")
    clock.advance(minutes=15)
    sign_in(page, live_server, AGENT)
    expect(page).to_have_url(live_server + "/console")
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    expect(page.locator("#queue-rows")).to_contain_text("No open cases")


def test_a_voicemail_appears_in_the_open_queue_then_is_played_claimed_noted_and_closed(
        page, live_server, agent, demo, call, deps, twilio_api):
    sign_in(page, live_server, AGENT)
    expect(page.locator("#queue-rows")).to_contain_text("No open cases")
    call(DANA, ["1", "1", "1234#", "0", "busy", "record"])  # while the page is open
    row = page.locator("tr[data-case='1']")
    expect(row).to_contain_text("Voicemail", timeout=WAIT)
    expect(row).to_contain_text("New")
    expect(page).to_have_title(re.compile(r"^\(1\) Queue"))
    page.keyboard.press("j")  # keyboard: to the first case, and open it
    expect(row.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"Case #1"))).to_be_visible()
    expect(page.locator("#whisper")).to_contain_text("PIN verified for line ending 0 0 0 1")
    page.locator("#voicemail").evaluate("a => a.play()")
    page.wait_for_function("() => document.getElementById('voicemail').currentTime > 0.3", timeout=WAIT)
    assert twilio_api.fetched and twilio_api.fetched[0]["path"].endswith(".mp3")

    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_role("status")).to_contain_text("You claimed this case")
    expect(page.locator("#case-state")).to_have_text("Claimed")
    page.get_by_label("Add a note").fill("Wants to stop Call Recording; will text STOP PLAN.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".note")).to_contain_text("Wants to stop Call Recording")
    page.get_by_label("Wrap-up code").select_option("texted_instructions")
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_role("status")).to_contain_text("Case 1 closed: Texted instructions")
    expect(page.locator("#queue-rows")).to_contain_text("No open cases")
    assert _state(deps) == "done"
    page.get_by_role("link", name="Done").click()
    expect(page.locator("tr[data-case='1']")).to_contain_text("Done")


def test_call_back_requests_and_texts_asking_for_a_person_appear_and_filter(
        page, live_server, agent, demo, phone, call):
    sign_in(page, live_server, AGENT)
    phone(SAM).text("AGENT")
    call(DANA, ["0", "no-answer", "-"])
    call(DANA, ["1"], path="/voice/voicemail?esc=2", extra={"Digits": "*"})  # * at the tone, then 1
    expect(page.locator("tr[data-case='1']")).to_contain_text("Text: AGENT", timeout=WAIT)
    expect(page.locator("tr[data-case='2']")).to_contain_text("Call-back request", timeout=WAIT)
    page.get_by_label("Kind").select_option("callback")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr[data-case='2']")).to_be_visible()
    expect(page.locator("tr[data-case='1']")).to_have_count(0)
    page.get_by_role("link", name="#2").click()
    expect(page.get_by_text("Call back on")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Call back \(555\) 777-0001"))).to_be_visible()


def test_a_supervisor_manages_agents_and_an_agent_cannot(browser, browser_context_args, live_server, agent,
                                                        supervisor, demo, phone):
    phone(SAM).text("AGENT")
    alex = browser.new_context(**browser_context_args).new_page()
    sign_in(alex, live_server, AGENT)
    expect(alex.get_by_role("navigation", name="Console").get_by_role("link", name="Agents")).to_have_count(0)
    alex.goto(live_server + "/console/agents")
    expect(alex.get_by_role("heading", name="Supervisors only")).to_be_visible()
    alex.goto(live_server + "/console/cases/1")
    alex.get_by_role("button", name="Claim").click()

    sam = browser.new_context(**browser_context_args).new_page()
    sign_in(sam, live_server, SUPERVISOR)
    expect(sam.locator("tr[data-case='1']")).to_contain_text("Alex Agent")
    sam.goto(live_server + "/console/cases/1")
    expect(sam.get_by_role("button", name="Take over from Alex Agent")).to_be_visible()
    sam.get_by_role("link", name="Agents").click()
    form = sam.locator("form", has=sam.get_by_role("button", name="Add agent"))
    form.get_by_label("Email").fill("kim@example.com")
    form.get_by_label("Name").fill("Kim Lee")
    form.get_by_label("First password").fill(PASSWORD)
    form.get_by_role("button", name="Add agent").click()
    expect(sam.get_by_role("status")).to_contain_text("Added Kim Lee (kim@example.com) as agent")
    sam.get_by_role("row", name=re.compile("Alex Agent")).get_by_role("button", name="Disable").click()
    expect(sam.get_by_role("row", name=re.compile("Alex Agent"))).to_contain_text("disabled")

    alex.reload()
    expect(alex.get_by_role("status")).to_contain_text("You were signed out")
    alex.context.close()
    sam.context.close()


def test_a_form_without_its_token_changes_nothing_and_an_expired_session_signs_out(
        page, live_server, agent, demo, phone, deps, clock):
    phone(DANA).text("AGENT")
    sign_in(page, live_server, AGENT)
    page.goto(live_server + "/console/cases/1")
    page.evaluate("() => document.querySelectorAll('input[name=csrf_token]').forEach(e => e.value = 'forged')")
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_role("heading", name="The form expired")).to_be_visible()
    assert _state(deps) == "new"

    # Another site (same host, another port: the same "site" to the cookie) posting a form.
    evil = "http://127.0.0.1:9/evil"
    page.route(evil, lambda route: route.fulfill(content_type="text/html", body=(
        f'<form method="post" action="{live_server}/console/cases/1/claim"><button>Win a prize</button></form>')))
    page.goto(evil)
    page.get_by_role("button", name="Win a prize").click()
    expect(page.get_by_role("heading", name="The form expired")).to_be_visible()
    assert _state(deps) == "new"

    page.goto(live_server + "/console")
    clock.advance(minutes=31)
    expect(page.get_by_role("alert")).to_contain_text("You were signed out", timeout=WAIT)  # the polling learns it
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Your session expired")
    expect(page).to_have_url(re.compile(r"/console/login\?why=expired"))


def test_the_core_actions_work_with_javascript_off(browser, browser_context_args, live_server, agent, demo, phone,
                                                   deps):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    phone(DANA).text("AGENT")
    sign_in(page, live_server, AGENT)
    page.get_by_role("link", name="#1").click()
    page.get_by_role("button", name="Claim").click()
    page.get_by_label("Add a note").fill("No JavaScript needed.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_label("Wrap-up code").select_option("self_service")
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_role("status")).to_contain_text("Case 1 closed")
    assert _state(deps) == "done"
    context.close()
