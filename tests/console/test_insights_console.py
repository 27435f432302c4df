"""The Insights page and the misunderstood turns through the console (test client): who sees
what, the charts and their CSV, ranges and filters, CSRF on every form, no PIN or number on
the pages, each view of the kept turns audited, labelling and dismissing, the purge (R26),
and ``switchboard phrases export``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from core import insights, missed_turns
from core.models import AuditEvent
from core.models_insights import MissedTurn
from tests.console.conftest import AGENT, SUPERVISOR
from tests.console.test_insights import A, B, C, D, E, F, week  # noqa: F401  the known week

DANA, DANA_LINE = "+15557770001", "+15550100001"


@pytest.fixture
def boss(supervisor, console_as):
    return console_as(SUPERVISOR)


@pytest.fixture
def alex(agent, console_as):
    return console_as(AGENT)


def page(c, path: str) -> str:
    resp = c.get(path)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _custom(start="2026-11-19", end="2026-11-25") -> str:
    return f"range=custom&from={start}&to={end}"


def test_a_supervisor_sees_every_chart_as_svg_with_its_numbers(boss, week):
    html = page(boss, "/console/insights?" + _custom())
    for chart in insights.CHARTS:
        assert f'id="chart-{chart}"' in html or chart == "after_clarifying"
        assert f"/console/insights/{chart}.csv" in html
    assert html.count("<svg") >= 8 and "<script" not in html.split("</head>")[1]
    assert "7 conversations" in html
    assert 'id="tile-completion">60 %' in html and 'id="tile-containment">67 %' in html
    assert "Cancel their line" in html and "When asked for the PIN" in html


def test_the_page_works_without_javascript_and_loads_nothing_from_elsewhere(boss, week):
    html = page(boss, "/console/insights")
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert '<form class="filters" method="get"' in html


def test_an_agent_sees_only_their_own_queue_figures(alex, agent, deps, week):
    from core.models import Escalation

    with deps.db() as s, s.begin():
        s.get(Escalation, 1).claimed_by = agent.id
    html = page(alex, "/console/insights?" + _custom())
    assert "Your figures" in html and 'id="own-claimed">1<' in html and 'id="own-closed">1<' in html
    assert "conversations" not in html and "chart-completion" not in html
    assert alex.get("/console/insights/completion.csv").status_code == 403
    assert alex.get("/console/insights/missed").status_code == 403
    own = alex.get("/console/insights/own.csv?" + _custom())
    rows = list(csv.reader(io.StringIO(own.get_data(as_text=True))))
    assert rows[0][:3] == ["claimed", "closed", "open_now"] and rows[1][:3] == ["1", "1", "0"]
    assert rows[1][3] == "600"  # ten minutes waiting before they claimed it


def test_signed_out_the_pages_and_downloads_are_not_reachable(client, week):
    for path in ("/console/insights", "/console/insights/completion.csv", "/console/insights/missed"):
        resp = client.get(path)
        assert resp.status_code == 303 and "/console/login" in resp.headers["Location"]


def test_each_csv_holds_the_charts_numbers(boss, week):
    got = boss.get("/console/insights/completion.csv?" + _custom())
    assert got.mimetype == "text/csv" and "attachment" in got.headers["Content-Disposition"]
    rows = {r[0]: r for r in csv.reader(io.StringIO(got.get_data(as_text=True)))}
    assert rows["journey"] == ["journey", "conversations", "done_by_bot", "completion", "done_24h_ago",
                               "contained", "containment"]
    assert rows["plans"] == ["plans", "1", "1", "1.000", "1", "0", "0.000"]
    assert rows["cancel_line"][:3] == ["cancel_line", "2", "0"]
    timing = list(csv.reader(io.StringIO(boss.get("/console/insights/timing.csv?" + _custom()).get_data(as_text=True))))
    assert timing[1] == ["in_ivr", "4", "40", "90"] and timing[2] == ["to_first_agent", "2", "120", "600"]
    under = boss.get("/console/insights/understanding.csv?" + _custom() + "&door=sms").get_data(as_text=True)
    assert "sms,en,10,3,30.000,2,20.000" in under and "voice" not in under


@pytest.mark.parametrize("query, conversations", [
    ("range=today", 0), ("range=7d", 4), ("range=30d", 7), (_custom(), 7), (_custom("2026-11-21", "2026-11-21"), 2),
    (_custom("2026-11-25", "2026-11-19"), 7),  # given the wrong way round
    ("range=custom&from=nonsense", 4),  # falls back to 7 days
    (_custom() + "&door=voice", 3), (_custom() + "&lang=es", 1), (_custom() + "&journey=cancel_line", 2),
    (_custom() + "&door=fax&lang=fr&journey=nothing", 7),  # unknown filters are no filter
])
def test_ranges_and_filters(boss, week, query, conversations):
    # The supervisor's days are New York's: 7 days from Nov 26 are Nov 20 to 26, from 05:00 UTC
    # on Nov 20 (B's texts at 20:00 UTC on Nov 19, 15:00 in New York, are left out).
    assert f"{conversations} conversations" in page(boss, "/console/insights?" + query)


def test_no_pin_nor_sender_number_on_any_page_or_download(boss, week, deps, phone, demo):
    p = phone(DANA)
    p.text("I wanna cancel")
    p.text("1234 5550100001 purple")
    pages = [page(boss, "/console/insights?range=30d"), page(boss, "/console/insights/missed")]
    pages += [boss.get(f"/console/insights/{c}.csv?range=30d").get_data(as_text=True) for c in insights.CHARTS]
    text = "\n".join(pages)
    for secret in ("1234", "5550100001", "555-010-0001", "(555) 010-0001", "777-0001", "7770001",
                   A, B, C, D, E, F, DANA_LINE):
        assert secret not in text, secret
    assert "•••• •••••••••• purple" in text


# The misunderstood turns (R26) -------------------------------------------------------------------
def keep(deps, said="what about the dog 42", **kw):
    args = dict(door="sms", lang="en", step="which", now=deps.clock())
    args.update(kw)
    assert missed_turns.keep(deps.db, said=said, **args)


def audits(deps, action):
    with deps.db() as s:
        return s.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars().all()


def test_every_view_of_the_misunderstood_turns_is_audited_R26(boss, supervisor, deps):
    keep(deps)
    page(boss, "/console/insights/missed")
    page(boss, "/console/insights/missed?state=labelled")
    seen = audits(deps, "missed_turns_viewed")
    assert [(a.actor_id, a.details["shown"], a.details["state"]) for a in seen] == [
        (str(supervisor.id), 1, "new"), (str(supervisor.id), 0, "labelled")]
    assert "dog" not in str(seen[0].details)  # what was shown, never the words


def test_a_supervisor_labels_a_turn_and_it_becomes_a_phrase(boss, supervisor, deps, runner):
    keep(deps, said="I want to get rid of the archive thing 2")
    html = page(boss, "/console/insights/missed")
    turn_id = int(re.search(r'data-turn="(\d+)"', html).group(1))
    assert "I want to get rid of the archive thing •" in html
    assert 'value="cancel_plan"' in html and 'value="none"' in html and "Nothing we do" in html
    resp = boss.post(f"/console/insights/missed/{turn_id}/label", {"label": "cancel_plan"})
    assert resp.status_code == 303
    html = page(boss, "/console/insights/missed?state=labelled")
    assert "Labelled: Cancel a plan." in html and "I want to get rid" in html
    [done] = audits(deps, "missed_turn_labelled")
    assert (done.actor_id, done.details["label"], done.target) == (str(supervisor.id), "cancel_plan",
                                                                 f"missed_turn:{turn_id}")
    out = runner.invoke(args=["phrases", "export"])
    assert out.exit_code == 0, out.output
    assert "# lang: en\ncancel_plan\tI want to get rid of the archive thing 0\n" in out.output


def test_a_label_the_model_does_not_know_is_refused(boss, deps):
    keep(deps)
    with deps.db() as s:
        turn_id = s.execute(select(MissedTurn.id)).scalar()
    page(boss, "/console/insights/missed")
    boss.post(f"/console/insights/missed/{turn_id}/label", {"label": "buy_a_boat"})
    assert "Choose what it meant" in page(boss, "/console/insights/missed")
    with deps.db() as s:
        assert s.get(MissedTurn, turn_id).state == "new"
    assert boss.post("/console/insights/missed/999/dismiss").status_code == 404


def test_dismissing_keeps_it_out_of_the_export(boss, deps, runner):
    keep(deps)
    with deps.db() as s:
        turn_id = s.execute(select(MissedTurn.id)).scalar()
    page(boss, "/console/insights/missed")
    assert boss.post(f"/console/insights/missed/{turn_id}/dismiss").status_code == 303
    assert "Dismissed (1)" in page(boss, "/console/insights/missed?state=dismissed")
    assert audits(deps, "missed_turn_dismissed")
    assert runner.invoke(args=["phrases", "export"]).output.count("\t") == 0


def test_agents_can_neither_see_nor_label_misunderstood_turns_R26(alex, deps):
    keep(deps)
    assert alex.get("/console/insights/missed").status_code == 403
    assert alex.post("/console/insights/missed/1/label", {"label": "plans"}).status_code == 403
    assert alex.post("/console/insights/missed/1/dismiss").status_code == 403
    with deps.db() as s:
        assert s.get(MissedTurn, 1).state == "new"
    assert audits(deps, "missed_turns_viewed") == []


@pytest.mark.parametrize("path, form", [("/console/insights/missed/1/label", {"label": "plans"}),
                                        ("/console/insights/missed/1/dismiss", {})])
def test_every_form_needs_its_csrf_token(boss, deps, path, form):
    keep(deps)
    page(boss, "/console/insights/missed")
    resp = boss.post(path, form, token=False)
    assert resp.status_code == 400 and "form expired" in resp.get_data(as_text=True)
    resp = boss.post(path, {**form, "csrf_token": "forged"}, token=False)
    assert resp.status_code == 400
    with deps.db() as s:
        assert s.get(MissedTurn, 1).state == "new"


def test_every_form_on_the_pages_carries_a_token(boss, deps):
    keep(deps)
    html = page(boss, "/console/insights/missed")
    posts = re.findall(r'<form[^>]*method="post".*?</form>', html, re.S)
    assert len(posts) >= 3 and all('name="csrf_token"' in f for f in posts)


@pytest.mark.parametrize("said, masked", [
    ("my pin is 4821", "my pin is ••••"),
    ("+1 (555) 010-0001", "+• (•••) •••-••••"),
    ("code ٣٤٥", "code •••"),  # Arabic-Indic digits
    ("ｃｏｄｅ １２３", "ｃｏｄｅ •••"),  # full-width digits
    ("four eight two one", "four eight two one"),  # words stay words
])
def test_every_digit_is_masked_R26(said, masked):
    assert missed_turns.mask(said) == masked


def test_the_purge_deletes_turns_kept_longer_than_the_setting_R26(deps, runner, clock):
    keep(deps, now=clock() - dt.timedelta(days=31))
    keep(deps, now=clock() - dt.timedelta(days=29))
    out = runner.invoke(args=["run-due"])
    assert out.exit_code == 0, out.output
    assert "1 misunderstood turn deleted" in out.output
    with deps.db() as s:
        assert s.execute(select(func.count()).select_from(MissedTurn)).scalar() == 1
    assert audits(deps, "missed_turns_purged")[0].details["count"] == 1


def test_the_purge_follows_missed_turns_days(deps, make_app, clock):
    app = make_app(missed_turns_days=7)
    d = app.extensions["switchboard"]
    keep(d, now=clock() - dt.timedelta(days=8))
    keep(d, now=clock() - dt.timedelta(days=6))
    assert app.test_cli_runner().invoke(args=["run-due"]).exit_code == 0
    with d.db() as s:
        assert s.execute(select(func.count()).select_from(MissedTurn)).scalar() == 1
