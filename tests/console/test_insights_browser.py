"""The Insights page and the misunderstood turns in a real browser (Debian's Chromium through
Playwright) against a real server over the suite's PostgreSQL and Redis: ranges and filters,
the charts and their CSV links, the label flow, agents' own figures, no PIN or number on the
page, and all of it with JavaScript off."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from core import missed_turns
from tests.console.conftest import AGENT, SUPERVISOR, sign_in
from tests.console.test_insights import A, B, C, D, E, F, week  # noqa: F401  the known week


def _insights(page, live_server):
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights")).to_be_visible()


def test_ranges_and_filters_change_the_charts(page, live_server, supervisor, week):
    sign_in(page, live_server, SUPERVISOR)
    _insights(page, live_server)
    counts = page.locator(".bar .counts")
    expect(counts).to_have_text("4 conversations")  # 7 days in New York: Nov 20 to 26
    page.get_by_label("30 days", exact=True).check()
    page.get_by_role("button", name="Show").click()
    expect(counts).to_have_text("7 conversations")
    expect(page.locator("#chart-completion svg").first).to_be_visible()
    page.get_by_label("Channel", exact=True).select_option("voice")
    page.get_by_role("button", name="Show").click()
    expect(counts).to_have_text("3 conversations (filtered)")
    expect(page.get_by_label("Channel", exact=True)).to_have_value("voice")
    assert "door=voice" in page.locator("#chart-completion a.csv").get_attribute("href")
    page.get_by_label("Channel", exact=True).select_option("")
    page.get_by_label("Journey", exact=True).select_option("cancel_line")
    page.get_by_role("button", name="Show").click()
    expect(counts).to_have_text("2 conversations (filtered)")
    page.get_by_label("Custom", exact=True).check()
    page.get_by_label("From (custom)").fill("2026-11-21")
    page.get_by_label("To (custom)").fill("2026-11-21")
    page.get_by_label("Journey", exact=True).select_option("")
    page.get_by_role("button", name="Show").click()
    expect(counts).to_have_text("2 conversations")
    expect(page.locator("#range-said")).to_contain_text("Nov 21, 2026 – Nov 21, 2026")
    page.get_by_label("Today", exact=True).check()
    page.get_by_role("button", name="Show").click()
    expect(counts).to_have_text("0 conversations")
    expect(page.locator("#chart-gave_up")).to_contain_text("No data in this range.")


def test_a_csv_downloads_from_its_chart(page, live_server, supervisor, week):
    sign_in(page, live_server, SUPERVISOR)
    page.goto(live_server + "/console/insights?range=30d")
    with page.expect_download() as got:
        page.locator("#chart-timing a.csv").click()
    text = Path(got.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[1:] == ["in_ivr,4,40,90", "to_first_agent,2,120,600"]


def test_the_label_flow(page, live_server, supervisor, deps, clock):
    for said in ("can I port 555 0100 to another carrier", "blah"):
        missed_turns.keep(deps.db, said=said, door="sms", lang="en", step="which", now=clock())
    sign_in(page, live_server, SUPERVISOR)
    _insights(page, live_server)
    expect(page.locator("#missed-count")).to_have_text("2 to label")
    page.get_by_role("link", name="What the bot didn't understand").click()
    rows = page.locator("table.missed tbody tr")
    expect(rows).to_have_count(2)
    port = page.locator("tr", has_text="can I port")
    expect(port).to_contain_text("can I port ••• •••• to another carrier")
    port.get_by_label("What it meant").select_option(label="Change their number")
    port.get_by_role("button", name="Label").click()
    expect(page.get_by_role("status")).to_contain_text("Labelled: Change their number.")
    expect(rows).to_have_count(1)
    page.locator("tr", has_text="blah").get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status")).to_contain_text("Dismissed.")
    expect(page.locator("table.missed")).to_contain_text("Nothing here.")
    page.get_by_role("link", name="Labelled (1)").click()
    expect(page.locator("table.missed")).to_contain_text("Change their number")
    expect(page.get_by_role("link", name="Dismissed (1)")).to_be_visible()


def test_an_agent_sees_their_own_figures_and_not_the_lines(page, live_server, agent, week):
    sign_in(page, live_server, AGENT)
    page.get_by_role("link", name="Your figures").click()
    expect(page.get_by_role("heading", name="Your figures")).to_be_visible()
    expect(page.locator("#own-claimed")).to_have_text("0")
    expect(page.get_by_role("link", name="What the bot didn't understand")).to_have_count(0)
    page.goto(live_server + "/console/insights/missed")
    expect(page.get_by_role("heading", name="Supervisors only")).to_be_visible()


def test_with_javascript_off_the_page_the_filters_and_labels_work(browser, browser_context_args, live_server,
                                                                   supervisor, deps, clock, week):
    missed_turns.keep(deps.db, said="my card ends 9917", door="voice", lang="en", step="which", now=clock())
    page = browser.new_context(**browser_context_args, java_script_enabled=False).new_page()
    sign_in(page, live_server, SUPERVISOR)
    page.goto(live_server + "/console/insights")
    page.get_by_label("30 days", exact=True).check()
    page.get_by_label("Language", exact=True).select_option("es")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".bar .counts")).to_have_text("1 conversations (filtered)")
    expect(page.locator("svg.chart").first).to_be_visible()
    page.goto(live_server + "/console/insights/missed")
    row = page.locator("tr", has_text="my card ends ••••")
    row.get_by_label("What it meant").select_option("none")
    row.get_by_role("button", name="Label").click()
    expect(page.get_by_role("status")).to_contain_text("Labelled: Nothing we do.")
    body = page.locator("body").inner_text() + page.content()
    for secret in ("4821", "9917", A, B, C, D, E, F):
        assert secret not in body
