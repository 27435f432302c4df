"""How each call ended (issue 15): the number's signed call status callback records one
CallEvent a call — completed in the bot, transferred, voicemail, call back, abandoned at which
step, not answered — with its duration; Prometheus counts each once; ``switchboard calls
report`` gives a support lead the self-service rate, transfers and abandonment by step."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from core.call_events import CallFacts, Conversation, classify
from core.models_twilio import CallEvent
from tests.conftest import Twilio
from tests.helpers import free_port
from tests.twilio.conftest import ACCOUNT_SID, BASE, SUPPORT

DANA = "+15557770001"


def c(step, said=(), pending=None):
    return Conversation(step=step, said_last=tuple(said), pending=pending)


@pytest.mark.parametrize("facts, expected", [
    (CallFacts("busy"), ("not_answered", None)),
    (CallFacts("no-answer", escalation_outcome="requested"), ("not_answered", None)),
    (CallFacts("completed", escalation_outcome="voicemail", voicemail=True), ("voicemail", None)),
    (CallFacts("completed", escalation_outcome="requested", callback=True), ("callback", None)),
    (CallFacts("completed", escalation_outcome="connected"), ("transferred", None)),
    (CallFacts("completed", escalation_outcome="agent_answered", changes_applied=1), ("transferred", None)),
    (CallFacts("completed", changes_applied=2, conversation=c("pin")), ("completed", None)),
    (CallFacts("completed", escalation_outcome="requested"), ("abandoned", "transfer")),
    (CallFacts("completed", escalation_outcome="agent_no_answer"), ("abandoned", "voicemail")),
    (CallFacts("completed", escalation_outcome="after_hours"), ("abandoned", "voicemail")),
    (CallFacts("completed", state_known=False), ("abandoned", "unknown")),
    (CallFacts("completed", conversation=None), ("abandoned", "greeting")),
    (CallFacts("completed", conversation=c("command")), ("abandoned", "menu")),
    (CallFacts("completed", conversation=c("command", ["plans"])), ("completed", None)),
    (CallFacts("completed", conversation=c("command", ["refund_policy_terms"])), ("completed", None)),
    (CallFacts("completed", conversation=c("command", ["refused_app_store"])), ("completed", None)),
    (CallFacts("completed", conversation=c("command", ["unknown_command"])), ("abandoned", "menu")),
    (CallFacts("completed", conversation=c("confirm", ["confirm_cancel_line"])), ("abandoned", "confirm")),
    (CallFacts("completed", conversation=c("pin")), ("abandoned", "pin")),
    (CallFacts("completed", conversation=c("something_new")), ("abandoned", "unknown")),
], ids=lambda v: "-".join(x for x in v if x) if isinstance(v, tuple) else None)
def test_how_a_call_ended_is_classified(facts, expected):
    assert classify(facts) == expected


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def end(twilio, sid: str, status: str = "completed", duration: str = "42"):
    form = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": sid, "CallStatus": status,
            "CallDuration": duration, "From": DANA, "To": SUPPORT, "Direction": "inbound", "SequenceNumber": "0"}
    resp = twilio.post("/voice/status", form)
    assert resp.status_code == 200 and resp.data.strip().endswith(b"<Response />"), resp.data
    return resp


def events(deps) -> list[CallEvent]:
    with deps.db() as s:
        return s.execute(select(CallEvent).order_by(CallEvent.id)).scalars().all()


def test_a_call_that_cancels_a_plan_is_completed_in_the_bot(call, twilio, deps, demo):
    before = sample("switchboard_calls_total", outcome="completed")
    t = call(DANA, ["1", "1", "1234#", "2", "1", "hangup"])
    end(twilio, t.sim.sid, duration="95")
    [ev] = events(deps)
    assert (ev.call_sid, ev.outcome, ev.step, ev.duration_s, ev.call_status, ev.caller) == (
        t.sim.sid, "completed", None, 95, "completed", DANA)
    assert sample("switchboard_calls_total", outcome="completed") == before + 1


def test_a_caller_who_hangs_up_at_the_pin_is_counted_abandoned_at_the_pin(call, twilio, deps, demo):
    before = sample("switchboard_call_abandoned_total", step="pin")
    t = call(DANA, ["1", "1", "hangup"])
    end(twilio, t.sim.sid, duration="20")
    end(twilio, t.sim.sid, duration="20")  # Twilio's callback twice: one call, counted once
    [ev] = events(deps)
    assert (ev.outcome, ev.step) == ("abandoned", "pin")
    assert sample("switchboard_call_abandoned_total", step="pin") == before + 1


def test_a_caller_who_hangs_up_at_the_menu_is_abandoned_at_the_menu(call, twilio, deps, demo):
    end(twilio, call(DANA, ["hangup"]).sim.sid)
    assert [(e.outcome, e.step) for e in events(deps)] == [("abandoned", "menu")]


def test_a_call_put_through_to_a_person_is_transferred_and_on_its_case(call, twilio, deps, demo):
    t = call(DANA, ["0", "answer"])
    assert t.text("dial") == ["+15550109999"]
    end(twilio, t.sim.sid, duration="300")
    [ev] = events(deps)
    assert ev.outcome == "transferred" and ev.escalation_id is not None and ev.duration_s == 300


def test_a_message_left_when_nobody_answered_is_a_voicemail(call, twilio, deps, demo):
    t = call(DANA, ["0", "no-answer", "record"])
    end(twilio, t.sim.sid)
    assert [e.outcome for e in events(deps)] == ["voicemail"]


def test_a_call_never_answered_is_not_answered(twilio, deps):
    end(twilio, "CA" + "b" * 32, status="no-answer", duration="0")
    assert [(e.outcome, e.duration_s) for e in events(deps)] == [("not_answered", 0)]


def test_progress_events_are_not_the_end(twilio, deps):
    end(twilio, "CA" + "c" * 32, status="in-progress")
    assert events(deps) == []


def test_with_redis_down_the_end_is_still_recorded_without_its_step(call, make_app, deps, demo):
    t = call(DANA, ["1", "1", "hangup"])
    app = make_app(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    end(Twilio(app.test_client(), base=BASE), t.sim.sid)
    assert [(e.outcome, e.step) for e in events(deps)] == [("abandoned", "unknown")]


def test_the_calls_report_gives_self_service_transfers_and_abandonment_by_step(call, twilio, deps, demo, runner):
    end(twilio, call(DANA, ["1", "1", "1234#", "2", "1", "hangup"]).sim.sid, duration="60")
    end(twilio, call(DANA, ["1", "1", "hangup"]).sim.sid, duration="30")
    end(twilio, call(DANA, ["0", "answer"]).sim.sid, duration="120")
    end(twilio, "CA" + "d" * 32, status="busy", duration="0")
    out = runner.invoke(args=["calls", "report", "--days", "1"])
    assert out.exit_code == 0, out.output
    text = out.output
    assert ": 4 (3 answered)" in text
    assert "completed in the bot" in text and " 33.3%" in text
    assert "transferred to a person" in text and "at: pin 1" in text
    assert "average answered call: 1 min 10 s" in text


def test_metrics_expose_the_call_counters(call, twilio, client, deps, demo):
    end(twilio, call(DANA, ["1", "1", "hangup"]).sim.sid)
    body = client.get("/metrics").get_data(as_text=True)
    assert 'switchboard_calls_total{outcome="abandoned"}' in body
    assert 'switchboard_call_abandoned_total{step="pin"}' in body
